"""Small display helpers for notebooks (kept here so notebooks stay a few lines each).

:func:`publish_tables` hands a report's tables to the render pipeline the Jupyter way: as a
display output of their own MIME type, kept in the executed notebook (the report's record)
and read back by :func:`chiso766.render.xlsx.tables_from_notebook` — no file or environment
variable on the side.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pandas as pd
from IPython.display import HTML, display

from chiso766.i18n import _
from chiso766.report.charts import figure_html

#: MIME type of the tables output (JSON)
TABLES_MIME = "application/vnd.chiso766.tables+json"


class NotebookStop(Exception):
    """Stops a notebook with a message the analyst reads, without a traceback (IPython shows
    what :meth:`_render_traceback_` returns)."""

    def _render_traceback_(self) -> list[str]:
        return [_("Stopped: {message}").format(message=self)]


@contextmanager
def stop_with_message() -> Iterator[None]:
    """Turn the expected failures of loading a report (no store, unknown period, unit or
    province, no snapshot…) into :class:`NotebookStop` with the message alone."""
    from chiso766.compute.periods import PeriodError
    from chiso766.report.request import RequestError
    from chiso766.report.selection import SelectionError
    from chiso766.store import StoreError

    try:
        yield
    except (StoreError, RequestError, SelectionError, PeriodError, LookupError) as exc:
        raise NotebookStop(str(exc)) from None


def show(html: str) -> None:
    """Display an HTML fragment (already escaped by the view)."""
    if html:
        display(HTML(str(html)))


def show_figure(fig, alt: str, caption: str | None = None) -> None:
    """Display a chart (nothing if ``fig`` is None)."""
    if fig is None:
        return
    display(HTML(str(figure_html(fig, alt, caption))))


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                           and pd.isna(value)):  # fmt: skip
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value if isinstance(value, bool | int | float | str) else str(value)


def _dtype(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "text"


def tables_payload(
    tables: Mapping[str, pd.DataFrame], meta: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Tables (sheet name → frame) as JSON-ready data with each column's type; ``meta``:
    the workbook's properties and notes."""
    sheets = []
    for name, frame in tables.items():
        if not isinstance(name, str) or not isinstance(frame, pd.DataFrame):
            raise TypeError(f"tables are str → DataFrame, got {name!r}: {type(frame)}")
        if not isinstance(frame.index, pd.RangeIndex) or any(frame.index.names):
            frame = frame.reset_index()
        sheets.append(
            {
                "name": name,
                "columns": [str(c) for c in frame.columns],
                "dtypes": [_dtype(frame[c]) for c in frame.columns],
                "data": [[_cell(v) for v in row] for row in frame.itertuples(index=False)],
            }
        )
    out: dict[str, Any] = {"sheets": sheets}
    if meta:
        out["meta"] = {str(k): _cell(v) if not isinstance(v, list) else [str(x) for x in v]
                       for k, v in meta.items()}  # fmt: skip
    return out


def publish_tables(
    tables: Mapping[str, pd.DataFrame], meta: Mapping[str, Any] | None = None
) -> None:
    """Hand the report's tables (sheet name → frame) to the render that runs the notebook;
    in JupyterLab the output shows nothing."""
    display({TABLES_MIME: tables_payload(tables, meta)}, raw=True)


def publish_document(doc: Any) -> None:
    """Hand the announcement as a document (:mod:`chiso766.report.document`) to the render,
    which lays it out as DOCX where asked; in JupyterLab the output shows nothing."""
    from chiso766.report.document import DOCUMENT_MIME, to_json

    display({DOCUMENT_MIME: to_json(doc)}, raw=True)


def show_document(doc: Any) -> None:
    """Display the announcement: header, body, closing, then each appendix."""
    from chiso766.report.document_html import (
        appendix_html,
        body_html,
        closing_html,
        header_html,
    )

    show(header_html(doc))
    show(body_html(doc))
    show(closing_html(doc))
    for appendix in doc.appendices:
        show(appendix_html(appendix))


__all__ = [
    "TABLES_MIME",
    "publish_document",
    "publish_tables",
    "show",
    "show_document",
    "show_figure",
    "tables_payload",
]

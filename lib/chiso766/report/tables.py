"""Escaped HTML table fragments and class chips for report notebooks.

Every cell and header is HTML-escaped; a formatter may return :class:`markupsafe.Markup` (as
:func:`chip` does) to insert trusted markup. Numeric columns are right-aligned; missing values
render as ``missing`` ("—" unless told) in a ``td.na`` without calling the formatter. Tables
are wrapped in a ``div.table-wrap`` that scrolls sideways on narrow screens (report.css).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from chiso766.compute.textnorm import slug
from chiso766.formatting import MISSING, fmt_number

Formatter = Callable[[Any], Any]

#: Class names with a colour chip in report.css (``.chip-<slug>``); others get ``.chip-other``.
KNOWN_CLASSES = ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu")


def chip(class_name: Any, *, missing: str = MISSING) -> Markup:
    """A coloured badge for a class: ``<span class="chip chip-tot">Tốt</span>``."""
    if _is_missing(class_name) or str(class_name).strip() == "":
        return Markup('<span class="chip chip-none">{}</span>').format(missing)
    name = str(class_name)
    known = {slug(c): c for c in KNOWN_CLASSES}
    key = slug(name)
    css = f"chip-{key}" if key in known else "chip-other"
    return Markup('<span class="chip {}">{}</span>').format(css, name)


def _is_missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _default_format(value: Any) -> Any:
    if pd.api.types.is_bool(value):
        return "Có" if value else "Không"
    if pd.api.types.is_number(value):
        return fmt_number(value)
    return value


def _cell(value: Any, fmt: Formatter | None, missing: str) -> Markup:
    if _is_missing(value):
        return escape(missing)
    out = (fmt or _default_format)(value)
    if out is None or _is_missing(out):
        return escape(missing)
    return escape(out)  # Markup passes through; anything else is escaped


def table_html(
    df: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Formatter] | None = None,
    classes: str | tuple[str, ...] = (),
    caption: str | None = None,
    *,
    missing: str | Mapping[str, str] = MISSING,
    numeric: tuple[str, ...] | None = None,
) -> str:
    """An escaped ``<table>`` fragment of ``df`` (index not shown).

    ``columns`` maps column → Vietnamese header, in display order (default: all columns as
    named). ``formats`` maps column → callable returning text (or Markup); numbers default to
    :func:`~chiso766.formatting.fmt_number`. ``missing`` is the text for NaN/None, one for all
    columns or per column. ``numeric`` overrides which columns are right-aligned (default: the
    numeric dtypes).
    """
    columns = dict(columns) if columns is not None else {str(c): str(c) for c in df.columns}
    unknown = [c for c in columns if c not in df.columns]
    if unknown:
        raise KeyError(f"columns not in the frame: {', '.join(map(repr, unknown))}")
    formats = dict(formats or {})
    if numeric is None:
        num = {c for c in columns if _is_numeric(df[c])}
    else:
        num = set(numeric)
    css = " ".join(["report-table", *([classes] if isinstance(classes, str) else classes)])

    def missing_for(col: str) -> str:
        return missing.get(col, MISSING) if isinstance(missing, Mapping) else missing

    def align(col: str, na: bool = False) -> Markup:
        css = " ".join(c for c, on in (("num", col in num), ("na", na)) if on)
        return Markup(' class="{}"').format(css) if css else Markup("")

    parts: list[str] = [Markup('<div class="table-wrap"><table class="{}">').format(css.strip())]
    if caption:
        parts.append(Markup("<caption>{}</caption>").format(caption))
    parts.append("<thead><tr>")
    parts += [Markup('<th scope="col"{}>{}</th>').format(align(c), h) for c, h in columns.items()]
    parts.append("</tr></thead><tbody>")
    cols = list(columns)
    for row in df[cols].itertuples(index=False, name=None):
        parts.append("<tr>")
        for col, value in zip(cols, row, strict=True):
            na = _is_missing(value)
            text = _cell(value, formats.get(col), missing_for(col))
            parts.append(Markup("<td{}>{}</td>").format(align(col, na), text))
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)

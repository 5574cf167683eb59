"""The XLSX of a report: tables handed over by the notebook and the workbook written from them.

A notebook calls :func:`emit_tables` with its frames. Inside a render,
:func:`chiso766.render.pipeline.render_report` sets ``CHISO766_TABLES_OUT`` for the kernel and
emit_tables pickles the frames there (:func:`read_tables` reads them back); outside a render it
does nothing. :func:`write_xlsx` writes one sheet per table.

pandas and openpyxl are imported inside the functions: notebooks import this module for
:func:`emit_tables` and should not pay for openpyxl.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

ENV_TABLES = "CHISO766_TABLES_OUT"


def emit_tables(tables: Mapping[str, pd.DataFrame]) -> None:
    """Hand tables (sheet name → frame) to the render that runs this notebook.

    Does nothing outside a render (``CHISO766_TABLES_OUT`` unset); several calls add up.
    """
    import pandas as pd

    for key, frame in tables.items():
        if not isinstance(key, str) or not isinstance(frame, pd.DataFrame):
            raise TypeError(f"emit_tables takes str → DataFrame, got {key!r}: {type(frame)}")
    target = os.environ.get(ENV_TABLES)
    if not target:
        return
    path = Path(target)
    merged: dict[str, pd.DataFrame] = read_tables(path) if path.exists() else {}
    merged.update(tables)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as fh:
        pickle.dump(merged, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def read_tables(path: Path) -> dict[str, pd.DataFrame]:
    with path.open("rb") as fh:  # our own file, written by emit_tables in our temp dir
        return pickle.load(fh)  # noqa: S301


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "-", str(title)).strip("' ") or "Sheet"
    name = name[:31]
    base, i = name, 2
    while name.casefold() in used or name.casefold() == "history":
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.casefold())
    return name


def _xl_value(value: Any) -> Any:
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar
    if isinstance(value, bool | int | float | datetime):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: Path | str) -> Path:
    """One sheet per table: bold frozen header, filters, widths, numbers kept as numbers.

    Floats get the format ``#,##0.00`` (Excel shows 75,45 in a Vietnamese locale), integers
    ``0``, dates ``dd/mm/yyyy``. Text is always text: a cell starting with "=" is not a formula.
    A named or non-default index becomes the first columns.
    """
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if not tables:
        raise ValueError("write_xlsx needs at least one table")
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for title, frame in tables.items():
        if not isinstance(frame.index, pd.RangeIndex) or any(frame.index.names):
            frame = frame.reset_index()
        ws = wb.create_sheet(_sheet_name(title, used))
        ws.append([_xl_value(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([_xl_value(v) for v in row])
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
        for j, col in enumerate(frame.columns, start=1):
            series = frame[col]
            if pd.api.types.is_bool_dtype(series):
                fmt = None
            elif pd.api.types.is_integer_dtype(series):
                fmt = "0"
            elif pd.api.types.is_float_dtype(series):
                fmt = "#,##0.00"
            elif pd.api.types.is_datetime64_any_dtype(series):
                fmt = "dd/mm/yyyy"
            else:
                fmt = None
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            texts = [str(col), *(str(v) for v in series.head(1000))]
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, *map(len, texts)) + 2)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    wb.save(path)
    return path

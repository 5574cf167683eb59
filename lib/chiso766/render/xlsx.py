"""The XLSX of a report: the tables a notebook published (:func:`tables_from_notebook`, from
the executed notebook's outputs) and the workbook written from them (:func:`write_xlsx`).

pandas and openpyxl are imported inside the functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: MIME type of a notebook's tables output (see chiso766.report.display.publish_tables)
TABLES_MIME = "application/vnd.chiso766.tables+json"


def tables_from_notebook(
    nb: Any, *, remove: bool = True, meta: dict[str, Any] | None = None
) -> dict[str, pd.DataFrame]:
    """The tables an executed notebook published, as frames with their column types; with
    ``remove`` their outputs are taken out of the notebook (they are not part of the page);
    ``meta`` (a dict) receives the workbook's properties and notes, if published."""
    import pandas as pd

    tables: dict[str, pd.DataFrame] = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        keep = []
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if out.get("output_type") == "display_data" else {}
            if TABLES_MIME not in data:
                keep.append(out)
                continue
            if meta is not None and isinstance(data[TABLES_MIME].get("meta"), dict):
                meta.update(data[TABLES_MIME]["meta"])
            for sheet in data[TABLES_MIME].get("sheets", []):
                frame = pd.DataFrame(sheet["data"], columns=sheet["columns"])
                for col, kind in zip(sheet["columns"], sheet["dtypes"], strict=True):
                    frame[col] = _typed(frame[col], kind)
                tables[sheet["name"]] = frame
        if remove:
            cell["outputs"] = keep
    return tables


def _typed(series: pd.Series, kind: str) -> pd.Series:
    import pandas as pd

    if kind == "float":
        return pd.to_numeric(series, errors="coerce").astype("float64")
    if kind == "int":
        values = pd.to_numeric(series, errors="coerce")
        return values.astype("int64") if values.notna().all() else values.astype("Int64")
    if kind == "bool":
        return series.astype("boolean") if series.isna().any() else series.astype(bool)
    if kind == "datetime":
        return pd.to_datetime(series, errors="coerce")
    return series.astype(object)


def _sheet_name(title: str, used: set[str]) -> str:
    """A valid sheet name (31 characters at most), cut between words, unique."""
    name = re.sub(r"[\[\]:*?/\\]", "-", str(title)).strip("' ") or "Sheet"
    if len(name) > 31:
        cut = name[:32].rsplit(" ", 1)[0] if " " in name[:32] else name[:31]
        name = cut.rstrip(" ,-–") or name[:31]
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


def write_xlsx(
    tables: Mapping[str, pd.DataFrame], path: Path | str, meta: Mapping[str, Any] | None = None
) -> Path:
    """One sheet per table: bold frozen header, filters, widths, numbers kept as numbers.

    Floats get the format ``#,##0.00`` (Excel shows 75,45 in a Vietnamese locale), integers
    ``0``, dates ``dd/mm/yyyy``. Text is always text: a cell starting with "=" is not a formula.
    A named or non-default index becomes the first columns. ``meta`` sets the document's
    properties (title, subject, province, period) and its ``notes`` (e.g. "dữ liệu mẫu",
    "số liệu tạm tính") are written under the first sheet's table.
    """
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
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
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.fill = PatternFill("solid", fgColor="EAEEF2")
        ws.row_dimensions[1].height = 32
        ws.freeze_panes = "C2" if str(frame.columns[0]) == "STT" and frame.shape[1] > 2 else "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
        if meta and len(wb.worksheets) == 1:
            _notes(ws, [str(n) for n in meta.get("notes") or []])
    if meta:
        _properties(wb, meta)
    wb.save(path)
    return path


def _notes(ws: Any, notes: list[str]) -> None:
    """Notes under the table, after a blank row, in italics (outside the filter's range)."""
    from openpyxl.styles import Font

    row = ws.max_row + 2
    for text in notes:
        cell = ws.cell(row=row, column=1, value=_xl_value(text))
        cell.data_type = "s"
        cell.font = Font(italic=True)
        row += 1


def _properties(wb: Any, meta: Mapping[str, Any]) -> None:
    """Title, subject, creator, keywords and description of the workbook."""
    props = wb.properties
    props.title = str(meta.get("title") or "")[:255]
    props.subject = str(meta.get("subject") or "")[:255]
    props.creator = str(meta.get("province") or "Chỉ số 766 Workbook")[:255]
    props.keywords = f"Bộ chỉ số 766; {meta.get('period', '')}"[:255]
    props.category = "Thông báo kết quả Bộ chỉ số 766"
    lines = [f"Số liệu ngày {meta['taken']}"] if meta.get("taken") else []
    props.description = " ".join(lines + [str(n) for n in meta.get("notes") or []])[:1000]

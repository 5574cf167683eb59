"""CSV exports that are safe to open in a spreadsheet.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel and LibreOffice (CSV formula injection): such a cell is written with a leading
apostrophe, as spreadsheets themselves mark text. Numbers are written as numbers, and a text
cell that *is* a number as announcements write it ('-5,18', '+2,48') is left alone, so
negative values keep working.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+\-−]?\d[\d.,\s]*%?$")


def safe_cell(value: Any) -> Any:
    """``value`` unless it is text a spreadsheet would run as a formula (then "'" + text)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with :func:`safe_cell` applied to every text cell and to the headers."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


def write_csv(frame: pd.DataFrame, stream: TextIO, **kwargs: Any) -> None:
    """Write ``frame`` as CSV (no index) with every formula-looking text cell neutralised."""
    safe_frame(frame).to_csv(stream, index=False, **kwargs)


EXCEL_SEPARATOR = ";"


def excel_cell(value: Any) -> Any:
    """A cell as Excel with Vietnamese settings reads it: 75.45 → '75,45', 3.0 → '3' (whole
    numbers without decimals); text made formula-safe; no data → empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(round(value, 10)).replace(".", ",")
    if hasattr(value, "item"):  # numpy scalars
        return excel_cell(value.item())
    return safe_cell(value)


def write_excel_csv(frame: pd.DataFrame, stream: TextIO) -> None:
    """Write ``frame`` as a CSV that Excel opens correctly with Vietnamese regional settings:
    a UTF-8 byte-order mark, ';' between columns, decimal comma, whole numbers as integers,
    every formula-looking text cell neutralised."""
    out = pd.DataFrame(
        {safe_cell(str(c)): [excel_cell(v) for v in frame[c]] for c in frame.columns},
        dtype=object,
    )
    stream.write("\ufeff")
    out.to_csv(stream, index=False, sep=EXCEL_SEPARATOR, lineterminator="\r\n")

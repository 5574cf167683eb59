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

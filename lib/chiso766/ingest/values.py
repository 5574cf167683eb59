"""Parse one cell: decimal comma, %, spaces, signs; 'no data' phrases → NaN with a note."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from chiso766.compute.textnorm import fold_words, nfc
from chiso766.i18n import N_, _

NO_DATA_PHRASES = (
    "he thong khong thong bao du lieu",
    "khong thong bao du lieu",
    "khong co du lieu",
    "chua co du lieu",
    "khong co so lieu",
    "chua co so lieu",
    "khong co",
    "n a",
    "na",
    "kcdl",
)
_DASHES = {"-", "–", "—", "x", "..."}
_NUMBER = re.compile(r"^[+-]?(\d+([.,\s]\d+)*)$")


@dataclass(frozen=True)
class Cell:
    """A parsed cell: a number, or no data (value NaN) with the text kept as a note."""

    value: float
    note: str | None = None
    empty: bool = False

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)


MSG_TEXT = N_("text in a number column")
MSG_NOT_FINITE = N_("not a finite number (infinite or too large)")


class BadValue(ValueError):
    """Text where a number was expected, or a number too large to be one; ``problem`` says
    which, as the analyst reads it."""

    def __init__(self, problem: str | None = None):
        problem = problem or _(MSG_TEXT)
        super().__init__(problem)
        self.problem = problem


def parse_number(raw) -> Cell:
    """Read a number as analysts write it: '75,45', '75.45', '96%', ' 1.234,5 ', '+2,48', 144625.

    Empty → no data (``empty``); a phrase like 'Hệ thống không thông báo dữ liệu' or '-' → no data
    with the text as a note. Anything else that is not a number raises BadValue.
    """
    if raw is None:
        return Cell(math.nan, empty=True)
    if isinstance(raw, bool):
        raise BadValue()
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return Cell(math.nan, empty=True)
        return Cell(_finite(raw))
    text = nfc(str(raw))
    if not text:
        return Cell(math.nan, empty=True)
    if text in _DASHES:
        return Cell(math.nan, note=text)
    folded = fold_words(text)
    if folded in NO_DATA_PHRASES or any(p in folded for p in NO_DATA_PHRASES[:6]):
        return Cell(math.nan, note=text)
    body = text.replace("\u2212", "-").rstrip("%").strip()
    body = re.sub(r"(?<=\d)\s+(?=\d{3}\b)", "", body)  # 144 625 → 144625
    if body.startswith("+"):
        body = body[1:]
    if not _NUMBER.match(body.lstrip("-")) and not re.match(r"^-?\d+([.,]\d+)*$", body):
        raise BadValue()
    return Cell(_finite(_to_float(body)))


def _finite(value: float | int) -> float:
    """``value`` as a finite float; BadValue for infinity or a number beyond a float."""
    try:
        out = float(value)
    except OverflowError:
        raise BadValue(_(MSG_NOT_FINITE)) from None
    if not math.isfinite(out):
        raise BadValue(_(MSG_NOT_FINITE))
    return out


def _to_float(body: str) -> float:
    sign = -1.0 if body.startswith("-") else 1.0
    body = body.lstrip("-")
    if "," in body and "." in body:
        dec = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if dec == "," else ","
        body = body.replace(thousands, "").replace(dec, ".")
    elif "," in body:
        parts = body.split(",")
        body = body.replace(",", "") if len(parts) > 2 else body.replace(",", ".")
    elif body.count(".") > 1:
        body = body.replace(".", "")
    return sign * float(body)

"""Mask citizens' personal data (phone numbers, ID numbers, e-mails, named persons) in text
that leaves the office in shared reports. Agencies' names are not personal data."""

from __future__ import annotations

import re

import pandas as pd

_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_ID = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")  # CCCD (12) and CMND (9) numbers
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
_UPPER = "A-ZĐÀ-Ỹ"
_WORD = rf"[{_UPPER}][^\s,.;:()]*"
_PERSON = re.compile(
    rf"\b(Ông|Bà|Anh|Chị|Em|công dân|Công dân|người dân|Người dân)\s+((?:{_WORD}\s+){{0,4}}{_WORD})"
)


def _keep_tail(match: re.Match, keep: int = 3) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - keep) + digits[-keep:]


def _initials(match: re.Match) -> str:
    words = match.group(2).split()
    return f"{match.group(1)} " + " ".join(w[0] + "." for w in words)


def mask_text(text: str) -> str:
    """'Ông Nguyễn Văn An, 0912 345 678, CCCD 001203004567' →
    'Ông N. V. A., *******678, CCCD *********567'."""
    if not isinstance(text, str) or not text:
        return text
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _PHONE.sub(_keep_tail, text)
    text = _ID.sub(_keep_tail, text)
    return _PERSON.sub(_initials, text)


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with :func:`mask_text` applied to every text cell."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: mask_text(v) if isinstance(v, str) else v)
    return out

"""Mask the personal data columns of dossier records for every output that leaves the store.

"Nguyễn Văn An" → "Nguyễn V. A." (family name kept, the other names as initials);
"0912345612" → "09******12"; "001203004589" → "0012******89". The store keeps them unmasked.
"""

from __future__ import annotations

import re

import pandas as pd

PERSONAL_COLUMNS = ("applicant_name", "phone", "id_number")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _keep(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_name(name: str | None) -> str | None:
    """'Nguyễn Văn An' → 'Nguyễn V. A.'; a single word → its initial ('An' → 'A.')."""
    if not isinstance(name, str) or not name.strip():
        return None if not isinstance(name, str) else name
    words = name.split()
    if len(words) == 1:
        return words[0][0] + "."
    return " ".join([words[0], *(w[0] + "." for w in words[1:])])


def mask_phone(phone: str | None) -> str | None:
    """'0912 345 612' → '09******12' (first two and last two digits kept)."""
    if not isinstance(phone, str) or not phone.strip():
        return None if not isinstance(phone, str) else phone
    digits = _digits(phone) or phone
    return _keep(digits, 2, 2)


def mask_id_number(number: str | None) -> str | None:
    """'001203004589' → '0012******89' (first four and last two kept)."""
    if not isinstance(number, str) or not number.strip():
        return None if not isinstance(number, str) else number
    text = re.sub(r"\s", "", number)
    return _keep(text, 4, 2)


_MASKS = {"applicant_name": mask_name, "phone": mask_phone, "id_number": mask_id_number}


def mask_personal(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with the personal columns present masked."""
    out = frame.copy()
    for col, fn in _MASKS.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, f=fn: f(v) if isinstance(v, str) else v)
    return out

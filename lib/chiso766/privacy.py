"""Mask citizens' personal data (phone numbers, ID numbers, e-mails, named persons) in text
that leaves the office in shared reports. Agencies' and places' names are not personal data.

- e-mails keep their first letter and domain: ``a***@gmail.com``;
- ID numbers (CCCD, 12 digits; CMND, 9), however grouped ('0012-0300-4567',
  '001 203 004 567'), and phone numbers ('0912 345 678', '+84 912.345.678', '(091) 234 5678')
  keep their last three digits only: ``*********567``;
- a person — after an honorific in any case ('Ông', 'bà', 'công dân'…) or, without one, a
  name of three or more capitalised words that begins with a common family name
  (``data/family_names.txt``: 'Nguyễn Thị Hoa') — is written with initials: 'N. T. H.'.
  Places named after a person ('phường Trần Hưng Đạo', 'đường Lê Văn Sỹ', 'TP. Hồ Chí Minh')
  and places whose name begins like an honorific ('Bà Rịa', 'Cô Tô') are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import pandas as pd

_SEP = r"[\s.\-]"
# 12-digit CCCD or 9-digit CMND, digits optionally grouped by spaces, dots or hyphens
_ID = re.compile(rf"(?<![\d\w])(?:\d(?:{_SEP}?\d){{11}}|\d(?:{_SEP}?\d){{8}})(?![\d\w])")
# a phone: +84 / 84 / 0 then digits in groups, or an area code in brackets ('(091) 234 5678')
_PHONE = re.compile(
    r"(?<![\d\w+])(?:\(\s*(?:\+84|0\d{1,3})\s*\)(?:[\s.\-]?\d){6,9}"
    r"|(?:\+84|84|0)(?:[\s.\-]?\d){8,10})(?![\d\w])"
)
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")

HONORIFICS = (
    "công dân",
    "người dân",
    "ông bà",
    "ông/bà",
    "ông",
    "bà",
    "anh",
    "chị",
    "em",
    "cô",
    "chú",
    "bác",
    "cụ",
    "cháu",
)
_WORD = r"[^\W\d_][^\s,.;:()\[\]\"']*"
_PERSON = re.compile(
    rf"(?<![\w])(?P<title>{'|'.join(re.escape(h) for h in HONORIFICS)})\s+"
    rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,4}})",
    re.IGNORECASE,
)
# places whose names begin like an honorific or a person's name (folded, lower case)
PLACES = (
    "ba ria",
    "ba den",
    "ba chieu",
    "ba diem",
    "ba trieu",
    "ong lanh",
    "ong ich khiem",
    "co to",
    "ho chi minh",
)
# a word before a name that makes it a place's or an institution's name
PLACE_WORDS = {
    "xa",
    "phuong",
    "tran",
    "huyen",
    "quan",
    "pho",
    "tinh",
    "duong",
    "tp",
    "khu",
    "ap",
    "thon",
    "ban",
    "lang",
    "truong",
    "cau",
    "cho",
    "vien",
    "ben",
    "cang",
    "nga",
    "so",
    "hem",
    "kiet",
    "ngo",
    "to",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]+", " ", text.replace("\u0111", "d")).strip()


@lru_cache(maxsize=1)
def family_names() -> tuple[str, ...]:
    """The family names of ``data/family_names.txt`` (NFC)."""
    text = resources.files("chiso766").joinpath("data/family_names.txt").read_text("utf-8")
    names = [line.strip() for line in text.splitlines() if line.strip()]
    names = [unicodedata.normalize("NFC", n) for n in names if not n.startswith("#")]
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=1)
def _full_name() -> re.Pattern:
    families = "|".join(re.escape(n) for n in sorted(family_names(), key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{families})(?:[ \t]+{_WORD}){{1,4}}")


def _capitalised(word: str) -> bool:
    """A name's word: capitalised, not an acronym, not an initial already masked."""
    return len(word) > 1 and word[:1].isupper() and not word.isupper()


def _initials(words: list[str]) -> str:
    return " ".join(w[0] + "." for w in words)


def _is_place(text: str, start: int, name: str) -> bool:
    """Whether the words at ``start`` name a place (a place word before, or a known place)."""
    if any(_fold(name).startswith(p) for p in PLACES):
        return True
    before = text[:start].rstrip().rstrip(".")
    prev = before.split()[-1] if before.split() else ""
    return _fold(prev) in PLACE_WORDS or (len(prev) > 1 and prev.isupper())


def _mask_person(match: re.Match, text: str) -> str:
    title, words = match.group("title"), match.group("name").split()
    kept = []
    for w in words:
        if not _capitalised(w):
            break
        kept.append(w)
    rest = match.group("name")[len(" ".join(kept)) :] if kept else match.group("name")
    if not kept or _is_place(text, match.start(), f"{title} {' '.join(kept)}"):
        return match.group(0)
    before = text[: match.start()].split()
    if title[:1].isupper() and before and _capitalised(before[-1]):
        return match.group(0)  # 'Lê Hoàng Anh Tuấn': a name's word, not an honorific
    between = match.group(0)[len(title) : match.start("name") - match.start()]
    return f"{title}{between}{_initials(kept)}{rest}"


def _mask_full_name(match: re.Match, text: str) -> str:
    words = match.group(0).split()
    kept = []
    for w in words:
        if not _capitalised(w):
            break
        kept.append(w)
    if len(kept) < 3 or _is_place(text, match.start(), " ".join(kept)):
        return match.group(0)
    consumed = _skip_words(match.group(0), len(kept))
    return _initials(kept) + match.group(0)[consumed:]


def _skip_words(text: str, n: int) -> int:
    """The index just past the first ``n`` words of ``text``."""
    found = list(re.finditer(r"\S+", text))
    return found[n - 1].end() if len(found) >= n else len(text)


def _keep_tail(match: re.Match, keep: int = 3) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - keep) + digits[-keep:]


def _phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    plausible = (digits.startswith("84") and 11 <= len(digits) <= 12) or (
        digits.startswith("0") and 10 <= len(digits) <= 11
    )
    return _keep_tail(match) if plausible else match.group(0)


def mask_text(text: str) -> str:
    """'Ông Nguyễn Văn An, 0912 345 678, CCCD 001203004567' →
    'Ông N. V. A., *******678, CCCD *********567'."""
    if not isinstance(text, str) or not text:
        return text
    text = unicodedata.normalize("NFC", text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _PHONE.sub(_phone, text)
    text = _ID.sub(_keep_tail, text)
    text = _full_name().sub(lambda m: _mask_full_name(m, text), text)
    return _PERSON.sub(lambda m: _mask_person(m, text), text)


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with :func:`mask_text` applied to every text cell."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: mask_text(v) if isinstance(v, str) else v)
    return out

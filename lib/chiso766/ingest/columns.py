"""Whole columns of an analyst's table at once (the reader of a 200 000-row table must not
loop in Python over its cells): numbers as announcements write them, names' text checks and
folded keys. Each function gives what its one-cell counterpart gives, cell for cell —
:func:`chiso766.ingest.values.parse_number`, :func:`chiso766.ingest.text.text_problem`,
:func:`chiso766.compute.textnorm.fold_words` — and falls back to it for the rare cell the fast
path does not take (no-data phrases, thousands separators, text, numbers beyond a float)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chiso766.ingest.text import BIDI_CONTROLS, MAX_NAME, MAX_NOTE, note_problem, text_problem
from chiso766.ingest.values import BadValue, parse_number

# '75,45', '75.45', '-5,97', '+2,48', '−0,06', '96%', '100': one decimal separator at most
_SIMPLE = r"^[+\-\u2212]?\d{1,15}(?:[.,]\d{1,15})?%?$"


@dataclass
class Numbers:
    """A column parsed: values (NaN for no data), the no-data text kept as a note, and the
    cells that are not numbers (position → the problem, as ``BadValue.problem`` says)."""

    values: np.ndarray
    notes: np.ndarray
    bad: dict[int, str] = field(default_factory=dict)


def parse_numbers(cells: pd.Series) -> Numbers:
    """:func:`parse_number` of every cell of ``cells`` (a column of raw cells)."""
    n = len(cells)
    values = np.full(n, np.nan)
    notes = np.full(n, None, dtype=object)
    raw = cells.to_numpy(dtype=object)
    if set(map(type, raw)) <= {str}:  # a CSV column: text only
        return _parse_texts(raw)
    done = np.zeros(n, dtype=bool)
    # numbers already (XLSX): floats and ints, not bools
    is_number = np.fromiter(
        (isinstance(v, int | float) and not isinstance(v, bool) for v in raw), bool, n
    )
    if is_number.any():
        nums = np.array([_as_float(v) for v in raw[is_number]], dtype=float)
        finite = np.isfinite(nums) | np.isnan(nums)
        idx = np.flatnonzero(is_number)
        values[idx[finite]] = nums[finite]
        done[idx[finite]] = True
    done |= np.fromiter((v is None for v in raw), bool, n)
    out = _one_by_one(raw, done | _is_str(raw), Numbers(values, notes, {}))
    texts = np.flatnonzero(_is_str(raw))
    if len(texts):  # text cells: as a column of text
        part = _parse_texts(raw[texts])
        values[texts], notes[texts] = part.values, part.notes
        out.bad.update((int(texts[i]), problem) for i, problem in part.bad.items())
    return out


def _is_str(raw: np.ndarray) -> np.ndarray:
    return np.fromiter((isinstance(v, str) for v in raw), bool, len(raw))


def _parse_texts(raw: np.ndarray) -> Numbers:
    """:func:`parse_numbers` of a column of text cells only: each distinct text parsed once
    (a long column repeats its values), the results spread back to every position."""
    codes, distinct = pd.factorize(raw)
    once = _parse_distinct(np.asarray(distinct, dtype=object))
    bad: dict[int, str] = {}
    if once.bad:
        at = np.flatnonzero(np.isin(codes, np.fromiter(once.bad, int, len(once.bad))))
        bad = {int(i): once.bad[int(codes[i])] for i in at}
    return Numbers(once.values[codes], once.notes[codes], bad)


def _parse_distinct(raw: np.ndarray) -> Numbers:
    """:func:`parse_numbers` of text cells, with string operations throughout."""
    n = len(raw)
    values = np.full(n, np.nan)
    notes = np.full(n, None, dtype=object)
    text = pd.Series(raw, dtype=object)
    blank = (text.str.strip() == "").to_numpy(dtype=bool)
    idx, nums = _simple_numbers(text)
    values[idx] = nums
    done = blank.copy()
    done[idx] = True
    return _one_by_one(raw, done, Numbers(values, notes, {}))


def _one_by_one(raw: np.ndarray, done: np.ndarray, out: Numbers) -> Numbers:
    """The cells not yet ``done``, through the one-cell parser: phrases, separators, errors."""
    for i in np.flatnonzero(~done):
        try:
            cell = parse_number(raw[i])
        except BadValue as exc:
            out.bad[int(i)] = exc.problem
            continue
        out.values[i] = cell.value
        out.notes[i] = cell.note
    return out


def _simple_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The texts of the common forms ('75,45', '−0,06', '96%') as floats, at once: their
    positions in ``text`` and their values (the rest is left to the one-cell parser)."""
    simple = text.str.fullmatch(_SIMPLE).fillna(False).to_numpy(dtype=bool)
    body = (
        text[simple]
        .str.replace("\u2212", "-", regex=False)
        .str.replace("%", "", regex=False)
        .str.replace("+", "", regex=False)
        .str.replace(",", ".", regex=False)
    )
    nums = pd.to_numeric(body, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(nums)
    return np.flatnonzero(simple)[ok], nums[ok]


def _as_float(value: int | float) -> float:
    """A number as float; infinity for one beyond a float (refused by the one-cell parser)."""
    try:
        return float(value)
    except OverflowError:
        return float("inf")


_CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r\x0b\x0c") + "\x7f"
_SUSPECT = "[" + "".join(sorted(BIDI_CONTROLS)) + _CONTROLS + "\x80-\x9f]"


def text_problems(texts: pd.Series, note: bool = False) -> dict[int, str]:
    """:func:`text_problem` (or :func:`note_problem`) of every text: position → problem."""
    limit = MAX_NOTE if note else MAX_NAME
    suspect = texts.str.contains(_SUSPECT, regex=True, na=False) | (texts.str.len() > limit)
    check = note_problem if note else text_problem
    out = {}
    for i in np.flatnonzero(suspect.to_numpy(dtype=bool)):
        problem = check(texts.iloc[i])
        if problem:
            out[int(i)] = problem
    return out


# combining marks (NFD): Vietnamese tones and vowel marks, and the other combining blocks
_MARKS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_WORDS = "[a-z0-9]+(?: [a-z0-9]+)*"  # folded already: letters and digits, one space apart


def folded(texts: pd.Series) -> pd.Series:
    """:func:`~chiso766.compute.textnorm.fold_words` of every NFC text, as whole-column
    string operations: lower case, marks removed, 'đ' → 'd', what is not a letter or digit a
    space ('Sở Tư pháp' → 'so tu phap')."""
    if texts.empty:
        return texts.astype(object)
    keys = (
        texts.astype(str)
        .str.lower()
        .str.normalize("NFD")
        .str.replace(_MARKS, "", regex=True)
        .str.replace("đ", "d", regex=False)
    )
    messy = ~keys.str.fullmatch(_WORDS).to_numpy(dtype=bool)  # the rest: words already
    if messy.any():
        keys[messy] = keys[messy].str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    return keys.astype(object)


__all__ = ["Numbers", "folded", "parse_numbers", "text_problems"]

""":func:`~chiso766.compute.textnorm.tone_key_nfc` of a whole column at once (Arrow kernels).

A text written only with ASCII letters and digits, Vietnamese letters and a few separators
(space , . - ( ) / ' &) keys as its lower case with every run of separators made one '-',
except for the words whose tone mark sits elsewhere than :func:`tone_syllable` puts it
('hoà' → 'hòa'): these are found among the column's distinct words and the rows holding
them, like every text outside that alphabet, are keyed one by one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chiso766.compute.textnorm import tone_key_nfc, tone_syllable

_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VI_LETTERS = "".join(
    unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in _TONES
)
_LETTERS = _VI_LETTERS + _VI_LETTERS.upper() + "đĐ"
_SEPARATORS = " ,.\\-()/'&"
_RUNS = f"[{_SEPARATORS.replace(' ', '')}]|  "  # separators a space alone does not make
#: a text the Arrow kernels key exactly as tone_key_nfc does (the fast path)
_PLAIN = f"^[A-Za-z0-9{_LETTERS}{_SEPARATORS}]*$"


def letters() -> str:
    """The Vietnamese letters (NFC, both cases) the fast paths read."""
    return _LETTERS


def as_strings(texts: Sequence[str] | pd.Series | pa.Array) -> pa.Array:
    """``texts`` as one Arrow string array (a pandas column converted without a Python loop
    where it already holds Arrow strings)."""
    if isinstance(texts, pa.Array):
        arr = texts
    elif isinstance(texts, pd.Series | pd.Index):
        arr = pa.array(texts, from_pandas=True)
    else:
        arr = pa.array(list(texts), type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if arr.type == pa.string() else arr.cast(pa.string())


def without_words(texts: pa.Array, n: int) -> pa.Array:
    """``" ".join(t.split(" ")[n:])`` of each text: its first ``n`` words dropped."""
    enough = pc.match_substring_regex(texts, f"^(?:[^ ]* ){{{n}}}")
    return pc.if_else(enough, pc.replace_substring_regex(texts, f"^(?:[^ ]* ){{{n}}}", ""), "")


def tone_keys(texts: Sequence[str] | pd.Series | pa.Array) -> list[str]:
    """``[tone_key_nfc(t) for t in texts]`` for NFC-normalised ``texts``."""
    if not len(texts):
        return []
    arr = as_strings(texts)
    lower = pc.utf8_lower(arr)
    if pc.any(pc.match_substring_regex(lower, _RUNS)).as_py():
        keys = pc.utf8_trim(pc.replace_substring_regex(lower, f"[{_SEPARATORS}]+", "-"), "-")
    else:  # words one space apart: each space is a run of one separator
        keys = pc.utf8_trim(pc.replace_substring(lower, " ", "-"), "-")
    slow = pc.invert(pc.match_substring_regex(arr, _PLAIN)).to_numpy(zero_copy_only=False)
    moved = _moved_tones(pc.filter(keys, pc.invert(pa.array(slow))))
    if moved:
        pattern = "(^|-)(" + "|".join(sorted(moved)) + ")(-|$)"
        slow |= pc.match_substring_regex(keys, pattern).to_numpy(zero_copy_only=False)
    out = keys.to_pylist()
    for i in slow.nonzero()[0]:
        out[i] = tone_key_nfc(arr[i].as_py())
    return out


def _moved_tones(keys: pa.Array) -> set[str]:
    """The distinct words of ``keys`` (fast-path keys) that :func:`tone_syllable` writes
    otherwise."""
    words = pc.unique(pc.list_flatten(pc.split_pattern(keys, "-")))
    words = pc.filter(words, pc.invert(pc.string_is_ascii(words)))
    return {w for w in words.to_pylist() if tone_syllable(w) != w}

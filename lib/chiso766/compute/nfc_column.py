""":func:`~chiso766.compute.textnorm.nfc` of a whole column of text at once (Arrow kernels).

Texts written with printable ASCII, Vietnamese letters (NFC or NFD) and whitespace are
normalised by Arrow; any other text, one by one by :func:`nfc` itself, so the result is
always ``[nfc(t) for t in texts]``.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chiso766.compute.textnorm import nfc
from chiso766.compute.tone_keys import as_strings, letters

#: what Python's ``\s`` (str.isspace) matches
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ODD_SPACE = f"[{_SPACES.replace(' ', '')}]|  "  # a space not ' ', or two together
_MARKS = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"  # Vietnamese marks, decomposed
_PLAIN = f"^[!-~{letters()}{_MARKS}{_SPACES}]*$"


def nfc_texts(texts: pd.Series) -> pd.Series:
    """``texts.map(nfc)`` of a column holding only strings (same index, ``str`` dtype)."""
    arr = as_strings(texts)
    out = pc.utf8_normalize(arr, "NFC")
    if pc.any(pc.match_substring_regex(out, _ODD_SPACE)).as_py():  # else each run is one ' '
        out = pc.replace_substring_regex(out, f"[{_SPACES}]+", " ")
    out = pc.utf8_trim(out, " ")
    other = pc.invert(pc.match_substring_regex(arr, _PLAIN)).to_numpy(zero_copy_only=False)
    if other.any():
        values = out.to_pylist()
        for i in other.nonzero()[0]:
            values[i] = nfc(arr[i].as_py())
        out = pa.array(values, type=pa.string())
    return pd.Series(pd.array(out, dtype="str"), index=texts.index)

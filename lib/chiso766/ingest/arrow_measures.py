"""A reader's measures as an Arrow table whose text columns are dictionary-encoded: a value
per column (snapshot, scope, code, kind) or per row (unit, level) stored once, each of the
1,6 million values of a 200 000-row table pointing at it. The store reads such a table as it
is (no copy of the text per value); :func:`to_frame` gives the measures frame of
:func:`chiso766.compute.measures.conform` (text as objects) when one is asked for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chiso766.compute import measures

TEXT = tuple(c for c in measures.COLUMNS if c not in ("value", "numerator", "denominator",
                                                      "max_score"))  # fmt: skip


def encoded(indices: np.ndarray, values) -> pa.DictionaryArray:  # noqa: ANN001
    """``values[indices]`` as a dictionary array: each distinct text once (None: null)."""
    codes, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    at = codes[indices]
    mask = at < 0
    return pa.DictionaryArray.from_arrays(
        pa.array(at.astype(np.int32), mask=mask if mask.any() else None),
        pa.array(np.asarray(distinct, dtype=object), type=pa.string()),
    )


def texts(values: np.ndarray) -> pa.DictionaryArray:
    """A column of text cells (objects, None: null), dictionary-encoded."""
    given = np.flatnonzero(pd.notna(values))
    if not len(given):
        return nulls(len(values))
    return encoded(np.arange(len(values)), values)


def nulls(n: int) -> pa.DictionaryArray:
    """A text column of ``n`` nulls, dictionary-encoded."""
    return pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array([], pa.string()))


def table(columns: dict[str, pa.Array | np.ndarray]) -> pa.Table:
    """The measures columns in their order (a column not given: all null), as Arrow; a NaN
    number is null (no data), as Arrow reads a frame's."""
    n = len(next(iter(columns.values())))
    out = {}
    for c in measures.COLUMNS:
        if c in columns:
            given = columns[c]
            out[c] = pa.array(given, from_pandas=True) if isinstance(given, np.ndarray) else given
        elif c in TEXT:
            out[c] = nulls(n)
        else:
            out[c] = pa.nulls(n, pa.float64())
    return pa.table(out)


def categories(column: pa.DictionaryArray) -> pd.Categorical:
    """A dictionary array as a pandas categorical of the same codes, its categories the
    dictionary as pandas Arrow strings (no text copied, none made a Python object)."""
    codes = column.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    words = pd.Index(pd.arrays.ArrowStringArray(column.dictionary))
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(words))


def strings(column: pa.DictionaryArray) -> pd.arrays.ArrowStringArray:
    """A dictionary array's text, one per value, as pandas Arrow strings."""
    return pd.arrays.ArrowStringArray(column.dictionary_decode())


def distinct(column: pa.ChunkedArray | pa.Array) -> list[str]:
    """The distinct texts a column holds (nulls left out)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):  # the words the values point at
        column = column.dictionary.take(pc.unique(column.indices).drop_null())
    return sorted({v for v in column.to_pylist() if v is not None})


def objects(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A (dictionary or plain) text column as Python objects, None for null."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not pa.types.is_dictionary(column.type):
        return np.asarray(column.to_pylist(), dtype=object)
    words = np.asarray([*column.dictionary.to_pylist(), None], dtype=object)
    indices = column.indices.fill_null(len(words) - 1)
    return words[indices.to_numpy(zero_copy_only=False)]


def to_frame(arrow: pa.Table) -> pd.DataFrame:
    """The measures frame as :func:`~chiso766.compute.measures.conform` leaves it: floats,
    text as objects (None: null), ``code`` "" where null."""
    cols = {}
    for c in measures.COLUMNS:
        if c in TEXT:
            cols[c] = pd.Series(objects(arrow[c]), dtype=object, copy=False)
        else:
            cols[c] = arrow[c].to_numpy().astype("float64", copy=False)  # null: NaN
    frame = pd.DataFrame(cols, copy=False)
    if frame["code"].isna().any():
        frame["code"] = frame["code"].where(frame["code"].notna(), "")
    return frame


__all__ = [
    "categories",
    "distinct",
    "encoded",
    "nulls",
    "objects",
    "strings",
    "table",
    "texts",
    "to_frame",
]

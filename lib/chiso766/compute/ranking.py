"""Pure ranking: classes from bands, ranks within a level (ties share), rank changes."""

from __future__ import annotations

import math

import pandas as pd

from chiso766.compute.textnorm import fold
from chiso766.methodology import ClassBand


def classify(total: float | None, bands: tuple[ClassBand, ...]) -> str | None:
    """The class of a total ('Tốt'), or None when there is no data."""
    if total is None or (isinstance(total, float) and math.isnan(total)) or pd.isna(total):
        return None
    value = round(float(total), 2)
    for band in bands:
        if value >= band.min - 1e-9:
            return band.name
    return bands[-1].name if bands else None


def rank_within(
    frame: pd.DataFrame, value: str = "total", by: str | None = "level"
) -> pd.DataFrame:
    """Add ``rank`` (1 = best; equal values share the best rank) and ``of`` (units ranked).

    Units without a value get neither: they are not ranked, and not counted in ``of``.
    """
    out = frame.copy()
    vals = out[value].astype("float64").round(2)
    if by is None:
        ranks = vals.rank(method="min", ascending=False)
        counts = pd.Series(vals.notna().sum(), index=out.index)
    else:
        ranks = vals.groupby(out[by]).rank(method="min", ascending=False)
        counts = vals.notna().groupby(out[by]).transform("sum")
    out["rank"] = ranks.astype("Int64")
    out["of"] = counts.where(vals.notna()).astype("Int64")
    return out


def add_classes(frame: pd.DataFrame, bands: tuple[ClassBand, ...], value: str = "total"):
    """Add a ``class`` column from the bands (None where there is no data)."""
    out = frame.copy()
    # object dtype: a plain list would become a str column (pandas 3) that turns None into NaN
    classes = [classify(v, bands) for v in out[value]]
    out["class"] = pd.Series(classes, index=out.index, dtype=object)
    return out


def rank_change(old: int | None, new: int | None) -> int | None:
    """Places gained (positive) or lost (negative) from ``old`` to ``new``; None if unknown."""
    if old is None or new is None or pd.isna(old) or pd.isna(new):
        return None
    return int(old) - int(new)


def sort_for_display(frame: pd.DataFrame, value: str = "total", name: str = "unit") -> pd.DataFrame:
    """Best first; ties by name without diacritics; units without data last, in input order."""
    out = frame.copy()
    out["_missing"] = out[value].isna()
    out["_neg"] = -out[value].astype("float64").round(2)
    out["_name"] = out[name].map(fold)
    out["_pos"] = range(len(out))
    has = out[~out["_missing"]].sort_values(["_neg", "_name"], kind="stable")
    missing = out[out["_missing"]].sort_values("_pos", kind="stable")
    return pd.concat([has, missing]).drop(columns=["_missing", "_neg", "_name", "_pos"])


def class_counts(
    frame: pd.DataFrame, bands: tuple[ClassBand, ...], by: str = "level"
) -> pd.DataFrame:
    """Units per class per level, with every band present (0 where none) and ``of`` = classed."""
    rows = []
    for level, grp in frame.groupby(by, sort=False):
        classed = grp["class"].notna().sum()
        for band in bands:
            rows.append(
                {
                    by: level,
                    "class": band.name,
                    "count": int((grp["class"] == band.name).sum()),
                    "of": int(classed),
                }
            )
    return pd.DataFrame(rows, columns=[by, "class", "count", "of"])

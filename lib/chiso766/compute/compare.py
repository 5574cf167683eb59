"""Pure comparison of two snapshots: deltas, rose/fell/held, units new or gone."""

from __future__ import annotations

import pandas as pd

from chiso766.compute.ranking import rank_change

ROSE, FELL, UNCHANGED, HELD_MAX = "rose", "fell", "unchanged", "held_max"
NEW, GONE, NO_DATA = "new", "gone", "no_data"
STATUSES = (FELL, ROSE, HELD_MAX, UNCHANGED, NEW, GONE, NO_DATA)


def status_of(old: float, new: float, maximum: float | None, in_old: bool, in_new: bool) -> str:
    """How a value moved: rose, fell, unchanged, held_max; new, gone; no_data."""
    if not in_old:
        return NEW
    if not in_new:
        return GONE
    if pd.isna(old) or pd.isna(new):
        return NO_DATA
    delta = round(float(new) - float(old), 2)
    if delta > 0:
        return ROSE
    if delta < 0:
        return FELL
    if maximum is not None and not pd.isna(maximum) and round(float(new), 2) >= float(maximum):
        return HELD_MAX
    return UNCHANGED


def compare_values(
    old: pd.DataFrame,
    new: pd.DataFrame,
    key: str = "unit_id",
    value: str = "total",
    maximum: float | str | None = None,
    carry: tuple[str, ...] = ("unit", "level"),
) -> pd.DataFrame:
    """Join two frames on ``key`` and say how ``value`` moved.

    ``maximum`` is a number or a column name (e.g. each indicator's max); a value equal in both
    snapshots and at the maximum is ``held_max``. Output: key, carried columns, old, new, delta
    (rounded to 2 decimals, NaN if either side has no data), status, and rank columns
    (old_rank, new_rank, rank_change: positive = moved up) when both frames have ``rank``.
    """

    def side(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
        names = {value: prefix, "rank": f"{prefix}_rank", "of": f"{prefix}_of"}
        names = {k: v for k, v in names.items() if k in frame.columns}
        return frame[[key, *names]].rename(columns=names).assign(**{f"_in_{prefix}": True})

    out = side(old, "old").merge(side(new, "new"), on=key, how="outer", sort=False)
    order = {k: i for i, k in enumerate(new[key])}
    order.update({k: len(order) + i for i, k in enumerate(old[key]) if k not in order})
    out = out.iloc[out[key].map(order).argsort(kind="stable")]
    extra = list(carry) + ([maximum] if isinstance(maximum, str) else [])
    info = pd.concat(
        [frame[[key, *[c for c in extra if c in frame.columns]]] for frame in (new, old)]
    ).drop_duplicates(key)
    out = info.merge(out, on=key, how="right")
    in_old = out.pop("_in_old").astype("boolean").fillna(False).astype(bool)
    in_new = out.pop("_in_new").astype("boolean").fillna(False).astype(bool)
    out["delta"] = (out["new"].astype("float64") - out["old"].astype("float64")).round(2)
    if isinstance(maximum, str):
        maxima = out[maximum].tolist() if maximum in out else [None] * len(out)
    else:
        maxima = [maximum] * len(out)
    out["status"] = [
        status_of(o, n, m, io, inn)
        for o, n, m, io, inn in zip(out["old"], out["new"], maxima, in_old, in_new, strict=True)
    ]
    if "old_rank" in out and "new_rank" in out:
        changes = [rank_change(o, n) for o, n in zip(out["old_rank"], out["new_rank"], strict=True)]
        out["rank_change"] = pd.array(changes, dtype="Int64")
    return out.reset_index(drop=True)


def movers(comparison: pd.DataFrame, status: str) -> pd.DataFrame:
    """Rows with one status, biggest movers first (by |delta|), then by name."""
    sel = comparison[comparison["status"] == status].copy()
    sel["_abs"] = sel["delta"].abs().fillna(0)
    order = ["_abs"] + (["unit"] if "unit" in sel else [])
    asc = [False] + [True] * (len(order) - 1)
    return sel.sort_values(order, ascending=asc, kind="stable").drop(columns="_abs")


def status_counts(comparison: pd.DataFrame) -> dict[str, int]:
    """How many rows per status (every status present, 0 where none)."""
    counts = comparison["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}

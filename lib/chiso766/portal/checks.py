"""Pure checks: does the workbook's recomputation from counts reproduce the portal's scores?

A portal score (a "points" row of scope group or indicator) is *recomputable* for a unit when
the unit has its own counters or ratios ("rate" rows) for that indicator, or for at least one
indicator of that group. The recomputation scores those rates with a catalogue
(:func:`chiso766.compute.scoring.score_indicators`, never the given points) and adds a group's
indicator points. A portal null and a recomputed 0 (or the reverse) match: both add nothing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chiso766.compute.scoring import round_half_up, score_indicators
from chiso766.methodology import Catalogue

MATCH, DIFFERS, NOT_RECOMPUTABLE = "match", "differs", "not recomputable"
CHECK_COLUMNS = [
    "unit_id",
    "unit",
    "level",
    "scope",
    "code",
    "portal",
    "recomputed",
    "difference",
    "status",
]


def recompute(measures: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Recomputed points per unit × (scope, code) where recomputable.

    Columns: unit_id, scope ("group" | "indicator"), code, recomputed (NaN where the rules
    give no points, e.g. a null ratio).
    """
    cols = ["unit_id", "scope", "code", "recomputed"]
    rates = measures[(measures["scope"] == "indicator") & (measures["kind"] == "rate")]
    own = rates[rates["code"].isin(list(catalogue.indicators))]
    if own.empty:
        return pd.DataFrame(columns=cols)
    base = measures[~((measures["scope"] == "indicator") & (measures["kind"] == "points"))]
    inds = score_indicators(base, catalogue, prefer_given=False)
    inds = inds[~inds["tracked"].astype(bool)]
    own_keys = set(zip(own["unit_id"], own["code"], strict=True))
    rows = []
    for rec in inds.itertuples(index=False):
        if (rec.unit_id, rec.code) in own_keys:
            rows.append((rec.unit_id, "indicator", rec.code, rec.computed_points))
    own_groups = {(u, catalogue.indicators[c].group) for u, c in own_keys}
    scored = {c for c, i in catalogue.indicators.items() if i.scored}
    for (uid, group), sel in inds[inds["code"].isin(scored)].groupby(["unit_id", "group"]):
        if (uid, group) not in own_groups:
            continue
        pts = sel["computed_points"]
        total = round_half_up(float(pts.sum()), catalogue.points_decimals)
        rows.append((uid, "group", group, total if pts.notna().any() else float("nan")))
    return pd.DataFrame(rows, columns=cols)


def _recomputed(measures: pd.DataFrame, catalogue: Catalogue) -> dict[tuple, float]:
    rec = recompute(measures, catalogue)
    keys = zip(rec["unit_id"], rec["scope"], rec["code"], strict=True)
    return dict(zip(keys, rec["recomputed"], strict=True))


def attach_computed(measures: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The frame with a ``computed`` column: the recomputation beside each points row."""
    out = measures.copy()
    found = _recomputed(measures, catalogue)
    keys = zip(out["unit_id"], out["scope"], out["code"], strict=True)
    values = [found.get(k, np.nan) for k in keys]
    out["computed"] = np.where(out["kind"] == "points", values, np.nan).astype("float64")
    return out


def _status(portal: float, recomputed: float, recomputable: bool, tolerance: float) -> str:
    if not recomputable:
        return NOT_RECOMPUTABLE
    p = 0.0 if math.isnan(portal) else portal
    r = 0.0 if math.isnan(recomputed) else recomputed
    return DIFFERS if abs(p - r) > tolerance + 1e-9 else MATCH


def check_scores(
    measures: pd.DataFrame, catalogue: Catalogue, tolerance: float = 0.01
) -> pd.DataFrame:
    """Every portal score (group, and indicator with a rule) against its recomputation.

    ``measures`` holds one snapshot. Columns: :data:`CHECK_COLUMNS`; ``status`` is "match",
    "differs" (more than ``tolerance`` points apart) or "not recomputable"; ``difference`` is
    recomputed − portal (null counted as 0).
    """
    if measures["snapshot"].nunique() > 1:
        raise ValueError("check_scores takes the measures of one snapshot")
    given = measures[
        (measures["kind"] == "points") & measures["scope"].isin(["group", "indicator"])
    ]
    scored = {c for c, i in catalogue.indicators.items() if i.scored}
    groups = set(catalogue.group_codes())
    given = given[
        ((given["scope"] == "group") & given["code"].isin(groups))
        | ((given["scope"] == "indicator") & given["code"].isin(scored))
    ]
    given = given.drop_duplicates(["unit_id", "scope", "code"], keep="last")
    found = _recomputed(measures, catalogue)
    rows = []
    for g in given.itertuples(index=False):
        key = (g.unit_id, g.scope, g.code)
        ok = key in found
        r = float(found[key]) if ok else float("nan")
        p = float(g.value)
        diff = (0.0 if math.isnan(r) else r) - (0.0 if math.isnan(p) else p) if ok else np.nan
        rows.append(
            (
                g.unit_id,
                g.unit,
                g.level,
                g.scope,
                g.code,
                p,
                r,
                round_half_up(diff, 2) if ok else np.nan,
                _status(p, r, ok, tolerance),
            )
        )
    out = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    order = {c: i for i, c in enumerate([*catalogue.group_codes(), *catalogue.indicators])}
    out["_o"] = out["code"].map(order)
    out = out.sort_values(["scope", "_o", "level", "unit"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def summarise(checks: pd.DataFrame) -> pd.DataFrame:
    """Counts per scope × code: match, differs, not recomputable, units."""
    cols = ["scope", "code", MATCH, DIFFERS, NOT_RECOMPUTABLE, "units"]
    if checks.empty:
        return pd.DataFrame(columns=cols)
    table = (
        checks.groupby(["scope", "code"], sort=False)["status"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=[MATCH, DIFFERS, NOT_RECOMPUTABLE], fill_value=0)
        .reset_index()
    )
    table["units"] = table[[MATCH, DIFFERS, NOT_RECOMPUTABLE]].sum(axis=1)
    return table[cols]


def online_split_fit(checks: pd.DataFrame, group: str = "CLGQ") -> dict[str, int]:
    """How many units the 2/4/6 split of the online-service group fits (matches)."""
    sel = checks[(checks["scope"] == "group") & (checks["code"] == group)]["status"]
    return {
        "fits": int((sel == MATCH).sum()),
        "differs": int((sel == DIFFERS).sum()),
        "not_recomputable": int((sel == NOT_RECOMPUTABLE).sum()),
        "units": int(len(sel)),
    }

"""Pure scoring: ratios → indicator points → group points → totals.

Inputs are measures frames (see :mod:`chiso766.compute.measures`) for one snapshot. A value that is
missing is *no data* and stays NaN all the way up: it is never scored as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chiso766.compute.rounding import round_half_up, round_with
from chiso766.compute.units import PROVINCE
from chiso766.methodology import Catalogue, Indicator

UNIT_COLS = ["unit_id", "unit", "level"]


def ratio_from_counts(numerator: float, denominator: float, decimals: int = 2) -> float:
    """numerator / denominator in %, rounded; NaN when the denominator is 0 or unknown."""
    if denominator is None or numerator is None:
        return float("nan")
    if np.isnan(denominator) or np.isnan(numerator) or denominator == 0:
        return float("nan")
    return round_half_up(100.0 * numerator / denominator, decimals)


def points_from_ratio(ind: Indicator, ratio: float) -> float:
    """Points for a ratio (%) under the indicator's rule, capped at its maximum."""
    if ratio is None or np.isnan(ratio) or not ind.scored:
        return float("nan")
    if ind.rule == "linear":
        pts = ind.max * ratio / 100.0
    elif ind.rule == "target":
        pts = ind.max * min(1.0, ratio / float(ind.target))
    else:  # pragma: no cover - validated by the catalogue loader
        raise ValueError(ind.rule)
    return min(max(pts, 0.0), ind.max)


def zero_denominator_points(ind: Indicator) -> float:
    """Points when the denominator is 0 (ratio null); NaN for 'null' and 'redistribute'."""
    if not ind.scored:
        return float("nan")
    return {"zero": 0.0, "full": ind.max}.get(ind.on_zero_denominator, float("nan"))


@dataclass(frozen=True)
class Scores:
    """Scores of one snapshot: per unit, per unit × group, per unit × indicator."""

    units: pd.DataFrame
    groups: pd.DataFrame
    indicators: pd.DataFrame
    catalogue: Catalogue


def _units(measures: pd.DataFrame) -> pd.DataFrame:
    return measures[UNIT_COLS].drop_duplicates("unit_id").reset_index(drop=True)


def _pick(measures: pd.DataFrame, scope: str, kind: str) -> pd.DataFrame:
    sel = measures[(measures["scope"] == scope) & (measures["kind"] == kind)]
    return sel.drop_duplicates(["unit_id", "code"], keep="last")


def score_indicators(
    measures: pd.DataFrame, catalogue: Catalogue, prefer_given: bool = True
) -> pd.DataFrame:
    """Indicator points per unit: from counts, else from the rate; given points win if asked.

    Columns: unit_id, code, number, name, group, ratio, numerator, denominator, points,
    computed_points, given_points, max, flag, note, tracked.
    """
    rates = _pick(measures, "indicator", "rate")
    given = _pick(measures, "indicator", "points")[["unit_id", "code", "value", "max_score"]]
    given = given.rename(columns={"value": "given_points", "max_score": "given_max"})
    base = rates.merge(given, on=["unit_id", "code"], how="outer")
    if base.empty:
        return pd.DataFrame(columns=_IND_COLS)
    levels = _units(measures).set_index("unit_id")["level"]
    base["level"] = base["unit_id"].map(levels)
    base = _copy_from_province(base, catalogue)

    rows = [_score_one(rec, catalogue) for rec in _records(base)]
    out = pd.DataFrame(rows, columns=_IND_COLS + ["_redistribute"])
    out = _redistribute(out, catalogue)
    if prefer_given:
        has_given = out["given_points"].notna()
        out.loc[has_given, "points"] = out.loc[has_given, "given_points"]
    return out.drop(columns="_redistribute")


_IND_COLS = [
    "unit_id",
    "code",
    "number",
    "name",
    "group",
    "ratio",
    "numerator",
    "denominator",
    "points",
    "computed_points",
    "given_points",
    "max",
    "flag",
    "note",
    "tracked",
]


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, NaN/None as in the frame (faster than ``to_dict('records')``)."""
    cols = {c: frame[c].tolist() for c in frame.columns}
    return [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def _nan(x) -> float:
    return float("nan") if x is None else float(x)


def _score_one(rec: dict, cat: Catalogue) -> dict:
    code = rec["code"]
    ind = cat.indicators.get(code)
    num, den = _nan(rec.get("numerator")), _nan(rec.get("denominator"))
    value = _nan(rec.get("value"))
    out = {
        "unit_id": rec["unit_id"],
        "code": code,
        "numerator": num,
        "denominator": den,
        "given_points": _nan(rec.get("given_points")),
        "flag": rec.get("flag"),
        "note": rec.get("note"),
        "_redistribute": False,
    }
    if not np.isnan(num) and not np.isnan(den):
        ratio = ratio_from_counts(num, den, cat.ratio_decimals)
        zero_den = den == 0
    else:
        ratio = value
        zero_den = not np.isnan(den) and den == 0
    out["ratio"] = ratio
    if ind is None:
        out.update(
            number="",
            name=code,
            group=None,
            points=float("nan"),
            computed_points=float("nan"),
            max=float("nan"),
            tracked=True,
        )
        return out
    out.update(number=ind.number, name=ind.name, group=ind.group, max=ind.max, tracked=False)
    if rec.get("level") not in ind.levels or not ind.scored:
        pts = float("nan")
    elif zero_den:
        pts = zero_denominator_points(ind)
        out["_redistribute"] = ind.on_zero_denominator == "redistribute"
    else:
        pts = points_from_ratio(ind, ratio)
    pts = round_with(cat.points_rounding, pts, cat.points_decimals)
    out["computed_points"] = pts
    out["points"] = pts
    return out


def _copy_from_province(base: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Fill indicators the catalogue copies from the province into units that lack them."""
    copied = [c for c, i in cat.indicators.items() if i.copied_from_province]
    prov = base[(base["level"] == PROVINCE) & base["code"].isin(copied)]
    if prov.empty:
        return base
    records = prov.to_dict("records")
    have = set(zip(base["unit_id"], base["code"], strict=True))
    others = base.loc[base["level"] != PROVINCE, ["unit_id", "level"]].drop_duplicates("unit_id")
    extra = [
        dict(rec, unit_id=uid, level=level, given_points=float("nan"), note="giá trị của tỉnh")
        for uid, level in zip(others["unit_id"], others["level"], strict=True)
        for rec in records
        if (uid, rec["code"]) not in have
    ]
    if not extra:
        return base
    return pd.concat([base, pd.DataFrame(extra)], ignore_index=True)


def _redistribute(out: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Zero-denominator 'redistribute' rule: take the share the named indicator earns."""
    for idx in out.index[out["_redistribute"]]:
        ind = cat.indicators[out.at[idx, "code"]]
        src = cat.indicators[ind.redistribute_from]
        mask = (out["unit_id"] == out.at[idx, "unit_id"]) & (out["code"] == src.code)
        src_pts = out.loc[mask, "computed_points"]
        if len(src_pts) and not np.isnan(src_pts.iloc[0]) and src.max > 0:
            pts = round_with(
                cat.points_rounding, ind.max * src_pts.iloc[0] / src.max, cat.points_decimals
            )
            out.loc[idx, ["computed_points", "points"]] = pts
    return out


def _lookup(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(unit_id, code) → value of a measures selection."""
    return {
        (u, c): float(v)
        for u, c, v in zip(frame["unit_id"], frame["code"], frame["value"], strict=True)
    }


def score_groups(
    measures: pd.DataFrame, indicators: pd.DataFrame, catalogue: Catalogue
) -> pd.DataFrame:
    """Group points per unit: given points, else rate × max / 100, else sum of indicators.

    A group is summed from indicators only when every scored indicator that applies to the
    unit's level has a value row (a zero denominator counts; a missing row does not): a partial
    group is NaN with source "incomplete", never a low score. No data at all is NaN (not 0).
    Columns: unit_id, group, name, max, points, rate, source ("points", "rate", "indicators").
    """
    given_pts = _lookup(_pick(measures, "group", "points"))
    given_rate = _lookup(_pick(measures, "group", "rate"))
    scored = indicators[~indicators["tracked"].astype(bool)] if len(indicators) else indicators
    levels = _units(measures).set_index("unit_id")["level"].to_dict()
    applicable = {
        (level, g.code): {
            c
            for c in g.indicators
            if catalogue.indicators[c].scored and level in catalogue.indicators[c].levels
        }
        for level in set(levels.values())
        for g in catalogue.groups
    }
    # per (unit, group): how many applicable indicators have a row, the points' sum and count
    by_group: dict[tuple, tuple[int, float, int]] = {}
    if len(scored):
        need_of = [
            code in applicable.get((levels.get(uid), grp), ())
            for uid, grp, code in zip(
                scored["unit_id"], scored["group"], scored["code"], strict=True
            )
        ]
        keyed = scored.assign(_need=need_of)
        grouped = keyed.groupby(["unit_id", "group"], sort=False)
        have = keyed[keyed["_need"]].groupby(["unit_id", "group"], sort=False)["code"].nunique()
        sums, counts = grouped["points"].sum(), grouped["points"].count()
        have_of = have.to_dict()
        for key, total, n in zip(sums.index, sums.to_numpy(), counts.to_numpy(), strict=True):
            by_group[key] = (int(have_of.get(key, 0)), float(total), int(n))
    rows = []
    for uid in _units(measures)["unit_id"]:
        for g in catalogue.groups:
            key = (uid, g.code)
            pts, src = float("nan"), None
            if not np.isnan(given_pts.get(key, np.nan)):
                pts, src = float(given_pts[key]), "points"
            elif not np.isnan(given_rate.get(key, np.nan)):
                pts = round_half_up(
                    float(given_rate[key]) * g.max / 100.0, catalogue.points_decimals
                )
                src = "rate"
            elif key in by_group:
                n_have, total, n_points = by_group[key]
                need = applicable.get((levels.get(uid), g.code), set())
                if n_have >= len(need) and n_points > 0:
                    pts = round_half_up(total, catalogue.points_decimals)
                    src = "indicators"
                else:
                    src = "incomplete"
            rate = round_half_up(100.0 * pts / g.max, 2) if not np.isnan(pts) else float("nan")
            rows.append(
                {
                    "unit_id": uid,
                    "group": g.code,
                    "name": g.name,
                    "max": g.max,
                    "points": pts,
                    "rate": rate,
                    "source": src,
                }
            )
    return pd.DataFrame(
        rows, columns=["unit_id", "group", "name", "max", "points", "rate", "source"]
    )


def score_totals(
    measures: pd.DataFrame, groups: pd.DataFrame, catalogue: Catalogue
) -> pd.DataFrame:
    """Total per unit: the given total, else the sum of groups when every group has data.

    Columns: unit_id, unit, level, total, total_source, note.
    """
    units = _units(measures)
    tot_pts = _pick(measures, "total", "points").set_index("unit_id")
    tot_rate = _pick(measures, "total", "rate").set_index("unit_id")
    no_data = measures["note"].notna() & measures["value"].isna()
    notes = (
        measures[no_data & measures["scope"].isin(["total", "group", "indicator"])]
        .groupby("unit_id")["note"]
        .first()
    )
    group_points: dict[str, list[float]] = {}
    for uid, pts in zip(groups.get("unit_id", []), groups.get("points", []), strict=True):
        group_points.setdefault(uid, []).append(float(pts))
    tot_pts_v = tot_pts["value"].to_dict() if len(tot_pts) else {}
    tot_rate_v = tot_rate["value"].to_dict() if len(tot_rate) else {}
    totals, sources = [], []
    for uid in units["unit_id"]:
        val, src = float("nan"), None
        if uid in tot_pts_v and not np.isnan(tot_pts_v[uid]):
            val, src = float(tot_pts_v[uid]), "points"
        elif uid in tot_rate_v and not np.isnan(tot_rate_v[uid]):
            val = round_half_up(tot_rate_v[uid] * catalogue.total_max / 100.0, 2)
            src = "rate"
        elif uid in group_points:
            g = group_points[uid]
            if len(g) == len(catalogue.groups) and not np.isnan(g).any():
                val, src = round_half_up(float(sum(g)), catalogue.points_decimals), "groups"
        totals.append(val)
        sources.append(src)
    out = units.copy()
    out["total"] = totals
    out["total_source"] = sources
    out["note"] = out["unit_id"].map(notes)
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    return out


def score_snapshot(
    measures: pd.DataFrame, catalogue: Catalogue, prefer_given: bool = True
) -> Scores:
    """Score one snapshot's measures: indicators → groups → totals."""
    if measures["snapshot"].nunique() > 1:
        raise ValueError("score_snapshot takes the measures of one snapshot")
    inds = score_indicators(measures, catalogue, prefer_given=prefer_given)
    groups = score_groups(measures, inds, catalogue)
    units = score_totals(measures, groups, catalogue)
    return Scores(units=units, groups=groups, indicators=inds, catalogue=catalogue)


__all__ = [
    "Scores",
    "ratio_from_counts",
    "points_from_ratio",
    "round_half_up",
    "score_snapshot",
    "score_indicators",
    "score_groups",
    "score_totals",
    "zero_denominator_points",
]

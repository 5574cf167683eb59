"""One unit's scorecard as data, computed purely from scored snapshots.

Input: the scores of the whole current snapshot (the unit's level is its frame of reference),
of the comparison snapshot, the unit's trend and overdue count; output: a
:class:`UnitScorecard` that the scorecard notebook displays.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from chiso766.commentary import unit_facts as U
from chiso766.commentary.phrase import Sentence
from chiso766.compute.periods import Period
from chiso766.compute.ranking import add_classes, rank_within
from chiso766.compute.scoring import Scores
from chiso766.methodology import Catalogue, ClassBand
from chiso766.report.selection import Selection

WINBACK_N = 3
GROUP_COLUMNS = ["group", "name", "max", "points", "missing", "rate", "old", "delta", "median"]
INDICATOR_COLUMNS = [
    "code",
    "number",
    "name",
    "group",
    "ratio",
    "old_ratio",
    "delta",
    "points",
    "max",
    "missing",
    "numerator",
    "denominator",
    "note",
    "tracked",
    "from_province",
]
WINBACK_COLUMNS = [
    "code",
    "number",
    "name",
    "missing",
    "max",
    "ratio",
    "need_ratio",
    "gap",
    "need_count",
]


@dataclass
class UnitScorecard:
    """Everything one unit's scorecard says for one period."""

    period: Period
    selection: Selection
    unit_id: str
    unit: str
    level: str
    province: str
    methodology: str
    compare_label: str | None
    headline: dict
    groups: pd.DataFrame
    indicators: pd.DataFrame
    winback: pd.DataFrame
    peers: dict
    trend: pd.DataFrame
    overdue: float | None
    overdue_day: dt.date | None
    sentences: dict[str, list[Sentence]]
    recommendations: list[str]
    bands: tuple[ClassBand, ...]
    notes: list[str] = field(default_factory=list)
    dossiers: object | None = None  # DossierSections where the store has dossier records
    provisional: bool = False  # the period had not ended when its data was taken

    def text(self, section: str) -> list[str]:
        """The non-empty sentences of a section, phrased."""
        return [t for t in (s.text for s in self.sentences.get(section, [])) if t]

    @property
    def has_score(self) -> bool:
        return not _nan(self.headline["total"])


def _nan(x) -> bool:
    return x is None or (not isinstance(x, str) and pd.isna(x))


def _level_units(scores: Scores | None, level: str, bands) -> pd.DataFrame:
    cols = ["unit_id", "unit", "level", "total", "note"]
    if scores is None:
        return pd.DataFrame(columns=[*cols, "class", "rank", "of"])
    units = scores.units[scores.units["level"] == level][cols]
    return rank_within(add_classes(units, bands), by=None)


def _row(frame: pd.DataFrame, uid: str | None) -> dict | None:
    if uid is None or frame.empty:
        return None
    sel = frame[frame["unit_id"] == uid]
    return sel.iloc[0].to_dict() if len(sel) else None


def _int(x) -> int | None:
    return None if _nan(x) else int(x)


def peer_stats(units: pd.DataFrame, uid: str) -> dict:
    """The level's median, upper quartile and best (with their units), and the unit's total."""
    has = units[units["total"].notna()]
    mine = _row(units, uid)
    out: dict = {
        "n": len(has),
        "total": mine["total"] if mine else float("nan"),
        "values": [round(float(v), 2) for v in has["total"]],
    }
    if has.empty:
        return out
    totals = has["total"].astype(float)
    best = float(totals.max())
    out.update(
        median=round(float(totals.median()), 2),
        p75=round(float(totals.quantile(0.75)), 2),
        best=best,
        best_units=has.loc[totals.round(2) == round(best, 2), "unit"].tolist(),
    )
    return out


def _groups(cur: Scores, old: Scores | None, uid: str, old_uid: str | None, level: str, cat):
    mine = cur.groups[cur.groups["unit_id"] == uid]
    if mine.empty or mine["points"].isna().all():
        return pd.DataFrame(columns=GROUP_COLUMNS)
    level_ids = cur.units.loc[cur.units["level"] == level, "unit_id"]
    medians = cur.groups[cur.groups["unit_id"].isin(level_ids)].groupby("group")["points"].median()
    prev = {}
    if old is not None and old_uid is not None:
        og = old.groups[old.groups["unit_id"] == old_uid]
        prev = dict(zip(og["group"], og["points"], strict=True))
    order = {g.code: i for i, g in enumerate(cat.groups)}
    rows = []
    for rec in mine.to_dict("records"):
        pts, mx = rec["points"], rec["max"]
        o = prev.get(rec["group"], float("nan"))
        rows.append(
            {
                "group": rec["group"],
                "name": rec["name"],
                "max": mx,
                "points": pts,
                "missing": float("nan") if _nan(pts) else round(mx - pts, 2),
                "rate": rec["rate"],
                "old": o,
                "delta": float("nan") if _nan(pts) or _nan(o) else round(pts - o, 2),
                "median": round(float(medians.get(rec["group"], float("nan"))), 2),
            }
        )
    out = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    out["_o"] = out["group"].map(order).fillna(99)
    return out.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def _indicators(cur: Scores, old: Scores | None, uid: str, old_uid: str | None, cat: Catalogue):
    mine = cur.indicators[cur.indicators["unit_id"] == uid]
    if mine.empty:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    prev = {}
    if old is not None and old_uid is not None:
        oi = old.indicators[old.indicators["unit_id"] == old_uid]
        prev = dict(zip(oi["code"], oi["ratio"], strict=True))
    names = {g.code: g.name for g in cat.groups}
    order = {c: i for i, c in enumerate(cat.indicators)}
    rows = []
    for rec in mine.to_dict("records"):
        ind = cat.indicators.get(rec["code"])
        pts, mx = rec["points"], rec["max"]
        o = prev.get(rec["code"], float("nan"))
        rows.append(
            {
                "code": rec["code"],
                "number": rec["number"],
                "name": rec["name"],
                "group": names.get(rec["group"], ""),
                "ratio": rec["ratio"],
                "old_ratio": o,
                "delta": float("nan")
                if _nan(rec["ratio"]) or _nan(o)
                else round(rec["ratio"] - o, 2),
                "points": pts,
                "max": mx,
                "missing": float("nan") if _nan(pts) or _nan(mx) else round(mx - pts, 2),
                "numerator": rec["numerator"],
                "denominator": rec["denominator"],
                "note": rec["note"],
                "tracked": bool(rec["tracked"]),
                "from_province": bool(ind and ind.copied_from_province),
            }
        )
    out = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    out["_o"] = out["code"].map(order).fillna(len(order))
    return out.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def winback(indicators: pd.DataFrame, cat: Catalogue, n: int = WINBACK_N) -> pd.DataFrame:
    """The ``n`` indicators the unit itself can win the most points back on, and what full
    points would take: the ratio to reach (100%, or the target of a 'target' rule), the gap
    in percentage points and, where counts are known, how many more cases."""
    if indicators.empty:
        return pd.DataFrame(columns=WINBACK_COLUMNS)
    can = indicators[
        ~indicators["tracked"]
        & ~indicators["from_province"]
        & indicators["missing"].notna()
        & (indicators["missing"] > 0.005)
    ]
    can = can.sort_values("missing", ascending=False, kind="stable").head(n)
    rows = []
    for rec in can.to_dict("records"):
        ind = cat.indicators[rec["code"]]
        need = float(ind.target) if ind.rule == "target" and ind.target else 100.0
        ratio, num, den = rec["ratio"], rec["numerator"], rec["denominator"]
        gap = float("nan") if _nan(ratio) else round(max(0.0, need - float(ratio)), 2)
        count = float("nan")
        if not _nan(num) and not _nan(den) and den > 0:
            count = max(0, math.ceil(need / 100.0 * float(den) - float(num) - 1e-9))
        rows.append(
            {
                "code": rec["code"],
                "number": rec["number"],
                "name": rec["name"],
                "missing": rec["missing"],
                "max": rec["max"],
                "ratio": ratio,
                "need_ratio": need,
                "gap": gap,
                "need_count": count,
            }
        )
    return pd.DataFrame(rows, columns=WINBACK_COLUMNS)


def build_unit_scorecard(
    unit_id: str,
    cur: Scores,
    old: Scores | None,
    selection: Selection,
    *,
    bands: tuple[ClassBand, ...],
    province: str = "",
    compare_label: str | None = None,
    trend: pd.DataFrame | None = None,
    overdue: float | None = None,
    overdue_day: dt.date | None = None,
    links: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> UnitScorecard:
    """Compute every table and sentence of ``unit_id``'s scorecard."""
    cat = cur.catalogue
    me = _row(cur.units, unit_id)
    if me is None:
        raise LookupError(f"no unit '{unit_id}' in the snapshot {selection.current}")
    level, name = me["level"], me["unit"]
    new_units = _level_units(cur, level, bands)
    old_units = _level_units(old, level, bands)
    old_uid = None
    if len(old_units):
        back = {v: k for k, v in (links or {}).items()}
        for candidate in (unit_id, back.get(unit_id)):
            if candidate is not None and candidate in set(old_units["unit_id"]):
                old_uid = candidate
                break
    now, before = _row(new_units, unit_id) or {}, _row(old_units, old_uid) or {}
    total, old_total = now.get("total", float("nan")), before.get("total", float("nan"))
    headline = {
        "total": total,
        "class": now.get("class"),
        "rank": _int(now.get("rank")),
        "of": _int(now.get("of")),
        "old_total": old_total,
        "old_class": before.get("class"),
        "old_rank": _int(before.get("rank")),
        "old_of": _int(before.get("of")),
        "delta": float("nan") if _nan(total) or _nan(old_total) else round(total - old_total, 2),
        "note": me.get("note"),
    }
    headline["rank_change"] = (
        None
        if headline["rank"] is None or headline["old_rank"] is None
        else headline["old_rank"] - headline["rank"]
    )
    groups = _groups(cur, old, unit_id, old_uid, level, cat)
    indicators = _indicators(cur, old, unit_id, old_uid, cat)
    wb = winback(indicators, cat)
    stats = peer_stats(new_units, unit_id)
    trend = trend if trend is not None else pd.DataFrame()
    compare_phrase = f"so với {compare_label}" if compare_label else None
    scored = bool(len(indicators)) and indicators["points"].notna().any()
    sentences: dict[str, list[Sentence]] = {
        "headline": [
            U.total(
                name,
                total,
                headline["class"],
                old_total,
                compare_phrase,
                selection.period.label_vi,
                me.get("note"),
            ),
            U.rank(level, headline["rank"], headline["of"], headline["old_rank"], before.get("of")),
            U.class_change(before.get("class"), now.get("class"), [b.name for b in bands]),
        ],
        "peers": [U.peers(name, level, stats), U.position(name, level, stats)],
        "detail": [U.detail(name, scored or bool(len(groups)), not _nan(total))],
        "winback": U.winback(wb),
        "winback_intro": [s for s in [U.winback_intro(len(wb), scored)] if s is not None],
        "trend": [U.trend(trend)] if len(trend) else [],
        "overdue": [s for s in [U.overdue(name, overdue, overdue_day)] if s is not None],
    }
    codes = wb["code"].tolist()
    return UnitScorecard(
        period=selection.period,
        selection=selection,
        unit_id=unit_id,
        unit=name,
        level=level,
        province=province,
        methodology=cat.version,
        compare_label=compare_label,
        headline=headline,
        groups=groups,
        indicators=indicators,
        winback=wb,
        peers=stats,
        trend=trend,
        overdue=overdue,
        overdue_day=overdue_day,
        sentences=sentences,
        recommendations=_recommendations(codes),
        bands=bands,
        notes=list(notes or []),
    )


def _recommendations(codes: list[str]) -> list[str]:
    """One recommendation per win-back indicator (the first written for it), then the ones
    every announcement carries."""
    from chiso766.commentary.phrase import load_recommendations

    texts = load_recommendations()
    out = [texts[c][0] for c in codes if texts.get(c)]
    out += [t for t in texts.get("always", ()) if t not in out]
    return list(dict.fromkeys(out))


__all__ = ["UnitScorecard", "build_unit_scorecard", "peer_stats", "winback"]

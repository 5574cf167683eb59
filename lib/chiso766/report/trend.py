"""Trends: which snapshot stands for each period of a report's kind, and a unit's total and
rank across them (pure)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from chiso766.compute.periods import KINDS, Period, PeriodError, parse_period, period_of_date

TREND_COLUMNS = ["snapshot", "period", "end", "label", "total", "rank", "of"]
_ORDER = {k: i for i, k in enumerate(KINDS)}


def trend_snapshots(
    snapshots: pd.DataFrame | list[str], current: str, kind: str, limit: int | None = None
) -> list[str]:
    """One snapshot per period of ``kind`` up to ``current``'s: the period's own snapshot if
    stored, else the latest one inside it (weeks of a monthly report are not points of its
    trend). Oldest first; the last ``limit`` only if given."""
    keys = list(snapshots["snapshot"]) if isinstance(snapshots, pd.DataFrame) else list(snapshots)
    cur = parse_period(current)
    best: dict[str, tuple[Period, Period]] = {}  # period key → (period, snapshot period)
    for key in keys:
        try:
            p = parse_period(key)
        except PeriodError:
            continue
        if p.end > cur.end or _ORDER[p.kind] > _ORDER[kind]:
            continue
        container = p if kind == "day" else period_of_date(p.end, kind)
        if kind != "day" and not container.contains_period(p):
            continue
        seen = best.get(container.key)
        if seen is None or _better(p, seen[1], container):
            best[container.key] = (container, p)
    ordered = sorted(best.values(), key=lambda pair: pair[0].start)
    out = [snap.key for _container, snap in ordered]
    return out[-limit:] if limit else out


def _better(candidate: Period, current: Period, container: Period) -> bool:
    if current.key == container.key:
        return False
    if candidate.key == container.key:
        return True
    return (candidate.end, candidate.start) > (current.end, current.start)


def short_label(period: Period, snapshot: Period) -> str:
    """A chart's x label: '17/11' (day or week: the data's date), '10/2026', 'Q3/2026',
    '6T đầu/2026', '2026'."""
    if period.kind in ("day", "week"):
        return f"{snapshot.end.day:02d}/{snapshot.end.month}"
    if period.kind == "month":
        return f"{period.number:02d}/{period.year}"
    if period.kind == "quarter":
        return f"Q{period.number}/{period.year}"
    if period.kind == "half":
        return f"{'6T đầu' if period.number == 1 else '6T cuối'}/{period.year}"
    return str(period.year)


def trend_frame(keys: list[str], kind: str) -> pd.DataFrame:
    """The trend's skeleton: snapshot, period, end, label per key (totals to be filled)."""
    rows = []
    for key in keys:
        snap = parse_period(key)
        period = snap if kind == "day" else period_of_date(snap.end, kind)
        rows.append(
            {
                "snapshot": key,
                "period": period.key,
                "end": snap.end,
                "label": short_label(period, snap),
                "total": float("nan"),
                "rank": float("nan"),
                "of": float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def unit_trend(
    ranked_by_snapshot: Mapping[str, pd.DataFrame], keys: list[str], kind: str, unit_id: str
) -> pd.DataFrame:
    """A unit's total and rank within its level in each snapshot of ``keys``.

    ``ranked_by_snapshot`` maps a snapshot to its units indexed by unit id, with total, rank
    and of (:func:`chiso766.compute.ranking.rank_within` by level)."""
    frame = trend_frame(keys, kind)
    totals, ranks, ofs = [], [], []
    for key in frame["snapshot"]:
        ranked = ranked_by_snapshot.get(key)
        if ranked is None or unit_id not in ranked.index:
            totals.append(float("nan"))
            ranks.append(float("nan"))
            ofs.append(float("nan"))
            continue
        row = ranked.loc[unit_id]
        totals.append(_float(row["total"]))
        ranks.append(_float(row["rank"]))
        ofs.append(_float(row["of"]))
    frame["total"], frame["rank"], frame["of"] = totals, ranks, ofs
    return frame


def _float(x) -> float:
    return float("nan") if x is None or pd.isna(x) else float(x)


__all__ = ["TREND_COLUMNS", "short_label", "trend_frame", "trend_snapshots", "unit_trend"]

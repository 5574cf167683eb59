"""Pick the snapshots a report for a period uses: current, comparison, previous year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from chiso766.compute.periods import Period, PeriodError, parse_period
from chiso766.i18n import _


class SelectionError(LookupError):
    """No snapshot fits the period, or the asked comparison snapshot is not in the store."""


@dataclass(frozen=True)
class Selection:
    """Snapshot keys for one report (None where the store has no such snapshot)."""

    period: Period
    current: str
    compare: str | None
    previous_year: str | None
    compare_period: Period | None = None  # set when the comparison is the previous period's

    @property
    def keys(self) -> list[str]:
        return [k for k in (self.current, self.compare, self.previous_year) if k]


def _periods(snapshots: pd.DataFrame) -> list[Period]:
    out = []
    for key in snapshots["snapshot"]:
        try:
            out.append(parse_period(key))
        except PeriodError:
            continue
    return out


def current_snapshot(snapshots: pd.DataFrame, period: Period) -> str | None:
    """The snapshot for ``period``: its own key if stored, else the latest one inside it."""
    periods = _periods(snapshots)
    if any(p.key == period.key for p in periods):
        return period.key
    inside = [p for p in periods if period.contains_period(p) and p.key != period.key]
    if not inside:
        return None
    return max(inside, key=lambda p: (p.end, p.start)).key


def select_snapshots(
    snapshots: pd.DataFrame, period: Period | str, compare: str | None = None
) -> Selection:
    """Choose the snapshots: current (see :func:`current_snapshot`); comparison = the one asked
    for, else the previous period's, else the latest earlier snapshot of a shorter-or-equal kind;
    previous year = the year snapshot of the year before, if stored."""
    period = parse_period(period) if isinstance(period, str) else period
    current = current_snapshot(snapshots, period)
    if current is None:
        have = ", ".join(snapshots["snapshot"].tolist()[-8:]) or "none"
        raise SelectionError(
            _("no snapshot in the store for {period} (latest: {latest})").format(
                period=period.key, latest=have
            )
        )
    cur = parse_period(current)
    periods = _periods(snapshots)
    if compare:
        key = parse_period(compare).key
        if key not in {p.key for p in periods}:
            raise SelectionError(_("comparison snapshot {key} is not in the store").format(key=key))
        cmp_key: str | None = key
        cmp_period = None
    else:
        cmp_key = current_snapshot(snapshots, period.previous())
        cmp_period = period.previous() if cmp_key is not None else None
        if cmp_key is None:
            earlier = [
                p
                for p in periods
                if p.end < cur.start and (p.end - p.start) <= (cur.end - cur.start)
            ]
            cmp_key = max(earlier, key=lambda p: (p.end, p.start)).key if earlier else None
    prev_year = str(period.year - 1)
    return Selection(
        period=period,
        current=current,
        compare=cmp_key if cmp_key != current else None,
        previous_year=prev_year if prev_year in {p.key for p in periods} else None,
        compare_period=cmp_period if cmp_key != current and cmp_period != period else None,
    )

"""The alerts of a period, from the store: the period's snapshot against its comparison (the
previous period's snapshot, one asked for, or — for a daily run of a period in progress — the
same snapshot as the store held it at the end of the previous day), judged by
:mod:`chiso766.compute.alerts`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chiso766.compute.alerts import (
    ACT,
    NOTICE,
    Alert,
    Thresholds,
    indicator_alerts,
    order,
    rank_alert,
    unit_alerts,
)
from chiso766.compute.periods import parse_period
from chiso766.compute.ranking import add_classes
from chiso766.compute.scoring import score_snapshot
from chiso766.compute.units import PROVINCE
from chiso766.i18n import N_, _
from chiso766.methodology import load_bands
from chiso766.report.selection import select_snapshots

PREVIOUS_DAY = "previous-day"
SCOPES = ["total", "group", "indicator", "rank"]


@dataclass
class AlertReport:
    """The alerts of one period, with what was compared."""

    period: str
    period_label: str
    current: str
    compare: str | None  # a snapshot key, "previous-day", or None (nothing to compare)
    compare_label: str
    province: str
    provisional: bool
    alerts: list[Alert] = field(default_factory=list)
    thresholds: Thresholds = field(default_factory=Thresholds)
    made_at: str = ""

    @property
    def must_act(self) -> bool:
        return any(a.level == ACT for a in self.alerts)

    def counts(self) -> dict[str, int]:
        return {lv: sum(a.level == lv for a in self.alerts) for lv in (ACT, NOTICE)}

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "period_label": self.period_label,
            "current": self.current,
            "compare": self.compare,
            "compare_label": self.compare_label,
            "province": self.province,
            "provisional": self.provisional,
            "made_at": self.made_at,
            "must_act": self.must_act,
            "counts": self.counts(),
            "thresholds": self.thresholds.__dict__,
            "alerts": [a.to_json() for a in self.alerts],
        }


def _label(key: str | None) -> str:
    from chiso766.store.history import snapshot_label

    return snapshot_label(key) if key else ""


def _scored(measures: pd.DataFrame, key: str, snapshots: pd.DataFrame, methodology: str):
    from chiso766.report.model import catalogue_for

    rows = measures[
        (measures["snapshot"] == key) & measures["scope"].isin(["total", "group", "indicator"])
    ]
    if rows.empty:
        return None
    scores = score_snapshot(rows, catalogue_for(key, snapshots, methodology))
    units = add_classes(scores.units, load_bands())
    inds = scores.indicators.merge(
        scores.units[["unit_id", "unit", "level"]], on="unit_id", how="left"
    )
    return units, inds


def _national_rank(measures: pd.DataFrame, key: str, province_id: str | None) -> float | None:
    sel = measures[
        (measures["snapshot"] == key)
        & (measures["unit_id"] == province_id)
        & (measures["scope"] == "rank")
        & (measures["code"] == "total")
    ]
    return float(sel["value"].iloc[-1]) if len(sel) and pd.notna(sel["value"].iloc[-1]) else None


def _province(units: pd.DataFrame) -> tuple[str, str] | None:
    prov = units[units["level"] == PROVINCE]
    if prov.empty:
        return None
    return str(prov["unit_id"].iloc[0]), str(prov["unit"].iloc[0])


def load_alerts(
    store: Any,
    period: str,
    compare: str | None = None,
    thresholds: Thresholds | None = None,
    methodology: str = "auto",
    now: dt.datetime | None = None,
) -> AlertReport:
    """The alerts of ``period`` (raises SelectionError / PeriodError when the store has no
    snapshot for it). ``compare``: a snapshot key, ``"previous-day"``, or None for the
    previous period's snapshot."""
    from chiso766.store import now_local

    now = now or now_local()
    thresholds = thresholds or Thresholds()
    p = parse_period(period)
    snapshots = store.snapshots(scopes=SCOPES)
    asked = None if compare in (None, "", PREVIOUS_DAY) else compare
    selection = select_snapshots(snapshots, p, asked)
    current = selection.current
    measures = store.measures([current], scopes=SCOPES)
    all_snaps = store.snapshots()
    row = all_snaps[all_snaps["snapshot"] == current]
    provisional = (bool(row["provisional"].fillna(False).iloc[0]) if len(row) else False) or (
        p.end >= now.date()
    )
    if compare == PREVIOUS_DAY:
        midnight = dt.datetime.combine(now.date(), dt.time())
        old = store.measures_as_of([current], midnight)
        old_key = current if len(old) else None
        compare_label = _("the store's values at the end of {day}").format(
            day=_label((now.date() - dt.timedelta(days=1)).isoformat())
        )
    else:
        old_key = selection.compare
        old = store.measures([old_key], scopes=SCOPES) if old_key else measures.iloc[0:0]
        compare_label = _label(old_key)
    report = AlertReport(
        period=p.key,
        period_label=p.label_vi,
        current=current,
        compare=(PREVIOUS_DAY if compare == PREVIOUS_DAY and old_key else old_key),
        compare_label=compare_label if old_key else "",
        province="",
        provisional=provisional,
        thresholds=thresholds,
        made_at=now.isoformat(timespec="minutes"),
    )
    new_scores = _scored(measures, current, snapshots, methodology)
    if new_scores is None:
        return report
    new_units, new_inds = new_scores
    province = _province(new_units)
    report.province = province[1] if province else ""
    old_scores = _scored(old, old_key, all_snaps, methodology) if old_key else None
    if old_scores is None:
        return report
    old_units, old_inds = old_scores
    links = store.unit_links()
    if links:  # renamed units are compared under their current id
        old_units = old_units.assign(unit_id=old_units["unit_id"].map(lambda u: links.get(u, u)))
    bands = [b.name for b in load_bands()]
    found = unit_alerts(old_units, new_units, thresholds, bands)
    if province:
        found += indicator_alerts(
            old_inds[old_inds["unit_id"] == province[0]],
            new_inds[new_inds["unit_id"] == province[0]],
            thresholds,
        )
        found += rank_alert(
            province,
            _national_rank(old, old_key, province[0]),
            _national_rank(measures, current, province[0]),
            thresholds,
        )
    report.alerts = order(found)
    return report


__all__ = ["PREVIOUS_DAY", "AlertReport", "load_alerts"]


# ---- the alerts in words (the command, the run summary and the page say the same) -----------
KIND_TITLES = {
    "rank_drop": N_("National rank fell"),
    "score_drop": N_("Score fell"),
    "class_drop": N_("Class dropped"),
    "indicator_drop": N_("Indicator fell"),
    "no_data": N_("No data"),
}
LEVEL_TITLES = {ACT: N_("Must act"), NOTICE: N_("To know")}


def describe(alert: Alert) -> str:
    """One alert as a sentence: 'UBND xã Hải Lương: 88,11 → 25,18 điểm (−62,93); …'."""
    from chiso766.formatting import fmt_number, fmt_signed

    change = fmt_signed(alert.change).replace("-", "\u2212") if alert.change is not None else ""
    if alert.kind == "rank_drop":
        return _("{unit}: national rank {old} → {new} (down {n} places)").format(
            unit=alert.unit, old=int(alert.old), new=int(alert.new), n=int(alert.new - alert.old)
        )
    if alert.kind == "no_data":
        return _("{unit}: no data in this snapshot (before: {old} points)").format(
            unit=alert.unit, old=fmt_number(alert.old)
        )
    if alert.kind == "indicator_drop":
        return _("{indicator}: {old} → {new} ({change})").format(
            indicator=alert.label or alert.code,
            old=fmt_number(alert.old),
            new=fmt_number(alert.new),
            change=change,
        )
    text = _("{unit}: {old} → {new} points ({change})").format(
        unit=alert.unit, old=fmt_number(alert.old), new=fmt_number(alert.new), change=change
    )
    if alert.old_class and alert.new_class:
        text += _("; class {old} → {new}").format(old=alert.old_class, new=alert.new_class)
    return text


def summary_line(report: AlertReport) -> str:
    """'Alerts of …: 1 must act, 14 to know' (or that there is none, or nothing to compare)."""
    what = _("Alerts of {period} ({current}").format(
        period=report.period_label, current=_label(report.current)
    )
    what += _(" against {compare})").format(compare=report.compare_label) if report.compare else ")"
    if report.provisional:
        what += _(", provisional")
    if not report.compare:
        return what + _(": nothing to compare with yet")
    counts = report.counts()
    if not report.alerts:
        return what + _(": no alert")
    return what + _(": {act} must act, {notice} to know").format(
        act=counts[ACT], notice=counts[NOTICE]
    )


def lines(report: AlertReport) -> list[str]:
    """The alerts as text: the summary line, then each level's alerts."""
    out = [summary_line(report)]
    for level in (ACT, NOTICE):
        mine = [a for a in report.alerts if a.level == level]
        if not mine:
            continue
        out.append(_(LEVEL_TITLES[level]).upper() + ":")
        out += [f"  - {_(KIND_TITLES[a.kind])}: {describe(a)}" for a in mine]
    return out

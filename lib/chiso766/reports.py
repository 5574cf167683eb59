"""Load what a report needs from the store and build it (the I/O side of report_model)."""

from __future__ import annotations

from chiso766.report_model import ProvinceReport, build_province_report, pick_province
from chiso766.selection import select_snapshots
from chiso766.store import Store

SCORE_SCOPES = ["total", "group", "indicator", "rank"]


def load_province_report(
    store: Store,
    period: str,
    compare: str | None = None,
    province: str | None = None,
    methodology: str = "auto",
) -> ProvinceReport:
    """Select the snapshots for ``period`` and build the province report from the store."""
    snaps = store.snapshots(scopes=SCORE_SCOPES)
    selection = select_snapshots(snaps, period, compare or None)
    measures = store.measures(selection.keys, scopes=SCORE_SCOPES)
    cur = measures[measures["snapshot"] == selection.current]
    uid, _ = pick_province(cur if len(cur) else measures, province)
    trend = store.measures(scopes=SCORE_SCOPES, unit_ids=[uid] if uid else [])
    overdue = store.measures(scopes=["count"])
    return build_province_report(
        measures,
        store.snapshots(),
        selection,
        province=province,
        methodology=methodology,
        trend_measures=trend,
        overdue_measures=overdue,
    )

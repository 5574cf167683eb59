"""trend: one snapshot per period of a report's kind (a monthly trend has months, not the
weeks inside them), short labels, a unit's rank across the trend."""

from __future__ import annotations

import math

import pandas as pd

from chiso766.compute.periods import parse_period
from chiso766.report.trend import short_label, trend_frame, trend_snapshots, unit_trend

WEEKLY_DAYS = ["2026-09-22", "2026-09-29", "2026-10-06", "2026-10-13", "2026-10-20",
               "2026-10-27", "2026-11-03", "2026-11-10", "2026-11-17"]  # fmt: skip


def test_weekly_days_give_one_point_per_week() -> None:
    assert trend_snapshots(WEEKLY_DAYS, "2026-11-17", "week") == WEEKLY_DAYS


def test_monthly_trend_takes_the_last_snapshot_of_each_month() -> None:
    keys = trend_snapshots(WEEKLY_DAYS, "2026-10-27", "month")
    assert keys == ["2026-09-29", "2026-10-27"]  # nothing after the current snapshot


def test_a_stored_period_snapshot_wins_over_days_inside_it() -> None:
    keys = trend_snapshots(["2026-10-20", "2026-10", "2026-10-27", "2026-11"], "2026-11", "month")
    assert keys == ["2026-10", "2026-11"]


def test_longer_snapshots_are_not_points_of_a_shorter_trend_and_limit() -> None:
    keys = trend_snapshots(["2025", "2026-Q1", *WEEKLY_DAYS], "2026-11-17", "week", limit=3)
    assert keys == WEEKLY_DAYS[-3:]
    assert trend_snapshots(["2025", "2026"], "2026", "year") == ["2025", "2026"]


def test_short_labels() -> None:
    day = parse_period("2026-11-17")
    assert short_label(parse_period("2026-W47"), day) == "17/11"
    assert short_label(parse_period("2026-10"), day) == "10/2026"
    assert short_label(parse_period("2026-Q3"), day) == "Q3/2026"
    assert short_label(parse_period("2026-H1"), day) == "6T đầu/2026"
    assert short_label(parse_period("2026"), day) == "2026"


def test_unit_trend_reads_each_snapshot_rank() -> None:
    ranked = {
        "2026-11-10": pd.DataFrame(
            {"total": [80.0, 70.0], "rank": [1, 2], "of": [2, 2]}, index=["a", "b"]
        ),  # fmt: skip
        "2026-11-17": pd.DataFrame({"total": [60.0], "rank": [1], "of": [1]}, index=["b"]),
    }
    frame = unit_trend(ranked, ["2026-11-03", "2026-11-10", "2026-11-17"], "week", "a")
    assert math.isnan(frame["total"][0]) and frame["total"][1] == 80.0
    assert math.isnan(frame["total"][2])  # no data then: a gap, not 0
    assert list(trend_frame(["2026-11-17"], "month")["period"]) == ["2026-11"]

"""Which snapshots a report for a period uses: current, comparison, previous year."""

from __future__ import annotations

import pandas as pd
import pytest

from chiso766.compute.periods import PeriodError, parse_period
from chiso766.report.selection import Selection, SelectionError, current_snapshot, select_snapshots

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


def snaps(*keys: str) -> pd.DataFrame:
    """A snapshots frame as Store.snapshots() gives it (only the key matters here)."""
    return pd.DataFrame({"snapshot": list(keys)})


# Seed 004: the year 2024, the meeting of 27/3/2025 and the week-15 snapshot of 08/4/2025.
SEED_004 = snaps("2024", "2025-03-27", "2025-04-08")


def test_seed_004_week_15():
    sel = select_snapshots(SEED_004, "2025-W15")
    assert sel == Selection(parse_period("2025-W15"), "2025-04-08", "2025-03-27", "2024")
    assert sel.keys == ["2025-04-08", "2025-03-27", "2024"]


# ---- current snapshot ----------------------------------------------------------------------
def test_exact_period_key_wins_over_a_day_inside_it():
    sel = select_snapshots(snaps("2024-Q1", "2024-06-28", "2024-Q2"), "2024-Q2")
    assert sel.current == "2024-Q2"
    assert sel.compare == "2024-Q1"


@pytest.mark.parametrize(
    ("period", "keys", "current"),
    [
        # the Sunday before and the Monday after the ISO week are outside it
        ("2025-W15", ["2025-04-06", "2025-04-07", "2025-04-08", "2025-04-14"], "2025-04-08"),
        ("2025-04", ["2025-03-31", "2025-04-08", "2025-04-29", "2025-05-01"], "2025-04-29"),
        ("2024-Q2", ["2024-04", "2024-05", "2024-06-20", "2024-07-01"], "2024-06-20"),
        ("2024", ["2024-Q3", "2024-11", "2024-12-15", "2025-01-02"], "2024-12-15"),
        ("2024-H1", ["2024-Q1", "2024-05-31", "2024-Q2"], "2024-Q2"),
    ],
    ids=["week", "month", "quarter", "year", "half"],
)
def test_latest_snapshot_inside_the_period(period, keys, current):
    assert select_snapshots(snaps(*keys), period).current == current
    assert current_snapshot(snaps(*keys), parse_period(period)) == current


def test_a_longer_snapshot_is_not_inside_a_shorter_period():
    with pytest.raises(SelectionError):
        select_snapshots(snaps("2025-04", "2025-Q2"), "2025-W15")


def test_period_may_be_given_as_a_period():
    sel = select_snapshots(SEED_004, parse_period("2025-W15"))
    assert sel.period == parse_period("2025-W15")
    assert sel.current == "2025-04-08"


def test_keys_that_are_not_periods_are_ignored():
    sel = select_snapshots(snaps("undated", "2025-03-27", "2025-04-08"), "2025-W15")
    assert (sel.current, sel.compare) == ("2025-04-08", "2025-03-27")


# ---- comparison ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("period", "keys", "compare"),
    [
        ("2024-Q2", ["2024-Q1", "2024-Q2"], "2024-Q1"),
        ("2024-04", ["2023-12", "2024-03", "2024-04"], "2024-03"),
        ("2024-01", ["2023-12", "2024-01"], "2023-12"),
        ("2025-W01", ["2024-12-24", "2024-12-27", "2025-01-03"], "2024-12-27"),
        # the previous period's latest snapshot, not an older one closer in kind
        ("2025-W15", ["2025-03-27", "2025-04-01", "2025-04-03", "2025-04-08"], "2025-04-03"),
        ("2024-05", ["2024-04-10", "2024-04-30", "2024-05-31"], "2024-04-30"),
    ],
)
def test_comparison_is_the_previous_periods_snapshot(period, keys, compare):
    assert select_snapshots(snaps(*keys), period).compare == compare


@pytest.mark.parametrize(
    ("period", "keys", "compare"),
    [
        # week 14 has no snapshot: the latest earlier day (the year 2024 is longer)
        ("2025-W15", ["2024", "2025-03-20", "2025-03-27", "2025-04-08"], "2025-03-27"),
        # April has nothing: February (a month) rather than the longer quarter
        ("2024-05", ["2024-Q1", "2024-02", "2024-05"], "2024-02"),
        # a day may be compared with an earlier day of the same week
        ("2025-W15", ["2025-04-07", "2025-04-08"], "2025-04-07"),
        # only longer snapshots before: no comparison
        ("2024-05", ["2023", "2024-Q1", "2024-05"], None),
        # nothing before: no comparison
        ("2024-05", ["2024-05", "2024-06"], None),
    ],
)
def test_else_the_latest_earlier_snapshot_not_longer_than_the_current(period, keys, compare):
    assert select_snapshots(snaps(*keys), period).compare == compare


def test_explicit_comparison_overrides_the_previous_period():
    keys = snaps("2025-03-20", "2025-03-27", "2025-04-01", "2025-04-08")
    assert select_snapshots(keys, "2025-W15").compare == "2025-04-01"
    assert select_snapshots(keys, "2025-W15", compare="2025-03-20").compare == "2025-03-20"
    # written as announcements write a date
    assert select_snapshots(keys, "2025-W15", compare="27/3/2025").compare == "2025-03-27"


def test_explicit_comparison_must_be_in_the_store():
    with pytest.raises(SelectionError, match="2025-03-28 is not in the store"):
        select_snapshots(SEED_004, "2025-W15", compare="28/3/2025")


def test_explicit_comparison_must_be_a_period():
    with pytest.raises(PeriodError, match="accepted forms"):
        select_snapshots(SEED_004, "2025-W15", compare="tuần trước")


# ---- previous year -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("period", "keys", "previous_year"),
    [
        ("2025-W15", ["2024", "2025-04-08"], "2024"),
        ("2025-W15", ["2023", "2024-12", "2025-04-08"], None),  # a month of 2024 is not the year
        ("2024-Q2", ["2023", "2024", "2024-Q2"], "2023"),
        ("2024", ["2023", "2024"], "2023"),
        ("2025-W01", ["2024", "2024-12-31"], "2024"),  # ISO week 1 of 2025 starts in 2024
    ],
)
def test_previous_year_found_or_none(period, keys, previous_year):
    sel = select_snapshots(snaps(*keys), period)
    assert sel.previous_year == previous_year
    assert (previous_year in sel.keys) == (previous_year is not None)


def test_previous_year_is_also_the_comparison_of_a_year_report():
    sel = select_snapshots(snaps("2023", "2024"), "2024")
    assert (sel.current, sel.compare, sel.previous_year) == ("2024", "2023", "2023")


# ---- nothing to report on ------------------------------------------------------------------
def test_no_snapshot_for_the_period_names_it_and_what_the_store_has():
    with pytest.raises(SelectionError) as err:
        select_snapshots(SEED_004, "2025-W20")
    message = str(err.value)
    assert "2025-W20" in message
    assert "2025-04-08" in message and "2025-03-27" in message


def test_empty_store_says_so():
    with pytest.raises(
        SelectionError, match=r"no snapshot in the store for 2025-04 \(latest: none\)"
    ):
        select_snapshots(snaps(), "2025-04")


def test_selection_error_is_a_lookup_error():
    assert issubclass(SelectionError, LookupError)

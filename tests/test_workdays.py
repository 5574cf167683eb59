"""The working-day calendar: the year totals and worked examples of WORKING_DAYS.md."""

from __future__ import annotations

import datetime as dt

import pytest

from chiso766.compute.workdays import Calendar, CalendarError, YearCalendar, parse_year
from chiso766.ingest.calendar import load_calendar

D = dt.date


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return load_calendar()


@pytest.mark.parametrize(("year", "days"), [(2023, 249), (2024, 251), (2025, 250), (2026, 250)])
def test_working_days_per_year(cal, year, days):
    assert cal.years[year].working_days() == days


@pytest.mark.parametrize(
    ("receipt", "n", "due"),
    [
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # Tết 25/1–2/2/2025
        (D(2026, 2, 13), 5, D(2026, 2, 27)),  # Tết 14–22/2/2026
        (D(2024, 4, 26), 2, D(2024, 5, 3)),
        (D(2025, 4, 25), 15, D(2025, 5, 20)),  # skips 30/4, 1/5, 2/5; counts Sat 26/4
        (D(2026, 1, 9), 1, D(2026, 1, 10)),  # a worked Saturday is a full working day
    ],
)
def test_adding_working_days_excludes_the_day_of_receipt(cal, receipt, n, due):
    assert cal.add(receipt, n) == due
    assert cal.between(receipt, due) == n


@pytest.mark.parametrize(
    ("effective", "latest"),
    [(D(2026, 3, 1), D(2026, 2, 23)), (D(2024, 5, 6), D(2024, 4, 25))],
)
def test_latest_publication_date_lenient(cal, effective, latest):
    assert cal.latest_publication(effective) == latest


def test_latest_publication_date_strict_wants_five_days_between(cal):
    assert cal.latest_publication(D(2026, 3, 1), reading="strict") == D(2026, 2, 13)
    with pytest.raises(ValueError):
        cal.latest_publication(D(2026, 3, 1), reading="loose")


def test_ordinals(cal):
    fri, sat, mon = D(2026, 3, 6), D(2026, 3, 7), D(2026, 3, 9)
    assert cal.upto(sat) == cal.upto(fri) == cal.before(sat)
    assert cal.before(mon) == cal.upto(fri)
    assert cal.upto(mon) == cal.upto(fri) + 1


def test_pending_days_are_working_days(cal):
    assert cal.is_workday(D(2026, 11, 24))
    assert D(2026, 11, 24) in cal.years[2026].pending


def test_frame_gives_the_ordinals_the_engines_join_on(cal):
    frame = cal.frame()
    assert len(frame) == (D(2026, 12, 31) - D(2023, 1, 1)).days + 1
    row = frame[frame["day"] == D(2026, 2, 23)].iloc[0]
    assert row["wd_before"] == cal.before(D(2026, 2, 23))
    assert row["is_workday"] == 1


def test_outside_the_calendar(cal):
    with pytest.raises(CalendarError, match="outside"):
        cal.upto(D(2022, 12, 31))
    with pytest.raises(ValueError):
        cal.add(D(2026, 3, 2), 0)


def test_parse_year_checks_the_file():
    with pytest.raises(CalendarError, match="weekly rest"):
        parse_year({"year": 2026, "days_off": [{"date": "2026-03-07"}]})
    with pytest.raises(CalendarError, match="already a working day"):
        parse_year({"year": 2026, "extra_workdays": [{"date": "2026-03-09"}]})
    with pytest.raises(CalendarError, match="not in 2026"):
        parse_year({"year": 2026, "days_off": [{"date": "2025-03-09"}]})
    with pytest.raises(CalendarError, match="twice"):
        parse_year({"year": 2026, "days_off": [{"date": "2026-03-09"}, {"date": "2026-03-09"}]})
    with pytest.raises(CalendarError, match="year"):
        parse_year({"days_off": []})


def test_a_calendar_needs_consecutive_years():
    with pytest.raises(CalendarError, match="no year between"):
        Calendar([YearCalendar(2023), YearCalendar(2025)])
    with pytest.raises(CalendarError):
        Calendar([])


def test_the_holidays_package_agrees_except_three_days_of_2026(cal):
    """WORKING_DAYS.md: holidays.VN agrees on every day of 2023–2026 except 02/01 and 10/01
    (the New Year swap) and 24/11/2026 (listed there, pending here)."""
    from chiso766.ingest.calendar import estimate_year

    differ = []
    for year in range(2023, 2027):
        est = estimate_year(year)
        d = D(year, 1, 1)
        while d.year == year:
            if est.is_workday(d) != cal.is_workday(d):
                differ.append(d)
            d += dt.timedelta(days=1)
    assert differ == [D(2026, 1, 2), D(2026, 1, 10), D(2026, 11, 24)]

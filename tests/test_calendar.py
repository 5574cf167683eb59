"""Loading the working-day calendar shipped with the package."""

from __future__ import annotations

import datetime as dt

import pytest

from chiso766.compute.workdays import CalendarError
from chiso766.ingest.calendar import (
    ESTIMATE_NOTE_VI,
    calendar_for,
    load_calendar,
    load_year,
    shipped_years,
)


def test_the_package_ships_2023_to_2026():
    assert shipped_years()[:4] == [2023, 2024, 2025, 2026]
    assert load_year(2024).extra_workdays == {dt.date(2024, 5, 4): "Làm bù cho 29/4/2024"}


def test_a_year_without_a_file_is_an_estimate_and_says_so():
    cal = load_calendar([2026, 2027])
    assert cal.estimated_years == [2027]
    assert cal.years[2027].source == "holidays.VN"
    assert not cal.is_workday(dt.date(2027, 9, 2))  # Quốc khánh
    assert "ước tính" in ESTIMATE_NOTE_VI.format(year=2027)


def test_without_estimates_a_missing_year_is_an_error():
    with pytest.raises(CalendarError, match="2027"):
        load_calendar([2027], estimate=False)


def test_calendar_for_covers_the_dates_given():
    cal = calendar_for([dt.date(2022, 12, 30), None])
    assert cal.first == dt.date(2022, 1, 1)
    assert cal.estimated_years == [2022]
    assert load_calendar().estimated_years == []

"""Working days (ngày làm việc) of state agencies, as data: a pure calendar.

A :class:`Calendar` is built from one :class:`YearCalendar` per year (Monday–Friday work,
Saturday–Sunday rest, less the listed weekdays off, plus the listed worked Saturdays). Counting
follows Bộ luật Dân sự 2015, Điều 147–148: the day of the event is not counted, and a period
ending on a day off ends on the next working day (counting working days does this by itself).

The engines work on ordinals: ``before(d)`` = working days strictly before ``d`` since the
calendar's first day, so "N working days after receipt" is the day whose ``upto`` is
``upto(receipt) + N``. :meth:`Calendar.frame` gives those ordinals as a table to join on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LENIENT, STRICT = "lenient", "strict"


class CalendarError(ValueError):
    """A calendar file that breaks the rules, or a date outside the calendar."""


@dataclass(frozen=True)
class YearCalendar:
    """One year's exceptions to the weekly rest: weekdays off and worked weekend days."""

    year: int
    days_off: Mapping[dt.date, str] = field(default_factory=dict)
    extra_workdays: Mapping[dt.date, str] = field(default_factory=dict)
    weekend: tuple[int, ...] = (5, 6)  # Monday = 0
    pending: Mapping[dt.date, str] = field(default_factory=dict)
    estimated: bool = False  # True when made by the `holidays` package, not from a file
    source: str = ""

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() not in self.weekend and day not in self.days_off

    def working_days(self) -> int:
        """How many working days the year has."""
        d, n = dt.date(self.year, 1, 1), 0
        while d.year == self.year:
            n += self.is_workday(d)
            d += dt.timedelta(days=1)
        return n


def _as_date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from None


def parse_year(data: Mapping, source: str = "") -> YearCalendar:
    """A :class:`YearCalendar` from the mapping a ``working-days/<year>.yaml`` file holds.

    Checks: the year, weekend names, every date inside the year, days off on weekdays only,
    extra working days on weekend days only, no date listed twice.
    """
    where = source or "calendar"
    try:
        year = int(data["year"])
    except (KeyError, TypeError, ValueError):
        raise CalendarError(f"{where}: 'year' is missing or not a number") from None
    names = [str(w).lower()[:3] for w in data.get("weekend", ["sat", "sun"])]
    if any(n not in WEEKDAYS for n in names):
        raise CalendarError(f"{where}: unknown weekday in 'weekend': {names}")
    weekend = tuple(sorted(WEEKDAYS.index(n) for n in names))

    def entries(key: str) -> dict[dt.date, str]:
        out: dict[dt.date, str] = {}
        for item in data.get(key) or []:
            if not isinstance(item, Mapping) or "date" not in item:
                raise CalendarError(f"{where}: each '{key}' entry needs a 'date'")
            day = _as_date(item["date"], where)
            if day.year != year:
                raise CalendarError(f"{where}: {day} in '{key}' is not in {year}")
            if day in out:
                raise CalendarError(f"{where}: {day} is listed twice in '{key}'")
            out[day] = str(item.get("name", ""))
        return out

    off, extra, pending = entries("days_off"), entries("extra_workdays"), entries("pending")
    for day in off:
        if day.weekday() in weekend:
            raise CalendarError(f"{where}: {day} in 'days_off' is already a weekly rest day")
    for day in extra:
        if day.weekday() not in weekend:
            raise CalendarError(f"{where}: {day} in 'extra_workdays' is already a working day")
    return YearCalendar(year, off, extra, weekend, pending, False, source)


class Calendar:
    """Working days over a run of consecutive years."""

    def __init__(self, years: Iterable[YearCalendar]):
        by_year = {y.year: y for y in years}
        if not by_year:
            raise CalendarError("a calendar needs at least one year")
        order = sorted(by_year)
        for a, b in pairwise(order):
            if b != a + 1:
                raise CalendarError(f"the calendar has no year between {a} and {b}")
        self.years: dict[int, YearCalendar] = {y: by_year[y] for y in order}
        self.first = dt.date(order[0], 1, 1)
        self.last = dt.date(order[-1], 12, 31)
        n = (self.last - self.first).days + 1
        days = [self.first + dt.timedelta(days=i) for i in range(n)]
        self._work = np.array([self.years[d.year].is_workday(d) for d in days], dtype=bool)
        self._before = np.concatenate([[0], np.cumsum(self._work)[:-1]]).astype(np.int64)

    @property
    def estimated_years(self) -> list[int]:
        """Years taken from the `holidays` package (an estimate), not from a file."""
        return [y for y, c in self.years.items() if c.estimated]

    def _index(self, day: dt.date) -> int:
        if isinstance(day, dt.datetime):
            day = day.date()
        if not self.first <= day <= self.last:
            raise CalendarError(
                f"{day} is outside the working-day calendar ({self.first.year}–{self.last.year})"
            )
        return (day - self.first).days

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def is_workday(self, day: dt.date) -> bool:
        return bool(self._work[self._index(day)])

    def before(self, day: dt.date) -> int:
        """Working days strictly before ``day`` (since the calendar's first day)."""
        return int(self._before[self._index(day)])

    def upto(self, day: dt.date) -> int:
        """Working days up to and including ``day``."""
        i = self._index(day)
        return int(self._before[i] + self._work[i])

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        return self.upto(end) - self.upto(start)

    def add(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted), n ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        target = self.upto(day) + n
        i = int(np.searchsorted(self._before + self._work, target))
        if i >= len(self._work):
            raise CalendarError(f"{day} + {n} working days is beyond {self.last}")
        return self.first + dt.timedelta(days=i)

    def subtract(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day before ``day`` (``day`` itself not counted), n ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        target = self.before(day) - n + 1  # its `upto`
        if target < 1:
            raise CalendarError(f"{day} − {n} working days is before {self.first}")
        i = int(np.searchsorted(self._before + self._work, target))
        return self.first + dt.timedelta(days=i)

    def latest_publication(self, effective: dt.date, n: int = 5, reading: str = LENIENT):
        """The latest date a publication decision may bear to be on time for a legal basis
        taking effect on ``effective``: ``n`` working days before it (lenient: counting back
        from the effective date; strict: ``n`` working days strictly between the two)."""
        if reading not in (LENIENT, STRICT):
            raise ValueError(f"reading must be '{LENIENT}' or '{STRICT}'")
        return self.subtract(effective, n if reading == LENIENT else n + 1)

    def frame(self) -> pd.DataFrame:
        """One row per day: ``day`` (date), ``is_workday`` (0/1), ``wd_before`` (int32)."""
        n = len(self._work)
        return pd.DataFrame(
            {
                "day": pd.Series(
                    [self.first + dt.timedelta(days=i) for i in range(n)], dtype="object"
                ),
                "is_workday": self._work.astype("int32"),
                "wd_before": self._before.astype("int32"),
            }
        )

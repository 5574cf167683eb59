"""Load the working-day calendar shipped with the package (``chiso766/data/working-days``).

One YAML file per year lists only the exceptions to "Monday–Friday work" with their legal
source. A year without a file may be estimated from the `holidays` package (``holidays.VN``);
such a year is flagged (:attr:`YearCalendar.estimated`) and reports say "ước tính".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from importlib import resources

import yaml

from chiso766.compute.workdays import Calendar, CalendarError, YearCalendar, parse_year

PACKAGE_DIR = ("data", "working-days")
ESTIMATE_NOTE_VI = (
    "Lịch ngày làm việc năm {year} chưa có văn bản chính thức trong phần mềm; số ngày làm việc "
    "của năm này là ước tính theo gói holidays."
)


def shipped_years() -> list[int]:
    """Years that have a calendar file in the package."""
    folder = resources.files("chiso766").joinpath(*PACKAGE_DIR)
    return sorted(int(p.name[:4]) for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load_year(year: int) -> YearCalendar:
    """The shipped calendar of ``year``; CalendarError if there is no file."""
    folder = resources.files("chiso766").joinpath(*PACKAGE_DIR)
    path = folder.joinpath(f"{year}.yaml")
    if not path.is_file():
        raise CalendarError(f"no working-day calendar file for {year}")
    return parse_year(yaml.safe_load(path.read_text(encoding="utf-8")), f"{year}.yaml")


def estimate_year(year: int) -> YearCalendar:
    """A year estimated from ``holidays.VN`` (public holidays, substitute days and the swaps
    the package knows), flagged as an estimate."""
    try:
        import holidays
    except ImportError:  # pragma: no cover - holidays is a dependency
        raise CalendarError(
            f"no working-day calendar for {year} and the 'holidays' package is not installed"
        ) from None
    vn = holidays.country_holidays("VN", years=year)
    off = {d: name for d, name in vn.items() if d.weekday() < 5 and d.year == year}
    worked = {d: "Làm bù" for d in getattr(vn, "weekend_workdays", set()) if d.year == year}
    return YearCalendar(year, off, worked, (5, 6), {}, True, "holidays.VN")


def load_calendar(years: Iterable[int] | None = None, *, estimate: bool = True) -> Calendar:
    """The calendar over ``years`` (their full span; default: every shipped year). Years without
    a file are estimated when ``estimate`` (flagged), else CalendarError."""
    wanted = sorted(set(years)) if years is not None else shipped_years()
    if not wanted:
        wanted = shipped_years()
    span = range(min(wanted), max(wanted) + 1)
    shipped = set(shipped_years())
    out = []
    for y in span:
        if y in shipped:
            out.append(load_year(y))
        elif estimate:
            out.append(estimate_year(y))
        else:
            raise CalendarError(f"no working-day calendar file for {y}")
    return Calendar(out)


def calendar_for(days: Iterable[dt.date], *, estimate: bool = True) -> Calendar:
    """A calendar covering every shipped year and the years of ``days``."""
    years = set(shipped_years())
    years.update(d.year for d in days if d is not None)
    return load_calendar(years, estimate=estimate)

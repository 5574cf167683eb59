"""Reporting periods (ISO week, month, quarter, half, year, snapshot day) and their labels."""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from chiso766.i18n import N_, _

DAY, WEEK, MONTH, QUARTER, HALF, YEAR = "day", "week", "month", "quarter", "half", "year"
KINDS: tuple[str, ...] = (DAY, WEEK, MONTH, QUARTER, HALF, YEAR)

ACCEPTED_FORMS = N_(
    "YYYY (year), YYYY-MM (month), YYYY-Qn (quarter 1-4), YYYY-Hn (half 1-2), "
    "YYYY-Www (ISO week), YYYY-MM-DD or D/M/YYYY (a day)"
)

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_YEAR_RE = re.compile(r"(\d{4})")
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_QUARTER_RE = re.compile(r"(\d{4})-Q(\d)")
_HALF_RE = re.compile(r"(\d{4})-H(\d)")
_WEEK_RE = re.compile(r"(\d{4})-W(\d{2})")
_ISO_DAY_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_VI_DAY_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class PeriodError(ValueError):
    """A period that cannot be parsed, built or used as asked."""


def iso_weeks_in_year(year: int) -> int:
    """Number of ISO weeks (52 or 53) in an ISO year; 28 December is always in the last one."""
    return date(year, 12, 28).isocalendar().week


def _vi_date(d: date) -> str:
    """'08/4/2025': day zero-padded, month not."""
    return f"{d.day:02d}/{d.month}/{d.year}"


@dataclass(frozen=True)
class Period:
    """A reporting period.

    ``number`` is the week (ISO), month, quarter or half within ``year`` and 0 for a year or a
    day; ``day`` is set only for the kind "day" (a snapshot date). For weeks ``year`` is the
    ISO year. Use :func:`parse_period`, :func:`period_of_date` or :meth:`Period.of_day`.
    """

    kind: str
    year: int
    number: int = 0
    day: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PeriodError(f"unknown period kind {self.kind!r} (known: {', '.join(KINDS)})")
        if not 1 <= self.year <= 9999:
            raise PeriodError(f"year {self.year} is out of range")
        if self.kind == DAY:
            if self.day is None or type(self.day) is not date:
                raise PeriodError("a day period needs day=datetime.date")
            if self.day.year != self.year or self.number != 0:
                raise PeriodError("a day period has year=day.year and number=0")
            return
        if self.day is not None:
            raise PeriodError(f"a {self.kind} period has no day")
        top = {
            WEEK: iso_weeks_in_year(self.year) if self.kind == WEEK else 0,
            MONTH: 12,
            QUARTER: 4,
            HALF: 2,
            YEAR: 0,
        }[self.kind]
        low = 0 if self.kind == YEAR else 1
        if not low <= self.number <= top:
            raise PeriodError(f"{self.kind} number {self.number} of {self.year} is out of range")

    @classmethod
    def of_day(cls, d: date) -> Period:
        """The day period of a snapshot date (a datetime is truncated to its date)."""
        if isinstance(d, datetime):
            d = d.date()
        return cls(DAY, d.year, 0, d)

    # --- identity -------------------------------------------------------------------------

    @property
    def key(self) -> str:
        """Canonical text: '2025-W15', '2024-04', '2024-Q2', '2024-H1', '2024', '2025-04-08'."""
        if self.kind == DAY:
            assert self.day is not None
            return self.day.isoformat()
        if self.kind == WEEK:
            return f"{self.year:04d}-W{self.number:02d}"
        if self.kind == MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        if self.kind == HALF:
            return f"{self.year:04d}-H{self.number}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.key

    # --- range ----------------------------------------------------------------------------

    @property
    def start(self) -> date:
        """First day of the period."""
        if self.kind == DAY:
            assert self.day is not None
            return self.day
        if self.kind == WEEK:
            return date.fromisocalendar(self.year, self.number, 1)
        if self.kind == MONTH:
            return date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        if self.kind == HALF:
            return date(self.year, 6 * self.number - 5, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        if self.kind == DAY:
            return self.start
        if self.kind == WEEK:
            return date.fromisocalendar(self.year, self.number, 7)
        last_month = {MONTH: self.number, QUARTER: 3 * self.number, HALF: 6 * self.number}.get(
            self.kind, 12
        )
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    def contains(self, d: date) -> bool:
        """Whether the date (or a datetime's date) lies in the period."""
        if isinstance(d, datetime):
            d = d.date()
        return self.start <= d <= self.end

    def contains_period(self, other: Period) -> bool:
        """Whether the other period's whole range lies in this one."""
        return self.start <= other.start and other.end <= self.end

    def is_complete(self, today: date) -> bool:
        """Whether the period ended before ``today``."""
        if isinstance(today, datetime):
            today = today.date()
        return self.end < today

    # --- navigation -----------------------------------------------------------------------

    def previous(self) -> Period:
        """The period of the same kind one step back (2025-W01 → 2024-W52, 2024-Q1 → 2023-Q4)."""
        if self.kind == DAY:
            return Period.of_day(self.start - timedelta(days=1))
        if self.kind == WEEK:
            return period_of_date(self.start - timedelta(days=7), WEEK)
        if self.kind == YEAR:
            return Period(YEAR, self.year - 1)
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        last = {MONTH: 12, QUARTER: 4, HALF: 2}[self.kind]
        return Period(self.kind, self.year - 1, last)

    def previous_year(self) -> Period:
        """The year before the period's year, as a year period."""
        return Period(YEAR, self.year - 1)

    # --- Vietnamese labels ----------------------------------------------------------------

    @property
    def label_vi(self) -> str:
        """Label as announcements write it: 'tháng 4/2024', 'quý II/2024', 'ngày 08/4/2025'."""
        if self.kind == DAY:
            return f"ngày {_vi_date(self.start)}"
        if self.kind == WEEK:
            thursday = self.start + timedelta(days=3)  # the ISO week's month is its Thursday's
            return f"tuần thứ {self.number}, tháng {thursday.month}/{thursday.year}"
        if self.kind == MONTH:
            return f"tháng {self.number}/{self.year}"
        if self.kind == QUARTER:
            return f"quý {_ROMAN[self.number]}/{self.year}"
        if self.kind == HALF:
            side = "đầu" if self.number == 1 else "cuối"
            return f"6 tháng {side} năm {self.year}"
        return f"năm {self.year}"

    @property
    def compare_phrase_vi(self) -> str:
        """'so với tháng 10/2023'; for a day 'so với kết quả ngày 27/3/2025'."""
        if self.kind == DAY:
            return f"so với kết quả {self.label_vi}"
        return f"so với {self.label_vi}"

    # --- portal requests ------------------------------------------------------------------

    def portal_request(self) -> dict[str, str | int]:
        """Query parameters of the national portal, which serves months, quarters and years."""
        if self.kind == MONTH:
            return {"timeType": "month", "year": self.year, "month": self.number}
        if self.kind == QUARTER:
            return {"timeType": "quarter", "year": self.year, "quarter": self.number}
        if self.kind == YEAR:
            return {"timeType": "year", "year": self.year}
        raise PeriodError(
            _(
                "cannot request {period} from the portal: the portal serves month, quarter and year"
            ).format(period=self.key)
        )

    def date_range_request(self) -> dict[str, str]:
        """{'fromDate': 'YYYY-MM-DD', 'toDate': 'YYYY-MM-DD'} covering the period."""
        return {"fromDate": self.start.isoformat(), "toDate": self.end.isoformat()}


def _invalid(text: object, reason: str = "") -> PeriodError:
    detail = f" ({reason})" if reason else ""
    return PeriodError(
        _("invalid period {text!r}{detail}; accepted forms: {forms}").format(
            text=text, detail=detail, forms=_(ACCEPTED_FORMS)
        )
    )


def _day(text: object, year: int, month: int, day: int) -> Period:
    try:
        return Period.of_day(date(year, month, day))
    except ValueError as exc:
        raise _invalid(text, str(exc)) from None


def parse_period(text: str | int) -> Period:
    """Parse '2025-W15', '2024-04', '2024-Q2', '2024-H1', '2024' (or 2024), '2025-04-08',
    '8/4/2025'; case and surrounding spaces are ignored. Raises :class:`PeriodError`."""
    if isinstance(text, bool) or not isinstance(text, str | numbers.Integral):
        raise _invalid(text, _("expected a string or an int year"))
    s = text.strip().upper() if isinstance(text, str) else str(int(text))
    if m := _YEAR_RE.fullmatch(s):
        return Period(YEAR, int(m[1]))
    if m := _MONTH_RE.fullmatch(s):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise _invalid(text, _("month {month} is not 1-12").format(month=month))
        return Period(MONTH, year, month)
    if m := _QUARTER_RE.fullmatch(s):
        year, quarter = int(m[1]), int(m[2])
        if not 1 <= quarter <= 4:
            raise _invalid(text, _("quarter {quarter} is not 1-4").format(quarter=quarter))
        return Period(QUARTER, year, quarter)
    if m := _HALF_RE.fullmatch(s):
        year, half = int(m[1]), int(m[2])
        if not 1 <= half <= 2:
            raise _invalid(text, _("half {half} is not 1-2").format(half=half))
        return Period(HALF, year, half)
    if m := _WEEK_RE.fullmatch(s):
        year, week = int(m[1]), int(m[2])
        weeks = iso_weeks_in_year(year)
        if not 1 <= week <= weeks:
            raise _invalid(
                text, _("ISO year {year} has weeks 1-{weeks}").format(year=year, weeks=weeks)
            )
        return Period(WEEK, year, week)
    if m := _ISO_DAY_RE.fullmatch(s):
        return _day(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _VI_DAY_RE.fullmatch(s):
        return _day(text, int(m[3]), int(m[2]), int(m[1]))
    raise _invalid(text)


def period_of_date(d: date, kind: str) -> Period:
    """The period of the given kind containing ``d`` (weeks use the ISO year)."""
    if isinstance(d, datetime):
        d = d.date()
    if kind == DAY:
        return Period.of_day(d)
    if kind == WEEK:
        iso = d.isocalendar()
        return Period(WEEK, iso.year, iso.week)
    if kind == MONTH:
        return Period(MONTH, d.year, d.month)
    if kind == QUARTER:
        return Period(QUARTER, d.year, (d.month - 1) // 3 + 1)
    if kind == HALF:
        return Period(HALF, d.year, 1 if d.month <= 6 else 2)
    if kind == YEAR:
        return Period(YEAR, d.year)
    raise PeriodError(f"unknown period kind {kind!r} (known: {', '.join(KINDS)})")


def today_vn() -> date:
    """Today in Vietnam (Asia/Ho_Chi_Minh), whatever the machine's clock zone."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


_RELATIVE_RE = re.compile(r"(this|last)-(week|month|quarter|half|year)")


def resolve_period(text: str | int, today: date | None = None) -> Period:
    """Like :func:`parse_period`, plus the relative forms scheduled runs use: 'last-week',
    'last-month', 'last-quarter', 'last-half', 'last-year' (the latest complete one) and
    'this-week' … 'this-year' (the one in progress) — relative to ``today``."""
    if isinstance(text, str) and (m := _RELATIVE_RE.fullmatch(text.strip().lower())):
        current = period_of_date(today or today_vn(), m[2])
        return current.previous() if m[1] == "last" else current
    return parse_period(text)

"""Scheduled runs: one YAML per run under ``params/``, checked before any notebook starts.

A run file names a period (fixed, or relative: ``last-week`` …), the formats, and optionally
the unit scorecards to publish with the province report (``units: all``, ``departments``,
``communes``, or a list of unit names). Every problem of every file is reported at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from chiso766.compute.alerts import Thresholds
from chiso766.compute.periods import Period, PeriodError, resolve_period
from chiso766.i18n import N_, _
from chiso766.report.request import PROVINCE_REPORT, ReportRequest, RequestError

KEYS = {
    "report",
    "period",
    "compare",
    "store",
    "formats",
    "province",
    "methodology",
    "out",
    "rank",
    "units",
    "alerts",
    "fetch",
}
REPORTS = {"province_report"}
FORMATS = ("html", "pdf", "xlsx", "docx")
#: formats a run file asks for when it names none
DEFAULT_FORMATS = ("html", "pdf", "xlsx")


MSG_UNITS = N_("units must be all, departments, districts, communes or a list of names")


class ScheduleError(ValueError):
    """A run file that cannot be run, with every problem found."""


@dataclass(frozen=True)
class Fetch:
    """What a run fetches from the portal before rendering: a province and periods (those in
    progress are stored provisional)."""

    province: str
    periods: tuple[Period, ...]
    rate_limit: float = 1.0  # seconds between two requests to the portal


@dataclass(frozen=True)
class Run:
    """One scheduled run, checked: the province report's request, formats and scorecards."""

    source: Path
    request: ReportRequest
    formats: tuple[str, ...]
    out: Path | None
    units: tuple[str, ...] = ()
    report: str = "province_report"
    alerts: Thresholds = Thresholds()
    alerts_compare: str | None = None  # a snapshot key or "previous-day"; None: the period's
    fetch: Fetch | None = None

    # the request's fields, for callers that read them directly
    @property
    def period(self) -> str:
        return self.request.period

    @property
    def compare(self) -> str:
        return self.request.compare

    @property
    def store(self) -> Path | None:
        return Path(self.request.store) if self.request.store else None

    @property
    def province(self) -> str:
        return self.request.province

    @property
    def methodology(self) -> str:
        return self.request.methodology

    @property
    def rank(self) -> str:
        return self.request.rank


def parse_formats(value: Any, allowed: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    """``"html,pdf"`` or ``[html, pdf]`` → ("html", "pdf"); ValueError in plain words."""
    if isinstance(value, str):
        items: list[Any] = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError(
            _("formats must be a list such as [html, pdf], not {value!r}").format(value=value)[:200]
        )
    bad = [v for v in items if not isinstance(v, str) or v not in allowed]
    if bad or not items:
        shown = ", ".join(repr(b)[:40] for b in bad) or _("none")
        raise ValueError(
            _("formats: use some of {allowed} (got {shown})").format(
                allowed=", ".join(allowed), shown=shown
            )
        )
    return tuple(dict.fromkeys(items))


def parse_units(value: Any) -> tuple[str, ...]:
    """``all`` / ``departments`` / ``communes`` / ``districts`` or a list of unit names."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items: list[Any] = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError(_(MSG_UNITS))
    bad = [v for v in items if not isinstance(v, str) or not v.strip() or len(v) > 300]
    if bad:
        raise ValueError(_(MSG_UNITS))
    return tuple(v.strip() for v in items)


def load_run(path: Path, today: dt.date | None = None, root: Path | None = None) -> Run:
    """Read and check one run file; relative periods ('last-week') resolve against ``today``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise ScheduleError(
            _("{path}: not a text file (save it as UTF-8 YAML)").format(path=path)
        ) from None
    except (OSError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScheduleError(
            _("{path}: cannot read it ({reason})").format(path=path, reason=first)
        ) from None
    if not isinstance(data, dict):
        raise ScheduleError(
            _("{path}: expected keys such as 'period:' and 'formats:'").format(path=path)
        )
    problems = []
    unknown = sorted(str(k) for k in data if k not in KEYS)
    if unknown:
        problems.append(
            _("unknown key(s) {names} (known: {known})").format(
                names=", ".join(unknown), known=", ".join(sorted(KEYS))
            )
        )
    report = data.get("report", "province_report")
    if report not in REPORTS:
        problems.append(
            _("unknown report '{report}' (known: {known})").format(
                report=report, known=", ".join(sorted(REPORTS))
            )
        )
    if "period" not in data:
        problems.append(_("'period' is missing (e.g. 2025-W15 or last-week)"))
    formats: tuple[str, ...] = ()
    try:
        formats = parse_formats(data.get("formats", list(DEFAULT_FORMATS)))
    except ValueError as exc:
        problems.append(str(exc))
    units: tuple[str, ...] = ()
    try:
        units = parse_units(data.get("units"))
    except ValueError as exc:
        problems.append(str(exc))
    thresholds, alerts_compare = Thresholds(), None
    try:
        thresholds = Thresholds.from_mapping(data.get("alerts"))
        raw = data.get("alerts") if isinstance(data.get("alerts"), dict) else {}
        alerts_compare = _alerts_compare(raw.get("compare"), today)
    except ValueError as exc:
        problems.append(str(exc))
    fetch = None
    try:
        fetch = parse_fetch(data.get("fetch"), today)
    except ValueError as exc:
        problems.append(str(exc))
    for key in ("province", "methodology", "store", "out", "compare", "rank"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(
                _("{key}: expected text, not {type}").format(key=key, type=type(value).__name__)
            )
    base = root or Path.cwd()

    def where(key: str) -> Path | None:
        value = data.get(key)
        return (base / value).resolve() if isinstance(value, str) and value else None

    request = None
    if "period" in data:
        period = data["period"]
        try:
            request = ReportRequest.build(
                today=today,
                kind=PROVINCE_REPORT,
                period=period if isinstance(period, str) else str(period),
                compare=_text(data.get("compare")),
                province=_text(data.get("province")),
                methodology=_text(data.get("methodology")) or "auto",
                rank=_text(data.get("rank")),
                store=str(where("store") or ""),
            )
        except RequestError as exc:
            problems += list(exc.problems)
    if problems or request is None:
        raise ScheduleError(f"{path}: " + "; ".join(problems))
    return Run(
        path,
        request,
        formats,
        where("out"),
        units,
        str(report),
        thresholds,
        alerts_compare,
        fetch,
    )


def _alerts_compare(value: Any, today: dt.date | None) -> str | None:
    """``alerts: compare:`` — previous-day, a snapshot (2026-11-10, last-week …) or empty."""
    if value in (None, ""):
        return None
    if value == "previous-day":
        return "previous-day"
    if not isinstance(value, str):
        raise ValueError(_("alerts: compare must be previous-day or a snapshot such as 2026-11-10"))
    try:
        return resolve_period(value, today).key
    except PeriodError as exc:
        raise ValueError(_("alerts: compare: {problem}").format(problem=exc)) from None


def parse_fetch(value: Any, today: dt.date | None = None) -> Fetch | None:
    """``fetch: {province: …, periods: [this-month, this-quarter, this-year]}``; ValueError."""
    if value in (None, ""):
        return None
    if not isinstance(value, dict):
        raise ValueError(_("fetch: expected 'province:' and 'periods:'"))
    province = value.get("province")
    if not isinstance(province, str) or not province.strip():
        raise ValueError(_("fetch: 'province' is missing (e.g. province: \"Phú Thọ\")"))
    periods = value.get("periods", ["this-month"])
    if isinstance(periods, str):
        periods = [p.strip() for p in periods.split(",") if p.strip()]
    if not isinstance(periods, list) or not periods:
        raise ValueError(_("fetch: periods must be a list such as [this-month, this-year]"))
    unknown = sorted(str(k) for k in value if k not in ("province", "periods", "rate_limit"))
    if unknown:
        raise ValueError(
            _("fetch: unknown key(s) {names} (known: province, periods, rate_limit)").format(
                names=", ".join(unknown)
            )
        )
    rate = value.get("rate_limit", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 0:
        raise ValueError(_("fetch: rate_limit must be a number of seconds from 0"))
    out = []
    for p in periods:
        try:
            out.append(resolve_period(str(p), today))
        except PeriodError as exc:
            raise ValueError(_("fetch: {problem}").format(problem=exc)) from None
    return Fetch(province.strip(), tuple(out), float(rate))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


__all__ = [
    "FORMATS",
    "Fetch",
    "Run",
    "ScheduleError",
    "load_run",
    "parse_fetch",
    "parse_formats",
    "parse_units",
]

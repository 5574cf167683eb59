"""Scheduled runs: one YAML per run under params/, validated before any notebook starts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from chiso766.compute.periods import PeriodError, resolve_period

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
}
REPORTS = {"province_report"}
FORMATS = {"html", "pdf", "xlsx"}


class ScheduleError(ValueError):
    """A run file that cannot be run, with every problem found."""


@dataclass(frozen=True)
class Run:
    """One scheduled report, resolved: the notebook and its parameters."""

    source: Path
    report: str
    period: str
    compare: str
    store: Path | None
    formats: tuple[str, ...]
    province: str
    methodology: str
    out: Path | None
    rank: str = ""


def load_run(path: Path, today: dt.date | None = None, root: Path | None = None) -> Run:
    """Read and check one run file; relative periods ('last-week') resolve against ``today``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ScheduleError(f"{path}: cannot read it ({exc})") from None
    problems = []
    if not isinstance(data, dict):
        raise ScheduleError(f"{path}: expected keys such as 'period:' and 'formats:'")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})")
    report = str(data.get("report", "province_report"))
    if report not in REPORTS:
        problems.append(f"unknown report '{report}' (known: {', '.join(sorted(REPORTS))})")
    period = compare = ""
    if "period" not in data:
        problems.append("'period' is missing (e.g. 2025-W15 or last-week)")
    else:
        try:
            period = resolve_period(data["period"], today).key
        except PeriodError as exc:
            problems.append(f"period: {exc}")
    if data.get("compare"):
        try:
            compare = resolve_period(data["compare"], today).key
        except PeriodError as exc:
            problems.append(f"compare: {exc}")
    formats = data.get("formats", ["html", "pdf", "xlsx"])
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",")]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        problems.append(f"formats: use some of {', '.join(sorted(FORMATS))}")
    if data.get("rank"):
        from chiso766.report.loading import parse_rank

        try:
            parse_rank(str(data["rank"]))
        except ValueError as exc:
            problems.append(f"rank: {exc}")
    for key in ("province", "methodology", "store", "out"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            problems.append(f"{key}: expected text")
    if problems:
        raise ScheduleError(f"{path}: " + "; ".join(problems))
    base = root or Path.cwd()

    def where(key: str) -> Path | None:
        return (base / data[key]).resolve() if data.get(key) else None

    return Run(
        path,
        report,
        period,
        compare,
        where("store"),
        tuple(formats),
        str(data.get("province") or ""),
        str(data.get("methodology") or "auto"),
        where("out"),
        str(data.get("rank") or ""),
    )

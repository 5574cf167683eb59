"""Report commands of `chiso766`: `render` (periods) and `run` (scheduled run files)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from chiso766.cli.common import MethodOpt, StoreOpt, fail
from chiso766.compute.periods import PeriodError, parse_period
from chiso766.store import Store, default_store_path, project_root


def render(
    periods: Annotated[
        list[str], typer.Argument(help="one or more: 2025-W15, 2024-04, 2024-Q2, 2024-H1, 2024")
    ],
    compare: Annotated[
        str | None, typer.Option(help="comparison snapshot, e.g. 2025-03-27")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="html,pdf,xlsx")] = "html,pdf,xlsx",
    store: StoreOpt = None,
    out: Annotated[Path | None, typer.Option(help="reports folder (default: reports/)")] = None,
    province: Annotated[str | None, typer.Option(help="province name or id")] = None,
    methodology: MethodOpt = "auto",
    rank: Annotated[
        str | None, typer.Option(help="national rank entered by hand, e.g. 20/63")
    ] = None,
) -> None:
    """Render the province announcement for each period (HTML, PDF, XLSX) under reports/."""
    try:
        keys = [parse_period(p).key for p in periods]
        if compare:
            compare = parse_period(compare).key
    except PeriodError as exc:
        fail(str(exc))
    formats = tuple(f.strip() for f in format.split(",") if f.strip())
    bad = set(formats) - {"html", "pdf", "xlsx"}
    if bad or not formats:
        fail(f"unknown format(s): {', '.join(sorted(bad))} (use html, pdf, xlsx)")
    specs = [
        _Spec(key, compare or "", store, province or "", methodology, formats, out, rank or "")
        for key in keys
    ]
    _render(specs)


@dataclass(frozen=True)
class _Spec:
    period: str
    compare: str
    store: Path | None
    province: str
    methodology: str
    formats: tuple[str, ...]
    out: Path | None
    rank: str = ""


def _render(specs: list[_Spec]) -> None:
    """Check every report's parameters against its store, then render them all."""
    from chiso766.render.pipeline import RenderJob, render_many
    from chiso766.report.loading import SCORE_SCOPES, parse_rank
    from chiso766.report.selection import SelectionError, select_snapshots

    problems = []
    for spec in specs:
        if spec.rank:
            try:
                parse_rank(spec.rank)
            except ValueError as exc:
                problems.append(f"{spec.period}: {exc}")
        path = (spec.store or default_store_path()).resolve()
        if not path.exists():
            problems.append(
                f"{spec.period}: no store at {path}; ingest files or run 'chiso766 demo' first"
            )
            continue
        try:
            with Store(path, read_only=True) as st:
                select_snapshots(
                    st.snapshots(scopes=SCORE_SCOPES), spec.period, spec.compare or None
                )
        except (SelectionError, PeriodError) as exc:
            problems.append(f"{spec.period}: {exc}")
    if problems:
        fail("nothing rendered:\n  - " + "\n  - ".join(problems))
    notebook = project_root() / "notebooks" / "province_report.ipynb"
    jobs = [
        RenderJob(
            notebook,
            {
                "period": spec.period,
                "compare": spec.compare,
                "store_path": str((spec.store or default_store_path()).resolve()),
                "province": spec.province,
                "methodology": spec.methodology,
                "national_rank": spec.rank,
            },
            (spec.out or project_root() / "reports") / spec.period,
            "province_report",
            spec.formats,
            numbered=False,
        )
        for spec in specs
    ]
    try:
        results = render_many(jobs)
    except Exception as exc:  # the batch failed: say which reports
        fail(f"render failed: {exc}")
    for result in results:
        for p in result.paths.values():
            typer.echo(str(p))
        typer.echo(f"  ({result.seconds:.1f} s)")


def run(
    files: Annotated[list[Path], typer.Argument(help="run files, e.g. params/weekly.yaml")],
    today: Annotated[
        str | None, typer.Option(help="resolve last-week etc. against this day (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Render scheduled reports from YAML run files (for cron); all are checked first."""
    import datetime as dt

    from chiso766.render.schedule import ScheduleError, load_run

    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        fail(f"--today must be YYYY-MM-DD, not '{today}'")
    runs, problems = [], []
    for path in files:
        try:
            runs.append(load_run(path, day, root=project_root()))
        except ScheduleError as exc:
            problems.append(str(exc))
    if problems:
        fail("nothing rendered:\n  - " + "\n  - ".join(problems))
    _render(
        [
            _Spec(r.period, r.compare, r.store, r.province, r.methodology, r.formats, r.out, r.rank)
            for r in runs
        ]
    )


def register(app: typer.Typer) -> None:
    """Add `render` and `run` to the `chiso766` command."""
    app.command("render")(render)
    app.command("run")(run)

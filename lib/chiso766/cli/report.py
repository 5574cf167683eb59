"""Report commands of `chiso766`: `render` (periods, unit scorecards) and `run` (scheduled run
files). Every request is resolved against the store before any kernel starts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import typer

from chiso766.cli.common import MethodOpt, StoreOpt, add_command, fail, helps
from chiso766.i18n import N_, _
from chiso766.report.request import PROVINCE_REPORT, UNIT_SCORECARD, ReportRequest, RequestError
from chiso766.store import project_root, reports_dir

UnitsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--units",
        "-u",
        metavar="WHICH",
        help=_(
            "also render unit scorecards: all, departments, districts, communes, or a unit's "
            "name (repeat the option for several)"
        ),
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers", metavar="N", help=_("reports rendered at once (default: the number of cores)")
    ),
]
EXIT_MUST_ACT = 3  # a scheduled run's alert must be acted on (as check-scores --strict)
ForceOpt = Annotated[
    bool, typer.Option("--force", help=_("render again even if nothing changed since last time"))
]


@dataclass(frozen=True)
class Batch:
    """What one command asks for: province requests, scorecards, formats, where."""

    requests: tuple[ReportRequest, ...]
    units: tuple[str, ...]
    formats: tuple[str, ...]
    out: Path | None


@helps(
    N_(
        "Render the province announcement of each period (HTML, PDF, XLSX) under reports/, "
        "and the scorecards of the units asked for with --units."
    )
)
def render(
    periods: Annotated[
        list[str],
        typer.Argument(
            metavar="PERIOD...", help=_("one or more: 2025-W15, 2024-04, 2024-Q2, 2024-H1, 2024")
        ),
    ],
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            metavar="DATE",
            help=_(
                "compare with this stored snapshot, e.g. 2025-03-27 (default: the previous period)"
            ),
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMATS",
            help=_("formats, separated by commas: html,pdf,xlsx,docx"),
        ),
    ] = "html,pdf,xlsx",
    store: StoreOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FOLDER", help=_("the reports folder (default: reports/)")),
    ] = None,
    province: Annotated[
        str | None,
        typer.Option(
            "--province",
            metavar="NAME",
            help=_("the province (name or id; default: the province the data is about)"),
        ),
    ] = None,
    methodology: MethodOpt = "auto",
    rank: Annotated[
        str | None,
        typer.Option(
            "--rank", metavar="R/N", help=_("the national rank entered by hand, e.g. 20/63")
        ),
    ] = None,
    units: UnitsOpt = None,
    workers: WorkersOpt = None,
    force: ForceOpt = False,
) -> None:
    from chiso766.render.schedule import parse_formats, parse_units

    try:
        formats = parse_formats(format)
        unit_spec = parse_units(list(units or []))
    except ValueError as exc:
        fail(str(exc))
    requests, problems = [], []
    for period in periods:
        try:
            requests.append(
                ReportRequest.build(
                    kind=PROVINCE_REPORT,
                    period=period,
                    compare=compare,
                    province=province,
                    methodology=methodology,
                    rank=rank,
                    store=store,
                )
            )
        except RequestError as exc:
            problems.append(f"{period}: {exc}")
    if problems:
        fail(_("nothing rendered:") + "\n  - " + "\n  - ".join(problems))
    if run_batches([Batch(tuple(requests), unit_spec, formats, out)], workers, force):
        raise typer.Exit(1)


@helps(
    N_(
        "Render the scheduled reports of YAML run files (for cron); every file is checked "
        "first. Exits 0 when all is well, 1 when a report failed, 3 when an alert must be "
        "acted on."
    )
)
def run(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help=_("run files, e.g. params/weekly.yaml")),
    ],
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="DATE",
            help=_("resolve last-week etc. against this day (YYYY-MM-DD)"),
        ),
    ] = None,
    workers: WorkersOpt = None,
    force: ForceOpt = False,
) -> None:
    from chiso766.cli.scheduled import alert_runs, fetch_runs
    from chiso766.render.schedule import ScheduleError, load_run

    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        fail(_("--today must be YYYY-MM-DD, not '{value}'").format(value=today))
    runs, batches, problems = [], [], []
    for path in files:
        try:
            r = load_run(path, day, root=project_root())
            runs.append(r)
            batches.append(Batch((r.request,), r.units, r.formats, r.out))
        except ScheduleError as exc:
            problems.append(str(exc))
    if problems:
        fail(_("nothing rendered:") + "\n  - " + "\n  - ".join(problems))
    fetch_problems = fetch_runs(runs, day)
    for problem in fetch_problems:
        typer.echo(problem, err=True)
    failed = run_batches(batches, workers, force)
    must_act = alert_runs(runs, lambda r: (r.out or reports_dir()).resolve())
    if failed or fetch_problems:
        raise typer.Exit(1)
    if must_act:
        raise typer.Exit(EXIT_MUST_ACT)


def resolve_batches(batches: list[Batch]) -> list[tuple[Batch, list]]:
    """Resolve every request of every batch against its store; exits with every problem
    (and nothing written) if any request cannot be rendered."""
    from chiso766.report.request import Resolver
    from chiso766.store import Store, StoreError

    problems: list[str] = []
    resolved: list[tuple[Batch, list]] = []
    by_store: dict[Path, list[tuple[Batch, ReportRequest]]] = {}
    for batch in batches:
        for req in batch.requests:
            by_store.setdefault(req.store_path, []).append((batch, req))
    done: dict[int, list] = {id(b): [] for b in batches}
    for path, items in by_store.items():
        if not path.exists():
            problems.append(
                _("no store at {path}; ingest files or run 'chiso766 demo' first").format(path=path)
            )
            continue
        try:
            with Store(path, read_only=True) as st:
                resolver = Resolver(st)
                for batch, req in items:
                    try:
                        done[id(batch)].append(resolver.resolve(req))
                    except RequestError as exc:
                        problems.append(str(exc))
                        continue
                    if not batch.units:
                        continue
                    try:
                        ids = resolver.units_for(batch.units, req.period)
                    except RequestError as exc:
                        problems.append(str(exc))
                        continue
                    for uid in ids:
                        unit_req = replace(req, kind=UNIT_SCORECARD, unit=uid, rank="")
                        try:
                            done[id(batch)].append(resolver.resolve(unit_req))
                        except RequestError as exc:
                            problems.append(str(exc))
        except StoreError as exc:
            problems.append(str(exc))
    if problems:
        fail(_("nothing rendered:") + "\n  - " + "\n  - ".join(problems))
    for batch in batches:
        resolved.append((batch, done[id(batch)]))
    return resolved


def run_batches(batches: list[Batch], workers: int | None, force: bool) -> bool:
    """Resolve, then render everything as one batch with a progress display, naming every
    report that failed; whether one did."""
    from chiso766.render.errors import RenderError
    from chiso766.render.pipeline import BatchError, plan, render_batch
    from chiso766.render.progress import Progress

    root = project_root()
    resolved = resolve_batches(batches)
    by_out: dict[Path, list] = {}
    for batch, reports in resolved:
        out = (batch.out or reports_dir()).resolve()
        by_out.setdefault(out, []).extend(plan(reports, out, batch.formats, root / "notebooks"))
    failed = False
    for out, jobs in by_out.items():
        progress = Progress(len(jobs))
        try:
            outcomes = render_batch(jobs, out, workers=workers, force=force, progress=progress)
        except BatchError as exc:
            outcomes, failed = exc.outcomes, True
            typer.echo(progress.finish(), err=True)
            typer.echo(str(exc), err=True)
        except RenderError as exc:
            fail(_("nothing rendered: {reason}").format(reason=exc))
        else:
            typer.echo(progress.finish(), err=True)
        for o in outcomes:
            if o.status != "failed" and o.job.report.request.kind == PROVINCE_REPORT:
                for p in o.paths.values():
                    typer.echo(str(p))
        typer.echo(_("index: {path}").format(path=out / "index.html"))
    return failed


def register(app: typer.Typer) -> None:
    """Add `render` and `run` to the `chiso766` command."""
    add_command(app, render)
    add_command(app, run)

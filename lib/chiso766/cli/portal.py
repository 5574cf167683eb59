"""Portal commands of `chiso766`: `fetch` and `check-scores`, and ingest of portal folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chiso766.cli.common import (
    MethodOpt,
    StoreOpt,
    add_command,
    check_format,
    fail,
    format_option,
    helps,
)
from chiso766.cli.progress import Activity
from chiso766.i18n import N_, _
from chiso766.ingest.errors import IngestError, Problem
from chiso766.store import IngestResult, Store, StoreError, default_store_path, summary_vi

FORMATS = ("table", "json")
FormatOpt = Annotated[str, format_option(FORMATS)]


def _summary(read, result: IngestResult) -> str:
    """One line: what was read and stored, with the warnings the user must see."""
    from chiso766.ingest.portal import summary_line

    return summary_line(read, result)


def ingest_portal(path: Path, period: str | None, store: Store) -> str:
    """Read a folder of portal responses (or a fetch archive) and store it; a one-line summary.

    Raises :class:`IngestError` (nothing stored) when the folder cannot be read.
    """
    from chiso766.ingest.portal import is_portal_folder, read_portal_folder
    from chiso766.portal.fetch import store_read

    if not is_portal_folder(path):
        raise IngestError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    None,
                    _(
                        "not a folder of portal responses (expected <endpoint>.json files such "
                        "as transparency.json, or an archive written by 'chiso766 fetch')"
                    ),
                )
            ]
        )
    read = read_portal_folder(path, period)
    return _summary(read, store_read(store, read))


@helps(
    N_("Fetch one period from the portal's evaluation API, archive the answers and ingest them.")
)
def fetch(
    province: Annotated[
        str,
        typer.Option(
            "--province",
            metavar="NAME",
            help=_("the province: name (e.g. 'Phú Thọ'), code (H44) or rootDepartmentId"),
        ),
    ],
    period: Annotated[
        str,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help=_("a month (2026-08), quarter (2026-Q3) or year (2026)"),
        ),
    ],
    provisional: Annotated[
        bool,
        typer.Option(
            "--provisional", help=_("allow a period not yet ended (stored as provisional)")
        ),
    ] = False,
    store: StoreOpt = None,
    archive: Annotated[
        Path | None,
        typer.Option(
            "--archive",
            metavar="FOLDER",
            help=_("archive root (default: $CHISO766_PORTAL_ARCHIVE or data/portal-archive)"),
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help=_("API base URL (default: $CHISO766_PORTAL_URL or the portal)"),
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help=_("seconds to wait for an answer"))
    ] = 30.0,
    rate_limit: Annotated[
        float,
        typer.Option(
            "--rate-limit", metavar="SECONDS", help=_("minimum seconds between two requests")
        ),
    ] = 1.0,
    retries: Annotated[
        int,
        typer.Option("--retries", metavar="N", help=_("retries on 5xx answers and network errors")),
    ] = 3,
    format: FormatOpt = "table",
) -> None:
    from chiso766.compute.periods import PeriodError
    from chiso766.portal.fetch import FetchError, PortalClient, fetch_period
    from chiso766.portal.provinces import UnknownProvince

    check_format(format, FORMATS)
    client = PortalClient(base_url, timeout=timeout, min_interval=rate_limit, retries=retries)
    try:
        with Store(store or default_store_path()) as st, Activity() as activity:

            def progress(done: int, total: int, name: str) -> None:
                activity.count(done, total, _("fetching {file}…").format(file=name))

            res = fetch_period(
                province,
                period,
                st,
                archive_root=archive,
                client=client,
                provisional=provisional,
                progress=progress,
            )
    except (FetchError, IngestError, StoreError, PeriodError, UnknownProvince) as exc:
        fail(_("fetch failed, nothing stored: {reason}").format(reason=exc))
    if format == "json":
        typer.echo(
            json.dumps(
                {
                    "province": res.read.province_label,
                    "period": res.read.snapshot,
                    "provisional": res.read.provisional,
                    "archive": str(res.folder),
                    "status": res.ingest.status,
                    "rows": res.ingest.rows,
                    "requests": res.requests,
                    "seconds": round(res.seconds, 2),
                    "warnings": [w.problem for w in res.read.warnings],
                    "changes": [c.describe() for c in res.ingest.changes],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    typer.echo(_summary(res.read, res.ingest))
    if res.ingest.changes:
        typer.echo(summary_vi(res.ingest.changes))
    typer.echo(
        _("archived in {folder} ({n} requests, {seconds} s)").format(
            folder=res.folder, n=res.requests, seconds=f"{res.seconds:.1f}".replace(".", ",")
        )
    )


def check_report(measures: pd.DataFrame, tolerance: float, methodology: str) -> dict:
    """check-scores as data: summary per group/indicator, online split fit, differences."""
    from chiso766.methodology import load_catalogue
    from chiso766.portal.checks import (
        DIFFERS,
        MATCH,
        check_scores,
        online_split_fit,
        summarise,
    )

    checks = check_scores(measures, load_catalogue(methodology), tolerance)
    diffs = checks[checks["status"] == DIFFERS]
    return {
        "checked": int(checks["status"].isin([MATCH, DIFFERS]).sum()) if len(checks) else 0,
        "period": str(measures["snapshot"].iloc[0]),
        "methodology": methodology,
        "tolerance": tolerance,
        "summary": summarise(checks).to_dict("records"),
        "online_split": online_split_fit(checks),
        "differences": json.loads(diffs.to_json(orient="records", force_ascii=False)),
    }


@helps(
    N_(
        "List every unit × group (and indicator) where the portal's score and the workbook's "
        "recomputation differ. Exits 1 when the store holds nothing to check for the period."
    )
)
def check_scores_cmd(
    period: Annotated[str, typer.Argument(metavar="PERIOD", help=_("the snapshot, e.g. 2026-08"))],
    store: StoreOpt = None,
    format: FormatOpt = "table",
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", metavar="POINTS", help=_("points apart that count as a difference")
        ),
    ] = 0.01,
    methodology: MethodOpt = "auto",
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help=_("exit with status 3 when a difference is found (for cron)")
        ),
    ] = False,
) -> None:
    from chiso766.compute.periods import PeriodError, parse_period
    from chiso766.methodology import MethodologyError, version_for_date

    check_format(format, FORMATS)
    try:
        p = parse_period(period)
        key = p.key
        with Store(store or default_store_path(), read_only=True) as st:
            measures = st.measures(snapshots=[key])
        if methodology == "auto":
            methodology = version_for_date(p.end)
        report = check_report(measures, tolerance, methodology) if len(measures) else None
    except (StoreError, PeriodError, MethodologyError) as exc:
        fail(str(exc))
    if report is None or not report["checked"]:
        fail(
            _(
                "nothing to check for {period}: the store holds no portal score of this period "
                "that the workbook can recompute (fetch it first: chiso766 fetch --province NAME "
                "--period {period})"
            ).format(period=key)
        )
    if format == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if strict and report["differences"]:
        raise typer.Exit(3)


CHECK_LABELS = {
    "scope": N_("Scope"),
    "code": N_("Code"),
    "match": N_("Match"),
    "differs": N_("Differs"),
    "not recomputable": N_("Not recomputable"),
    "units": N_("Units"),
    "unit": N_("Unit"),
    "level": N_("Level"),
    "portal": N_("Portal"),
    "recomputed": N_("Recomputed"),
    "difference": N_("Difference"),
}


def _print_report(report: dict) -> None:
    from chiso766.cli.common import shown_value
    from chiso766.formatting import fmt_number

    def people(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        for col in ("scope", "level"):
            if col in frame:
                frame[col] = [shown_value(col, v) for v in frame[col]]
        return frame.rename(columns={k: _(v) for k, v in CHECK_LABELS.items()})

    summary = pd.DataFrame(report["summary"])
    typer.echo(
        _("check-scores {period} ({methodology}, ±{tolerance})").format(
            period=report["period"],
            methodology=report["methodology"],
            tolerance=fmt_number(report["tolerance"]),
        )
    )
    if len(summary):
        typer.echo(people(summary).to_string(index=False))
    fit = report["online_split"]
    typer.echo(
        _(
            "online-service 2/4/6 split fits {fits} of {n} recomputable unit(s); "
            "{other} not recomputable (scores only)"
        ).format(fits=fit["fits"], n=fit["fits"] + fit["differs"], other=fit["not_recomputable"])
    )
    diffs = pd.DataFrame(report["differences"])
    if diffs.empty:
        typer.echo(_("no differences: every recomputable portal score is reproduced"))
        return
    typer.echo(_("{n} difference(s):").format(n=len(diffs)))
    for col in ("portal", "recomputed", "difference"):
        diffs[col] = [fmt_number(v) for v in diffs[col]]
    cols = ["unit", "level", "scope", "code", "portal", "recomputed", "difference"]
    typer.echo(people(diffs[cols]).to_string(index=False))


def register(app: typer.Typer) -> None:
    """Add `fetch` and `check-scores` to the `chiso766` command."""
    add_command(app, fetch)
    add_command(app, check_scores_cmd, "check-scores")

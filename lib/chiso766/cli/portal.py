"""Portal commands of `chiso766`: `fetch` and `check-scores`, and ingest of portal folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chiso766.cli.common import StoreOpt, fail
from chiso766.ingest.errors import IngestError, Problem
from chiso766.store import IngestResult, Store, StoreError, default_store_path, summary_vi

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json")]


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
                    "not a folder of portal responses (expected <endpoint>.json files such as "
                    "transparency.json, or an archive written by 'chiso766 fetch')",
                )
            ]
        )
    read = read_portal_folder(path, period)
    return _summary(read, store_read(store, read))


def fetch(
    province: Annotated[
        str, typer.Option(help="province name (e.g. 'Phú Thọ'), code (H44) or rootDepartmentId")
    ],
    period: Annotated[str, typer.Option(help="month 2026-08, quarter 2026-Q3 or year 2026")],
    provisional: Annotated[
        bool, typer.Option("--provisional", help="allow a period not ended (stored provisional)")
    ] = False,
    store: StoreOpt = None,
    archive: Annotated[
        Path | None,
        typer.Option(
            help="archive root (default: $CHISO766_PORTAL_ARCHIVE or data/portal-archive)"
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="API base URL (default: $CHISO766_PORTAL_URL or the portal)")
    ] = None,
    timeout: Annotated[float, typer.Option(help="seconds to wait for an answer")] = 30.0,
    rate_limit: Annotated[float, typer.Option(help="minimum seconds between requests")] = 1.0,
    retries: Annotated[int, typer.Option(help="retries on 5xx and network errors")] = 3,
    format: FormatOpt = "table",
) -> None:
    """Fetch one period from the portal's evaluation API, archive it, and ingest it."""
    from chiso766.compute.periods import PeriodError
    from chiso766.portal.fetch import FetchError, PortalClient, fetch_period
    from chiso766.portal.provinces import UnknownProvince

    client = PortalClient(base_url, timeout=timeout, min_interval=rate_limit, retries=retries)
    progress = None if format == "json" else (lambda msg: typer.echo(f"  {msg}", err=True))
    try:
        with Store(store or default_store_path()) as st:
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
        fail(f"fetch failed, nothing stored: {exc}")
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
    typer.echo(f"archived in {res.folder} ({res.requests} requests, {res.seconds:.1f} s)")


def check_report(measures: pd.DataFrame, tolerance: float, methodology: str) -> dict:
    """check-scores as data: summary per group/indicator, online split fit, differences."""
    from chiso766.methodology import load_catalogue
    from chiso766.portal.checks import DIFFERS, check_scores, online_split_fit, summarise

    checks = check_scores(measures, load_catalogue(methodology), tolerance)
    diffs = checks[checks["status"] == DIFFERS]
    return {
        "period": str(measures["snapshot"].iloc[0]),
        "methodology": methodology,
        "tolerance": tolerance,
        "summary": summarise(checks).to_dict("records"),
        "online_split": online_split_fit(checks),
        "differences": json.loads(diffs.to_json(orient="records", force_ascii=False)),
    }


def check_scores_cmd(
    period: Annotated[str, typer.Argument(help="the snapshot, e.g. 2026-08")],
    store: StoreOpt = None,
    format: FormatOpt = "table",
    tolerance: Annotated[
        float, typer.Option(help="points apart that count as a difference")
    ] = 0.01,
    methodology: Annotated[str, typer.Option(help="catalogue to recompute with")] = "portal-2026",
    strict: Annotated[
        bool, typer.Option(help="exit with status 3 when a difference is found (for cron)")
    ] = False,
) -> None:
    """List every unit × group (and indicator) where the portal's score and ours differ."""
    from chiso766.compute.periods import PeriodError, parse_period
    from chiso766.methodology import MethodologyError

    try:
        key = parse_period(period).key
        with Store(store or default_store_path(), read_only=True) as st:
            measures = st.measures(snapshots=[key])
        if measures.empty:
            fail(f"the store holds no values for {key}")
        report = check_report(measures, tolerance, methodology)
    except (StoreError, PeriodError, MethodologyError) as exc:
        fail(str(exc))
    if format == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif format == "table":
        _print_report(report)
    else:
        fail(f"unknown format '{format}' (use table or json)")
    if strict and report["differences"]:
        raise typer.Exit(3)


def _print_report(report: dict) -> None:
    from chiso766.formatting import fmt_number

    summary = pd.DataFrame(report["summary"])
    typer.echo(f"check-scores {report['period']} ({report['methodology']}, ±{report['tolerance']})")
    if len(summary):
        typer.echo(summary.to_string(index=False))
    fit = report["online_split"]
    typer.echo(
        f"online-service 2/4/6 split fits {fit['fits']} of {fit['fits'] + fit['differs']} "
        f"recomputable unit(s); {fit['not_recomputable']} not recomputable (scores only)"
    )
    diffs = pd.DataFrame(report["differences"])
    if diffs.empty:
        typer.echo("no differences: every recomputable portal score is reproduced")
        return
    typer.echo(f"{len(diffs)} difference(s):")
    for col in ("portal", "recomputed", "difference"):
        diffs[col] = [fmt_number(v) for v in diffs[col]]
    cols = ["unit", "level", "scope", "code", "portal", "recomputed", "difference"]
    typer.echo(diffs[cols].to_string(index=False))


def register(app: typer.Typer) -> None:
    """Add `fetch` and `check-scores` to the `chiso766` command."""
    app.command("fetch")(fetch)
    app.command("check-scores")(check_scores_cmd)

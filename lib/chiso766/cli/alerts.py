"""`chiso766 alerts PERIOD`: what a leader must know about a period — units whose score fell or
that dropped a class, the province's indicators that fell, units without data, a fall in the
national rank — with an exit status cron can act on (3 when an alert is at the "must act"
level), and the alerts page beside the period's reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from chiso766.cli.common import (
    MethodOpt,
    StoreOpt,
    add_command,
    check_format,
    fail,
    format_option,
    helps,
    open_read_only,
)
from chiso766.i18n import N_, _

EXIT_MUST_ACT = 3
FORMATS = ("table", "json")


def thresholds_from(path: Path | None):  # noqa: ANN201 - (Thresholds, compare or None)
    """The ``alerts:`` of a run file (its thresholds and its ``compare``), else the defaults."""
    import yaml

    from chiso766.compute.alerts import Thresholds

    if path is None:
        return Thresholds(), None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        fail(_("{path}: cannot read it ({reason})").format(path=path, reason=exc))
    alerts = data.get("alerts") if isinstance(data, dict) else None
    try:
        thresholds = Thresholds.from_mapping(alerts)
    except ValueError as exc:
        fail(f"{path}: {exc}")
    compare = alerts.get("compare") if isinstance(alerts, dict) else None
    return thresholds, (str(compare) if compare else None)


def print_alerts(report) -> None:  # noqa: ANN001 - an AlertReport
    """The alerts as lines on stdout."""
    from chiso766.report.alerts import lines

    for line in lines(report):
        typer.echo(line)


@helps(
    N_(
        "What a leader must know about a period: units whose score fell or that dropped a "
        "class, the province's indicators that fell, units without data, a fall in the "
        "national rank. Exits 3 when an alert must be acted on (for cron), and writes the "
        "alerts page beside the period's reports."
    )
)
def alerts(
    period: Annotated[
        str,
        typer.Argument(
            metavar="PERIOD",
            help=_("the period: 2026-W47, 2026-10, 2026-Q3, 2026 or a day 2026-11-17"),
        ),
    ],
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            metavar="DATE",
            help=_(
                "compare with this stored snapshot (default: the previous period); "
                "previous-day: the same snapshot as held at the end of yesterday"
            ),
        ),
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option(
            "--params",
            metavar="FILE",
            help=_("take the thresholds from the 'alerts:' of this run file (params/*.yaml)"),
        ),
    ] = None,
    store: StoreOpt = None,
    methodology: MethodOpt = "auto",
    format: Annotated[str, format_option(FORMATS)] = "table",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FOLDER",
            help=_("the reports folder of the alerts page (default: reports/)"),
        ),
    ] = None,
    page: Annotated[
        bool, typer.Option("--page/--no-page", help=_("write the alerts page and link it"))
    ] = True,
) -> None:
    from chiso766.compute.periods import PeriodError
    from chiso766.report.alerts import load_alerts
    from chiso766.report.selection import SelectionError
    from chiso766.store import StoreError, reports_dir

    check_format(format, FORMATS)
    thresholds, params_compare = thresholds_from(params)
    with open_read_only(store) as st:
        try:
            report = load_alerts(st, period, compare or params_compare, thresholds, methodology)
        except (SelectionError, PeriodError, StoreError, LookupError) as exc:
            fail(str(exc))
    if format == "json":
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print_alerts(report)
    if page:
        from chiso766.render.alerts_page import write_alerts_page
        from chiso766.render.index import update_index

        root = (out or reports_dir()).resolve()
        written = write_alerts_page(report, root)
        update_index(root)
        if format != "json":
            typer.echo(_("alerts page: {path}").format(path=written))
    if report.must_act:
        raise typer.Exit(EXIT_MUST_ACT)


def register(app: typer.Typer) -> None:
    """Add `alerts` to the `chiso766` command."""
    add_command(app, alerts)

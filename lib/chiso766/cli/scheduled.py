"""What ``chiso766 run`` does around rendering a run file's reports: before, fetch the periods
its ``fetch:`` names from the portal (those in progress stored provisional); after, its alerts
(``alerts:`` thresholds, the period's comparison or the previous day) printed as a section of
the run's summary and published as the period's alerts page, linked from the index."""

from __future__ import annotations

from pathlib import Path

import typer

from chiso766.i18n import _


def fetch_runs(runs: list, today=None) -> list[str]:  # noqa: ANN001 - schedule.Run, a date
    """Fetch what each run asks for (periods not ended by ``today`` are provisional); the
    problems (a failed fetch does not stop the others)."""
    from chiso766.compute.periods import PeriodError
    from chiso766.ingest.errors import IngestError
    from chiso766.portal.fetch import FetchError, PortalClient, fetch_period
    from chiso766.portal.provinces import UnknownProvince
    from chiso766.store import Store, StoreError, now_local, summary_vi

    problems: list[str] = []
    today = today or now_local().date()
    for run in runs:
        if run.fetch is None:
            continue
        for period in run.fetch.periods:
            provisional = not period.is_complete(today)
            try:
                with Store(run.request.store_path) as st:
                    res = fetch_period(
                        run.fetch.province,
                        period,
                        st,
                        client=PortalClient(min_interval=run.fetch.rate_limit),
                        provisional=provisional,
                        today=today,
                    )
            except (FetchError, IngestError, StoreError, PeriodError, UnknownProvince) as exc:
                problems.append(
                    _("{path}: fetching {period} failed: {reason}").format(
                        path=run.source, period=period.key, reason=exc
                    )
                )
                continue
            from chiso766.ingest.portal import summary_line

            typer.echo(summary_line(res.read, res.ingest), err=True)
            if res.ingest.changes:
                typer.echo(summary_vi(res.ingest.changes), err=True)
    return problems


def alert_runs(runs: list, out_of, now=None) -> bool:  # noqa: ANN001 - Run, Run → folder, datetime
    """The alerts of each run's period, as a section of the summary and a page beside its
    reports; True when one must be acted on (and the run file says to fail on it). ``now``:
    the moment "the previous day" is counted from (default: now, Vietnam time)."""
    from chiso766.compute.periods import PeriodError
    from chiso766.render.alerts_page import write_alerts_page
    from chiso766.render.index import update_index
    from chiso766.report.alerts import lines, load_alerts
    from chiso766.report.selection import SelectionError
    from chiso766.store import Store, StoreError

    act = False
    roots: set[Path] = set()
    for run in runs:
        try:
            with Store(run.request.store_path, read_only=True) as st:
                report = load_alerts(
                    st,
                    run.request.period,
                    run.alerts_compare,
                    run.alerts,
                    run.request.methodology,
                    now=now,
                )
        except (SelectionError, PeriodError, StoreError, LookupError) as exc:
            typer.echo(_("alerts of {path}: {reason}").format(path=run.source, reason=exc))
            continue
        typer.echo("")
        for line in lines(report):
            typer.echo(line)
        root = out_of(run)
        page = write_alerts_page(report, root)
        roots.add(root)
        typer.echo(_("alerts page: {path}").format(path=page))
        act = act or (report.must_act and run.alerts.fail_on_act)
    for root in roots:
        update_index(root)
    return act


__all__ = ["alert_runs", "fetch_runs"]

"""Data commands of `chiso766`: ingest, demo, rename, status, history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chiso766.cli.common import (
    ExcelOpt,
    FormatOpt,
    MethodOpt,
    StoreOpt,
    add_command,
    check_format,
    emit,
    fail,
    helps,
    open_read_only,
    print_problems,
    print_warnings,
)
from chiso766.cli.progress import Activity
from chiso766.compute.periods import PeriodError, parse_period
from chiso766.i18n import N_, _
from chiso766.ingest.errors import IngestError, Problem, nothing_stored
from chiso766.store import (
    Source,
    Store,
    StoreError,
    UnknownUnit,
    default_store_path,
    project_root,
    summary_vi,
)

DEMO_STORE = "demo.duckdb"
UnitOpt = Annotated[
    str | None,
    typer.Option(
        "--unit", metavar="NAME", help=_("the unit of a table with one row per indicator")
    ),
]
LevelOpt = Annotated[
    str | None,
    typer.Option(
        "--level",
        metavar="LEVEL",
        help=_("the level of every unit in the table: Tỉnh, Sở, UBND cấp huyện, UBND cấp xã"),
    ),
]
SnapshotOpt = Annotated[
    str | None,
    typer.Option(
        "--snapshot",
        metavar="DATE",
        help=_("the date of value columns whose header has none, e.g. 2025-04-08"),
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option("--sheet", metavar="NAME", help=_("the XLSX sheet (default: the first)")),
]


@helps(
    N_(
        "Check every file, then store them all in one transaction: nothing is stored if any "
        "file has a problem. Exports of the provincial system are recognised by their "
        "headers."
    )
)
def ingest(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help=_(
                "CSV/XLSX tables, folders of portal responses, exports of the provincial "
                "system (dossiers, procedures, decisions)"
            ),
        ),
    ],
    store: StoreOpt = None,
    methodology: MethodOpt = "auto",
    unit: UnitOpt = None,
    level: LevelOpt = None,
    snapshot: SnapshotOpt = None,
    sheet: SheetOpt = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", metavar="PERIOD", help=_("the period of a folder of portal responses")
        ),
    ] = None,
) -> None:
    from chiso766.cli.dossiers import read_exports, report_exports, save_exports
    from chiso766.ingest.batch import Options, read_sources

    failures: list[Problem] = []
    with Activity() as activity:
        activity.say(_("reading {n} file(s)…").format(n=len(files)))
        exports, rest = read_exports(list(files), store, failures)
        options = Options(methodology, unit, level, snapshot, sheet, period)
        reads, more = read_sources(rest, options, progress=activity.count)
        failures += more
        if failures:
            activity.close()
            print_problems(failures, nothing_stored(len(failures)))
            raise typer.Exit(1)
        path = store or default_store_path()
        existed = path.exists()
        activity.say(_("storing in {path}…").format(path=path))
        try:
            with Store(path) as st:
                loaded: list = []
                results = st.ingest_many(
                    [r.load for r in reads],
                    within=lambda con: loaded.extend(save_exports(con, exports)),
                )
        except IngestError as exc:
            activity.close()
            _forget_new_store(path, existed)
            print_problems(exc.problems, nothing_stored(len(exc.problems)))
            raise typer.Exit(1) from None
        except StoreError as exc:
            activity.close()
            _forget_new_store(path, existed)
            fail(_("{problem}; nothing was stored").format(problem=exc))
    for read, res in zip(reads, results, strict=True):
        print_warnings(read.warnings)
        typer.echo(f"{read.describe(res)} → {path}")
        for note in res.warnings:
            typer.echo(_("  warning: {note}").format(note=note))
    report_exports(exports, loaded, path)
    changes = [c for res in results for c in res.changes]
    if changes:
        typer.echo(summary_vi(changes))


def _forget_new_store(path: Path, existed: bool) -> None:
    """Remove a store file this command created and then left empty after a refusal."""
    if existed:
        return
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            p.unlink()
        except OSError:
            pass


@helps(
    N_(
        "Generate a synthetic demo province into a store (default data/demo.duckdb, or "
        "data/demo-districts.duckdb)."
    )
)
def demo(
    store: StoreOpt = None,
    variant: Annotated[
        str,
        typer.Option(
            "--variant",
            metavar="VARIANT",
            help=_("merged (after the 2025 mergers: departments and communes) or districts"),
        ),
    ] = "merged",
) -> None:
    import hashlib

    from chiso766.demo import generate

    if variant not in ("merged", "districts"):
        fail(_("--variant must be 'merged' or 'districts'"))
    name = DEMO_STORE if variant == "merged" else "demo-districts.duckdb"
    target = store or project_root() / "data" / name
    data = generate(variant=variant)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(data.measures, index=False).values.tobytes()
    ).hexdigest()
    try:
        with Store(target) as st:
            source = Source(f"demo:{variant}", digest, "demo", data.methodology)
            res = st.ingest(data.measures, source)
            from chiso766.demo_dossiers import store_demo_dossiers  # the dossier records

            store_demo_dossiers(st, data)
    except StoreError as exc:
        fail(str(exc))
    state = _("unchanged") if res.status == "unchanged" else _("{n} values").format(n=res.rows)
    typer.echo(
        _("demo {variant} ({province}): {n} snapshots {first} … {last}, {state} → {path}").format(
            variant=variant,
            province=data.province,
            n=len(res.snapshots),
            first=res.snapshots[0],
            last=res.snapshots[-1],
            state=state,
            path=target,
        )
    )


@helps(
    N_(
        "Record that a unit was renamed, so comparisons follow it instead of saying gone + "
        "new. NEW may be a name the store does not know yet (data under it may come later)."
    )
)
def rename(
    old: Annotated[str, typer.Argument(metavar="OLD", help=_("the unit's former name (or id)"))],
    new: Annotated[
        str,
        typer.Argument(
            metavar="NEW",
            help=_("its name now (or id); a name the store does not know yet is added"),
        ),
    ],
    store: StoreOpt = None,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", help=_("e.g. the decision that renamed it")),
    ] = None,
) -> None:
    added = False
    try:
        with Store(store or default_store_path()) as st:
            old_id = st.find_unit(old)
            try:
                new_id = st.find_unit(new)
            except UnknownUnit as exc:
                if exc.near:  # the name differs from a stored one only in tone marks
                    raise
                level = st.units().set_index("unit_id").at[old_id, "level"]
                new_id, added = st.add_unit(new, level), True
            st.link_units(old_id, new_id, note)
    except StoreError as exc:
        fail(str(exc))
    if added:
        typer.echo(_("'{new}' is new to the store: added as the unit's new name").format(new=new))
    typer.echo(_("{old} → {new}: comparisons now follow the unit").format(old=old, new=new))


@helps(
    N_(
        "What the store holds: its sources (dates and hashes), units per level, the periods "
        "covered, the latest snapshot and the history of values."
    )
)
def status(
    store: StoreOpt = None,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=_("output: table or json"))
    ] = "table",  # fmt: skip
) -> None:
    check_format(format, ("table", "json"))
    with open_read_only(store) as st:
        info = st.summary()
    if format == "json":
        typer.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    for line in status_lines(info):
        typer.echo(line)


SOURCE_KINDS = {
    "table": N_("table"),
    "portal": N_("portal"),
    "demo": N_("demo data"),
    "dossiers": N_("dossier records"),
}
SNAPSHOT_KINDS = {
    "day": N_("day"),
    "week": N_("week"),
    "month": N_("month"),
    "quarter": N_("quarter"),
    "half": N_("half-year"),
    "year": N_("year"),
}


def _when(iso: str | None) -> str:
    from chiso766.formatting import fmt_date

    if not iso:
        return "—"
    day = fmt_date(iso[:10])
    return f"{day} {iso[11:16]}" if len(iso) > 10 else day


def _snapshot_label(key: str | None) -> str:
    from chiso766.store.history import snapshot_label

    return snapshot_label(key) if key else "—"


def status_lines(info: dict) -> list[str]:
    """The readable summary of :meth:`Store.summary`."""
    from chiso766.cli.common import LEVEL_LABELS
    from chiso766.formatting import fmt_count, fmt_number

    size = info.get("bytes")
    mb = _(" ({size} MB)").format(size=fmt_number(size / 1e6, 1)) if size else ""
    lines = [_("Store: {path}{size}").format(path=info["store"], size=mb)]
    sources = info["sources"]
    lines.append(_("Sources ({n}):").format(n=len(sources)))
    for s in sources:
        kind = _(SOURCE_KINDS.get(s["kind"], s["kind"]))
        warn = _(", {n} warning(s)").format(n=s["warnings"]) if s["warnings"] else ""
        lines.append(
            _("  {when}  {kind}: {path}  sha256 {sha}…  {n} current values{warn}").format(
                when=_when(s["ingested_at"]),
                kind=kind,
                path=s["path"],
                sha=(s["sha256"] or "")[:12],
                n=fmt_count(s["current_values"], width=1),
                warn=warn,
            )
        )
    units = info["units"]
    order = [lv for lv in LEVEL_LABELS if lv in units] + [
        lv for lv in units if lv not in LEVEL_LABELS
    ]
    per_level = " · ".join(f"{_(LEVEL_LABELS.get(lv, lv))} {units[lv]}" for lv in order)
    lines.append(_("Units ({n}): {levels}").format(n=sum(units.values()), levels=per_level or "—"))
    if info.get("renamed_units"):
        lines.append(_("  renamed units followed: {n}").format(n=info["renamed_units"]))
    snaps = info["snapshots"]
    if snaps["count"]:
        kinds = ", ".join(f"{_(SNAPSHOT_KINDS.get(k, k))} {n}" for k, n in snaps["by_kind"].items())
        lines.append(
            _("Periods covered: {first} … {last} ({n} snapshots: {kinds})").format(
                first=_snapshot_label(snaps["first"]),
                last=_snapshot_label(snaps["last"]),
                n=snaps["count"],
                kinds=kinds,
            )
        )
        latest = snaps["latest"]
        marks = []
        if latest["provisional"]:
            marks.append(_("provisional"))
        if not latest["scored"]:
            marks.append(_("no scores"))
        if latest["taken_at"]:
            marks.append(_("taken at {when}").format(when=_when(latest["taken_at"])))
        template = (
            _("Latest snapshot with scores: {label} ({key}){marks}")
            if latest["scored"]
            else _("Latest snapshot: {label} ({key}){marks}")
        )
        lines.append(
            template.format(
                label=_snapshot_label(latest["snapshot"]),
                key=latest["snapshot"],
                marks=("; " + "; ".join(marks)) if marks else "",
            )
        )
    else:
        lines.append(_("Periods covered: none yet (ingest a table: chiso766 ingest FILE)"))
    h = info["history"]
    lines.append(
        _(
            "Value history: {recorded} values recorded, {current} current, {changed} changed "
            "by a later source (chiso766 history)"
        ).format(
            recorded=fmt_count(h["recorded"], width=1),
            current=fmt_count(h["current"], width=1),
            changed=fmt_count(h["keys_changed"], width=1),
        )
    )
    records = info.get("records") or {}
    if records:
        lines.append(
            _(
                "Provincial system records: {dossiers} dossiers, {procedures} procedures, "
                "{decisions} decisions"
            ).format(  # fmt: skip
                dossiers=fmt_count(records.get("dossiers", 0), width=1),
                procedures=fmt_count(records.get("procedures", 0), width=1),
                decisions=fmt_count(records.get("decisions", 0), width=1),
            )
        )
    return lines


HISTORY_COLUMNS = [
    "snapshot",
    "unit",
    "scope",
    "code",
    "kind",
    "value",
    "current",
    "source",
    "recorded_at",
]


@helps(N_("Every value the store ever held (oldest first) and the source each came from."))
def history(
    unit: Annotated[
        str | None, typer.Option("--unit", metavar="NAME", help=_("a unit's name or id"))
    ] = None,
    snapshot: Annotated[
        str | None,
        typer.Option("--snapshot", metavar="DATE", help=_("a snapshot, e.g. 2025-03-27")),
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option("--scope", metavar="SCOPE", help=_("total, group, indicator, rank or count")),
    ] = None,
    store: StoreOpt = None,
    format: FormatOpt = "table",
    excel: ExcelOpt = False,
) -> None:
    check_format(format)
    try:
        with Store(store or default_store_path(), read_only=True) as st:
            unit_ids = [st.find_unit(unit)] if unit else None
            keys = [parse_period(snapshot).key] if snapshot else None
            frame = st.history(keys, unit_ids, [scope] if scope else None)
    except (StoreError, PeriodError) as exc:
        fail(str(exc))
    if frame.empty:
        fail(_("the store holds no value for this selection"))
    records = [
        {
            "snapshot": r["snapshot"],
            "unit": r["unit"],
            "scope": r["scope"],
            "code": r["code"],
            "kind": r["kind"],
            "value": None if pd.isna(r["value"]) else r["value"],
            "current": bool(r["current"]),
            "source": r["source_path"],
            "recorded_at": None if pd.isna(r["recorded_at"]) else str(r["recorded_at"]),
        }
        for r in frame.to_dict("records")
    ]
    emit(records, format, HISTORY_COLUMNS, excel=excel)


def register(app: typer.Typer) -> None:
    """Add the data commands to the `chiso766` command."""
    for command in (ingest, demo, rename, status, history):
        add_command(app, command)

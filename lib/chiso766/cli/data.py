"""Data commands of `chiso766`: ingest, score, compare, demo, rename, status."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chiso766.cli.common import FormatOpt, MethodOpt, StoreOpt, fail, print_problems
from chiso766.compute.periods import PeriodError, parse_period
from chiso766.ingest.errors import IngestError, Problem
from chiso766.methodology import MethodologyError, load_bands
from chiso766.store import (
    Source,
    Store,
    StoreError,
    default_store_path,
    project_root,
    summary_vi,
)

DEMO_STORE = "demo.duckdb"


def _read(path: Path, methodology: str, unit, level, snapshot, sheet):
    """Read a table for `score`/`compare`; a bad catalogue name or snapshot becomes a problem."""
    from chiso766.ingest.tables import read_table

    try:
        return read_table(
            path, methodology=methodology, unit=unit, level=level, snapshot=snapshot, sheet=sheet
        )
    except (MethodologyError, PeriodError) as exc:
        raise IngestError([Problem(str(path), None, None, None, str(exc))]) from None


def ingest(
    files: Annotated[list[Path], typer.Argument(help="CSV/XLSX tables or portal folders")],
    store: StoreOpt = None,
    methodology: MethodOpt = "auto",
    unit: Annotated[str | None, typer.Option(help="unit of a one-row-per-indicator table")] = None,
    level: Annotated[str | None, typer.Option(help="level of every unit in the table")] = None,
    snapshot: Annotated[
        str | None, typer.Option(help="date of columns without one, e.g. 2025-04-08")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first)")] = None,
    period: Annotated[str | None, typer.Option(help="period of a portal folder")] = None,
) -> None:
    """Validate every file, then store them all in one transaction; nothing is stored if any
    file has an error. Exports of the provincial system (dossiers, procedures, publication
    decisions) are recognised by their headers and stored in the same transaction."""
    from chiso766.cli.dossiers import read_exports, report_exports, save_exports
    from chiso766.ingest.batch import Options, read_sources

    failures: list[Problem] = []
    exports, rest = read_exports(list(files), store, failures)
    options = Options(methodology, unit, level, snapshot, sheet, period)
    reads, more = read_sources(rest, options)
    failures += more
    if failures:
        print_problems(failures, MSG_NOTHING_STORED.format(n=len(failures)))
        raise typer.Exit(1)
    path = store or default_store_path()
    existed = path.exists()
    try:
        with Store(path) as st:
            loaded: list = []
            results = st.ingest_many(
                [r.load for r in reads],
                within=lambda con: loaded.extend(save_exports(con, exports)),
            )
    except IngestError as exc:
        _forget_new_store(path, existed)
        print_problems(exc.problems, MSG_NOTHING_STORED.format(n=len(exc.problems)))
        raise typer.Exit(1) from None
    except StoreError as exc:
        _forget_new_store(path, existed)
        fail(f"{exc}; nothing was stored")
    for read, res in zip(reads, results, strict=True):
        for w in read.warnings:
            print_problems([w], "warning:")
        typer.echo(f"{read.describe(res)} → {path}")
        for note in res.warnings:
            typer.echo(f"  warning: {note}")
    report_exports(exports, loaded, path)
    changes = [c for res in results for c in res.changes]
    if changes:
        typer.echo(summary_vi(changes))


MSG_NOTHING_STORED = "{n} problem(s); nothing was stored:"


def _forget_new_store(path: Path, existed: bool) -> None:
    """Remove a store file this command created and then left empty after a refusal."""
    if existed:
        return
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            p.unlink()
        except OSError:
            pass


def _scored_units(measures: pd.DataFrame, methodology: str, snapshot: str | None):
    from chiso766.compute.ranking import add_classes, rank_within
    from chiso766.compute.scoring import score_snapshot
    from chiso766.methodology import load_catalogue, version_for_date

    keys = sorted(measures["snapshot"].unique(), key=_snapshot_order)
    if not keys:
        fail("the table holds no values")
    key = parse_period(snapshot).key if snapshot else keys[-1]
    if key not in keys:
        fail(f"no snapshot {key} in the table (it has: {', '.join(keys)})")
    rows = measures[
        (measures["snapshot"] == key) & measures["scope"].isin(["total", "group", "indicator"])
    ]
    version = methodology
    if methodology == "auto":
        version = version_for_date(_snapshot_end(key))
    scores = score_snapshot(rows, load_catalogue(version))
    units = rank_within(add_classes(scores.units, load_bands()))
    return key, units


def _snapshot_order(key: str):
    try:
        p = parse_period(key)
        return (0, p.end, p.start)
    except PeriodError:
        return (1, None, None)


def _snapshot_end(key: str):
    import datetime as dt

    try:
        return parse_period(key).end
    except PeriodError:
        return dt.date.today()


def _unit_records(units: pd.DataFrame) -> list[dict]:
    """One record per unit; ``of`` is how many units of its level were ranked (also for a unit
    without data, which has no rank)."""
    ranked = units.groupby("level")["rank"].count().to_dict()
    out = []
    for r, klass in zip(units.itertuples(index=False), units["class"], strict=True):
        total = None if pd.isna(r.total) else round(float(r.total), 2)
        out.append(
            {
                "unit": r.unit,
                "level": r.level,
                "total": total,
                "class": klass,
                "rank": None if pd.isna(r.rank) else int(r.rank),
                "of": int(ranked.get(r.level, 0)),
            }
        )
    return out


def _emit(records: list[dict], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from chiso766.exports import write_csv

        write_csv(pd.DataFrame(records, columns=columns), sys.stdout)
    elif fmt == "table":
        from chiso766.formatting import fmt_number

        frame = pd.DataFrame(records, columns=columns)
        for col in frame.columns:
            if frame[col].dtype.kind == "f" or col in ("total", "old", "new", "delta"):
                frame[col] = [fmt_number(v, missing="—") for v in frame[col]]
        frame = frame.astype(object).where(frame.notna(), "—")
        typer.echo(frame.to_string(index=False))
    else:
        fail(f"unknown format '{fmt}' (use table, json or csv)")


def score(
    file: Annotated[Path, typer.Argument(help="a CSV/XLSX table")],
    format: FormatOpt = "table",
    methodology: MethodOpt = "auto",
    snapshot: Annotated[str | None, typer.Option(help="which snapshot (default: latest)")] = None,
    unit: Annotated[str | None, typer.Option(help="unit of a per-indicator table")] = None,
    level: Annotated[str | None, typer.Option(help="level of every unit")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet")] = None,
) -> None:
    """Score a table without the store: total, class and rank within level per unit."""
    try:
        read = _read(file, methodology, unit, level, None, sheet)
    except IngestError as exc:
        print_problems(exc.problems, f"{len(exc.problems)} problem(s):")
        raise typer.Exit(1) from None
    for w in read.warnings:
        print_problems([w], "warning:")
    try:
        _key, units = _scored_units(read.measures, methodology, snapshot)
    except (PeriodError, MethodologyError) as exc:
        fail(f"{file}: {exc}")
    _emit(_unit_records(units), format, ["unit", "level", "total", "class", "rank", "of"])


def _side(ref: str, store: Path | None, methodology: str):
    path = Path(ref)
    if path.exists():
        read = _read(path, methodology, None, None, None, None)
        return _scored_units(read.measures, methodology, None)
    with Store(store or default_store_path(), read_only=True) as st:
        key = parse_period(ref).key
        measures = st.measures([key])
    if measures.empty:
        fail(f"'{ref}' is neither a file nor a snapshot in the store")
    return _scored_units(measures, methodology, key)


def _unit_links(store: Path | None) -> dict[str, str]:
    path = store or default_store_path()
    if not path.exists():
        return {}
    with Store(path, read_only=True) as st:
        return st.unit_links()


def compare(
    old: Annotated[str, typer.Argument(help="older table file or snapshot key")],
    new: Annotated[str, typer.Argument(help="newer table file or snapshot key")],
    format: FormatOpt = "table",
    methodology: MethodOpt = "auto",
    store: StoreOpt = None,
) -> None:
    """Compare two snapshots (files or stored): points and rank changes, units new or gone."""
    from chiso766.compute.compare import compare_values

    try:
        _, a = _side(old, store, methodology)
        _, b = _side(new, store, methodology)
        links = _unit_links(store)
        if links:  # renamed units are compared under their current id
            a = a.assign(unit_id=a["unit_id"].map(lambda u: links.get(u, u)))
    except IngestError as exc:
        print_problems(exc.problems, f"{len(exc.problems)} problem(s):")
        raise typer.Exit(1) from None
    except (PeriodError, StoreError, MethodologyError) as exc:
        fail(str(exc))
    rows = []
    for level in b["level"].drop_duplicates().tolist() + [
        lv for lv in a["level"].drop_duplicates() if lv not in set(b["level"])
    ]:
        cmp = compare_values(a[a["level"] == level], b[b["level"] == level])
        rows.append(cmp)
    out = pd.concat(rows, ignore_index=True)
    records = []
    for r in out.to_dict("records"):
        records.append(
            {
                "unit": r["unit"],
                "level": r["level"],
                "old": None if pd.isna(r["old"]) else round(r["old"], 2),
                "new": None if pd.isna(r["new"]) else round(r["new"], 2),
                "delta": None if pd.isna(r["delta"]) else r["delta"],
                "status": r["status"],
                "old_rank": None if pd.isna(r.get("old_rank")) else int(r["old_rank"]),
                "new_rank": None if pd.isna(r.get("new_rank")) else int(r["new_rank"]),
                "rank_change": None if pd.isna(r.get("rank_change")) else int(r["rank_change"]),
            }
        )
    _emit(
        records,
        format,
        ["unit", "level", "old", "new", "delta", "status", "old_rank", "new_rank", "rank_change"],
    )


def demo(
    store: StoreOpt = None,
    variant: Annotated[str, typer.Option(help="merged (34 provinces) or districts")] = "merged",
) -> None:
    """Generate a synthetic demo province into a store (data/demo[-districts].duckdb)."""
    import hashlib

    from chiso766.demo import generate

    if variant not in ("merged", "districts"):
        fail("variant must be 'merged' or 'districts'")
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
    state = "unchanged" if res.status == "unchanged" else f"{res.rows} values"
    typer.echo(
        f"demo {variant} ({data.province}): {len(res.snapshots)} snapshots "
        f"{res.snapshots[0]} … {res.snapshots[-1]}, {state} → {target}"
    )


def rename(
    old: Annotated[str, typer.Argument(help="the unit's former name (or id)")],
    new: Annotated[str, typer.Argument(help="its name now (or id)")],
    store: StoreOpt = None,
    note: Annotated[str | None, typer.Option(help="e.g. the decision that renamed it")] = None,
) -> None:
    """Record that a unit was renamed, so comparisons follow it instead of saying gone + new."""
    try:
        with Store(store or default_store_path()) as st:
            old_id, new_id = st.find_unit(old), st.find_unit(new)
            st.link_units(old_id, new_id, note)
    except StoreError as exc:
        fail(str(exc))
    typer.echo(f"{old} → {new}: comparisons now follow the unit")


def status(store: StoreOpt = None) -> None:
    """What the store holds: counts, snapshots, sources."""
    try:
        st = Store(store or default_store_path(), read_only=True)
    except StoreError as exc:
        fail(str(exc))
    with st:
        typer.echo(f"store: {st.path}")
        typer.echo(json.dumps(st.counts()))
        snaps = st.snapshots()
        if len(snaps):
            typer.echo(
                f"snapshots: {snaps['snapshot'].iloc[0]} … {snaps['snapshot'].iloc[-1]} "
                f"({len(snaps)})"
            )


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


def history(
    unit: Annotated[str | None, typer.Option(help="a unit's name or id")] = None,
    snapshot: Annotated[str | None, typer.Option(help="a snapshot, e.g. 2025-03-27")] = None,
    scope: Annotated[str | None, typer.Option(help="total, group, indicator, rank, count")] = None,
    store: StoreOpt = None,
    format: FormatOpt = "table",
) -> None:
    """Every value the store ever held (oldest first) and the source each came from."""
    try:
        with Store(store or default_store_path(), read_only=True) as st:
            unit_ids = [st.find_unit(unit)] if unit else None
            keys = [parse_period(snapshot).key] if snapshot else None
            frame = st.history(keys, unit_ids, [scope] if scope else None)
    except (StoreError, PeriodError) as exc:
        fail(str(exc))
    if frame.empty:
        fail("the store holds no value for this selection")
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
    _emit(records, format, HISTORY_COLUMNS)


def register(app: typer.Typer) -> None:
    """Add the data commands to the `chiso766` command."""
    for command in (ingest, score, compare, demo, rename, status, history):
        app.command()(command)

"""Score commands of `chiso766`: ``score`` (a table without the store) and ``compare`` (two
snapshots: the two inside one table, two tables, or two stored snapshots)."""

from __future__ import annotations

import datetime as dt
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
    print_problems,
    print_warnings,
)
from chiso766.cli.data import LevelOpt, SheetOpt, UnitOpt
from chiso766.compute.periods import PeriodError, parse_period, today_vn
from chiso766.i18n import N_, _
from chiso766.ingest.errors import IngestError, Problem, problems_title
from chiso766.methodology import MethodologyError, load_bands
from chiso766.store import Store, StoreError, default_store_path

SCORE_COLUMNS = ["unit", "level", "total", "class", "rank", "of"]
COMPARE_COLUMNS = [
    "unit",
    "level",
    "old",
    "new",
    "delta",
    "status",
    "old_rank",
    "new_rank",
    "rank_change",
]


def _read(path: Path, methodology: str, unit=None, level=None, snapshot=None, sheet=None):  # noqa: ANN001, ANN202
    """Read a table; a bad catalogue name or snapshot becomes a problem."""
    from chiso766.ingest.tables import read_table

    try:
        return read_table(
            path, methodology=methodology, unit=unit, level=level, snapshot=snapshot, sheet=sheet
        )
    except (MethodologyError, PeriodError) as exc:
        raise IngestError([Problem(str(path), None, None, None, str(exc))]) from None


def snapshot_keys(measures: pd.DataFrame) -> list[str]:
    """The snapshots of a measures frame, oldest first."""
    return sorted(measures["snapshot"].unique(), key=_snapshot_order)


def _snapshot_order(key: str):  # noqa: ANN202
    try:
        p = parse_period(key)
        return (0, p.end, p.start)
    except PeriodError:
        return (1, dt.date.min, dt.date.min)


def _snapshot_end(key: str) -> dt.date:
    try:
        return parse_period(key).end
    except PeriodError:
        return today_vn()


def scored_units(measures: pd.DataFrame, methodology: str, key: str) -> pd.DataFrame:
    """Every unit of snapshot ``key``: total, class, rank within its level."""
    from chiso766.compute.ranking import add_classes, rank_within
    from chiso766.compute.scoring import score_snapshot
    from chiso766.methodology import load_catalogue, version_for_date

    rows = measures[
        (measures["snapshot"] == key) & measures["scope"].isin(["total", "group", "indicator"])
    ]
    version = methodology
    if methodology == "auto":
        version = version_for_date(_snapshot_end(key))
    scores = score_snapshot(rows, load_catalogue(version))
    return rank_within(add_classes(scores.units, load_bands()))


def _pick(measures: pd.DataFrame, snapshot: str | None) -> str:
    keys = snapshot_keys(measures)
    if not keys:
        fail(_("the table holds no values"))
    key = parse_period(snapshot).key if snapshot else keys[-1]
    if key not in keys:
        fail(
            _("no snapshot {key} in the table (it has: {keys})").format(
                key=key, keys=", ".join(keys)
            )
        )
    return key


def unit_records(units: pd.DataFrame) -> list[dict]:
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
                "class": klass if isinstance(klass, str) else None,
                "rank": None if pd.isna(r.rank) else int(r.rank),
                "of": int(ranked.get(r.level, 0)),
            }
        )
    return out


@helps(N_("Score a table without the store: total, class and rank within its level per unit."))
def score(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("a CSV/XLSX table"))],
    format: FormatOpt = "table",
    excel: ExcelOpt = False,
    methodology: MethodOpt = "auto",
    snapshot: Annotated[
        str | None,
        typer.Option(
            "--snapshot", metavar="DATE", help=_("which snapshot of the table (default: latest)")
        ),
    ] = None,
    unit: UnitOpt = None,
    level: LevelOpt = None,
    sheet: SheetOpt = None,
) -> None:
    check_format(format)
    try:
        read = _read(file, methodology, unit, level, None, sheet)
    except IngestError as exc:
        print_problems(exc.problems, problems_title(len(exc.problems)))
        raise typer.Exit(1) from None
    print_warnings(read.warnings)
    try:
        key = _pick(read.measures, snapshot)
        units = scored_units(read.measures, methodology, key)
    except (PeriodError, MethodologyError) as exc:
        fail(f"{file}: {exc}")
    emit(unit_records(units), format, SCORE_COLUMNS, excel=excel)


# ---- compare -----------------------------------------------------------------------------------
def _unit_links(store: Path | None) -> dict[str, str]:
    path = store or default_store_path()
    if not path.exists():
        return {}
    with Store(path, read_only=True) as st:
        return st.unit_links()


def _stored(ref: str, store: Path | None, methodology: str) -> tuple[str, pd.DataFrame]:
    path = store or default_store_path()
    key = parse_period(ref).key
    with Store(path, read_only=True) as st:
        measures = st.measures([key])
    if measures.empty:
        fail(
            _("'{ref}' is neither a file nor a snapshot in the store {path}").format(
                ref=ref, path=path
            )
        )
    return key, scored_units(measures, methodology, key)


def sides(
    old: str, new: str | None, store: Path | None, methodology: str
) -> tuple[tuple[str, pd.DataFrame], tuple[str, pd.DataFrame]]:
    """The two scored snapshots to compare: the two latest inside one table (``new`` omitted,
    or the same file twice), else each side's latest (a file) or the stored snapshot."""
    old_path = Path(old)
    same = new is None or (
        old_path.is_file() and Path(new).is_file() and old_path.resolve() == Path(new).resolve()
    )
    if same:
        if not old_path.is_file():
            fail(
                _(
                    "'{ref}' is not a file: give a table with two dated columns, or two "
                    "snapshots (files or stored)"
                ).format(ref=old)
            )
        read = _read(old_path, methodology)
        print_warnings(read.warnings)
        keys = snapshot_keys(read.measures)
        if len(keys) < 2:
            fail(
                _(
                    "{file} holds one snapshot ({keys}): to compare, give a table with two "
                    "dated columns (e.g. 'Điểm đánh giá (27/3/2025)', 'Điểm đánh giá "
                    "(08/4/2025)'), or a second table or stored snapshot"
                ).format(file=old, keys=", ".join(keys) or "—")
            )
        a, b = keys[-2], keys[-1]
        return (a, scored_units(read.measures, methodology, a)), (
            b,
            scored_units(read.measures, methodology, b),
        )
    out = []
    for ref in (old, new):
        path = Path(ref)
        if path.is_file():
            read = _read(path, methodology)
            print_warnings(read.warnings)
            key = _pick(read.measures, None)
            out.append((key, scored_units(read.measures, methodology, key)))
        else:
            out.append(_stored(ref, store, methodology))
    return out[0], out[1]


def compare_records(a: pd.DataFrame, b: pd.DataFrame) -> list[dict]:
    """Per unit: old and new totals, change, movement, ranks within level and their change."""
    from chiso766.compute.compare import compare_values

    levels = b["level"].drop_duplicates().tolist()
    levels += [lv for lv in a["level"].drop_duplicates() if lv not in set(b["level"])]
    frames = [compare_values(a[a["level"] == lv], b[b["level"] == lv]) for lv in levels]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
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
    return records


@helps(
    N_(
        "Compare two snapshots: points and rank changes, units new or gone. One table with "
        "two dated columns (as announcements print them) is compared with itself: older → "
        "newer."
    )
)
def compare(
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            help=_(
                "a table (CSV/XLSX), or a stored snapshot: a day (2025-03-27) or a period "
                "(2025-W15, 2025-04)"
            ),
        ),
    ],
    new: Annotated[
        str | None,
        typer.Argument(
            metavar="[NEW]",
            help=_(
                "the newer table or stored snapshot; omitted: OLD is a table with two dated "
                "columns, whose two snapshots are compared"
            ),
        ),
    ] = None,
    format: FormatOpt = "table",
    excel: ExcelOpt = False,
    methodology: MethodOpt = "auto",
    store: StoreOpt = None,
) -> None:
    check_format(format)
    try:
        (ka, a), (kb, b) = sides(old, new, store, methodology)
        links = _unit_links(store)
        if links:  # renamed units are compared under their current id
            a = a.assign(unit_id=a["unit_id"].map(lambda u: links.get(u, u)))
    except IngestError as exc:
        print_problems(exc.problems, problems_title(len(exc.problems)))
        raise typer.Exit(1) from None
    except (PeriodError, StoreError, MethodologyError) as exc:
        fail(str(exc))
    if format == "table":
        from chiso766.store.history import snapshot_label

        typer.echo(
            _("Compared: {old} → {new}").format(old=snapshot_label(ka), new=snapshot_label(kb))
        )
    emit(compare_records(a, b), format, COMPARE_COLUMNS, excel=excel)


def register(app: typer.Typer) -> None:
    """Add `score` and `compare` to the `chiso766` command."""
    add_command(app, score)
    add_command(app, compare)

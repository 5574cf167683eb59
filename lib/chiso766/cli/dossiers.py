"""Dossier commands of `chiso766`: indicators, costs, reconcile; and the hook that lets
`ingest` take the provincial system's exports (dossiers, procedures, decisions)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chiso766.cli.common import (
    ExcelOpt,
    StoreOpt,
    add_command,
    check_format,
    fail,
    format_option,
    helps,
    print_warnings,
)
from chiso766.compute.periods import PeriodError, parse_period
from chiso766.i18n import N_, _
from chiso766.ingest.errors import IngestError, Problem
from chiso766.store import Store, StoreError, default_store_path, sha256_of

EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine", metavar="ENGINE", help=_("duckdb (default) or spark (pyspark, local mode)")
    ),
]
SparkMasterOpt = Annotated[
    str | None,
    typer.Option("--spark-master", metavar="URL", help=_("Spark master URL (default local[2])")),
]
FORMATS = ("table", "json", "csv")
PeriodArg = Annotated[
    str,
    typer.Argument(
        metavar="PERIOD",
        help=_("2026-08, 2026-Q3, 2026, a week 2026-W47 or a day 2026-11-17 (1 January to it)"),
    ),
]


# ---- the `ingest` hook ----------------------------------------------------------------------


def read_exports(
    files: list[Path], store: Path | None, failures: list[Problem]
) -> tuple[list, list[Path]]:
    """Split off the files that are provincial-system exports and read them (problems go to
    ``failures``); return (reads, the other files)."""
    from chiso766.ingest.dossier_inputs import detect_export, read_export

    exports, rest = [], []
    for path in files:
        kind = detect_export(path) if path.is_file() else None
        (exports if kind else rest).append((path, kind) if kind else path)
    if not exports:
        return [], rest
    units = _store_units(store)
    reads = []
    for path, kind in exports:
        try:
            reads.append(read_export(path, kind, units))
        except IngestError as exc:
            failures.extend(exc.problems)
    return reads, rest


def _store_units(store: Path | None) -> pd.DataFrame | None:
    path = store or default_store_path()
    if not Path(path).exists():
        return None
    with Store(path, read_only=True) as st:
        units = st.units()
    return units if len(units) else None


def save_exports(con, reads: list) -> list:
    """Write validated exports inside the caller's transaction (see ``chiso766 ingest``)."""
    from chiso766 import store_dossiers as SD

    if not reads:
        return []
    return SD.write_all(con, reads, [sha256_of(r.path) for r in reads])


def report_exports(reads: list, done: list, path: Path) -> None:
    """Say what each stored export did, with its warnings."""
    from chiso766.ingest.dossier_schema import KIND_LABELS

    for read in reads:
        print_warnings(read.warnings)
    for item in done:
        what = _(KIND_LABELS[item.kind])
        if item.status == "unchanged":
            typer.echo(
                _("{path}: this {what} file was ingested before; nothing changed").format(
                    path=item.path, what=what
                )
            )
        else:
            typer.echo(
                _("{path}: {n} rows of {what} stored → {store}").format(
                    path=item.path, n=item.rows, what=what, store=path
                )
            )


# ---- output helpers -----------------------------------------------------------------------------


def _jsonable(value):
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _emit_frame(frame: pd.DataFrame, fmt: str, labels: dict[str, str], excel: bool = False) -> None:
    """json: English keys, ISO dates; csv and table: Vietnamese headers and formats."""
    from chiso766.report.dossier_sections import display_frame

    if fmt == "json":
        out = frame.copy()
        for col in out.columns:  # dates and times as ISO text, NaN/NaT as null, counts whole
            kind = out[col].dtype.kind
            if kind == "f" and (out[col].dropna() % 1 == 0).all():
                out[col] = out[col].astype("Int64")
            elif out[col].dtype == object or kind == "M":
                out[col] = pd.Series(
                    [_jsonable(v) for v in out[col]], index=out.index, dtype=object
                )
        typer.echo(out.to_json(orient="records", force_ascii=False, indent=2))
        return
    check_format(fmt, FORMATS)
    if fmt == "csv":
        from chiso766.cli.common import whole_numbers
        from chiso766.exports import write_csv, write_excel_csv

        if excel:
            out = whole_numbers(frame).rename(columns=labels)
            write_excel_csv(out, sys.stdout)
        else:
            write_csv(display_frame(frame, labels), sys.stdout)
        return
    shown = display_frame(frame, labels)
    shown = shown.loc[:, (shown != "").any(axis=0)] if len(shown) else shown
    typer.echo(shown.to_string(index=False) if len(shown) else _("(no rows)"))


def _open(store: Path | None) -> Store:
    try:
        return Store(store or default_store_path(), read_only=True)
    except StoreError as exc:
        fail(str(exc))
        raise  # pragma: no cover


def _period(text: str):
    try:
        return parse_period(text)
    except PeriodError as exc:
        fail(str(exc))


# ---- commands -----------------------------------------------------------------------------------


@helps(
    N_(
        "Indicators per unit and for the province (pooled): unit, indicator, numerator, "
        "denominator, ratio (percent, 2 decimals; null when the denominator is 0)."
    )
)
def indicators(
    period: PeriodArg,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            metavar="SOURCE",
            help=_("dossiers (computed from the records) or store (the values stored)"),
        ),
    ] = "dossiers",
    format: Annotated[str, format_option(FORMATS)] = "json",
    excel: ExcelOpt = False,
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save", help=_("store the computed indicators as a source of kind 'dossiers'")
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    from chiso766 import dossier_analytics as DA
    from chiso766.compute.dossier_indicators import to_records

    p = _period(period)
    check_format(format, FORMATS)
    if source not in ("dossiers", "store"):
        fail(_("--source takes 'dossiers' or 'store'"))
    if source == "store":
        with _open(store) as st:
            records = _stored_records(st, p)
        _emit_records(records, format, excel)
        return
    st = Store(store or default_store_path(), read_only=not save) if save else _open(store)
    with st:
        result = _compute(st, p, engine, spark_master, with_costs=False)
        if save:
            res, kept = DA.save_measures(st, result)
            if res is not None:
                typer.echo(
                    _("stored {n} indicators of {period} (source: dossiers)").format(
                        n=res.rows, period=result.window.key
                    ),
                    err=True,
                )
            if kept:
                typer.echo(
                    _(
                        "kept {n} indicators another source gives (the portal, a table) as they "
                        "were"
                    ).format(n=kept),
                    err=True,
                )
    _emit_records(to_records(result.table), format, excel)


def _emit_records(records: list[dict], fmt: str, excel: bool = False) -> None:
    from chiso766.report.dossier_sections import INDICATOR_LABELS

    if fmt == "json":
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        frame = pd.DataFrame(
            records, columns=["unit", "indicator", "numerator", "denominator", "ratio"]
        )
        _emit_frame(frame, fmt, INDICATOR_LABELS, excel)


def _stored_records(st: Store, p) -> list[dict]:
    from chiso766.compute.dossier_indicators import CODES, ratio
    from chiso766.report.selection import current_snapshot

    key = current_snapshot(st.snapshots(), p)
    if key is None:
        fail(_("the store holds no values for {period}").format(period=p.key))
    number_of = {code: number for number, code in CODES.items() if code}
    m = st.measures([key], scopes=["indicator"])
    m = m[(m["kind"] == "rate") & m["code"].isin(number_of)]
    m = m.drop_duplicates(["unit_id", "code"], keep="last")
    out = []
    for r in m.itertuples(index=False):
        num = None if pd.isna(r.numerator) else int(r.numerator)
        den = None if pd.isna(r.denominator) else int(r.denominator)
        value = r.value if not pd.isna(r.value) else (ratio(num, den) if den else None)
        out.append(
            {
                "unit": r.unit,
                "indicator": number_of[r.code],
                "numerator": num,
                "denominator": den,
                "ratio": None if value is None or pd.isna(value) else float(value),
            }
        )
    return out


def _compute(st: Store, p, engine: str, master: str | None, with_costs: bool = True):
    from chiso766 import dossier_analytics as DA
    from chiso766.engines.backends import ENGINES, EngineError

    if engine not in ENGINES:
        fail(_("no engine '{engine}': use duckdb or spark").format(engine=engine))
    from chiso766 import store_dossiers as SD

    if not SD.has_tables(st):
        fail(_("the store holds no dossier records yet: ingest the exports with 'chiso766 ingest'"))
    try:
        if engine == "duckdb" and with_costs:
            return DA.compute_cached(st, p)
        return DA.compute(st, p, engine, with_costs=with_costs, master=master)
    except EngineError as exc:
        fail(str(exc))


@helps(
    N_("The dossiers and decisions behind the lost points, with the reason (personal data masked).")
)
def costs(
    period: PeriodArg,
    unit: Annotated[
        str | None, typer.Option("--unit", metavar="NAME", help=_("one unit (name or id)"))
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option("--indicator", metavar="CODE", help=_("one indicator: 2.1, 3.3, 1.4 …")),
    ] = None,
    format: Annotated[str, format_option(FORMATS)] = "table",
    excel: ExcelOpt = False,
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    store: StoreOpt = None,
) -> None:
    from chiso766 import dossier_analytics as DA
    from chiso766.report.dossier_sections import COST_LABELS, cost_output

    p = _period(period)
    with _open(store) as st:
        result = _compute(st, p, engine, spark_master)
        unit_id = _find_unit(st, result, unit) if unit else None
    frame = cost_output(DA.masked_costs(result, unit_id, indicator))
    _emit_frame(frame, format, COST_LABELS, excel)


def _find_unit(st: Store, result, name: str) -> str:
    """The id of a unit named as the records or the store name it."""
    from chiso766.compute.textnorm import fold_words

    known = result.table.drop_duplicates("unit_id")
    hit = known[known["unit"].map(fold_words) == fold_words(name)]
    if len(hit) == 1 or name in set(known["unit_id"]):
        return hit["unit_id"].iloc[0] if len(hit) == 1 else name
    try:
        return st.find_unit(name)
    except StoreError:
        fail(_("no unit '{name}' in the dossier records of this period").format(name=name))
        raise  # pragma: no cover


@helps(
    N_(
        "The provincial system's numerators and denominators beside the portal's, per unit "
        "and indicator, flagged above the tolerance."
    )
)
def reconcile(
    period: PeriodArg,
    format: Annotated[str, format_option(FORMATS)] = "table",
    excel: ExcelOpt = False,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance",
            metavar="POINTS",
            help=_("flag ratio differences above this (percentage points)"),
        ),
    ] = 1.0,
    only_flagged: Annotated[
        bool, typer.Option("--only-flagged", help=_("only the rows above the tolerance"))
    ] = False,
    engine: EngineOpt = "duckdb",
    store: StoreOpt = None,
) -> None:
    from chiso766 import dossier_analytics as DA
    from chiso766.report.dossier_sections import RECONCILE_LABELS

    p = _period(period)
    with _open(store) as st:
        snap = DA.portal_snapshot(st, p)
        if snap is None:
            fail(
                _("the store holds no portal values of {period} to reconcile with").format(
                    period=p.key
                )
            )
        result = _compute(st, parse_period(snap), engine, None, with_costs=False)
        table = DA.reconciliation(st, result, snap, tolerance=tolerance)
    if only_flagged:
        table = table[table["flag"]]
    _emit_frame(table.drop(columns=["unit_id"]), format, RECONCILE_LABELS, excel)


def register(app: typer.Typer) -> None:
    """Add the dossier commands to the `chiso766` command."""
    for command in (indicators, costs, reconcile):
        add_command(app, command)

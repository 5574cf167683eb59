"""Dossier-level analytics over the store: indicators, what costs points, reconciliation.

Glue between the store (:mod:`chiso766.store_dossiers`), the engines
(:mod:`chiso766.engines`) and the pure finishing (:mod:`chiso766.compute.dossier_indicators`,
:mod:`chiso766.compute.reconcile`). A period's window: its own days, except a day period
("2026-11-17", a snapshot "tính đến hết ngày") which runs from 1 January of its year to that day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from chiso766 import store_dossiers as SD
from chiso766.compute import dossier_indicators as DI
from chiso766.compute.periods import DAY, Period, PeriodError, parse_period
from chiso766.compute.reconcile import COLUMNS as RECONCILE_COLUMNS
from chiso766.compute.reconcile import reconcile
from chiso766.compute.units import PROVINCE
from chiso766.engines.backends import (
    Engine,
    duckdb_engine,
    duckdb_on,
    prepare_duckdb,
    spark_engine,
)
from chiso766.engines.expressions import (
    DEFAULT_RULES,
    Rules,
    Window,
    decision_counts,
    decision_rows,
    dossier_costs,
    dossier_counts,
)
from chiso766.engines.sql_cache import DuckQueries
from chiso766.ingest.calendar import calendar_for
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.masking import mask_personal
from chiso766.methodology import load_catalogue, version_for_date
from chiso766.store import IngestResult, Source, Store

SOURCE_KIND = "dossiers"
NO_PROVINCE = ("province:toan-tinh", "Toàn tỉnh")


def window_for(period: Period | str) -> Window:
    """The dossiers a period covers: received from its first to its last day; a day period
    from 1 January of its year to that day (the portal's "tính đến hết ngày …")."""
    p = parse_period(period) if isinstance(period, str) else period
    if p.kind == DAY:
        return Window(p.key, dt.date(p.end.year, 1, 1), p.end)
    return Window(p.key, p.start, p.end)


def province_of(store: Store) -> tuple[str, str]:
    """(unit_id, name) of the store's province, else a generic "Toàn tỉnh"."""
    units = store.units()
    prov = units[units["level"] == PROVINCE]
    if len(prov) == 1:
        return prov["unit_id"].iloc[0], prov["name"].iloc[0]
    return NO_PROVINCE


@contextlib.contextmanager
def open_engine(
    store: Store, engine: str = "duckdb", calendar: pd.DataFrame | None = None, **opts
) -> Iterator[Engine]:
    """An engine over the store's dossier tables: DuckDB reads them in place; Spark reads a
    Parquet copy written to a temporary folder for the engine's lifetime."""
    if calendar is None:
        calendar = calendar_frame(store)
    if engine == "duckdb":
        yield duckdb_engine(store.con, calendar=calendar, threads=opts.get("threads"))
    elif engine == "spark":
        with tempfile.TemporaryDirectory(prefix="chiso766-spark-") as tmp:
            paths = SD.export_parquet(store, tmp)
            yield spark_engine(calendar=calendar, parquet=paths, master=opts.get("master"))
    else:
        raise ValueError(f"unknown engine '{engine}' (duckdb or spark)")


def calendar_frame(store: Store, extra: tuple[dt.date, ...] = ()) -> pd.DataFrame:
    """The working-day calendar covering every date of the store's records (and ``extra``)."""
    span = SD.date_span(store)
    days = [*(span or ()), *extra]
    return calendar_for(days).frame()


@dataclass(frozen=True)
class DossierResult:
    """A period computed from the records: indicator table, costs (unmasked), decisions."""

    window: Window
    table: pd.DataFrame
    costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    engine: str = "duckdb"
    #: (unit_id, indicator, n, open) when ``costs`` holds only each list's first rows: the whole
    #: list's length and how many of its dossiers are still in progress
    cost_totals: pd.DataFrame | None = None

    @property
    def empty(self) -> bool:
        return self.table.empty or not (self.table["denominator"] > 0).any()


def compute(
    store: Store,
    period: Period | str,
    engine: str = "duckdb",
    *,
    rules: Rules = DEFAULT_RULES,
    with_costs: bool = True,
    keep: int | None = None,
    **opts,
) -> DossierResult:
    """Compute the dossier indicators (and what costs points) of ``period``'s window; with
    ``keep``, only the first ``keep`` rows of each unit's list per indicator (and the lists'
    lengths in ``cost_totals``)."""
    window = window_for(period)
    if not SD.has_tables(store):
        return DossierResult(window, pd.DataFrame(columns=DI.TABLE_COLUMNS), engine=engine)
    cal = calendar_frame(store, (window.start, window.end))
    if engine == "duckdb":
        return compute_with(
            duck_queries(store, cal, threads=opts.get("threads")),
            store,
            window,
            rules=rules,
            with_costs=with_costs,
            keep=keep,
        )
    with open_engine(store, engine, cal, **opts) as eng:
        return compute_with(eng, store, window, rules=rules, with_costs=with_costs, keep=keep)


def duck_queries(store: Store, calendar: pd.DataFrame, threads: int | None = None) -> DuckQueries:
    """DuckDB over the store's dossier tables, its compiled queries kept on disk
    (:mod:`chiso766.engines.sql_cache`): a process whose queries are all in the cache never
    compiles, nor loads Ibis's DuckDB backend."""
    cur = store.con.cursor()
    if threads:
        cur.execute(f"SET threads = {int(threads)}")
    names = prepare_duckdb(cur, calendar=calendar, store=True)
    return DuckQueries(cur, names, lambda: duckdb_on(cur, names))


_CACHE: dict[tuple, DossierResult] = {}
_CACHE_SIZE = 4


def compute_cached(store: Store, period: Period | str, keep: int | None = None) -> DossierResult:
    """:func:`compute` (DuckDB, with costs), remembered per store, window, loaded files and
    ``keep`` — a batch of unit scorecards computes the province's records once."""
    window = window_for(period)
    key = (str(Path(store.path).resolve()), window.key, SD.fingerprint(store), keep)
    if key not in _CACHE:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = compute(store, period, keep=keep)
    return _CACHE[key]


def compute_with(
    eng: Engine | DuckQueries,
    store: Store,
    window: Window,
    *,
    rules: Rules = DEFAULT_RULES,
    with_costs: bool = True,
    keep: int | None = None,
) -> DossierResult:
    """As :func:`compute`, with an engine already open (or DuckDB queries through the SQL
    cache)."""
    run = _runner(eng, window)

    def tables():
        e = eng.engine() if isinstance(eng, DuckQueries) else eng
        return tuple(e.table(k) for k in (DOSSIERS, PROCEDURES, DECISIONS, "calendar"))

    def counts_of(w, _skip):
        d, p, _dec, cal = tables()
        return dossier_counts(d, p, cal, w)

    def decisions_of(w, _skip):
        return decision_counts(tables()[2], tables()[3], w, rules)

    def costs_of(w, skip):
        d, p, _dec, cal = tables()
        return dossier_costs(d, p, cal, w, skip, keep=keep)

    def decision_rows_of(w, _skip):
        return decision_rows(tables()[2], tables()[3], w, rules)

    counts = run("dossier_counts", counts_of)
    dcounts = run("decision_counts", decisions_of, rules=rules)
    units = _units(store)
    table = DI.indicator_table(counts, dcounts, units, province_of(store))
    name = "duckdb" if isinstance(eng, DuckQueries) else eng.name
    if not with_costs:
        return DossierResult(window, table, engine=name)
    catalogue = load_catalogue(version_for_date(window.end))
    skip = sorted(DI.target_met(table, catalogue))
    raw = run("dossier_costs", costs_of, skip, keep=keep)
    totals = None
    if keep is not None:
        totals = (
            raw[["unit_id", "indicator", "total", "open"]]
            .drop_duplicates(["unit_id", "indicator"])
            .rename(columns={"total": "n"})
            .astype({"n": "int64", "open": "int64"})
            .reset_index(drop=True)
        )
        raw = raw.drop(columns=["total", "open"])
    costs = DI.finish_costs(raw, table, SD.read_table(store, PROCEDURES))
    drows = run("decision_rows", decision_rows_of, rules=rules)
    drows = drows.rename(columns={"dd": "_dd"})
    decisions = DI.decision_costs(drows)
    return DossierResult(window, table, costs, decisions, name, totals)


def _runner(eng: Engine | DuckQueries, window: Window):
    """``run(name, build, skip=(), **constants)`` → the frame of ``build(window, skip)``."""

    def run(name: str, build, skip=(), **constants) -> pd.DataFrame:
        if isinstance(eng, DuckQueries):
            return eng.run(name, build, window, skip, **constants)
        return eng.execute(build(window, skip))

    return run


def _units(store: Store) -> pd.DataFrame:
    """Units the records name: (unit_id, unit, level)."""
    a = store.con.execute("SELECT DISTINCT unit_id, unit, level FROM dossier_records").df()
    b = store.con.execute(
        "SELECT DISTINCT unit_id, advising_unit AS unit, level FROM dossier_decisions"
    ).df()
    return pd.concat([a, b], ignore_index=True).drop_duplicates("unit_id")


# ---- outputs ----------------------------------------------------------------------------------


def masked_costs(
    result: DossierResult,
    unit_id: str | None = None,
    indicator: str | None = None,
    limit: int | None = None,
    worst_first: bool = False,
) -> pd.DataFrame:
    """What costs points, masked: dossiers and decisions together, filtered by unit/indicator;
    with ``limit``, the first rows of each indicator only (masked after the cut); with
    ``worst_first``, each indicator's dossiers most days over first across units (a province's
    list), else unit by unit."""

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        if len(frame) and unit_id:
            frame = frame[frame["unit_id"] == unit_id]
        if len(frame) and indicator:
            frame = frame[frame["indicator"] == indicator]
        return frame

    costs, decisions = pick(result.costs), pick(result.decisions)
    if worst_first and len(costs):
        costs = costs.sort_values(
            ["indicator", "days", "unit_id", "dossier_id"],
            ascending=[True, False, True, True],
            na_position="last",
            kind="stable",
        )
    if limit is not None and len(costs):
        costs = costs.groupby("indicator", sort=False).head(limit)
    parts = [mask_personal(costs)] if len(costs) else []
    if len(decisions):
        parts.append(decisions.rename(columns={"advising_unit": "unit"}))
    if not parts:
        return pd.DataFrame(columns=DI.COSTS_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def save_measures(store: Store, result: DossierResult) -> tuple[IngestResult | None, int]:
    """Store the period's indicators as a source of kind "dossiers" so they feed scoring,
    comparison and reports. Values another source already gives for the same snapshot, unit
    and indicator (the portal's, an analyst's table) are kept, not replaced: returns the
    ingest result (None if nothing was left to store) and how many values were kept."""
    catalogue = load_catalogue(version_for_date(result.window.end))
    frame = DI.to_measures(result.table, result.window.key, catalogue)
    if frame.empty:
        return None, 0
    taken = store.con.execute(
        "SELECT m.unit_id, m.code FROM measures m JOIN sources s USING (source_id) "
        "WHERE m.snapshot = ? AND m.scope = 'indicator' AND m.kind = 'rate' AND s.kind <> ?",
        [result.window.key, SOURCE_KIND],
    ).fetchall()
    taken_set = set(taken)
    keep = [(u, c) not in taken_set for u, c in zip(frame["unit_id"], frame["code"], strict=True)]
    frame = frame[keep].reset_index(drop=True)
    if frame.empty:
        return None, len(taken_set)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(frame, index=False).values.tobytes()
    ).hexdigest()
    res = store.ingest(
        frame,
        Source(
            f"dossiers:{result.window.key}",
            digest,
            SOURCE_KIND,
            catalogue.version,
            {"window": [result.window.start.isoformat(), result.window.end.isoformat()]},
        ),
    )
    return res, len(keep) - sum(keep)


def portal_snapshot(store: Store, period: Period | str) -> str | None:
    """The stored snapshot (of a source other than the dossiers) a period's report uses."""
    from chiso766.report.selection import current_snapshot

    p = parse_period(period) if isinstance(period, str) else period
    snaps = store.con.execute(
        "SELECT DISTINCT m.snapshot FROM measures m JOIN sources s USING (source_id) "
        "WHERE s.kind <> ? AND m.scope = 'indicator'",
        [SOURCE_KIND],
    ).df()
    if snaps.empty:
        return None
    return current_snapshot(snaps, p)


def reconciliation(
    store: Store, result: DossierResult, snapshot: str | None, **tolerances
) -> pd.DataFrame:
    """Own counts beside the portal's snapshot (same window), flagged above the tolerance."""
    if snapshot is None:
        return pd.DataFrame(columns=RECONCILE_COLUMNS)
    measures = store.measures([snapshot], scopes=["indicator"])
    src = store.sources()[["source_id", "kind"]]
    measures = measures.merge(src, on="source_id", how="left")
    measures = measures[measures["kind_y"] != SOURCE_KIND].rename(columns={"kind_x": "kind"})
    return reconcile(result.table, measures, **tolerances)


_RECONCILED: dict[tuple, tuple[DossierResult, pd.DataFrame]] = {}


def reconciliation_cached(
    store: Store, result: DossierResult, snapshot: str | None
) -> pd.DataFrame:
    """:func:`reconciliation` remembered per store, result, snapshot and the store's sources
    (a new ingest is a new key) — a batch of scorecards reconciles the province once."""
    (sources,) = store.con.execute("SELECT count(*) FROM sources").fetchone()
    key = (str(Path(store.path).resolve()), id(result), snapshot, sources)
    if key not in _RECONCILED:
        while len(_RECONCILED) >= _CACHE_SIZE:
            _RECONCILED.pop(next(iter(_RECONCILED)))
        # the result is kept with its frame: its id stays its own while the entry lives
        _RECONCILED[key] = (result, reconciliation(store, result, snapshot))
    return _RECONCILED[key][1]


def resolve_period(store: Store, period: str) -> tuple[Period, str | None]:
    """The period asked and the portal snapshot matching it (whose window the dossiers are
    computed over, so the two compare); PeriodError for a bad period."""
    p = parse_period(period)
    snap = portal_snapshot(store, p)
    return p, snap


__all__ = [
    "DossierResult",
    "PeriodError",
    "compute",
    "compute_with",
    "masked_costs",
    "open_engine",
    "portal_snapshot",
    "reconciliation",
    "reconciliation_cached",
    "save_measures",
    "window_for",
]

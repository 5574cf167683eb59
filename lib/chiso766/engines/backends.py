"""Where the expressions of :mod:`chiso766.engines.expressions` run: DuckDB or Spark.

An :class:`Engine` hands out Ibis tables for the dossier records, procedures, decisions and
the working-day calendar, and executes expressions into pandas frames. DuckDB reads the store
(through a cursor of its connection, so Ibis's session settings do not leak into the store) or
Parquet files; Spark (``pyspark``, local mode by default, a cluster URL in production) reads
Parquet. Both sessions run in UTC over naive local timestamps, so no value shifts.

The store keeps each dossier's working-day ordinals (:data:`chiso766.store_dossiers.
WORKDAY_COLUMNS`) and its days and codes (:data:`chiso766.engines.expressions.STORED`); DuckDB
over the store hands them to the expressions only while they were computed with the calendar
given and the codes in use (:func:`chiso766.store_dossiers.workdays_valid`), else the dossiers
without them, and the expressions work them out. Over Parquet files or frames, those columns
are always left out: nothing says which calendar they came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from chiso766.engines.expressions import ORDINALS, STORED
from chiso766.i18n import _
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES

ENGINES = ("duckdb", "spark")
TABLE_NAMES = {
    DOSSIERS: "dossier_records",
    PROCEDURES: "dossier_procedures",
    DECISIONS: "dossier_decisions",
    "calendar": "workday_calendar",
}


class EngineError(RuntimeError):
    """An engine that cannot start (no Java for Spark, …)."""


# the working-day ordinals a store keeps with its dossiers; all the columns it derives
ORDINAL_COLUMNS = tuple(ORDINALS)
STORED_COLUMNS = STORED


@dataclass
class Engine:
    """An Ibis backend with the four input tables registered (under ``names``)."""

    name: str
    backend: ibis.BaseBackend
    names: dict[str, str] = field(default_factory=lambda: dict(TABLE_NAMES))

    def table(self, kind: str) -> ir.Table:
        return self.backend.table(self.names[kind])

    @property
    def stored_ordinals(self) -> bool:
        """Whether the dossiers come with working-day ordinals (else they are looked up)."""
        return set(ORDINAL_COLUMNS) <= set(self.table(DOSSIERS).columns)

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        if self.name == "duckdb" and isinstance(expr, ir.Table):
            # Ibis's own execute (its relation, then its conversion), one column at a time:
            # less memory at once for a list of a million dossiers
            from chiso766.engines.sql_cache import to_frame

            table = self.backend._to_duckdb_relation(expr).to_arrow_table()
            return to_frame(table, {str(k): str(v) for k, v in expr.schema().items()})
        out = self.backend.execute(expr)
        return out if isinstance(out, pd.DataFrame) else pd.DataFrame(out)

    def memtable(self, frame: pd.DataFrame, name: str) -> ir.Table:
        """A small frame as a table of this engine (window lists and the like)."""
        if self.name == "spark":
            session = self.backend._session
            session.createDataFrame(frame).createOrReplaceTempView(name)
        else:
            _small_table(self.backend.con, name, frame)
        return self.backend.table(name)


def duckdb_engine(
    con=None,
    *,
    calendar: pd.DataFrame,
    parquet: dict[str, Path] | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
    threads: int | None = None,
) -> Engine:
    """DuckDB over a connection (the store's: tables ``dossier_records`` … are read as they
    are, the dossiers' working-day ordinals only if valid for ``calendar``), or in memory over
    Parquet files / frames given per kind."""
    import duckdb

    base = con if con is not None else duckdb.connect()
    cur = base.cursor()
    if threads:
        cur.execute(f"SET threads = {int(threads)}")
    names = prepare_duckdb(cur, calendar=calendar, parquet=parquet, frames=frames,
                           store=con is not None)  # fmt: skip
    return duckdb_on(cur, names)


def duckdb_on(cur, names: dict[str, str]) -> Engine:
    """The Ibis engine over a cursor :func:`prepare_duckdb` prepared."""
    return Engine("duckdb", ibis.duckdb.from_connection(cur), names)


def prepare_duckdb(
    cur,
    *,
    calendar: pd.DataFrame,
    parquet: dict[str, Path] | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
    store: bool = True,
) -> dict[str, str]:
    """Register the inputs on a DuckDB cursor, without Ibis: Parquet files and frames given per
    kind, the calendar as a temporary table; over a ``store``, the dossiers' ordinals are kept
    only if valid for ``calendar``. Returns the relation each kind is read from."""
    names = dict(TABLE_NAMES)
    for kind, path in (parquet or {}).items():
        cur.execute(
            f"CREATE OR REPLACE TEMP VIEW {TABLE_NAMES[kind]} AS "
            f"SELECT * FROM read_parquet('{Path(path).as_posix()}')"
        )
    for kind, frame in (frames or {}).items():
        cur.register(TABLE_NAMES[kind], frame)
    _small_table(cur, TABLE_NAMES["calendar"], calendar)
    given = DOSSIERS in (parquet or {}) or DOSSIERS in (frames or {})
    if given or (store and not _valid_ordinals(cur, calendar)):
        names[DOSSIERS] = _without_ordinals(cur, TABLE_NAMES[DOSSIERS])
    return names


def _small_table(cur, name: str, frame: pd.DataFrame) -> None:
    """A small frame (calendar, windows) copied into a temporary table of the connection:
    DuckDB then knows its columns' ranges and joins on them faster than on a frame's view."""
    cur.register(f"{name}_frame", frame)
    try:
        cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")
    finally:
        cur.unregister(f"{name}_frame")


def _valid_ordinals(cur, calendar: pd.DataFrame) -> bool:
    import duckdb

    from chiso766.store_dossiers import workdays_valid

    try:
        return workdays_valid(cur, calendar)
    except duckdb.CatalogException:  # a connection without the dossier tables
        return False


def _without_ordinals(cur, name: str) -> str:
    """The dossiers' relation ``name``, or a view of it without the derived columns."""
    import duckdb

    try:
        cols = {r[0] for r in cur.execute(f"DESCRIBE {name}").fetchall()}
    except duckdb.CatalogException:
        return name
    drop = [c for c in STORED_COLUMNS if c in cols]
    if not drop:
        return name
    view = f"{name}_looked_up"
    cur.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * EXCLUDE ({', '.join(drop)}) FROM {name}"
    )
    return view


_SPARK = None


def spark_session(master: str | None = None):
    """The process's Spark session (started once; local[2] unless ``master`` or
    $CHISO766_SPARK_MASTER names a cluster)."""
    global _SPARK
    if _SPARK is not None:
        return _SPARK
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - pyspark is a dev/extra dependency
        raise EngineError(
            _("Spark is not installed: install pyspark (pip install 'chiso766[spark]')")
        ) from None
    import shutil

    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        raise EngineError(
            _(
                "Spark needs Java 17 or later: install Java (make setup installs "
                "default-jre-headless)"
            )
        )
    master = master or os.environ.get("CHISO766_SPARK_MASTER") or "local[2]"
    builder = (
        SparkSession.builder.master(master)
        .appName("chiso766")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", os.environ.get("CHISO766_SPARK_MEMORY", "1g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    _SPARK = builder.getOrCreate()
    _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


def spark_engine(
    *,
    calendar: pd.DataFrame,
    parquet: dict[str, Path],
    master: str | None = None,
) -> Engine:
    """Spark over Parquet files (one per kind); the calendar is a small broadcast table."""
    import warnings

    session = spark_session(master)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        backend = ibis.pyspark.connect(session)
    for kind, path in parquet.items():
        frame = session.read.parquet(str(path))
        if kind == DOSSIERS:  # no ordinals from files: the expressions look the days up
            frame = frame.drop(*STORED_COLUMNS)
        frame.createOrReplaceTempView(TABLE_NAMES[kind])
    cal = session.createDataFrame(calendar)
    cal.createOrReplaceTempView(TABLE_NAMES["calendar"])
    return Engine("spark", backend)

"""The provincial system's records in the store: dossiers, procedures, publication decisions.

Kept in tables of their own beside the store's measures (:class:`chiso766.store.Store` is
used only through its DuckDB connection). Loads are atomic — every file of a batch or none —
and a file already loaded (same SHA-256) changes nothing. A record loaded again (same dossier
code, procedure code, or decision pair) replaces the earlier one: a newer export wins.
Personal data is kept here unmasked, and only here.

Each dossier also keeps the working-day ordinals of its receipt, appointment, end and
supplement-request days (:data:`WORKDAY_COLUMNS`), computed when records are loaded
(:func:`refresh_workdays`) with the calendar covering the records, whose stamp is kept in
``dossier_workdays``. The engines use them only while the calendar in use agrees with that
stamp (:func:`workdays_valid`); otherwise — a holiday file changed, an older store, records
written by other means — they look the days up in the calendar again, and the next load
recomputes them. Computed with them, valid with them: each dossier's days and the codes of its
channel, status, rating and unit (:data:`DERIVED_COLUMNS`; units numbered in
``dossier_units``), which spare the queries casts, string comparisons and a group-by on names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from chiso766.compute.workdays import CalendarError
from chiso766.engines.expressions import CODES
from chiso766.ingest.dossier_inputs import ExportRead
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.store import Store, now_local

TABLES = {
    DOSSIERS: "dossier_records",
    PROCEDURES: "dossier_procedures",
    DECISIONS: "dossier_decisions",
}
KEYS = {
    DOSSIERS: ("dossier_id",),
    PROCEDURES: ("procedure_code",),
    DECISIONS: ("ministry_decision", "decision_key"),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS dossier_files (
    file_id VARCHAR PRIMARY KEY, path VARCHAR, sha256 VARCHAR UNIQUE, kind VARCHAR,
    ingested_at TIMESTAMP, n_rows INTEGER);
CREATE TABLE IF NOT EXISTS dossier_records (
    dossier_id VARCHAR, procedure_code VARCHAR, unit_id VARCHAR, unit VARCHAR,
    level VARCHAR, channel VARCHAR, received_at TIMESTAMP, due_at TIMESTAMP,
    finished_at TIMESTAMP, returned_at TIMESTAMP, status VARCHAR, supplement_requests INTEGER,
    supplement_requested_at TIMESTAMP, citizen_days INTEGER, e_result BOOLEAN,
    digitised BOOLEAN, reused BOOLEAN, fee BOOLEAN, paid_online BOOLEAN, synced BOOLEAN,
    rating VARCHAR, applicant_name VARCHAR, phone VARCHAR, id_number VARCHAR, file_id VARCHAR,
    r_upto INTEGER, due_before INTEGER, end_upto INTEGER, req_upto INTEGER);
CREATE TABLE IF NOT EXISTS dossier_workdays (
    first_day DATE, last_day DATE, digest VARCHAR, computed_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS dossier_units (unit_code INTEGER, unit_id VARCHAR);
CREATE TABLE IF NOT EXISTS dossier_procedures (
    procedure_code VARCHAR PRIMARY KEY, procedure_name VARCHAR, level VARCHAR,
    legal_days INTEGER, online_level VARCHAR, has_fee BOOLEAN, paper_result BOOLEAN,
    file_id VARCHAR);
CREATE TABLE IF NOT EXISTS dossier_decisions (
    ministry_decision VARCHAR, decision_key VARCHAR, ministry_decision_date DATE,
    effective_date DATE, decision_number VARCHAR, decision_date DATE, published_at DATE,
    unit_id VARCHAR, advising_unit VARCHAR, level VARCHAR, procedures VARCHAR, file_id VARCHAR,
    PRIMARY KEY (ministry_decision, decision_key));
"""

COLUMNS = {
    DOSSIERS: (
        "dossier_id procedure_code unit_id unit level channel received_at due_at finished_at "
        "returned_at status supplement_requests supplement_requested_at citizen_days e_result "
        "digitised reused fee paid_online synced rating applicant_name phone id_number"
    ).split(),
    PROCEDURES: (
        "procedure_code procedure_name level legal_days online_level has_fee paper_result"
    ).split(),
    DECISIONS: (
        "ministry_decision decision_key ministry_decision_date effective_date decision_number "
        "decision_date published_at unit_id advising_unit level procedures"
    ).split(),
}


# working-day ordinals kept with each dossier (the names :data:`chiso766.engines.expressions.
# ORDINALS` gives them): column → (its day, counted up to the day (else strictly before it))
WORKDAY_COLUMNS = {
    "r_upto": ("CAST(received_at AS DATE)", True),
    "due_before": ("CAST(due_at AS DATE)", False),
    "end_upto": ("CAST(least(finished_at, returned_at) AS DATE)", True),  # the earliest
    "req_upto": ("CAST(supplement_requested_at AS DATE)", True),
}


def _code(field: str) -> str:
    """SQL of a field's code (:data:`chiso766.engines.expressions.CODES`)."""
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(CODES[field], 1))
    return f"CASE WHEN {field} IS NULL THEN NULL ELSE CASE {field} {whens} ELSE 0 END END"


# what else a dossier's fields give, computed with the ordinals: column → (type, SQL)
DERIVED_COLUMNS = {
    "r_day": ("DATE", "CAST(received_at AS DATE)"),
    "due_day": ("DATE", "CAST(due_at AS DATE)"),
    "end_day": ("DATE", "CAST(least(finished_at, returned_at) AS DATE)"),
    "req_day": ("DATE", "CAST(supplement_requested_at AS DATE)"),
    **{f"{f}_code": ("TINYINT", _code(f)) for f in CODES},
    "unit_code": ("INTEGER", "u.unit_code"),  # from dossier_units
}
#: what the derived columns depend on besides the calendar (kept with its stamp)
LAYOUT = hashlib.sha256(repr(sorted(DERIVED_COLUMNS.items())).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Loaded:
    """What one file did to the store."""

    path: str
    kind: str
    status: str  # "ingested" or "unchanged"
    rows: int


def ensure_schema(store: Store) -> None:
    """Create the dossier tables if the store does not have them yet."""
    ensure_schema_con(store.con)


def ensure_schema_con(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)
    # stores made before the ordinals (then the days and codes) were kept: add the columns
    # (empty until computed) and the layout of the stamp
    added = dict.fromkeys(WORKDAY_COLUMNS, "INTEGER")
    added |= {c: kind for c, (kind, _) in DERIVED_COLUMNS.items()}
    have = {r[0] for r in con.execute("DESCRIBE dossier_records").fetchall()}
    for col, kind in added.items():
        if col not in have:
            con.execute(f"ALTER TABLE dossier_records ADD COLUMN {col} {kind}")
    if "layout" not in {r[0] for r in con.execute("DESCRIBE dossier_workdays").fetchall()}:
        con.execute("ALTER TABLE dossier_workdays ADD COLUMN layout VARCHAR")


def has_tables(store: Store) -> bool:
    try:
        store.con.execute("SELECT 1 FROM dossier_records LIMIT 0")
    except duckdb.CatalogException:
        return False
    return True


def _frame_for(read: ExportRead) -> pd.DataFrame:
    frame = read.frame.copy()
    if read.kind == DECISIONS:
        frame["decision_key"] = frame["decision_number"].fillna("")
    return frame[COLUMNS[read.kind]]


def save(store: Store, reads: Sequence[ExportRead], hashes: Sequence[str]) -> list[Loaded]:
    """Store validated exports in one transaction (all or nothing); a file whose SHA-256 is
    already loaded is skipped."""
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        out = write_all(con, reads, hashes)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return out


def write_all(
    con: duckdb.DuckDBPyConnection, reads: Sequence[ExportRead], hashes: Sequence[str]
) -> list[Loaded]:
    """Write validated exports inside the caller's transaction (``chiso766 ingest`` stores
    them with the analyst tables and portal folders of the same call, all or nothing)."""
    ensure_schema_con(con)
    known = [_known(con, sha) for sha in hashes]
    calendar = _insert_calendar(con, [r for r, k in zip(reads, known, strict=True) if not k])
    out: list[Loaded] = []
    for read, sha in zip(reads, hashes, strict=True):
        if _known(con, sha):  # loaded before, or earlier in this call
            out.append(Loaded(read.path, read.kind, "unchanged", 0))
            continue
        file_id = sha[:16]
        con.execute(
            "INSERT INTO dossier_files VALUES (?, ?, ?, ?, ?, ?)",
            [file_id, read.path, sha, read.kind, now_local(), len(read.frame)],
        )
        frame = _frame_for(read).assign(file_id=file_id)
        _upsert(con, read.kind, frame, calendar if read.kind == DOSSIERS else None)
        out.append(Loaded(read.path, read.kind, "ingested", len(read.frame)))
    if calendar is not None:
        write_stamp(con, calendar)
    try:  # records still without ordinals; all of them if the calendar changed
        refresh_workdays(con)
    except CalendarError:  # no calendar for some year: the engines look the days up instead
        pass
    return out


def _known(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    return bool(con.execute("SELECT 1 FROM dossier_files WHERE sha256 = ?", [sha]).fetchall())


def _insert_calendar(
    con: duckdb.DuckDBPyConnection, reads: Sequence[ExportRead]
) -> pd.DataFrame | None:
    """The calendar with which new dossiers get their derived columns as they are inserted:
    the one covering the stored and the new records' dates, when the stored records' columns
    were computed with a calendar that agrees with it (or there are none); else None — the
    columns are then computed for every record after the load (:func:`refresh_workdays`)."""
    if not any(r.kind == DOSSIERS for r in reads):
        return None
    from chiso766.ingest.calendar import calendar_for

    days: list[dt.date] = list(_date_span(con) or ())
    for read in reads:
        for col in _DATE_COLUMNS[read.kind]:
            values = pd.to_datetime(read.frame[col]).dropna()
            if len(values):
                days += [values.min().date(), values.max().date()]
    try:
        calendar = calendar_for(days).frame()
    except CalendarError:
        return None
    stamp = _stamp(con)
    if stamp is not None and _agrees(calendar, stamp):
        return calendar
    empty = con.execute("SELECT count(*) FROM dossier_records").fetchall()[0][0] == 0
    return calendar if empty else None


#: the dates a record mentions (what the calendar must cover)
_DATE_COLUMNS = {
    DOSSIERS: ("received_at", "due_at", "finished_at", "returned_at", "supplement_requested_at"),
    PROCEDURES: (),
    DECISIONS: ("effective_date", "decision_date", "published_at"),
}


def _upsert(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    frame: pd.DataFrame,
    calendar: pd.DataFrame | None = None,
) -> None:
    """Replace the records with the frame's keys by the frame's rows (dossiers with their
    derived columns when a ``calendar`` is given)."""
    table = TABLES[kind]
    keys = KEYS[kind]
    con.register("incoming_dossier_rows", frame)
    try:
        on = " AND ".join(f"t.{k} = i.{k}" for k in keys)
        con.execute(f"DELETE FROM {table} t USING incoming_dossier_rows i WHERE {on}")
        if calendar is not None:
            insert_dossiers(con, "incoming_dossier_rows", calendar, extra=("file_id",))
        else:
            cols = ", ".join([*COLUMNS[kind], "file_id"])
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_dossier_rows")
    finally:
        con.unregister("incoming_dossier_rows")


def insert_dossiers(
    con: duckdb.DuckDBPyConnection,
    source: str,
    calendar: pd.DataFrame,
    *,
    extra: Sequence[str] = (),
) -> None:
    """Insert the dossiers of ``source`` (a table, view or ``read_parquet(…)``, with the
    columns of :data:`COLUMNS` and ``extra``) with their ordinals, days and codes computed
    by ``calendar`` in the same statement — no later UPDATE (which DuckDB runs on one
    thread). The caller keeps the stamp (:func:`write_stamp`)."""
    _number_units(con, f"SELECT DISTINCT unit_id FROM {source}")
    derived = _derived(calendar)
    cols = [*COLUMNS[DOSSIERS], *extra]
    con.execute(
        f"INSERT INTO dossier_records ({', '.join([*cols, *derived])}) "
        f"SELECT {', '.join(f'i.{c}' for c in cols)}, {', '.join(derived.values())} "
        f"FROM {source} i LEFT JOIN dossier_units u ON u.unit_id IS NOT DISTINCT FROM i.unit_id"
    )


# ---- working-day ordinals ----------------------------------------------------------------------


def calendar_stamp(calendar: pd.DataFrame) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, digest of which days are worked) of a calendar frame
    (:meth:`chiso766.compute.workdays.Calendar.frame`): the ordinals depend on nothing else."""
    days = pd.to_datetime(calendar["day"]).dt.date
    flags = "".join("1" if w else "0" for w in calendar["is_workday"])
    return days.iloc[0], days.iloc[-1], hashlib.sha256(flags.encode()).hexdigest()


def _agrees(calendar: pd.DataFrame, stamp: tuple[dt.date, dt.date, str]) -> bool:
    """Whether ``calendar`` gives the ordinals the stamped one gave, up to its last day (it
    may go on further: a later year appended changes no earlier ordinal)."""
    first, last, digest = stamp
    days = pd.to_datetime(calendar["day"]).dt.date
    if len(days) == 0 or days.iloc[0] != first or days.iloc[-1] < last:
        return False
    n = (last - first).days + 1
    return calendar_stamp(calendar.iloc[:n])[2] == digest


def _stamp(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date, str] | None:
    """The calendar stamp of the derived columns, if they have the current layout."""
    cols = {r[0] for r in con.execute("DESCRIBE dossier_workdays").fetchall()}
    if "layout" not in cols:  # a store older than the days and codes
        return None
    rows = con.execute(
        "SELECT first_day, last_day, digest FROM dossier_workdays WHERE layout = ?", [LAYOUT]
    ).fetchall()
    return tuple(rows[0]) if len(rows) == 1 else None


def has_workday_columns(con: duckdb.DuckDBPyConnection) -> bool:
    cols = {r[0] for r in con.execute("DESCRIBE dossier_records").fetchall()}
    return set(WORKDAY_COLUMNS) | set(DERIVED_COLUMNS) <= cols


def workdays_valid(con: duckdb.DuckDBPyConnection, calendar: pd.DataFrame) -> bool:
    """Whether the stored ordinals are those ``calendar`` gives, for every dossier: the
    columns are there, were computed with a calendar that agrees with it, and no record was
    written without them."""
    try:
        if not has_workday_columns(con):
            return False
        stamp = _stamp(con)
    except duckdb.CatalogException:
        return False
    if stamp is None or not _agrees(calendar, stamp):
        return False
    missing = con.execute("SELECT count(*) FROM dossier_records WHERE r_upto IS NULL").fetchall()
    return missing[0][0] == 0


def refresh_workdays(con: duckdb.DuckDBPyConnection, calendar: pd.DataFrame | None = None) -> str:
    """Compute the dossiers' working-day ordinals with ``calendar`` (default: the calendar
    covering every date of the records): only for records without them while the calendar
    agrees with the one they were computed with, else for all. Returns "unchanged", "added"
    or "recomputed"."""
    ensure_schema_con(con)
    if calendar is None:
        from chiso766.ingest.calendar import calendar_for

        calendar = calendar_for(_date_span(con) or ()).frame()
    stamp = _stamp(con)
    full = stamp is None or not _agrees(calendar, stamp)
    if not full:
        todo = con.execute("SELECT count(*) FROM dossier_records WHERE r_upto IS NULL")
        if todo.fetchall()[0][0] == 0:
            return "unchanged"
    where = "" if full else " AND r_upto IS NULL"
    _number_units(con, f"SELECT DISTINCT unit_id FROM dossier_records WHERE true{where}")
    sets = ", ".join(f"{col} = {sql}" for col, sql in _derived(calendar).items())
    con.execute(
        f"UPDATE dossier_records SET {sets} FROM dossier_units u "
        f"WHERE u.unit_id IS NOT DISTINCT FROM dossier_records.unit_id{where}"
    )
    write_stamp(con, calendar)
    return "recomputed" if full else "added"


def _derived(calendar: pd.DataFrame) -> dict[str, str]:
    """Column → SQL of a dossier's ordinals (by ``calendar``), days and codes; the unit's
    code is read from ``dossier_units`` joined as ``u``."""
    first, last, _ = calendar_stamp(calendar)
    if len(calendar) != (last - first).days + 1:
        raise ValueError("a calendar frame has one row per day, without gaps")
    before = [int(v) for v in calendar["wd_before"]]
    upto = [int(b + w) for b, w in zip(calendar["wd_before"], calendar["is_workday"], strict=True)]

    def lookup(day: str, counted_upto: bool) -> str:
        # the ordinals as a list literal indexed by the day's offset (faster than a join with
        # the calendar, and an UPDATE runs on one thread)
        values = upto if counted_upto else before
        return (
            f"CASE WHEN {day} BETWEEN DATE '{first}' AND DATE '{last}' THEN "
            f"CAST({values} AS INTEGER[])[CAST({day} - DATE '{first}' AS INTEGER) + 1] END"
        )

    out = {col: lookup(*how) for col, how in WORKDAY_COLUMNS.items()}
    return out | {col: sql for col, (_, sql) in DERIVED_COLUMNS.items()}


def write_stamp(con: duckdb.DuckDBPyConnection, calendar: pd.DataFrame) -> None:
    """Keep which calendar (and layout) the stored derived columns were computed with."""
    first, last, digest = calendar_stamp(calendar)
    con.execute("DELETE FROM dossier_workdays")
    con.execute(
        "INSERT INTO dossier_workdays (first_day, last_day, digest, computed_at, layout) "
        "VALUES (?, ?, ?, ?, ?)",
        [first, last, digest, now_local(), LAYOUT],
    )


def _number_units(con: duckdb.DuckDBPyConnection, units: str) -> None:
    """Give the units that ``units`` (a query of one column, unit_id) lists and that have no
    number yet the next numbers (a unit keeps its number: stored codes stay right)."""
    con.execute(
        f"""INSERT INTO dossier_units
        SELECT (SELECT coalesce(max(unit_code), 0) FROM dossier_units)
               + row_number() OVER (ORDER BY unit_id), unit_id
        FROM ({units}) n
        WHERE NOT EXISTS (SELECT 1 FROM dossier_units u
                          WHERE u.unit_id IS NOT DISTINCT FROM n.unit_id)"""
    )


def counts(store: Store) -> dict[str, int]:
    """Rows per dossier table (0 for a store without them)."""
    if not has_tables(store):
        return dict.fromkeys(TABLES, 0)
    return {
        kind: store.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for kind, t in TABLES.items()
    }


def fingerprint(store: Store) -> tuple:
    """What changes whenever records are loaded (for caches of computed results)."""
    if not has_tables(store):
        return (0, None)
    return tuple(
        store.con.execute("SELECT count(*), max(ingested_at) FROM dossier_files").fetchall()[0]
    )


def date_span(store: Store) -> tuple[dt.date, dt.date] | None:
    """First and last day the records mention (receipt, due, end, request, decision dates)."""
    if not has_tables(store):
        return None
    return _date_span(store.con)


def _date_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date] | None:
    row = con.execute(
        """SELECT min(d), max(d) FROM (
             SELECT CAST(received_at AS DATE) d FROM dossier_records UNION ALL
             SELECT CAST(due_at AS DATE) FROM dossier_records UNION ALL
             SELECT CAST(finished_at AS DATE) FROM dossier_records UNION ALL
             SELECT CAST(returned_at AS DATE) FROM dossier_records UNION ALL
             SELECT CAST(supplement_requested_at AS DATE) FROM dossier_records UNION ALL
             SELECT effective_date FROM dossier_decisions UNION ALL
             SELECT decision_date FROM dossier_decisions UNION ALL
             SELECT published_at FROM dossier_decisions)"""
    ).fetchall()[0]
    return None if row[0] is None else (row[0], row[1])


def has_data_between(store: Store, start: dt.date, end: dt.date) -> bool:
    """Whether any dossier was received, or any decision dated, in [start, end]."""
    if not has_tables(store):
        return False
    n = store.con.execute(
        """SELECT (SELECT count(*) FROM dossier_records
                   WHERE CAST(received_at AS DATE) BETWEEN ? AND ?)
                + (SELECT count(*) FROM dossier_decisions
                   WHERE coalesce(decision_date, effective_date) BETWEEN ? AND ?)""",
        [start, end, start, end],
    ).fetchall()[0][0]
    return n > 0


def read_table(store: Store, kind: str) -> pd.DataFrame:
    """A whole dossier table as a frame (for exports and tests; engines read the tables): the
    records' columns and ``file_id``, not the working-day ordinals computed from them."""
    if not has_tables(store):
        return pd.DataFrame(columns=COLUMNS[kind])
    cols = ", ".join([*COLUMNS[kind], "file_id"])
    return store.con.execute(f"SELECT {cols} FROM {TABLES[kind]}").df()


def export_parquet(store: Store, folder, kinds: Sequence[str] = (DOSSIERS, PROCEDURES, DECISIONS)):
    """Write the dossier tables as Parquet files (timestamps in microseconds) into ``folder``;
    return {kind: path}. Used to hand the same records to Spark (without the working-day
    ordinals: an engine reading the files looks the days up in its calendar)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for kind in kinds:
        path = folder / f"{TABLES[kind]}.parquet"
        cols = ", ".join([*COLUMNS[kind], "file_id"])
        store.con.execute(f"COPY (SELECT {cols} FROM {TABLES[kind]}) TO '{path}' (FORMAT parquet)")
        out[kind] = path
    return out

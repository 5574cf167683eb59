"""The provincial system's records in the store: dossiers, procedures, publication decisions.

Kept in tables of their own beside the store's measures (:class:`chiso766.store.Store` is
used only through its DuckDB connection). Loads are atomic — every file of a batch or none —
and a file already loaded (same SHA-256) changes nothing. A record loaded again (same dossier
code, procedure code, or decision pair) replaces the earlier one: a newer export wins.
Personal data is kept here unmasked, and only here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

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
    rating VARCHAR, applicant_name VARCHAR, phone VARCHAR, id_number VARCHAR, file_id VARCHAR);
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
    out: list[Loaded] = []
    for read, sha in zip(reads, hashes, strict=True):
        known = con.execute("SELECT 1 FROM dossier_files WHERE sha256 = ?", [sha]).fetchall()
        if known:
            out.append(Loaded(read.path, read.kind, "unchanged", 0))
            continue
        file_id = sha[:16]
        con.execute(
            "INSERT INTO dossier_files VALUES (?, ?, ?, ?, ?, ?)",
            [file_id, read.path, sha, read.kind, now_local(), len(read.frame)],
        )
        _upsert(con, read.kind, _frame_for(read).assign(file_id=file_id))
        out.append(Loaded(read.path, read.kind, "ingested", len(read.frame)))
    return out


def _upsert(con: duckdb.DuckDBPyConnection, kind: str, frame: pd.DataFrame) -> None:
    table = TABLES[kind]
    keys = KEYS[kind]
    con.register("incoming_dossier_rows", frame)
    try:
        on = " AND ".join(f"t.{k} = i.{k}" for k in keys)
        con.execute(f"DELETE FROM {table} t USING incoming_dossier_rows i WHERE {on}")
        cols = ", ".join([*COLUMNS[kind], "file_id"])
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_dossier_rows")
    finally:
        con.unregister("incoming_dossier_rows")


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
    row = store.con.execute(
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
    """A whole dossier table as a frame (for exports and tests; engines read the tables)."""
    if not has_tables(store):
        return pd.DataFrame(columns=COLUMNS[kind])
    return store.con.execute(f"SELECT * FROM {TABLES[kind]}").df()


def export_parquet(store: Store, folder, kinds: Sequence[str] = (DOSSIERS, PROCEDURES, DECISIONS)):
    """Write the dossier tables as Parquet files (timestamps in microseconds) into ``folder``;
    return {kind: path}. Used to hand the same records to Spark."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for kind in kinds:
        path = folder / f"{TABLES[kind]}.parquet"
        store.con.execute(f"COPY {TABLES[kind]} TO '{path}' (FORMAT parquet)")
        out[kind] = path
    return out

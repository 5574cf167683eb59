"""The store's tables, and the check that a DuckDB file is a chiso766 store.

``measures`` holds the current value of every (snapshot, unit, scope, code, kind);
``measure_history`` every value a later load replaced, each with the source that brought it
and when (append-only): together, every value the store ever held
(:data:`chiso766.store.history.ALL_VALUES`). A store written before the history existed gets
it on its next write.
"""

from __future__ import annotations

import duckdb

from chiso766.compute import measures as M
from chiso766.i18n import N_, _

# the measures table: the frame's columns less the unit's name and level (kept in units)
MEASURE_COLUMNS: tuple[str, ...] = (
    *(c for c in M.COLUMNS if c not in ("unit", "level")),
    "computed",
    "source_id",
    "seq",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    source_id VARCHAR PRIMARY KEY, path VARCHAR, sha256 VARCHAR UNIQUE, kind VARCHAR,
    methodology VARCHAR, ingested_at TIMESTAMP, n_rows INTEGER, meta VARCHAR);
CREATE TABLE IF NOT EXISTS units (
    unit_id VARCHAR PRIMARY KEY, name VARCHAR, level VARCHAR, code VARCHAR,
    first_source VARCHAR, last_source VARCHAR);
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot VARCHAR PRIMARY KEY, kind VARCHAR, start_date DATE, end_date DATE,
    taken_at TIMESTAMP, methodology VARCHAR, provisional BOOLEAN, source_id VARCHAR);
CREATE TABLE IF NOT EXISTS unit_links (
    old_id VARCHAR PRIMARY KEY, new_id VARCHAR, kind VARCHAR, note VARCHAR,
    created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS measures (
    snapshot VARCHAR, unit_id VARCHAR, scope VARCHAR, code VARCHAR, kind VARCHAR,
    value DOUBLE, numerator DOUBLE, denominator DOUBLE, max_score DOUBLE, computed DOUBLE,
    flag VARCHAR, note VARCHAR, label VARCHAR, source_id VARCHAR, seq INTEGER);
"""
# measures: one row per (snapshot, unit_id, scope, code, kind) — kept so by the writer (it
# deletes the keys it replaces and refuses a batch holding a key twice), not by an index: a
# primary key made storing a 1,6 million-value table three times slower (index upkeep)

HISTORY = """
CREATE TABLE measure_history (
    snapshot VARCHAR, unit_id VARCHAR, scope VARCHAR, code VARCHAR, kind VARCHAR,
    value DOUBLE, numerator DOUBLE, denominator DOUBLE, max_score DOUBLE, computed DOUBLE,
    flag VARCHAR, note VARCHAR, label VARCHAR, source_id VARCHAR, seq INTEGER,
    recorded_at TIMESTAMP);
"""

# the tables (and their columns) every store has had since its first version
REQUIRED: dict[str, tuple[str, ...]] = {
    "sources": ("source_id", "path", "sha256", "kind", "methodology", "ingested_at", "meta"),
    "units": ("unit_id", "name", "level", "code"),
    "snapshots": ("snapshot", "kind", "start_date", "end_date", "methodology", "provisional"),
    "measures": MEASURE_COLUMNS,
}

MSG_FOREIGN = N_(
    "{path} is a DuckDB file but not a chiso766 store (it holds the tables {tables}); "
    "give another --store"
)
MSG_INCOMPATIBLE = N_(
    "{path} is not a store this version can use: its table '{table}' lacks the columns {columns}"
)


def tables_of(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Every table of the main schema with its column names."""
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND NOT internal"
    ).fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


def problem_with(con: duckdb.DuckDBPyConnection, path: str) -> str | None:
    """Why this database is not a usable store (None if it is one, or is empty)."""
    tables = tables_of(con)
    if not tables:
        return None
    if not set(REQUIRED) & set(tables):
        return _(MSG_FOREIGN).format(path=path, tables=", ".join(sorted(tables)[:5]))
    for table, columns in REQUIRED.items():
        missing = [c for c in columns if c not in tables.get(table, set())]
        if missing:
            return _(MSG_INCOMPATIBLE).format(path=path, table=table, columns=", ".join(missing))
    return None


def has_history(con: duckdb.DuckDBPyConnection) -> bool:
    return "measure_history" in tables_of(con)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (inside the caller's transaction), the history included;
    move units still under the former identifiers (diacritics folded) to today's."""
    con.execute(SCHEMA)
    if not has_history(con):  # empty: the current values are read from measures
        con.execute(HISTORY)
    unkey_measures(con)
    migrate_unit_ids(con)


def unkey_measures(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild a store's ``measures`` table created with the former primary key without it
    (same columns and rows); True if it was rebuilt."""
    keyed = con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'main' "
        "AND table_name = 'measures' AND constraint_type = 'PRIMARY KEY'"
    ).fetchone()[0]
    if not keyed:
        return False
    con.execute("CREATE TABLE measures_unkeyed AS SELECT * FROM measures")
    con.execute("DROP TABLE measures")
    con.execute("ALTER TABLE measures_unkeyed RENAME TO measures")
    return True


# where a unit's id appears
UNIT_ID_COLUMNS = (
    ("units", "unit_id"),
    ("measures", "unit_id"),
    ("measure_history", "unit_id"),
    ("unit_links", "old_id"),
    ("unit_links", "new_id"),
)


def migrate_unit_ids(con: duckdb.DuckDBPyConnection) -> int:
    """Re-key units whose id is the former '<level>:<slug without diacritics>' of their name
    to :func:`chiso766.compute.units.unit_id` (which keeps tone marks); the number moved.

    The former ids never told apart names that differ in tone marks, so each maps to one
    name, and one new id; a unit whose new id is already taken is left as it is.
    """
    from chiso766.compute.units import folded_name_key, unit_id

    rows = con.execute("SELECT unit_id, name, level FROM units").fetchall()
    taken = {uid for uid, _, _ in rows}
    moves = {}
    for uid, name, level in rows:
        if not name or not level or uid != f"{level}:{folded_name_key(name)}":
            continue
        new = unit_id(name, level)
        if new != uid and new not in taken:
            moves[uid] = new
            taken.add(new)
    for old, new in moves.items():
        for table, column in UNIT_ID_COLUMNS:
            con.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [new, old])
    return len(moves)

"""Writing one source's values inside the caller's transaction.

:func:`prepare` checks what can be checked before any write (every snapshot has a date);
:func:`write` records the source, its units and snapshots, moves the values it replaces into
the history and returns what changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from chiso766.compute import measures as M
from chiso766.compute.periods import Period, PeriodError, parse_period
from chiso766.i18n import N_, _
from chiso766.store import history
from chiso766.store.connect import StoreError
from chiso766.store.schema import MEASURE_COLUMNS

MSG_UNDATED = N_(
    "{path}: values without a date ('{key}') cannot be stored; put the date in the column "
    "header or pass --snapshot"
)
MSG_TWICE = N_("{path}: the same value appears twice ({key}); nothing was stored")
MSG_NO_TONES = N_(
    "'{name}' is written without tone marks and is not a unit of the store; the store has "
    "{known}: write the name with its tone marks (names that differ in a tone mark are "
    "different units)"
)
MSG_TONE_TWIN = N_(
    "'{name}' is a new unit; the store also has {known}, a name that differs only in tone "
    "marks: they are kept as two units"
)


@dataclass(frozen=True)
class Prepared:
    """A load ready to write: its measures as Arrow (``computed`` included; a frame only if
    a column does not convert), whether their keys are known unique, its snapshots' periods."""

    table: pa.Table | pd.DataFrame
    periods: dict[str, Period]
    unique: bool = False
    units: pa.Table | None = None  # each unit once, as the reader listed them

    @property
    def snapshots(self) -> tuple[str, ...]:
        return tuple(sorted(self.periods))

    @property
    def rows(self) -> int:
        return len(self.table)


def prepare(load, path: str) -> Prepared:  # noqa: ANN001
    """The load's measures as Arrow with its snapshots dated: a reader's Arrow table as it
    is (``computed`` added, empty), else the frame conformed, unless ``conformed`` says it is
    already (a ``computed`` column is kept), then converted."""
    from chiso766.ingest.arrow_measures import distinct

    if load.table is not None:
        table = load.table.select(list(M.COLUMNS))
        table = table.append_column("computed", pa.nulls(len(table), pa.float64()))
        keys = distinct(table["snapshot"])
    else:
        frame = load.frame
        computed = pd.to_numeric(frame["computed"]).to_numpy() if "computed" in frame else None
        frame = frame[list(M.COLUMNS)] if load.conformed else M.conform(frame)
        frame = frame.assign(computed=computed if computed is not None else float("nan"))
        keys = frame["snapshot"].unique().tolist()
        table = as_arrow(frame)
    periods = {}
    for key in sorted(keys):
        try:
            periods[key] = parse_period(key)
        except PeriodError as exc:
            raise StoreError(_(MSG_UNDATED).format(path=path, key=key)) from exc
    given = load.table is not None
    return Prepared(table, periods, given and load.unique_keys, load.units if given else None)


def write(con: duckdb.DuckDBPyConnection, load, ready: Prepared, now):  # noqa: ANN001, ANN201
    """Write one :class:`~chiso766.store.core.Load` (see the module docstring): the values
    are read by DuckDB from Arrow, in set-based statements."""
    from chiso766.store.core import IngestResult

    source = load.source
    found = con.execute("SELECT source_id FROM sources WHERE sha256 = ?", [source.sha256])
    found = found.fetchall()
    if found:
        return IngestResult(found[0][0], "unchanged", 0, ready.snapshots)
    source_id = source.sha256[:16]
    con.register("incoming", _with_source(ready.table, source_id))
    if ready.units is not None:
        con.register("incoming_units", ready.units)
    units = "incoming_units" if ready.units is not None else f"({UNITS_OF})"
    try:
        notes = check_unit_names(con, units, source.path)
        meta = dict(source.meta or {})
        if notes:
            meta["warnings"] = [*meta.get("warnings", []), *notes]
        con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source_id,
                source.path,
                source.sha256,
                source.kind,
                source.methodology,
                now,
                ready.rows,
                json.dumps(meta, ensure_ascii=False),
            ],
        )
        _upsert_units(con, units, source_id, load.unit_codes)
        _upsert_snapshots(con, ready.periods, load.snapshot_info or {}, source, source_id)
        twice = None if ready.unique else _twice(con, "incoming")
        if twice:
            raise StoreError(_(MSG_TWICE).format(path=source.path, key=" / ".join(map(str, twice))))
        changes = history.changes_against(con, "incoming")
        history.keep_replaced(con, "incoming")
        con.execute(
            "DELETE FROM measures m USING incoming i WHERE m.snapshot = i.snapshot AND "
            "m.unit_id = i.unit_id AND m.scope = i.scope AND m.code = i.code AND "
            "m.kind = i.kind"
        )
        cols = ", ".join(MEASURE_COLUMNS)
        with one_thread(con):
            con.execute(f"INSERT INTO measures ({cols}) SELECT {cols} FROM incoming")
    finally:
        con.unregister("incoming")
        if ready.units is not None:
            con.unregister("incoming_units")
    return IngestResult(
        source_id, "ingested", ready.rows, ready.snapshots, tuple(changes), tuple(notes)
    )


@contextmanager
def one_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block on one DuckDB thread (the setting restored after). Inserting 1,6
    million values, a second thread doubled the CPU time and gained no time (the rows are
    written in their order); on a machine already busy it doubled the time too."""
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(threads)}")


def _with_source(table: pa.Table | pd.DataFrame, source_id: str) -> pa.Table | pd.DataFrame:
    """The load's rows with their source and order (``seq``)."""
    n = len(table)
    seq = np.arange(n, dtype=np.int32)
    if isinstance(table, pd.DataFrame):
        return table.assign(source_id=source_id, seq=seq)
    source = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([source_id], pa.string())
    )
    return table.append_column("source_id", source).append_column("seq", pa.array(seq))


def _twice(con: duckdb.DuckDBPyConnection, incoming: str) -> tuple | None:
    """A key (snapshot, unit, scope, code, kind) the relation ``incoming`` holds twice, or
    None. Counting the keys' distinct hashes tells at once that none repeats; only when two
    hashes meet (a repeated key, or two keys of one hash) are the keys themselves grouped."""
    key = "snapshot, unit_id, scope, code, kind"
    rows, hashes = con.execute(
        f"SELECT count(*), count(DISTINCT hash({key})) FROM {incoming}"
    ).fetchone()
    if rows == hashes:
        return None
    return con.execute(
        f"SELECT {key} FROM {incoming} GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
    ).fetchone()


def as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """``frame`` as an Arrow table: DuckDB reads it at once, in every statement that reads
    the load, where it converts the frame's Python text cell by cell each time. The frame
    itself if a column does not convert (text columns holding other objects)."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except pa.ArrowException:
        return frame


#: each unit of the load once, with the name and level of its last row, in the order of
#: their first rows
UNITS_OF = (
    "SELECT unit_id, arg_max(unit, seq) AS unit, arg_max(level, seq) AS level "
    "FROM incoming GROUP BY unit_id ORDER BY min(seq)"
)


def check_unit_names(con: duckdb.DuckDBPyConnection, units: str, path: str) -> list:
    """Units of the relation ``units`` (unit_id, unit, level) new to the store whose name
    matches a stored unit only without diacritics.

    A name written without any tone mark is refused with the stored names as suggestions
    (:class:`~chiso766.ingest.errors.IngestError`); a name with tone marks is a new unit,
    returned as a warning when its twin differs only in tone marks.
    """
    from chiso766.compute.units import folded_name_key, name_key
    from chiso766.ingest.errors import IngestError, Problem

    stored = con.execute("SELECT unit_id, name, level FROM units").df()
    if stored.empty:
        return []
    new = con.execute(
        f"SELECT unit_id, unit, level FROM {units} i "
        "WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.unit_id = i.unit_id)"
    ).fetchall()
    if not new:
        return []
    stored = stored.assign(key=stored["name"].map(folded_name_key))
    errors, notes = [], []
    for uid, name, level in new:
        twins = stored[(stored["key"] == folded_name_key(name)) & (stored["level"] == level)]
        twins = twins[(twins["unit_id"] != uid) & (twins["name"].map(name_key) != name_key(name))]
        if twins.empty:
            continue
        known = ", ".join(f"'{n}'" for n in twins["name"])
        if str(name).isascii():
            text = _(MSG_NO_TONES).format(name=name, known=known)
            errors.append(Problem(path, None, "Đơn vị", name, text))
        else:
            notes.append(_(MSG_TONE_TWIN).format(name=name, known=known))
    if errors:
        raise IngestError(errors)
    return notes


def _upsert_units(con: duckdb.DuckDBPyConnection, units: str, source_id: str, codes) -> None:  # noqa: ANN001
    """Record the ``units`` (a relation: unit_id, unit, level; each once): a new one with
    this source as its first; a known one's last source and, when given, its code. An
    UPDATE of the known then an INSERT of the new, not one upsert: its ON CONFLICT made
    recording 200 000 new units (and their commit) a fifth slower."""
    pairs = pd.DataFrame({"unit_id": pd.Series(dtype=object), "code": pd.Series(dtype=object)})
    if codes is not None and len(codes):
        pairs = codes.dropna(subset=["code"])[["unit_id", "code"]]
        pairs = pairs.drop_duplicates("unit_id", keep="last").astype(object)
    con.register("incoming_codes", pairs)
    given = f"{units} i LEFT JOIN incoming_codes c ON c.unit_id = i.unit_id"
    try:
        con.execute(
            "UPDATE units SET last_source = $src, code = COALESCE(c.code, units.code) "
            f"FROM {given} WHERE units.unit_id = i.unit_id",
            {"src": source_id},
        )
        con.execute(
            f"INSERT INTO units SELECT i.unit_id, i.unit, i.level, c.code, $src, $src FROM {given} "
            "WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.unit_id = i.unit_id)",
            {"src": source_id},
        )
    finally:
        con.unregister("incoming_codes")


def _upsert_snapshots(con, periods: dict[str, Period], info, source, sid) -> None:  # noqa: ANN001
    for key, p in periods.items():
        extra = info.get(key, {})
        con.execute(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (snapshot) DO "
            "UPDATE SET taken_at = COALESCE(excluded.taken_at, snapshots.taken_at), "
            "methodology = COALESCE(excluded.methodology, snapshots.methodology), "
            "provisional = excluded.provisional, source_id = excluded.source_id",
            [
                key,
                p.kind,
                p.start,
                p.end,
                extra.get("taken_at"),
                extra.get("methodology", source.methodology),
                bool(extra.get("provisional", False)),
                sid,
            ],
        )

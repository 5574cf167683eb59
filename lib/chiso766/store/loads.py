"""Writing one source's values inside the caller's transaction.

:func:`prepare` checks what can be checked before any write (every snapshot has a date);
:func:`write` records the source, its units and snapshots, moves the values it replaces into
the history and returns what changed.
"""

from __future__ import annotations

import json
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
    """A frame ready to write: conformed, with its snapshots' periods."""

    frame: pd.DataFrame
    periods: dict[str, Period]

    @property
    def snapshots(self) -> tuple[str, ...]:
        return tuple(sorted(self.periods))


def prepare(frame: pd.DataFrame, path: str, conformed: bool = False) -> Prepared:
    """Conform the frame, unless ``conformed`` says it is already (a ``computed`` column is
    kept), and date its snapshots."""
    computed = pd.to_numeric(frame["computed"]).to_numpy() if "computed" in frame else None
    frame = frame[list(M.COLUMNS)] if conformed else M.conform(frame)
    frame = frame.assign(computed=computed if computed is not None else float("nan"))
    periods = {}
    for key in sorted(frame["snapshot"].unique()):
        try:
            periods[key] = parse_period(key)
        except PeriodError as exc:
            raise StoreError(_(MSG_UNDATED).format(path=path, key=key)) from exc
    return Prepared(frame, periods)


def write(con: duckdb.DuckDBPyConnection, load, ready: Prepared, now):  # noqa: ANN001, ANN201
    """Write one :class:`~chiso766.store.core.Load` (see the module docstring)."""
    from chiso766.store.core import IngestResult

    source, frame = load.source, ready.frame
    found = con.execute("SELECT source_id FROM sources WHERE sha256 = ?", [source.sha256])
    found = found.fetchall()
    if found:
        return IngestResult(found[0][0], "unchanged", 0, ready.snapshots)
    notes = check_unit_names(con, frame, source.path)
    meta = dict(source.meta or {})
    if notes:
        meta["warnings"] = [*meta.get("warnings", []), *notes]
    source_id = source.sha256[:16]
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source_id,
            source.path,
            source.sha256,
            source.kind,
            source.methodology,
            now,
            len(frame),
            json.dumps(meta, ensure_ascii=False),
        ],
    )
    _upsert_units(con, frame, source_id, load.unit_codes)
    _upsert_snapshots(con, ready.periods, load.snapshot_info or {}, source, source_id)
    rows = frame.assign(source_id=source_id, seq=np.arange(len(frame), dtype=np.int32))
    con.register("incoming", as_arrow(rows[[*MEASURE_COLUMNS, "unit"]]))
    try:
        twice = _twice(con, "incoming")
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
        con.execute(f"INSERT INTO measures ({cols}) SELECT {cols} FROM incoming")
    finally:
        con.unregister("incoming")
    return IngestResult(
        source_id, "ingested", len(frame), ready.snapshots, tuple(changes), tuple(notes)
    )


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


def check_unit_names(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, path: str) -> list:
    """Units new to the store whose name matches a stored unit only without diacritics.

    A name written without any tone mark is refused with the stored names as suggestions
    (:class:`~chiso766.ingest.errors.IngestError`); a name with tone marks is a new unit,
    returned as a warning when its twin differs only in tone marks.
    """
    from chiso766.compute.units import folded_name_key, name_key
    from chiso766.ingest.errors import IngestError, Problem

    stored = con.execute("SELECT unit_id, name, level FROM units").df()
    if stored.empty:
        return []
    new = frame[["unit_id", "unit", "level"]].drop_duplicates("unit_id")
    if new.empty:
        return []
    new = new[~new["unit_id"].isin(set(stored["unit_id"]))]
    if new.empty:
        return []
    stored = stored.assign(key=stored["name"].map(folded_name_key))
    errors, notes = [], []
    for uid, name, level in new.itertuples(index=False):
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


def _upsert_units(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source_id: str, codes):
    units = frame[["unit_id", "unit", "level"]].drop_duplicates("unit_id", keep="last")
    code_of = {}
    if codes is not None and len(codes):
        pairs = codes.dropna(subset=["code"])[["unit_id", "code"]]
        code_of = dict(pairs.itertuples(index=False, name=None))
    units = units.assign(code=units["unit_id"].map(code_of), src=source_id)
    units["code"] = units["code"].astype(object).where(units["code"].notna(), None)
    con.register("incoming_units", as_arrow(units))
    try:
        con.execute(
            "INSERT INTO units SELECT unit_id, unit, level, code, src, src FROM incoming_units "
            "ON CONFLICT (unit_id) DO UPDATE SET last_source = excluded.last_source, "
            "code = COALESCE(excluded.code, units.code)"
        )
    finally:
        con.unregister("incoming_units")


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

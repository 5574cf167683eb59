"""Reading the store: snapshots, sources, units, current measures and their sources."""

from __future__ import annotations

import duckdb
import pandas as pd

from chiso766.i18n import N_, _
from chiso766.store.connect import StoreError

MSG_NO_UNIT = N_("no unit named '{name}' in the store")
MSG_NO_UNIT_SUGGEST = N_("no unit named '{name}' in the store; did you mean {suggestions}?")
MSG_SEVERAL = N_("'{name}' names {n} units ({ids}): give the id")


def snapshots(con: duckdb.DuckDBPyConnection, scopes: list[str] | None = None) -> pd.DataFrame:
    """Every snapshot, oldest first; only those with measures in ``scopes`` if given."""
    sql = "SELECT * FROM snapshots"
    params: list = []
    if scopes:
        marks = ", ".join("?" * len(scopes))
        sql += f" WHERE snapshot IN (SELECT snapshot FROM measures WHERE scope IN ({marks}))"
        params = list(scopes)
    return con.execute(sql + " ORDER BY end_date, start_date DESC, snapshot", params).df()


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM sources ORDER BY ingested_at, source_id").df()


def units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM units ORDER BY level, name").df()


def measures(
    con: duckdb.DuckDBPyConnection,
    snapshot_keys: list[str] | None = None,
    scopes: list[str] | None = None,
    unit_ids: list[str] | None = None,
    with_source: bool = False,
) -> pd.DataFrame:
    """Current measures joined with unit names and levels (see :meth:`Store.measures`)."""
    extra = (
        ", s.path AS source_path, s.kind AS source_kind, s.sha256 AS source_sha256, s.ingested_at"
        if with_source
        else ""
    )
    sql = (
        "SELECT m.snapshot, m.unit_id, u.name AS unit, u.level, m.scope, m.code, m.kind, "
        "m.value, m.numerator, m.denominator, m.max_score, m.flag, m.note, m.label, "
        f"m.computed, m.source_id{extra} FROM measures m JOIN units u USING (unit_id) "
        "JOIN sources s ON s.source_id = m.source_id"
    )
    where, params = [], []
    for column, values, empty_means_none in (
        ("m.snapshot", snapshot_keys, True),
        ("m.scope", scopes, False),
        ("m.unit_id", unit_ids, True),
    ):
        if values is None or (not values and not empty_means_none):
            continue
        where.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "FALSE")
        params += list(values)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY m.snapshot, s.ingested_at, m.source_id, m.seq"
    return con.execute(sql, params).df()


def source_of(
    con: duckdb.DuckDBPyConnection, snapshot: str, unit_id: str, scope: str, code: str, kind: str
) -> dict:
    """The source row (path, kind, sha256, ingested_at, meta…) of one current figure."""
    frame = con.execute(
        "SELECT s.* FROM measures m JOIN sources s USING (source_id) WHERE m.snapshot = ? "
        "AND m.unit_id = ? AND m.scope = ? AND m.code = ? AND m.kind = ?",
        [snapshot, unit_id, scope, code, kind],
    ).df()
    return frame.iloc[0].to_dict() if len(frame) else {}


def find_unit(table: pd.DataFrame, name_or_id: str) -> str:
    """The id of a unit given by id or by name (identity keeps tone marks; see
    :func:`chiso766.compute.units.name_key`); names that match only without diacritics are
    suggested in the error."""
    from chiso766.compute.units import folded_name_key, name_key

    if name_or_id in set(table["unit_id"]):
        return name_or_id
    hit = table[table["name"].map(name_key) == name_key(name_or_id)]
    if len(hit) == 1:
        return hit["unit_id"].iloc[0]
    if len(hit) > 1:
        raise StoreError(
            _(MSG_SEVERAL).format(name=name_or_id, n=len(hit), ids=", ".join(hit["unit_id"]))
        )
    near = table[table["name"].map(folded_name_key) == folded_name_key(name_or_id)]
    if near.empty:
        raise UnknownUnit(_(MSG_NO_UNIT).format(name=name_or_id))
    names = _(" or ").join(f"'{n}'" for n in near["name"])
    raise UnknownUnit(
        _(MSG_NO_UNIT_SUGGEST).format(name=name_or_id, suggestions=names), list(near["name"])
    )


class UnknownUnit(StoreError):
    """No unit of that name or id; ``near`` lists names that differ only in tone marks."""

    def __init__(self, message: str, near: list[str] | None = None) -> None:
        super().__init__(message)
        self.near = list(near or [])


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table."""
    return {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in ("sources", "units", "snapshots", "measures")
    }

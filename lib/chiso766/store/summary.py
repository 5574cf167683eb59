"""What a store holds, as data for ``chiso766 status``: sources (with their dates and
hashes), units per level, the periods covered, the latest snapshot, the value history and the
provincial system's records."""

from __future__ import annotations

import os
from typing import Any

import duckdb
import pandas as pd

from chiso766.store.history import ALL_VALUES
from chiso766.store.schema import has_history, tables_of


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _sources(con: duckdb.DuckDBPyConnection) -> list[dict]:
    import json

    rows = con.execute(
        "SELECT s.path, s.kind, s.sha256, s.methodology, s.ingested_at, s.meta, "
        "(SELECT count(*) FROM measures m WHERE m.source_id = s.source_id) AS current_values "
        "FROM sources s ORDER BY s.ingested_at, s.source_id"
    ).fetchall()
    out = []
    for path, kind, sha, methodology, at, meta, current in rows:
        try:
            warnings = len((json.loads(meta) if meta else {}).get("warnings") or [])
        except (ValueError, TypeError, AttributeError):
            warnings = 0
        out.append(
            {
                "path": path,
                "kind": kind,
                "sha256": sha,
                "methodology": methodology,
                "ingested_at": _iso(at),
                "current_values": int(current),
                "warnings": warnings,
            }
        )
    return out


def _snapshots(con: duckdb.DuckDBPyConnection) -> dict:
    frame = con.execute(
        "SELECT snapshot, kind, start_date, end_date, taken_at, provisional, "
        "snapshot IN (SELECT snapshot FROM measures WHERE scope IN ('total', 'group', "
        "'indicator')) AS scored FROM snapshots ORDER BY end_date, start_date DESC, snapshot"
    ).df()
    if frame.empty:
        return {"count": 0, "first": None, "last": None, "by_kind": {}, "latest": None}
    by_kind = frame.groupby("kind", sort=False).size().to_dict()
    scored = frame[frame["scored"]]
    latest_row = (scored if len(scored) else frame).iloc[-1]
    latest = {
        "snapshot": latest_row["snapshot"],
        "kind": latest_row["kind"],
        "taken_at": _iso(latest_row["taken_at"]),
        "provisional": bool(latest_row["provisional"]) if pd.notna(latest_row["provisional"])
        else False,
        "scored": bool(latest_row["scored"]),
    }  # fmt: skip
    return {
        "count": len(frame),
        "first": frame["snapshot"].iloc[0],
        "last": frame["snapshot"].iloc[-1],
        "from": _iso(frame["start_date"].min()),
        "to": _iso(frame["end_date"].max()),
        "by_kind": {k: int(v) for k, v in by_kind.items()},
        "latest": latest,
    }


def _history(con: duckdb.DuckDBPyConnection) -> dict:
    current = con.execute("SELECT count(*) FROM measures").fetchone()[0]
    if not has_history(con):
        return {"recorded": int(current), "current": int(current), "keys_changed": 0}
    recorded, changed = con.execute(
        f"WITH v AS {ALL_VALUES} SELECT (SELECT count(*) FROM v), count(*) FROM (SELECT 1 "
        "FROM v GROUP BY snapshot, unit_id, scope, code, kind "
        "HAVING count(DISTINCT coalesce(CAST(value AS VARCHAR), 'null')) > 1)"
    ).fetchone()
    return {"recorded": int(recorded), "current": int(current), "keys_changed": int(changed)}


def _dossiers(con: duckdb.DuckDBPyConnection, tables: set[str]) -> dict[str, int]:
    out = {}
    for name, table in (
        ("dossiers", "dossier_records"),
        ("procedures", "dossier_procedures"),
        ("decisions", "dossier_decisions"),
    ):
        if table in tables:
            out[name] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return out


def store_summary(con: duckdb.DuckDBPyConnection, path: str) -> dict:
    """Everything ``chiso766 status`` shows, as JSON-ready data."""
    tables = set(tables_of(con))
    units = con.execute("SELECT level, count(*) FROM units GROUP BY level").fetchall()
    links = (
        int(con.execute("SELECT count(*) FROM unit_links").fetchone()[0])
        if "unit_links" in tables
        else 0
    )
    try:
        size = os.path.getsize(path)
    except OSError:
        size = None
    return {
        "store": str(path),
        "bytes": size,
        "sources": _sources(con),
        "units": {level: int(n) for level, n in units},
        "renamed_units": links,
        "snapshots": _snapshots(con),
        "history": _history(con),
        "records": _dossiers(con, tables),
    }


__all__ = ["store_summary"]

"""The embedded DuckDB store: units, snapshots and measures, each with provenance.

Loads are atomic (one transaction; a failure leaves the store as it was) and idempotent
(a file whose SHA-256 was already ingested changes nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from chiso766.compute import measures as M
from chiso766.compute.periods import Period, PeriodError, parse_period

ENV_VAR = "CHISO766_STORE"
# the measures table: the frame's columns less the unit's name and level (kept in units)
MEASURE_COLUMNS = (
    *(c for c in M.COLUMNS if c not in ("unit", "level")),
    "computed",
    "source_id",
    "seq",
)
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

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
    flag VARCHAR, note VARCHAR, label VARCHAR, source_id VARCHAR, seq INTEGER,
    PRIMARY KEY (snapshot, unit_id, scope, code, kind));
"""


def project_root() -> Path:
    """The checkout this package runs from (where pyproject.toml is), else the working dir."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


def default_store_path() -> Path:
    """$CHISO766_STORE, else <project>/data/chiso766.duckdb."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else project_root() / "data" / "chiso766.duckdb"


def now_local() -> dt.datetime:
    """Now as naive local time (Asia/Ho_Chi_Minh), as the store keeps timestamps."""
    return dt.datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Source:
    """Where a batch of measures came from."""

    path: str
    sha256: str
    kind: str  # table, portal, demo, …
    methodology: str | None = None
    meta: dict | None = None


@dataclass(frozen=True)
class IngestResult:
    source_id: str
    status: str  # "ingested" or "unchanged"
    rows: int
    snapshots: tuple[str, ...]


class StoreError(RuntimeError):
    """A store operation that cannot be done (e.g. an undated snapshot)."""


class Store:
    """A DuckDB file holding every ingested value with its provenance."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_store_path()
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; ingest a file or run 'chiso766 demo'")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        if not read_only:
            self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- writing -------------------------------------------------------------------------
    def ingest(
        self,
        frame: pd.DataFrame,
        source: Source,
        snapshot_info: dict[str, dict] | None = None,
        unit_codes: pd.DataFrame | None = None,
    ) -> IngestResult:
        """Store a measures frame atomically; a source already ingested (same hash) is a no-op.

        ``snapshot_info`` may give per snapshot: taken_at, methodology, provisional. A frame
        may carry a ``computed`` column (the workbook's recomputation beside a source's own
        score); ``unit_codes`` (unit_id, code) records units' codes.
        """
        computed = (
            pd.to_numeric(frame["computed"]).to_numpy() if "computed" in frame.columns else None
        )
        frame = M.conform(frame)
        frame["computed"] = computed if computed is not None else float("nan")
        snaps = tuple(sorted(frame["snapshot"].unique()))
        periods = {}
        for key in snaps:
            try:
                periods[key] = parse_period(key)
            except PeriodError as exc:
                raise StoreError(
                    f"{source.path}: values without a date ('{key}') cannot be stored; put the "
                    "date in the column header or pass --snapshot"
                ) from exc
        found = self.con.execute(
            "SELECT source_id FROM sources WHERE sha256 = ?", [source.sha256]
        ).fetchall()
        if found:
            return IngestResult(found[0][0], "unchanged", 0, snaps)
        source_id = source.sha256[:16]
        info = snapshot_info or {}
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    source_id,
                    source.path,
                    source.sha256,
                    source.kind,
                    source.methodology,
                    now_local(),
                    len(frame),
                    json.dumps(source.meta or {}, ensure_ascii=False),
                ],
            )
            self._upsert_units(frame, source_id, unit_codes)
            self._upsert_snapshots(periods, info, source, source_id)
            rows = frame.assign(source_id=source_id, seq=range(len(frame)))[[*MEASURE_COLUMNS]]
            self.con.register("incoming", rows)
            self.con.execute(
                "DELETE FROM measures m USING incoming i WHERE m.snapshot = i.snapshot AND "
                "m.unit_id = i.unit_id AND m.scope = i.scope AND m.code = i.code AND "
                "m.kind = i.kind"
            )
            cols = ", ".join(MEASURE_COLUMNS)
            self.con.execute(f"INSERT INTO measures ({cols}) SELECT {cols} FROM incoming")
            self.con.unregister("incoming")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return IngestResult(source_id, "ingested", len(frame), snaps)

    def _upsert_units(self, frame: pd.DataFrame, source_id: str, codes) -> None:
        units = frame[["unit_id", "unit", "level"]].drop_duplicates("unit_id", keep="last")
        code_of = {}
        if codes is not None and len(codes):
            code_of = dict(
                codes.dropna(subset=["code"])[["unit_id", "code"]].itertuples(
                    index=False, name=None
                )
            )
        units = units.assign(code=units["unit_id"].map(code_of), src=source_id)
        units["code"] = units["code"].astype(object).where(units["code"].notna(), None)
        self.con.register("incoming_units", units)
        self.con.execute(
            "INSERT INTO units SELECT unit_id, unit, level, code, src, src FROM incoming_units "
            "ON CONFLICT (unit_id) DO UPDATE SET last_source = excluded.last_source, "
            "code = COALESCE(excluded.code, units.code)"
        )
        self.con.unregister("incoming_units")

    def _upsert_snapshots(self, periods: dict[str, Period], info, source: Source, sid) -> None:
        for key, p in periods.items():
            extra = info.get(key, {})
            self.con.execute(
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

    # ---- reading -------------------------------------------------------------------------
    def snapshots(self, scopes: list[str] | None = None) -> pd.DataFrame:
        """Every snapshot, oldest first; only those with measures in ``scopes`` if given."""
        sql = "SELECT * FROM snapshots"
        params: list = []
        if scopes:
            marks = ", ".join("?" * len(scopes))
            sql += f" WHERE snapshot IN (SELECT snapshot FROM measures WHERE scope IN ({marks}))"
            params = list(scopes)
        return self.con.execute(sql + " ORDER BY end_date, start_date DESC, snapshot", params).df()

    def sources(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM sources ORDER BY ingested_at, source_id").df()

    def units(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM units ORDER BY level, name").df()

    def measures(
        self,
        snapshots: list[str] | None = None,
        scopes: list[str] | None = None,
        unit_ids: list[str] | None = None,
    ) -> pd.DataFrame:
        """Measures (joined with unit names and levels), filtered by snapshot, scope, unit."""
        sql = (
            "SELECT m.snapshot, m.unit_id, u.name AS unit, u.level, m.scope, m.code, m.kind, "
            "m.value, m.numerator, m.denominator, m.max_score, m.flag, m.note, m.label, "
            "m.computed, "
            "m.source_id FROM measures m JOIN units u USING (unit_id) "
            "JOIN sources s ON s.source_id = m.source_id"
        )
        where, params = [], []
        if snapshots is not None:
            where.append(
                f"m.snapshot IN ({', '.join('?' * len(snapshots))})" if snapshots else "FALSE"
            )
            params += list(snapshots)
        if scopes:
            where.append(f"m.scope IN ({', '.join('?' * len(scopes))})")
            params += list(scopes)
        if unit_ids is not None:
            where.append(
                f"m.unit_id IN ({', '.join('?' * len(unit_ids))})" if unit_ids else "FALSE"
            )
            params += list(unit_ids)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY m.snapshot, s.ingested_at, m.source_id, m.seq"
        return self.con.execute(sql, params).df()

    def link_units(self, old_id: str, new_id: str, note: str | None = None) -> None:
        """Record that ``old_id`` was renamed ``new_id`` (comparisons then follow the unit)."""
        known = self.units().set_index("unit_id")
        for uid in (old_id, new_id):
            if uid not in known.index:
                raise StoreError(f"no unit '{uid}' in the store")
        if old_id == new_id:
            raise StoreError("a unit cannot be renamed to itself")
        if known.at[old_id, "level"] != known.at[new_id, "level"]:
            raise StoreError(
                f"'{known.at[old_id, 'name']}' and '{known.at[new_id, 'name']}' are not of the "
                "same level"
            )
        self.con.execute(
            "INSERT INTO unit_links VALUES (?, ?, 'renamed', ?, ?) ON CONFLICT (old_id) DO "
            "UPDATE SET new_id = excluded.new_id, note = excluded.note, "
            "created_at = excluded.created_at",
            [old_id, new_id, note, now_local()],
        )

    def unit_links(self) -> dict[str, str]:
        """Renamed units: old id → current id (chains followed to the end)."""
        try:
            rows = self.con.execute("SELECT old_id, new_id FROM unit_links").fetchall()
        except duckdb.CatalogException:  # a store written before unit links existed
            return {}
        links = dict(rows)
        out = {}
        for old in links:
            new, seen = links[old], {old}
            while new in links and new not in seen:
                seen.add(new)
                new = links[new]
            out[old] = new
        return out

    def find_unit(self, name_or_id: str) -> str:
        """The id of a unit named (any case, with or without diacritics) or given by id."""
        from chiso766.compute.textnorm import fold_words

        units = self.units()
        if name_or_id in set(units["unit_id"]):
            return name_or_id
        hit = units[units["name"].map(fold_words) == fold_words(name_or_id)]
        if len(hit) == 1:
            return hit["unit_id"].iloc[0]
        if hit.empty:
            raise StoreError(f"no unit named '{name_or_id}' in the store")
        raise StoreError(
            f"'{name_or_id}' names {len(hit)} units ({', '.join(hit['unit_id'])}): give the id"
        )

    def counts(self) -> dict[str, int]:
        """Rows per table (for tests and `chiso766 status`)."""
        return {
            t: self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("sources", "units", "snapshots", "measures")
        }

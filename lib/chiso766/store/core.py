"""The :class:`Store`: a DuckDB file holding every ingested value with its provenance.

Loads are atomic — one transaction for a whole batch of files; a failure leaves the store as
it was — and idempotent (a file whose SHA-256 was already ingested changes nothing). Every
value ever held is kept in the history (:mod:`chiso766.store.history`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from chiso766.i18n import N_, _
from chiso766.ingest.nogc import without_collector
from chiso766.store import history, loads, queries, schema
from chiso766.store.connect import StoreError, connect
from chiso766.store.history import Change
from chiso766.store.paths import default_store_path, now_local

MSG_NO_STORE = N_("no store at {path}; ingest a file or run 'chiso766 demo'")
MSG_NO_FOLDER = N_("cannot create the folder of the store {path} ({reason})")


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
    changes: tuple[Change, ...] = ()
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Load:
    """One source's values, as :meth:`Store.ingest_many` takes them."""

    frame: pd.DataFrame | None
    source: Source
    snapshot_info: dict[str, dict] | None = None
    unit_codes: pd.DataFrame | None = None
    conformed: bool = False  # the frame is as measures.conform leaves it (a reader's own)
    #: the measures as Arrow (:mod:`chiso766.ingest.arrow_measures`), read in place of
    #: ``frame``; ``unique_keys``: the reader made sure no key repeats (not checked again);
    #: ``units``: each unit of ``table`` once (unit_id, unit, level), else found in it
    table: pa.Table | None = None
    unique_keys: bool = False
    units: pa.Table | None = None


class Store:
    """A DuckDB file holding every ingested value with its provenance."""

    def __init__(
        self, path: str | Path | None = None, read_only: bool = False, wait: float | None = None
    ):
        self.path = Path(path) if path else default_store_path()
        if read_only and not self.path.exists():
            raise StoreError(_(MSG_NO_STORE).format(path=self.path))
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise StoreError(_(MSG_NO_FOLDER).format(path=self.path, reason=reason)) from None
        self.read_only = read_only
        self.con = connect(self.path, read_only, wait)
        try:
            problem = schema.problem_with(self.con, str(self.path))
            if problem:
                raise StoreError(problem)
            self.con.execute("SET python_enable_replacements = false")
            if not schema.tables_of(self.con):
                if read_only:
                    raise StoreError(_(MSG_NO_STORE).format(path=self.path))
                schema.ensure(self.con)
        except BaseException:
            self.con.close()
            raise

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
        """Store one measures frame atomically; a source already ingested is a no-op.

        ``snapshot_info`` may give per snapshot: taken_at, methodology, provisional. A frame
        may carry a ``computed`` column (the workbook's recomputation beside a source's own
        score); ``unit_codes`` (unit_id, code) records units' codes.
        """
        return self.ingest_many([Load(frame, source, snapshot_info, unit_codes)])[0]

    @without_collector
    def ingest_many(self, batch: list[Load], within=None) -> list[IngestResult]:
        """Store several sources in one transaction: all of them, or (on any error) none.
        ``within(con)``, if given, writes more (the dossier exports of the same call) inside
        the same transaction.

        Raises :class:`StoreError` (e.g. values without a date) or
        :class:`chiso766.ingest.errors.IngestError` (a unit name that differs from a stored
        one only by its missing tone marks) before anything is kept.
        """
        prepared = [loads.prepare(load, load.source.path) for load in batch]
        results: list[IngestResult] = []
        self.con.execute("BEGIN TRANSACTION")
        try:
            schema.ensure(self.con)
            for load, ready in zip(batch, prepared, strict=True):
                results.append(loads.write(self.con, load, ready, now_local()))
            if within is not None:
                within(self.con)
            with loads.one_thread(self.con):  # writing the values out: see one_thread
                self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return results

    def add_unit(self, name: str, level: str, source: str = "rename") -> str:
        """Record a unit the store has no value of yet (a unit's new name); its id."""
        from chiso766.compute.textnorm import nfc
        from chiso766.compute.units import unit_id

        name = nfc(name).strip()
        uid = unit_id(name, level)
        self.con.execute(
            "INSERT INTO units VALUES (?, ?, ?, NULL, ?, ?) ON CONFLICT (unit_id) DO NOTHING",
            [uid, name, level, source, source],
        )
        return uid

    def link_units(self, old_id: str, new_id: str, note: str | None = None) -> None:
        """Record that ``old_id`` was renamed ``new_id`` (comparisons then follow the unit)."""
        known = self.units().set_index("unit_id")
        for uid in (old_id, new_id):
            if uid not in known.index:
                raise StoreError(_("no unit '{unit}' in the store").format(unit=uid))
        if old_id == new_id:
            raise StoreError(_("a unit cannot be renamed to itself"))
        if known.at[old_id, "level"] != known.at[new_id, "level"]:
            raise StoreError(
                _("'{old}' and '{new}' are not of the same level").format(
                    old=known.at[old_id, "name"], new=known.at[new_id, "name"]
                )
            )
        self.con.execute("BEGIN TRANSACTION")
        try:
            schema.ensure(self.con)
            self.con.execute(
                "INSERT INTO unit_links VALUES (?, ?, 'renamed', ?, ?) ON CONFLICT (old_id) DO "
                "UPDATE SET new_id = excluded.new_id, note = excluded.note, "
                "created_at = excluded.created_at",
                [old_id, new_id, note, now_local()],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    # ---- reading -------------------------------------------------------------------------
    def snapshots(self, scopes: list[str] | None = None) -> pd.DataFrame:
        """Every snapshot, oldest first; only those with measures in ``scopes`` if given."""
        return queries.snapshots(self.con, scopes)

    def sources(self) -> pd.DataFrame:
        """Every source ingested, oldest first (``meta`` is JSON text, with ``warnings``)."""
        return queries.sources(self.con)

    def units(self) -> pd.DataFrame:
        return queries.units(self.con)

    def measures(
        self,
        snapshots: list[str] | None = None,
        scopes: list[str] | None = None,
        unit_ids: list[str] | None = None,
        with_source: bool = False,
    ) -> pd.DataFrame:
        """Current measures (joined with unit names and levels), filtered by snapshot, scope,
        unit; ``with_source`` adds where each figure comes from (source_path, source_kind,
        source_sha256, ingested_at)."""
        return queries.measures(self.con, snapshots, scopes, unit_ids, with_source)

    def history(
        self,
        snapshots: list[str] | None = None,
        unit_ids: list[str] | None = None,
        scopes: list[str] | None = None,
    ) -> pd.DataFrame:
        """Every value the store ever held for these keys, oldest first, each with its source
        (source_id, source_path, source_kind), when it was recorded and whether it is current."""
        table = history.ALL_VALUES
        if not schema.has_history(self.con):  # a store written before the history existed
            table = history.CURRENT_VALUES
        return history.read_history(self.con, table, snapshots, unit_ids, scopes)

    def measures_as_of(self, snapshots: list[str], moment) -> pd.DataFrame:  # noqa: ANN001
        """The values these snapshots held just before ``moment`` (naive local time), as
        :meth:`measures` returns them: the last value recorded before it for each key."""
        frame = self.history(snapshots)
        if frame.empty:
            return frame
        frame = frame[frame["recorded_at"] < pd.Timestamp(moment)]
        keys = ["snapshot", "unit_id", "scope", "code", "kind"]
        return frame.drop_duplicates(keys, keep="last").reset_index(drop=True)

    def source_of(self, snapshot: str, unit_id: str, scope: str, code: str, kind: str) -> dict:
        """Which source the current figure of one key comes from (empty if none)."""
        return queries.source_of(self.con, snapshot, unit_id, scope, code, kind)

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
        """The id of a unit given by id or by name (any case, NFC or NFD, tone marks placed
        either way); a name that matches only without diacritics is suggested, not taken."""
        return queries.find_unit(self.units(), name_or_id)

    def summary(self) -> dict:
        """What the store holds (sources, units per level, periods, latest snapshot, value
        history, records) as JSON-ready data; see :mod:`chiso766.store.summary`."""
        from chiso766.store.summary import store_summary

        return store_summary(self.con, str(self.path))

    def counts(self) -> dict[str, int]:
        """Rows per table (for tests and `chiso766 status`)."""
        return queries.counts(self.con)

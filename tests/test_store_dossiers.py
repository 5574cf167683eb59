"""Dossier records in the store: atomic, idempotent loads; newer exports win."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chiso766 import store_dossiers as SD
from chiso766.ingest.dossier_inputs import read_export
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.store import Store, sha256_of

DATA = Path(__file__).parent / "data" / "dossiers"


def load(st: Store, *names: str):
    reads = [read_export(DATA / n) for n in names]
    return SD.save(st, reads, [sha256_of(DATA / n) for n in names])


def test_save_all_three_kinds(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        assert not SD.has_tables(st)
        assert SD.counts(st) == {DOSSIERS: 0, PROCEDURES: 0, DECISIONS: 0}
        done = load(st, "ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        assert [d.status for d in done] == ["ingested"] * 3
        assert SD.counts(st) == {DOSSIERS: 6, PROCEDURES: 3, DECISIONS: 3}
        rec = SD.read_table(st, DOSSIERS).set_index("dossier_id")
        # personal data is kept unmasked in the store, and only there
        assert rec.loc["000.00.12.H10-260302-0001", "phone"] == "0912345612"
        assert SD.date_span(st) == (dt.date(2026, 2, 11), dt.date(2026, 3, 20))
        assert SD.has_data_between(st, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        assert not SD.has_data_between(st, dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def test_the_same_file_twice_changes_nothing(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        again = load(st, "ho-so.csv")
        assert again[0].status == "unchanged"
        assert SD.counts(st)[DOSSIERS] == 6


def test_a_newer_export_replaces_the_same_dossier(tmp_path):
    text = (
        (DATA / "ho-so.csv")
        .read_text(encoding="utf-8")
        .replace(
            "03/03/2026 14:20,06/03/2026,,Đang xử lý",
            "03/03/2026 14:20,06/03/2026,10/03/2026,Từ chối",
        )
    )
    newer = tmp_path / "ho-so-moi.csv"
    newer.write_text(text, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        SD.save(st, [read_export(newer)], [sha256_of(newer)])
        rec = SD.read_table(st, DOSSIERS).set_index("dossier_id")
        assert SD.counts(st)[DOSSIERS] == 6
        assert rec.loc["000.00.12.H10-260303-0003", "status"] == "refused"


def test_a_failing_batch_stores_nothing(tmp_path):
    good = read_export(DATA / "ho-so.csv")
    bad = read_export(DATA / "thu-tuc.csv")
    bad.frame = pd.concat([bad.frame, bad.frame.iloc[:1]])  # a duplicate key: the insert fails
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(duckdb.Error):
            SD.save(st, [good, bad], ["a" * 64, "b" * 64])
        assert SD.counts(st) == {DOSSIERS: 0, PROCEDURES: 0, DECISIONS: 0}


def test_a_read_only_store_without_dossiers(tmp_path):
    with Store(tmp_path / "s.duckdb"):
        pass
    with Store(tmp_path / "s.duckdb", read_only=True) as st:
        assert not SD.has_tables(st)
        assert SD.date_span(st) is None
        assert SD.read_table(st, DOSSIERS).empty


def test_parquet_copies_for_spark(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        paths = SD.export_parquet(st, tmp_path / "pq")
    import pyarrow.parquet as pq

    schema = pq.read_schema(paths[DOSSIERS])
    assert str(schema.field("received_at").type) == "timestamp[us]"
    assert pq.read_table(paths[DECISIONS]).num_rows == 3

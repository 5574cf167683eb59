import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chiso766.compute import measures as M
from chiso766.ingest.tables import read_table
from chiso766.store import Source, Store, StoreError, default_store_path, sha256_of

SEED = Path(__file__).parent / "data" / "seed004"


def _ingest(store: Store, path: Path):
    read = read_table(path)
    return store.ingest(
        read.measures, Source(str(path), sha256_of(path), "table", read.methodology)
    )


def test_ingest_records_provenance(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        res = _ingest(st, SEED / "004-departments.csv")
        assert res.status == "ingested" and res.rows == 26
        src = st.sources()
        assert src["sha256"].iloc[0] == sha256_of(SEED / "004-departments.csv")
        assert src["path"].iloc[0].endswith("004-departments.csv")
        assert pd.notna(src["ingested_at"].iloc[0])
        m = st.measures(["2025-04-08"])
        assert (m["source_id"] == res.source_id).all()
        assert m["unit"].tolist()[:2] == ["Sở Nội vụ", "Sở Xây dựng"]  # file order kept
        nodata = m[m["unit"] == "Sở Ngoại vụ"]
        assert nodata["value"].isna().all()  # no data stays NULL, not 0


def test_reingesting_the_same_file_changes_nothing(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        _ingest(st, SEED / "004-districts.csv")
        before = st.counts()
        res = _ingest(st, SEED / "004-districts.csv")
        assert res.status == "unchanged"
        assert st.counts() == before


def test_a_failed_ingest_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        _ingest(st, SEED / "004-districts.csv")
        before = st.counts()
        bad = read_table(SEED / "004-departments.csv").measures
        bad = bad.astype({"value": object})
        bad.loc[3, "value"] = "not a number"  # refused before anything is written
        with pytest.raises((ValueError, TypeError)):
            st.ingest(bad, Source("bad.csv", "f" * 64, "table"))
        assert st.counts() == before
    # and on disk, from a new connection
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*) from sources").fetchone()[0] == 1
    con.close()


def test_failure_after_writes_is_rolled_back(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        before = st.counts()
        frame = read_table(SEED / "004-districts.csv").measures
        # the units upsert succeeds, the measures insert fails: nothing must remain
        st.con.execute("ALTER TABLE measures DROP COLUMN seq")
        with pytest.raises(duckdb.Error):
            st.ingest(frame, Source("x.csv", "a" * 64, "table"))
        assert st.counts() == before


def test_undated_values_are_refused(tmp_path, write_csv):
    path = write_csv("Đơn vị,Tổng điểm\nSở Nội vụ,80\n")
    frame = read_table(path).measures
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(StoreError, match="without a date"):
        st.ingest(frame, Source(str(path), sha256_of(path), "table"))


def test_later_file_updates_values_and_keeps_both_sources(tmp_path, write_csv):
    a = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở Nội vụ,80\nSở Y tế,70\n", "a.csv")
    b = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở Nội vụ,81\n", "b.csv")
    with Store(tmp_path / "s.duckdb") as st:
        _ingest(st, a)
        _ingest(st, b)
        m = st.measures(["2025-04-08"]).set_index("unit")["value"]
        assert m["Sở Nội vụ"] == 81 and m["Sở Y tế"] == 70
        assert len(st.sources()) == 2


def test_snapshots_and_filters(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        for f in ("004-indicators.csv", "004-overdue.csv", "004-province-rank.csv"):
            _ingest(st, SEED / f)
        snaps = st.snapshots()
        assert snaps["snapshot"].tolist() == ["2024", "2025-03-27", "2025-04-08", "2025-04-10"]
        scored = st.snapshots(scopes=["indicator", "rank"])["snapshot"].tolist()
        assert "2025-04-10" not in scored
        ranks = st.measures(scopes=["rank"])
        assert ranks["value"].tolist() == [8.0, 20.0]
        assert st.measures(unit_ids=[]).empty


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CHISO766_STORE", str(tmp_path / "x.duckdb"))
    assert default_store_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("CHISO766_STORE")
    assert default_store_path().name == "chiso766.duckdb"


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_conform_round_trip():
    frame = M.conform(
        pd.DataFrame(
            [
                {
                    "snapshot": "2025",
                    "unit_id": "u",
                    "unit": "U",
                    "level": "department",
                    "scope": "total",
                    "kind": "points",
                    "value": "80,5".replace(",", "."),
                }
            ]
        )
    )
    assert frame["value"].iloc[0] == 80.5 and frame["code"].iloc[0] == ""
    assert list(frame.columns) == list(M.COLUMNS)
    digest = hashlib.sha256(b"x").hexdigest()
    assert len(digest) == 64


def test_unit_links_follow_renames(tmp_path, write_csv):
    a = write_csv("Đơn vị,Tổng điểm (01/4/2025)\nSở A cũ,80\nSở B,70\nUBND xã C,60\n", "a.csv")
    b = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở A mới,81\nSở A mới hơn,1\n", "b.csv")
    with Store(tmp_path / "s.duckdb") as st:
        _ingest(st, a)
        _ingest(st, b)
        with pytest.raises(StoreError, match="did you mean 'Sở A cũ'"):
            st.find_unit("so a cu")  # without diacritics: a suggestion, never the identity
        old, new = st.find_unit("sở a cũ"), st.find_unit("Sở A mới")
        st.link_units(old, new, "QĐ 01/QĐ-UBND")
        assert st.unit_links() == {old: new}
        newer = st.find_unit("Sở A mới hơn")
        st.link_units(new, newer)
        assert st.unit_links() == {old: newer, new: newer}  # chains are followed
        with pytest.raises(StoreError, match="same level"):
            st.link_units(st.find_unit("Sở B"), st.find_unit("UBND xã C"))
        with pytest.raises(StoreError, match="no unit named"):
            st.find_unit("Sở Không Có")
        with pytest.raises(StoreError, match="itself"):
            st.link_units(old, old)

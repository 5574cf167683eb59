import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chiso766.compute import measures as M
from chiso766.ingest.tables import read_table
from chiso766.store import Source, Store, StoreError, default_store_path, sha256_of

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

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


# ---- one transaction for a batch; value history ----------------------------------------------
def _load(path: Path):
    from chiso766.store import Load

    read = read_table(path)
    return Load(read.measures, Source(str(path), sha256_of(path), "table", read.methodology))


def test_a_batch_is_stored_whole_or_not_at_all(tmp_path, write_csv):
    from chiso766.ingest.errors import IngestError

    good = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở Nội vụ,80\n", "good.csv")
    twin = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nUBND xa Hoa An,70\n", "twin.csv")
    seed = write_csv("Đơn vị,Tổng điểm (01/4/2025)\nUBND xã Hòa An,60\n", "seed.csv")
    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        st.ingest_many([_load(seed)])
        before, raw = st.counts(), None
    raw = path.read_bytes()
    with Store(path) as st:
        with pytest.raises(IngestError, match="without tone marks") as err:
            st.ingest_many([_load(good), _load(twin)])  # the second fails: the first is undone
        assert "did you mean" not in str(err.value) and "'UBND xã Hòa An'" in str(err.value)
        assert st.counts() == before
    assert path.read_bytes() == raw


@pytest.mark.usefixtures("vietnamese")
def test_reingest_keeps_the_old_value_in_the_history_and_says_what_changed(tmp_path, write_csv):
    from chiso766.store import summary_vi

    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\nSở Y tế,70\n", "a.csv")
    b = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,91\nSở Y tế,70\n", "b.csv")
    with Store(tmp_path / "s.duckdb") as st:
        (first,) = st.ingest_many([_load(a)])
        (second,) = st.ingest_many([_load(b)])
        assert first.changes == ()
        assert [(c.unit, c.old, c.new) for c in second.changes] == [("Sở Nội vụ", 81, 91)]
        assert summary_vi(second.changes) == "1 giá trị thay đổi: Sở Nội vụ, 27/3/2025: 81 → 91"
        current = st.measures(["2025-03-27"])  # the same columns as before the history
        assert list(current.columns) == [
            "snapshot", "unit_id", "unit", "level", "scope", "code", "kind", "value",
            "numerator", "denominator", "max_score", "flag", "note", "label", "computed",
            "source_id",
        ]  # fmt: skip
        assert current.set_index("unit")["value"]["Sở Nội vụ"] == 91
        hist = st.history(unit_ids=[st.find_unit("Sở Nội vụ")])
        assert hist["value"].tolist() == [81, 91]
        assert hist["current"].tolist() == [False, True]
        assert [Path(p).name for p in hist["source_path"]] == ["a.csv", "b.csv"]
        uid = st.find_unit("Sở Nội vụ")
        assert Path(st.source_of("2025-03-27", uid, "total", "", "points")["path"]).name == "b.csv"
        where = st.measures(["2025-03-27"], with_source=True)
        assert {Path(p).name for p in where["source_path"]} == {"b.csv"}


@pytest.mark.usefixtures("vietnamese")
def test_a_value_that_appears_or_disappears_is_a_change(tmp_path, write_csv):
    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,-\n", "a.csv")
    b = write_csv('Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,"80,5"\n', "b.csv")
    with Store(tmp_path / "s.duckdb") as st:
        st.ingest_many([_load(a)])
        (res,) = st.ingest_many([_load(b)])
    assert res.changes[0].describe() == "Sở Nội vụ, 27/3/2025: không có dữ liệu → 80,5"


def test_a_store_written_before_the_history_gets_one(tmp_path, write_csv):
    path = tmp_path / "old.duckdb"
    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\n", "a.csv")
    with Store(path) as st:
        st.ingest_many([_load(a)])
        st.con.execute("DROP TABLE measure_history")  # as the previous version wrote it
    with Store(path, read_only=True) as st:
        assert st.history()["value"].tolist() == [81]  # read from the current values
    b = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,82\n", "b.csv")
    with Store(path) as st:
        st.ingest_many([_load(b)])
        assert st.history()["value"].tolist() == [81, 82]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a DuckDB file"),
        (b"hello" * 100, "not a DuckDB file"),
    ],
)
def test_a_file_that_is_not_a_store_is_refused_untouched(tmp_path, content, message):
    path = tmp_path / "s.duckdb"
    path.write_bytes(content)
    for read_only in (True, False):
        with pytest.raises(StoreError, match=message):
            Store(path, read_only=read_only)
    assert path.read_bytes() == content


def test_a_folder_or_another_programs_database_is_refused(tmp_path):
    folder = tmp_path / "dir.duckdb"
    folder.mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        Store(folder)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a chiso766 store .*invoices"):
        Store(other)


def test_replacement_scans_cannot_reach_python_variables(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        invoices = pd.DataFrame({"a": [1]})  # noqa: F841 - what a replacement scan would find
        with pytest.raises(duckdb.CatalogException):
            st.con.execute("SELECT * FROM invoices")


def test_units_under_the_former_ids_move_to_ids_that_keep_tone_marks(tmp_path, write_csv):
    path = tmp_path / "old.duckdb"
    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\nUBND xã Hòa An,70\n", "a.csv")
    with Store(path) as st:
        st.ingest_many([_load(a)])
        for old, new in (
            ("department:so-noi-vu", "department:sở-nội-vụ"),
            ("commune:xa-hoa-an", "commune:xã-hòa-an"),
        ):  # as the previous version named them
            for table in ("units", "measures", "measure_history"):
                st.con.execute(f"UPDATE {table} SET unit_id = ? WHERE unit_id = ?", [old, new])
    b = write_csv("Đơn vị,Điểm đánh giá (08/4/2025)\nSở Nội vụ,82\nUBND xã Hóa An,60\n", "b.csv")
    with Store(path) as st:
        st.ingest_many([_load(b)])
        units = dict(zip(st.units()["name"], st.units()["unit_id"], strict=True))
        assert units == {
            "Sở Nội vụ": "department:sở-nội-vụ",
            "UBND xã Hòa An": "commune:xã-hòa-an",
            "UBND xã Hóa An": "commune:xã-hóa-an",
        }
        noi_vu = st.history(unit_ids=["department:sở-nội-vụ"])
        assert noi_vu["value"].tolist() == [81, 82]


def test_a_store_whose_folder_cannot_be_made_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder of the store"):
        Store(blocker / "sub" / "s.duckdb")


def test_a_store_with_the_former_keyed_measures_is_rebuilt_with_its_rows(tmp_path, write_csv):
    """Stores written before measures lost their primary key: the table is rebuilt (same
    columns, same rows) at the next write, inside its transaction."""
    path = tmp_path / "old.duckdb"
    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\nSở Y tế,70\n", "a.csv")
    with Store(path) as st:
        st.ingest_many([_load(a)])
        before = st.con.execute("SELECT * FROM measures ORDER BY unit_id").fetchall()
        # as the former version created it
        st.con.execute("CREATE TABLE m2 AS SELECT * FROM measures")
        st.con.execute("DROP TABLE measures")
        st.con.execute(
            "CREATE TABLE measures (snapshot VARCHAR, unit_id VARCHAR, scope VARCHAR, "
            "code VARCHAR, kind VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, "
            "max_score DOUBLE, computed DOUBLE, flag VARCHAR, note VARCHAR, label VARCHAR, "
            "source_id VARCHAR, seq INTEGER, PRIMARY KEY (snapshot, unit_id, scope, code, kind))"
        )
        st.con.execute("INSERT INTO measures SELECT * FROM m2")
        st.con.execute("DROP TABLE m2")

    def keyed(st: Store) -> int:
        return st.con.execute(
            "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'measures' "
            "AND constraint_type = 'PRIMARY KEY'"
        ).fetchone()[0]

    with Store(path, read_only=True) as st:  # read as it is
        assert keyed(st) == 1 and len(st.measures()) == 2
    b = write_csv("Đơn vị,Điểm đánh giá (08/4/2025)\nSở Nội vụ,85\n", "b.csv")
    with Store(path) as st:
        st.ingest_many([_load(b)])
        assert keyed(st) == 0
        rows = st.con.execute(
            "SELECT * FROM measures WHERE snapshot = '2025-03-27' ORDER BY unit_id"
        ).fetchall()
        assert rows == before
        assert len(st.measures()) == 3


def test_a_batch_holding_one_value_twice_is_refused_and_nothing_is_kept(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        _ingest(st, SEED / "004-districts.csv")
        before = st.counts()
        frame = read_table(SEED / "004-departments.csv").measures
        twice = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
        with pytest.raises(StoreError, match="appears twice"):
            st.ingest(twice, Source("twice.csv", "e" * 64, "table"))
        assert st.counts() == before


def test_the_history_table_holds_only_replaced_values(tmp_path, write_csv):
    """A first load writes its values once (into ``measures``); a later load moves the
    values it replaces into ``measure_history``; reading the history sees both."""
    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\nSở Y tế,70\n", "a.csv")
    b = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,91\n", "b.csv")
    with Store(tmp_path / "s.duckdb") as st:
        st.ingest_many([_load(a)])
        assert st.con.execute("SELECT count(*) FROM measure_history").fetchone()[0] == 0
        assert st.history()["value"].tolist() == [81, 70]
        st.ingest_many([_load(b)])
        kept = st.con.execute("SELECT value FROM measure_history").fetchall()
        assert kept == [(81.0,)]
        hist = st.history()
        assert hist[["value", "current"]].values.tolist() == [[81, False], [91, True], [70, True]]
        assert st.summary()["history"] == {"recorded": 3, "current": 2, "keys_changed": 1}


def test_a_store_whose_history_also_holds_its_current_values_reads_each_once(tmp_path, write_csv):
    """As an earlier version wrote it: every load's rows appended to ``measure_history``."""
    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\n", "a.csv")
    b = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,91\n", "b.csv")
    c = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,95\n", "c.csv")
    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        st.ingest_many([_load(a)])
        st.con.execute(
            "INSERT INTO measure_history SELECT m.*, s.ingested_at FROM measures m "
            "JOIN sources s USING (source_id)"
        )  # the earlier version's copy of the current values (same column order)
        assert st.history()["value"].tolist() == [81]
        st.ingest_many([_load(b)])
        assert st.con.execute("SELECT count(*) FROM measure_history").fetchone()[0] == 1
        st.ingest_many([_load(c)])
        assert st.history()["value"].tolist() == [81, 91, 95]
        assert st.history()["current"].tolist() == [False, False, True]


def test_a_reader_s_frame_is_stored_as_it_is_the_same_as_conformed_again(tmp_path, write_csv):
    from chiso766.store import Load

    a = write_csv('Đơn vị,Điểm đánh giá (27/3/2025),Ghi chú\nSở Nội vụ,"81,5",\nSở Y tế,-,x\n')
    read = read_table(a)
    got = []
    for conformed in (False, True):
        source = Source(str(a), sha256_of(a), "table", read.methodology)
        with Store(tmp_path / f"{conformed}.duckdb") as st:
            st.ingest_many([Load(read.measures, source, conformed=conformed)])
            got.append(st.measures().drop(columns="source_id"))
    pd.testing.assert_frame_equal(got[0], got[1])


def test_a_frame_arrow_cannot_hold_is_stored_as_it_is():
    from chiso766.store.loads import as_arrow

    odd = pd.DataFrame({"code": ["a", 1.5, None]}, dtype=object)  # text and a number
    assert as_arrow(odd) is odd
    assert as_arrow(pd.DataFrame({"code": ["a", None]}, dtype=object)).num_rows == 2


def test_a_repeated_key_is_found_whatever_its_nulls_and_a_unique_one_is_not():
    import duckdb

    from chiso766.store.loads import _twice

    con = duckdb.connect()
    key = ["snapshot", "unit_id", "scope", "code", "kind"]
    unique = pd.DataFrame(
        [["s", "u1", "total", "", "points"], ["s", "u1", "total", None, "points"],
         ["s", "u2", "total", "", "points"], ["s", "u1", "group", "", "points"]],
        columns=key,
    )  # fmt: skip
    con.register("incoming", unique)
    assert _twice(con, "incoming") is None
    con.unregister("incoming")
    con.register("incoming", pd.concat([unique, unique.iloc[[1]]], ignore_index=True))
    assert _twice(con, "incoming") == ("s", "u1", "total", None, "points")


def test_units_keep_their_first_source_and_take_the_last_and_its_codes(tmp_path):
    """A unit is recorded with the source that first brought it; a later source becomes
    its last, and gives it a code where it has one (a code not given is kept)."""

    def frame(units: list[str]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "snapshot": "2025-04-08",
                "unit_id": [f"department:{u}" for u in units],
                "unit": units,
                "level": "department",
                "scope": "total",
                "code": "",
                "kind": "points",
                "value": 80.0,
            }
        )

    def codes(pairs: dict[str, str | None]) -> pd.DataFrame:
        return pd.DataFrame(
            {"unit_id": [f"department:{u}" for u in pairs], "code": list(pairs.values())}
        )

    with Store(tmp_path / "s.duckdb") as st:
        one = st.ingest(
            frame(["a", "b"]), Source("1", "1" * 64, "portal"), None, codes({"a": "A1"})
        )
        two = st.ingest(
            frame(["a", "b", "c"]),
            Source("2", "2" * 64, "portal"),
            None,
            codes({"a": None, "b": "B2", "c": "C2"}),
        )
        units = st.units().set_index("name")
        assert units["first_source"].to_dict() == {
            "a": one.source_id,
            "b": one.source_id,
            "c": two.source_id,
        }
        assert set(units["last_source"]) == {two.source_id}
        assert units["code"].to_dict() == {"a": "A1", "b": "B2", "c": "C2"}

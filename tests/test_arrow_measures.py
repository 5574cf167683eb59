"""The reader's Arrow form of the measures (dictionary-encoded text) and the store's reading
of it: the same values, units, history and refusals as the frame they replace."""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.compute import measures as M
from chiso766.ingest import arrow_measures as AM
from chiso766.ingest.tables import read_table
from chiso766.store import Load, Source, Store, StoreError, sha256_of

pytestmark = pytest.mark.usefixtures("english_module")

words = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["Sở Nội vụ", "xã", ""]))


@settings(max_examples=60, deadline=None)
@given(st.lists(words, max_size=30), st.data())
def test_encoded_text_reads_back_as_the_objects_it_was_made_of(values, data):
    picks = data.draw(st.lists(st.integers(0, max(len(values) - 1, 0)), max_size=40))
    picks = picks if values else []
    at = np.array(picks, dtype=np.int64)
    arr = AM.encoded(at, values)
    expected = [values[i] for i in picks]
    assert AM.objects(arr).tolist() == expected
    assert [None if pd.isna(v) else v for v in AM.categories(arr)] == expected
    assert AM.strings(arr).tolist() == [pd.NA if v is None else v for v in expected]
    assert AM.distinct(arr) == sorted({v for v in expected if v is not None})
    assert AM.objects(AM.texts(np.array(values, dtype=object))).tolist() == values


def _table(write_csv) -> Path:
    return write_csv(
        "Đơn vị,Cấp,Tổng điểm (08/4/2025),Tổng điểm (27/3/2025),Ghi chú\n"
        'UBND xã An Bình,UBND cấp xã,"81,5",80,\n'
        "UBND xã Tân Phú,UBND cấp xã,-,79,đang rà soát\n"
        "Tổng cộng,,,,\n"
        'UBND huyện Lộc Ninh,UBND cấp huyện,"90,25",91,\n'
    )


def test_a_unit_table_is_read_into_arrow_and_its_frame_conforms(write_csv):
    read = read_table(_table(write_csv))
    assert read.table is not None and read.unique_keys
    assert pa.types.is_dictionary(read.table.schema.field("unit_id").type)
    assert read.units.column("unit").to_pylist() == [
        "UBND xã An Bình",
        "UBND xã Tân Phú",
        "UBND huyện Lộc Ninh",
    ]
    frame = read.measures
    pd.testing.assert_frame_equal(frame, M.conform(frame))  # the form conform leaves
    assert read.snapshots == ["2025-03-27", "2025-04-08"]
    row = frame[(frame["unit"] == "UBND xã Tân Phú") & (frame["snapshot"] == "2025-04-08")]
    assert row["value"].isna().all() and row["note"].tolist() == ["-"]  # no data, as written
    other = frame[(frame["unit"] == "UBND xã Tân Phú") & (frame["snapshot"] == "2025-03-27")]
    assert other["note"].tolist() == ["đang rà soát"]


def _store(tmp_path, name: str, load: Load) -> pd.DataFrame:
    with Store(tmp_path / name) as st:
        st.ingest_many([load])
        return st.measures().drop(columns="source_id"), st.units()


def test_the_arrow_load_stores_what_the_frame_stores(tmp_path, write_csv):
    path = _table(write_csv)
    read = read_table(path)
    source = Source(str(path), sha256_of(path), "table", read.methodology)
    arrow = Load(None, source, table=read.table, unique_keys=True, units=read.units)
    unlisted = Load(None, source, table=read.table)  # units found and keys checked in SQL
    frame = Load(read.measures, source, conformed=True)
    got = [_store(tmp_path, f"{i}.duckdb", load) for i, load in enumerate((arrow, unlisted, frame))]
    for measures, units in got[1:]:
        pd.testing.assert_frame_equal(measures, got[0][0])
        pd.testing.assert_frame_equal(units, got[0][1])
    assert got[0][0]["value"].isna().sum() == 1  # no data stored as NULL, not 0


def test_an_arrow_load_not_proven_unique_is_checked(tmp_path, write_csv):
    path = _table(write_csv)
    read = read_table(path)
    twice = pa.concat_tables([read.table, read.table.slice(0, 1)])
    source = Source(str(path), sha256_of(path), "table", read.methodology)
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(StoreError, match="appears twice"):
            st.ingest_many([Load(None, source, table=twice)])
        assert st.counts()["measures"] == 0  # nothing written


def test_an_arrow_load_replacing_values_keeps_them_in_the_history(tmp_path, write_csv):
    first = _table(write_csv)
    second = write_csv(
        "Đơn vị,Cấp,Tổng điểm (08/4/2025)\nUBND xã An Bình,UBND cấp xã,83\n", "later.csv"
    )
    with Store(tmp_path / "s.duckdb") as st:
        results = []
        for path in (first, second):
            read = read_table(path)
            source = Source(str(path), sha256_of(path), "table", read.methodology)
            load = Load(None, source, table=read.table, unique_keys=True, units=read.units)
            results += st.ingest_many([load])
        (change,) = results[1].changes
        assert (change.old, change.new) == (81.5, 83)
        history = st.history(["2025-04-08"], ["commune:xã-an-bình"])
        assert history["value"].tolist() == [81.5, 83] and history["current"].tolist() == [
            False,
            True,
        ]

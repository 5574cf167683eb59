"""The engines: the same expressions on DuckDB (store or Parquet) and on Spark give
identical results."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from chiso766 import dossier_analytics as DA
from chiso766 import store_dossiers as SD
from chiso766.engines import backends
from chiso766.engines.expressions import dossier_counts, month_windows
from chiso766.ingest.dossier_inputs import read_export
from chiso766.ingest.dossier_schema import DOSSIERS, PROCEDURES
from chiso766.store import Store, sha256_of

DATA = Path(__file__).parent / "data" / "dossiers"


@pytest.fixture(scope="session")
def spark():
    if not shutil.which("java"):
        pytest.skip("Spark needs Java 17+ (make setup installs default-jre-headless)")
    pytest.importorskip("pyspark")
    return backends.spark_session()


@pytest.fixture
def small_store(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        names = ("ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        SD.save(st, [read_export(DATA / n) for n in names], [sha256_of(DATA / n) for n in names])
        yield st


def sorted_costs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["indicator", "dossier_id"]).reset_index(drop=True)


def test_duckdb_over_parquet_equals_duckdb_over_the_store(small_store, tmp_path):
    cal = DA.calendar_frame(small_store)
    paths = SD.export_parquet(small_store, tmp_path / "pq")
    window = DA.window_for("2026-03")
    a = backends.duckdb_engine(small_store.con, calendar=cal)
    b = backends.duckdb_engine(calendar=cal, parquet=paths)
    ra = DA.compute_with(a, small_store, window)
    rb = DA.compute_with(b, small_store, window)
    pd.testing.assert_frame_equal(ra.table, rb.table)
    pd.testing.assert_frame_equal(sorted_costs(ra.costs), sorted_costs(rb.costs))


def test_stored_ordinals_used_only_with_their_calendar(small_store, tmp_path):
    import datetime as dt

    from test_store_dossiers import with_day_off

    cal = DA.calendar_frame(small_store)
    window = DA.window_for("2026-03")
    paths = SD.export_parquet(small_store, tmp_path / "pq")
    stored = backends.duckdb_engine(small_store.con, calendar=cal)
    assert stored.stored_ordinals
    over_files = backends.duckdb_engine(calendar=cal, parquet=paths)
    assert not over_files.stored_ordinals
    same = DA.compute_with(stored, small_store, window).table
    pd.testing.assert_frame_equal(same, DA.compute_with(over_files, small_store, window).table)
    # a holiday file changed: 4 March became a day off
    changed = with_day_off(cal, dt.date(2026, 3, 4))
    looked_up = backends.duckdb_engine(small_store.con, calendar=changed)
    assert not looked_up.stored_ordinals
    expected = DA.compute_with(
        backends.duckdb_engine(calendar=changed, parquet=paths), small_store, window
    ).table
    got = DA.compute_with(looked_up, small_store, window).table
    pd.testing.assert_frame_equal(got, expected)
    assert not got.equals(same)  # the day off changes the numbers
    SD.refresh_workdays(small_store.con, changed)
    recomputed = backends.duckdb_engine(small_store.con, calendar=changed)
    assert recomputed.stored_ordinals
    pd.testing.assert_frame_equal(DA.compute_with(recomputed, small_store, window).table, expected)


def test_months_in_one_pass(small_store):
    cal = DA.calendar_frame(small_store)
    eng = backends.duckdb_engine(small_store.con, calendar=cal)
    months = pd.DataFrame(
        [{"wkey": w.key, "ws": w.start, "we": w.end} for w in month_windows(2026)]
    )
    table = eng.memtable(months, "months")
    d, p, c = eng.table(DOSSIERS), eng.table(PROCEDURES), eng.table("calendar")
    monthly = eng.execute(dossier_counts(d, p, c, table))
    single = eng.execute(dossier_counts(d, p, c, DA.window_for("2026-03")))
    march = monthly[monthly["wkey"] == "2026-03"].drop(columns="wkey")
    cols = [c for c in march.columns if c != "unit_id"]
    pd.testing.assert_frame_equal(
        march.sort_values("unit_id").reset_index(drop=True)[cols],
        single.drop(columns="wkey").sort_values("unit_id").reset_index(drop=True)[cols],
        check_dtype=False,
    )


def test_spark_gives_identical_results_on_hand_built_records(small_store, spark):
    a = DA.compute(small_store, "2026-03", "duckdb")
    b = DA.compute(small_store, "2026-03", "spark")
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(sorted_costs(a.costs), sorted_costs(b.costs), check_dtype=False)
    pd.testing.assert_frame_equal(a.decisions, b.decisions, check_dtype=False)


def test_duckdb_and_spark_give_identical_indicator_tables_on_the_demo(demo_dossier_store, spark):
    with Store(demo_dossier_store, read_only=True) as st:
        a = DA.compute(st, "2026-11-17", "duckdb", with_costs=False)
        b = DA.compute(st, "2026-11-17", "spark", with_costs=False)
    # 9 indicators for 117 units and the province; 1.1 and 1.2 for the 8 advising units too
    assert len(a.table) == 118 * 9 + 9 * 2
    pd.testing.assert_frame_equal(a.table, b.table)


def test_unknown_engine(small_store):
    with pytest.raises(ValueError, match="unknown engine"):
        DA.compute(small_store, "2026-03", "polars")

"""sql_cache: the dossier queries' SQL compiled once and kept on disk gives the very frames Ibis
gives — for any window, with and without skipped pairs and kept rows — and a process whose
queries are all cached never compiles nor loads Ibis's DuckDB backend; a broken cache file or a
cache folder that cannot be written costs time only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from chiso766 import dossier_analytics as DA
from chiso766.engines import sql_cache
from chiso766.store import Store

PERIODS = ("2026-W47", "2026-10", "2026-11-17")  # a week, a month, the year to a day


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(sql_cache.ENV_CACHE, str(folder))
    return folder / "sql"


def direct(store: Store, period: str, keep: int | None) -> DA.DossierResult:
    """The same computation through Ibis's own compile and execute."""
    window = DA.window_for(period)
    cal = DA.calendar_frame(store, (window.start, window.end))
    with DA.open_engine(store, "duckdb", cal) as eng:
        return DA.compute_with(eng, store, window, keep=keep)


def assert_same(a: DA.DossierResult, b: DA.DossierResult) -> None:
    for name in ("table", "costs", "decisions", "cost_totals"):
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            assert x is None and y is None
        else:
            pd.testing.assert_frame_equal(x, y)


@pytest.mark.parametrize("keep", [None, 20])
def test_cached_sql_gives_the_frames_ibis_gives_for_every_window(
    demo_dossier_store: Path, cache: Path, keep
) -> None:
    with Store(demo_dossier_store, read_only=True) as st:
        for period in PERIODS:
            cold = DA.compute(st, period, keep=keep)
            warm = DA.compute(st, period, keep=keep)  # every query read from the cache
            assert_same(cold, direct(st, period, keep))
            assert_same(warm, cold)
        assert len(cold.costs) and len(cold.decisions)  # the demo has both kinds of lists
    files = sorted(cache.glob("*.json"))
    assert len(files) == 4  # one per query, whatever the window
    sqls = [json.loads(f.read_text())["sql"] for f in files]
    assert all("§" not in s and "1901" not in s for s in sqls)
    assert any("$skip" in s for s in sqls) and all("$ws" in s for s in sqls)


def test_a_process_with_every_query_cached_neither_compiles_nor_loads_the_ibis_backend(
    demo_dossier_store: Path, cache: Path
) -> None:
    with Store(demo_dossier_store, read_only=True) as st:
        DA.compute(st, "2026-W47", keep=20)  # fills the cache
    code = (
        "import sys\n"
        "from chiso766 import dossier_analytics as DA\n"
        "from chiso766.store import Store\n"
        f"st = Store({str(demo_dossier_store)!r}, read_only=True)\n"
        "window = DA.window_for('2026-10')\n"
        "q = DA.duck_queries(st, DA.calendar_frame(st, (window.start, window.end)))\n"
        "r = DA.compute_with(q, st, window, keep=20)\n"
        "print(len(r.table), q.compiled, 'ibis.backends.duckdb' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True
    )
    rows, compiled, backend = done.stdout.split(maxsplit=2)
    assert int(rows) > 0 and compiled == "[]" and backend.strip() == "False"


def test_a_broken_cache_file_is_compiled_again_and_replaced(demo_dossier_store, cache) -> None:
    with Store(demo_dossier_store, read_only=True) as st:
        good = DA.compute(st, "2026-W47", keep=20)
        files = sorted(cache.glob("*.json"))
        files[0].write_text("{not json", encoding="utf-8")
        files[1].write_text(json.dumps({"sql": "SELECT '§window§'", "schema": {}}))
        again = DA.compute(st, "2026-W47", keep=20)
    assert_same(again, good)
    for f in files[:2]:
        assert "§" not in json.loads(f.read_text())["sql"]


def test_a_cache_folder_that_cannot_be_written_costs_time_only(
    demo_dossier_store, tmp_path, monkeypatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(sql_cache.ENV_CACHE, str(blocker))
    with Store(demo_dossier_store, read_only=True) as st:
        result = DA.compute(st, "2026-W47", keep=20)
        assert_same(result, direct(st, "2026-W47", 20))


def test_parameterise_replaces_every_sentinel_or_refuses() -> None:
    sql = (
        "SELECT * FROM t WHERE d BETWEEN MAKE_DATE(1901, 2, 3) AND MAKE_DATE(1901, 4, 5) "
        "AND k = '§window§' AND NOT p IN ('§unit§|§indicator§')"
    )
    out = sql_cache.parameterise(sql)
    assert out == (
        "SELECT * FROM t WHERE d BETWEEN CAST($ws AS DATE) AND CAST($we AS DATE) AND k = $wkey "
        "AND NOT p IN (SELECT UNNEST(CAST($skip AS VARCHAR[])))"
    )
    assert sql_cache.parameterise("SELECT DATE '1901-02-03'") is None  # an unknown form
    assert sql_cache.parameterise("SELECT '§unit§'") is None
    query = sql_cache.Query(out, {})
    window = DA.window_for("2026-W47")
    assert query.parameters(window, [("u1", "2.1")]) == {
        "ws": window.start,
        "we": window.end,
        "wkey": "2026-W47",
        "skip": ["u1|2.1"],
    }


def test_the_key_names_what_the_sql_depends_on() -> None:
    inputs = {"dossier_records": [("unit_id", "VARCHAR")]}
    key = sql_cache.cache_key("dossier_costs", inputs, keep=20, skip=True)
    assert key == sql_cache.cache_key("dossier_costs", inputs, skip=True, keep=20)
    assert key != sql_cache.cache_key("dossier_costs", inputs, keep=10, skip=True)
    assert key != sql_cache.cache_key("dossier_costs", inputs, keep=20, skip=False)
    assert key != sql_cache.cache_key("dossier_counts", inputs, keep=20, skip=True)
    other = {"dossier_records": [("unit_id", "INTEGER")]}
    assert key != sql_cache.cache_key("dossier_costs", other, keep=20, skip=True)


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(sql_cache.ENV_CACHE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert sql_cache.cache_dir() == tmp_path / "chiso766" / "sql"
    monkeypatch.setenv(sql_cache.ENV_CACHE, str(tmp_path / "mine"))
    assert sql_cache.cache_dir() == tmp_path / "mine" / "sql"


def test_stored_ordinals_and_looked_up_days_are_cached_apart_and_both_right(
    demo_dossier_store: Path, cache: Path
) -> None:
    """A store whose dossiers carry working-day ordinals for the calendar in use reads them;
    with another calendar (a holiday file changed) the days are looked up — another query,
    under another key, with that calendar's numbers."""
    import datetime as dt

    from chiso766.engines.backends import duckdb_engine
    from chiso766.ingest.dossier_schema import DOSSIERS

    with Store(demo_dossier_store, read_only=True) as st:
        window = DA.window_for("2026-10")
        cal = DA.calendar_frame(st, (window.start, window.end))
        changed = cal.copy()
        changed.loc[changed["day"] == dt.date(2026, 10, 5), "is_workday"] = 0
        changed["wd_before"] = (changed["is_workday"].cumsum() - changed["is_workday"]).astype(
            cal["wd_before"].dtype
        )
        results = []
        cases = ((cal, "dossier_records"), (changed, "dossier_records_looked_up"))
        for calendar, relation in cases:
            queries = DA.duck_queries(st, calendar)
            assert queries.names[DOSSIERS] == relation
            got = DA.compute_with(queries, st, window, keep=20)
            want = DA.compute_with(duckdb_engine(st.con, calendar=calendar), st, window, keep=20)
            assert_same(got, want)
            results.append(got)
    assert len(list(cache.glob("*.json"))) == 8  # four queries for each kind of input
    on_time = [r.table.set_index(["unit_id", "indicator"])["numerator"] for r in results]
    assert not on_time[0].equals(on_time[1])  # a day less to work: other dossiers late

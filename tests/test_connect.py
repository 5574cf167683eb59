"""Opening the store: a file that is not a store, and a store another process is writing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chiso766.store import Store, StoreBusy, StoreError
from chiso766.store.connect import check_file, wait_seconds

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

SEED = Path(__file__).parent / "data" / "seed004"
HOLD = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('locked', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "con.close()\n"
)


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the store's write lock for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_store_held_by_another_writer_is_waited_for_then_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    holder = _hold(path, 5)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="in use by another process"):
            Store(path, wait=0.5)
        assert 0.4 < time.monotonic() - started < 3
        with pytest.raises(StoreBusy):
            Store(path, read_only=True, wait=0.2)
    finally:
        holder.kill()
        holder.wait()


def test_a_short_hold_is_waited_out(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    holder = _hold(path, 0.5)
    try:
        with Store(path, wait=10) as st:
            assert st.counts()["sources"] == 0
    finally:
        holder.wait()


def test_two_concurrent_ingests_both_store_or_one_is_refused_cleanly(tmp_path):
    path = tmp_path / "s.duckdb"
    env = {**os.environ, "CHISO766_STORE_WAIT": "20", "CHISO766_LOG_DIR": str(tmp_path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "chiso766", "ingest", str(SEED / name), "--store", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for name in ("004-departments.csv", "004-districts.csv")
    ]
    outs = [(p.wait(timeout=120), p.stdout.read()) for p in procs]
    for code, out in outs:
        assert "Traceback" not in out
        assert code == 0 or "in use by another process" in out, out
    with Store(path, read_only=True) as st:
        sources = {Path(p).name for p in st.sources()["path"]}
    stored = {
        name
        for (code, _), name in zip(outs, ("004-departments.csv", "004-districts.csv"), strict=True)
        if code == 0
    }
    assert sources == stored and stored


def test_check_file(tmp_path):
    assert check_file(tmp_path / "missing.duckdb") is None  # a new store
    (tmp_path / "x").write_text("x")
    with pytest.raises(StoreError, match="not a DuckDB file"):
        check_file(tmp_path / "x")


def test_wait_seconds_follows_the_environment(monkeypatch):
    monkeypatch.setenv("CHISO766_STORE_WAIT", "2.5")
    assert wait_seconds() == 2.5
    monkeypatch.setenv("CHISO766_STORE_WAIT", "soon")
    assert wait_seconds() == 10.0

"""The hostile corpus (``tests/data/hostile/``, written by its ``make_corpus.py``): every
malformed or adversarial input, run through the real command in a subprocess, is refused
with a non-zero exit and a message naming the file and the place, never a traceback, and
leaves the store byte for byte as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chiso766.ingest.tables import read_table
from chiso766.store import Source, Store, sha256_of

HERE = Path(__file__).parent / "data" / "hostile"
SEED = Path(__file__).parent / "data" / "seed004"
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
COMMAND = [sys.executable, "-m", "chiso766"]
INVISIBLE = ("\u202e", "\u2067", "\x00")


def _tree(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (or the file itself) with its bytes."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> Path:
    """A small store (seed 004's departments) every case starts from."""
    path = tmp_path_factory.mktemp("base") / "base.duckdb"
    table = SEED / "004-departments.csv"
    read = read_table(table)
    with Store(path) as st:
        st.ingest(read.measures, Source(str(table), sha256_of(table), "table"))
    return path


def _run(case: dict, base: Path, work: Path) -> dict:
    folder = work / case["name"]
    folder.mkdir()
    store = folder / "store.duckdb"
    shutil.copyfile(base, store)
    target = HERE / case["path"] if case["path"] else None
    before = _tree(target) if target is not None and target.exists() else None
    args = [a.replace("{store}", str(store)).replace("{here}", str(HERE)) for a in case["args"]]
    env = {
        **os.environ,
        "CHISO766_STORE": str(store),
        "CHISO766_LOG_DIR": str(folder / "logs"),
        "CHISO766_STORE_WAIT": "1",
        "CHISO766_LANG": "en",  # behaviour; the Vietnamese wording: test_vietnamese_refusal
    }
    env.pop("CHISO766_DEBUG", None)
    proc = subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=env, timeout=120, cwd=folder
    )
    return {
        "code": proc.returncode,
        "out": proc.stdout + proc.stderr,
        "store_same": store.read_bytes() == base.read_bytes(),
        "input_same": before is None or _tree(target) == before,
    }


@pytest.fixture(scope="module")
def results(base_store, tmp_path_factory, request) -> dict[str, dict]:
    """Every selected case run once (two at a time: the machine has two cores)."""
    wanted = {
        item.callspec.params["case"]["name"]
        for item in request.session.items
        if item.path == Path(__file__) and hasattr(item, "callspec")
    }
    work = tmp_path_factory.mktemp("hostile")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            c["name"]: pool.submit(_run, c, base_store, work) for c in CASES if c["name"] in wanted
        }
    return {name: f.result() for name, f in futures.items()}


def test_the_corpus_is_large_enough():
    kinds = {c["note"] for c in CASES}
    assert len(CASES) >= 60 and {"CSV", "XLSX", "portal", "params", "store"} <= kinds
    files = [p for p in HERE.rglob("*") if p.is_file() and p.name not in ("cases.json",)]
    assert len(files) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_input_is_refused_cleanly(case, results):
    res = results[case["name"]]
    out = res["out"]
    assert res["code"] != 0, out
    assert "Traceback" not in out, out
    for fragment in case["expect"]:
        assert fragment in out, f"{fragment!r} not in:\n{out}"
    assert not any(ch in out for ch in INVISIBLE), "invisible controls echoed to the terminal"
    assert res["store_same"], "the store changed"
    assert res["input_same"], "the input file changed"


def test_vietnamese_refusal(base_store, tmp_path):
    """The same refusal in the analyst's language (the default)."""
    store = tmp_path / "s.duckdb"
    shutil.copyfile(base_store, store)
    env = {**os.environ, "CHISO766_STORE": str(store), "CHISO766_LANG": "vi"}
    proc = subprocess.run(
        [*COMMAND, "ingest", str(HERE / "tables" / "rate-above-100.csv")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "1 lỗi; không lưu gì:" in proc.stderr and "dòng 2" in proc.stderr
    assert "tỷ lệ phần trăm lớn hơn 100" in proc.stderr
    assert store.read_bytes() == base_store.read_bytes()

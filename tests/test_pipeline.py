"""pipeline: real batches on a real store (seed 004) — warm kernels, one browser, manifests,
atomic publish — a rerun that executes nothing, a corrected input that re-renders only its
dependants, a broken scorecard that fails soft per report and loud per batch, and a batch
killed midway that leaves every published report whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from chiso766.render.kernels import WarmKernel
from chiso766.render.manifest import MANIFEST, read_manifest, sha256_file
from chiso766.render.pipeline import BatchError, plan, render_batch
from chiso766.report.request import UNIT_SCORECARD, ReportRequest, Resolver
from chiso766.store import Store
from conftest import CHROMIUM, SEED004, ingest_files

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
UNITS = ["Sở Tư pháp", "Sở Y tế", "Sở Ngoại vụ", "UBND thị xã Bình Long"]
FORMATS = ("html", "pdf") if CHROMIUM.exists() else ("html",)


def jobs(store: Path, out: Path, notebooks: Path = NOTEBOOKS, units=UNITS):
    with Store(store, read_only=True) as st:
        res = Resolver(st)
        prov = res.resolve(ReportRequest.build(period="2025-W15"))
        cards = [
            res.resolve(ReportRequest.build(kind=UNIT_SCORECARD, period="2025-W15", unit=u))
            for u in units
        ]
    return plan([prov, *cards], out, FORMATS, notebooks)


def statuses(outcomes) -> dict[str, str]:
    return {o.job.folder.name: o.status for o in outcomes}


def tree(root: Path) -> dict[str, int]:
    """Every file under ``root`` with its modification time."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def assert_whole(folder: Path) -> None:
    """The folder's manifest names files of one run, all there with their hashes."""
    m = read_manifest(folder)
    assert m is not None and m.status == "published", folder
    for info in m.files.values():
        assert sha256_file(folder / info["name"]) == info["sha256"], (folder, info["name"])


@pytest.fixture
def work(seed_store: Path, tmp_path: Path):
    store = tmp_path / "seed.duckdb"
    shutil.copy(seed_store, store)
    out = tmp_path / "reports"
    first = render_batch(jobs(store, out), out, workers=2)
    return store, out, first


def test_a_batch_publishes_every_report_with_its_manifest(work) -> None:
    store, out, first = work
    assert set(statuses(first).values()) == {"published"}
    period = out / "2025-W15"
    assert sorted(p.name for p in (period / "units").iterdir()) == [
        "so-ngoai-vu", "so-tu-phap", "so-y-te", "ubnd-thi-xa-binh-long",
    ]  # fmt: skip
    for folder in [period / "province", *(period / "units").iterdir()]:
        assert_whole(folder)
        m = read_manifest(folder)
        assert set(FORMATS) | {"ipynb"} == set(m.files)
        assert m.input_hash and m.notebook_sha256 and m.library and m.rendered_at
        assert m.timings["execute"] > 0 and m.period_label == "tuần thứ 15, tháng 4/2025"
    card = read_manifest(period / "units" / "so-tu-phap")
    assert card.kind == "unit" and card.unit == "Sở Tư pháp" and card.level == "department"
    page = (period / "units" / "so-tu-phap" / "so-tu-phap-2025-W15.html").read_text("utf-8")
    assert "<title>Phiếu kết quả Bộ chỉ số 766 của Sở Tư pháp, tuần thứ 15, tháng 4/2025" in page
    assert "82,3" in page and "giảm 5,97 điểm" in page and "08/11" in page
    assert len(page.encode()) < 300_000
    assert not [p for p in out.rglob("*.tmp")]
    index = (out / "index.html").read_text("utf-8")
    assert "Sở Tư pháp" in index and "2025-W15/units/so-tu-phap/so-tu-phap-2025-W15.html" in index


def test_a_rerun_with_nothing_changed_executes_nothing(work) -> None:
    store, out, _ = work
    before, launched = tree(out / "2025-W15"), WarmKernel.launched
    again = render_batch(jobs(store, out), out, workers=2)
    assert set(statuses(again).values()) == {"unchanged"}
    assert WarmKernel.launched == launched  # no kernel was even started
    assert tree(out / "2025-W15") == before


def test_a_corrected_input_re_renders_only_its_dependants(work, tmp_path: Path) -> None:
    store, out, _ = work
    text = (SEED004 / "004-departments.csv").read_text(encoding="utf-8")
    fixed = tmp_path / "004-departments-corrected.csv"
    fixed.write_text(text.replace('"82,3"', '"83,3"'), encoding="utf-8")
    ingest_files(store, fixed)
    again = statuses(render_batch(jobs(store, out), out, workers=2))
    assert again == {
        "province": "published",
        "so-tu-phap": "published",
        "so-y-te": "published",
        "so-ngoai-vu": "published",
        "ubnd-thi-xa-binh-long": "unchanged",  # a district: it read nothing that changed
    }
    page = out / "2025-W15" / "units" / "so-tu-phap" / "so-tu-phap-2025-W15.html"
    assert "83,3" in page.read_text("utf-8")


def test_a_broken_scorecard_fails_soft_and_keeps_its_last_good_version(work, tmp_path) -> None:
    store, out, _ = work
    broken = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, broken)
    nb = nbformat.read(broken / "unit_scorecard.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'assert card.unit != "Sở Y tế", "hỏng có chủ ý"'
    ))  # fmt: skip
    nbformat.write(nb, broken / "unit_scorecard.ipynb")
    folder = out / "2025-W15" / "units" / "so-y-te"
    good = {p.name: sha256_file(p) for p in folder.iterdir()}
    with pytest.raises(BatchError) as err:
        render_batch(jobs(store, out, broken), out, workers=2)
    outcomes = statuses(err.value.outcomes)
    assert outcomes.pop("so-y-te") == "failed"
    assert outcomes.pop("province") == "unchanged"  # its notebook did not change
    assert set(outcomes.values()) == {"published"}  # every other scorecard went out
    assert "Sở Y tế" in str(err.value) and "hỏng có chủ ý" in str(err.value)
    for name, digest in good.items():  # the last good version is still published, untouched
        assert sha256_file(folder / name) == digest
    failed = json.loads((folder / "failed.json").read_text("utf-8"))
    assert failed["status"] == "failed" and "AssertionError" in failed["error"]
    kept = nbformat.read(folder / "so-y-te-2025-W15.failed.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in kept.cells)
    index = (out / "index.html").read_text("utf-8")
    assert "Lần lập gần nhất bị lỗi" in index


@pytest.mark.parametrize("point", ["executed", "staged", "published"])
def test_a_killed_batch_leaves_every_report_whole_and_no_temporary(work, tmp_path, point) -> None:
    store, out, _ = work
    shutil.rmtree(out / "2025-W15" / "units" / "so-ngoai-vu")  # one report to be made anew
    cmd = [
        sys.executable,
        "-m",
        "chiso766.cli",
        "render",
        "2025-W15",
        "--store",
        str(store),
        "--out",
        str(out),
        "--force",
        "--workers",
        "1",
        "--format",
        ",".join(FORMATS),
    ]
    for unit in UNITS:
        cmd += ["--units", unit]  # fmt: skip
    env = {**os.environ, "CHISO766_TEST_CRASH_AT": f"so-tu-phap:{point}"}
    killed = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert killed.returncode == 137, killed.stderr[-2000:]
    period = out / "2025-W15"
    for folder in [period / "province", *(period / "units").iterdir()]:
        if not folder.name.startswith("."):
            assert_whole(folder)  # old or new, never half
    if point != "published":  # the killed run's staging folder remains …
        assert [p for p in period.rglob(".*.tmp")], killed.stderr[-500:]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not [p for p in out.rglob("*.tmp")]  # … and the next run removes them
    for root in (Path("/tmp"), Path("/dev/shm")):  # kernels' sockets, browsers' profiles
        assert all(_alive(p) for p in root.glob("chiso766-*-*-*"))
    for folder in [period / "province", *(period / "units").iterdir()]:
        assert_whole(folder)


def _alive(path: Path) -> bool:
    pid = int(path.name.split("-")[2])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_published_manifests_are_json_with_the_request(work) -> None:
    _, out, _ = work
    data = json.loads((out / "2025-W15" / "province" / MANIFEST).read_text("utf-8"))
    assert data["request"]["period"] == "2025-W15" and "store" not in data["request"]
    assert data["kind"] == "province" and data["province"] == "UBND tỉnh Bình Phước"

"""kernels: a real warm IPython kernel runs notebooks one after another through papermill —
each with a clean namespace and counts from 1, a failing cell named, a dead kernel said in
plain words and replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chiso766.render.kernels import KernelDied, WarmKernel
from conftest import MINI_REPORT, run_mini_report_and_its_failure, small_notebook

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("english_module")]
MINI = MINI_REPORT


notebook = small_notebook


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory):
    with WarmKernel(MINI.parent) as k:
        yield k


def test_reports_share_the_kernel_not_the_namespace(kernel: WarmKernel, tmp_path: Path) -> None:
    first = notebook(tmp_path, "a", "leftover = label * 2", "print(leftover)")
    second = notebook(tmp_path, "b", "print('leftover' in globals(), label)")
    kernel.run(first, {"label": "ab"}, tmp_path / "a.out.ipynb", 60)
    nb = kernel.run(second, {"label": "c"}, tmp_path / "b.out.ipynb", 60)
    outputs = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert "False c\n" in outputs
    counts = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # the record starts at In [1]
    saved = json.loads((tmp_path / "b.out.ipynb").read_text(encoding="utf-8"))
    tags = [c["metadata"].get("tags", []) for c in saved["cells"]]
    assert ["injected-parameters"] in tags  # papermill's record of the parameters


def test_the_mini_report_runs_and_a_failing_cell_is_named(kernel: WarmKernel, tmp_path: Path):
    run_mini_report_and_its_failure(kernel, tmp_path)


def test_a_dead_kernel_is_reported_and_replaced(tmp_path: Path) -> None:
    dies = notebook(tmp_path, "dies", "import os\nos._exit(9)")
    fine = notebook(tmp_path, "fine", "print('vẫn chạy')")
    with WarmKernel(tmp_path) as k:
        with pytest.raises(KernelDied, match="out of memory"):
            k.run(dies, {}, tmp_path / "dies.out.ipynb", 60)
        nb = k.run(fine, {}, tmp_path / "fine.out.ipynb", 60)
        assert "vẫn chạy" in str(nb.cells[-1].outputs)


def test_kernels_talk_over_ipc_in_a_private_folder(kernel: WarmKernel) -> None:
    info = json.loads(Path(kernel.km.connection_file).read_text())
    assert info["transport"] == "ipc" and "chiso766-kernel-" in info["ip"]

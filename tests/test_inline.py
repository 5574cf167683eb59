"""inline: a report notebook run in this process through papermill keeps the record a kernel
would — outputs of every kind, counts from 1, the injected parameters, a failing cell named
and marked, a stop message without a traceback — with a fresh namespace per report, and the
process's ``__main__``, working folder and ``sys.path`` left as they were."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from chiso766.render.errors import RenderError
from chiso766.render.inline import InlineKernel
from chiso766.render.kernels import WarmKernel
from conftest import MINI_REPORT, run_mini_report_and_its_failure, small_notebook

pytestmark = pytest.mark.usefixtures("english_module")
MINI = MINI_REPORT


notebook = small_notebook


def outputs(nb) -> list[tuple[str, object]]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            value = out.get("text") or out.get("data") or out.get("evalue")
            found.append((out["output_type"], value))
    return found


def test_outputs_of_every_kind_are_recorded_as_a_kernel_sends_them(tmp_path: Path) -> None:
    path = notebook(
        tmp_path,
        "kinds",
        "print('một'); print('hai')",
        "import sys; print('cảnh báo', file=sys.stderr)",
        "import warnings; warnings.warn('số liệu tạm tính')",
        "from IPython.display import HTML, display\ndisplay(HTML('<b>đậm</b>'))",
        "label * 2",
        "import os; os.getpid()",
    )
    nb = InlineKernel(tmp_path).start().run(path, {"label": "ab"}, tmp_path / "out.ipynb", 60)
    found = outputs(nb)
    assert ("stream", "một\nhai\n") in found  # one stream output, as a kernel merges them
    assert ("stream", "cảnh báo\n") in found
    assert any(kind == "stream" and "UserWarning: số liệu tạm tính" in v for kind, v in found)
    assert any(kind == "display_data" and "<b>đậm</b>" in str(v) for kind, v in found)
    assert ("execute_result", {"text/plain": "'abab'"}) in found
    assert ("execute_result", {"text/plain": str(os.getpid())}) in found  # in this process
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    saved = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    tags = [c["metadata"].get("tags", []) for c in saved["cells"]]
    assert ["injected-parameters"] in tags
    assert all("duration" in c["metadata"]["papermill"] for c in saved["cells"])
    nbformat.validate(nbformat.read(tmp_path / "out.ipynb", as_version=4))


def test_each_report_has_a_fresh_namespace_and_the_process_is_left_as_it_was(tmp_path):
    main, cwd, path = sys.modules["__main__"], os.getcwd(), list(sys.path)
    first = notebook(
        tmp_path, "a", "leftover = label * 2", "import os, sys\nos.chdir('/')\nsys.path.append('x')"
    )
    second = notebook(tmp_path, "b", "print('leftover' in globals(), label)")
    kernel = InlineKernel(tmp_path).start()
    kernel.run(first, {"label": "ab"}, tmp_path / "a.out.ipynb", 60)
    nb = kernel.run(second, {"label": "c"}, tmp_path / "b.out.ipynb", 60)
    assert ("stream", "False c\n") in outputs(nb)
    assert sys.modules["__main__"] is main and os.getcwd() == cwd and sys.path == path


def test_a_failing_cell_is_named_and_marked_and_a_stop_shows_its_message_alone(tmp_path):
    kernel = InlineKernel(MINI.parent).start()
    kept = run_mini_report_and_its_failure(kernel, tmp_path)
    failed = [c for c in kept.cells if c.metadata.get("papermill", {}).get("exception")]
    assert len(failed) == 1 and failed[0].outputs[-1].output_type == "error"

    stop = notebook(
        tmp_path,
        "stop",
        "from chiso766.report.display import NotebookStop\nraise NotebookStop('chưa có kho')",
    )
    with pytest.raises(RenderError, match="NotebookStop: chưa có kho"):
        kernel.run(stop, {}, tmp_path / "stop.out.ipynb", 60)
    error = nbformat.read(tmp_path / "stop.out.ipynb", as_version=4).cells[-1].outputs[-1]
    assert error.traceback == ["Stopped: chưa có kho"]  # the message, no Python traceback


def test_starting_counts_as_a_kernel_for_the_no_kernel_before_validation_checks(tmp_path):
    before = WarmKernel.launched
    InlineKernel(tmp_path).start()
    assert WarmKernel.launched == before + 1

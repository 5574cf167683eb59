"""parameters: values checked against a notebook's ``parameters`` cell before any kernel
starts — unknown names, wrong types, every problem listed."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from chiso766.render.parameters import ParameterError, validate_parameters

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

MINI = Path(__file__).parent / "data" / "notebooks" / "mini_report.ipynb"


def test_valid_parameters_pass() -> None:
    params = {"title": "Báo cáo", "unit_name": "Sở Y tế", "period": "2024-04", "fail": False}
    assert validate_parameters(MINI, params) == params
    assert validate_parameters(MINI, {}) == {}


def test_int_period_is_refused_with_a_hint() -> None:
    with pytest.raises(ParameterError) as info:
        validate_parameters(MINI, {"period": 202405})
    message = str(info.value)
    assert "'period' must be str" in message and "got int 202405" in message
    assert "pass it quoted, e.g. '202405'" in message
    assert info.value.stage == "parameters"


def test_every_problem_is_listed() -> None:
    with pytest.raises(ParameterError) as info:
        validate_parameters(
            MINI, {"perod": "2025-W15", "fail": 1, "title": None, "unit_name": pd.Timestamp(0)}
        )
    problems = info.value.problems
    assert len(problems) == 4
    assert (
        "unknown parameter 'perod' (the notebook has: fail, period, title, unit_name)" in problems
    )
    assert any("'fail' must be bool" in p for p in problems)
    assert any("'title' must be str" in p and "quoted" not in p for p in problems)
    assert any("pass dates and periods as strings" in p for p in problems)


def test_annotations_and_defaults_decide_types(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        'n: int = 3\nx = 1.5\nname: str | None = None\nanything = None\nitems: list[str] = ["a"]'
    )
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = tmp_path / "typed.ipynb"
    nbformat.write(nb, path)
    ok = {"n": 4, "x": 2, "name": None, "anything": {"a": [1]}, "items": ("b",)}
    assert validate_parameters(path, ok) == ok
    validate_parameters(path, {"name": "Sở"})
    with pytest.raises(ParameterError) as info:
        validate_parameters(path, {"n": 4.0, "x": True, "items": "a"})
    assert len(info.value.problems) == 3


def test_notebook_without_parameters_cell(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    assert validate_parameters(path, {}) == {}
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        validate_parameters(path, {"x": 2})


@pytest.mark.parametrize(("name", "kind"), [("province_report", "province"),
                                            ("unit_scorecard", "unit")])  # fmt: skip
def test_each_notebook_declares_exactly_what_its_request_passes(name: str, kind: str) -> None:
    from chiso766.report.request import ReportRequest

    notebook = Path(__file__).parents[1] / "notebooks" / f"{name}.ipynb"
    request = ReportRequest.build(kind=kind, period="2026-W47", unit="Sở Tư pháp" if kind ==
                                  "unit" else "")  # fmt: skip
    params = request.to_parameters()
    assert validate_parameters(notebook, params) == params
    from chiso766.render.parameters import declared_parameters

    assert set(declared_parameters(notebook)) == set(params)

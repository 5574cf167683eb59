"""`chiso766 render` and `chiso766 run`: every request is resolved against the store before a
kernel starts; a refused one starts no kernel and writes nothing."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from chiso766.cli import app
from chiso766.render.kernels import WarmKernel
from conftest import SEED004, ingest_files

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--methodology", "no-such"], "unknown methodology 'no-such'"),
        (["--province", "Hà Nội"], "the province 'Hà Nội' is not in the data"),
        (["--units", "Sở Du lịch"], "no unit named 'Sở Du lịch'"),
        (["--rank", "64/63"], "20/63"),
        (["--compare", "2025-04-08"], "is not before the period"),
        (["--format", "html,odt"], "formats: use some of"),
    ],
)
def test_a_refused_request_starts_no_kernel_and_writes_nothing(seed_store, tmp_path, args,
                                                                expected):  # fmt: skip
    launched = WarmKernel.launched
    out = tmp_path / "reports"
    res = run("render", "2025-W15", "--store", seed_store, "--out", out, *args)
    assert res.exit_code == 1 and expected in res.stderr, res.stderr
    assert "Traceback" not in res.output + res.stderr
    assert WarmKernel.launched == launched and not out.exists()


def test_render_refuses_a_bad_period(tmp_path):
    res = run("render", "202405", "--store", tmp_path / "x.duckdb")
    assert res.exit_code == 1 and "202405" in res.stderr


def test_render_checks_periods_against_the_store_first(tmp_path):
    store = tmp_path / "s.duckdb"
    ingest_files(store, SEED004 / "004-departments.csv")
    res = run("render", "2025-W15", "2024-04", "--store", store, "--out", tmp_path / "r")
    assert res.exit_code == 1
    assert "nothing rendered" in res.stderr and "no snapshot in the store for 2024-04" in res.stderr
    assert not (tmp_path / "r").exists()


def test_run_files_are_checked_before_rendering(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("period: 202405\nunits: [7]\n")
    res = run("run", bad)
    assert res.exit_code == 1 and "nothing rendered" in res.stderr and "202405" in res.stderr
    assert "units must be" in res.stderr


@pytest.mark.slow
def test_render_with_units_publishes_the_set_and_reruns_nothing(seed_store, tmp_path):
    out = tmp_path / "reports"
    args = ("render", "2025-W15", "--store", seed_store, "--out", out, "--format", "html",
            "--units", "departments")  # fmt: skip
    res = run(*args)
    assert res.exit_code == 0, res.stderr
    assert "14 report(s): 14 rendered, 0 unchanged, 0 failed" in res.stderr
    assert len(list((out / "2025-W15" / "units").iterdir())) == 13
    launched = WarmKernel.launched
    again = run(*args)
    assert "14 report(s): 0 rendered, 14 unchanged, 0 failed" in again.stderr
    assert WarmKernel.launched == launched
    assert (out / "index.html").exists()

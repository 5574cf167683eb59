"""`chiso766 render` and `chiso766 run`: parameters are checked before any notebook runs."""

from pathlib import Path

from typer.testing import CliRunner

from chiso766.cli import app

SEED = Path(__file__).parent / "data" / "seed004"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_render_refuses_a_bad_period(tmp_path):
    res = run("render", "202405", "--store", tmp_path / "x.duckdb")
    assert res.exit_code == 1 and "202405" in res.stderr


def test_render_checks_periods_against_the_store_first(tmp_path):
    store = tmp_path / "s.duckdb"
    run("ingest", SEED / "004-departments.csv", "--store", store)
    res = run("render", "2025-W15", "2024-04", "--store", store, "--out", tmp_path / "r")
    assert res.exit_code == 1
    assert "nothing rendered" in res.stderr and "2024-04: no snapshot" in res.stderr
    assert not (tmp_path / "r").exists()


def test_run_files_are_checked_before_rendering(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("period: 202405\n")
    res = run("run", bad)
    assert res.exit_code == 1 and "nothing rendered" in res.stderr and "202405" in res.stderr


def test_render_refuses_a_bad_entered_rank(tmp_path):
    store = tmp_path / "s.duckdb"
    run("ingest", SEED / "004-indicators.csv", "--store", store)
    res = run("render", "2025-W15", "--store", store, "--rank", "64/63", "--out", tmp_path)
    assert res.exit_code == 1 and "20/63" in res.stderr

import datetime as dt

import pytest

from chiso766.compute.periods import PeriodError, resolve_period
from chiso766.render.schedule import ScheduleError, load_run

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

TODAY = dt.date(2026, 11, 23)  # a Monday of ISO week 48


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("last-week", "2026-W47"),
        ("this-week", "2026-W48"),
        ("last-month", "2026-10"),
        ("last-quarter", "2026-Q3"),
        ("last-half", "2026-H1"),
        ("last-year", "2025"),
        ("this-year", "2026"),
        ("LAST-MONTH", "2026-10"),
        ("2025-W15", "2025-W15"),
    ],
)
def test_relative_periods(text, key):
    assert resolve_period(text, TODAY).key == key


def test_relative_across_the_year():
    assert resolve_period("last-week", dt.date(2026, 1, 1)).key == "2025-W52"
    assert resolve_period("last-month", dt.date(2026, 1, 15)).key == "2025-12"
    with pytest.raises(PeriodError):
        resolve_period("next-week", TODAY)


def test_a_run_file(tmp_path):
    path = tmp_path / "weekly.yaml"
    path.write_text("period: last-week\nformats: [html, pdf]\nstore: data/x.duckdb\n")
    run = load_run(path, TODAY, root=tmp_path)
    assert (run.period, run.formats, run.report) == ("2026-W47", ("html", "pdf"), "province_report")
    assert run.store == (tmp_path / "data" / "x.duckdb").resolve()
    assert run.compare == "" and run.methodology == "auto"


def test_every_problem_of_a_run_file_is_reported(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("period: 202405\nformats: [html, odt]\nreport: other\ncolour: red\n")
    with pytest.raises(ScheduleError) as err:
        load_run(path, TODAY)
    msg = str(err.value)
    for part in ("unknown key(s) colour", "unknown report 'other'", "period:", "formats:"):
        assert part in msg


def test_shipped_run_files_are_valid():
    from pathlib import Path

    params = Path(__file__).resolve().parents[1] / "params"
    files = sorted(p for p in params.glob("*.yaml") if p.name != "office.yaml")  # not a run
    assert len(files) >= 4
    for path in files:
        load_run(path, TODAY, root=params.parent)


def test_a_run_file_may_enter_the_national_rank(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text('period: 2025-W15\nrank: "20/63"\n')
    assert load_run(path, TODAY).rank == "20/63"
    path.write_text('period: 2025-W15\nrank: "64/63"\n')
    with pytest.raises(ScheduleError, match="rank:"):
        load_run(path, TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("period: 2025-W15\nformats: 7\n", "formats must be a list"),
        ("period: 2025-W15\nformats: [[html, [pdf]]]\n", "formats: use some of"),
        ("period: 2025-W15\nformats: !!binary aGVsbG8=\n", "formats must be a list"),
        ("period: 2025-W15\nunits: 5\n", "units must be all"),
        ("period: 2025-W15\nprovince: [a]\n", "province: expected text"),
        ("- just\n- a list\n", "expected keys such as"),
    ],
)
def test_malformed_run_files_are_refused_in_words(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScheduleError, match=expected):
        load_run(path, TODAY)


def test_binary_run_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\xff\xfe\x00junk\x9c")
    with pytest.raises(ScheduleError, match="not a text file|cannot read"):
        load_run(path, TODAY)


def test_units_in_a_run_file(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("period: last-week\nunits: all\n")
    assert load_run(path, TODAY).units == ("all",)
    path.write_text("period: last-week\nunits: [departments, Sở Tư pháp]\n")
    run = load_run(path, TODAY)
    assert run.units == ("departments", "Sở Tư pháp") and run.request.period == "2026-W47"

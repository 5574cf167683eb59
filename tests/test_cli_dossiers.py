"""`chiso766 indicators`, `costs`, `reconcile`, and `ingest` of the provincial system's
exports; no citizen's name, phone or ID number in any output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chiso766 import store_dossiers as SD
from chiso766.cli import app
from chiso766.ingest.dossier_schema import DOSSIERS
from chiso766.store import Store

DATA = Path(__file__).parent / "data" / "dossiers"
SEED = Path(__file__).parent / "data" / "seed004"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "s.duckdb"
    res = run(
        "ingest", DATA / "ho-so.csv", DATA / "thu-tuc.csv", DATA / "quyet-dinh.csv", "--store", path
    )
    assert res.exit_code == 0, res.output
    return path


def test_ingest_recognises_exports_by_their_headers(store):
    with Store(store, read_only=True) as st:
        assert SD.counts(st) == {"dossiers": 6, "procedures": 3, "decisions": 3}
    again = run("ingest", DATA / "ho-so.csv", "--store", store)
    assert "đã được nhập trước đây" in again.stdout


def test_ingest_takes_tables_and_exports_together(tmp_path):
    path = tmp_path / "s.duckdb"
    res = run("ingest", SEED / "004-departments.csv", DATA / "ho-so-khong-dau.csv", "--store", path)
    assert res.exit_code == 0, res.output
    with Store(path, read_only=True) as st:
        assert SD.counts(st)[DOSSIERS] == 2
        assert st.counts()["measures"] > 0


def test_a_bad_export_stores_nothing_and_lists_every_problem(tmp_path):
    path = tmp_path / "s.duckdb"
    res = run("ingest", DATA / "thu-tuc.csv", DATA / "ho-so-loi.csv", "--store", path)
    assert res.exit_code == 1
    assert "không lưu gì" in res.stderr
    assert "dòng 2, cột 'Kênh nộp': Giá trị không hợp lệ" in res.stderr
    assert res.stderr.count("ho-so-loi.csv") >= 11
    if path.exists():
        with Store(path, read_only=True) as st:
            assert SD.counts(st)["procedures"] == 0


def test_indicators_json_shape(store):
    res = run("indicators", "2026-03", "--source", "dossiers", "--format", "json", "--store", store)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert all(set(r) == {"unit", "indicator", "numerator", "denominator", "ratio"} for r in rows)
    by = {(r["unit"], r["indicator"]): r for r in rows}
    assert by[("Sở Tư pháp", "2.1")] == {
        "unit": "Sở Tư pháp",
        "indicator": "2.1",
        "numerator": 2,
        "denominator": 4,
        "ratio": 50.0,
    }
    assert by[("Toàn tỉnh", "2.1")]["denominator"] == 6  # pooled
    assert by[("UBND xã Long Hà", "4.1")]["ratio"] == 100.0
    assert {"2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "1.4", "5.4"} <= {
        r["indicator"] for r in rows
    }


def test_indicators_table_and_csv_read_in_vietnamese(store):
    res = run("indicators", "2026-03", "-f", "csv", "--store", store)
    assert res.stdout.splitlines()[0] == "Đơn vị,Chỉ số,Tử số,Mẫu số,Tỷ lệ (%)"
    assert "Sở Tư pháp,2.1,2,4,50" in res.stdout
    table = run("indicators", "2026-03", "-f", "table", "--store", store)
    assert "Tỷ lệ (%)" in table.stdout


def test_indicators_saved_as_a_source(store):
    res = run("indicators", "2026-03", "--save", "--store", store)
    assert res.exit_code == 0, res.output
    assert "đã lưu" in res.stderr
    stored = json.loads(run("indicators", "2026-03", "--source", "store", "--store", store).stdout)
    mine = json.loads(run("indicators", "2026-03", "--store", store).stdout)
    key = {(r["unit"], r["indicator"]): r["ratio"] for r in stored}
    assert key[("Sở Tư pháp", "2.1")] == 50.0
    assert all(key.get((r["unit"], r["indicator"]), r["ratio"]) == r["ratio"] for r in mine)


def test_costs_every_format_masked(store):
    with Store(store, read_only=True) as st:
        people = SD.read_table(st, DOSSIERS)[["applicant_name", "phone", "id_number"]]
    secrets = [v for v in people.stack().dropna().unique() if v]
    outputs = []
    for fmt in ("json", "csv", "table"):
        res = run("costs", "2026-03", "--format", fmt, "--store", store)
        assert res.exit_code == 0, res.output
        outputs.append(res.stdout)
    for out in outputs:
        for secret in secrets:
            assert secret not in out
    rows = json.loads(outputs[0])
    late = [r for r in rows if r["indicator"] == "2.1"]
    assert {r["dossier_id"] for r in late} == {
        "000.00.12.H10-260302-0002",
        "000.00.12.H10-260303-0003",
        "000.00.31.H10-260305-0006",
    }
    first = next(r for r in late if r["dossier_id"].endswith("0002"))
    assert first["applicant_name"] == "Trần T. B."
    assert first["phone"] == "09******21"
    assert first["id_number"] == "0791******22"
    assert first["reason"] == "Giải quyết quá hạn 1 ngày làm việc."
    assert "Mã hồ sơ" in outputs[1].splitlines()[0]


def test_costs_filtered_by_unit_and_indicator(store):
    res = run(
        "costs",
        "2026-02",
        "--unit",
        "Sở Tư pháp",
        "--indicator",
        "1.1",
        "-f",
        "json",
        "--store",
        store,
    )
    rows = json.loads(res.stdout)
    assert [(r["decision_number"], r["days"]) for r in rows] == [("101/QĐ-UBND", 1)]
    bad = run("costs", "2026-02", "--unit", "Sở Không Có", "--store", store)
    assert bad.exit_code == 1


def test_reconcile(store):
    res = run("reconcile", "2026-03", "--store", store)
    assert res.exit_code == 1
    assert "không có số liệu của Cổng DVCQG" in res.stderr


def test_errors_read_in_vietnamese(store, tmp_path):
    bad_format = run("costs", "2026-03", "-f", "xml", "--store", store)
    assert "định dạng 'xml' không hỗ trợ" in bad_format.stderr
    assert "chưa có hồ sơ" in run("costs", "2026-03", "--store", _empty(tmp_path)).stderr
    assert run("indicators", "2026-13", "--store", store).exit_code == 1
    assert "engine" in run("indicators", "2026-03", "--engine", "polars", "--store", store).stderr


def _empty(tmp_path) -> Path:
    path = tmp_path / "empty.duckdb"
    with Store(path):
        pass
    return path


def test_demo_outputs_hold_no_personal_data(demo_dossier_store, tmp_path):
    """Every output of the dossier commands and sections on the demo, searched for the
    citizens' names, phones and ID numbers kept in the store."""
    from chiso766.report.dossier_sections import dossier_sections_html, load_dossier_sections

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_dossier_store, path)
    with Store(path, read_only=True) as st:
        people = SD.read_table(st, DOSSIERS)
        sections = dossier_sections_html(load_dossier_sections(st, "2026-W47"), max_rows=200)
    outputs = [str(sections)]
    for args in (
        ("costs", "2026-11-17", "--indicator", "1.4", "-f", "json"),
        ("costs", "2026-11-17", "--indicator", "2.1", "-f", "csv"),
        ("costs", "2026-11-17", "--unit", "Sở Y tế", "-f", "table"),
        ("reconcile", "2026-W47", "-f", "csv"),
    ):
        res = run(*args, "--store", path)
        assert res.exit_code == 0, res.output
        outputs.append(res.stdout)
    text = "\n".join(outputs)
    assert len(text) > 1_000_000
    # every run of digits and every three words in a row, against the store's values
    digits = set(re.findall(r"\d{9,}", text))
    assert not digits & (set(people["phone"]) | set(people["id_number"]))
    words = re.findall(r"[^\W\d_]+\.?", text)
    triples = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
    assert not triples & set(people["applicant_name"])
    assert "Nguyễn" in text  # family names are shown, the rest as initials

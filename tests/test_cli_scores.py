"""`chiso766 score` and `chiso766 compare` (lib/chiso766/cli/scores.py): tables scored and
compared without the store, or stored snapshots compared; output for people (Vietnamese),
scripts (JSON) and Excel (CSV)."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chiso766.cli import app

SEED = Path(__file__).parent / "data" / "seed004"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_score_json_districts_tie():
    res = run("score", SEED / "004-districts.csv", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 11
    assert set(rows[0]) == {"unit", "level", "total", "class", "rank", "of"}
    tied = [r for r in rows if r["total"] == 86.03]
    assert [(r["rank"], r["of"]) for r in tied] == [(4, 11), (4, 11)]
    assert rows[0] == {
        "unit": "UBND huyện Bù Đốp",
        "level": "district",
        "total": 90.39,
        "class": "Xuất sắc",
        "rank": 1,
        "of": 11,
    }


def test_score_json_no_data_is_null():
    rows = json.loads(run("score", SEED / "004-departments.csv", "-f", "json").stdout)
    nodata = [r for r in rows if r["unit"] in ("Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo")]
    assert nodata and all(
        r["total"] is None and r["rank"] is None and r["class"] is None for r in nodata
    )
    assert {r["of"] for r in rows} == {11}  # units without data: no rank, same 'of'


def test_score_csv_and_table():
    csv_out = run("score", SEED / "004-districts.csv", "-f", "csv").stdout
    lines = csv_out.splitlines()
    assert lines[0] == "Đơn vị,Cấp,Tổng điểm,Xếp loại,Xếp hạng,Số đơn vị xếp hạng"
    assert lines[1] == "UBND huyện Bù Đốp,UBND cấp huyện,90.39,Xuất sắc,1,11"  # ranks: 1, not 1.0
    table = run("score", SEED / "004-districts.csv").stdout
    assert "86,03" in table and "Xuất sắc" in table and "UBND cấp huyện" in table
    assert "district" not in table and "rank" not in table


def test_score_an_earlier_snapshot():
    rows = json.loads(
        run("score", SEED / "004-districts.csv", "-f", "json", "--snapshot", "2025-03-27").stdout
    )
    assert rows[0]["total"] == 89.59


def test_score_bad_file_lists_problems(write_csv):
    path = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở A,abc\nSở A,120\n")
    res = run("score", path, "-f", "json")
    assert res.exit_code == 1
    assert "dòng 2" in res.stderr and "có chữ trong cột số" in res.stderr
    assert "dòng 3" in res.stderr and res.stderr.startswith("2 lỗi:")


def test_compare_files_and_snapshots(tmp_path):
    res = run("compare", SEED / "004-departments.csv", SEED / "004-departments.csv", "-f", "json")
    assert res.exit_code == 0  # the same table twice: its two snapshots, not itself with itself
    by = {r["unit"]: r for r in json.loads(res.stdout)}
    assert by["Sở Nội vụ"]["delta"] == 5.18 and by["Sở Tư pháp"]["delta"] == -5.97
    store = tmp_path / "s.duckdb"
    run("ingest", SEED / "004-departments.csv", "--store", store)
    rows = json.loads(
        run("compare", "2025-03-27", "2025-04-08", "--store", store, "-f", "json").stdout
    )
    by = {r["unit"]: r for r in rows}
    assert by["Sở Nội vụ"]["delta"] == 5.18 and by["Sở Tư pháp"]["delta"] == -5.97
    assert by["Sở Ngoại vụ"]["status"] == "no_data"


@pytest.mark.parametrize("fmt", ["xml"])
def test_unknown_format(fmt):
    res = run("score", SEED / "004-districts.csv", "-f", fmt)
    assert res.exit_code == 1 and "định dạng 'xml' không hỗ trợ" in res.stderr


def test_csv_exports_neutralise_formulas_but_keep_negative_numbers(tmp_path, write_csv):
    old = write_csv(
        'Đơn vị,Cấp,Điểm đánh giá (27/3/2025)\n"=HYPERLINK(""http://x"",""a"")",Sở,80\n'
        "@SUM(A1),Sở,70\n",
        "old.csv",
    )
    new = write_csv(
        'Đơn vị,Cấp,Điểm đánh giá (08/4/2025)\n"=HYPERLINK(""http://x"",""a"")",Sở,75\n'
        "@SUM(A1),Sở,71\n",
        "new.csv",
    )
    out = run("compare", old, new, "-f", "csv", "-m", "qd766-2022")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["Đơn vị"] for r in rows} == {'\'=HYPERLINK("http://x","a")', "'@SUM(A1)"}
    assert {r["Tăng, giảm"] for r in rows} == {"-5", "1"}  # numbers stay numbers, whole ones whole
    excel = run("compare", old, new, "-f", "csv", "--excel", "-m", "qd766-2022").stdout
    rows = list(csv.DictReader(io.StringIO(excel.lstrip("\ufeff")), delimiter=";"))
    assert {r["Đơn vị"] for r in rows} == {'\'=HYPERLINK("http://x","a")', "'@SUM(A1)"}
    assert {r["Tăng, giảm"] for r in rows} == {"-5", "1"}
    scored = run("score", new, "-f", "csv", "-m", "qd766-2022").stdout
    assert all(not line.startswith(("=", "@", "+")) for line in scored.splitlines())


# ---- issue 12 ----------------------------------------------------------------------------------
def test_compare_one_table_with_two_dated_columns():
    """Seed 004's department table: 27/3 and 08/4/2025 in one sheet."""
    res = run("compare", SEED / "004-departments.csv")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert out.splitlines()[0] == "So sánh: 27/3/2025 → 08/4/2025"
    line = {ln.split("  ")[0].strip(): ln for ln in out.splitlines()[2:]}
    nv = next(ln for ln in out.splitlines() if ln.strip().startswith("Sở Nội vụ"))
    tp = next(ln for ln in out.splitlines() if ln.strip().startswith("Sở Tư pháp"))
    assert "+5,18" in nv and "Tăng" in nv
    assert "\u22125,97" in tp and "Giảm" in tp  # −5,97
    assert "Sở Ngoại vụ" in out and "Không có dữ liệu" in out
    assert line  # a table, one line per unit
    rows = json.loads(run("compare", SEED / "004-departments.csv", "-f", "json").stdout)
    by = {r["unit"]: r for r in rows}
    assert by["Sở Nội vụ"]["delta"] == 5.18 and by["Sở Nội vụ"]["status"] == "rose"
    assert by["Sở Tư pháp"]["delta"] == -5.97 and by["Sở Tư pháp"]["status"] == "fell"
    assert (by["Sở Nội vụ"]["old_rank"], by["Sở Nội vụ"]["new_rank"]) == (2, 1)


def test_compare_one_table_with_one_snapshot_says_what_to_give(write_csv):
    path = write_csv("Đơn vị,Điểm đánh giá (08/4/2025)\nSở Nội vụ,80\n")
    res = run("compare", path)
    assert res.exit_code == 1 and "chỉ có một kỳ số liệu (2025-04-08)" in res.stderr


def test_compare_a_missing_argument_is_neither_file_nor_snapshot(tmp_path):
    res = run("compare", "khong-co.csv")
    assert res.exit_code == 1 and "không phải là tệp" in res.stderr


def test_excel_csv_has_a_bom_semicolons_decimal_commas_and_whole_ranks():
    res = run("score", SEED / "004-districts.csv", "-f", "csv", "--excel")
    assert res.exit_code == 0, res.output
    raw = res.stdout_bytes
    assert raw.startswith("\ufeff".encode())  # UTF-8 BOM: Excel reads the diacritics
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Đơn vị;Cấp;Tổng điểm;Xếp loại;Xếp hạng;Số đơn vị xếp hạng"
    assert lines[1] == "UBND huyện Bù Đốp;UBND cấp huyện;90,39;Xuất sắc;1;11"
    assert "UBND huyện Hớn Quản;UBND cấp huyện;86,03;Tốt;4;11" in lines


def test_a_totals_row_is_skipped_when_scoring(write_csv):
    path = write_csv(
        'Đơn vị,Điểm đánh giá (08/4/2025)\nSở Nội vụ,"95,59"\nSở Tư pháp,"82,3"\n'
        'TỔNG CỘNG,"177,89"\nBình quân chung,"88,95"\n'
    )
    res = run("score", path, "-f", "json")
    assert res.exit_code == 0, res.output
    assert [r["unit"] for r in json.loads(res.stdout)] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert res.stderr.count("cảnh báo:") == 2 and "không phải một đơn vị: bỏ qua" in res.stderr

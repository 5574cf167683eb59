import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chiso766.cli import app

SEED = Path(__file__).parent / "data" / "seed004"
runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


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
    assert csv_out.splitlines()[0] == "unit,level,total,class,rank,of"
    table = run("score", SEED / "004-districts.csv").stdout
    assert "86,03" in table and "Xuất sắc" in table


def test_score_an_earlier_snapshot():
    rows = json.loads(
        run("score", SEED / "004-districts.csv", "-f", "json", "--snapshot", "2025-03-27").stdout
    )
    assert rows[0]["total"] == 89.59


def test_score_bad_file_lists_problems(write_csv):
    path = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở A,abc\nSở A,120\n")
    res = run("score", path, "-f", "json")
    assert res.exit_code == 1
    assert "row 2" in res.stderr and "text in a number column" in res.stderr
    assert "row 3" in res.stderr


def test_ingest_validates_everything_first(tmp_path, write_csv):
    good = SEED / "004-departments.csv"
    bad = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở A,150\n", "bad.csv")
    store = tmp_path / "s.duckdb"
    res = run("ingest", good, bad, "--store", store)
    assert res.exit_code == 1 and "nothing was stored" in res.stderr
    assert not store.exists()  # not even created
    res = run("ingest", good, SEED / "004-districts.csv", "--store", store)
    assert res.exit_code == 0, res.output
    again = run("ingest", good, "--store", store)
    assert "already ingested, nothing changed" in again.stdout


def test_compare_files_and_snapshots(tmp_path):
    res = run("compare", SEED / "004-departments.csv", SEED / "004-departments.csv", "-f", "json")
    assert res.exit_code == 0
    assert {r["status"] for r in json.loads(res.stdout)} == {"unchanged", "no_data"}
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
    assert res.exit_code == 1 and "unknown format" in res.stderr


def test_demo_and_status(tmp_path):
    store = tmp_path / "demo.duckdb"
    res = run("demo", "--store", store)
    assert res.exit_code == 0, res.output
    again = run("demo", "--store", store)
    assert "unchanged" in again.stdout
    status = run("status", "--store", store)
    assert '"snapshots": 52' in status.stdout


def test_snapshot_time_reaches_the_report_source_sentence(tmp_path, write_csv):
    from chiso766.report.loading import load_province_report
    from chiso766.store import Store

    path = write_csv("Đơn vị,Điểm đánh giá (11 giờ 00 ngày 08/7/2024)\nSở Nội vụ,80\n")
    store = tmp_path / "s.duckdb"
    assert run("ingest", path, "--store", store).exit_code == 0
    with Store(store, read_only=True) as st:
        report = load_province_report(st, "2024-Q3")
    assert report.text("headline")[0] == (
        "Số liệu trên Cổng Dịch vụ công quốc gia tại thời điểm 11 giờ 00 ngày 08/7/2024."
    )


def test_rename_command(tmp_path, write_csv):
    a = write_csv("Đơn vị,Tổng điểm (01/4/2025)\nSở A cũ,80\n", "a.csv")
    b = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở A mới,81\n", "b.csv")
    store = tmp_path / "s.duckdb"
    assert run("ingest", a, b, "--store", store).exit_code == 0
    res = run("rename", "Sở A cũ", "Sở A mới", "--store", store)
    assert res.exit_code == 0, res.output
    rows = json.loads(
        run("compare", "2025-04-01", "2025-04-08", "--store", store, "-f", "json").stdout
    )
    assert [(r["unit"], r["status"], r["delta"]) for r in rows] == [("Sở A mới", "rose", 1.0)]
    bad = run("rename", "Sở X", "Sở A mới", "--store", store)
    assert bad.exit_code == 1 and "no unit named 'Sở X'" in bad.stderr

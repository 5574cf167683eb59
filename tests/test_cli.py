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


# ---- issue 9: nothing half-stored, changes said, CSV safe, no traceback ----------------------
TINY = Path(__file__).parent / "data" / "portal" / "tiny-2026-08"


def test_a_good_table_and_a_broken_portal_folder_store_nothing(tmp_path, write_csv):
    import shutil

    folder = tmp_path / "broken"
    shutil.copytree(TINY, folder)
    doc = json.loads((folder / "transparency.json").read_text(encoding="utf-8"))
    doc["data"]["evaluation"][0]["totalScore"] = -32.5
    (folder / "transparency.json").write_text(json.dumps(doc), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    res = run(
        "ingest", SEED / "004-departments.csv", folder, "--period", "2026-08", "--store", store
    )
    assert res.exit_code == 1
    assert "broken/transparency.json, field 'evaluation[0].totalScore'" in res.stderr
    assert "a negative value" in res.stderr and not store.exists()
    res = run("ingest", SEED / "004-departments.csv", TINY, "--period", "2026-08", "--store", store)
    assert res.exit_code == 0, res.output  # both kinds in one call, one transaction
    from chiso766.store import Store

    with Store(store, read_only=True) as st:
        assert set(st.sources()["kind"]) == {"table", "portal"}


def test_an_undated_table_after_a_good_one_stores_nothing(tmp_path, write_csv):
    undated = write_csv("Đơn vị,Tổng điểm\nSở Nội vụ,80\n", "undated.csv")
    store = tmp_path / "s.duckdb"
    res = run("ingest", SEED / "004-departments.csv", undated, "--store", store)
    assert res.exit_code == 1 and "values without a date" in res.stderr
    assert not store.exists()


def test_reingest_says_what_changed(tmp_path, write_csv):
    a = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\n", "a.csv")
    b = write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,91\n", "b.csv")
    store = tmp_path / "s.duckdb"
    assert "thay đổi" not in run("ingest", a, "--store", store).stdout
    res = run("ingest", b, "--store", store)
    assert res.exit_code == 0
    assert "1 giá trị thay đổi: Sở Nội vụ, 27/3/2025: 81 → 91" in res.stdout
    rows = json.loads(run("history", "--unit", "Sở Nội vụ", "--store", store, "-f", "json").stdout)
    assert [(r["value"], r["current"], Path(r["source"]).name) for r in rows] == [
        (81, False, "a.csv"),
        (91, True, "b.csv"),
    ]
    res = run("history", "--unit", "so noi vu", "--store", store)
    assert res.exit_code == 1 and "did you mean 'Sở Nội vụ'" in res.stderr


def test_csv_exports_neutralise_formulas_but_keep_negative_numbers(tmp_path, write_csv):
    import csv
    import io

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
    assert {r["unit"] for r in rows} == {'\'=HYPERLINK("http://x","a")', "'@SUM(A1)"}
    assert {r["delta"] for r in rows} == {"-5.0", "1.0"}  # numbers stay numbers
    scored = run("score", new, "-f", "csv", "-m", "qd766-2022").stdout
    assert all(not line.startswith(("=", "@", "+")) for line in scored.splitlines())


def test_the_command_never_shows_a_traceback(tmp_path, monkeypatch, capsys):
    import typer

    import chiso766.cli as cli

    boom = typer.Typer()

    @boom.callback()
    def options() -> None:
        """A group, as the real command is."""

    @boom.command()
    def explode() -> None:
        raise ZeroDivisionError("division by zero in a place nobody expected")

    monkeypatch.setattr(cli, "app", boom)
    monkeypatch.setenv("CHISO766_LOG_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as stop:
        cli.main(["explode"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ZeroDivisionError: division by zero" in err
    logs = list(tmp_path.glob("chiso766-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "Traceback" in logs[0].read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["explode", "--debug"])
    assert "Traceback" in capsys.readouterr().err


def test_a_store_error_a_command_did_not_catch_is_said_plainly(tmp_path, capsys):
    from chiso766.cli import main

    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    with pytest.raises(SystemExit) as stop:
        main(["render", "2025-W15", "--store", str(folder), "--format", "html"])
    err = capsys.readouterr().err
    assert stop.value.code == 1 and "is a folder, not a store file" in err
    assert "unexpected" not in err and "Traceback" not in err

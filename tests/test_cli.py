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


def test_ingest_validates_everything_first(tmp_path, write_csv):
    good = SEED / "004-departments.csv"
    bad = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở A,150\n", "bad.csv")
    store = tmp_path / "s.duckdb"
    res = run("ingest", good, bad, "--store", store)
    assert res.exit_code == 1 and "không lưu gì" in res.stderr
    assert not store.exists()  # not even created
    res = run("ingest", good, SEED / "004-districts.csv", "--store", store)
    assert res.exit_code == 0, res.output
    again = run("ingest", good, "--store", store)
    assert "đã nhập trước đây, không có gì thay đổi" in again.stdout


def test_demo_and_status(tmp_path):
    store = tmp_path / "demo.duckdb"
    res = run("demo", "--store", store)
    assert res.exit_code == 0, res.output
    again = run("demo", "--store", store)
    assert "không thay đổi" in again.stdout
    info = json.loads(run("status", "--store", store, "-f", "json").stdout)
    assert info["snapshots"]["count"] == 52 and info["sources"][0]["kind"] == "demo"


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
    assert bad.exit_code == 1 and "kho dữ liệu không có đơn vị tên 'Sở X'" in bad.stderr


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
    assert "broken/transparency.json, trường 'evaluation[0].totalScore'" in res.stderr
    assert "giá trị âm" in res.stderr and not store.exists()
    res = run("ingest", SEED / "004-departments.csv", TINY, "--period", "2026-08", "--store", store)
    assert res.exit_code == 0, res.output  # both kinds in one call, one transaction
    from chiso766.store import Store

    with Store(store, read_only=True) as st:
        assert set(st.sources()["kind"]) == {"table", "portal"}


def test_an_undated_table_after_a_good_one_stores_nothing(tmp_path, write_csv):
    undated = write_csv("Đơn vị,Tổng điểm\nSở Nội vụ,80\n", "undated.csv")
    store = tmp_path / "s.duckdb"
    res = run("ingest", SEED / "004-departments.csv", undated, "--store", store)
    assert res.exit_code == 1 and "không lưu được giá trị không có ngày" in res.stderr
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
    assert res.exit_code == 1 and "có phải là 'Sở Nội vụ'" in res.stderr


def test_the_command_never_shows_a_traceback(tmp_path, monkeypatch, capsys):
    import typer

    import chiso766.cli as cli
    import chiso766.cli.commands as commands

    boom = typer.Typer()

    @boom.callback()
    def options() -> None:
        """A group, as the real command is."""

    @boom.command()
    def explode() -> None:
        raise ZeroDivisionError("division by zero in a place nobody expected")

    monkeypatch.setattr(commands, "app", boom)
    monkeypatch.setenv("CHISO766_LOG_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as stop:
        cli.main(["explode"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ZeroDivisionError: division by zero" in err
    assert "lỗi ngoài dự kiến khi chạy 'chiso766 explode'" in err
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
    assert stop.value.code == 1 and "là thư mục, không phải tệp kho dữ liệu" in err
    assert "unexpected" not in err and "Traceback" not in err


def test_the_console_script_leaves_quickly_with_every_line_written_and_its_status(tmp_path):
    """``python -m chiso766.cli`` (what the console script runs) ends without tearing the
    interpreter down, yet exit handlers ran and nothing it printed is lost."""
    import subprocess
    import sys

    from chiso766.cli import exit_status

    ok = subprocess.run([sys.executable, "-m", "chiso766.cli", "--version"],
                        capture_output=True, text=True)  # fmt: skip
    assert ok.returncode == 0 and ok.stdout.startswith("chiso766 ")
    bad = subprocess.run(
        [sys.executable, "-m", "chiso766.cli", "render", "2025-W15", "--store",
         str(tmp_path / "none.duckdb")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 1 and bad.stderr.strip() and "Traceback" not in bad.stderr
    code = (
        "import atexit, sys\n"
        "from chiso766.cli import leave\n"
        "atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
        "sys.stdout.write('x' * 200000)\n"  # buffered, not yet written
        "leave(3)\n"
    )
    left = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert left.returncode == 3 and len(left.stdout) == 200000 and "handler ran" in left.stderr
    assert (exit_status(None), exit_status(2), exit_status("lỗi")) == (0, 2, 1)


# ---- issue 12: a store that explains itself, Vietnamese first -----------------------------------
def test_status_is_a_readable_summary(seed_store):
    res = run("status", "--store", seed_store)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert out.startswith(f"Kho dữ liệu: {seed_store}")
    assert "Nguồn dữ liệu (5):" in out and "004-departments.csv" in out and "sha256 " in out
    assert "bảng số liệu" in out  # the kind of each source, in words
    assert "Đơn vị (" in out and "Sở, ban, ngành 13" in out and "UBND cấp huyện 11" in out
    assert "Các kỳ số liệu: năm 2024 … 10/4/2025 (4 kỳ: năm 1, ngày 3)" in out
    assert "Kỳ số liệu có điểm mới nhất: 08/4/2025 (2025-04-08)" in out
    assert "Lịch sử giá trị:" in out and "giá trị hiện hành" in out
    assert "{" not in out  # no raw JSON


def test_status_json_for_scripts(seed_store):
    info = json.loads(run("status", "--store", seed_store, "--format", "json").stdout)
    assert {s["path"].rsplit("/", 1)[-1] for s in info["sources"]} >= {"004-departments.csv"}
    assert all(len(s["sha256"]) == 64 and s["ingested_at"] for s in info["sources"])
    assert info["units"]["department"] == 13 and info["units"]["district"] == 11
    assert info["snapshots"]["first"] == "2024" and info["snapshots"]["last"] == "2025-04-10"
    assert info["snapshots"]["latest"]["snapshot"] == "2025-04-08"
    assert info["history"]["current"] == info["history"]["recorded"] > 0


def test_status_of_a_missing_store_says_what_to_do(tmp_path):
    res = run("status", "--store", tmp_path / "none.duckdb")
    assert res.exit_code == 1 and "chưa có kho dữ liệu tại" in res.stderr


def test_rename_accepts_a_name_new_to_the_store(tmp_path, write_csv):
    a = write_csv("Đơn vị,Tổng điểm (01/4/2025)\nSở Khoa học và Công nghệ,80\n", "a.csv")
    store = tmp_path / "s.duckdb"
    assert run("ingest", a, "--store", store).exit_code == 0
    res = run("rename", "Sở Khoa học và Công nghệ", "Sở Khoa học, Công nghệ và Đổi mới", "--store",
              store)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "chưa có trong kho dữ liệu: đã thêm làm tên mới của đơn vị" in res.stdout
    b = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở Khoa học, Công nghệ và Đổi mới,83\n", "b.csv")
    b.write_text('Đơn vị,Tổng điểm (08/4/2025)\n"Sở Khoa học, Công nghệ và Đổi mới",83\n',
                 encoding="utf-8")  # fmt: skip
    assert run("ingest", b, "--store", store).exit_code == 0
    rows = json.loads(
        run("compare", "2025-04-01", "2025-04-08", "--store", store, "-f", "json").stdout
    )
    assert [(r["status"], r["delta"]) for r in rows] == [("rose", 3.0)]
    near = run("rename", "Sở Khoa học, Công nghệ và Đổi mới", "So Khoa hoc va Cong nghe",
               "--store", store)  # fmt: skip
    assert near.exit_code == 1 and "có phải là" in near.stderr  # a tone-mark slip, not new


def test_a_totals_row_is_skipped_with_a_note(tmp_path, write_csv):
    path = write_csv(
        'STT,Đơn vị,Điểm đánh giá (08/4/2025)\n1,Sở Nội vụ,"95,59"\n2,Sở Tư pháp,"82,3"\n'
        ',Tổng cộng,"177,89"\n,Trung bình,"88,95"\n'
    )
    store = tmp_path / "s.duckdb"
    res = run("ingest", path, "--store", store)
    assert res.exit_code == 0, res.output
    assert "dòng 4, cột 'Đơn vị': dòng tổng cộng/trung bình ('Tổng cộng')" in res.stderr
    assert "dòng 5" in res.stderr and "bỏ qua" in res.stderr
    info = json.loads(run("status", "--store", store, "-f", "json").stdout)
    assert info["units"] == {"department": 2}


def test_version_and_language():
    res = run("--version")
    assert res.exit_code == 0 and res.stdout.startswith("chiso766 ")
    vi = run("status", "--store", "/nonexistent/x.duckdb")
    assert "chưa có kho dữ liệu tại /nonexistent/x.duckdb" in vi.stderr
    en = run("--lang", "en", "status", "--store", "/nonexistent/x.duckdb")
    assert "no store at /nonexistent/x.duckdb" in en.stderr
    bad = run("--lang", "fr", "status")
    assert bad.exit_code == 2


def test_the_command_speaks_vietnamese_and_english_by_locale(tmp_path):
    import os
    import subprocess
    import sys

    def cmd(*args, **env):
        return subprocess.run(
            [sys.executable, "-m", "chiso766", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=60,
        )

    vi = cmd("compare")
    assert vi.returncode == 2 and "Lỗi: Thiếu đối số 'OLD'." in vi.stderr
    assert "Cách dùng: chiso766 compare [OPTIONS] OLD [NEW]" in vi.stderr
    en = cmd("compare", CHISO766_LANG="", LANGUAGE="en")
    assert "Error: Missing argument 'OLD'." in en.stderr
    assert "Lỗi" in cmd("compare", CHISO766_LANG="", LANGUAGE="", LANG="C.UTF-8").stderr
    assert "Error" in cmd("--lang", "en", "compare").stderr
    helped = cmd("ingest", "--help").stdout
    assert "Cách dùng: chiso766 ingest [OPTIONS] FILE..." in helped
    assert "Hiện hướng dẫn này rồi thoát." in helped and "--store FILE" in helped


def test_help_shows_meaningful_metavars_not_python_types():
    import re

    from chiso766.cli.commands import app

    for name in [c.name or c.callback.__name__ for c in app.registered_commands]:
        out = run(name, "--help").stdout
        assert not re.search(r"<(bool|str|int|float|path|list\[[^\]]*\])>", out), (name, out)
        assert "{" not in out.split("\n")[0], out  # no '{files}...' in the usage line

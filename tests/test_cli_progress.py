"""cli/progress.py: one line on a terminal while a long command works, nothing otherwise."""

from __future__ import annotations

import io
import time

from chiso766.cli.progress import Activity


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_when_not_a_terminal():
    out = io.StringIO()
    with Activity(out) as a:
        a.say("đang đọc 1 tệp…")
        a.count(1, 3, "đang đọc a.csv…")
    assert out.getvalue() == ""


def test_one_updating_line_on_a_terminal():
    out = Terminal()
    with Activity(out, interval=0.05) as a:
        a.count(2, 5, "đang đọc b.csv…")
        time.sleep(0.2)  # the clock ticks on its own
    text = out.getvalue()
    assert "[2/5] đang đọc b.csv… 00:00" in text
    assert text.count("\r\x1b[2K") >= 3 and text.endswith("\r\x1b[2K")  # the line is cleared
    assert "\n" not in text


def test_ingest_shows_no_progress_in_a_pipe(tmp_path, write_csv):
    """CliRunner's streams are not terminals: the output is the command's lines only."""
    from typer.testing import CliRunner

    from chiso766.cli import app

    path = write_csv("Đơn vị,Điểm đánh giá (08/4/2025)\nSở Nội vụ,80\n")
    res = CliRunner().invoke(app, ["ingest", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 0 and "\x1b" not in res.output and "\r" not in res.output

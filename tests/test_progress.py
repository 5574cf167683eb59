"""progress: plain lines in a log (no escape codes), one updating line on a terminal."""

from __future__ import annotations

import io

import pytest

from chiso766.render.progress import Progress

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


def test_log_lines_have_no_escape_codes() -> None:
    out = io.StringIO()
    p = Progress(3, out, tty=False)
    p.update("2026-W47", "published", 1.25)
    p.update("2026-W47 Sở Y tế", "unchanged")
    p.update("2026-W47 Sở Tư pháp", "failed", detail="kernel died — out of memory?")
    text = out.getvalue()
    assert "\x1b" not in text and "\r" not in text
    assert text.splitlines() == [
        "[1/3] ok 2026-W47 (1,2 s)",
        "[2/3] unchanged 2026-W47 Sở Y tế",
        "[3/3] FAILED 2026-W47 Sở Tư pháp: kernel died — out of memory?",
    ]
    assert p.finish().startswith("3 report(s): 1 rendered, 1 unchanged, 1 failed in ")


def test_a_terminal_gets_one_updating_line() -> None:
    out = io.StringIO()
    p = Progress(2, out, tty=True)
    p.update("a", "published", 0.5)
    assert out.getvalue().startswith("\r\x1b[2K[1/2] 1 rendered · 0 unchanged · 0 failed")
    p.update("b", "failed", detail="boom")
    assert "FAILED b: boom\n" in out.getvalue() and p.remaining == 0

"""pdf: Chromium failures and timeouts become RenderErrors; which Chromium is used."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chiso766.render import pdf
from chiso766.render.errors import RenderError


def fake_chromium(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_html_to_pdf_failure_and_timeout(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>")
    broken = fake_chromium(tmp_path, "echo 'cannot print' >&2; exit 3")
    with pytest.raises(RenderError, match="exited 3 without a PDF: cannot print"):
        pdf.html_to_pdf(page, tmp_path / "p.pdf", chromium=broken)
    slow = fake_chromium(tmp_path, "sleep 30")
    with pytest.raises(RenderError, match="did not finish in 0.5 s"):
        pdf.html_to_pdf(page, tmp_path / "p.pdf", chromium=slow, timeout=0.5)


def test_find_chromium_prefers_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.ENV_CHROMIUM, "/opt/chrome/chrome")
    assert pdf.find_chromium() == "/opt/chrome/chrome"
    monkeypatch.delenv(pdf.ENV_CHROMIUM)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError, match="apt-get install"):
        pdf.find_chromium()

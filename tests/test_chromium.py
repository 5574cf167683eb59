"""chromium: one real headless Chromium over the DevTools pipe prints A4 pages with
Vietnamese text, several at once, and says plainly when it cannot; it tries no connection."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chiso766.render import chromium
from chiso766.render.errors import RenderError
from conftest import CHROMIUM

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 15mm; }} body {{ font-family: "Noto Sans", sans-serif; }}
</style></head><body><h1>Thông báo số {n}</h1><p>Sở Tư pháp đạt 82,3 điểm, xếp hạng 08/11.</p>
<img src="https://example.invalid/x.png"></body></html>"""


def page(tmp_path: Path, n: int = 1) -> Path:
    path = tmp_path / f"p{n}.html"
    path.write_text(PAGE.format(n=n), encoding="utf-8")
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


@pytest.mark.slow
@needs_chromium
def test_one_browser_prints_many_pages_at_once(tmp_path: Path) -> None:
    with chromium.Browser() as browser:
        pages = [page(tmp_path, n) for n in range(6)]
        with ThreadPoolExecutor(3) as pool:
            pdfs = list(pool.map(lambda p: browser.print_pdf(p, p.with_suffix(".pdf")), pages))
    for n, pdf in enumerate(pdfs):
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert f"Thông báo số {n}" in pdf_text(pdf) and "82,3" in pdf_text(pdf)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert abs(float(size[1]) - 595.3) < 2 and abs(float(size[2]) - 841.9) < 2
    for root in (Path("/tmp"), Path("/dev/shm")):
        assert not list(root.glob(f"chiso766-chromium-{__import__('os').getpid()}-*"))


@pytest.mark.slow
@needs_chromium
def test_a_warmed_browser_printed_the_reports_style_once_and_keeps_its_profile_in_memory(
    tmp_path: Path,
) -> None:
    from chiso766.render import publish

    with chromium.Browser() as browser:
        browser.warm()
        profile = Path(browser._profile)
        warm = profile / "warm-up.pdf"
        assert "Ủy ban nhân dân tỉnh: 75,45 điểm" in pdf_text(warm)
        if publish._ram_temp():  # a RAM-backed folder with room: the profile lives there
            assert profile.parent == publish.RAM_TEMP
        assert "Thông báo số 1" in pdf_text(browser.print_pdf(page(tmp_path), tmp_path / "p.pdf"))
    assert not profile.exists()


@pytest.mark.slow
@needs_chromium
def test_a_missing_page_is_a_clear_error(tmp_path: Path) -> None:
    with chromium.Browser(timeout=5) as browser:
        with pytest.raises(RenderError, match="did not load"):
            browser.print_pdf(tmp_path / "none.html", tmp_path / "none.pdf")
        assert browser.print_pdf(page(tmp_path), tmp_path / "ok.pdf").exists()  # still usable


def page_tabs(browser: chromium.Browser, expected: int, settle: float = 3.0) -> int:
    """How many tabs we opened are open (not the browser's own new-tab page), waited for
    ``expected`` a moment: a tab closes asynchronously."""
    deadline = time.monotonic() + settle
    while True:
        targets = browser.call("Target.getTargets")["targetInfos"]
        n = sum(t["type"] == "page" and not t["url"].startswith("chrome:") for t in targets)
        if n == expected or time.monotonic() > deadline:
            return n
        time.sleep(0.05)


@pytest.mark.slow
@needs_chromium
def test_a_thread_prints_its_pages_in_one_tab_each_page_as_it_is_now(tmp_path: Path) -> None:
    with chromium.Browser(timeout=10) as browser:
        first = page(tmp_path, 1)
        browser.print_pdf(first, tmp_path / "a.pdf")
        browser.print_pdf(page(tmp_path, 2), tmp_path / "b.pdf")
        assert page_tabs(browser, 1) == 1  # the second page came into the first page's tab
        assert "Thông báo số 1" in pdf_text(tmp_path / "a.pdf")
        assert "Thông báo số 2" in pdf_text(tmp_path / "b.pdf")
        first.write_text(PAGE.format(n=9), encoding="utf-8")  # same file, new content
        assert "Thông báo số 9" in pdf_text(browser.print_pdf(first, tmp_path / "c.pdf"))
        with pytest.raises(RenderError, match="did not load: net::ERR_FILE_NOT_FOUND"):
            browser.print_pdf(tmp_path / "gone.html", tmp_path / "gone.pdf")  # navigated to
        assert page_tabs(browser, 0) == 0  # the failed tab was closed
        again = browser.print_pdf(page(tmp_path, 2), tmp_path / "d.pdf")
        assert "Thông báo số 2" in pdf_text(again)
        with ThreadPoolExecutor(2) as pool:  # another thread, a tab of its own
            pool.submit(browser.print_pdf, page(tmp_path, 3), tmp_path / "e.pdf").result()
        assert page_tabs(browser, 2) == 2
        assert "Thông báo số 3" in pdf_text(tmp_path / "e.pdf")


def fake_chromium(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_a_browser_that_dies_is_a_clear_error(tmp_path: Path) -> None:
    broken = fake_chromium(tmp_path, "echo 'cannot start' >&2; exit 3")
    with pytest.raises(RenderError, match="Chromium exited|Chromium is not running"):
        chromium.html_to_pdf(page(tmp_path), tmp_path / "p.pdf", chromium=broken, timeout=30)
    silent = fake_chromium(tmp_path, "sleep 30")
    with pytest.raises(RenderError, match="did not answer"):
        chromium.html_to_pdf(page(tmp_path), tmp_path / "p.pdf", chromium=silent, timeout=0.5)


def test_find_chromium_prefers_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(chromium.ENV_CHROMIUM, "/opt/chrome/chrome")
    assert chromium.find_chromium() == "/opt/chrome/chrome"
    monkeypatch.delenv(chromium.ENV_CHROMIUM)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError, match="apt-get install"):
        chromium.find_chromium()


def test_flags_turn_off_everything_that_phones_home() -> None:
    flags = set(chromium.CHROMIUM_FLAGS)
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        assert flag in flags  # fmt: skip


@pytest.mark.slow
@needs_chromium
@pytest.mark.skipif(not shutil.which("strace"), reason="strace is not installed")
def test_printing_attempts_no_connection(tmp_path: Path) -> None:
    """The whole browser, traced: no connect() to any internet address, no DNS."""
    script = tmp_path / "print.py"
    script.write_text(
        "import sys\nfrom chiso766.render.chromium import html_to_pdf\n"
        "html_to_pdf(sys.argv[1], sys.argv[2])\n"
    )
    log = tmp_path / "trace.log"
    subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=connect,sendto,sendmsg",
            "-o",
            str(log),
            sys.executable,
            str(script),
            str(page(tmp_path)),
            str(tmp_path / "t.pdf"),
        ],  # fmt: skip
        check=True,
        timeout=120,
    )
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF-")
    trace = log.read_text()
    inet = [line for line in trace.splitlines() if "AF_INET" in line and "connect(" in line]
    # no connection was made: a stream socket never connects to an internet address, and the
    # one datagram "connect" Chromium makes at start (a route lookup that sends nothing) fails
    # inside the browser's own network namespace
    assert not [line for line in inet if line.rstrip().endswith("= 0")], inet[:5]
    sends = [line for line in trace.splitlines()
             if ("sendto(" in line or "sendmsg(" in line) and "AF_INET" in line]  # fmt: skip
    assert sends == [], sends[:5]
    assert "htons(53)" not in trace  # no DNS query


def test_the_browser_runs_without_a_network_where_allowed() -> None:
    prefix = chromium.network_isolation()
    if shutil.which("unshare") and subprocess.run(["unshare", "--net", "true"]).returncode == 0:
        assert prefix[-2:] == ("--net", "--")


PARTS = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 15mm; @bottom-center {{ content: counter(page) "/" counter(pages); }} }}
body {{ font-family: "Noto Sans", sans-serif; }} section.appendix {{ break-before: page; }}
</style></head><body><main><h1>Thông báo</h1><p>Nội dung chính.</p>{parts}</main></body></html>"""


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("tabs", [1, 2])
def test_parts_print_as_documents_of_their_own_in_order_with_one_tab_or_two(tmp_path, tabs):
    """The page without its appendices, then each appendix from its own page 1 — the same
    document whether one tab prints every piece or two share them (largest first)."""
    rows = "".join(f"<p>Dòng {i}</p>" for i in range(120))  # Phụ lục II: several pages
    parts = (
        '<section class="appendix"><h2>Phụ lục I</h2><p>Ngắn.</p></section>'
        f'<section class="appendix"><h2>Phụ lục II</h2>{rows}</section>'
        '<section class="appendix"><h2>Phụ lục III</h2><p>Cũng ngắn.</p></section>'
    )
    html = tmp_path / "doc.html"
    html.write_text(PARTS.format(parts=parts), encoding="utf-8")
    with chromium.Browser() as browser:
        count = browser.print_parts(html, tmp_path / "doc.pdf", "section.appendix", tabs=tabs)
    assert count == 3
    pages = pdf_text(tmp_path / "doc.pdf").split("\f")
    starts = [next(i for i, p in enumerate(pages) if name in p)
              for name in ("Thông báo", "Phụ lục I\n", "Phụ lục II", "Phụ lục III")]  # fmt: skip
    assert starts == sorted(starts) and starts[0] == 0
    assert "Phụ lục" not in pages[0]  # the main page holds no appendix
    assert starts[3] - starts[2] >= 2  # Phụ lục II runs over pages of its own …
    assert "1/" in pages[starts[2]] and "1/1" in pages[starts[3]]  # … each numbered from 1


@pytest.mark.slow
@needs_chromium
def test_pieces_to_merge_are_printed_untagged_and_a_single_document_keeps_its_tags(tmp_path):
    """``pdfunite`` drops a piece's structure tree, so pieces are printed without one (half
    the time); a page without parts is one print and stays a tagged PDF."""
    parts = '<section class="appendix"><h2>Phụ lục I</h2><p>Ngắn.</p></section>'
    merged, single = tmp_path / "merged.html", tmp_path / "single.html"
    merged.write_text(PARTS.format(parts=parts), encoding="utf-8")
    single.write_text(PARTS.format(parts=""), encoding="utf-8")
    with chromium.Browser() as browser:
        asked: list[dict] = []
        call = browser.call

        def spy(method, params=None, session=None, **kw):
            if method == "Page.printToPDF":
                asked.append(dict(params or {}))
            return call(method, params, session=session, **kw)

        browser.call = spy  # type: ignore[method-assign]
        assert browser.print_parts(merged, tmp_path / "merged.pdf", "section.appendix") == 1
        assert [a.get("generateTaggedPDF") for a in asked] == [False, False]
        asked.clear()
        assert browser.print_parts(single, tmp_path / "single.pdf", "section.appendix") == 0
        assert [a.get("generateTaggedPDF") for a in asked] == [None]
    info = subprocess.run(["pdfinfo", str(tmp_path / "single.pdf")], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    assert "Phụ lục I" in pdf_text(tmp_path / "merged.pdf")

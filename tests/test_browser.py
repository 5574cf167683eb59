"""Published reports in a real browser (playwright driving the system Chromium): a province
report and a scorecard with attacker-shaped unit names — no console error, no request beyond
file:/data:, no script runs, no sideways scrolling of the page on a phone — and the index,
whose every link resolves, from the file system and from a static web server."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from conftest import CHROMIUM, ingest_files, open_page

ATTACK = (
    'Sở Nội vụ <script>window.__pwned = "script"</script>"\' & '
    "<img src=x onerror=\"window.__pwned = 'img'\"><svg onload=\"window.__pwned = 'svg'\">"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chiso766.render.pipeline import plan, render_batch
    from chiso766.report.request import UNIT_SCORECARD, ReportRequest, Resolver
    from chiso766.store import Store

    base = tmp_path_factory.mktemp("browser")
    table = base / "units.csv"
    table.write_text(
        "Đơn vị,Cấp,Điểm đánh giá (27/3/2025),Điểm đánh giá (08/4/2025)\n"
        f'"{ATTACK.replace(chr(34), chr(34) * 2)}",Sở,80,85\n'
        "Sở Tư pháp,Sở,90,91\nSở Y tế,Sở,70,65\n",
        encoding="utf-8",
    )
    store = base / "s.duckdb"
    ingest_files(store, table)
    out = base / "reports"
    with Store(store, read_only=True) as st:
        res = Resolver(st)
        reports = [res.resolve(ReportRequest.build(period="2025-W15"))] + [
            res.resolve(ReportRequest.build(kind=UNIT_SCORECARD, period="2025-W15", unit=u))
            for u in res.units_for(["all"], "2025-W15")
        ]
    render_batch(plan(reports, out, ("html",), Path(__file__).parents[1] / "notebooks"), out)
    return out


def pages(reports: Path) -> list[Path]:
    return sorted(reports.glob("2025-W15/**/*.html"))


def test_pages_no_errors_no_requests_no_script(browser, reports: Path, tmp_path: Path) -> None:  # noqa: ANN001
    assert len(pages(reports)) == 4
    for path in pages(reports):
        for viewport in ({"width": 1280, "height": 900}, {"width": 412, "height": 915}):
            ctx, page, errors, requests = open_page(browser, path.as_uri(), viewport=viewport)
            try:
                assert errors == [], path
                assert all(u.startswith(("file:", "data:")) for u in requests), requests
                assert page.evaluate("typeof window.__pwned") == "undefined"
                assert page.evaluate("document.documentElement.lang") == "vi"
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"] + 1, (path.name, viewport, width)
                if viewport["width"] < 600:  # a phone: tables as cards, none scrolls sideways
                    wide = page.evaluate(
                        "[...document.querySelectorAll('.table-wrap')]"
                        ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
                    )
                    assert wide == 0, (path.name, wide)
                shot = tmp_path / f"{path.stem}-{viewport['width']}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
            finally:
                ctx.close()


def test_the_hostile_name_reads_as_text(browser, reports: Path) -> None:  # noqa: ANN001
    card = next(p for p in pages(reports) if "/units/so-noi-vu" in p.as_posix())
    ctx, page, _, _ = open_page(browser, card.as_uri())
    try:
        assert "<script>window.__pwned" in page.locator(".subject").inner_text()
    finally:
        ctx.close()


def links_resolve(browser, url: str) -> list[str]:  # noqa: ANN001
    """Open the index and follow every link it holds: the ones that do not resolve."""
    from urllib.parse import unquote, urlparse

    ctx, page, errors, _ = open_page(browser, url)
    try:
        assert errors == []
        hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
        assert len(hrefs) >= 8
        bad = []
        for href in hrefs:
            if href.startswith("http"):
                if ctx.request.get(href).status != 200:
                    bad.append(href)
            elif not Path(unquote(urlparse(href).path)).is_file():
                bad.append(href)
        return bad
    finally:
        ctx.close()


def test_every_index_link_resolves_from_files_and_a_web_server(browser, reports: Path) -> None:  # noqa: ANN001
    assert links_resolve(browser, (reports / "index.html").as_uri()) == []
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(reports))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert links_resolve(browser, f"http://127.0.0.1:{port}/index.html") == []
    finally:
        server.shutdown()

"""The rendered page in a real browser (playwright driving the system Chromium): no console
error, no request beyond file:/data:, the injected script never runs, phones need no sideways
scrolling of the page (wide tables scroll inside their wrappers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chiso766.render import pipeline as render
from conftest import CHROMIUM, open_page

MINI = Path(__file__).parent / "data" / "notebooks" / "mini_report.ipynb"
ATTACK = (
    'Sở Nội vụ <script>window.__pwned = "script"</script>"\' & '
    "<img src=x onerror=\"window.__pwned = 'img'\"><svg onload=\"window.__pwned = 'svg'\">"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = tmp_path_factory.mktemp("browser") / "reports"
    result = render.render_report(
        MINI, {"unit_name": ATTACK}, reports / "2025-W15", "province_report", ("html",)
    )
    return result.paths["html"]


def test_desktop_no_errors_no_requests_no_script(browser, page_path: Path, tmp_path: Path) -> None:  # noqa: ANN001
    ctx, page, errors, requests = open_page(
        browser, page_path.as_uri(), viewport={"width": 1280, "height": 900}
    )
    try:
        assert errors == []
        assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests
        assert page.evaluate("typeof window.__pwned") == "undefined"
        cell = page.locator("table.report-table td").first.inner_text()
        assert cell.startswith("Sở Nội vụ <script>window.__pwned")
        assert page.evaluate("document.documentElement.lang") == "vi"
        shot = tmp_path / "desktop.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 30_000
    finally:
        ctx.close()


def test_phone_has_no_horizontal_overflow(browser, page_path: Path, tmp_path: Path) -> None:  # noqa: ANN001
    ctx, page, errors, _ = open_page(
        browser,
        page_path.as_uri(),
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        assert errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        wraps = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')].map(w => [w.scrollWidth, w.clientWidth])"
        )
        assert any(scroll > client for scroll, client in wraps), wraps  # the wide table scrolls
        shot = tmp_path / "phone.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
    finally:
        ctx.close()


def test_index_page_opens_cleanly(browser, page_path: Path) -> None:  # noqa: ANN001
    index = page_path.parent.parent / "index.html"
    ctx, page, errors, requests = open_page(browser, index.as_uri())
    try:
        assert errors == []
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        link = page.locator("a", has_text="HTML").first
        assert link.get_attribute("href") == "2025-W15/province_report.html"
    finally:
        ctx.close()

"""render/alerts_page.py: the alerts page and its data beside a period's reports, linked from
the index."""

from __future__ import annotations

import json

from chiso766.render.alerts_page import alerts_html, write_alerts_page
from chiso766.render.index import update_index
from chiso766.report.alerts import load_alerts
from chiso766.store import Store


def test_the_page_lists_the_alerts_by_level_and_the_index_links_it(seed_store, tmp_path):
    with Store(seed_store, read_only=True) as st:
        report = load_alerts(st, "2025-04-08")
    page = write_alerts_page(report, tmp_path)
    assert page == tmp_path / "2025-04-08" / "alerts.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and "<script" not in html
    assert "Cần xử lý ngay (1)" in html and "Cần biết" in html
    assert "UBND tỉnh Bình Phước: xếp hạng toàn quốc 8 → 20 (giảm 12 bậc)" in html
    assert "Sở Tư pháp: 88,27 → 82,3 điểm" in html
    data = json.loads((page.parent / "alerts.json").read_text(encoding="utf-8"))
    assert (
        data["must_act"]
        and data["counts"]["act"] == 1
        and data["alerts"][0]["kind"] == ("rank_drop")
    )
    index = update_index(tmp_path).read_text(encoding="utf-8")
    assert 'href="2025-04-08/alerts.html"' in index
    assert "1 cần xử lý ngay" in index and "cần biết" in index


def test_the_page_escapes_names(seed_store):
    from dataclasses import replace

    with Store(seed_store, read_only=True) as st:
        report = load_alerts(st, "2025-04-08")
    report.alerts = [replace(report.alerts[0], unit="<b>UBND & co</b>")]
    html = alerts_html(report)
    assert "&lt;b&gt;UBND &amp; co&lt;/b&gt;" in html and "<b>UBND" not in html


def _card(period_dir, slug, unit_id, status="published", with_html=True):
    from chiso766.render.manifest import Manifest, write_json

    folder = period_dir / "units" / slug
    folder.mkdir(parents=True)
    name = f"{slug}-x.html"
    if with_html:
        (folder / name).write_text("<html></html>", encoding="utf-8")
    m = Manifest(
        "unit",
        "t",
        "2025-04-08",
        "",
        "",
        {},
        "",
        "",
        "",
        "",
        unit_id=unit_id,
        status=status,
        files={"html": {"name": name, "size": 13, "sha256": ""}},
    )
    write_json(folder / "manifest.json", m.to_json())


def test_alerts_link_to_the_published_scorecards_of_their_units(seed_store, tmp_path):
    """A unit's alert links to its scorecard of the period where one is published (not to a
    failed attempt, nor to a page that is missing)."""
    period_dir = tmp_path / "2025-04-08"
    _card(period_dir, "so-tu-phap", "department:sở-tư-pháp")
    _card(period_dir, "huyen-bu-dang", "district:huyện-bù-đăng", status="failed")
    _card(period_dir, "huyen-phu-rieng", "district:huyện-phú-riềng", with_html=False)
    with Store(seed_store, read_only=True) as st:
        report = load_alerts(st, "2025-04-08")
    html = write_alerts_page(report, tmp_path).read_text(encoding="utf-8")
    item = next(li for li in html.split("<li>") if "Sở Tư pháp: 88,27" in li)
    assert '<a href="units/so-tu-phap/so-tu-phap-x.html">xem phiếu kết quả</a>' in item
    assert html.count("xem phiếu kết quả") == 1

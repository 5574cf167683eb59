"""The province announcement end to end: real store, papermill, nbconvert, Chromium, openpyxl.

Seed 004 (Bình Phước, week 15/2025) is ingested from its transcribed tables and rendered; the
report must say what the announcement says (and what the numbers say where it miscounts).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from chiso766.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed004"
SEED_OFFICE = ROOT / "tests" / "data" / "office" / "binh-phuoc.yaml"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHROMIUM = shutil.which("chromium")
runner = CliRunner()
FORMATS = "html,pdf,xlsx,docx" if CHROMIUM else "html,xlsx,docx"

pytestmark = pytest.mark.slow


def report_file(period_dir: Path, fmt: str, folder: str = "province") -> Path:
    """A published report's file, found through its manifest."""
    manifest = json.loads((period_dir / folder / "manifest.json").read_text(encoding="utf-8"))
    return period_dir / folder / manifest["files"][fmt]["name"]


def text_of(html: str) -> str:
    """Visible text of a page, whitespace collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    body = body.replace("&nbsp;", " ")
    return re.sub(r"\s+", " ", body)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_have_parameters_and_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "one cell tagged 'parameters'"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert not any("def " in "".join(c["source"]) for c in code), "no functions in notebooks"


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("seed")
    store = base / "seed.duckdb"
    files = [SEED / f"004-{n}.csv" for n in
             ("indicators", "departments", "districts", "province-rank", "overdue")]
    res = runner.invoke(app, ["ingest", *map(str, files), "--store", str(store)])
    assert res.exit_code == 0, res.output
    out = base / "reports"
    os.environ["CHISO766_OFFICE"] = str(SEED_OFFICE)  # the kernels inherit it
    try:
        res = runner.invoke(app, ["render", "2025-W15", "--store", str(store), "--out",
                                  str(out), "--units", "Sở Tư pháp", "--units", "Sở Ngoại vụ",
                                  "--format", "html,pdf,xlsx,docx"])
    finally:
        del os.environ["CHISO766_OFFICE"]
    assert res.exit_code == 0, res.output
    return out / "2025-W15"


def test_seed_week_15_report_says_what_the_announcement_says(seed_reports):
    text = text_of((report_file(seed_reports, "html")).read_text(encoding="utf-8"))
    assert "tuần thứ 15, tháng 4/2025" in text
    assert ("UBND tỉnh Bình Phước xếp hạng 20/63 tỉnh, thành phố trong cả nước, giảm 12 bậc so "
            "với kết quả ngày 27/3/2025 (xếp hạng 08/63).") in text
    fell = re.search(r"Có 05 chỉ số giảm điểm gồm: (.*?)\.\s", text).group(1)
    assert re.findall(r"giảm ([\d,]+) điểm", fell) == ["24,27", "5,35", "2,11", "0,27", "0,06"]
    assert fell.startswith("Tỷ lệ xử lý hồ sơ thủ tục hành chính được đồng bộ đầy đủ")
    assert "Có 04 chỉ số tăng điểm gồm:" in text
    assert "Có 02 chỉ số giữ tỷ lệ đạt 100% gồm:" in text
    assert ("Có 01 chỉ số không thay đổi: Tỷ lệ thanh toán trực tuyến trên Cổng dịch vụ công "
            "quốc gia (93,37%).") in text
    assert "Có 03 chỉ số" not in text
    assert ("Hệ thống không thông báo dữ liệu đối với 02 cơ quan: Sở Ngoại vụ; Sở Dân tộc và "
            "Tôn giáo (không xếp hạng).") in text
    assert ("UBND huyện Hớn Quản và UBND thị xã Chơn Thành cùng đạt 86,03 điểm, đồng xếp hạng "
            "04/11.") in text


def test_seed_departments_in_the_published_order(seed_reports):
    html = (report_file(seed_reports, "html")).read_text(encoding="utf-8")
    section = html[html.index("Các sở, ban, ngành"):html.index("UBND các huyện")]
    rows = re.findall(r"<tr><td[^>]*>(\d+)</td><td[^>]*>([^<]+)</td>", section)
    names = [n for _, n in rows]
    published = [line.split(",")[1].strip('"') for line in
                 (SEED / "004-departments.csv").read_text(encoding="utf-8").splitlines()[1:]]
    published = [re.sub(r'^"|"$', "", p) for p in published]
    assert names[:11] == [
        "Sở Nội vụ", "Sở Xây dựng", "Ban Quản lý Khu kinh tế", "Sở Y tế",
        "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Công thương",
        "Sở Tư pháp", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo", "Sở Tài chính",
    ]
    assert names[11:] == ["Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo"]
    changes = re.findall(r'<td class="num"[^>]*>([+-][\d,]+)</td>', section)
    assert changes[:11] == ["+5,18", "+2,72", "-3,31", "-1,43", "-0,85", "-3,39", "-3,51",
                            "-5,97", "-4,67", "-4,22", "-2,92"]
    assert len(published) == 13


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_seed_pdf_is_a4_with_vietnamese_text_and_page_numbers(seed_reports):
    pdf = report_file(seed_reports, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info  # pdfinfo names the page size
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for phrase in ("THÔNG BÁO", "Bình Phước", "xếp hạng 20/63", "Sở Dân tộc và Tôn giáo",
                   "Hệ thống không thông báo dữ liệu"):
        assert phrase in flat, phrase
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Số: 1072/TB-VPUBND" in flat
    assert "giảm 12 bậc so với kết quả ngày 27/3/2025 (xếp hạng 08/63)" in flat
    fell = re.search(r"Có 05 chỉ số giảm điểm gồm: (.*?)\.\s", flat).group(1)
    assert re.findall(r"giảm ([\d,]+) điểm", fell) == ["24,27", "5,35", "2,11", "0,27", "0,06"]
    first = page_texts(pdf)[0]
    assert not re.search(r"^\s*1\s*$", first.splitlines()[0] if first else "")  # no number
    assert pages >= 4


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_seed_pdf_pages_render_as_images(seed_reports, tmp_path):
    """Every page of the PDF rasterises (pdftoppm) to a non-blank A4 image."""
    from PIL import Image

    pdf = report_file(seed_reports, "pdf")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    for page in pages:
        with Image.open(page) as im:
            w, h = im.size
            assert abs(max(h, w) / min(h, w) - 297 / 210) < 0.02  # A4 (appendices landscape)
            colours = im.convert("L").getextrema()
            assert colours[0] < 100  # some dark ink: text was drawn


def test_seed_xlsx_as_an_analyst_expects(seed_reports):
    wb = openpyxl.load_workbook(report_file(seed_reports, "xlsx"))
    assert wb.sheetnames == ["Tổng hợp", "Chỉ số thành phần", "Sở, ban, ngành", "UBND cấp huyện"]
    summary = wb["Tổng hợp"]
    rows = [[c.value for c in r] for r in summary.iter_rows()]
    assert rows[0][:2] == ["STT", "Nội dung"]
    rank = next(r for r in rows if str(r[1]).startswith("Xếp hạng toàn quốc"))
    assert rank[3:6] == [8, 20, -12]
    ws = wb["Sở, ban, ngành"]
    head = [c.value for c in ws[1]]
    assert head[:5] == ["STT", "Đơn vị", "Điểm (27/3/2025)", "Điểm (08/4/2025)", "Tăng, giảm điểm"]
    assert {"Xếp loại", "Xếp hạng", "Thay đổi thứ hạng"} <= set(head)
    first = [c.value for c in ws[2]]
    assert first[:5] == [1, "Sở Nội vụ", 90.41, 95.59, 5.18]
    assert ws["D2"].number_format == "#,##0.00" and ws.freeze_panes == "C2"
    assert ws.auto_filter.ref and not any(h is None or h.startswith(" ") for h in head)
    assert wb.properties.title.startswith("Kết quả Bộ chỉ số 766 của UBND tỉnh Bình Phước")


def page_texts(pdf: Path, layout: bool = True) -> list[str]:
    """Each page's text (pdftotext, ``-layout`` or in reading order), in order."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_seed_docx_says_what_the_announcement_says(seed_reports):
    import docx

    d = docx.Document(str(report_file(seed_reports, "docx")))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "giảm 12 bậc so với kết quả ngày 27/3/2025 (xếp hạng 08/63)" in text
    fell = re.search(r"Có 05 chỉ số giảm điểm gồm: (.*?)\.\n", text).group(1)
    assert re.findall(r"giảm ([\d,]+) điểm", fell) == ["24,27", "5,35", "2,11", "0,27", "0,06"]
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in d.tables]
    units = [t for t in tables if t[0][-1] == "Thay đổi thứ hạng"]
    assert [r[1] for r in units[0][1:4]] == ["Sở Nội vụ", "Sở Xây dựng", "Ban Quản lý Khu kinh tế"]
    assert [r[1] for r in units[1][1:3]] == ["UBND huyện Bù Đốp", "UBND thị xã Phước Long"]


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    store = base / "demo.duckdb"
    assert runner.invoke(app, ["demo", "--store", str(store)]).exit_code == 0
    out = base / "reports"
    res = runner.invoke(app, ["render", "2026-W47", "2026-10", "2026-Q3", "2026", "--store",
                              str(store), "--out", str(out), "--format", FORMATS,
                              "--units", "Sở Tư pháp"])
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.parametrize(
    ("period", "label"),
    [("2026-W47", "tuần thứ 47, tháng 11/2026"), ("2026-10", "tháng 10/2026"),
     ("2026-Q3", "quý III/2026"), ("2026", "năm 2026")],
)
def test_demo_renders_every_period_kind(demo_reports, period, label):
    html = report_file(demo_reports / period, "html").read_text(encoding="utf-8")
    text = text_of(html)
    assert label in text
    assert "UBND tỉnh Tây Sơn" in text and "/34" in text
    for klass in ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"):
        assert f"xếp loại {klass}" in text
    assert report_file(demo_reports / period, "xlsx").exists()
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    index = (demo_reports / "index.html").read_text(encoding="utf-8")
    assert f"{period}/province/ubnd-tinh-tay-son-{period}.html" in index


ATTACK = (
    'Sở Nội vụ <script>window.__pwned = "script"</script>"\' & '
    "<img src=x onerror=\"window.__pwned = 'img'\">"
)


@pytest.fixture(scope="module")
def attack_report(tmp_path_factory):
    """A report whose unit names are attacker-shaped (and one very long)."""
    base = tmp_path_factory.mktemp("attack")
    long_name = "Sở " + "Rất Dài " * 35  # long, within the 300 characters a name may have
    table = base / "units.csv"
    table.write_text(
        "Đơn vị,Cấp,Điểm đánh giá (27/3/2025),Điểm đánh giá (08/4/2025)\n"
        f'"{ATTACK.replace(chr(34), chr(34) * 2)}",Sở,80,85\n'
        f'"{long_name}",Sở,70,65\n'
        "Sở Tư pháp,Sở,90,91\n",
        encoding="utf-8",
    )
    store = base / "s.duckdb"
    res = runner.invoke(app, ["ingest", str(table), "--store", str(store)])
    assert res.exit_code == 0, res.output
    out = base / "reports"
    res = runner.invoke(app, ["render", "2025-W15", "--store", str(store), "--out", str(out),
                              "--format", "html"])
    assert res.exit_code == 0, res.output
    return report_file(out / "2025-W15", "html")


def test_attacker_names_are_escaped_everywhere(attack_report):
    html = attack_report.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned" in html
    assert html.count("&lt;script&gt;") >= 3  # tables, commentary, appendix


def test_real_report_in_a_browser(browser, attack_report, tmp_path):
    from conftest import open_page

    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        ctx, page, errors, requests = open_page(browser, attack_report.as_uri(),
                                                viewport=viewport)
        try:
            assert errors == []
            assert all(u.startswith(("file:", "data:")) for u in requests), requests
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
            shot = tmp_path / f"report-{viewport['width']}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
        finally:
            ctx.close()


def test_seed_scorecards_say_what_the_tables_say(seed_reports):
    """Sở Tư pháp: 82,3 điểm, giảm 5,97 điểm, 08/11 among the departments; the departments
    without data get a scorecard that says so instead of a score."""
    text = text_of(report_file(seed_reports, "html", "units/so-tu-phap").read_text("utf-8"))
    assert ("Sở Tư pháp đạt 82,3 điểm, xếp loại Tốt, giảm 5,97 điểm so với kết quả ngày "
            "27/3/2025 (88,27 điểm).") in text
    assert "Xếp hạng 08/11 cơ quan, giảm 1 bậc (xếp hạng 07/11)." in text
    text = text_of(report_file(seed_reports, "html", "units/so-ngoai-vu").read_text("utf-8"))
    assert ("Hệ thống không thông báo dữ liệu: Sở Ngoại vụ chưa có điểm tuần thứ 15, tháng "
            "4/2025, nên chưa được xếp loại và xếp hạng.") in text
    assert "đạt" not in text.split("Sở Ngoại vụ chưa có điểm")[0].split("PHIẾU KẾT QUẢ")[-1]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_seed_scorecard_pdf_is_one_or_two_pages(seed_reports):
    for folder in ("units/so-tu-phap", "units/so-ngoai-vu"):
        pdf = report_file(seed_reports, "pdf", folder)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "(A4)" in info and int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 2


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_pages_on_a_phone_show_tables_as_cards(browser, seed_reports, demo_reports):
    """At 412 px no table of the announcement or of a scorecard scrolls sideways (each row a
    card, every value labelled); printed, the same tables keep their header row."""
    from conftest import open_page

    demo = demo_reports / "2026-W47"
    for base, folder in ((seed_reports, "province"), (demo, "province"), (demo, "units/so-tu-phap")):
        path = report_file(base, "html", folder)
        ctx, page, errors, _ = open_page(browser, path.as_uri(),
                                         viewport={"width": 412, "height": 915})
        try:
            assert errors == []
            wraps = page.evaluate(
                "[...document.querySelectorAll('.table-wrap')]"
                ".map(w => [w.scrollWidth - w.clientWidth, w.querySelectorAll('tbody tr').length])"
            )
            assert len(wraps) >= 2 and all(over <= 1 for over, _ in wraps), (folder, wraps)
            # charts keep a readable width and scroll in their own frame; the page does not
            charts = page.evaluate(
                "[...document.querySelectorAll('figure.chart svg')]"
                ".map(s => [s.getBoundingClientRect().width, s.closest('figure').clientWidth])"
            )
            assert charts and all(w >= 599 and frame <= 412 for w, frame in charts), charts
            assert page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            if folder != "province":
                labels = page.evaluate(
                    "[...document.querySelectorAll('.phone-cards td[data-label]')]"
                    ".filter(td => getComputedStyle(td, '::before').content.includes('Điểm'))"
                    ".length"
                )
                assert labels >= 10  # "Điểm" beside each group's and indicator's points
            page.emulate_media(media="print")
            page.set_viewport_size({"width": 688, "height": 1000})
            heads = page.evaluate(
                "[...document.querySelectorAll('.report-table thead')]"
                ".map(h => getComputedStyle(h).display)"
            )
            assert heads and set(heads) == {"table-header-group"}, (folder, heads)
        finally:
            ctx.close()


DEMO_PERIODS = ("2026-W47", "2026-10", "2026-Q3", "2026")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("period", DEMO_PERIODS)
def test_every_appendix_prints_its_whole_header_on_its_first_page(demo_reports, period):
    """Phụ lục I, II …: the page where each starts holds its table's whole header row, the
    columns after the groups included; each appendix is numbered from 1 (no number on its
    first page) and wide ones are landscape."""
    pdf = report_file(demo_reports / period, "pdf")
    pages = page_texts(pdf)
    starts = [i for i, t in enumerate(pages) if re.search(r"^\s*Phụ lục [IVX]+\s*$", t, re.M)]
    assert len(starts) >= 2
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(pages)), str(pdf)],
                          capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    cells = page_texts(pdf, layout=False)  # a header cell's words together, wrapped or not
    for i in starts[:2]:  # the levels' appendices
        flat = re.sub(r"\s+", " ", cells[i])
        for head in ("STT", "Đơn vị", "Công khai, minh bạch", "Mức độ hài lòng", "Tổng điểm",
                     "Xếp loại", "Xếp hạng"):
            assert head in flat, (i, head)
        w, h = map(float, sizes[i])
        assert w > h  # landscape: 11 columns
        assert not re.match(r"^\s*\d+\s*$", pages[i].splitlines()[0])  # no number on page 1
        if i + 1 < len(pages) and i + 1 not in starts:
            assert pages[i + 1].split("\n", 1)[0].strip() == "2"  # then numbered from 2
    assert pages[1].split("\n", 1)[0].strip() == "2"  # the body numbered at the top


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("period", ("2026-W47", "2026"))
def test_nothing_is_printed_outside_the_printable_area(demo_reports, period):
    """Every word of every page lies inside its margins (no clipped column), from the PDF's
    own text placements."""
    pdf = report_file(demo_reports / period, "pdf")
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    mm = 72 / 25.4
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
        width = float(page[1])
        for x0, x1 in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"',
                                 page[3]):
            assert float(x0) >= 30 * mm - 2 and float(x1) <= width - 15 * mm + 2, (x0, x1)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_tables_and_charts_fit_the_printed_page(browser, demo_reports):
    """In print layout, at the printable width of a portrait (165 mm) and a landscape (252 mm)
    page: no table or chart is wider than its page, and no chart is taller than a page (so
    'break-inside: avoid' keeps each whole)."""
    from conftest import open_page

    page_file = report_file(demo_reports / "2026-W47", "html")
    px = 96 / 25.4
    for width, height, scope in ((165, 257, ".doc-body"), (252, 170, ".appendix")):
        ctx, page, errors, _ = open_page(browser, page_file.as_uri(),
                                         viewport={"width": int(width * px), "height": 900})
        try:
            page.emulate_media(media="print")
            sizes = page.evaluate(
                "(s) => [...document.querySelectorAll(s + ' table, ' + s + ' figure.chart svg')]"
                ".map(e => [e.tagName, e.getBoundingClientRect().width,"
                " e.getBoundingClientRect().height, e.closest('.table-wrap') ?"
                " e.closest('.table-wrap').scrollWidth - e.closest('.table-wrap').clientWidth : 0])",
                scope,
            )
            assert sizes and errors == []
            for tag, w, h, overflow in sizes:
                assert w <= width * px + 1 and overflow <= 1, (scope, tag, w, overflow)
                if tag.lower() == "svg":
                    assert h <= height * px, (scope, h)
        finally:
            ctx.close()


@pytest.mark.parametrize("period", DEMO_PERIODS)
def test_provisional_periods_say_so_in_every_export(demo_reports, period):
    import docx

    folder = demo_reports / period / "province"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    html = text_of(report_file(demo_reports / period, "html").read_text(encoding="utf-8"))
    d = docx.Document(str(report_file(demo_reports / period, "docx")))
    doc_text = "\n".join(p.text for p in d.paragraphs)
    wb = openpyxl.load_workbook(report_file(demo_reports / period, "xlsx"))
    notes = " ".join(str(c.value) for c in wb.worksheets[0]["A"] if c.value)
    assert "Dữ liệu mẫu" in html and "Dữ liệu mẫu" in doc_text and "Dữ liệu mẫu" in notes
    said = "Số liệu tạm tính" in html
    assert said == manifest["provisional"] == ("Số liệu tạm tính" in doc_text)
    assert said == ("Số liệu tạm tính" in notes) == ("tạm tính" in manifest["title"])
    if period == "2026":  # the year of the demo's data: not ended when its data was taken
        assert manifest["provisional"] or manifest["rendered_at"] >= "2027"


@pytest.mark.parametrize("name", ["province_report.ipynb", "unit_scorecard.ipynb", "explore.ipynb"])
def test_a_notebook_without_a_store_stops_with_a_clear_message(name, tmp_path, monkeypatch):
    """No store and store_path empty: the notebook stops and says what to set — it does not
    show the demo data as if it were the office's."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    monkeypatch.setenv("CHISO766_STORE", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("CHISO766_LANG", "vi")
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / name),
            str(tmp_path / "out.ipynb"),
            parameters={"store_path": ""},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
        )
    assert err.value.ename == "NotebookStop"
    assert "Chưa có kho dữ liệu tại" in err.value.evalue
    assert 'store_path = "demo"' in err.value.evalue
    shown = "\n".join(err.value.traceback)
    assert "Traceback" not in shown and "File " not in shown  # the message, not a traceback
    assert shown.startswith("Dừng lại: Chưa có kho dữ liệu")

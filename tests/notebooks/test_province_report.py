"""The province announcement end to end: real store, papermill, nbconvert, Chromium, openpyxl.

Seed 004 (Bình Phước, week 15/2025) is ingested from its transcribed tables and rendered; the
report must say what the announcement says (and what the numbers say where it miscounts).
"""

from __future__ import annotations

import json
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
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHROMIUM = shutil.which("chromium")
runner = CliRunner()

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
    res = runner.invoke(app, ["render", "2025-W15", "--store", str(store), "--out", str(out),
                              "--units", "Sở Tư pháp", "--units", "Sở Ngoại vụ"])
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
    changes = re.findall(r'<td class="num">([+-][\d,]+)</td>', section)
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
    assert f"1/{pages}" in flat and f"{pages}/{pages}" in flat


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
            assert abs(h / w - 297 / 210) < 0.02  # A4 portrait
            colours = im.convert("L").getextrema()
            assert colours[0] < 100  # some dark ink: text was drawn


def test_seed_xlsx_has_the_appendices(seed_reports):
    wb = openpyxl.load_workbook(report_file(seed_reports, "xlsx"))
    assert wb.sheetnames[0] == "Chỉ số thành phần"
    assert any(s.startswith("Phụ lục 1") for s in wb.sheetnames)
    ws = wb[wb.sheetnames[1]]
    values = [c.value for c in ws[2]]
    assert "Sở Nội vụ" in values and 95.59 in values


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    store = base / "demo.duckdb"
    assert runner.invoke(app, ["demo", "--store", str(store)]).exit_code == 0
    out = base / "reports"
    res = runner.invoke(app, ["render", "2026-W47", "2026-10", "2026-Q3", "2026", "--store",
                              str(store), "--out", str(out), "--format", "html,xlsx"])
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

"""docx: seed 004's announcement as DOCX, opened with python-docx — A4, margins within
Nghị định 30's ranges, Times New Roman 13–14 pt, Quốc hiệu and Tiêu ngữ, the signer and Nơi
nhận from the office's file, page numbers at the top (none on page 1), each appendix its own
section numbered from 1 (landscape where wide), real tables with a repeated header — and
converted to PDF by LibreOffice where it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from chiso766.render.docx import svg_png, write_docx
from chiso766.report.loading import load_announcement
from chiso766.report.office import BODY_PT, MARGIN_RANGES
from chiso766.report.request import ReportRequest
from chiso766.store import Store

docx = pytest.importorskip("docx")
SEED_OFFICE = Path(__file__).parent / "data" / "office" / "binh-phuoc.yaml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def seed_docx(seed_store, tmp_path_factory) -> Path:
    os.environ["CHISO766_OFFICE"] = str(SEED_OFFICE)
    try:
        req = ReportRequest.build(period="2025-W15", store=str(seed_store))
        with Store(seed_store, read_only=True) as st:
            _report, doc, _view = load_announcement(st, req)
    finally:
        del os.environ["CHISO766_OFFICE"]
    path = tmp_path_factory.mktemp("docx") / "seed.docx"
    started = time.perf_counter()
    write_docx(doc, path)
    assert time.perf_counter() - started < 10
    return path


def all_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_page_margins_and_font(seed_docx):
    d = docx.Document(str(seed_docx))
    for section in d.sections:
        size = sorted([round(section.page_width.mm), round(section.page_height.mm)])
        assert size == [210, 297]
        for side, (lo, hi) in MARGIN_RANGES.items():
            mm = getattr(section, f"{side}_margin").mm
            assert lo - 0.1 <= mm <= hi + 0.1, (side, mm)
    normal = d.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert BODY_PT[0] <= normal.font.size.pt <= BODY_PT[1]
    fonts = normal.element.rPr.find(f"{W}rFonts")
    assert {fonts.get(f"{W}{k}") for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"
    }


def test_header_signer_and_recipients(seed_docx):
    d = docx.Document(str(seed_docx))
    head = d.tables[0]
    left, right = head.rows[0].cells
    assert "UBND TỈNH BÌNH PHƯỚC" in left.text and "VĂN PHÒNG" in left.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    assert head.rows[1].cells[0].text.strip() == "Số: 1072/TB-VPUBND"
    assert head.rows[1].cells[1].text.strip() == "Bình Phước, ngày 11 tháng 4 năm 2025"
    sign = next(t for t in d.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    recipients, signer = sign.rows[0].cells
    assert "- Lưu: VT, NC." in recipients.text and "- Các sở, ban, ngành;" in recipients.text
    assert "KT. CHÁNH VĂN PHÒNG" in signer.text and "PHÓ CHÁNH VĂN PHÒNG" in signer.text
    assert "Trần Văn B" in signer.text
    text = all_text(d)
    assert (
        "THÔNG BÁO" in text and "giảm 12 bậc so với kết quả ngày 27/3/2025 (xếp hạng 08/63)" in text
    )


def test_each_appendix_is_a_section_numbered_from_one(seed_docx):
    d = docx.Document(str(seed_docx))
    sections = d.sections
    assert len(sections) == 3  # the body, Phụ lục I (sở), Phụ lục II (huyện)
    for section in sections:
        assert section.different_first_page_header_footer
        assert "PAGE" in section.header._element.xml
        assert "PAGE" not in section.first_page_header._element.xml
        assert section._sectPr.find(f"{W}pgNumType").get(f"{W}start") == "1"
    assert [s.orientation for s in sections[1:]] == [1, 1]  # landscape: 11 columns
    starts = [p.text for p in d.paragraphs if p.text.startswith("Phụ lục ")]
    assert starts == ["Phụ lục I", "Phụ lục II"]


def test_tables_are_real_with_a_repeated_header(seed_docx):
    d = docx.Document(str(seed_docx))
    data = [t for t in d.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(data) >= 6
    for t in data:
        assert t.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    appendix = [t for t in data if t.rows[0].cells[-1].text == "Xếp hạng"]
    assert [c.text for c in appendix[0].rows[0].cells][-3:] == ["Tổng điểm", "Xếp loại", "Xếp hạng"]
    departments = next(t for t in data if t.rows[0].cells[-1].text == "Thay đổi thứ hạng")
    names = [r.cells[1].text for r in departments.rows[1:]]
    assert names[:3] == ["Sở Nội vụ", "Sở Xây dựng", "Ban Quản lý Khu kinh tế"]


def test_charts_are_images_in_the_document(seed_docx):
    d = docx.Document(str(seed_docx))
    assert len(d.inline_shapes) >= 3
    for shape in d.inline_shapes:
        assert shape.width.mm <= 210 - 30 - 15 + 0.5
    png = svg_png('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" '
                  'class="chart-svg"><text x="2" y="12">Đắk Lắk</text></svg>')  # fmt: skip
    assert png.startswith(b"\x89PNG")


def test_document_properties(seed_docx):
    props = docx.Document(str(seed_docx)).core_properties
    assert props.title.startswith("Kết quả Bộ chỉ số 766 của UBND tỉnh Bình Phước")
    assert "tuần thứ 15" in props.subject and props.category == "Thông báo"


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_it(seed_docx, tmp_path):
    profile = tmp_path / "profile"
    done = subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(seed_docx)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "seed.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info and int(info.split("Pages:")[1].split()[0]) >= 4
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Phụ lục II" in text

"""announcement: seed 004's week as an official document — header and closing from the
office's file, numbered sections, the five falling indicators with their points, the
department and district tables in the published order, each level's appendix; a công văn
variant; periods that mean what they say (months in a monthly trend, the previous year for a
yearly report, "tạm tính" for a period not yet ended)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from chiso766.report.announcement import build_announcement
from chiso766.report.document import Table
from chiso766.report.loading import load_announcement, load_province_report
from chiso766.report.office import load_office
from chiso766.report.request import ReportRequest
from chiso766.report.view import ReportView
from chiso766.store import Store
from conftest import SEED004_DISTRICTS

SEED_OFFICE = Path(__file__).parent / "data" / "office" / "binh-phuoc.yaml"
DEPARTMENTS = [
    "Sở Nội vụ", "Sở Xây dựng", "Ban Quản lý Khu kinh tế", "Sở Y tế",
    "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Công thương",
    "Sở Tư pháp", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo", "Sở Tài chính",
    "Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo",
]  # fmt: skip


@pytest.fixture(scope="module")
def seed_doc(seed_store):
    import os

    os.environ["CHISO766_OFFICE"] = str(SEED_OFFICE)
    try:
        req = ReportRequest.build(period="2025-W15", store=str(seed_store))
        with Store(seed_store, read_only=True) as st:
            return load_announcement(st, req)
    finally:
        del os.environ["CHISO766_OFFICE"]


def body_text(doc) -> str:
    out = []
    for b in doc.body:
        out += [getattr(b, "text", "")] + list(getattr(b, "items", []))
    return " ".join(out)


def unit_tables(doc) -> list[Table]:
    return [b for b in doc.body if isinstance(b, Table) and "units" in b.css]


def test_header_and_closing_come_from_the_office_file(seed_doc):
    _report, doc, _view = seed_doc
    assert (doc.governing_body, doc.issuing_office) == ("UBND TỈNH BÌNH PHƯỚC", "VĂN PHÒNG")
    assert doc.number_line == "Số: 1072/TB-VPUBND"
    assert doc.date_line == "Bình Phước, ngày 11 tháng 4 năm 2025"
    assert doc.kind_name == "THÔNG BÁO" and doc.subject.endswith("tuần thứ 15, tháng 4/2025")
    assert doc.grounds[0].startswith("Căn cứ Quyết định số 766/QĐ-TTg")
    assert doc.authority == ["KT. CHÁNH VĂN PHÒNG"] and doc.signer_title == "PHÓ CHÁNH VĂN PHÒNG"
    assert doc.signer_name == "Trần Văn B"
    assert doc.recipients[-1] == "- Lưu: VT, NC." and doc.addressees == []
    assert doc.closing[0].endswith("./.")


def test_seed_week_says_what_the_announcement_says(seed_doc):
    _report, doc, _view = seed_doc
    text = body_text(doc)
    assert ("xếp hạng 20/63 tỉnh, thành phố trong cả nước, giảm 12 bậc so với kết quả ngày "
            "27/3/2025 (xếp hạng 08/63)") in text  # fmt: skip
    fell = re.search(r"Có 05 chỉ số giảm điểm gồm: (.*?)\.(?: |$)", text).group(1)
    assert re.findall(r"giảm ([\d,]+) điểm", fell) == ["24,27", "5,35", "2,11", "0,27", "0,06"]
    headings = [b.text for b in doc.body if type(b).__name__ == "Heading" and b.level == 1]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV"]


def test_unit_tables_in_the_published_order(seed_doc):
    _report, doc, _view = seed_doc
    departments, districts = unit_tables(doc)
    assert [r[1] for r in departments.rows] == DEPARTMENTS
    assert [r[1] for r in districts.rows] == [n for n, _ in SEED004_DISTRICTS]
    assert departments.columns[-3:] == ["Xếp loại", "Xếp hạng", "Thay đổi thứ hạng"]
    assert departments.rows[0][4] == "+5,18"


def test_each_level_has_its_appendix_with_the_whole_header(seed_doc):
    _report, doc, _view = seed_doc
    assert [a.number for a in doc.appendices] == ["I", "II"]
    for appendix in doc.appendices:
        table = next(b for b in appendix.blocks if isinstance(b, Table))
        assert table.columns[:2] == ["STT", "Đơn vị"]
        assert table.columns[-3:] == ["Tổng điểm", "Xếp loại", "Xếp hạng"]
        assert appendix.landscape == (len(table.columns) > 7)
        assert "1072/TB-VPUBND" in appendix.note
    assert "(Chi tiết tại Phụ lục I kèm theo)" in body_text(doc)


def test_a_letter_has_a_regarding_line_and_addressees(seed_doc):
    report, _doc, _view = seed_doc
    office = dataclasses.replace(
        load_office(SEED_OFFICE), form="cong_van", symbol="VP-KSTT",
        addressees=("Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"),
    )  # fmt: skip
    letter = build_announcement(report, office)
    assert letter.subject.startswith("V/v công khai kết quả Bộ chỉ số 766 tuần thứ 15")
    assert letter.addressees == ["- Các sở, ban, ngành;", "- UBND các huyện, thị xã, thành phố."]
    assert letter.recipients[0] == "- Như trên;" and letter.closing == ["Trân trọng./."]
    assert letter.number_line == "Số: 1072/VP-KSTT"


def test_a_monthly_trend_shows_months_and_a_yearly_report_compares_with_last_year(demo_store):
    with Store(demo_store, read_only=True) as st:
        month = load_province_report(st, "2026-10")
        year = load_province_report(st, "2026")
    labels = list(month.trend["label"])
    assert len(labels) >= 6 and all(re.fullmatch(r"\d\d/\d{4}", x) for x in labels)
    assert labels[-1] == "10/2026" and len(set(labels)) == len(labels)
    assert month.compare_label == "tháng 9/2026"
    assert year.compare_label == "năm 2025"
    assert year.selection.compare is not None
    assert not year.period.contains_period(year.selection.compare_period)


def test_a_period_not_ended_is_marked_provisional_with_the_date_of_its_data(demo_store):
    with Store(demo_store, read_only=True) as st:
        report = load_province_report(st, "2026")
    from chiso766.report.model import build_province_report

    assert report.taken == "17/11/2026"
    early = dataclasses.replace(report, provisional=True)
    notice = ReportView(early).notice()
    assert (
        notice[0] == "Số liệu tạm tính: năm 2026 chưa kết thúc; số liệu tính đến ngày 17/11/2026."
    )
    doc = build_announcement(early, load_office(), today=dt.date(2026, 11, 20))
    assert doc.notice[0] == notice[0] and doc.properties["provisional"] == "1"
    assert build_province_report  # the model takes the day the report is made (see loading)

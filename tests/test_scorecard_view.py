"""report/scorecard_view.py: a unit's scorecard as escaped HTML sections (tables that a
phone shows as cards) and as an XLSX with the page's notes and document properties."""

from __future__ import annotations

import openpyxl
import pytest

from chiso766.demo import SYNTHETIC_NOTE_VI
from chiso766.render.xlsx import write_xlsx
from chiso766.report.loading import load_report
from chiso766.report.request import UNIT_SCORECARD, ReportRequest
from chiso766.report.scorecard_view import ScorecardView
from chiso766.store import Store


@pytest.fixture(scope="module")
def view(demo_store) -> ScorecardView:
    req = ReportRequest.build(kind=UNIT_SCORECARD, period="2026-W47", unit="Sở Tư pháp")
    with Store(demo_store, read_only=True) as st:
        return ScorecardView(load_report(st, req))


def test_the_tables_are_cards_on_a_phone_with_every_value_labelled(view):
    groups, indicators = str(view.groups()), str(view.indicators())
    assert 'class="report-table phone-cards"' in groups
    assert 'class="report-table phone-cards numbered"' in indicators
    assert groups.count('data-label="Điểm"') == 6  # one per group
    assert indicators.count('data-label="Còn thiếu"') == len(view.c.indicators)
    assert "<colgroup>" not in groups + indicators  # the printed layout stays the browser's


def test_the_workbook_says_what_the_page_says(view, tmp_path):
    meta = view.workbook_meta()
    assert meta["title"] == "Phiếu kết quả Bộ chỉ số 766 của Sở Tư pháp, tuần thứ 47, tháng 11/2026"
    assert SYNTHETIC_NOTE_VI in meta["notes"]
    path = write_xlsx(view.xlsx_tables(), tmp_path / "card.xlsx", meta)
    wb = openpyxl.load_workbook(path)
    first = wb.worksheets[0]
    assert first.title == "Tổng hợp" and first["A2"].value == "Sở Tư pháp"
    notes = [c.value for c in first["A"] if c.value and c.row > 2]
    assert SYNTHETIC_NOTE_VI in notes
    assert wb.properties.title == meta["title"] and "Sở Tư pháp" in wb.properties.subject
    assert [ws.title for ws in wb.worksheets][:3] == ["Tổng hợp", "Nhóm chỉ số", "Chỉ số"]


@pytest.mark.parametrize("period", ["2026-W47", "2026"])
def test_a_period_not_yet_ended_is_provisional_on_the_page_and_in_the_workbook(demo_store, period):
    """The year of the demo's data is provisional while it has not ended (today, Vietnam
    time); a week that has ended is not."""
    import datetime as dt

    from chiso766.store import now_local

    req = ReportRequest.build(kind=UNIT_SCORECARD, period=period, unit="Sở Tư pháp")
    with Store(demo_store, read_only=True) as st:
        card = load_report(st, req)
    open_year = now_local().date() <= dt.date(2026, 12, 31)
    assert card.provisional == (period == "2026" and open_year)
    view = ScorecardView(card)
    title, meta = str(view.title()), view.workbook_meta()
    said = "Số liệu tạm tính: năm 2026 chưa kết thúc; số liệu tính đến ngày 17/11/2026."
    assert (said in title) == card.provisional == (said in meta["notes"])
    assert ("(số liệu tạm tính)" in title) == card.provisional
    assert meta["title"].endswith("(số liệu tạm tính)") == card.provisional
    assert title.count("Số liệu tạm tính") <= 1

"""The dossier sections the province report and the unit scorecards show."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from chiso766 import store_dossiers as SD
from chiso766.ingest.dossier_schema import DOSSIERS
from chiso766.report.dossier_sections import (
    DossierSections,
    display_frame,
    dossier_sections_html,
    load_dossier_sections,
)
from chiso766.store import Store

SO_Y_TE = "department:sở-y-tế"


@pytest.fixture(scope="module")
def store(demo_dossier_store):
    with Store(demo_dossier_store, read_only=True) as st:
        yield st


@pytest.fixture(scope="module")
def sections(store) -> DossierSections:
    return load_dossier_sections(store, "2026-W47")


def test_the_week_uses_its_snapshots_window(sections):
    assert (sections.period, sections.snapshot) == ("2026-W47", "2026-11-17")
    assert (sections.start.isoformat(), sections.end.isoformat()) == ("2026-01-01", "2026-11-17")
    assert sections.dossiers == 136509
    assert set(sections.costs) == {
        "1.1",
        "1.2",
        "1.4",
        "2.1",
        "3.3",
        "3.6",
        "4.1",
        "4.2",
        "4.3",
        "5.4",
    }
    assert {"unit", "overdue", "in_progress"} <= set(sections.overdue.columns)
    assert list(sections.late_decisions.columns) == [
        "stt",
        "ministry_decision",
        "effective_date",
        "advising_unit",
        "decision",
        "days",
        "reason",
    ]
    assert len(sections.reconciliation) > 900


def test_no_sections_without_records(store, tmp_path):
    assert load_dossier_sections(store, "2024-05") is None
    with Store(tmp_path / "empty.duckdb") as st:
        assert load_dossier_sections(st, "2026-W47") is None


def test_a_units_scorecard(store):
    s = load_dossier_sections(store, "2026-W47", unit_id=SO_Y_TE)
    assert s.unit == "Sở Y tế"
    assert set(s.indicators["unit_id"]) == {SO_Y_TE}
    assert all(set(f["unit_id"]) == {SO_Y_TE} for f in s.costs.values())
    assert set(s.reconciliation["unit_id"]) == {SO_Y_TE}
    assert s.dossiers == int(
        s.indicators.loc[s.indicators["indicator"] == "2.1", "denominator"].iloc[0]
    )
    html = dossier_sections_html(s)
    assert "Sở Y tế" in html and "Sở Tư pháp" not in html


def test_html_is_escaped_vietnamese_and_masked(store, sections):
    html = dossier_sections_html(sections, max_rows=5)
    assert isinstance(html, Markup)
    for heading in (
        "Hồ sơ quá hạn theo đơn vị",
        "Quyết định công bố thủ tục hành chính chậm hạn",
        "Những hồ sơ, quyết định làm giảm điểm",
        "Đối chiếu với Cổng Dịch vụ công quốc gia",
    ):
        assert heading in html
    assert html.count("<table") == 4 + len(sections.costs)
    assert "chiso766 costs 2026-11-17 --indicator 2.1" in html  # the snapshot's window
    assert re.search(r"\d\d/\d{1,2}/2026", html)  # dates as 08/4/2025
    people = SD.read_table(store, DOSSIERS)[["applicant_name", "phone", "id_number"]].head(2000)
    for value in people.stack().dropna().unique():
        assert value not in html
    assert re.search(r"09\*{6}\d\d", html)  # masked phones are shown


def test_display_frame_formats_as_analysts_read():
    import pandas as pd

    frame = pd.DataFrame(
        {"unit": ["Sở Y tế"], "ratio": [75.456], "days": [3.0], "status": ["in_progress"]}
    )
    out = display_frame(
        frame, {"unit": "Đơn vị", "status": "Trạng thái", "ratio": "Tỷ lệ (%)", "days": "Số ngày"}
    )
    assert out.to_dict("records") == [
        {"Đơn vị": "Sở Y tế", "Trạng thái": "Đang xử lý", "Tỷ lệ (%)": "75,46", "Số ngày": "3"}
    ]

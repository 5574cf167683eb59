"""view: the announcement's HTML sections and XLSX tables from a real store, including a
store's first snapshot (no comparison, no previous year)."""

from __future__ import annotations

from pathlib import Path

from chiso766.report.loading import load_province_report
from chiso766.report.view import ReportView
from chiso766.store import Store


def test_the_first_snapshot_of_a_store_has_tables_without_empty_columns(demo_store: Path):
    with Store(demo_store, read_only=True) as st:
        first = st.snapshots()["snapshot"].iloc[0]
        report = load_province_report(st, first)
    view = ReportView(report)
    assert report.selection.compare is None
    tables = view.xlsx_tables()
    for name, frame in tables.items():
        assert frame.columns.is_unique, name
        assert not [c for c in frame.columns if str(c).strip().startswith("(")], name
    assert "Chỉ số" in tables["Chỉ số thành phần"].columns
    assert "Tăng, giảm" not in tables["Chỉ số thành phần"].columns
    assert str(view.indicators()) and str(view.headline())


def test_sections_escape_and_compare(demo_store: Path):
    with Store(demo_store, read_only=True) as st:
        report = load_province_report(st, "2026-W47")
    view = ReportView(report)
    tables = view.xlsx_tables()
    assert "Tăng, giảm" in tables["Chỉ số thành phần"].columns
    html = str(view.level(report.levels[0], 1))
    assert "<script" not in html and "Xếp hạng" in html

"""report/alerts.py: the alerts of a period from a real store (seed 004, the demo), and the
same in words."""

from __future__ import annotations

import datetime as dt

import pytest

from chiso766.report.alerts import PREVIOUS_DAY, describe, lines, load_alerts, summary_line
from chiso766.store import Source, Store


@pytest.fixture(scope="module")
def seed(seed_store):
    with Store(seed_store, read_only=True) as st:
        yield st


def test_seed_004_week_15(seed):
    """08/4 against 27/3/2025: the national rank fell 8 → 20, Sở Tư pháp lost 5,97 points,
    indicator 9 (sync) fell 24,27 points; two departments have no data (never had)."""
    report = load_alerts(seed, "2025-04-08")
    assert (report.current, report.compare) == ("2025-04-08", "2025-03-27")
    by = {(a.kind, a.unit if a.kind != "indicator_drop" else a.code): a for a in report.alerts}
    rank = by[("rank_drop", "UBND tỉnh Bình Phước")]
    assert (rank.level, rank.old, rank.new) == ("act", 8.0, 20.0)
    tp = by[("score_drop", "Sở Tư pháp")]
    assert (tp.level, tp.change) == ("notice", -5.97)
    assert report.alerts[0] is rank and report.must_act
    assert not any(a.kind == "no_data" for a in report.alerts)  # no data before either
    indicators = [a for a in report.alerts if a.kind == "indicator_drop"]
    assert [(a.level, a.change) for a in indicators] == [("notice", -24.27)]
    assert report.counts() == {"act": 1, "notice": len(report.alerts) - 1}


def test_the_alerts_in_vietnamese(seed):
    report = load_alerts(seed, "2025-04-08")
    text = "\n".join(lines(report))
    assert text.splitlines()[0] == summary_line(report)
    assert summary_line(report).startswith("Cảnh báo ngày 08/4/2025 (08/4/2025 so với 27/3/2025)")
    assert "CẦN XỬ LÝ NGAY:" in text and "CẦN BIẾT:" in text
    assert "Thứ hạng toàn quốc giảm: UBND tỉnh Bình Phước: xếp hạng toàn quốc 8 → 20 " \
           "(giảm 12 bậc)" in text  # fmt: skip
    assert "Điểm giảm: Sở Tư pháp: 88,27 → 82,3 điểm (\u22125,97)" in text


def test_the_demo_collapses_are_must_act(demo_store):
    """The demo makes three units collapse during the year: the year's alerts list them
    first among the units, at the must-act level."""
    from chiso766.demo import generate

    story = generate("merged").story
    with Store(demo_store, read_only=True) as st:
        report = load_alerts(st, "2026")
    units = [a for a in report.alerts if a.kind == "score_drop"]
    assert {a.unit_id for a in units[:3]} == set(story["collapsing"])
    assert all(a.level == "act" and a.change < -30 for a in units[:3])
    assert any(a.kind == "no_data" and a.unit_id in story["no_data"] for a in report.alerts)
    assert not any(a.unit_id in story["improving"] for a in units)
    assert report.provisional is False or report.period == "2026"


def test_an_unknown_period_is_refused(seed, english):
    from chiso766.report.selection import SelectionError

    with pytest.raises(SelectionError, match="no snapshot in the store for 2024-04"):
        load_alerts(seed, "2024-04")


def test_previous_day_compares_with_the_values_held_last_night(tmp_path, monkeypatch):
    """A daily run refetches the month in progress: its alerts compare today's values with
    those the store held at the end of yesterday (kept in the value history)."""
    import pandas as pd

    from chiso766.compute import measures as M
    from chiso766.compute.units import unit_id
    from chiso766.store import core

    def frame(values):
        rows = [
            {"snapshot": "2026-08", "unit_id": unit_id(name, lv), "unit": name, "level": lv,
             "scope": "total", "code": "", "kind": "points", "value": v}
            for _uid, name, lv, v in values
        ]  # fmt: skip
        return M.conform(pd.DataFrame(rows))

    path = tmp_path / "s.duckdb"
    yesterday = dt.datetime(2026, 8, 19, 7, 0)
    today = dt.datetime(2026, 8, 20, 7, 0)
    monkeypatch.setattr(core, "now_local", lambda: yesterday)
    with Store(path) as st:
        st.ingest(
            frame([("department:so-a", "Sở A", "department", 85.0),
                   ("department:so-b", "Sở B", "department", 80.0)]),
            Source("a.json", "a" * 64, "portal", "portal-2026"),
            {"2026-08": {"provisional": True}},
        )  # fmt: skip
    monkeypatch.setattr(core, "now_local", lambda: today)
    with Store(path) as st:
        st.ingest(
            frame([("department:so-a", "Sở A", "department", 70.0),
                   ("department:so-b", "Sở B", "department", 80.0)]),
            Source("b.json", "b" * 64, "portal", "portal-2026"),
            {"2026-08": {"provisional": True}},
        )  # fmt: skip
    with Store(path, read_only=True) as st:
        report = load_alerts(st, "2026-08", PREVIOUS_DAY, now=today)
    assert report.compare == PREVIOUS_DAY and report.provisional
    assert [(a.unit, a.old, a.new, a.level) for a in report.alerts] == [("Sở A", 85.0, 70.0, "act")]
    assert "so với giá trị kho dữ liệu lưu cuối ngày 19/8/2026" in summary_line(report)
    assert "tạm tính" in summary_line(report)
    assert describe(report.alerts[0]).startswith("Sở A: 85 → 70 điểm")
    with Store(path, read_only=True) as st:  # the first day: nothing to compare with yet
        first = load_alerts(st, "2026-08", PREVIOUS_DAY, now=yesterday)
    assert first.compare is None and first.alerts == []
    assert "chưa có gì để so sánh" in summary_line(first)

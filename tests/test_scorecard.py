"""scorecard: one unit's scorecard from real stores — seed 004 (totals only, two departments
without data) and the demo (every indicator) — and the win-back arithmetic by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from chiso766.methodology import load_bands, load_catalogue
from chiso766.report.loading import load_unit_scorecard
from chiso766.report.request import ReportRequest
from chiso766.report.scorecard import peer_stats, winback
from chiso766.store import Store

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

CAT = load_catalogue("portal-2026")


def card(store: Path, unit: str, period: str = "2025-W15", **extra):
    with Store(store, read_only=True) as st:
        return load_unit_scorecard(
            st, ReportRequest.build(kind="unit", period=period, unit=unit, **extra)
        )


def test_seed_sở_tư_pháp(seed_store: Path) -> None:
    c = card(seed_store, "Sở Tư pháp")
    h = c.headline
    assert (h["total"], h["class"], h["rank"], h["of"]) == (82.3, "Tốt", 8, 11)
    assert (h["old_total"], h["delta"], h["old_rank"], h["rank_change"]) == (88.27, -5.97, 7, -1)
    assert c.text("headline") == [
        "Sở Tư pháp đạt 82,3 điểm, xếp loại Tốt, giảm 5,97 điểm so với kết quả ngày 27/3/2025 "
        "(88,27 điểm).",
        "Xếp hạng 08/11 cơ quan, giảm 1 bậc (xếp hạng 07/11).",
    ]
    assert c.text("detail") == [
        "Số liệu kỳ này của Sở Tư pháp chỉ có tổng điểm; chưa có điểm theo nhóm, chỉ số để xác "
        "định điểm còn thiếu."
    ]
    assert c.groups.empty and c.winback.empty and c.text("winback_intro") == []
    assert c.peers["median"] == 86.57 and c.peers["best_units"] == ["Sở Nội vụ"]
    assert "thấp hơn trung vị 4,27 điểm" in " ".join(c.text("peers"))
    assert list(c.trend["total"]) == [88.27, 82.3] and list(c.trend["rank"]) == [7, 8]


def test_seed_departments_without_data_say_so(seed_store: Path) -> None:
    for unit in ("Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo"):
        c = card(seed_store, unit)
        assert not c.has_score and c.headline["rank"] is None
        assert c.text("headline") == [
            f"Hệ thống không thông báo dữ liệu: {unit} chưa có điểm tuần thứ 15, tháng 4/2025, "
            "nên chưa được xếp loại và xếp hạng."
        ]


def test_seed_overdue_and_class_drop(seed_store: Path) -> None:
    c = card(seed_store, "UBND thị xã Bình Long")
    assert c.overdue == 204 and c.text("overdue") == [
        "UBND thị xã Bình Long có 204 hồ sơ quá hạn giải quyết (đến 10/4/2025)."
    ]
    c = card(seed_store, "UBND huyện Hớn Quản")
    assert "Xếp loại giảm từ Xuất sắc xuống Tốt." in c.text("headline")
    assert c.text("overdue") == [
        "UBND huyện Hớn Quản không có trong danh sách đơn vị có hồ sơ quá hạn giải quyết "
        "(đến 10/4/2025)."
    ]


def test_demo_unit_has_groups_indicators_winback_and_trend(demo_store: Path) -> None:
    c = card(demo_store, "Sở Tư pháp", period="2026-W47")
    assert len(c.groups) == 6 and c.groups["points"].notna().all()
    assert (c.groups["missing"] - (c.groups["max"] - c.groups["points"])).abs().max() < 0.011
    assert len(c.indicators) >= 18 and len(c.winback) == 3
    assert c.winback["missing"].is_monotonic_decreasing
    assert len(c.trend) == 52 and c.trend["label"].iloc[-1] == "17/11"
    assert c.text("winback_intro") == ["Ba chỉ số có thể lấy lại nhiều điểm nhất:"]
    assert len(c.text("winback")) == 3 and c.recommendations
    assert "Qua 52 kỳ có số liệu" in c.text("trend")[0]


def test_demo_monthly_scorecard_trend_has_months(demo_store: Path) -> None:
    c = card(demo_store, "Sở Tư pháp", period="2026-10")
    assert list(c.trend["label"])[-3:] == ["08/2026", "09/2026", "10/2026"]
    assert c.trend["period"].is_unique


def test_winback_counts_and_targets() -> None:
    ind = pd.DataFrame(
        [
            # 3.3 online dossiers: target 50%; 40 of 100 → needs 10 more (+10 points of %)
            ("ONLINE_DOSSIERS", "3.3", "Hồ sơ trực tuyến", 40.0, 4.8, 6.0, 40, 100, False, False),
            # 2.1 on time, linear: 83,86% of 3216 → 519 more to reach 100%
            ("PROGRESS_ON_TIME", "2.1", "Đúng hạn", 83.86, 16.77, 20.0, 2697, 3216, False, False),
            # 3.2 rate only: +61,37 points of %
            (
                "ONLINE_SERVICE_WITH_DOSSIERS",
                "3.2",
                "DVC",
                38.63,
                1.55,
                4.0,
                None,
                None,
                False,
                False,
            ),  # fmt: skip
            # copied from the province: not the unit's to win back
            ("PUBLIC_CONTENT_FULL", "1.3", "Công khai", 10.0, 0.2, 2.0, None, None, False, True),
            # full already
            ("DOSSIER_SYNC", "1.4", "Đồng bộ", 100.0, 6.0, 6.0, 5, 5, False, False),
        ],
        columns=[
            "code",
            "number",
            "name",
            "ratio",
            "points",
            "max",
            "numerator",
            "denominator",
            "tracked",
            "from_province",
        ],  # fmt: skip
    )
    ind["missing"] = (ind["max"] - ind["points"]).round(2)
    wb = winback(ind, CAT).set_index("code")
    assert list(wb.index) == ["PROGRESS_ON_TIME", "ONLINE_SERVICE_WITH_DOSSIERS",
                              "ONLINE_DOSSIERS"]  # fmt: skip
    assert wb.at["ONLINE_DOSSIERS", "need_ratio"] == 50 and wb.at["ONLINE_DOSSIERS", "gap"] == 10
    assert wb.at["ONLINE_DOSSIERS", "need_count"] == 10
    assert wb.at["PROGRESS_ON_TIME", "need_count"] == 519
    assert math.isnan(wb.at["ONLINE_SERVICE_WITH_DOSSIERS", "need_count"])
    assert wb.at["ONLINE_SERVICE_WITH_DOSSIERS", "gap"] == 61.37


def test_peer_stats() -> None:
    units = pd.DataFrame({"unit_id": list("abcde"), "unit": list("ABCDE"),
                          "total": [90.0, 80.0, 70.0, 90.0, None]})  # fmt: skip
    stats = peer_stats(units, "c")
    assert stats["n"] == 4 and stats["median"] == 85.0 and stats["p75"] == 90.0
    assert stats["best"] == 90.0 and stats["best_units"] == ["A", "D"] and stats["total"] == 70
    assert sorted(stats["values"]) == [70.0, 80.0, 90.0, 90.0]
    assert peer_stats(units, "e")["total"] != peer_stats(units, "e")["total"]  # NaN: no data


def test_unknown_unit_is_a_clear_error(seed_store: Path) -> None:
    from chiso766.store import StoreError

    with pytest.raises(StoreError, match="no unit named 'Sở Du lịch'"):
        card(seed_store, "Sở Du lịch")
    assert load_bands()  # the class bands the scorecard uses are data

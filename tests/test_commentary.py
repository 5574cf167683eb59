"""Commentary: every sentence kind and branch of templates.yaml, built by facts.py from small
tidy frames and phrased in Vietnamese (decimal comma, zero-padded counts and ranks).

Each case in ``CASES`` names the (kind, branch) it must produce; ``test_every_branch_is_tested``
rebuilds every case and fails when templates.yaml has a branch no case produces.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from chiso766.commentary import Sentence, load_recommendations, phrase, templates
from chiso766.commentary import facts as F
from chiso766.commentary import unit_facts as U
from chiso766.compute.compare import compare_values
from chiso766.compute.periods import parse_period
from chiso766.compute.ranking import add_classes, rank_within
from chiso766.compute.units import DEPARTMENT, DISTRICT, unit_id
from chiso766.methodology import load_bands
from conftest import SEED004_DISTRICTS  # seed 004's districts, two tied at 86,03

NAN = math.nan
BANDS = load_bands()
TEMPLATES = Path(F.__file__).with_name("templates.yaml")

BP = "UBND tỉnh Bình Phước"
BRVT = "UBND tỉnh Bà Rịa - Vũng Tàu"
W15 = parse_period("2025-W15").label_vi  # "tuần thứ 15, tháng 4/2025"
VS_27_3 = parse_period("2025-03-27").compare_phrase_vi  # "so với kết quả ngày 27/3/2025"
LABEL_27_3 = "kết quả ngày 27/3/2025"  # what report_model passes as compare_label for a day
VS_OCT = parse_period("2023-10").compare_phrase_vi  # "so với tháng 10/2023"


# ---- small tidy frames ---------------------------------------------------------------------
def units(rows: list[tuple[str, float]], level: str = DEPARTMENT) -> pd.DataFrame:
    """A level's units (unit, total), classed and ranked as report_model does."""
    frame = pd.DataFrame(
        {
            "unit_id": [unit_id(n, level) for n, _ in rows],
            "unit": [n for n, _ in rows],
            "level": level,
            "total": pd.array([t for _, t in rows], dtype="float64"),
        }
    )
    return rank_within(add_classes(frame, BANDS), by=None)


def unit_cmp(old: list[tuple[str, float]], new: list[tuple[str, float]], level=DEPARTMENT):
    """How units' totals moved between two snapshots."""
    return compare_values(units(old, level), units(new, level), key="unit_id", value="total")


def indicators(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [n for n, _ in rows],
            "name": [n for n, _ in rows],
            "ratio": pd.array([v for _, v in rows], dtype="float64"),
        }
    )


def ind_cmp(old: list[tuple[str, float]], new: list[tuple[str, float]]) -> pd.DataFrame:
    """Indicator rates (%) compared as report_model does (100% is the maximum)."""
    return compare_values(
        indicators(old), indicators(new), key="code", value="ratio", maximum=100.0, carry=("name",)
    )


def noted(frame: pd.DataFrame, notes: dict[str, str]) -> pd.DataFrame:
    """Add the source's notes (e.g. 'Hệ thống không thông báo dữ liệu') to units."""
    return frame.assign(note=frame["unit"].map(notes))


def pick(sentences: list[Sentence], kind: str) -> Sentence:
    found = [s for s in sentences if s.kind == kind]
    assert len(found) == 1, f"expected one {kind} sentence, got {found}"
    return found[0]


def klass(sentences: list[Sentence], name: str) -> Sentence:
    return next(s for s in sentences if s.data["klass"] == name)


# Indicators (seed 004 values): fell, rose, held at 100%, unchanged below 100, no data.
SYNC = "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG"
PUBLISH = "Tỷ lệ TTHC công bố đúng hạn"
ONLINE = "Tỷ lệ hồ sơ nộp trực tuyến"
PROGRESS = "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn"
PETITION = "Tỷ lệ PAKN xử lý đúng hạn"
COPY = "Tỷ lệ chứng thực bản sao điện tử"
PAYMENT = "Tỷ lệ hồ sơ thanh toán trực tuyến"
SATISFACTION = "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC"
PAKN_SATISFACTION = "Tỷ lệ hài lòng trong xử lý PAKN"

# Smallest fall listed first in the input: the sentences must put the biggest first.
MIX_OLD = [
    (PUBLISH, 33.47),
    (SYNC, 77.23),
    (PROGRESS, 97.15),
    (ONLINE, 58.54),
    (PETITION, 100),
    (COPY, 100),
    (PAYMENT, 93.37),
    (SATISFACTION, 98.62),
]
MIX_NEW = [
    (PUBLISH, 28.12),
    (SYNC, 52.96),
    (PROGRESS, 98.35),
    (ONLINE, 61.02),
    (PETITION, 100),
    (COPY, 100),
    (PAYMENT, 93.37),
    (SATISFACTION, NAN),  # the portal gave no value this time
    (PAKN_SATISFACTION, 95.0),  # new: nothing to compare with
]
ONE_OLD = [(SYNC, 77.23), (ONLINE, 58.54), (PETITION, 100), (PAYMENT, 93.37), (SATISFACTION, 98.6)]
ONE_NEW = [(SYNC, 52.96), (ONLINE, 61.02), (PETITION, 100), (PAYMENT, 93.37), (SATISFACTION, NAN)]
HELD_ONLY = ([(PETITION, 100), (COPY, 100)], [(PETITION, 100), (COPY, 100)])
FELL_ONLY = ([(PUBLISH, 33.47), (SYNC, 77.23)], [(PUBLISH, 28.12), (SYNC, 52.96)])
ROSE_ONLY = ([(PROGRESS, 97.15), (ONLINE, 58.54)], [(PROGRESS, 98.35), (ONLINE, 61.02)])
SAME_ONLY = ([(PAYMENT, 93.37), (ONLINE, 61.02)], [(PAYMENT, 93.37), (ONLINE, 61.02)])
SAME_SOME = (
    [(PAYMENT, 93.37), (ONLINE, 61.02), (SYNC, 77.23)],
    [(PAYMENT, 93.37), (ONLINE, 61.02), (SYNC, 52.96)],
)
# Every indicator lacks a comparison: one without a value now, one gone from the snapshot.
NONE_COMPARABLE = ([(SATISFACTION, 98.62), (PAKN_SATISFACTION, 90)], [(SATISFACTION, NAN)])


def ind(kind: str, old, new) -> Callable[[], Sentence]:
    return lambda: pick(F.indicator_sentences(ind_cmp(old, new), W15), kind)


# Departments and districts of seed 004 (08/4/2025 and 27/3/2025).
DEPTS_NEW = [
    ("Sở Nội vụ", 95.59),
    ("Sở Xây dựng", 92.72),
    ("Sở Tài chính", 62.29),
    ("Sở Ngoại vụ", NAN),
    ("Sở Dân tộc và Tôn giáo", NAN),
]
DISTRICTS = SEED004_DISTRICTS
NOI_VU = ("Sở Nội vụ", 90.41), ("Sở Nội vụ", 95.59)  # +5,18
XAY_DUNG = ("Sở Xây dựng", 90.0), ("Sở Xây dựng", 92.72)  # +2,72
TU_PHAP = ("Sở Tư pháp", 88.27), ("Sở Tư pháp", 82.3)  # -5,97
Y_TE = ("Sở Y tế", 88.6), ("Sở Y tế", 87.17)  # -1,43
TAI_CHINH = ("Sở Tài chính", 65.21), ("Sở Tài chính", 65.21)  # unchanged
NGOAI_VU = ("Sở Ngoại vụ", NAN), ("Sở Ngoại vụ", NAN)  # no data either time


def moved(*pairs) -> pd.DataFrame:
    return unit_cmp([p[0] for p in pairs], [p[1] for p in pairs])


# Seed 002 (Đồng Nai, quý II/2024): 17 departments, 02 Tốt, 04 Khá, 11 Trung bình.
DONG_NAI = [(f"Sở {i}", t) for i, t in enumerate([85, 81] + [75] * 4 + [60] * 11)]

OVERDUE = pd.DataFrame(
    [
        ("Hớn Quản", "branch", 1),
        ("Xã Long Hà", "commune", 1),
        ("Huyện Đồng Phú", "district", 2),
        ("Thị xã Bình Long", "district", 204),
        ("Huyện Phú Riềng", "district", 1),
        ("Phước Long", "branch", 1),
        ("Thị xã Chơn Thành", "district", 2),
        ("Sở Tư pháp", "department", 0),
        ("Sở Y tế", "department", NAN),
        ("Sở Tài chính", "department", 3),
    ],
    columns=["unit", "level", "value"],
)
OVERDUE_TEXT = (
    "Sở, ban, ngành: Sở Tài chính: 03 hồ sơ. "
    "UBND cấp huyện: Thị xã Bình Long: 204 hồ sơ; Huyện Đồng Phú: 02 hồ sơ; "
    "Thị xã Chơn Thành: 02 hồ sơ; Huyện Phú Riềng: 01 hồ sơ. "
    "UBND cấp xã: Xã Long Hà: 01 hồ sơ. "
    "Chi nhánh, đơn vị trực thuộc: Hớn Quản: 01 hồ sơ; Phước Long: 01 hồ sơ"
)

POINTS = pd.DataFrame(
    [
        (PETITION, 6.0, 6.0),
        ("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", 0.34, 2.0),
        (SYNC, 3.18, 6.0),
        (PUBLISH, 1.69, 6.0),
        ("Chỉ số chưa có điểm", NAN, 6.0),
    ],
    columns=["name", "points", "max"],
)


WINBACK = pd.DataFrame(
    [
        ("ONLINE_DOSSIERS", "3.3", "Tỷ lệ hồ sơ nộp trực tuyến", 1.2, 6.0, 40.0, 50.0, 10.0, 10),
        ("ONLINE_SERVICE_WITH_DOSSIERS", "3.2", "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ",
         2.45, 4.0, 38.63, 100.0, 61.37, NAN),
        ("PUBLISH_ON_TIME", "1.1", "Tỷ lệ TTHC công bố đúng hạn", 6.0, 6.0, NAN, 100.0, NAN, NAN),
    ],
    columns=["code", "number", "name", "missing", "max", "ratio", "need_ratio", "gap",
             "need_count"],
)  # fmt: skip
BANDS = load_bands()


# ---- the cases -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    kind: str
    branch: str
    build: Callable[[], Sentence]
    text: str

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.branch}"


CASES: list[Case] = [
    # where the numbers come from
    Case(
        "source",
        "with_time",
        lambda: F.source(dt.datetime(2024, 7, 8, 11, 0), None, "quý II/2024"),
        "Số liệu trên Cổng Dịch vụ công quốc gia tại thời điểm 11 giờ 00 ngày 08/7/2024.",
    ),
    Case(
        "source",
        "date_only",
        lambda: F.source(None, dt.date(2025, 4, 8), W15),
        "Số liệu trên Cổng Dịch vụ công quốc gia tính đến hết ngày 08/4/2025.",
    ),
    Case(
        "source",
        "date_only",
        lambda: F.source(pd.NaT, dt.date(2025, 4, 8), W15),  # a store's missing taken_at
        "Số liệu trên Cổng Dịch vụ công quốc gia tính đến hết ngày 08/4/2025.",
    ),
    Case(
        "source",
        "period_only",
        lambda: F.source(None, None, "quý II/2024"),
        "Số liệu trên Cổng Dịch vụ công quốc gia quý II/2024.",
    ),
    # the province's total
    Case(
        "headline_total",
        "rise",
        lambda: F.headline_total(BRVT, 75.45, "Khá", 72.1, VS_OCT, "tháng 11/2023"),
        f"Tổng điểm Bộ chỉ số 766 của {BRVT} đạt 75,45 điểm, xếp loại Khá, tăng 3,35 điểm "
        "so với tháng 10/2023 (72,1 điểm).",
    ),
    Case(
        "headline_total",
        "fall",
        lambda: F.headline_total(BP, 77.73, "Khá", 80.0, VS_27_3, W15),
        f"Tổng điểm Bộ chỉ số 766 của {BP} đạt 77,73 điểm, xếp loại Khá, giảm 2,27 điểm "
        "so với kết quả ngày 27/3/2025 (80 điểm).",
    ),
    Case(
        "headline_total",
        "unchanged",  # a difference that rounds to 0,00 is no change
        lambda: F.headline_total(BP, 90.0, "Xuất sắc", 90.004, VS_OCT, "tháng 11/2023"),
        f"Tổng điểm Bộ chỉ số 766 của {BP} đạt 90 điểm, xếp loại Xuất sắc, không thay đổi "
        "so với tháng 10/2023.",
    ),
    Case(
        "headline_total",
        "first",
        lambda: F.headline_total(BRVT, 75.45, "Khá", NAN, None, "tháng 11/2023"),
        f"Tổng điểm Bộ chỉ số 766 của {BRVT} đạt 75,45 điểm, xếp loại Khá.",
    ),
    Case(
        "headline_total",
        "first",  # a comparison snapshot without the province's total
        lambda: F.headline_total(BRVT, 75.45, "Khá", NAN, VS_OCT, "tháng 11/2023"),
        f"Tổng điểm Bộ chỉ số 766 của {BRVT} đạt 75,45 điểm, xếp loại Khá.",
    ),
    Case(
        "headline_total",
        "missing",
        lambda: F.headline_total(BP, NAN, None, NAN, VS_27_3, W15),
        f"Hệ thống chưa có số liệu tổng điểm Bộ chỉ số 766 của {BP} tuần thứ 15, tháng 4/2025.",
    ),
    # the national rank
    Case(
        "headline_rank",
        "rise",
        lambda: F.headline_rank(BRVT, 10, 63, 21, 63, VS_OCT, "tháng 11/2023"),
        f"{BRVT} xếp hạng 10/63 tỉnh, thành phố trong cả nước, tăng 11 bậc so với tháng 10/2023 "
        "(xếp hạng 21/63).",
    ),
    Case(
        "headline_rank",
        "fall",
        lambda: F.headline_rank(BP, 20, 63, 8, 63, VS_27_3, W15),
        f"{BP} xếp hạng 20/63 tỉnh, thành phố trong cả nước, giảm 12 bậc so với kết quả ngày "
        "27/3/2025 (xếp hạng 08/63).",
    ),
    Case(
        "headline_rank",
        "unchanged",
        lambda: F.headline_rank(BP, 17, 63, 17, 63, parse_period("2024-03").compare_phrase_vi, ""),
        f"{BP} xếp hạng 17/63 tỉnh, thành phố trong cả nước, giữ nguyên thứ hạng so với "
        "tháng 3/2024.",
    ),
    Case(
        "headline_rank",
        "first",
        lambda: F.headline_rank(BP, 3, 63, None, None, None, "tháng 4/2024"),
        f"{BP} xếp hạng 03/63 tỉnh, thành phố trong cả nước.",
    ),
    Case(
        "headline_rank",
        "missing",
        lambda: F.headline_rank(BP, None, None, 8, 63, VS_27_3, W15),
        f"Chưa có số liệu xếp hạng toàn quốc của {BP} tuần thứ 15, tháng 4/2025.",
    ),
    # national ranks per group
    Case(
        "group_ranks",
        "some",
        lambda: F.group_ranks(
            [
                {"name": "Công khai, minh bạch", "rank": 3, "of": 63},
                {"name": "Số hóa hồ sơ", "rank": None, "of": 63},
                {"name": "Mức độ hài lòng", "rank": 12, "of": 63},
            ]
        ),
        "Theo từng nhóm chỉ số, tỉnh xếp hạng 03/63 về công khai, minh bạch; "
        "12/63 về mức độ hài lòng.",
    ),
    Case(
        "group_ranks",
        "some",  # seed 001: "xếp hạng 03/63 … công khai, minh bạch với tỷ lệ 71,3%"
        lambda: F.group_ranks(
            [{"name": "Công khai, minh bạch", "rank": 3, "of": 63, "rate": 71.3}]
        ),
        "Theo từng nhóm chỉ số, tỉnh xếp hạng 03/63 về công khai, minh bạch (tỷ lệ 71,3%).",
    ),
    Case(
        "group_ranks",
        "none",
        lambda: F.group_ranks([{"name": "Số hóa hồ sơ", "rank": NAN, "of": 63}]),
        "",
    ),
    # indicators: several of each kind, biggest movers first
    Case(
        "ind_fell",
        "some",
        ind("ind_fell", MIX_OLD, MIX_NEW),
        f"Có 02 chỉ số giảm điểm gồm: {SYNC} (giảm 24,27 điểm); {PUBLISH} (giảm 5,35 điểm).",
    ),
    Case(
        "ind_rose",
        "some",
        ind("ind_rose", MIX_OLD, MIX_NEW),
        f"Có 02 chỉ số tăng điểm gồm: {ONLINE} (tăng 2,48 điểm); {PROGRESS} (tăng 1,2 điểm).",
    ),
    Case(
        "ind_held_max",
        "some",
        ind("ind_held_max", MIX_OLD, MIX_NEW),
        f"Có 02 chỉ số giữ tỷ lệ đạt 100% gồm: {PETITION}; {COPY}.",
    ),
    Case(
        "ind_unchanged",
        "one",
        ind("ind_unchanged", MIX_OLD, MIX_NEW),
        f"Có 01 chỉ số không thay đổi: {PAYMENT} (93,37%).",
    ),
    Case(
        "ind_no_data",
        "some",
        ind("ind_no_data", MIX_OLD, MIX_NEW),
        f"Có 02 chỉ số chưa đủ số liệu để so sánh: {SATISFACTION}; {PAKN_SATISFACTION}.",
    ),
    # indicators: one of each kind
    Case(
        "ind_fell",
        "one",
        ind("ind_fell", ONE_OLD, ONE_NEW),
        f"Có 01 chỉ số giảm điểm: {SYNC} (giảm 24,27 điểm).",
    ),
    Case(
        "ind_rose",
        "one",
        ind("ind_rose", ONE_OLD, ONE_NEW),
        f"Có 01 chỉ số tăng điểm: {ONLINE} (tăng 2,48 điểm).",
    ),
    Case(
        "ind_held_max",
        "one",
        ind("ind_held_max", ONE_OLD, ONE_NEW),
        f"Có 01 chỉ số giữ tỷ lệ đạt 100%: {PETITION}.",
    ),
    Case(
        "ind_no_data",
        "one",
        ind("ind_no_data", ONE_OLD, ONE_NEW),
        f"Có 01 chỉ số chưa đủ số liệu để so sánh: {SATISFACTION}.",
    ),
    # indicators: all, or none, of a kind
    Case(
        "ind_fell",
        "all",
        ind("ind_fell", *FELL_ONLY),
        f"Tất cả 02 chỉ số đều giảm điểm: {SYNC} (giảm 24,27 điểm); {PUBLISH} (giảm 5,35 điểm).",
    ),
    Case(
        "ind_rose",
        "all",
        ind("ind_rose", *ROSE_ONLY),
        f"Tất cả 02 chỉ số đều tăng điểm: {ONLINE} (tăng 2,48 điểm); {PROGRESS} (tăng 1,2 điểm).",
    ),
    Case(
        "ind_held_max",
        "all",
        ind("ind_held_max", *HELD_ONLY),
        "Tất cả 02 chỉ số đều giữ tỷ lệ đạt 100%.",
    ),
    Case(
        "ind_unchanged",
        "all",
        ind("ind_unchanged", *SAME_ONLY),
        "Tất cả 02 chỉ số đều không thay đổi.",
    ),
    Case(
        "ind_unchanged",
        "some",
        ind("ind_unchanged", *SAME_SOME),
        f"Có 02 chỉ số không thay đổi: {PAYMENT} (93,37%); {ONLINE} (61,02%).",
    ),
    Case(
        "ind_no_data",
        "all",
        ind("ind_no_data", *NONE_COMPARABLE),
        "Chưa đủ số liệu để so sánh các chỉ số.",
    ),
    Case("ind_fell", "none", ind("ind_fell", *HELD_ONLY), "Không có chỉ số nào giảm điểm."),
    Case("ind_rose", "none", ind("ind_rose", *HELD_ONLY), "Không có chỉ số nào tăng điểm."),
    Case("ind_held_max", "none", ind("ind_held_max", *FELL_ONLY), ""),
    Case("ind_unchanged", "none", ind("ind_unchanged", *HELD_ONLY), ""),
    Case("ind_no_data", "none", ind("ind_no_data", *HELD_ONLY), ""),
    Case(
        "ind_first",
        "some",
        lambda: F.indicator_sentences(ind_cmp([], MIX_NEW), W15)[0],
        "Chưa có kỳ so sánh; các chỉ số được trình bày theo số liệu tuần thứ 15, tháng 4/2025.",
    ),
    # classes (seed 002: Đồng Nai, quý II/2024)
    Case(
        "class_count",
        "some",
        lambda: klass(F.class_counts(units(DONG_NAI), BANDS, DEPARTMENT), "Tốt"),
        "Có 02/17 cơ quan xếp loại Tốt.",
    ),
    Case(
        "class_count",
        "some",
        lambda: klass(F.class_counts(units(DONG_NAI), BANDS, DEPARTMENT), "Trung bình"),
        "Có 11/17 cơ quan xếp loại Trung bình.",
    ),
    Case(
        "class_count",
        "none",
        lambda: klass(F.class_counts(units(DONG_NAI), BANDS, DEPARTMENT), "Xuất sắc"),
        "Không có cơ quan xếp loại Xuất sắc.",
    ),
    Case(
        "class_count",
        "all",  # units without data are not counted in the total
        lambda: klass(
            F.class_counts(
                units(DISTRICTS[3:5] + [("UBND huyện X", NAN)], DISTRICT), BANDS, DISTRICT
            ),
            "Tốt",
        ),
        "Tất cả 02/02 UBND cấp huyện xếp loại Tốt.",
    ),
    # who leads, who is last
    Case(
        "top_bottom",
        "normal",  # the unit without data is not "last"
        lambda: F.top_bottom(units(DEPTS_NEW), DEPARTMENT),
        "Dẫn đầu là Sở Nội vụ (95,59 điểm); thấp nhất là Sở Tài chính (62,29 điểm).",
    ),
    Case(
        "top_bottom",
        "tie_top",
        lambda: F.top_bottom(
            units([("Sở Nội vụ", 90.0), ("Sở Xây dựng", 90.0), ("Sở Tư pháp", 80.5)]), DEPARTMENT
        ),
        "Dẫn đầu là Sở Nội vụ và Sở Xây dựng (cùng đạt 90 điểm); thấp nhất là Sở Tư pháp "
        "(80,5 điểm).",
    ),
    Case(
        "top_bottom",
        "tie_bottom",
        lambda: F.top_bottom(units([DISTRICTS[0], *DISTRICTS[3:5]], DISTRICT), DISTRICT),
        "Dẫn đầu là UBND huyện Bù Đốp (90,39 điểm); thấp nhất là UBND huyện Hớn Quản và "
        "UBND thị xã Chơn Thành (cùng đạt 86,03 điểm).",
    ),
    Case(
        "top_bottom",
        "tie_both",
        lambda: F.top_bottom(
            units([("Sở A", 90.0), ("Sở B", 90.0), ("Sở C", 90.0), ("Sở D", 70.0), ("Sở E", 70.0)]),
            DEPARTMENT,
        ),
        "Dẫn đầu là Sở A, Sở B và Sở C (cùng đạt 90 điểm); thấp nhất là Sở D và Sở E "
        "(cùng đạt 70 điểm).",
    ),
    Case(
        "top_bottom",
        "all_tied",  # equal to two decimals is equal
        lambda: F.top_bottom(
            units([("A", 86.03), ("UBND huyện B", 86.0300001), ("C", 86.029999)], DISTRICT),
            DISTRICT,
        ),
        "Tất cả 03 UBND cấp huyện cùng đạt 86,03 điểm.",
    ),
    Case(
        "top_bottom",
        "single",
        lambda: F.top_bottom(units([("Sở Ngoại vụ", NAN), ("Sở Tư pháp", 82.3)]), DEPARTMENT),
        "Chỉ có Sở Tư pháp có số liệu, đạt 82,3 điểm.",
    ),
    Case(
        "top_bottom",
        "none",
        lambda: F.top_bottom(units(DEPTS_NEW[3:]), DEPARTMENT),
        "Hệ thống chưa có số liệu điểm của cơ quan nào.",
    ),
    # how units moved
    Case(
        "moves",
        "mixed",
        lambda: F.moves(
            moved(Y_TE, XAY_DUNG, TU_PHAP, NOI_VU, TAI_CHINH, NGOAI_VU), DEPARTMENT, LABEL_27_3
        ),
        "So với kết quả ngày 27/3/2025, có 02 cơ quan tăng điểm, 02 cơ quan giảm điểm, "
        "01 cơ quan không thay đổi; tăng nhiều nhất là Sở Nội vụ (tăng 5,18 điểm), "
        "giảm nhiều nhất là Sở Tư pháp (giảm 5,97 điểm).",
    ),
    Case(
        "moves",
        "mixed",
        lambda: F.moves(moved(NOI_VU, TU_PHAP), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, có 01 cơ quan tăng điểm, 01 cơ quan giảm điểm; "
        "tăng nhiều nhất là Sở Nội vụ (tăng 5,18 điểm), giảm nhiều nhất là Sở Tư pháp "
        "(giảm 5,97 điểm).",
    ),
    Case(
        "moves",
        "all_rose",  # a unit without data either time is not counted
        lambda: F.moves(moved(XAY_DUNG, NOI_VU, NGOAI_VU), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, tất cả 02 cơ quan có số liệu đều tăng điểm; "
        "tăng nhiều nhất là Sở Nội vụ (tăng 5,18 điểm).",
    ),
    Case(
        "moves",
        "one_rose",  # a single unit with data in both snapshots
        lambda: F.moves(moved(NOI_VU), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, Sở Nội vụ tăng 5,18 điểm.",
    ),
    Case(
        "moves",
        "one_fell",
        lambda: F.moves(moved(TU_PHAP, NGOAI_VU), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, Sở Tư pháp giảm 5,97 điểm.",
    ),
    Case(
        "moves",
        "all_fell",
        lambda: F.moves(moved(Y_TE, TU_PHAP), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, tất cả 02 cơ quan có số liệu đều giảm điểm; "
        "giảm nhiều nhất là Sở Tư pháp (giảm 5,97 điểm).",
    ),
    Case(
        "moves",
        "rose_only",
        lambda: F.moves(moved(NOI_VU, TAI_CHINH), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, có 01 cơ quan tăng điểm, 01 cơ quan không thay đổi; "
        "tăng nhiều nhất là Sở Nội vụ (tăng 5,18 điểm).",
    ),
    Case(
        "moves",
        "fell_only",
        lambda: F.moves(moved(TAI_CHINH, TU_PHAP), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, có 01 cơ quan giảm điểm, 01 cơ quan không thay đổi; "
        "giảm nhiều nhất là Sở Tư pháp (giảm 5,97 điểm).",
    ),
    Case(
        "moves",
        "unchanged",
        lambda: F.moves(moved(TAI_CHINH, NGOAI_VU), DEPARTMENT, LABEL_27_3),
        "So với kết quả ngày 27/3/2025, điểm của các cơ quan không thay đổi.",
    ),
    Case("moves", "first", lambda: F.moves(moved(NOI_VU, TU_PHAP), DEPARTMENT, None), ""),
    Case(
        "moves",
        "first",  # a comparison snapshot without any unit of this level
        lambda: F.moves(unit_cmp([], [NOI_VU[1]]), DEPARTMENT, LABEL_27_3),
        "",
    ),
    # ties
    Case(
        "ties",
        "some",
        lambda: F.ties(units(DISTRICTS, DISTRICT), DISTRICT)[0],
        "UBND huyện Hớn Quản và UBND thị xã Chơn Thành cùng đạt 86,03 điểm, đồng xếp hạng 04/11.",
    ),
    Case("ties", "none", lambda: F.ties(units(DEPTS_NEW), DEPARTMENT)[0], ""),
    # units without data: listed, never ranked
    Case(
        "no_data",
        "some",
        lambda: F.no_data(units(DEPTS_NEW), DEPARTMENT),
        "Hệ thống không thông báo dữ liệu đối với 02 cơ quan: Sở Ngoại vụ; Sở Dân tộc và "
        "Tôn giáo (không xếp hạng).",
    ),
    Case(
        "no_data",
        "one",
        lambda: F.no_data(units(DEPTS_NEW[:4]), DEPARTMENT),
        "Hệ thống không thông báo dữ liệu đối với Sở Ngoại vụ (không xếp hạng).",
    ),
    Case("no_data", "none", lambda: F.no_data(units(DEPTS_NEW[:3]), DEPARTMENT), ""),
    # a total missing because values are incomplete (no "no data" note from the source)
    Case(
        "incomplete",
        "some",
        lambda: F.incomplete(
            noted(
                units([("Sở A", NAN), ("Sở B", NAN), ("Sở C", NAN), ("Sở D", 80.0)]),
                {"Sở C": "Hệ thống không thông báo dữ liệu"},
            ),
            DEPARTMENT,
        ),
        "Chưa đủ số liệu để tính tổng điểm của 02 cơ quan: Sở A; Sở B (không xếp hạng).",
    ),
    Case(
        "incomplete",
        "one",
        lambda: F.incomplete(noted(units([("Sở A", NAN), ("Sở D", 80.0)]), {}), DEPARTMENT),
        "Chưa đủ số liệu để tính tổng điểm của Sở A (không xếp hạng).",
    ),
    Case(
        "incomplete",
        "none",
        lambda: F.incomplete(
            noted(units([("Sở C", NAN)]), {"Sở C": "Hệ thống không thông báo dữ liệu"}),
            DEPARTMENT,
        ),
        "",
    ),
    # units renamed since the comparison (followed by a rename link)
    Case(
        "renamed",
        "some",
        lambda: F.renamed(
            [{"old": "Ban Quản lý các khu công nghiệp", "new": "Ban Quản lý Khu kinh tế"}],
            DEPARTMENT,
            LABEL_27_3,
        ),
        "Có 01 cơ quan đổi tên so với kết quả ngày 27/3/2025 (được so sánh theo tên mới): "
        "Ban Quản lý Khu kinh tế (trước đây là Ban Quản lý các khu công nghiệp).",
    ),
    Case("renamed", "none", lambda: F.renamed([], DEPARTMENT, LABEL_27_3), ""),
    # units new or gone since the comparison snapshot
    Case(
        "new_units",
        "some",
        lambda: pick(
            F.new_and_gone(
                unit_cmp(
                    [NOI_VU[0], ("Sở Ngoại vụ", 70.0)],
                    [NOI_VU[1], ("Sở Dân tộc và Tôn giáo", 80.0)],
                ),
                DEPARTMENT,
                LABEL_27_3,
            ),
            "new_units",
        ),
        "Có 01 cơ quan có số liệu lần đầu so với kết quả ngày 27/3/2025: Sở Dân tộc và Tôn giáo.",
    ),
    Case(
        "gone_units",
        "some",
        lambda: pick(
            F.new_and_gone(
                unit_cmp(
                    [NOI_VU[0], ("Sở Ngoại vụ", 70.0)],
                    [NOI_VU[1], ("Sở Dân tộc và Tôn giáo", 80.0)],
                ),
                DEPARTMENT,
                LABEL_27_3,
            ),
            "gone_units",
        ),
        "Có 01 cơ quan không còn trong số liệu kỳ này (có trong kết quả ngày 27/3/2025): "
        "Sở Ngoại vụ.",
    ),
    Case(
        "new_units",
        "none",
        lambda: pick(F.new_and_gone(moved(NOI_VU, NGOAI_VU), DEPARTMENT, LABEL_27_3), "new_units"),
        "",
    ),
    Case(
        "gone_units",
        "none",  # no comparison: nothing is new or gone
        lambda: pick(F.new_and_gone(unit_cmp([], [NOI_VU[1]]), DEPARTMENT, None), "gone_units"),
        "",
    ),
    # overdue dossiers: grouped by level in level order, most first, zero and missing left out
    Case(
        "overdue",
        "some",
        lambda: F.overdue(OVERDUE, dt.date(2025, 4, 10)),
        f"Các đơn vị có hồ sơ quá hạn giải quyết (đến 10/4/2025): {OVERDUE_TEXT}.",
    ),
    Case(
        "overdue",
        "some",
        lambda: F.overdue(OVERDUE),
        f"Các đơn vị có hồ sơ quá hạn giải quyết: {OVERDUE_TEXT}.",
    ),
    Case(
        "overdue",
        "none",
        lambda: F.overdue(OVERDUE.assign(value=0)),
        "Không có đơn vị có hồ sơ quá hạn giải quyết.",
    ),
    # problems
    Case(
        "weakest",
        "some",
        lambda: F.weakest(POINTS, n=2),
        f"Các chỉ số còn mất nhiều điểm nhất của tỉnh: {PUBLISH} (đạt 1,69/6 điểm); "
        f"{SYNC} (đạt 3,18/6 điểm).",
    ),
    Case("weakest", "none", lambda: F.weakest(POINTS.iloc[[0, 4]]), ""),
    Case(
        "fallers",
        "some",
        lambda: F.fallers(
            moved(Y_TE, NOI_VU, TU_PHAP, (("Sở Công thương", 88.6), ("Sở Công thương", 85.09))),
            n=2,
        ),
        "Các đơn vị giảm điểm nhiều nhất: Sở Tư pháp (giảm 5,97 điểm); Sở Công thương "
        "(giảm 3,51 điểm).",
    ),
    Case("fallers", "none", lambda: F.fallers(moved(NOI_VU, TAI_CHINH)), ""),
    # ---- a unit's scorecard ----------------------------------------------------------------
    Case(
        "unit_total",
        "rise",
        lambda: U.total("Sở Nội vụ", 95.59, "Xuất sắc", 90.41, "so với tuần 14", W15),
        "Sở Nội vụ đạt 95,59 điểm, xếp loại Xuất sắc, tăng 5,18 điểm so với tuần 14 (90,41 điểm).",
    ),
    Case(
        "unit_total",
        "fall",
        lambda: U.total("Sở Tư pháp", 82.3, "Tốt", 88.27, "so với kết quả ngày 27/3/2025", W15),
        "Sở Tư pháp đạt 82,3 điểm, xếp loại Tốt, giảm 5,97 điểm so với kết quả ngày 27/3/2025 "
        "(88,27 điểm).",
    ),
    Case(
        "unit_total",
        "unchanged",
        lambda: U.total("Sở Y tế", 87.17, "Tốt", 87.17, "so với tuần 14", W15),
        "Sở Y tế đạt 87,17 điểm, xếp loại Tốt, không thay đổi so với tuần 14.",
    ),
    Case(
        "unit_total",
        "first",
        lambda: U.total("Sở Y tế", 87.17, "Tốt", NAN, None, W15),
        "Sở Y tế đạt 87,17 điểm, xếp loại Tốt.",
    ),
    Case(
        "unit_total",
        "no_data",
        lambda: U.total("Sở Ngoại vụ", NAN, None, NAN, None, W15, None),
        "Hệ thống không thông báo dữ liệu: Sở Ngoại vụ chưa có điểm tuần thứ 15, tháng 4/2025, "
        "nên chưa được xếp loại và xếp hạng.",
    ),
    Case(
        "unit_rank",
        "rise",
        lambda: U.rank(DISTRICT, 9, 11, 11, 11),
        "Xếp hạng 09/11 UBND cấp huyện, tăng 2 bậc (xếp hạng 11/11).",
    ),
    Case(
        "unit_rank",
        "fall",
        lambda: U.rank(DEPARTMENT, 8, 11, 7, 11),
        "Xếp hạng 08/11 cơ quan, giảm 1 bậc (xếp hạng 07/11).",
    ),
    Case(
        "unit_rank",
        "unchanged",
        lambda: U.rank(DEPARTMENT, 1, 11, 1, 11),
        "Xếp hạng 01/11 cơ quan, giữ nguyên thứ hạng.",
    ),
    Case(
        "unit_rank",
        "first",
        lambda: U.rank(DEPARTMENT, 3, 13, None, None),
        "Xếp hạng 03/13 cơ quan.",
    ),  # fmt: skip
    Case("unit_rank", "none", lambda: U.rank(DEPARTMENT, None, None, 2, 13), ""),
    Case(
        "unit_class",
        "up",
        lambda: U.class_change("Khá", "Tốt", [b.name for b in BANDS]),
        "Xếp loại được nâng từ Khá lên Tốt.",
    ),
    Case(
        "unit_class",
        "down",
        lambda: U.class_change("Xuất sắc", "Tốt", [b.name for b in BANDS]),
        "Xếp loại giảm từ Xuất sắc xuống Tốt.",
    ),
    Case("unit_class", "same", lambda: U.class_change("Tốt", "Tốt", [b.name for b in BANDS]), ""),
    Case(
        "unit_peers",
        "some",
        lambda: U.peers(
            "Sở Tư pháp",
            DEPARTMENT,
            {"n": 11, "median": 86.57, "p75": 87.69, "best": 95.59, "best_units": ["Sở Nội vụ"]},
        ),
        "Trong 11 cơ quan có số liệu, điểm trung vị là 86,57; một phần tư số cơ quan đạt từ "
        "87,69 điểm trở lên; cao nhất là Sở Nội vụ (95,59 điểm).",
    ),
    Case(
        "unit_peers",
        "single",
        lambda: U.peers("Sở Y tế", DEPARTMENT, {"n": 1, "total": 80.0}),
        "Sở Y tế là cơ quan duy nhất có số liệu trong kỳ.",
    ),
    Case("unit_peers", "none", lambda: U.peers("Sở Y tế", DEPARTMENT, {"n": 0}), ""),
    Case(
        "unit_position",
        "best",
        lambda: U.position(
            "Sở Nội vụ", DEPARTMENT, {"n": 11, "total": 95.59, "median": 86.57, "best": 95.59}
        ),  # fmt: skip
        "Sở Nội vụ có điểm cao nhất trong các cơ quan.",
    ),
    Case(
        "unit_position",
        "above",
        lambda: U.position(
            "Sở Y tế", DEPARTMENT, {"n": 11, "total": 87.17, "median": 86.57, "best": 95.59}
        ),  # fmt: skip
        "Sở Y tế cao hơn trung vị 0,6 điểm.",
    ),
    Case(
        "unit_position",
        "equal",
        lambda: U.position(
            "Sở Văn hóa", DEPARTMENT, {"n": 11, "total": 86.57, "median": 86.57, "best": 95.59}
        ),  # fmt: skip
        "Sở Văn hóa bằng điểm trung vị.",
    ),
    Case(
        "unit_position",
        "below",
        lambda: U.position(
            "Sở Tư pháp", DEPARTMENT, {"n": 11, "total": 82.3, "median": 86.57, "best": 95.59}
        ),  # fmt: skip
        "Sở Tư pháp thấp hơn trung vị 4,27 điểm, thấp hơn mức cao nhất 13,29 điểm.",
    ),
    Case("unit_position", "none", lambda: U.position("Sở Y tế", DEPARTMENT, {"n": 1}), ""),
    Case(
        "unit_detail",
        "total_only",
        lambda: U.detail("Sở Y tế", False, True),
        "Số liệu kỳ này của Sở Y tế chỉ có tổng điểm; chưa có điểm theo nhóm, chỉ số để xác định "
        "điểm còn thiếu.",
    ),
    Case("unit_detail", "full", lambda: U.detail("Sở Y tế", True, True), ""),
    Case(
        "unit_winback",
        "count",
        lambda: U.winback(WINBACK.iloc[[0]])[0],
        "Tỷ lệ hồ sơ nộp trực tuyến: còn thiếu 1,2/6 điểm; cần thêm 10 hồ sơ nộp trực tuyến "
        "(+10 điểm phần trăm, lên 50%) để đạt điểm tối đa.",
    ),
    Case(
        "unit_winback",
        "rate",
        lambda: U.winback(WINBACK.iloc[[1]])[0],
        "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ: còn thiếu 2,45/4 điểm; cần tăng tỷ lệ "
        "thêm 61,37 điểm phần trăm (lên 100%) để đạt điểm tối đa.",
    ),
    Case(
        "unit_winback",
        "no_base",
        lambda: U.winback(WINBACK.iloc[[2]])[0],
        "Tỷ lệ TTHC công bố đúng hạn: còn thiếu 6/6 điểm vì trong kỳ chưa phát sinh TTHC công bố "
        "đúng hạn.",
    ),
    Case(
        "unit_winback_intro",
        "some",
        lambda: U.winback_intro(3, True),
        "Ba chỉ số có thể lấy lại nhiều điểm nhất:",
    ),  # fmt: skip
    Case(
        "unit_winback_intro",
        "one",
        lambda: U.winback_intro(1, True),
        "Chỉ số có thể lấy lại nhiều điểm nhất:",
    ),  # fmt: skip
    Case(
        "unit_winback_intro",
        "none",
        lambda: U.winback_intro(0, True),
        "Đơn vị đã đạt điểm tối đa ở mọi chỉ số có số liệu.",
    ),
    Case(
        "unit_overdue",
        "some",
        lambda: U.overdue("UBND thị xã Bình Long", 204, dt.date(2025, 4, 10)),
        "UBND thị xã Bình Long có 204 hồ sơ quá hạn giải quyết (đến 10/4/2025).",
    ),
    Case(
        "unit_overdue",
        "none",
        lambda: U.overdue("Sở Y tế", 0, dt.date(2025, 4, 10)),
        "Sở Y tế không có trong danh sách đơn vị có hồ sơ quá hạn giải quyết (đến 10/4/2025).",
    ),
    Case(
        "unit_trend",
        "some",
        lambda: U.trend(
            pd.DataFrame(
                {
                    "label": ["13/3", "20/3", "27/3", "08/4"],
                    "total": [85.0, 90.0, 88.27, 82.3],
                    "rank": [9.0, 3.0, 7.0, 8.0],
                    "of": [11.0] * 4,
                }
            )
        ),
        "Qua 04 kỳ có số liệu, tổng điểm cao nhất 90 (20/3), thấp nhất 82,3 (08/4); thứ hạng tốt "
        "nhất 03/11 (20/3).",
    ),
    Case(
        "unit_trend",
        "short",
        lambda: U.trend(
            pd.DataFrame({"label": ["27/3"], "total": [88.27], "rank": [7.0], "of": [11.0]})
        ),  # fmt: skip
        "",
    ),
]


_RENDERED: dict[int, tuple[Sentence, str]] = {}


def rendered(case: Case) -> tuple[Sentence, str]:
    """The case's sentence and its text, built and phrased once per run."""
    key = CASES.index(case)
    if key not in _RENDERED:
        sentence = case.build()
        _RENDERED[key] = (sentence, phrase(sentence))
    return _RENDERED[key]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_sentence(case: Case):
    sentence, text = rendered(case)
    assert (sentence.kind, sentence.branch) == (case.kind, case.branch)
    assert text == case.text


def template_keys() -> set[tuple[str, str]]:
    table = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
    return {
        (kind, branch)
        for kind, branches in table.items()
        # level nouns and headings, and how ingest warnings read: not sentence kinds
        # the announcement's fixed wording, notes and rank sources: tested with the document
        if kind
        not in (
            "levels",
            "source_warnings",
            "report_titles",
            "winback_objects",
            "announcement",
            "notes",
            "rank_sources",
        )
        for branch in branches
    }


def test_every_branch_is_tested():
    """A branch added to templates.yaml without a case here fails the suite."""
    produced = set()
    for case in CASES:
        sentence, _ = rendered(case)  # built by facts.py and rendered without error
        produced.add((sentence.kind, sentence.branch))
    keys = template_keys()
    assert keys - produced == set(), "template branches without a test"
    assert produced - keys == set(), "tests of branches that templates.yaml no longer has"


# ---- the rest of the seed 004 wording ------------------------------------------------------
def test_seed_004_indicators_biggest_first():
    """The five that fell, the four that rose, two at 100% and one unchanged at 93,37."""
    old = [
        ("Tỷ lệ cung cấp dịch vụ công trực tuyến toàn trình", 13.82),
        ("Tỷ lệ thanh toán trực tuyến", 93.37),
        (ONLINE, 58.54),
        ("Tỷ lệ số hóa hồ sơ", 80.09),
        ("Tỷ lệ cấp kết quả điện tử", 80.31),
        (COPY, 100),
        ("Tỷ lệ khai thác, sử dụng lại dữ liệu", 89.10),
        (PUBLISH, 33.47),
        (SYNC, 77.23),
        (PETITION, 100),
        ("Mức độ hài lòng", 98.62),
        ("Chỉ số tiến độ", 97.15),
    ]
    new_values = [13.76, 93.37, 61.02, 82.67, 82.91, 100, 86.99, 28.12, 52.96, 100, 98.35, 98.35]
    new = [(name, v) for (name, _), v in zip(old, new_values, strict=True)]
    out = {s.kind: s for s in F.indicator_sentences(ind_cmp(old, new), W15)}
    assert [i["delta"] for i in out["ind_fell"].data["items"]] == [
        -24.27,
        -5.35,
        -2.11,
        -0.27,
        -0.06,
    ]
    assert out["ind_fell"].text.startswith(
        f"Có 05 chỉ số giảm điểm gồm: {SYNC} (giảm 24,27 điểm); {PUBLISH} (giảm 5,35 điểm); "
    )
    assert [i["delta"] for i in out["ind_rose"].data["items"]] == [2.6, 2.58, 2.48, 1.2]
    assert out["ind_rose"].text.startswith("Có 04 chỉ số tăng điểm gồm: ")
    assert out["ind_held_max"].text == f"Có 02 chỉ số giữ tỷ lệ đạt 100% gồm: {COPY}; {PETITION}."
    assert out["ind_unchanged"].text == (
        "Có 01 chỉ số không thay đổi: Tỷ lệ thanh toán trực tuyến (93,37%)."
    )
    assert out["ind_no_data"].text == ""


def test_ties_one_sentence_per_shared_rank():
    frame = units([("A", 90), ("Sở B", 90), ("Sở C", 85), ("Sở D", 80), ("Sở E", 80)])
    texts = [s.text for s in F.ties(frame, DEPARTMENT)]
    assert texts == [
        "A và Sở B cùng đạt 90 điểm, đồng xếp hạng 1/5.",
        "Sở D và Sở E cùng đạt 80 điểm, đồng xếp hạng 4/5.",
    ]


def test_overdue_unknown_level_comes_last():
    counts = pd.DataFrame(
        [("Trung tâm X", "other", 5), ("Xã Long Hà", "commune", 1)],
        columns=["unit", "level", "value"],
    )
    assert F.overdue(counts).text == (
        "Các đơn vị có hồ sơ quá hạn giải quyết: UBND cấp xã: Xã Long Hà: 01 hồ sơ. "
        "Đơn vị khác: Trung tâm X: 05 hồ sơ."
    )


def test_class_counts_one_per_band_in_band_order():
    sentences = F.class_counts(units(DONG_NAI), BANDS, DEPARTMENT)
    assert [s.text for s in sentences] == [
        "Không có cơ quan xếp loại Xuất sắc.",
        "Có 02/17 cơ quan xếp loại Tốt.",
        "Có 04/17 cơ quan xếp loại Khá.",
        "Có 11/17 cơ quan xếp loại Trung bình.",
        "Không có cơ quan xếp loại Yếu.",
    ]


# ---- recommendations -----------------------------------------------------------------------
def test_recommendations_codes_to_texts_without_repeats_always_last():
    catalogue = load_recommendations()
    out = F.recommendations(["DOSSIER_SYNC", "PUBLISH_ON_TIME", "DOSSIER_SYNC", "NOT_A_CODE"])
    expected = [*catalogue["DOSSIER_SYNC"], *catalogue["PUBLISH_ON_TIME"], *catalogue["always"]]
    assert out == expected
    assert len(out) == len(set(out))
    assert out[-1] == catalogue["always"][-1]
    assert out[0].startswith("Cập nhật đầy đủ, chính xác, thống nhất số liệu hồ sơ giải quyết TTHC")
    assert out[-1].startswith("Các cơ quan, đơn vị, địa phương theo dõi Bộ chỉ số chi tiết")


def test_recommendations_without_codes_are_the_standing_ones():
    assert F.recommendations([]) == list(load_recommendations()["always"])


# ---- templates are data --------------------------------------------------------------------
def test_rewording_a_copy_of_the_templates_changes_the_sentence(tmp_path):
    table = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
    table["headline_rank"]["fall"] = (
        "{{ unit }} đang xếp hạng {{ rank | rank(of) }} tỉnh thành phố, giảm {{ -change }} bậc "
        "{{ compare_phrase }} (xếp hạng {{ old_rank | rank(old_of) }})."
    )
    table["ind_fell"]["some"] = (
        "Có {{ n | count }} chỉ số, tỉnh đang có điểm giảm gồm: "
        "{% for i in items %}{{ i.name }} (giảm {{ i.delta | abs | number }} điểm)"
        "{{ '; ' if not loop.last else '' }}{% endfor %}."
    )
    custom = tmp_path / "templates.yaml"
    custom.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")

    rank = F.headline_rank(BP, 20, 63, 8, 63, VS_27_3, W15)
    assert phrase(rank, path=str(custom)) == (
        f"{BP} đang xếp hạng 20/63 tỉnh thành phố, giảm 12 bậc so với kết quả ngày 27/3/2025 "
        "(xếp hạng 08/63)."
    )
    fell = pick(F.indicator_sentences(ind_cmp(MIX_OLD, MIX_NEW), W15), "ind_fell")
    assert phrase(fell, path=str(custom)) == (
        f"Có 02 chỉ số, tỉnh đang có điểm giảm gồm: {SYNC} (giảm 24,27 điểm); "
        f"{PUBLISH} (giảm 5,35 điểm)."
    )
    # the shipped templates are untouched
    assert phrase(rank).startswith(f"{BP} xếp hạng 20/63 tỉnh, thành phố trong cả nước")
    assert templates()["ind_fell"]["some"].startswith("Có {{ n | count }} chỉ số giảm điểm gồm")


def test_an_unknown_branch_names_itself():
    with pytest.raises(KeyError, match="no template for ind_fell/several"):
        phrase(Sentence("ind_fell", "several", {}))


def test_a_missing_template_variable_is_an_error_not_a_blank():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        phrase(Sentence("headline_rank", "first", {"rank": 20, "of": 63}))

"""Classes from bands, ranks within a level, rank changes, display order, class counts."""

import pandas as pd
import pytest

from chiso766.compute.ranking import (
    add_classes,
    class_counts,
    classify,
    rank_change,
    rank_within,
    sort_for_display,
)
from chiso766.compute.units import DEPARTMENT, DISTRICT, PROVINCE
from chiso766.methodology import load_bands
from conftest import SEED004_DISTRICTS  # seed 004's districts, two tied at 86,03

NAN = float("nan")
BANDS = load_bands()

DISTRICTS = SEED004_DISTRICTS
# Departments, 08/4/2025: two with "Hệ thống không thông báo dữ liệu" (no data, not 0).
DEPARTMENTS = [
    ("Sở Nội vụ", 95.59),
    ("Sở Xây dựng", 92.72),
    ("Ban Quản lý Khu kinh tế", 88.22),
    ("Sở Ngoại vụ", NAN),
    ("Sở Y tế", 87.17),
    ("Sở Khoa học và Công nghệ", 86.73),
    ("Sở Văn hóa, Thể thao và Du lịch", 86.57),
    ("Sở Công thương", 85.09),
    ("Sở Tư pháp", 82.3),
    ("Sở Nông nghiệp và Môi trường", 79.94),
    ("Sở Dân tộc và Tôn giáo", NAN),
    ("Sở Giáo dục và Đào tạo", 76.09),
    ("Sở Tài chính", 62.29),
]


def frame(rows, level):
    return pd.DataFrame(
        [{"unit": name, "level": level, "total": total} for name, total in rows]
    ).astype({"total": "float64"})


def seed_frame():
    return pd.concat(
        [frame(DISTRICTS, DISTRICT), frame(DEPARTMENTS, DEPARTMENT)], ignore_index=True
    )


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, "Yếu"),
        (49.99, "Yếu"),
        (49.994, "Yếu"),
        (50, "Trung bình"),
        (50.0, "Trung bình"),
        (69.99, "Trung bình"),
        (70, "Khá"),
        (79.99, "Khá"),
        (80, "Tốt"),
        (89.99, "Tốt"),
        (90, "Xuất sắc"),
        (95.59, "Xuất sắc"),
        (100, "Xuất sắc"),
        (NAN, None),
        (None, None),
        (pd.NA, None),
    ],
)
def test_classify(total, expected):
    assert classify(total, BANDS) == expected


def test_ranks_within_level_with_ties():
    ranked = rank_within(seed_frame()).set_index("unit")
    assert ranked.at["UBND huyện Bù Đốp", "rank"] == 1
    for name in ("UBND huyện Hớn Quản", "UBND thị xã Chơn Thành"):
        assert (ranked.at[name, "rank"], ranked.at[name, "of"]) == (4, 11)
    assert ranked.at["UBND huyện Lộc Ninh", "rank"] == 6  # after a two-way tie at 4
    last = ranked.loc["UBND huyện Bù Gia Mập"]
    assert (last["rank"], last["of"]) == (11, 11)
    # departments among departments: the two without data are not ranked nor counted
    assert (ranked.at["Sở Nội vụ", "rank"], ranked.at["Sở Nội vụ", "of"]) == (1, 11)
    assert (ranked.at["Sở Tài chính", "rank"], ranked.at["Sở Tài chính", "of"]) == (11, 11)
    assert ranked.at["Sở Giáo dục và Đào tạo", "rank"] == 10
    for name in ("Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo"):
        assert pd.isna(ranked.at[name, "rank"]) and pd.isna(ranked.at[name, "of"])
    assert str(ranked["rank"].dtype) == str(ranked["of"].dtype) == "Int64"


def test_ties_are_judged_to_two_decimals():
    df = pd.DataFrame({"unit": list("abc"), "level": PROVINCE, "total": [75.451, 75.449, 75.4]})
    assert rank_within(df)["rank"].tolist() == [1, 1, 3]


def test_rank_without_levels():
    df = pd.DataFrame({"total": [10.0, NAN, 30.0, 30.0]})
    ranked = rank_within(df, by=None)
    assert ranked["rank"].tolist()[0] == 3 and pd.isna(ranked["rank"].iloc[1])
    assert ranked["rank"].tolist()[2:] == [1, 1]
    assert ranked["of"].tolist()[0] == 3 and pd.isna(ranked["of"].iloc[1])


def test_rank_within_does_not_change_its_input():
    df = seed_frame()
    before = df.copy()
    rank_within(df)
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (8, 20, -12),  # "giảm 12 bậc" (seed 004)
        (21, 10, 11),  # "tăng 11 bậc" (seed 000)
        (10, 10, 0),  # "giữ nguyên"
        (None, 3, None),
        (3, None, None),
        (pd.NA, 3, None),
        (NAN, 3, None),
    ],
)
def test_rank_change(old, new, expected):
    assert rank_change(old, new) == expected


def test_sort_for_display():
    df = pd.DataFrame(
        {
            "unit": ["Sở Y tế", "Sở Ngoại vụ", "Ban Quản lý", "Sở Dân tộc", "Ân", "Sở Xây dựng"],
            "total": [86.03, NAN, 90.0, NAN, 86.03, 86.031],
        }
    )
    out = sort_for_display(df)
    # best first; 86,03 ties (86,031 rounds to it) by name without diacritics (Ân = An);
    # units without data last, in their input order
    assert out["unit"].tolist() == [
        "Ban Quản lý",
        "Ân",
        "Sở Xây dựng",
        "Sở Y tế",
        "Sở Ngoại vụ",
        "Sở Dân tộc",
    ]
    assert list(out.columns) == ["unit", "total"]


def test_sort_for_display_seed_departments():
    out = sort_for_display(frame(DEPARTMENTS, DEPARTMENT))
    assert out["unit"].tolist()[-2:] == ["Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo"]
    assert out["total"].tolist()[:11] == sorted(t for _, t in DEPARTMENTS if t == t)[::-1]


def test_add_classes():
    out = add_classes(frame(DEPARTMENTS, DEPARTMENT), BANDS).set_index("unit")["class"]
    assert out["Sở Nội vụ"] == "Xuất sắc"
    assert out["Sở Tư pháp"] == "Tốt"
    assert out["Sở Nông nghiệp và Môi trường"] == "Khá"
    assert out["Sở Tài chính"] == "Trung bình"
    assert out["Sở Ngoại vụ"] is None


def test_class_counts_with_every_band():
    counts = class_counts(add_classes(seed_frame(), BANDS), BANDS)
    got = {(r.level, r["class"]): (r["count"], r["of"]) for _, r in counts.iterrows()}
    assert len(counts) == 2 * len(BANDS)
    assert got[(DISTRICT, "Xuất sắc")] == (1, 11)
    assert got[(DISTRICT, "Tốt")] == (10, 11)
    assert got[(DISTRICT, "Khá")] == (0, 11)
    assert got[(DISTRICT, "Yếu")] == (0, 11)
    # 13 departments, 11 classed ("Có 02/11 cơ quan xếp loại Xuất sắc")
    assert got[(DEPARTMENT, "Xuất sắc")] == (2, 11)
    assert got[(DEPARTMENT, "Tốt")] == (6, 11)
    assert got[(DEPARTMENT, "Khá")] == (2, 11)
    assert got[(DEPARTMENT, "Trung bình")] == (1, 11)
    assert got[(DEPARTMENT, "Yếu")] == (0, 11)
    assert counts[counts["level"] == DISTRICT]["class"].tolist() == [b.name for b in BANDS]

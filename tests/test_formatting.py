import math
from datetime import date, datetime
from decimal import Decimal

import pytest
from jinja2 import Environment

from chiso766.formatting import (
    JINJA_FILTERS,
    fmt_count,
    fmt_date,
    fmt_datetime_vi,
    fmt_number,
    fmt_percent,
    fmt_points_change,
    fmt_rank,
    fmt_rank_change,
    fmt_signed,
    register_filters,
)

NAN = float("nan")


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (75.45, "75,45"),
        (16.5, "16,5"),
        (90.0, "90"),
        (90, "90"),
        (82.30, "82,3"),
        (144625, "144.625"),
        (144625.0, "144.625"),
        (1234567.891, "1.234.567,89"),
        (1000, "1.000"),
        (999.999, "1.000"),
        (-5.97, "-5,97"),
        (-1234.5, "-1.234,5"),
        (0, "0"),
        (0.0, "0"),
        (-0.0, "0"),
        (-0.001, "0"),
        (-0.004, "0"),
        (-0.005, "-0,01"),
        (0.005, "0,01"),
        (0.125, "0,13"),
        (-0.125, "-0,13"),
        (2.675, "2,68"),
        (1.005, "1,01"),
        (0.1 + 0.2, "0,3"),
        (Decimal("2.345"), "2,35"),
        (Decimal("-2.345"), "-2,35"),
        (1e16, "10.000.000.000.000.000"),
    ],
)
def test_fmt_number(x, expected):
    assert fmt_number(x) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "trim", "expected"),
    [
        (16.5, 2, False, "16,50"),
        (90.0, 2, False, "90,00"),
        (144625, 2, False, "144.625,00"),
        (-0.001, 2, False, "0,00"),
        (75.45, 1, True, "75,5"),
        (75.44, 1, True, "75,4"),
        (2.5, 0, True, "3"),
        (-2.5, 0, True, "-3"),
        (1234.5, 0, False, "1.235"),
        (0.12345, 4, True, "0,1235"),
        (0.10005, 4, False, "0,1001"),
    ],
)
def test_fmt_number_options(x, decimals, trim, expected):
    assert fmt_number(x, decimals, trim=trim) == expected


@pytest.mark.parametrize("x", [None, NAN, math.inf, -math.inf, Decimal("NaN")])
def test_fmt_number_missing(x):
    assert fmt_number(x) == "—"
    assert fmt_number(x, missing="") == ""
    assert fmt_number(x, missing="n/a") == "n/a"


def test_fmt_number_numpy_and_pandas_missing():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert fmt_number(np.float64(75.45)) == "75,45"
    assert fmt_number(np.int64(144625)) == "144.625"
    assert fmt_number(np.float64("nan")) == "—"
    assert fmt_number(pd.NA) == "—"
    assert fmt_count(np.int64(5)) == "05"


@pytest.mark.parametrize("x", ["75.45", True, [1]])
def test_fmt_number_rejects_non_numbers(x):
    with pytest.raises(TypeError):
        fmt_number(x)


def test_fmt_number_rejects_negative_decimals():
    with pytest.raises(ValueError):
        fmt_number(1.5, -1)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (2.48, "+2,48"),
        (-0.06, "-0,06"),
        (0, "0"),
        (0.0, "0"),
        (0.004, "0"),
        (-0.004, "0"),
        (0.005, "+0,01"),
        (1234.5, "+1.234,5"),
        (-24.27, "-24,27"),
        (None, "—"),
        (NAN, "—"),
    ],
)
def test_fmt_signed(x, expected):
    assert fmt_signed(x) == expected


def test_fmt_signed_options():
    assert fmt_signed(2.5, trim=False) == "+2,50"
    assert fmt_signed(2.45, 1) == "+2,5"
    assert fmt_signed(None, missing="") == ""


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (71.3, "71,3%"),
        (71.25, "71,25%"),
        (100, "100%"),
        (0, "0%"),
        (-5.5, "-5,5%"),
        (None, "—"),
        (NAN, "—"),
    ],
)
def test_fmt_percent(x, expected):
    assert fmt_percent(x) == expected


def test_fmt_percent_options():
    assert fmt_percent(71.25, 1) == "71,3%"
    assert fmt_percent(71.3, trim=False) == "71,30%"
    assert fmt_percent(None, missing="") == ""


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (5, "05"),
        (2, "02"),
        (9, "09"),
        (10, "10"),
        (17, "17"),
        (99, "99"),
        (170, "170"),
        (0, "0"),
        (5.0, "05"),
        (144625, "144.625"),
        (1000, "1.000"),
        (-3, "-3"),
        (None, "—"),
        (NAN, "—"),
    ],
)
def test_fmt_count(n, expected):
    assert fmt_count(n) == expected


def test_fmt_count_width():
    assert fmt_count(5, width=3) == "005"
    assert fmt_count(170, width=3) == "170"
    assert fmt_count(5, width=1) == "5"


def test_fmt_count_rejects_fractions():
    with pytest.raises(ValueError):
        fmt_count(2.5)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 4, 8), "08/4/2025"),
        (date(2025, 12, 31), "31/12/2025"),
        (date(2025, 10, 1), "01/10/2025"),
        (datetime(2024, 7, 8, 11, 0), "08/7/2024"),
        ("2025-04-08", "08/4/2025"),
        (" 2025-03-27 ", "27/3/2025"),
        ("2024-07-08T11:00:00", "08/7/2024"),
        ("2024-07-08 11:00", "08/7/2024"),
        (None, "—"),
    ],
)
def test_fmt_date(d, expected):
    assert fmt_date(d) == expected


def test_fmt_date_pandas():
    pd = pytest.importorskip("pandas")
    assert fmt_date(pd.Timestamp("2025-04-08 11:00")) == "08/4/2025"
    assert fmt_date(pd.NaT) == "—"


@pytest.mark.parametrize("d", ["08/4/2025", "2025-02-30", "yesterday"])
def test_fmt_date_rejects_bad_strings(d):
    with pytest.raises(ValueError):
        fmt_date(d)


def test_fmt_date_rejects_other_types():
    with pytest.raises(TypeError):
        fmt_date(20250408)


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (datetime(2024, 7, 8, 11, 0), "11 giờ 00 ngày 08/7/2024"),
        (datetime(2024, 7, 8, 9, 5), "09 giờ 05 ngày 08/7/2024"),
        (datetime(2025, 12, 31, 23, 59, 59), "23 giờ 59 ngày 31/12/2025"),
        ("2024-07-08T11:00:00", "11 giờ 00 ngày 08/7/2024"),
        ("2024-07-08 14:30", "14 giờ 30 ngày 08/7/2024"),
        (None, "—"),
    ],
)
def test_fmt_datetime_vi(dt, expected):
    assert fmt_datetime_vi(dt) == expected


@pytest.mark.parametrize("dt", [date(2024, 7, 8), "2024-07-08"])
def test_fmt_datetime_vi_needs_a_time(dt):
    with pytest.raises(ValueError, match="no time of day"):
        fmt_datetime_vi(dt)


@pytest.mark.parametrize(
    ("rank", "of", "expected"),
    [
        (10, 63, "10/63"),
        (3, 63, "03/63"),
        (20, 63, "20/63"),
        (4, 11, "04/11"),
        (1, 10, "01/10"),
        (1, 5, "1/5"),
        (9, 9, "9/9"),
        (3.0, 63, "03/63"),
        (100, 120, "100/120"),
        (5, None, "5"),
        (None, 63, "—"),
        (NAN, 63, "—"),
    ],
)
def test_fmt_rank(rank, of, expected):
    assert fmt_rank(rank, of) == expected


def test_fmt_rank_rejects_fractions():
    with pytest.raises(ValueError):
        fmt_rank(2.5, 63)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (11, "tăng 11 bậc"),
        (1, "tăng 1 bậc"),
        (-12, "giảm 12 bậc"),
        (0, "giữ nguyên"),
        (3.0, "tăng 3 bậc"),
        (None, ""),
        (NAN, ""),
    ],
)
def test_fmt_rank_change(change, expected):
    assert fmt_rank_change(change) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (5.18, "tăng 5,18 điểm"),
        (-24.27, "giảm 24,27 điểm"),
        (2.5, "tăng 2,5 điểm"),
        (0.125, "tăng 0,13 điểm"),
        (-0.125, "giảm 0,13 điểm"),
        (1234.5, "tăng 1.234,5 điểm"),
        (0, "không thay đổi"),
        (0.0, "không thay đổi"),
        (0.004, "không thay đổi"),
        (-0.004, "không thay đổi"),
        (None, ""),
        (NAN, ""),
    ],
)
def test_fmt_points_change(delta, expected):
    assert fmt_points_change(delta) == expected


def test_fmt_points_change_decimals():
    assert fmt_points_change(5.18, 1) == "tăng 5,2 điểm"


def test_jinja_filters_mapping():
    assert JINJA_FILTERS == {
        "number": fmt_number,
        "signed": fmt_signed,
        "percent": fmt_percent,
        "count": fmt_count,
        "date": fmt_date,
        "datetime_vi": fmt_datetime_vi,
        "rank": fmt_rank,
        "rank_change": fmt_rank_change,
        "points_change": fmt_points_change,
    }


def test_register_filters_renders():
    env = register_filters(Environment(autoescape=False))
    template = env.from_string(
        "{{ score | number }} ({{ delta | signed }}), {{ share | percent }}, "
        "{{ n | count }} đơn vị, xếp hạng {{ rank | rank(63) }} ({{ moved | rank_change }}), "
        "{{ diff | points_change }}, {{ day | date }}, {{ at | datetime_vi }}, "
        "{{ missing | number(missing='') }}|{{ total | number(0) }}"
    )
    text = template.render(
        score=75.45,
        delta=2.48,
        share=71.3,
        n=5,
        rank=3,
        moved=-12,
        diff=5.18,
        day=date(2025, 4, 8),
        at=datetime(2024, 7, 8, 11, 0),
        missing=None,
        total=144625,
    )
    assert text == (
        "75,45 (+2,48), 71,3%, 05 đơn vị, xếp hạng 03/63 (giảm 12 bậc), tăng 5,18 điểm, "
        "08/4/2025, 11 giờ 00 ngày 08/7/2024, |144.625"
    )

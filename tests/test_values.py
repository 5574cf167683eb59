import math

import pytest

from chiso766.ingest.values import BadValue, parse_number

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("75,45", 75.45),
        ("75.45", 75.45),
        ("96%", 96.0),
        (" 61,68 ", 61.68),
        ("+2,48", 2.48),
        ("-24,27", -24.27),
        ("\u221224,27", -24.27),
        ("144 625", 144625.0),
        ("1.234.567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("100", 100.0),
        ("0", 0.0),
        (90, 90.0),
        (86.03, 86.03),
        ("0,8", 0.8),
    ],
)
def test_numbers_as_written(raw, expected):
    cell = parse_number(raw)
    assert cell.value == pytest.approx(expected)
    assert cell.note is None


@pytest.mark.parametrize(
    "raw",
    [
        "Hệ thống không thông báo dữ liệu",
        "He thong khong thong bao du lieu",
        "Không có dữ liệu",
        "-",
        "—",
        "N/A",
    ],
)
def test_no_data_phrases_are_nan_with_the_text_kept(raw):
    cell = parse_number(raw)
    assert math.isnan(cell.value)
    assert cell.note == raw.strip()
    assert not cell.empty


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan")])
def test_empty_is_no_data_not_zero(raw):
    cell = parse_number(raw)
    assert math.isnan(cell.value) and cell.empty


@pytest.mark.parametrize("raw", ["abc", "12a", "7,5 điểm", "1/2", True])
def test_text_in_a_number_column_is_refused(raw):
    with pytest.raises(BadValue):
        parse_number(raw)


def test_nfd_text_is_recognised():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Hệ thống không thông báo dữ liệu")
    assert math.isnan(parse_number(nfd).value)


# ---- issue 9: numbers beyond a float; properties of the parser -------------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.mark.parametrize("raw", ["9" * 400, float("inf"), float("-inf"), 10**400, "1" + "0" * 309])
def test_numbers_beyond_a_float_are_refused(raw):
    with pytest.raises(BadValue, match="not a finite number"):
        parse_number(raw)


@pytest.mark.parametrize("raw", ["nan", "inf", "Infinity", "1e309", "-1e5"])
def test_float_words_are_text(raw):
    with pytest.raises(BadValue, match="text in a number column"):
        parse_number(raw)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda v: round(v, 2)))
def test_property_vietnamese_and_english_writing_read_the_same(value):
    plain = f"{value:.2f}"
    assert parse_number(plain).value == pytest.approx(value)
    assert parse_number(plain.replace(".", ",")).value == pytest.approx(value)  # decimal comma
    grouped = f"{value:,.2f}"  # 1,234.56
    assert parse_number(grouped).value == pytest.approx(value)
    vi = grouped.replace(",", " ").replace(".", ",").replace(" ", ".")  # 1.234,56
    assert parse_number(vi).value == pytest.approx(value)
    assert parse_number(plain + "%").value == pytest.approx(value)


@given(st.text(max_size=40))
def test_property_any_text_is_a_finite_number_no_data_or_refused(raw):
    try:
        cell = parse_number(raw)
    except BadValue as exc:
        assert exc.problem
    else:
        assert cell.missing or math.isfinite(cell.value)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_property_integers_as_text(value):
    cell = parse_number(str(value))
    assert cell.value == pytest.approx(float(value))

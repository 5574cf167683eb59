import math

import pytest

from chiso766.ingest.values import BadValue, parse_number


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

from datetime import date, datetime

import pytest

from chiso766.compute.periods import (
    KINDS,
    Period,
    PeriodError,
    iso_weeks_in_year,
    parse_period,
    period_of_date,
)

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

# text, kind, year, number, key, start, end
PARSE_CASES = [
    ("2025-W15", "week", 2025, 15, "2025-W15", date(2025, 4, 7), date(2025, 4, 13)),
    ("2025-w15", "week", 2025, 15, "2025-W15", date(2025, 4, 7), date(2025, 4, 13)),
    ("2025-W01", "week", 2025, 1, "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
    ("2020-W53", "week", 2020, 53, "2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
    ("2024-04", "month", 2024, 4, "2024-04", date(2024, 4, 1), date(2024, 4, 30)),
    ("2024-02", "month", 2024, 2, "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-02", "month", 2023, 2, "2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("2024-12", "month", 2024, 12, "2024-12", date(2024, 12, 1), date(2024, 12, 31)),
    ("2024-Q1", "quarter", 2024, 1, "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-Q2", "quarter", 2024, 2, "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
    ("2024-q3", "quarter", 2024, 3, "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
    ("2024-Q4", "quarter", 2024, 4, "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
    ("2024-H1", "half", 2024, 1, "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
    ("2024-h2", "half", 2024, 2, "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
    ("2024", "year", 2024, 0, "2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("  2024  ", "year", 2024, 0, "2024", date(2024, 1, 1), date(2024, 12, 31)),
    (2024, "year", 2024, 0, "2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("2025-04-08", "day", 2025, 0, "2025-04-08", date(2025, 4, 8), date(2025, 4, 8)),
    ("08/4/2025", "day", 2025, 0, "2025-04-08", date(2025, 4, 8), date(2025, 4, 8)),
    ("8/4/2025", "day", 2025, 0, "2025-04-08", date(2025, 4, 8), date(2025, 4, 8)),
    (" 27/03/2025 ", "day", 2025, 0, "2025-03-27", date(2025, 3, 27), date(2025, 3, 27)),
    ("2024-02-29", "day", 2024, 0, "2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "kind", "year", "number", "key", "start", "end"), PARSE_CASES)
def test_parse_key_and_range(text, kind, year, number, key, start, end):
    p = parse_period(text)
    assert (p.kind, p.year, p.number) == (kind, year, number)
    assert p.key == key
    assert str(p) == key
    assert (p.start, p.end) == (start, end)
    assert parse_period(p.key) == p
    assert p.day == (start if kind == "day" else None)


@pytest.mark.parametrize(
    "text",
    [
        "202405",
        "2024-13",
        "2024-00",
        "2024-Q5",
        "2024-Q0",
        "2024-H3",
        "2024-H0",
        "2024-W54",
        "2024-W00",
        "2024-W53",
        "2021-W53",
        "2025-02-30",
        "30/2/2025",
        "2024-4",
        "2024-W5",
        "24",
        "",
        "   ",
        "2024-Q",
        "Q2-2024",
        "2024/04",
        "tháng 4/2024",
        "2024-04-08T00:00",
        202405,
        0,
    ],
)
def test_parse_rejects(text):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    message = str(info.value)
    assert "accepted forms" in message
    assert "YYYY-Qn" in message and "YYYY-Www" in message and "D/M/YYYY" in message


@pytest.mark.parametrize("value", [True, 2024.0, None, date(2024, 1, 1)])
def test_parse_rejects_non_text(value):
    with pytest.raises(PeriodError):
        parse_period(value)


def test_period_error_is_value_error():
    assert issubclass(PeriodError, ValueError)


def test_parse_error_gives_reason():
    with pytest.raises(PeriodError, match="ISO year 2021 has weeks 1-52"):
        parse_period("2021-W53")
    with pytest.raises(PeriodError, match="month 13"):
        parse_period("2024-13")
    with pytest.raises(PeriodError, match="quarter 5"):
        parse_period("2024-Q5")


def test_iso_weeks_in_year():
    assert iso_weeks_in_year(2020) == 53
    assert iso_weeks_in_year(2021) == 52
    assert iso_weeks_in_year(2026) == 53


@pytest.mark.parametrize(
    ("kind", "year", "number", "day"),
    [
        ("fortnight", 2024, 1, None),
        ("month", 2024, 13, None),
        ("month", 2024, 0, None),
        ("week", 2021, 53, None),
        ("quarter", 2024, 5, None),
        ("half", 2024, 3, None),
        ("year", 2024, 1, None),
        ("year", 0, 0, None),
        ("day", 2024, 0, None),
        ("day", 2025, 0, date(2024, 1, 1)),
        ("day", 2024, 5, date(2024, 1, 1)),
        ("day", 2024, 0, datetime(2024, 1, 1, 8)),
        ("month", 2024, 1, date(2024, 1, 1)),
    ],
)
def test_constructor_validates(kind, year, number, day):
    with pytest.raises(PeriodError):
        Period(kind, year, number, day)


def test_period_is_frozen_and_hashable():
    p = parse_period("2024-Q2")
    with pytest.raises(AttributeError):
        p.year = 2025  # type: ignore[misc]
    assert {p, parse_period("2024-q2")} == {p}


def test_of_day_truncates_datetime():
    assert Period.of_day(datetime(2025, 4, 8, 11, 0)) == parse_period("2025-04-08")


@pytest.mark.parametrize(
    ("key", "previous"),
    [
        ("2025-W15", "2025-W14"),
        ("2025-W01", "2024-W52"),
        ("2021-W01", "2020-W53"),
        ("2021-W02", "2021-W01"),
        ("2024-05", "2024-04"),
        ("2024-01", "2023-12"),
        ("2024-Q2", "2024-Q1"),
        ("2024-Q1", "2023-Q4"),
        ("2024-H2", "2024-H1"),
        ("2024-H1", "2023-H2"),
        ("2024", "2023"),
        ("2025-04-08", "2025-04-07"),
        ("2025-01-01", "2024-12-31"),
        ("2024-03-01", "2024-02-29"),
    ],
)
def test_previous(key, previous):
    assert parse_period(key).previous() == parse_period(previous)


@pytest.mark.parametrize(
    ("key", "year"),
    [
        ("2025-W15", 2024),
        ("2025-W01", 2024),
        ("2024-04", 2023),
        ("2024-Q2", 2023),
        ("2024-H1", 2023),
        ("2024", 2023),
        ("2025-04-08", 2024),
    ],
)
def test_previous_year(key, year):
    assert parse_period(key).previous_year() == Period("year", year)


@pytest.mark.parametrize(
    ("key", "label", "compare"),
    [
        ("2025-W15", "tuần thứ 15, tháng 4/2025", "so với tuần thứ 15, tháng 4/2025"),
        ("2025-W01", "tuần thứ 1, tháng 1/2025", "so với tuần thứ 1, tháng 1/2025"),
        ("2020-W53", "tuần thứ 53, tháng 12/2020", "so với tuần thứ 53, tháng 12/2020"),
        ("2024-04", "tháng 4/2024", "so với tháng 4/2024"),
        ("2023-10", "tháng 10/2023", "so với tháng 10/2023"),
        ("2024-Q1", "quý I/2024", "so với quý I/2024"),
        ("2024-Q2", "quý II/2024", "so với quý II/2024"),
        ("2024-Q3", "quý III/2024", "so với quý III/2024"),
        ("2024-Q4", "quý IV/2024", "so với quý IV/2024"),
        ("2024-H1", "6 tháng đầu năm 2024", "so với 6 tháng đầu năm 2024"),
        ("2024-H2", "6 tháng cuối năm 2024", "so với 6 tháng cuối năm 2024"),
        ("2023", "năm 2023", "so với năm 2023"),
        ("2025-04-08", "ngày 08/4/2025", "so với kết quả ngày 08/4/2025"),
        ("2025-03-27", "ngày 27/3/2025", "so với kết quả ngày 27/3/2025"),
        ("2025-12-01", "ngày 01/12/2025", "so với kết quả ngày 01/12/2025"),
    ],
)
def test_labels(key, label, compare):
    p = parse_period(key)
    assert p.label_vi == label
    assert p.compare_phrase_vi == compare


@pytest.mark.parametrize(
    ("d", "kind", "key"),
    [
        (date(2025, 4, 8), "day", "2025-04-08"),
        (date(2025, 4, 8), "week", "2025-W15"),
        (date(2024, 12, 30), "week", "2025-W01"),
        (date(2021, 1, 3), "week", "2020-W53"),
        (date(2025, 4, 8), "month", "2025-04"),
        (date(2025, 3, 31), "quarter", "2025-Q1"),
        (date(2025, 4, 1), "quarter", "2025-Q2"),
        (date(2025, 9, 30), "quarter", "2025-Q3"),
        (date(2025, 12, 31), "quarter", "2025-Q4"),
        (date(2025, 6, 30), "half", "2025-H1"),
        (date(2025, 7, 1), "half", "2025-H2"),
        (date(2025, 7, 1), "year", "2025"),
        (datetime(2025, 4, 8, 23, 59), "day", "2025-04-08"),
        (datetime(2025, 4, 8, 23, 59), "month", "2025-04"),
    ],
)
def test_period_of_date(d, kind, key):
    p = period_of_date(d, kind)
    assert p.key == key
    assert p.contains(d)


def test_period_of_date_unknown_kind():
    with pytest.raises(PeriodError, match="unknown period kind"):
        period_of_date(date(2025, 1, 1), "decade")


@pytest.mark.parametrize("kind", KINDS)
def test_every_day_of_2024_lies_in_exactly_its_period(kind):
    seen = set()
    d = date(2024, 1, 1)
    while d.year == 2024:
        p = period_of_date(d, kind)
        assert p.start <= d <= p.end
        assert p.previous().end < p.start
        seen.add(p)
        d = date.fromordinal(d.toordinal() + 1)
    expected = {"day": 366, "week": 53, "month": 12, "quarter": 4, "half": 2, "year": 1}[kind]
    assert len(seen) == expected  # 2024-W01 starts 1 Jan, 2025-W01 takes 30-31 Dec 2024


def test_contains():
    q = parse_period("2024-Q2")
    assert q.contains(date(2024, 4, 1))
    assert q.contains(date(2024, 6, 30))
    assert q.contains(datetime(2024, 6, 30, 23, 59))
    assert not q.contains(date(2024, 3, 31))
    assert not q.contains(date(2024, 7, 1))


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("2024", "2024-Q2", True),
        ("2024", "2024-04", True),
        ("2024-Q2", "2024-04", True),
        ("2024-Q2", "2024-06", True),
        ("2024-Q2", "2024-07", False),
        ("2024-H1", "2024-Q2", True),
        ("2024-H1", "2024-Q3", False),
        ("2024-04", "2024-04-30", True),
        ("2024-04", "2024-05-01", False),
        ("2024", "2025-W01", False),  # 30 Dec 2024 - 5 Jan 2025
        ("2025", "2025-W01", False),
        ("2025-04", "2025-W15", True),
        ("2024-Q2", "2024-Q2", True),
        ("2024-04", "2024", False),
    ],
)
def test_contains_period(outer, inner, expected):
    assert parse_period(outer).contains_period(parse_period(inner)) is expected


@pytest.mark.parametrize(
    ("key", "request_"),
    [
        ("2026-08", {"timeType": "month", "year": 2026, "month": 8}),
        ("2026-Q3", {"timeType": "quarter", "year": 2026, "quarter": 3}),
        ("2026", {"timeType": "year", "year": 2026}),
    ],
)
def test_portal_request(key, request_):
    assert parse_period(key).portal_request() == request_


@pytest.mark.parametrize("key", ["2026-W10", "2026-H1", "2026-08-01"])
def test_portal_request_rejects_other_kinds(key):
    with pytest.raises(PeriodError, match="the portal serves month, quarter and year"):
        parse_period(key).portal_request()


@pytest.mark.parametrize(
    ("key", "from_date", "to_date"),
    [
        ("2026-08", "2026-08-01", "2026-08-31"),
        ("2026-Q3", "2026-07-01", "2026-09-30"),
        ("2026-H2", "2026-07-01", "2026-12-31"),
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-W01", "2025-12-29", "2026-01-04"),
        ("2026-08-15", "2026-08-15", "2026-08-15"),
    ],
)
def test_date_range_request(key, from_date, to_date):
    assert parse_period(key).date_range_request() == {"fromDate": from_date, "toDate": to_date}


@pytest.mark.parametrize(
    ("key", "today", "expected"),
    [
        ("2024-04", date(2024, 5, 1), True),
        ("2024-04", date(2024, 4, 30), False),
        ("2024-04", date(2024, 4, 15), False),
        ("2025-04-08", date(2025, 4, 9), True),
        ("2025-04-08", date(2025, 4, 8), False),
        ("2024", datetime(2025, 1, 1, 0, 1), True),
    ],
)
def test_is_complete(key, today, expected):
    assert parse_period(key).is_complete(today) is expected

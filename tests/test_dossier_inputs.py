"""Reading the provincial system's exports: cell parsers (property-based), files in every
format, every problem collected."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.ingest.dossier_inputs import (
    BadCell,
    UnitResolver,
    detect_export,
    parse_bool,
    parse_code,
    parse_count,
    parse_datetime,
    read_export,
)
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.ingest.errors import IngestError

DATA = Path(__file__).parent / "data" / "dossiers"

moments = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31))


@given(moments, st.sampled_from(["/", "-", "."]), st.booleans(), st.booleans())
def test_dates_as_analysts_write_them_round_trip(moment, sep, with_time, padded):
    moment = moment.replace(second=0, microsecond=0)
    day = f"{moment.day:02d}" if padded else str(moment.day)
    month = f"{moment.month:02d}" if padded else str(moment.month)
    text = f"{day}{sep}{month}{sep}{moment.year}"
    if with_time:
        text += f" {moment.hour:02d}:{moment.minute:02d}"
    expected = moment if with_time else moment.replace(hour=0, minute=0)
    assert parse_datetime(text) == expected


@given(moments)
def test_iso_dates_and_typed_values(moment):
    moment = moment.replace(microsecond=0)
    assert parse_datetime(moment.isoformat(sep=" ")) == moment
    assert parse_datetime(pd.Timestamp(moment)) == moment
    assert parse_datetime(moment.date()) == dt.datetime.combine(moment.date(), dt.time())


@given(st.integers(min_value=1, max_value=2_900_000))
def test_excel_serials(serial):
    assert parse_datetime(serial) == dt.datetime(1899, 12, 30) + dt.timedelta(days=serial)


@given(st.text(alphabet="abcxyzđ/ :", min_size=1, max_size=12).filter(lambda s: s.strip()))
def test_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(BadCell):
        parse_datetime(text)


@pytest.mark.parametrize("text", ["31/02/2026", "29/02/2025", "08/13/2025", "2025-02-30"])
def test_impossible_dates(text):
    with pytest.raises(BadCell, match="không có trong lịch"):
        parse_datetime(text)


def test_blank_cells_are_no_date():
    for raw in (None, "", "  ", float("nan"), pd.NaT):
        assert parse_datetime(raw) is None


@given(st.sampled_from(["Có", "có", "CO", "co", "x", "X", "yes", "True", "1", True, 1]))
def test_yes(raw):
    assert parse_bool(raw) is True


@given(
    st.sampled_from(["Không", "không", "KHONG", "khong", "no", "False", "0", "", None, False, 0])
)
def test_no(raw):
    assert parse_bool(raw) is False


@given(st.text(alphabet="qwrtz", min_size=2, max_size=6))
def test_other_words_are_not_yes_or_no(text):
    with pytest.raises(BadCell):
        parse_bool(text)


@given(st.integers(min_value=0, max_value=10**6))
def test_counts(n):
    assert parse_count(str(n)) == n
    assert parse_count(float(n)) == n
    assert parse_count(f"{n},0") == n


@pytest.mark.parametrize("raw", ["-1", "1,5", "hai", 2.5, True])
def test_bad_counts(raw):
    with pytest.raises(BadCell):
        parse_count(raw)


def test_blank_count_and_days():
    assert parse_count("") == 0
    assert parse_count(None, blank=None) is None
    assert parse_count("15 ngày") == 15


def test_codes_keep_what_was_written():
    assert parse_code(2001023.0) == "2001023"
    assert parse_code(" 000.00.12.H10-260302-0001 ") == "000.00.12.H10-260302-0001"


# ---- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ho-so.csv", DOSSIERS),
        ("ho-so-khong-dau.csv", DOSSIERS),
        ("ho-so.xlsx", DOSSIERS),
        ("ho-so.parquet", DOSSIERS),
        ("thu-tuc.csv", PROCEDURES),
        ("quyet-dinh.csv", DECISIONS),
    ],
)
def test_detect_and_read_every_format(name, kind):
    assert detect_export(DATA / name) == kind
    read = read_export(DATA / name)
    assert read.kind == kind and len(read.frame) >= 2
    if kind == DOSSIERS:
        assert str(read.frame["received_at"].dtype) == "datetime64[us]"
        assert read.frame["unit_id"].notna().all()


def test_analyst_tables_are_not_exports():
    seed = Path(__file__).parent / "data" / "seed004" / "004-departments.csv"
    assert detect_export(seed) is None
    assert detect_export(DATA / "README.md") is None


def test_dossier_values(tmp_path):
    frame = read_export(DATA / "ho-so.csv").frame.set_index("dossier_id")
    first = frame.loc["000.00.12.H10-260302-0001"]
    assert first["received_at"] == pd.Timestamp("2026-03-02 08:15")
    assert (first["channel"], first["status"], first["rating"]) == (
        "online",
        "returned",
        "satisfied",
    )
    assert first["unit_id"] == "department:sở-tư-pháp"
    third = frame.loc["000.00.12.H10-260303-0003"]
    assert third["supplement_requests"] == 2 and pd.isna(third["finished_at"])
    assert frame.loc["000.00.31.H10-260305-0005", "level"] == "commune"


def test_excel_dates_and_serials():
    frame = read_export(DATA / "ho-so.xlsx").frame
    assert frame["received_at"].tolist()[0] == pd.Timestamp("2026-03-02 08:30")
    assert frame["received_at"].tolist()[1] == pd.Timestamp("2026-03-03")


def test_every_problem_is_reported_with_file_row_column_value():
    with pytest.raises(IngestError) as info:
        read_export(DATA / "ho-so-loi.csv")
    table = info.value.table()
    got = {(r.row, r.column) for r in table.itertuples()}
    assert {
        (2, "Kênh nộp"),
        (3, "Ngày tiếp nhận"),
        (3, "Mã hồ sơ"),
        (4, "Ngày hẹn trả"),
        (4, "Ngày kết thúc xử lý"),
        (4, "Ngày yêu cầu bổ sung"),
        (4, "Đã thanh toán trực tuyến"),
        (4, "Đánh giá"),
        (5, "Số lần yêu cầu bổ sung"),
        (5, "Đơn vị tiếp nhận"),
        (5, "Trạng thái"),
    } <= got
    assert (table["file"] == str(DATA / "ho-so-loi.csv")).all()
    row = table[(table["row"] == 2) & (table["column"] == "Kênh nộp")].iloc[0]
    assert row["value"] == "Zalo"
    assert table["problem"].str.endswith(".").all()  # whole Vietnamese sentences


def test_missing_required_columns(tmp_path):
    path = tmp_path / "hs.csv"
    path.write_text("Mã hồ sơ,Ngày tiếp nhận\nA,02/03/2026\n", encoding="utf-8")
    with pytest.raises(IngestError, match="Thiếu cột bắt buộc"):
        read_export(path)


def test_units_must_be_in_the_store_when_it_has_units():
    units = pd.DataFrame(
        {"unit_id": ["department:sở-tư-pháp"], "name": ["Sở Tư pháp"], "level": ["department"]}
    )
    with pytest.raises(IngestError) as info:
        read_export(DATA / "ho-so.csv", units=units)
    bad = set(info.value.table()["value"])
    assert bad == {"UBND xã Long Hà"}
    resolver = UnitResolver(units)
    assert resolver.resolve("SO TU PHAP")[0] == "department:sở-tư-pháp"


def test_unused_columns_are_warnings(tmp_path):
    text = (DATA / "thu-tuc.csv").read_text(encoding="utf-8").splitlines()
    text[0] += ",Lĩnh vực"
    text[1:] = [line + ",Tư pháp" for line in text[1:]]
    path = tmp_path / "tt.csv"
    path.write_text("\n".join(text), encoding="utf-8")
    read = read_export(path)
    assert [w.column for w in read.warnings] == ["Lĩnh vực"]


def test_decisions_are_checked(tmp_path):
    path = tmp_path / "qd.csv"
    path.write_text(
        "Số quyết định của bộ,Ngày hiệu lực,Số quyết định công bố,Ngày quyết định công bố,"
        "Ngày công khai,Đơn vị tham mưu\n"
        "1/QĐ-BTP,01/03/2026,5/QĐ-UBND,,,Sở Tư pháp\n"
        "2/QĐ-BTP,01/03/2026,6/QĐ-UBND,20/02/2026,19/02/2026,Sở Tư pháp\n"
        "2/QĐ-BTP,01/03/2026,6/QĐ-UBND,20/02/2026,23/02/2026,Sở Tư pháp\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError) as info:
        read_export(path)
    rows = sorted(info.value.table()["row"])
    assert rows == [2, 3, 4]


def test_file_not_found_and_wrong_kind(tmp_path):
    with pytest.raises(IngestError, match="Không tìm thấy tệp"):
        read_export(tmp_path / "none.csv")
    with pytest.raises(IngestError, match="dòng tiêu đề"):
        read_export(DATA / "thu-tuc.csv", kind=DOSSIERS)


def test_detecting_an_export_reads_a_table_s_first_rows_only(tmp_path, monkeypatch):
    """A unit table is told apart from an export by its header, near the top: its body is
    not read (a 200 000-row table is read once, by the table reader)."""
    from chiso766.ingest import dossier_inputs as D

    path = tmp_path / "t.csv"
    path.write_text("Đơn vị,Điểm (08/4/2025)\n" + "UBND xã A,1\n" * 1000, encoding="utf-8")
    seen = []
    real = D._csv_rows
    monkeypatch.setattr(D, "_csv_rows", lambda p, limit=None: seen.append(limit) or real(p, limit))
    assert D.detect_export(path) is None
    assert seen == [D.HEADER_WITHIN]


cells = st.sampled_from(["a", "", '"q,1"', '"two\nlines"', '"\r\n"', '"', "1;2;3", "\t\t"])
lines = st.lists(cells, max_size=3).map(",".join)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(lines, min_size=20, max_size=60),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    limit=st.integers(1, 40),
    head=st.integers(1, 400),
)
def test_a_csv_s_first_rows_read_from_its_beginning_are_its_first_rows(
    tmp_path_factory, rows, newline, limit, head
):
    """The first rows of a CSV, read from a beginning of the text (the first one tried
    ``head`` characters long here), are the whole text's first rows, or its error."""
    from chiso766.ingest import dossier_inputs as D

    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(newline.join(rows).encode("utf-8"))
    text = path.read_bytes().decode("utf-8")
    try:
        expected = D._split(text, limit)
    except csv.Error as exc:
        expected = type(exc)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(D, "HEAD_CHARS", head)
        try:
            got = D._csv_rows(path, limit)
        except csv.Error as exc:
            got = type(exc)
    assert got == expected

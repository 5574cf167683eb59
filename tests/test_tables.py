import math
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from chiso766.compute.scoring import score_snapshot
from chiso766.ingest.errors import IngestError
from chiso766.ingest.tables import read_table
from chiso766.methodology import load_catalogue

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

SEED = Path(__file__).parent / "data" / "seed004"


def _totals(read, snapshot):
    m = read.measures
    sel = m[(m["snapshot"] == snapshot) & (m["scope"] == "total")]
    return dict(zip(sel["unit"], sel["value"], strict=True))


def test_seed_departments_two_snapshots_and_no_data():
    read = read_table(SEED / "004-departments.csv")
    assert read.layout == "units"
    assert read.snapshots == ["2025-03-27", "2025-04-08"]
    assert read.warnings == []  # every published change agrees with the computed one
    new = _totals(read, "2025-04-08")
    assert new["Sở Nội vụ"] == 95.59 and new["Sở Tư pháp"] == 82.3
    assert math.isnan(new["Sở Ngoại vụ"]) and math.isnan(new["Sở Dân tộc và Tôn giáo"])
    notes = read.measures[read.measures["unit"] == "Sở Ngoại vụ"]["note"].unique().tolist()
    assert notes == ["Hệ thống không thông báo dữ liệu"]
    assert set(read.measures["level"]) == {"department"}


def test_seed_districts_thi_xa_is_a_district():
    read = read_table(SEED / "004-districts.csv")
    levels = dict(zip(read.measures["unit"], read.measures["level"], strict=True))
    assert levels["UBND thị xã Phước Long"] == "district"
    assert levels["UBND thành phố Đồng Xoài"] == "district"


def test_seed_indicators_one_row_per_indicator():
    read = read_table(SEED / "004-indicators.csv")
    assert read.layout == "indicators"
    assert read.snapshots == ["2024", "2025-03-27", "2025-04-08"]
    m = read.measures
    assert set(m["unit"]) == {"UBND tỉnh Bình Phước"} and set(m["level"]) == {"province"}
    assert m["code"].nunique() == 12
    year = m[(m["snapshot"] == "2024") & (m["code"] == "PROGRESS_ON_TIME")]["value"]
    assert year.iloc[0] == 96.0  # written "96%"
    assert read.warnings == []


def test_published_change_that_disagrees_is_a_warning_not_data(write_csv):
    path = write_csv(
        'Đơn vị,Điểm (27/3/2025),Điểm (08/4/2025),"Tăng, giảm"\nSở Nội vụ,"90,41","95,59","5,00"\n'
    )
    read = read_table(path)
    assert len(read.warnings) == 1
    w = read.warnings[0]
    assert (w.row, w.column) == (2, "Tăng, giảm") and "+5,18" in w.problem
    assert set(read.measures["scope"]) == {"total"}


def test_unmatched_indicator_is_tracked_not_rejected(write_csv):
    path = write_csv(
        "Đơn vị: UBND tỉnh Bình Phước\nTT,Chỉ số,Ngày 08/4/2025 (%)\n"
        '1,Tỷ lệ hồ sơ nộp trực tuyến,"61,02"\n2,Chỉ số tự theo dõi của tỉnh,"12,5"\n'
    )
    read = read_table(path)
    codes = read.measures["code"].tolist()
    assert codes == ["ONLINE_DOSSIERS", "Chỉ số tự theo dõi của tỉnh"]
    assert "tracked" in read.warnings[0].problem
    scores = score_snapshot(read.measures, load_catalogue("qd766-2022"))
    tracked = scores.indicators[scores.indicators["tracked"]]
    assert tracked["ratio"].iloc[0] == 12.5 and math.isnan(tracked["points"].iloc[0])


def test_unit_given_on_the_command_line(write_csv):
    path = write_csv("TT,Chỉ số,Ngày 08/4/2025 (%)\n1,Tỷ lệ hồ sơ nộp trực tuyến,61\n")
    with pytest.raises(IngestError, match="no unit is named"):
        read_table(path)
    read = read_table(path, unit="UBND tỉnh Bình Phước")
    assert read.measures["level"].iloc[0] == "province"


def test_group_rate_table_scores_to_points(write_csv):
    path = write_csv(
        "Đơn vị,Công khai, minh bạch (%),Tiến độ, kết quả giải quyết (%),Số hóa hồ sơ (%),"
        "Cung cấp dịch vụ trực tuyến (%),Mức độ hài lòng (%)\n".replace(
            "Công khai, minh bạch (%)", '"Công khai, minh bạch (%)"'
        ).replace("Tiến độ, kết quả giải quyết (%)", '"Tiến độ, kết quả giải quyết (%)"')
        + "Sở A,100,100,75,50,90\n"
    )
    read = read_table(path, methodology="qd766-2022", snapshot="2024-07-08")
    scores = score_snapshot(read.measures, load_catalogue("qd766-2022"))
    groups = dict(zip(scores.groups["group"], scores.groups["points"], strict=True))
    assert groups["MDSH"] == 16.5
    assert groups["DVTT"] == 11.0
    assert scores.units["total"].iloc[0] == pytest.approx(18 + 20 + 16.5 + 11 + 16.2)


def test_nfd_decimal_comma_no_diacritics_and_semicolons(write_csv):
    text = "STT;DON VI;CAP;DIEM DANH GIA (08/4/2025)\n1;Sở Nội vụ;So, ban, nganh;95,59\n"
    path = write_csv(unicodedata.normalize("NFD", text))
    read = read_table(path)
    row = read.measures.iloc[0]
    assert row["unit"] == "Sở Nội vụ"  # NFC again
    assert row["value"] == 95.59 and row["level"] == "department"


def test_xlsx_with_numbers_and_a_title_line(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kết quả Bộ chỉ số 766"])
    ws.append(["STT", "Địa phương", "Điểm đánh giá (08/4/2025)"])
    ws.append([1, "UBND huyện Bù Đốp", 90.39])
    ws.append([2, "UBND xã Long Hà", "86,5"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    read = read_table(path)
    assert dict(zip(read.measures["unit"], read.measures["value"], strict=True)) == {
        "UBND huyện Bù Đốp": 90.39,
        "UBND xã Long Hà": 86.5,
    }
    assert list(read.measures["level"]) == ["district", "commune"]


BAD = "STT,Đơn vị,Cấp,Tổng điểm (08/4/2025),Công khai, minh bạch (%)\n"


@pytest.mark.parametrize(
    ("body", "row", "column", "problem"),
    [
        ("1,Sở A,Sở,abc,50\n", 2, "Tổng điểm (08/4/2025)", "text in a number column"),
        ("1,Sở A,Sở,80,150\n", 2, "Công khai, minh bạch (%)", "a percentage above 100"),
        ("1,Sở A,Sở,-3,50\n", 2, "Tổng điểm (08/4/2025)", "a negative value"),
        ("1,Sở A,Sở,120,50\n", 2, "Tổng điểm (08/4/2025)", "points above the maximum"),
        ("1,Sở A,Sở,80,50\n2,Sở A,Sở,81,50\n", 3, "Đơn vị", "appears twice"),
        ("1,,Sở,80,50\n", 2, "Đơn vị", "empty unit name"),
        ("1,Sở A,Phòng,80,50\n", 2, "Cấp", "unknown level"),
        ("1,Sở A,Cấp tỉnh,80,50\n", 2, "Cấp", "ambiguous"),
    ],
)
def test_bad_cells_name_file_row_column(write_csv, body, row, column, problem):
    header = BAD.replace("Công khai, minh bạch (%)", '"Công khai, minh bạch (%)"')
    path = write_csv(header + body)
    with pytest.raises(IngestError) as err:
        read_table(path)
    p = err.value.problems[0]
    assert (p.file, p.row, p.column) == (str(path), row, column)
    assert problem in p.problem
    assert str(path) in str(err.value) and "nothing was stored" in str(err.value)


def test_every_problem_is_collected(write_csv):
    path = write_csv(
        "Đơn vị,Tổng điểm (08/4/2025),Cột lạ\nSở A,abc,1\nPhòng B,80,2\n,70,3\nSở C,101,4\n"
    )
    with pytest.raises(IngestError) as err:
        read_table(path)
    problems = err.value.table()
    assert list(problems.columns) == ["file", "row", "column", "value", "problem"]
    assert len(problems) == 5
    assert {"unknown column header", "text in a number column", "empty unit name"} <= {
        p.split(";")[0] for p in problems["problem"]
    }


def test_name_without_level_column_must_be_recognisable(write_csv):
    path = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nTrung tâm Phục vụ hành chính công,80\n")
    with pytest.raises(IngestError, match="cannot tell the level"):
        read_table(path)
    read = read_table(path, level="Sở, ban, ngành")
    assert read.measures["level"].iloc[0] == "department"


def test_missing_unit_column(write_csv):
    path = write_csv("STT,Tổng điểm (08/4/2025)\n1,80\n")
    with pytest.raises(IngestError, match="no header row"):
        read_table(path)


def test_values_without_header(write_csv):
    path = write_csv("Đơn vị,Tổng điểm (08/4/2025),\nSở A,80,12\n")
    with pytest.raises(IngestError, match="values but no header"):
        read_table(path)


def test_not_utf8(write_csv):
    path = write_csv("Đơn vị,Tổng điểm\nSở Nội vụ,80\n", encoding="utf-16")
    with pytest.raises(IngestError, match="not UTF-8"):
        read_table(path)


def test_undated_columns_take_the_given_snapshot(write_csv):
    path = write_csv("Đơn vị,Tổng điểm\nSở Nội vụ,80\n")
    assert read_table(path).snapshots == ["undated"]
    assert read_table(path, snapshot="08/4/2025").snapshots == ["2025-04-08"]


def test_rank_table_with_count_of_provinces():
    read = read_table(SEED / "004-province-rank.csv")
    m = read.measures
    assert list(m["value"]) == [8.0, 20.0] and list(m["denominator"]) == [63.0, 63.0]
    assert set(m["scope"]) == {"rank"}


def test_rank_above_the_count_is_an_error(write_csv):
    path = write_csv("Đơn vị,Xếp hạng (08/4/2025),Số tỉnh\nUBND tỉnh X,64,63\n")
    with pytest.raises(IngestError, match="rank above"):
        read_table(path)


def test_overdue_table_with_branches():
    read = read_table(SEED / "004-overdue.csv")
    m = read.measures
    assert m["value"].sum() == 213 and set(m["scope"]) == {"count"}
    assert (m["level"] == "branch").sum() == 3


def test_missing_file():
    with pytest.raises(IngestError, match="file not found"):
        read_table("/nonexistent/table.csv")


def test_snapshot_time_from_the_header(write_csv):
    import datetime as dt

    path = write_csv("Đơn vị,Điểm (11 giờ 00 ngày 08/7/2024),Điểm (27/3/2024)\nSở A,80,79\n")
    read = read_table(path)
    assert read.snapshot_info == {"2024-07-08": {"taken_at": dt.datetime(2024, 7, 8, 11, 0)}}


# ---- issue 9: refused, not silently stored -------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Đơn vị,Điểm đánh giá (08/4/2025)\n",
        "Đơn vị,Điểm đánh giá (08/4/2025)\n,\n  ,  \n",
    ],
    ids=["header-only", "blank-rows"],
)
def test_a_table_without_data_rows_is_refused(write_csv, text):
    with pytest.raises(IngestError, match="the table has no data rows") as err:
        read_table(write_csv(text))
    assert err.value.problems[0].row == 2


def _xlsx(tmp_path, rows, formulas=None, name="t.xlsx"):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    for cell, formula in (formulas or {}).items():
        wb.active[cell] = formula
    path = tmp_path / name
    wb.save(path)
    return path


def test_formulas_without_saved_values_are_refused_naming_the_cells(tmp_path):
    header = ["Đơn vị", "Điểm đánh giá (08/4/2025)"]
    path = _xlsx(
        tmp_path, [header, ["Sở Nội vụ", None], ["Sở Y tế", None]], {"B2": "=1+1", "B3": "=B2"}
    )
    with pytest.raises(IngestError, match="open the file in Excel and save it") as err:
        read_table(path)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "cell B2"), (3, "cell B3")]


def test_a_password_protected_workbook_is_named_so(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(IngestError, match="password-protected"):
        read_table(path)


def test_a_total_that_disagrees_with_its_groups_is_a_warning_kept_with_the_value(write_csv):
    groups = '"Công khai, minh bạch",Tiến độ giải quyết,Số hóa hồ sơ,Dịch vụ trực tuyến,Hài lòng'
    path = write_csv(
        f"Đơn vị,Tổng điểm,{groups}\n"
        'Sở Nội vụ,85,"16,2",18,20,"16,5","11,5"\n'
        'Sở Y tế,"82,2","16,2",18,20,"16,5","11,5"\n'
    )
    cat = load_catalogue("qd766-2022")
    assert len(cat.groups) == 5
    read = read_table(path, methodology="qd766-2022", snapshot="2025-04-08")
    assert [(w.row, w.problem) for w in read.warnings] == [
        (
            2,
            "the total 85 differs from the sum of the group columns 82,2 (snapshot 2025-04-08); "
            "the total is kept as written",
        )
    ]
    totals = read.measures[read.measures["scope"] == "total"].set_index("unit")
    assert totals.at["Sở Nội vụ", "flag"] == "total_differs_from_groups"
    assert "82,2" in totals.at["Sở Nội vụ", "note"]
    assert totals.at["Sở Y tế", "flag"] is None


def test_a_units_table_is_read_in_the_measures_form(write_csv):
    """The reader builds the measures frame in the form ``conform`` gives (text as objects,
    None for no text, '' for the total's code): the store takes it as it is."""
    import pandas as pd

    from chiso766.compute import measures

    groups = '"Công khai, minh bạch",Tiến độ giải quyết,Số hóa hồ sơ,Dịch vụ trực tuyến,Hài lòng'
    path = write_csv(
        f"Đơn vị,Tổng điểm,{groups},Ghi chú\n"
        'Sở Nội vụ,85,"16,2",18,20,"16,5","11,5",\n'
        'Sở Y tế,"82,2",-,18,20,"16,5","11,5",đã rà soát\n'
    )
    frame = read_table(path, methodology="qd766-2022", snapshot="2025-04-08").measures
    pd.testing.assert_frame_equal(measures.conform(frame), frame, check_exact=True)
    assert list(frame.columns) == list(measures.COLUMNS)
    assert frame["code"].map(type).eq(str).all() and frame["label"].isna().all()
    assert set(frame["flag"].dropna()) == {"total_differs_from_groups"}


def test_communes_one_tone_mark_apart_are_two_units(write_csv):
    path = write_csv("Đơn vị,Điểm đánh giá (08/4/2025)\nUBND xã Hòa An,80\nUBND xã Hóa An,81\n")
    read = read_table(path)
    assert read.measures["unit_id"].nunique() == 2


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("Sở \u202eụv iộN", "direction controls (U+202E)"),
        ("Sở \u2066Nội vụ\u2069", "direction controls (U+2066, U+2069)"),
        ("Sở Nội\x07 vụ", "control characters (U+0007)"),
        ("Sở " + "Dài " * 80, "a name of 322 characters (at most 300)"),
    ],
)
def test_names_that_cannot_be_shown_safely_are_refused(write_csv, cell, problem):
    path = write_csv(f'Đơn vị,Điểm đánh giá (08/4/2025)\n"{cell}",80\n')
    with pytest.raises(IngestError) as err:
        read_table(path)
    (p,) = err.value.problems
    assert (p.row, p.column) == (2, "Đơn vị") and problem in p.problem
    assert "\u202e" not in err.value.summary()  # the terminal shows <U+202E>, not reversed text


@pytest.mark.parametrize(
    ("cell", "problem"),
    [("9" * 400, "not a finite number"), ("1e309", "text in a number column")],
)
def test_huge_numbers_are_refused_not_crashed_on(write_csv, cell, problem):
    path = write_csv(
        "Đơn vị,Điểm đánh giá (08/4/2025),Xếp hạng (08/4/2025),Số tỉnh\n"
        f"UBND tỉnh Bình Phước,75,{cell},63\n"
    )
    with pytest.raises(IngestError, match=problem):
        read_table(path)


# ---- property: whatever the cells, a table is read or refused with problems ----------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NAMES = st.sampled_from(["Sở Nội vụ", "Sở Y tế", "Sở Tư pháp", "UBND xã Hòa An", "UBND xã Hóa An"])
_VALUES = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 2))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.dictionaries(_NAMES, _VALUES, min_size=1), comma=st.booleans())
def test_property_values_written_either_way_are_read_back(write_csv, rows, comma):
    lines = ["Đơn vị;Điểm đánh giá (08/4/2025)"]
    for name, value in rows.items():
        text = f"{value:.2f}"
        lines.append(f"{name};{text.replace('.', ',') if comma else text}")
    read = read_table(write_csv("\n".join(lines) + "\n"))
    got = dict(zip(read.measures["unit"], read.measures["value"], strict=True))
    assert got == pytest.approx(rows)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(st.text(max_size=30), min_size=2, max_size=6))
def test_property_any_cells_are_read_or_refused_with_problems(write_csv, cells):
    row = ",".join('"' + c.replace('"', '""') + '"' for c in cells)
    path = write_csv(f"Đơn vị,Điểm đánh giá (08/4/2025)\n{row}\n")
    try:
        read = read_table(path)
    except IngestError as exc:
        assert exc.problems and all(p.file == str(path) for p in exc.problems)
    else:
        assert read.measures["value"].map(lambda v: v != v or 0 <= v <= 100).all()


def test_the_total_warning_reads_in_vietnamese_in_reports():
    from chiso766.report.loading import warning_vi

    text = warning_vi(
        "the total 85 differs from the sum of the group columns 82,2 (snapshot 2025-04-08); "
        "the total is kept as written"
    )
    assert text.startswith("Bảng số liệu ghi tổng điểm 85, khác tổng điểm các nhóm chỉ số 82,2")
    assert warning_vi("published change differs from the computed change +5.18 (…)") == ""


def test_rows_become_columns_of_cells_as_given():
    from chiso766.ingest.tables import _columns

    square = _columns([["a", 1, None], ["b", 2.5, "x"]], 2)
    assert [list(square[c]) for c in square] == [["a", "b"], [1, 2.5]]
    assert all(square[c].dtype == object for c in square)  # never inferred as strings
    ragged = _columns([["a"], ["b", "2", "3", "4"], []], 3)
    assert [list(ragged[c]) for c in ragged] == [["a", "b", None], [None, "2", None],
                                                 [None, "3", None]]  # fmt: skip
    short = _columns([["a"], ["b"]], 2)
    assert list(short[1]) == [None, None]

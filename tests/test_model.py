"""The province report end to end: seed 004 (Bình Phước, week 15, 4/2025) ingested from its
published tables into a real store, and what the report and its HTML say about it.

The tables in ``tests/data/seed004`` are copies of ``shared/seeds/tables/004-*.csv`` (public
announcement figures), so these tests never depend on the shared folder.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from chiso766.commentary import load_recommendations
from chiso766.ingest.tables import read_table
from chiso766.methodology import load_catalogue
from chiso766.report.announcement import build_announcement
from chiso766.report.document_html import header_html
from chiso766.report.loading import SCORE_SCOPES, load_province_report
from chiso766.report.model import ProvinceReport
from chiso766.report.office import Office
from chiso766.report.selection import SelectionError, select_snapshots
from chiso766.report.view import NO_DATA_TEXT, ReportView
from chiso766.store import Source, Store, sha256_of

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

SEED = Path(__file__).resolve().parent / "data" / "seed004"
TABLES = ("indicators", "departments", "districts", "province-rank", "overdue")
PROVINCE = "UBND tỉnh Bình Phước"


# ---- helpers -------------------------------------------------------------------------------
def ingest(store: Store, path: Path) -> None:
    """What `chiso766 ingest` does with one table."""
    read = read_table(path)
    assert read.warnings == [], [w.problem for w in read.warnings]
    store.ingest(
        read.measures,
        Source(str(path), sha256_of(path), "table", read.methodology, {"layout": read.layout}),
    )


def vi_number(text: str) -> float | None:
    """'5,18' → 5.18, '96%' → 96.0; None for an empty or a text cell."""
    text = text.strip().replace("%", "")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def published(name: str) -> list[list[str]]:
    """The data rows of a seed table (the indicators table has a title line above its header)."""
    with (SEED / f"004-{name}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[2:] if name == "indicators" else rows[1:]


def signed(text: str) -> str:
    """A published change as the report writes it: '5,18' → '+5,18'."""
    return text if text.startswith("-") or text == "0" else f"+{text}"


def table_rows(html: str) -> list[list[str]]:
    """Body rows of the first table in an HTML fragment, as lists of cell HTML."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def sentences(report: ProvinceReport, kind: str, section: str | None = None):
    pool = (
        [s for ss in report.sentences.values() for s in ss]
        if section is None
        else [s for lv in report.levels if lv.level == section for s in lv.sentences]
    )
    return [s for s in pool if s.kind == kind]


def one(report: ProvinceReport, kind: str, section: str | None = None):
    found = sentences(report, kind, section)
    assert len(found) == 1, found
    return found[0]


def section(report: ProvinceReport, level: str):
    return next(s for s in report.levels if s.level == level)


def view_html(report: ProvinceReport) -> dict[str, str]:
    """Every HTML section of the report, by name."""
    view = ReportView(report)
    out = {
        "title": str(header_html(build_announcement(report, Office()))),
        "headline": view.headline(),
        "indicators": view.indicators(),
        "problems": view.problems(),
    }
    for number, sec in enumerate(report.levels, start=1):
        out[f"level:{sec.level}"] = view.level(sec, number)
        out[f"appendix:{sec.level}"] = view.appendix(sec, number)
    return out


# ---- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed004") / "store.duckdb"
    with Store(path) as st:
        for name in TABLES:
            ingest(st, SEED / f"004-{name}.csv")
        yield st


@pytest.fixture(scope="module")
def report(store) -> ProvinceReport:
    return load_province_report(store, "2025-W15")


@pytest.fixture(scope="module")
def html(report) -> dict[str, str]:
    return view_html(report)


# ---- headline ------------------------------------------------------------------------------
def test_snapshots_chosen_for_week_15(report):
    sel = report.selection
    assert (sel.current, sel.compare, sel.previous_year) == ("2025-04-08", "2025-03-27", "2024")
    assert report.compare_label == "kết quả ngày 27/3/2025"
    assert report.province == PROVINCE


def test_rank_20_of_63_down_12_places(report):
    h = report.headline
    assert (h["rank"], h["of"], h["old_rank"], h["old_of"]) == (20, 63, 8, 63)
    assert h["rank_change"] == -12
    rank = one(report, "headline_rank")
    assert rank.branch == "fall"
    assert rank.text == (
        "UBND tỉnh Bình Phước xếp hạng 20/63 tỉnh, thành phố trong cả nước, giảm 12 bậc "
        "so với kết quả ngày 27/3/2025 (xếp hạng 08/63)."
    )


def test_source_is_the_snapshot_day(report):
    assert one(report, "source").text == (
        "Số liệu trên Cổng Dịch vụ công quốc gia tính đến hết ngày 08/4/2025."
    )


def test_total_is_not_invented_from_twelve_indicators(report, html):
    h = report.headline
    assert math.isnan(h["total"]) and math.isnan(h["old_total"]) and math.isnan(h["delta"])
    assert h["class"] is None
    total = one(report, "headline_total")
    assert total.branch == "missing"
    assert total.text == (
        "Hệ thống chưa có số liệu tổng điểm Bộ chỉ số 766 của UBND tỉnh Bình Phước "
        "tuần thứ 15, tháng 4/2025."
    )
    # a group is scored only when all its indicators are there (TDGQ has a single one)
    points = report.groups.set_index("group")["new"]
    assert points["TDGQ"] == pytest.approx(19.67)
    assert points.drop("TDGQ").isna().all()
    assert (
        '<div class="card-label">Tổng điểm</div><div class="card-value">—</div>'
        in (html["headline"])
    )


# ---- the province's indicators -------------------------------------------------------------
FELL = [
    ("DOSSIER_SYNC", -24.27),
    ("PUBLISH_ON_TIME", -5.35),
    ("REUSED_DIGITIZED_DATA", -2.11),
    ("DOSSIER_RECEIVING_SATISFACTION", -0.27),
    ("ONLINE_PROVIDED", -0.06),
]
ROSE = [
    ("ORIGINAL_RESULT_AVAILABLE", 2.6),
    ("SO_HOA_GIAY_TO_GIAI_QUYET", 2.58),
    ("ONLINE_DOSSIERS", 2.48),
    ("PROGRESS_ON_TIME", 1.2),
]


def test_indicator_values_are_the_published_ones(report):
    cat = load_catalogue("qd766-2022")
    table = report.indicators.set_index("code")
    assert len(table) == 12
    for _tt, name, year, old, new, change in published("indicators"):
        row = table.loc[cat.match_indicator(name)]
        assert (row["year"], row["old"], row["new"]) == pytest.approx(
            (vi_number(year), vi_number(old), vi_number(new))
        ), name
        assert row["delta"] == pytest.approx(vi_number(change)), name


def test_five_fell_biggest_first(report):
    fell = one(report, "ind_fell")
    codes = report.indicators.set_index("name")["code"]
    items = [(codes[i["name"]], i["delta"]) for i in fell.data["items"]]
    assert items == FELL
    assert fell.text.startswith("Có 05 chỉ số giảm điểm gồm: ")
    assert re.findall(r"\(giảm ([\d,]+) điểm\)", fell.text) == [
        "24,27",
        "5,35",
        "2,11",
        "0,27",
        "0,06",
    ]


def test_four_rose_biggest_first(report):
    rose = one(report, "ind_rose")
    codes = report.indicators.set_index("name")["code"]
    assert [(codes[i["name"]], i["delta"]) for i in rose.data["items"]] == ROSE
    assert rose.text.startswith("Có 04 chỉ số tăng điểm gồm: ")
    assert re.findall(r"\(tăng ([\d,]+) điểm\)", rose.text) == ["2,6", "2,58", "2,48", "1,2"]


def test_two_held_at_100_and_one_unchanged_at_93_37(report):
    """The published text says three held at 100%; the numbers say two, and one unchanged."""
    status = report.indicators.set_index("code")["status"]
    assert sorted(status[status == "held_max"].index) == [
        "ELECTRONIC_CERTIFIED_COPY",
        "PETITION_PROCESSING_ON_TIME",
    ]
    assert list(status[status == "unchanged"].index) == ["PAYMENT_DOSSIERS"]
    held = one(report, "ind_held_max")
    assert held.branch == "some" and held.data["n"] == 2
    assert held.text.startswith("Có 02 chỉ số giữ tỷ lệ đạt 100% gồm: ")
    unchanged = one(report, "ind_unchanged")
    assert unchanged.branch == "one"
    assert unchanged.text.endswith("(93,37%).")
    assert not any("Có 03 chỉ số" in t for t in report.text("indicators"))
    assert one(report, "ind_no_data").text == ""


def test_previous_year_column(report, html):
    assert report.selection.previous_year == "2024"
    year = report.indicators.set_index("code")["year"]
    assert year.notna().all()
    assert year["PROGRESS_ON_TIME"] == 96.0  # written "96%" in the source
    assert "<th" in html["indicators"] and "Năm 2024 (%)</th>" in html["indicators"]
    assert "27/3/2025 (%)</th>" in html["indicators"]
    assert "08/4/2025 (%)</th>" in html["indicators"]


def test_recommendations_follow_what_fell_and_what_loses_points(report):
    catalogue = load_recommendations()
    recs = report.recommendations
    for code in ("DOSSIER_SYNC", "PUBLISH_ON_TIME"):
        assert set(catalogue[code]) <= set(recs)
    assert len(recs) == len(set(recs))
    assert recs[-len(catalogue["always"]) :] == list(catalogue["always"])


# ---- departments ---------------------------------------------------------------------------
def test_departments_in_the_published_order_with_the_published_changes(report):
    table = section(report, "department").table
    rows = published("departments")
    assert table["unit"].tolist() == [r[1] for r in rows]
    assert table["unit"].tolist()[:11] == [
        "Sở Nội vụ",
        "Sở Xây dựng",
        "Ban Quản lý Khu kinh tế",
        "Sở Y tế",
        "Sở Khoa học và Công nghệ",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Công thương",
        "Sở Tư pháp",
        "Sở Nông nghiệp và Môi trường",
        "Sở Giáo dục và Đào tạo",
        "Sở Tài chính",
    ]
    for (_, name, old, new, change), rec in zip(rows[:11], table.to_dict("records"), strict=False):
        assert (rec["old"], rec["total"], rec["delta"]) == pytest.approx(
            (vi_number(old), vi_number(new), vi_number(change))
        ), name
    assert table["rank"].tolist()[:11] == list(range(1, 12))


def test_departments_html_shows_published_changes(html):
    rows = table_rows(html["level:department"])
    expected = [signed(r[4]) for r in published("departments")[:11]]
    assert [r[4] for r in rows[:11]] == expected
    assert expected[0] == "+5,18" and expected[7] == "-5,97"


def test_departments_without_data_are_unranked_and_never_zero(report, html):
    sec = section(report, "department")
    missing = sec.table[sec.table["unit"].isin(["Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo"])]
    assert len(missing) == 2
    assert missing["total"].isna().all() and missing["old"].isna().all()
    assert missing["delta"].isna().all()
    assert missing["rank"].isna().all() and missing["class"].isna().all()
    assert (missing["status"] == "no_data").all()
    assert sec.table["of"].dropna().eq(11).all()  # 11 ranked, not 13
    assert sec.counts["of"].eq(11).all()
    assert one(report, "no_data", "department").text == (
        "Hệ thống không thông báo dữ liệu đối với 02 cơ quan: Sở Ngoại vụ; Sở Dân tộc và "
        "Tôn giáo (không xếp hạng)."
    )
    rows = table_rows(html["level:department"])
    for row in rows[11:]:
        assert row[2] == row[3] == NO_DATA_TEXT
        assert "0" not in row and "00/11" not in row
        assert row[6] == "—"  # no rank
    appendix = table_rows(html["appendix:department"])
    assert [r[1] for r in appendix[11:]] == ["Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo"]
    assert all(NO_DATA_TEXT in r for r in appendix[11:])


def test_department_sentences(report):
    texts = [s.text for s in section(report, "department").sentences if s.text]
    assert texts == [
        "Dẫn đầu là Sở Nội vụ (95,59 điểm); thấp nhất là Sở Tài chính (62,29 điểm).",
        "Có 02/11 cơ quan xếp loại Xuất sắc.",
        "Có 06/11 cơ quan xếp loại Tốt.",
        "Có 02/11 cơ quan xếp loại Khá.",
        "Có 01/11 cơ quan xếp loại Trung bình.",
        "Không có cơ quan xếp loại Yếu.",
        "So với kết quả ngày 27/3/2025, có 02 cơ quan tăng điểm, 09 cơ quan giảm điểm; "
        "tăng nhiều nhất là Sở Nội vụ (tăng 5,18 điểm), giảm nhiều nhất là Sở Tư pháp "
        "(giảm 5,97 điểm).",
        "Hệ thống không thông báo dữ liệu đối với 02 cơ quan: Sở Ngoại vụ; Sở Dân tộc và "
        "Tôn giáo (không xếp hạng).",
    ]


# ---- districts -----------------------------------------------------------------------------
def test_districts_in_the_published_order_two_tied_at_86_03(report, html):
    table = section(report, "district").table
    rows = published("districts")
    assert table["unit"].tolist() == [r[1] for r in rows]
    assert table["delta"].tolist() == pytest.approx([vi_number(r[4]) for r in rows])
    tied = table[table["total"].round(2) == 86.03]
    assert tied["unit"].tolist() == ["UBND huyện Hớn Quản", "UBND thị xã Chơn Thành"]
    assert tied["rank"].tolist() == [4, 4] and tied["of"].tolist() == [11, 11]
    assert table["rank"].tolist() == [1, 2, 3, 4, 4, 6, 7, 8, 9, 10, 11]
    assert one(report, "ties", "district").text == (
        "UBND huyện Hớn Quản và UBND thị xã Chơn Thành cùng đạt 86,03 điểm, đồng xếp hạng 04/11."
    )
    cells = table_rows(html["level:district"])
    assert [r[6] for r in cells[3:5]] == ["04/11", "04/11"]
    assert [r[4] for r in cells] == [signed(r[4]) for r in rows]


def test_district_moves(report):
    assert one(report, "moves", "district").text == (
        "So với kết quả ngày 27/3/2025, có 01 UBND cấp huyện tăng điểm, 10 UBND cấp huyện "
        "giảm điểm; tăng nhiều nhất là UBND huyện Bù Đốp (tăng 0,8 điểm), giảm nhiều nhất là "
        "UBND huyện Bù Đăng (giảm 6,46 điểm)."
    )


# ---- problems ------------------------------------------------------------------------------
def test_overdue_dossiers_by_level_most_first(report):
    assert one(report, "overdue").text == (
        "Các đơn vị có hồ sơ quá hạn giải quyết (đến 10/4/2025): UBND cấp huyện: "
        "UBND thị xã Bình Long: 204 hồ sơ; UBND huyện Đồng Phú: 02 hồ sơ; "
        "UBND thị xã Chơn Thành: 02 hồ sơ; UBND huyện Phú Riềng: 01 hồ sơ. "
        "UBND cấp xã: Xã Long Hà: 01 hồ sơ. Chi nhánh, đơn vị trực thuộc: Hớn Quản: 01 hồ sơ; "
        "Phước Long: 01 hồ sơ; Đồng Phú: 01 hồ sơ."
    )


def test_fallers_across_levels(report):
    assert one(report, "fallers").text == (
        "Các đơn vị giảm điểm nhiều nhất: UBND huyện Bù Đăng (giảm 6,46 điểm); "
        "UBND huyện Phú Riềng (giảm 6,34 điểm); UBND huyện Bù Gia Mập (giảm 6,18 điểm); "
        "Sở Tư pháp (giảm 5,97 điểm); UBND huyện Đồng Phú (giảm 5,65 điểm)."
    )


# ---- HTML ----------------------------------------------------------------------------------
def test_html_is_escaped_once(html):
    """Tables, chips and appendices are markup, not text showing tags."""
    for name, fragment in html.items():
        assert "&lt;" not in fragment, name  # seed 004 has no '<' anywhere
    assert '<span class="chip chip-xuat-sac">Xuất sắc</span>' in html["level:department"]
    assert html["appendix:department"].count("<table") == 1


def test_explicit_comparison_from_the_store(store):
    snaps = store.snapshots(scopes=SCORE_SCOPES)  # what load_province_report selects from
    assert select_snapshots(snaps, "2025-W15", "27/3/2025").compare == "2025-03-27"
    with pytest.raises(SelectionError, match="2024-12-31 is not in the store"):
        select_snapshots(snaps, "2025-W15", "2024-12-31")
    # the overdue count of 10/4/2025 is no score snapshot: week 15 is still reported on 08/4
    assert "2025-04-10" in store.snapshots()["snapshot"].tolist()
    assert select_snapshots(snaps, "2025-W15").current == "2025-04-08"


def test_no_snapshot_for_the_period(store):
    with pytest.raises(SelectionError, match="2025-W20"):
        load_province_report(store, "2025-W20")


# ---- a period without a comparison ---------------------------------------------------------
@pytest.fixture(scope="module")
def first(store) -> ProvinceReport:
    return load_province_report(store, "2025-W13")  # only 27/3/2025: nothing earlier


def test_first_report_has_no_comparison(first):
    sel = first.selection
    assert (sel.current, sel.compare, sel.previous_year) == ("2025-03-27", None, "2024")
    assert first.compare_label is None
    assert one(first, "headline_rank").text == (
        "UBND tỉnh Bình Phước xếp hạng 08/63 tỉnh, thành phố trong cả nước."
    )
    assert one(first, "headline_total").branch == "missing"
    assert [(s.kind, s.branch, s.text) for s in first.sentences["indicators"]] == [
        (
            "ind_first",
            "some",
            "Chưa có kỳ so sánh; các chỉ số được trình bày theo số liệu tuần thứ 13, tháng 3/2025.",
        )
    ]
    for level in ("department", "district"):
        assert one(first, "moves", level).branch == "first"
        assert one(first, "new_units", level).branch == "none"
        assert one(first, "gone_units", level).branch == "none"
    assert one(first, "fallers").branch == "none"
    assert sentences(first, "overdue") == []  # counted on 10/4, outside week 13
    assert first.indicators["old"].isna().all()
    assert first.indicators["year"].notna().all()


def test_first_report_html_has_no_change_columns(first):
    html = view_html(first)
    for name in ("indicators", "level:department", "level:district"):
        assert "Tăng, giảm" not in html[name], name
        assert "Thay đổi thứ hạng" not in html[name], name
    assert "Năm 2024 (%)" in html["indicators"]
    assert "so sánh với" not in html["title"]
    rows = table_rows(html["level:department"])
    assert [r[1:3] for r in rows[11:]] == [  # one score column: no old score, no change
        ["Sở Ngoại vụ", NO_DATA_TEXT],
        ["Sở Dân tộc và Tôn giáo", NO_DATA_TEXT],
    ]
    assert len(rows[0]) == 5  # STT, unit, score, class, rank


# ---- hostile and long names ----------------------------------------------------------------
EVIL = "Sở <script>alert(1)</script> \"x\" & 'y'"
EVIL_PROVINCE = "UBND tỉnh <script>alert(2)</script> \"x\" & 'y'"
EVIL_INDICATOR = "Chỉ số <script>alert(3)</script> \"x\" & 'y'"
LONG = ("Sở Khoa học và Công nghệ tỉnh Bình Phước " * 8)[:299] + "a"


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module")
def odd(tmp_path_factory) -> ProvinceReport:
    """A province, an indicator and a department with hostile names, and a 300-character one."""
    folder = tmp_path_factory.mktemp("odd")
    day_old, day_new = "27/3/2025", "08/4/2025"
    files = [
        write_csv(
            folder / "indicators.csv",
            [
                ["Đơn vị", EVIL_PROVINCE],
                ["TT", "Chỉ số", f"Ngày {day_old} (%)", f"Ngày {day_new} (%)"],
                [1, "Tỷ lệ hồ sơ nộp trực tuyến", "58,54", "61,02"],
                [2, "Tỷ lệ TTHC công bố đúng hạn", "33,47", "28,12"],
                [3, EVIL_INDICATOR, "90", "80"],
            ],
        ),
        write_csv(
            folder / "departments.csv",
            [
                ["STT", "Đơn vị", f"Điểm đánh giá ({day_old})", f"Điểm đánh giá ({day_new})"],
                [1, "Sở Tư pháp", "85", "90"],
                [2, EVIL, "80", "70"],
                [3, LONG, "75", "74,5"],
            ],
        ),
        write_csv(
            folder / "rank.csv",
            [
                ["Đơn vị", f"Xếp hạng ({day_old})", f"Xếp hạng ({day_new})", "Số tỉnh"],
                [EVIL_PROVINCE, 8, 20, 63],
            ],
        ),
        write_csv(
            folder / "overdue.csv",
            [
                ["Cấp", "Đơn vị", "Hồ sơ quá hạn (09h 10/04/2025)"],
                ["Sở, ban, ngành", EVIL, 3],
                ["Sở, ban, ngành", LONG, 1],
            ],
        ),
    ]
    with Store(folder / "store.duckdb") as st:
        for path in files:
            read = read_table(path)
            st.ingest(read.measures, Source(str(path), sha256_of(path), "table", read.methodology))
        yield load_province_report(st, "2025-W15")


def test_hostile_names_reach_the_commentary_as_text(odd):
    """Sentences carry names as they are; escaping is the HTML layer's job, done once."""
    assert odd.province == EVIL_PROVINCE
    text = " ".join(t for ss in odd.sentences for t in odd.text(ss))
    text += " ".join(s.text for lv in odd.levels for s in lv.sentences)
    for name in (EVIL, EVIL_PROVINCE, EVIL_INDICATOR):
        assert name in text
    assert "&lt;" not in text and "&amp;" not in text


@pytest.mark.parametrize(
    ("part", "name"),
    [
        ("title", EVIL_PROVINCE.upper()),
        ("headline", EVIL_PROVINCE),  # headline sentences
        ("indicators", EVIL_INDICATOR),  # table and ind_fell sentence
        ("level:department", EVIL),  # table, top_bottom and moves sentences
        ("problems", EVIL),  # fallers and overdue sentences, overdue table
        ("appendix:department", EVIL),
    ],
)
def test_hostile_names_are_escaped_in_every_section(odd, part, name):
    fragment = view_html(odd)[part]
    assert "<script" not in fragment.lower()
    assert str(escape(name)) in fragment
    assert "&amp;lt;" not in fragment and "&amp;#" not in fragment  # not escaped twice


def test_hostile_names_in_commentary_sentences_are_escaped(odd):
    html = view_html(odd)
    escaped = str(escape(EVIL))
    level = html["level:department"]
    assert f"<li>Dẫn đầu là Sở Tư pháp (90 điểm); thấp nhất là {escaped} (70 điểm).</li>" in level
    assert f"giảm nhiều nhất là {escaped} (giảm 10 điểm).</li>" in level
    problems = html["problems"]
    assert f"<li>Các đơn vị giảm điểm nhiều nhất: {escaped} (giảm 10 điểm)" in problems
    assert f"Sở, ban, ngành: {escaped}: 03 hồ sơ" in problems
    assert f"<td>{escaped}</td>" in problems
    indicators = html["indicators"]
    assert f"{escape(EVIL_INDICATOR)} (giảm 10 điểm)" in indicators
    headline = html["headline"]
    assert f"<p>{escape(EVIL_PROVINCE)} xếp hạng 20/63" in headline


def test_a_300_character_name_breaks_nothing(odd):
    assert len(LONG) == 300
    sec = section(odd, "department")
    assert LONG in sec.table["unit"].tolist()
    row = sec.table.set_index("unit").loc[LONG]
    assert (row["total"], row["delta"], row["rank"]) == (74.5, -0.5, 2)
    html = view_html(odd)
    for part in ("level:department", "appendix:department", "problems"):
        assert str(escape(LONG)) in html[part], part  # whole, not cut
    assert f"{LONG}: 01 hồ sơ" in one(odd, "overdue").text
    view = ReportView(odd)
    sheets = view.xlsx_tables()
    assert all(len(name) <= 31 for name in sheets)
    assert any((frame == LONG).any().any() for frame in sheets.values())
    import matplotlib.pyplot as plt

    try:
        figures = [*view.level_figures(sec), view.appendix_figure(sec)]
        assert figures and figures[0] is not None
    finally:
        plt.close("all")


def test_odd_report_moves_and_class_counts(odd):
    sec = section(odd, "department")
    moves = one(odd, "moves", "department")
    assert moves.branch == "mixed"
    assert moves.data["top_fall"] == EVIL
    assert pd.Series([s.kind for s in sec.sentences]).value_counts()["class_count"] == 5


def test_indicators_keep_the_office_wording_and_order(report):
    """Indicator names and order are the table's own (TT 1…12), not the catalogue's."""
    names = [row[1] for row in published("indicators")]
    assert report.indicators["name"].tolist() == names
    fell = one(report, "ind_fell").text
    assert fell.startswith(
        "Có 05 chỉ số giảm điểm gồm: Tỷ lệ xử lý hồ sơ thủ tục hành chính được đồng bộ đầy đủ "
        "trên Cổng dịch vụ công quốc gia (giảm 24,27 điểm); Tỷ lệ công bố thủ tục hành chính "
        "đúng hạn (giảm 5,35 điểm);"
    )

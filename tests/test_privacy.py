import unicodedata

import pandas as pd
import pytest

from chiso766.ingest.tables import read_table
from chiso766.privacy import mask_frame, mask_text
from chiso766.report.loading import load_province_report
from chiso766.report.view import ReportView
from chiso766.store import Source, Store, sha256_of


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("SĐT 0912345678", "SĐT *******678"),
        ("SĐT 0912 345 678", "SĐT *******678"),
        ("gọi +84 912.345.678", "gọi ********678"),
        ("CCCD 001203004567", "CCCD *********567"),
        ("CMND 123456789", "CMND ******789"),
        ("thư an.nguyen@gmail.com", "thư a***@gmail.com"),
        ("Ông Nguyễn Văn An phản ánh", "Ông N. V. A. phản ánh"),
        ("công dân Trần Thị Bích, xã Long Hà", "công dân T. T. B., xã Long Hà"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Sở Nội vụ",
        "UBND Phường 12",
        "144625 hồ sơ",
        "95,59 điểm",
        "xếp hạng 20/63",
        "Hồ sơ số 000.00.12.H44-260801-0001",
        "ngày 08/4/2025",
    ],
)
def test_agencies_numbers_and_dates_are_left_alone(text):
    assert mask_text(text) == text


def test_mask_frame_only_touches_text():
    frame = pd.DataFrame({"unit": ["Bà Lê Thị Hoa 0987654321"], "total": [80.5]})
    out = mask_frame(frame)
    assert out["unit"].iloc[0] == "Bà L. T. H. *******321" and out["total"].iloc[0] == 80.5
    assert frame["unit"].iloc[0].startswith("Bà Lê")  # the input is not changed


def test_report_masks_a_note_with_personal_data(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(
        "Đơn vị,Điểm đánh giá (08/4/2025),Ghi chú\n"
        "Sở Nội vụ,90,\n"
        "Sở Y tế,,Ông Nguyễn Văn An (0912345678) báo chưa có số liệu\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "s.duckdb") as st:
        read = read_table(table)
        st.ingest(read.measures, Source(str(table), sha256_of(table), "table"))
        report = load_province_report(st, "2025-W15")
    view = ReportView(report)
    html = "".join(str(view.level(s, i)) for i, s in enumerate(report.levels, 1))
    assert "0912345678" not in html and "Nguyễn Văn An" not in html
    assert "Ông N. V. A. (*******678) báo chưa có số liệu" in html
    tables = view.xlsx_tables()
    assert all("0912345678" not in frame.to_string() for frame in tables.values())


# ---- a corpus: honorifics in any case, names without one, phones and IDs however written ----
PERSONS = [
    ("ông Lê Văn Cường phản ánh", "ông L. V. C. phản ánh"),
    ("bà Trần Thị Bình, xã Long Hà", "bà T. T. B., xã Long Hà"),
    ("ÔNG Phạm Văn Dũng", "ÔNG P. V. D."),
    ("chị Hoàng Thu Trang đề nghị", "chị H. T. T. đề nghị"),
    ("anh Vũ Đức Long", "anh V. Đ. L."),
    ("Người dân Đỗ Thị Mai", "Người dân Đ. T. M."),
    ("cụ Bùi Văn Tư", "cụ B. V. T."),
    ("Nguyễn Thị Hoa phản ánh chậm trả", "N. T. H. phản ánh chậm trả"),
    ("hồ sơ của Trần Văn Nam bị trễ", "hồ sơ của T. V. N. bị trễ"),
    ("Đặng Thị Thu Hà, Huỳnh Văn Bé", "Đ. T. T. H., H. V. B."),
    ("Lê Hoàng Anh Tuấn", "L. H. A. T."),
    (unicodedata.normalize("NFD", "ông Ngô Văn Tám"), "ông N. V. T."),
]
NUMBERS = [
    ("gọi (091) 234 5678", "gọi *******678"),
    ("gọi (0291) 3852 123", "gọi ********123"),
    ("SĐT 091.234.5678", "SĐT *******678"),
    ("SĐT 091-234-5678", "SĐT *******678"),
    ("(+84) 912 345 678", "********678"),
    ("CCCD 0012-0300-4567", "CCCD *********567"),
    ("CCCD 001 203 004 567", "CCCD *********567"),
    ("CCCD 001.203.004.567", "CCCD *********567"),
    ("CMND 012 345 678", "CMND ******678"),
    ("liên hệ (0987.654.321)", "liên hệ (*******321)"),
]
LEFT_ALONE = [
    "UBND phường Trần Hưng Đạo",
    "UBND xã Lê Lợi",
    "đường Lê Văn Sỹ",
    "Trường THPT Lê Quý Đôn",
    "Thành phố Hồ Chí Minh",
    "TP. Hồ Chí Minh",
    "tỉnh Bà Rịa - Vũng Tàu",
    "huyện Cô Tô",
    "huyện Anh Sơn",
    "Hà Nội",
    "Lâm Đồng",
    "Thái Nguyên",
    "bà con nhân dân",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Ban Quản lý các khu công nghiệp",
    "tăng 5,18 điểm, xếp hạng 04/11",
    "năm 2024: 144 625 hồ sơ",
]


@pytest.mark.parametrize(("text", "masked"), PERSONS + NUMBERS)
def test_corpus_is_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_places_agencies_and_figures_are_not_persons(text):
    assert mask_text(text) == text


def test_family_names_corpus():
    from chiso766.privacy import family_names

    names = family_names()
    assert len(names) >= 50 and names[:3] == ("Nguyễn", "Trần", "Lê")
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_demo_and_province_names_are_never_masked():
    import csv
    from importlib import resources

    from chiso766.demo import generate

    names = set(generate(variant="districts").measures["unit"])
    text = resources.files("chiso766").joinpath("data/provinces.csv").read_text("utf-8")
    names |= {row["name"] for row in csv.DictReader(text.splitlines())}
    assert {n for n in names if mask_text(n) != n} == set()

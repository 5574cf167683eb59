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

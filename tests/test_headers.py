import datetime as dt
import unicodedata

import pytest

from chiso766.ingest.headers import classify_header, split_header
from chiso766.methodology import load_catalogue

CAT22 = load_catalogue("qd766-2022")
CAT26 = load_catalogue("portal-2026")


@pytest.mark.parametrize(
    ("header", "role", "code", "kind", "snapshot"),
    [
        ("STT", "stt", "", None, None),
        ("TT", "stt", "", None, None),
        ("Đơn vị", "unit", "", None, None),
        ("DON VI", "unit", "", None, None),
        ("Địa phương", "unit", "", None, None),
        ("Cấp", "level", "", None, None),
        ("Chỉ số", "indicator_name", "", None, None),
        ("Ghi chú", "note", "", None, None),
        ("Tăng, giảm điểm", "change", "", None, None),
        ("TANG, GIAM", "change", "", None, None),
        ("Điểm đánh giá (27/3/2025)", "total", "", "points", "2025-03-27"),
        ("DIEM DANH GIA (08/4/2025)", "total", "", "points", "2025-04-08"),
        ("Tổng điểm", "total", "", "points", None),
        ("Tổng điểm (%)", "total", "", "rate", None),
        ("Điểm (11 giờ 00 ngày 08/7/2024)", "total", "", "points", "2024-07-08"),
        ("Năm 2024 (%)", "value", "", "rate", "2024"),
        ("Ngày 08/4/2025 (%)", "value", "", "rate", "2025-04-08"),
        ("Tháng 4/2024 (%)", "value", "", "rate", "2024-04"),
        ("Quý II/2024", "value", "", None, "2024-Q2"),
        ("Công khai, minh bạch (%)", "group", "CKMB", "rate", None),
        ("cong khai minh bach", "group", "CKMB", "points", None),
        ("Số hóa hồ sơ", "group", "MDSH", "points", None),
        ("Số hóa hồ sơ (điểm)", "group", "MDSH", "points", None),
        ("Cung cấp dịch vụ trực tuyến (%)", "group", "DVTT", "rate", None),
        ("Số hóa hồ sơ (27/3/2025)", "group", "MDSH", "points", "2025-03-27"),
        ("Tỷ lệ hồ sơ nộp trực tuyến (%)", "indicator", "ONLINE_DOSSIERS", "rate", None),
        ("Xếp hạng (08/4/2025)", "rank", "total", "rank", "2025-04-08"),
        ("Xếp hạng về công khai, minh bạch", "rank", "CKMB", "rank", None),
        ("Số tỉnh", "rank_of", "", "count", None),
        ("Hồ sơ quá hạn (09h 10/04/2025)", "overdue", "overdue", "count", "2025-04-10"),
        ("Một cột lạ", "unknown", "", None, None),
    ],
)
def test_headers_as_announcements_write_them(header, role, code, kind, snapshot):
    h = classify_header(header, CAT22)
    assert (h.role, h.code, h.kind, h.snapshot) == (role, code, kind, snapshot)


def test_nfd_and_no_diacritics_headers_match():
    nfd = unicodedata.normalize("NFD", "Điểm đánh giá (08/4/2025)")
    assert classify_header(nfd, CAT22).role == "total"
    assert classify_header("Diem danh gia (08/4/2025)", CAT22).snapshot == "2025-04-08"


def test_a_date_that_does_not_exist_is_marked_invalid():
    _, snap, _, _ = split_header("Điểm (31/2/2025)")
    assert snap.startswith("invalid:")


def test_snapshot_end_dates_order_columns():
    assert split_header("Năm 2024 (%)")[2] == dt.date(2024, 12, 31)
    assert split_header("Ngày 27/3/2025 (%)")[2] == dt.date(2025, 3, 27)


def test_group_names_of_both_catalogues():
    assert classify_header("Dịch vụ công trực tuyến", CAT26).code == "CLGQ"
    assert classify_header("Thanh toán trực tuyến (%)", CAT26).code == "TTTT"

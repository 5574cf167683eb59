"""office: the issuer's settings as data, checked against Nghị định 30/2020's ranges; the
header's number and date lines, Nơi nhận and Kính gửi as the decree writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chiso766.report.office import (
    Office,
    OfficeError,
    addressee_lines,
    date_line,
    load_office,
    number_line,
    parse_office,
    place_of,
    recipient_lines,
)

ROOT = Path(__file__).resolve().parents[1]
SEED_OFFICE = Path(__file__).parent / "data" / "office" / "binh-phuoc.yaml"


def test_the_shipped_office_file_is_valid_and_fills_names_from_the_province():
    office = load_office(ROOT / "params" / "office.yaml").for_province("UBND tỉnh Tây Sơn")
    assert office.governing_body == "UBND TỈNH TÂY SƠN" and office.place == "Tây Sơn"
    assert office.signer.authority == ("KT. CHÁNH VĂN PHÒNG",)
    assert office.layout.margins_mm == {"top": 20, "bottom": 20, "left": 30, "right": 15}
    assert office.form == "thong_bao" and office.number == "" and office.date is None


def test_number_and_date_as_the_decree_writes_them():
    office = load_office(SEED_OFFICE)
    assert number_line(office) == "Số: 1072/TB-VPUBND"
    assert date_line(office, 2025) == "Bình Phước, ngày 11 tháng 4 năm 2025"
    early = Office(place="Bình Phước", number="5", date=dt.date(2025, 2, 5))
    assert number_line(early) == "Số: 05/TB-VPUBND"  # a leading 0 under 10
    assert date_line(early, 2025) == "Bình Phước, ngày 05 tháng 02 năm 2025"  # months 1–2 only
    blank = Office(place="Tây Sơn")
    assert number_line(blank).replace("\u00a0", " ") == "Số:      /TB-VPUBND"
    assert date_line(blank, 2026).replace("\u00a0", " ") == "Tây Sơn, ngày      tháng      năm 2026"


def test_recipients_and_addressees():
    office = load_office(SEED_OFFICE)
    assert recipient_lines(office)[-1] == "- Lưu: VT, NC."
    assert recipient_lines(office)[0] == "- CT, các PCT UBND tỉnh;"
    letter = Office(form="cong_van", recipients=("Lãnh đạo VP",), addressees=("Sở A", "Sở B"))
    assert recipient_lines(letter)[0] == "- Như trên;"
    assert addressee_lines(letter) == ["- Sở A;", "- Sở B."]
    assert addressee_lines(Office(form="cong_van", addressees=("Sở A",))) == ["Sở A."]


def test_every_problem_is_listed():
    with pytest.raises(OfficeError) as err:
        parse_office(
            {
                "form": "quyet_dinh",
                "number": "12a",
                "date": "11/4/2025",
                "signer": {"authority": ["THAY MẶT CHÁNH VĂN PHÒNG"]},
                "layout": {"margins_mm": {"left": 20, "top": 30}, "body_pt": 12},
                "colour": "red",
            }
        )
    text = str(err.value)
    for part in ("unknown key(s): colour", "form:", "number:", "date:", "signer.authority",
                 "margins_mm.left", "margins_mm.top", "body_pt"):  # fmt: skip
        assert part in text


def test_place_of():
    assert place_of("UBND tỉnh Bình Phước") == "Bình Phước"
    assert place_of("UBND thành phố Hồ Chí Minh") == "Thành phố Hồ Chí Minh"
    assert place_of("Tỉnh Tây Sơn") == "Tây Sơn"


def test_the_environment_names_another_office_file(tmp_path, monkeypatch):
    path = tmp_path / "o.yaml"
    path.write_text('issuing_office: "VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND"\n', encoding="utf-8")
    monkeypatch.setenv("CHISO766_OFFICE", str(path))
    assert load_office().issuing_office == "VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND"
    path.write_text("layout: [1, 2\n", encoding="utf-8")
    with pytest.raises(OfficeError, match="cannot read it"):
        load_office()

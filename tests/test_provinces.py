import pytest

from chiso766.portal.provinces import (
    Province,
    UnknownProvince,
    find_province,
    load_mergers,
    load_provinces,
    merged_into,
    province_by_id,
)

PHU_THO_ID = "019d2be3-6a88-732b-8b17-b68020c8553a"


def test_registry_has_the_34_provinces_with_unique_ids_and_codes():
    provinces = load_provinces()
    assert len(provinces) == 34
    assert len({p.root_department_id for p in provinces}) == 34
    assert len({p.code for p in provinces}) == 34
    assert all(p.name.startswith("UBND ") for p in provinces)


@pytest.mark.parametrize(
    "text",
    [
        "Phú Thọ",
        "phu tho",
        "PHÚ THỌ",
        "UBND tỉnh Phú Thọ",
        "ubnd tinh phu tho",
        "Tỉnh Phú Thọ",
        "  Phú   Thọ ",
        "H44",
        "h44",
        PHU_THO_ID,
    ],
)
def test_find_province_any_spelling(text):
    p = find_province(text)
    assert p == Province("UBND tỉnh Phú Thọ", PHU_THO_ID, "H44")
    assert p.short_name == "Phú Thọ"


@pytest.mark.parametrize(
    "text, code",
    [
        ("Hà Nội", "H26"),
        ("thanh pho ha noi", "H26"),
        ("UBND Thành phố Hồ Chí Minh", "H29"),
        ("TP HCM", "H29"),
        ("Huế", "H57"),
        ("Thừa Thiên Huế", "H57"),
        ("Bắc Ninh", "H05"),  # the portal writes "UBND thành phố Bắc Ninh"
        ("Đắk Lắk", "H15"),
        ("dak lak", "H15"),
    ],
)
def test_find_cities_and_unusual_names(text, code):
    assert find_province(text).code == code


def test_short_name_of_a_city():
    assert find_province("H26").short_name == "Hà Nội"


def test_unknown_province_is_a_clear_error_with_suggestions():
    with pytest.raises(UnknownProvince, match="có phải là: Lâm Đồng"):
        find_province("Lâm")
    with pytest.raises(UnknownProvince, match="chưa nêu tỉnh"):
        find_province("  ")
    with pytest.raises(UnknownProvince, match="không có tỉnh 'Xứ Đoài'"):
        find_province("Xứ Đoài")


@pytest.mark.parametrize(
    ("former", "became"),
    [
        ("Bình Phước", "Đồng Nai"),
        ("binh phuoc", "Đồng Nai"),
        ("UBND tỉnh Hoà Bình", "Phú Thọ"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Kiên Giang", "An Giang"),
        ("Quảng Nam", "Đà Nẵng"),
    ],
)
def test_a_merged_province_names_the_province_it_became(former, became):
    with pytest.raises(UnknownProvince) as err:
        find_province(former)
    message = str(err.value)
    assert "không còn là một tỉnh" in message and "01/7/2025" in message
    assert "Nghị quyết 202/2025/QH15" in message and f'--province "{became}"' in message


def test_the_mergers_are_data_that_name_registry_provinces():
    mergers = load_mergers()
    assert len(mergers) == 29  # 63 provinces became 34
    assert {m.became.code for m in mergers} <= {p.code for p in load_provinces()}
    names = {m.former for m in mergers} | {p.short_name for p in load_provinces()}
    assert len(names) == 63
    assert merged_into("Phú Thọ") is None  # kept its name: not a merger of its own


def test_english_by_locale(english):
    with pytest.raises(UnknownProvince, match="merged into Đồng Nai on 01/7/2025"):
        find_province("Bình Phước")


def test_province_by_id():
    assert province_by_id(PHU_THO_ID).code == "H44"
    assert province_by_id("nope") is None

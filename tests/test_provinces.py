import pytest

from chiso766.portal.provinces import (
    Province,
    UnknownProvince,
    find_province,
    load_provinces,
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
    with pytest.raises(UnknownProvince, match="unknown province 'Bình Phước'"):
        find_province("Bình Phước")  # merged into Đồng Nai in 2025
    with pytest.raises(UnknownProvince, match="did you mean: Lâm Đồng"):
        find_province("Lâm")
    with pytest.raises(UnknownProvince, match="no province"):
        find_province("  ")


def test_province_by_id():
    assert province_by_id(PHU_THO_ID).code == "H44"
    assert province_by_id("nope") is None

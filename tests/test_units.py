"""Unit levels: inference from names, level-column words, stable unit identifiers."""

import unicodedata

import pytest

from chiso766.compute.units import (
    BRANCH,
    COMMUNE,
    DEPARTMENT,
    DISTRICT,
    LEVEL_LABELS_VI,
    LEVELS,
    PROVINCE,
    SCORED_LEVELS,
    UnknownLevel,
    folded_name_key,
    infer_level,
    name_key,
    parse_level,
    unit_id,
)

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


def nfd(text):
    return unicodedata.normalize("NFD", text)


def no_diacritics(text):
    text = nfd(text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


NAMES = [
    ("UBND tỉnh Bình Phước", PROVINCE),
    ("UBND tỉnh Phú Thọ", PROVINCE),
    ("Ủy ban nhân dân tỉnh Đồng Nai", PROVINCE),
    ("Uỷ ban nhân dân tỉnh Đồng Nai", PROVINCE),
    ("Tỉnh Bình Định", PROVINCE),
    ("Sở Nội vụ", DEPARTMENT),
    ("Sở Văn hóa, Thể thao và Du lịch", DEPARTMENT),
    ("Sở Công Thương - Tỉnh Phú Thọ", DEPARTMENT),
    ("Ban Quản lý Khu kinh tế", DEPARTMENT),
    ("Ban quản lý các khu công nghiệp - Tỉnh Phú Thọ", DEPARTMENT),
    ("Văn phòng UBND tỉnh", DEPARTMENT),
    ("Văn phòng UBND Tỉnh - Tỉnh Phú Thọ", DEPARTMENT),
    ("Thanh tra tỉnh", DEPARTMENT),
    ("Công an tỉnh Bình Phước", DEPARTMENT),
    ("Bảo hiểm xã hội tỉnh", DEPARTMENT),
    ("UBND huyện Bù Đốp", DISTRICT),
    ("UBND thị xã Phước Long", DISTRICT),  # a district (thị xã), not a commune (xã)
    ("UBND thị xã Chơn Thành", DISTRICT),
    ("UBND thành phố Đồng Xoài", DISTRICT),
    ("UBND TP Đồng Xoài", DISTRICT),
    ("UBND quận Ba Đình", DISTRICT),
    ("Ủy ban nhân dân huyện Lộc Ninh", DISTRICT),
    ("Ủy ban nhân dân thị xã Bình Long", DISTRICT),
    ("Ủy ban nhân dân quận 1", DISTRICT),
    ("Thị xã Phước Long", DISTRICT),
    ("Huyện Bù Gia Mập", DISTRICT),
    ("Thành phố Đồng Xoài", DISTRICT),
    ("UBND xã Hy Cương", COMMUNE),
    ("UBND Phường Việt Trì", COMMUNE),
    ("UBND phường Hòa Bình", COMMUNE),
    ("UBND thị trấn Tân Phú", COMMUNE),
    ("UBND đặc khu Phú Quốc", COMMUNE),
    ("Ủy ban nhân dân xã Tân Lập", COMMUNE),
    ("Ủy ban nhân dân phường Tân Bình", COMMUNE),
    ("Ủy ban nhân dân thị trấn Tân Phú", COMMUNE),
    ("Xã Thanh Lương", COMMUNE),
    ("Phường Tân Phú", COMMUNE),
    ("Thị trấn Tân Khai", COMMUNE),
    ("Chi nhánh VPĐK đất đai Đồng Xoài", BRANCH),
]


@pytest.mark.parametrize(
    "spell",
    [
        lambda s: s,
        no_diacritics,
        nfd,
        str.upper,
        str.lower,
        lambda s: no_diacritics(s).upper(),
        lambda s: "  " + s.replace(" ", "\u00a0 ") + "\t",
    ],
    ids=["as-written", "no-diacritics", "nfd", "upper", "lower", "ascii-upper", "spacing"],
)
@pytest.mark.parametrize(("name", "level"), NAMES)
def test_infer_level(name, level, spell):
    assert infer_level(spell(name)) == level


@pytest.mark.parametrize(
    "name",
    ["Trung tâm Phục vụ hành chính công", "Phước Long", "", "UBND", "Sởi", "Xãx"],
)
def test_unrecognised_names(name):
    with pytest.raises(UnknownLevel, match="cannot tell the level"):
        infer_level(name)


LEVEL_WORDS = [
    ("Tỉnh", PROVINCE),
    ("UBND tỉnh", PROVINCE),
    ("province", PROVINCE),
    ("Sở", DEPARTMENT),
    ("Sở, ban, ngành", DEPARTMENT),
    ("Sở ban ngành", DEPARTMENT),
    ("Các sở, ban, ngành", DEPARTMENT),
    ("department", DEPARTMENT),
    ("Huyện", DISTRICT),
    ("Cấp huyện", DISTRICT),
    ("UBND cấp huyện", DISTRICT),
    ("district", DISTRICT),
    ("Xã", COMMUNE),
    ("Cấp xã", COMMUNE),
    ("UBND cấp xã", COMMUNE),
    ("Xã, phường", COMMUNE),
    ("commune", COMMUNE),
    ("Chi nhánh", BRANCH),
    ("branch", BRANCH),
]


@pytest.mark.parametrize(
    "spell",
    [lambda s: s, no_diacritics, nfd, str.upper, lambda s: f" {s} "],
    ids=["as-written", "no-diacritics", "nfd", "upper", "padded"],
)
@pytest.mark.parametrize(("text", "level"), LEVEL_WORDS)
def test_parse_level(text, level, spell):
    assert parse_level(spell(text)) == level


@pytest.mark.parametrize("text", ["Cấp tỉnh", "cap tinh", "CẤP TỈNH"])
def test_cap_tinh_is_ambiguous(text):
    with pytest.raises(UnknownLevel, match="ambiguous"):
        parse_level(text)


@pytest.mark.parametrize("text", ["Bộ", "Trung ương", "", "thôn", "provinces"])
def test_unknown_level_words(text):
    with pytest.raises(UnknownLevel, match="unknown level"):
        parse_level(text)


def test_unknown_level_is_a_value_error():
    assert issubclass(UnknownLevel, ValueError)


def test_levels():
    assert set(SCORED_LEVELS) < set(LEVELS)
    assert BRANCH not in SCORED_LEVELS
    assert set(LEVEL_LABELS_VI) == set(LEVELS)


@pytest.mark.parametrize(
    "name",
    [
        "UBND thị xã Bình Long",
        "Thị xã Bình Long",
        "thị xã bình long",
        "THỊ XÃ BÌNH LONG",
        "UBND Thị xã Bình Long",
        "ubnd thị xã bình long",
        "Ủy ban nhân dân thị xã Bình Long",
        "Uỷ ban nhân dân thị xã Bình Long",
        "  UBND   thị xã\u00a0Bình Long ",
    ],
)
@pytest.mark.parametrize("spell", [lambda s: s, nfd], ids=["nfc", "nfd"])
def test_unit_id_is_stable(name, spell):
    assert unit_id(spell(name), DISTRICT) == "district:thị-xã-bình-long"


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("Sở Nội vụ", DEPARTMENT, "department:sở-nội-vụ"),
        (
            "Sở Văn hóa, Thể thao và Du lịch",
            DEPARTMENT,
            "department:sở-văn-hóa-thể-thao-và-du-lịch",
        ),
        (
            "Sở Văn hoá, Thể thao và Du lịch",
            DEPARTMENT,
            "department:sở-văn-hóa-thể-thao-và-du-lịch",
        ),
        ("UBND tỉnh Bình Phước", PROVINCE, "province:tỉnh-bình-phước"),
        ("UBND xã Hy Cương", COMMUNE, "commune:xã-hy-cương"),
        ("Văn phòng UBND tỉnh", DEPARTMENT, "department:văn-phòng-ubnd-tỉnh"),  # only a lead UBND
        ("UBND huyện Đồng Phú", DISTRICT, "district:huyện-đồng-phú"),
    ],
)
def test_unit_id_values(name, level, expected):
    assert unit_id(name, level) == expected


def test_unit_id_differs_by_level_and_name():
    assert unit_id("Bình Long", DISTRICT) != unit_id("Bình Long", COMMUNE)
    assert unit_id("UBND xã Tân Lập", COMMUNE) != unit_id("UBND phường Tân Lập", COMMUNE)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("UBND xã Hòa An", "UBND xã Hóa An"),  # two communes, one tone mark apart
        ("Xã Tân Lập", "Xã Tấn Lập"),
        ("Phường Đông Hà", "Phường Dông Hà"),  # đ is a letter of its own
        ("Thị xã Bình Long", "Thi xa Binh Long"),  # without tone marks: not the same name
    ],
)
def test_unit_identity_keeps_tone_marks(a, b):
    assert unit_id(a, COMMUNE) != unit_id(b, COMMUNE)
    assert folded_name_key(a) == folded_name_key(b)  # the suggestion key folds them


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("UBND xã Hoà An", "UBND xã Hòa An"),  # tone placed the new or the old way
        ("Xã Thuỷ An", "Xã Thủy An"),
        ("Xã Thanh Hoá", "xã thanh hóa"),
    ],
)
def test_tone_placement_does_not_make_another_unit(a, b):
    assert unit_id(a, COMMUNE) == unit_id(b, COMMUNE) == unit_id(nfd(b), COMMUNE)
    assert name_key(a) == name_key(b)

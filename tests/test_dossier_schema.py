"""Headers of the provincial system's exports: Vietnamese with or without diacritics, or
snake_case English; the kind of an export told by its headers."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso766.ingest.dossier_schema import (
    DECISIONS,
    DOSSIERS,
    PROCEDURES,
    SCHEMAS,
    canonical_header,
    enum_label,
    kind_of_headers,
    match_headers,
    parse_enum,
)


def strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    return (
        "".join(c for c in text if unicodedata.category(c) != "Mn")
        .replace("đ", "d")
        .replace("Đ", "D")
    )


ALL_HEADERS = [
    (kind, col.name, h) for kind, cols in SCHEMAS.items() for col in cols for h in col.headers
]


@given(
    st.sampled_from(ALL_HEADERS),
    st.booleans(),
    st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
    st.sampled_from(["", " ", "  "]),
)
def test_every_header_form_names_its_column(item, plain, case, pad):
    kind, name, header = item
    text = strip_marks(header) if plain else header
    assert canonical_header(kind, pad + case(text) + pad) == name


@pytest.mark.parametrize("kind", [DOSSIERS, PROCEDURES, DECISIONS])
def test_snake_case_english_names_are_accepted(kind):
    for col in SCHEMAS[kind]:
        assert canonical_header(kind, col.name) == col.name


def test_kind_of_headers():
    assert kind_of_headers(["Mã hồ sơ", "Mã TTHC", "Tên TTHC", "Ngày tiếp nhận"]) == DOSSIERS
    assert kind_of_headers(["Ma TTHC", "Ten TTHC", "Thoi han giai quyet"]) == PROCEDURES
    assert kind_of_headers(["Ngày hiệu lực", "Đơn vị tham mưu", "Mã TTHC"]) == DECISIONS
    assert kind_of_headers(["Đơn vị", "Điểm đánh giá (08/4/2025)"]) is None
    assert match_headers(DOSSIERS, ["", "Mã hồ sơ", "Lĩnh vực"]) == {1: "dossier_id"}


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("channel", "Trực tuyến", "online"),
        ("channel", "truc tiep", "direct"),
        ("channel", "Bưu chính công ích", "post"),
        ("status", "Công dân rút hồ sơ", "withdrawn"),
        ("status", "DA TRA KET QUA", "returned"),
        ("rating", "Không hài lòng", "unsatisfied"),
        ("online_level", "Toàn trình", "full"),
        ("channel", "Zalo", None),
    ],
)
def test_enumerations(name, text, value):
    assert parse_enum(name, text) == value


def test_enum_labels_are_vietnamese():
    assert enum_label("status", "in_progress") == "Đang xử lý"
    assert enum_label("rating", None) == ""

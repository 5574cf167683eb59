"""Text normalisation: NFC and spacing, diacritic folding, word keys, slugs."""

import unicodedata

import pytest

from chiso766.compute.textnorm import fold, fold_words, nfc, slug

NAMES = [
    "Sở Nội vụ",
    "UBND thị xã Phước Long",
    "Đồng Xoài",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính",
    "Ủy ban nhân dân xã Hy Cương",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở  Nội vụ", "Sở Nội vụ"),
        ("  Sở\u00a0Nội\tvụ\n", "Sở Nội vụ"),
        (unicodedata.normalize("NFD", "Sở Nội vụ"), "Sở Nội vụ"),
        (2024, "2024"),
        ("", ""),
    ],
)
def test_nfc(text, expected):
    out = nfc(text)
    assert out == expected
    assert unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize("text", NAMES)
def test_nfc_is_idempotent_and_equal_for_nfd(text):
    assert nfc(text) == nfc(nfc(text)) == nfc(unicodedata.normalize("NFD", text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Nội vụ", "so noi vu"),
        ("Đồng Xoài", "dong xoai"),
        ("ĐỒNG XOÀI", "dong xoai"),
        ("UBND thị xã Phước Long", "ubnd thi xa phuoc long"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("Uỷ ban nhân dân", "uy ban nhan dan"),
        ("Tỷ lệ (%)", "ty le (%)"),
        ("Năm 2024 (%)", "nam 2024 (%)"),
        ("Sở Văn hóa, Thể thao và Du lịch", "so van hoa, the thao va du lich"),
        ("Ngày 08/4/2025", "ngay 08/4/2025"),
        ("Tăng, giảm: +2,48", "tang, giam: +2,48"),
        ("a\u00a0–\u00a0b", "a b"),  # an en dash is not kept
        ("  nhiều   khoảng  trắng ", "nhieu khoang trang"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize("text", NAMES)
def test_fold_is_the_same_however_written(text):
    key = fold(text)
    assert key.isascii()
    assert fold(unicodedata.normalize("NFD", text)) == key
    assert fold(text.upper()) == key
    assert fold(fold(text)) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Văn hóa, Thể thao và Du lịch", "so van hoa the thao va du lich"),
        ("Tỷ lệ (%)", "ty le"),
        ("Tăng, giảm", "tang giam"),
        ("Ngày 08/4/2025", "ngay 08 4 2025"),
        ("--Sở--Nội--vụ--", "so noi vu"),
        ("PROGRESS_ON_TIME", "progress on time"),
        ("", ""),
    ],
)
def test_fold_words(text, expected):
    assert fold_words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Nội vụ", "so-noi-vu"),
        ("Sở Văn hóa, Thể thao và Du lịch", "so-van-hoa-the-thao-va-du-lich"),
        ("UBND thị xã Phước Long", "ubnd-thi-xa-phuoc-long"),
        ("  Đồng   Xoài ", "dong-xoai"),
        ("Quý II/2024", "quy-ii-2024"),
    ],
)
def test_slug(text, expected):
    assert slug(text) == expected


@pytest.mark.parametrize("text", NAMES)
def test_slug_is_stable(text):
    s = slug(text)
    assert s == slug(unicodedata.normalize("NFD", text)) == slug(text.upper())
    assert all(c.isalnum() and c.isascii() or c == "-" for c in s)
    assert not s.startswith("-") and not s.endswith("-") and "--" not in s


# ---- issue 12: folding word by word (cached) is folding the whole text ------------------------
def _fold_whole(text: str) -> str:
    """The whole-text folding of before (the reference)."""
    import re
    import unicodedata

    from chiso766.compute.textnorm import nfc

    text = unicodedata.normalize("NFD", nfc(text).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    text = re.sub(r"[^\w%()/.,:+-]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def test_folding_word_by_word_is_folding_the_whole_text():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from chiso766.compute.textnorm import fold, fold_words

    @settings(max_examples=500, deadline=None)
    @given(
        st.text(max_size=40)
        | st.sampled_from(
            ["UBND xã Hoà An", "Sở Tư pháp", "  Đ  đ ", "TỔNG CỘNG", "Chi nhánh VPĐK đất đai"]
        )
    )
    def check(text):
        whole = _fold_whole(text)
        assert fold(text) == whole
        assert fold_words(text) == re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", whole)).strip()

    check()


def test_a_name_s_key_skips_its_leading_ubnd_as_name_key_does():
    from chiso766.compute.units import name_key, name_keys

    names = ["UBND xã Hoà An", "Ủy ban nhân dân phường Quy Nhơn", "Sở Tư pháp", "Xã Hòa An"]
    folded = [fold_words(n) for n in names]
    assert name_keys(names, folded) == [name_key(n) for n in names]

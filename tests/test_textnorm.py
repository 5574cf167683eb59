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


def _vietnamese_names():
    """Hypothesis names: 'UBND'/'Ủy ban nhân dân' or not, syllables with any tone on any
    vowel (old and new placements), any case, separators, digits, NFC or NFD."""
    from hypothesis import strategies as st

    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    onsets = ["", "b", "đ", "h", "ng", "qu", "gi", "th", "tr", "x", "Đ", "Q"]
    vowels = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "uy", "oai", "ươ"]
    codas = ["", "n", "ng", "nh", "c", "ch", "t", "m", "p"]

    @st.composite
    def syllable(draw):
        vowel = draw(st.sampled_from(vowels))
        at = draw(st.integers(0, len(vowel) - 1))
        vowel = vowel[: at + 1] + draw(st.sampled_from(tones)) + vowel[at + 1 :]
        word = draw(st.sampled_from(onsets)) + vowel + draw(st.sampled_from(codas))
        return draw(st.sampled_from([word, word.upper(), word.capitalize()]))

    word = syllable() | st.integers(0, 999).map(str) | st.sampled_from(["", "-", "_", "(", "&"])
    sep = st.sampled_from([" ", " ", " ", ", ", " - ", "/", "  ", "'"])

    @st.composite
    def name(draw):
        words = draw(st.lists(word, max_size=6))
        text = "".join(w + draw(sep) for w in words)
        text = draw(st.sampled_from(["", "UBND ", "Ủy ban nhân dân ", "ubnd-"])) + text
        form = draw(st.sampled_from(["NFC", "NFD"]))
        return unicodedata.normalize(form, text)

    return name() | st.text(max_size=30)


def test_vectorised_name_keys_are_the_one_by_one_keys():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from chiso766.compute.textnorm import tone_key_nfc
    from chiso766.compute.tone_keys import tone_keys
    from chiso766.compute.units import name_key, name_keys

    @settings(max_examples=300, deadline=None)
    @given(st.lists(_vietnamese_names(), max_size=8))
    def check(raw):
        names = [nfc(n) for n in raw]
        folded = [fold_words(n) for n in names]
        assert name_keys(names, folded) == [name_key(n) for n in raw]
        assert tone_keys(names) == [tone_key_nfc(n) for n in names]

    check()


def test_vectorised_name_keys_take_columns_and_place_tones_one_way():
    import pandas as pd

    from chiso766.compute.units import name_keys

    names = pd.Series(["UBND xã Hoà An", "Xã Hòa An", "Ủy ban nhân dân phường Thuý", "UBND"])
    folded = names.map(fold_words)
    assert name_keys(names, folded) == ["xã-hòa-an", "xã-hòa-an", "phường-thúy", "ubnd"]
    assert name_keys(pd.Series([], dtype=object), pd.Series([], dtype=object)) == []


def test_a_column_normalised_at_once_is_each_text_normalised():
    import pandas as pd
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from chiso766.compute.nfc_column import nfc_texts

    spaced = st.tuples(
        _vietnamese_names(), st.sampled_from(["", " ", "\u00a0", "\t\n", "  \u3000", "\u2003"])
    ).map(lambda p: p[1] + p[0].replace(" ", p[1] or " ") + p[1])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(spaced | st.text(max_size=20), min_size=1, max_size=8))
    def check(texts):
        column = pd.Series(texts, dtype=object, index=range(10, 10 + len(texts)))
        out = nfc_texts(column)
        assert out.tolist() == [nfc(t) for t in texts]
        assert list(out.index) == list(column.index)

    check()

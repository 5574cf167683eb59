"""ingest/columns.py: whole columns parsed as the one-cell functions parse each cell
(property-based: any cell an analyst may type)."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.compute.textnorm import fold_words, nfc
from chiso766.ingest.columns import folded, parse_numbers, text_problems
from chiso766.ingest.text import text_problem
from chiso766.ingest.values import BadValue, parse_number

NUMBERISH = st.from_regex(r"[+\-\u2212]?\d{1,4}([.,]\d{1,3}){0,2}%?", fullmatch=True)
CELLS = st.one_of(
    st.none(),
    NUMBERISH,
    st.sampled_from(["", " ", "-", "—", "Hệ thống không thông báo dữ liệu", "N/A", "x",
                     "1 234,5", "144 625", "1.234.567", "nan", "inf", "1e309", "  75,45  "]),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
)  # fmt: skip


def one(cell):
    try:
        c = parse_number(cell)
    except BadValue as exc:
        return ("bad", exc.problem)
    return ("ok", None if math.isnan(c.value) else c.value, c.note)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=30))
def test_a_column_parses_as_its_cells(cells):
    assert_parsed_as_its_cells(cells)


def assert_parsed_as_its_cells(cells: list) -> None:
    """Every position of the parsed column holds what its cell alone parses to."""
    parsed = parse_numbers(pd.Series(cells, dtype=object))
    for i, cell in enumerate(cells):
        if i in parsed.bad:
            got = ("bad", parsed.bad[i])
        else:
            value = parsed.values[i]
            got = ("ok", None if math.isnan(value) else value, parsed.notes[i])
        assert got == one(cell), (cell, got)


def test_the_forms_announcements_write():
    parsed = parse_numbers(
        pd.Series(["75,45", "-5,97", "+2,48", "\u22120,06", "96%", "100", "", None, 80.5,
                   "Hệ thống không thông báo dữ liệu", "abc"], dtype=object)
    )  # fmt: skip
    assert list(parsed.values[:6]) == [75.45, -5.97, 2.48, -0.06, 96.0, 100.0]
    assert math.isnan(parsed.values[6]) and math.isnan(parsed.values[7])
    assert parsed.values[8] == 80.5 and parsed.notes[9] == "Hệ thống không thông báo dữ liệu"
    assert list(parsed.bad) == [10]


NAMES = st.text(
    alphabet=st.sampled_from(list("UBNDxãphườngSởTưpháp HòaAnĐôngđ-.,()\u202e\x07\u2066")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=20))
def test_text_checks_and_folded_keys_are_the_one_cell_ones(names):
    texts = pd.Series([nfc(n) for n in names], dtype=object)
    problems = text_problems(texts)
    for i, text in enumerate(texts):
        assert problems.get(i) == text_problem(text)
    assert list(folded(texts)) == [fold_words(t) for t in texts]


def test_long_names_are_caught():
    texts = pd.Series(["Sở " + "a" * 400, "Sở Nội vụ"], dtype=object)
    assert list(text_problems(texts)) == [0]


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=6), st.lists(st.integers(0, 5), max_size=40))
def test_a_column_of_repeated_cells_parses_as_its_cells(pool, picks):
    """Each distinct text is parsed once: every position still gets its own result (a bad
    cell repeated is reported at each of its positions)."""
    assert_parsed_as_its_cells([pool[i % len(pool)] for i in picks])


def test_a_bad_text_repeated_is_bad_at_each_of_its_rows():
    parsed = parse_numbers(pd.Series(["1,5", "abc", "2", "abc", "-", "abc"], dtype=object))
    assert sorted(parsed.bad) == [1, 3, 5]
    assert parsed.notes[4] == "-" and parsed.values[0] == 1.5 and parsed.values[2] == 2.0

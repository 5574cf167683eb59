"""Names and notes: direction controls, control characters and lengths refused."""

import pytest

from chiso766.ingest.text import MAX_NAME, note_problem, text_problem

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Sở \u202eụv iộN", "U+202E"),
        ("\u202aSở\u202c", "U+202A, U+202C"),
        ("Sở \u2066Nội vụ\u2069", "U+2066, U+2069"),
        ("\u2067x", "U+2067"),
        ("Sở\x00 Nội vụ", "U+0000"),
        ("Sở\x1b[31m", "U+001B"),
        ("x" * (MAX_NAME + 1), f"{MAX_NAME + 1} characters"),
    ],
)
def test_refused(text, fragment):
    assert fragment in text_problem(text)


@pytest.mark.parametrize("text", ["Sở Nội vụ", "UBND xã Hòa An", "a\tb", "x" * MAX_NAME, "Ủy ban"])
def test_accepted(text):
    assert text_problem(text) is None


def test_notes_may_be_longer_than_names():
    assert note_problem("ghi chú " * 100) is None
    assert "a note of" in note_problem("x" * 2001)

"""Masking of citizens' personal data in dossier outputs."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from chiso766.masking import mask_id_number, mask_name, mask_personal, mask_phone


def test_the_forms_the_issue_names():
    assert mask_name("Nguyễn Văn An") == "Nguyễn V. A."
    assert mask_phone("0912345612") == "09******12"
    assert mask_id_number("001203004589") == "0012******89"


def test_spacing_and_short_values():
    assert mask_phone("0912 345 612") == "09******12"
    assert mask_phone("+84 912 345 612") == "84*******12"
    assert mask_name("  Lê   Thị  Hồng  Nhung ") == "Lê T. H. N."
    assert mask_name("An") == "A."
    assert mask_id_number("12345") == "*****"
    assert mask_phone(None) is None and mask_name("") == ""


@given(st.text(alphabet="0123456789", min_size=9, max_size=12))
def test_digits_in_the_middle_never_survive(number):
    phone, ident = mask_phone(number), mask_id_number(number)
    assert number not in phone and number not in ident
    assert phone[:2] == number[:2] and phone[-2:] == number[-2:]
    assert ident[:4] == number[:4] and ident[-2:] == number[-2:]
    assert len(phone) == len(number) == len(ident)


def test_frames():
    frame = pd.DataFrame(
        {"applicant_name": ["Trần Thị Bích", None], "phone": ["0987654321", None], "x": [1, 2]}
    )
    out = mask_personal(frame)
    assert out["applicant_name"].tolist()[0] == "Trần T. B."
    assert out["phone"].tolist()[0] == "09******21"
    assert frame["phone"].tolist()[0] == "0987654321"  # the input is untouched

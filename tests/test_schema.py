"""The measures schema (pandera): every rule a value breaks, as a problem naming its place."""

import math

import pandas as pd
import pytest

from chiso766.ingest.schema import check_measures

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


def _row(**kw):
    base = {
        "snapshot": "2026-08",
        "unit_id": "u1",
        "level": "department",
        "scope": "indicator",
        "code": "X",
        "kind": "rate",
        "value": 50.0,
        "_file": "t/transparency.json",
        "_column": "evaluation[0].metrics[2].ratio",
    }
    return {**base, **kw}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (_row(value=-1.0), "a negative value"),
        (_row(value=500.0), "a percentage above 100"),
        (_row(kind="points", value=5.0, max_score=4.0), "points above the maximum of 4"),
        (_row(kind="points", value=5.0, _max=2.0), "points above the maximum of 2"),
        (_row(value=math.inf), "not a finite number"),
        (_row(scope="rank", kind="rank", value=0.0), "a rank starts at 1"),
        (_row(scope="rank", kind="rank", value=2.5), "a rank must be a whole number"),
        (_row(scope="rank", kind="rank", value=64.0, denominator=63.0), "rank above the number"),
        (_row(scope="count", kind="count", value=-3.0), "a negative count"),
        (_row(scope="count", kind="count", value=1.5), "a count must be a whole number"),
        (_row(kind="points", value=1.0, max_score=500.0), "a maximum score must be"),
        (_row(numerator=-1.0), "a negative count"),
        (_row(level="planet"), "not a known level"),
    ],
)
def test_each_rule_names_file_place_and_value(row, problem):
    (p,) = check_measures(pd.DataFrame([row]), "folder")
    assert problem in p.problem and p.file == "t/transparency.json"
    assert p.column.startswith("evaluation[0].metrics[2]")


def test_no_data_and_good_values_pass():
    rows = [
        _row(value=math.nan),
        _row(kind="points", value=4.0, max_score=4.0),
        _row(scope="rank", kind="rank", value=20.0, denominator=63.0),
        _row(scope="count", kind="count", value=0.0),
    ]
    assert check_measures(pd.DataFrame(rows), "f") == []


def test_other_numbers_name_their_own_field():
    row = _row(denominator=-4.0, _column_denominator="evaluation[0].metrics[2].denominator")
    (p,) = check_measures(pd.DataFrame([row]), "f")
    assert p.column == "evaluation[0].metrics[2].denominator" and p.value == "-4"


def test_table_rows_carry_a_row_number():
    row = _row(_file=None, _row=7, _column="Năm 2024 (%)", value=101.0)
    (p,) = check_measures(pd.DataFrame([row]), "table.csv")
    assert (p.file, p.row, p.column, p.value) == ("table.csv", 7, "Năm 2024 (%)", "101")


def test_text_as_categories_fails_the_same_rows():
    """A reader's text columns given as categories (checked once per distinct text) give
    the problems the same columns give as text, row for row."""
    rows = [
        _row(_row=2, level="planet"),
        _row(_row=3, value=-1.0),
        _row(_row=4, scope="galaxy", kind="colour"),
        _row(_row=5, kind=None),
        _row(_row=6, level="planet", unit_id=None),
        _row(_row=7, unit_id=5),
        _row(_row=8),
    ]
    plain = pd.DataFrame(rows)
    coded = plain.astype({c: "category" for c in ("snapshot", "unit_id", "level", "scope", "kind")})
    expected = check_measures(plain, "f")
    assert len(expected) >= 5
    assert check_measures(coded, "f") == expected
    assert check_measures(coded.iloc[[-1]], "f") == []

"""What a load changed, said as an analyst reads it."""

import math

from chiso766.store.history import Change, snapshot_label, summary_vi


def _change(**kw):
    base = dict(
        snapshot="2025-03-27",
        unit_id="department:sở-nội-vụ",
        unit="Sở Nội vụ",
        scope="total",
        code="",
        kind="points",
        old=81.0,
        new=91.0,
        old_source="a",
        new_source="b",
    )
    return Change(**{**base, **kw})


def test_one_change_reads_as_the_issue_asks():
    assert summary_vi([_change()]) == "1 giá trị thay đổi: Sở Nội vụ, 27/3/2025: 81 → 91"


def test_groups_indicators_and_no_data_are_named():
    c = _change(scope="indicator", code="ONLINE_DOSSIERS", kind="rate", old=61.5, new=math.nan)
    assert c.describe() == "Sở Nội vụ, 27/3/2025, ONLINE_DOSSIERS (%): 61,5 → không có dữ liệu"


def test_many_changes_are_listed_up_to_a_limit():
    text = summary_vi([_change(new=float(i)) for i in range(25)], limit=3)
    lines = text.splitlines()
    assert lines[0] == "25 giá trị thay đổi:" and len(lines) == 5
    assert "22 giá trị khác" in lines[-1]


def test_snapshot_labels():
    assert snapshot_label("2025-04-08") == "08/4/2025"
    assert snapshot_label("2026-08") == "tháng 8/2026"
    assert snapshot_label("undated") == "undated"
    assert summary_vi([]) == ""

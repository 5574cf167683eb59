"""compute/alerts.py: what a leader must know between two snapshots, pure."""

from __future__ import annotations

import pandas as pd
import pytest

from chiso766.compute.alerts import (
    ACT,
    CLASS_DROP,
    INDICATOR_DROP,
    NO_DATA,
    NOTICE,
    RANK_DROP,
    SCORE_DROP,
    Thresholds,
    indicator_alerts,
    must_act,
    order,
    rank_alert,
    unit_alerts,
)

BANDS = ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]


def units(rows):
    return pd.DataFrame(rows, columns=["unit_id", "unit", "level", "total", "class"])


OLD = units(
    [
        ("d:a", "Sở A", "department", 88.0, "Tốt"),
        ("d:b", "Sở B", "department", 81.0, "Tốt"),
        ("d:c", "Sở C", "department", 75.0, "Khá"),
        ("d:d", "Sở D", "department", 70.0, "Khá"),
        ("c:e", "UBND xã E", "commune", 60.0, "Trung bình"),
        ("p:t", "UBND tỉnh T", "province", 80.0, "Tốt"),
    ]
)
NEW = units(
    [
        ("d:a", "Sở A", "department", 48.0, "Yếu"),  # collapsed: must act
        ("d:b", "Sở B", "department", 79.5, "Khá"),  # a class lost on a small fall: to know
        ("d:c", "Sở C", "department", 69.0, "Trung bình"),  # 6 points and a class: to know
        ("d:d", "Sở D", "department", None, None),  # no data now
        ("c:e", "UBND xã E", "commune", 70.0, "Khá"),  # rose
        ("p:t", "UBND tỉnh T", "province", 60.0, "Trung bình"),  # the province: not a unit
        ("d:n", "Sở mới", "department", 40.0, "Yếu"),  # new: nothing to compare
    ]
)


def test_units_that_fell_dropped_a_class_or_lost_their_data():
    found = {a.unit_id: a for a in unit_alerts(OLD, NEW, Thresholds(), BANDS)}
    assert set(found) == {"d:a", "d:b", "d:c", "d:d"}
    a = found["d:a"]
    assert (a.kind, a.level, a.old, a.new, a.change) == (SCORE_DROP, ACT, 88.0, 48.0, -40.0)
    assert (a.old_class, a.new_class) == ("Tốt", "Yếu")
    assert (found["d:b"].kind, found["d:b"].level) == (CLASS_DROP, NOTICE)
    assert (found["d:c"].kind, found["d:c"].level, found["d:c"].new_class) == (
        SCORE_DROP,
        NOTICE,
        "Trung bình",
    )
    assert (found["d:d"].kind, found["d:d"].old, found["d:d"].new) == (NO_DATA, 70.0, None)


def test_thresholds_are_data():
    strict = Thresholds.from_mapping({"score_drop_act": 5, "class_drop": "act", "no_data": "off"})
    found = {a.unit_id: a for a in unit_alerts(OLD, NEW, strict, BANDS)}
    assert found["d:c"].level == ACT and found["d:b"].level == ACT
    assert "d:d" not in found
    lax = Thresholds.from_mapping({"score_drop_notice": 50, "score_drop_act": 60,
                                   "class_drop": "off"})  # fmt: skip
    assert [a.kind for a in unit_alerts(OLD, NEW, lax, BANDS)] == [NO_DATA]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"score_drop": 3}, "unknown key 'score_drop'"),
        ({"class_drop": "yes"}, "act, notice or off"),
        ({"score_drop_act": -1}, "a number from 0"),
        ({"score_drop_act": "ten"}, "a number from 0"),
        ({"fail_on_act": "no"}, "true or false"),
        ([1, 2], "expected keys"),
    ],
)
def test_bad_thresholds_are_refused_in_words(data, problem, english):
    with pytest.raises(ValueError, match=problem):
        Thresholds.from_mapping(data)


def test_the_provinces_indicators_that_fell():
    cols = ["unit_id", "unit", "level", "code", "number", "name", "ratio", "points"]
    old = pd.DataFrame(
        [
            ("p:t", "UBND tỉnh T", "province", "SYNC", "4.1", "Đồng bộ hồ sơ", 77.23, 5.0),
            ("p:t", "UBND tỉnh T", "province", "PAY", "3.2", "Thanh toán", 93.37, 4.0),
            ("p:t", "UBND tỉnh T", "province", "PTS", "6.1", "Chỉ số điểm", None, 8.0),
        ],
        columns=cols,
    )
    new = old.assign(ratio=[52.96, 93.37, None], points=[3.0, 4.0, 2.5])
    found = indicator_alerts(old, new, Thresholds())
    assert [(a.code, a.level, a.label, a.change) for a in found] == [
        ("SYNC", NOTICE, "4.1 Đồng bộ hồ sơ", -24.27)
    ]
    found = indicator_alerts(old, new, Thresholds(indicator_drop_notice=5, indicator_drop_act=20))
    assert [(a.code, a.level) for a in found] == [("SYNC", ACT), ("PTS", NOTICE)]


def test_a_fall_in_the_national_rank():
    prov = ("p:t", "UBND tỉnh T")
    assert rank_alert(prov, 8, 20, Thresholds())[0].level == ACT  # seed 004: 8/63 → 20/63
    assert rank_alert(prov, 8, 9, Thresholds())[0].level == NOTICE
    assert rank_alert(prov, 9, 8, Thresholds()) == []
    assert rank_alert(prov, None, 8, Thresholds()) == []
    assert rank_alert(None, 1, 9, Thresholds()) == []


def test_order_puts_must_act_first_and_the_biggest_fall_first():
    alerts = unit_alerts(OLD, NEW, Thresholds(), BANDS)
    alerts += rank_alert(("p:t", "UBND tỉnh T"), 8, 20, Thresholds())
    ordered = order(alerts)
    assert [a.kind for a in ordered][:2] == [RANK_DROP, SCORE_DROP]
    assert [a.level for a in ordered] == sorted((a.level for a in ordered), key=[ACT, NOTICE].index)
    assert must_act(ordered) and not must_act([a for a in ordered if a.level == NOTICE])
    assert ordered[1].to_json()["change"] == -40.0 and INDICATOR_DROP not in {
        a.kind for a in ordered
    }

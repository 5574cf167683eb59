"""Comparing two snapshots: deltas, statuses, units new or gone, rank changes, movers."""

import pandas as pd
import pytest

from chiso766.compute.compare import (
    FELL,
    GONE,
    HELD_MAX,
    NEW,
    NO_DATA,
    ROSE,
    STATUSES,
    UNCHANGED,
    compare_values,
    movers,
    status_counts,
    status_of,
)

NAN = float("nan")


def units(rows, **cols):
    """rows: (unit_id, total) pairs; extra columns as lists."""
    df = pd.DataFrame(
        {
            "unit_id": [u for u, _ in rows],
            "unit": [u.title() for u, _ in rows],
            "level": "department",
            "total": [t for _, t in rows],
        }
    )
    for name, values in cols.items():
        df[name] = values
    return df.astype({"total": "float64"})


@pytest.mark.parametrize(
    ("old", "new", "maximum", "in_old", "in_new", "expected"),
    [
        (90.41, 95.59, None, True, True, ROSE),
        (89.10, 86.99, None, True, True, FELL),
        (93.37, 93.37, 100, True, True, UNCHANGED),
        (100, 100, 100, True, True, HELD_MAX),
        (100, 100, None, True, True, UNCHANGED),
        (100, 100, NAN, True, True, UNCHANGED),
        (6, 6, 6, True, True, HELD_MAX),
        (80.001, 80.004, None, True, True, UNCHANGED),  # equal to 2 decimals
        (80.0, 80.01, None, True, True, ROSE),
        (NAN, 80, None, False, True, NEW),
        (80, NAN, None, True, False, GONE),
        (NAN, 80, None, True, True, NO_DATA),
        (80, NAN, None, True, True, NO_DATA),
        (NAN, NAN, None, True, True, NO_DATA),
    ],
)
def test_status_of(old, new, maximum, in_old, in_new, expected):
    assert status_of(old, new, maximum, in_old, in_new) == expected


def test_compare_values_statuses_and_deltas():
    old = units([("noi-vu", 90.41), ("xay-dung", 90), ("y-te", 88.6), ("ngoai-vu", NAN)])
    old = pd.concat([old, units([("gone", 70.0), ("full", 100.0)])], ignore_index=True)
    new = units(
        [
            ("noi-vu", 95.59),
            ("xay-dung", 92.72),
            ("y-te", 87.17),
            ("ngoai-vu", NAN),
            ("full", 100.0),
            ("fresh", 60.0),
        ]
    )
    out = compare_values(old, new, maximum=100).set_index("unit_id")
    assert out.loc["noi-vu", ["old", "new", "delta", "status"]].tolist() == [
        90.41,
        95.59,
        5.18,  # exactly 5,18: no float noise (95,59 − 90,41 = 5,180000000000007)
        ROSE,
    ]
    assert out.at["xay-dung", "delta"] == 2.72
    assert (out.at["y-te", "delta"], out.at["y-te", "status"]) == (-1.43, FELL)
    assert out.at["ngoai-vu", "status"] == NO_DATA and pd.isna(out.at["ngoai-vu", "delta"])
    assert (out.at["full", "delta"], out.at["full", "status"]) == (0, HELD_MAX)
    assert out.at["gone", "status"] == GONE and pd.isna(out.at["gone", "new"])
    assert out.at["fresh", "status"] == NEW and pd.isna(out.at["fresh", "old"])
    # carried columns come from whichever snapshot has the unit
    assert out.at["gone", "unit"] == "Gone" and out.at["fresh", "unit"] == "Fresh"
    assert "rank_change" not in out.columns


@pytest.mark.parametrize(
    ("old", "new", "delta"),
    [
        (90.41, 95.59, 5.18),
        (89.59, 90.39, 0.8),
        (90.19, 86.98, -3.21),
        (87.34, 86.03, -1.31),
        (77.23, 52.96, -24.27),
        (33.47, 28.12, -5.35),
        (58.54, 61.02, 2.48),
        (0.1, 0.3, 0.2),
    ],
)
def test_delta_rounding(old, new, delta):
    out = compare_values(units([("a", old)]), units([("a", new)]))
    assert out.at[0, "delta"] == delta
    assert repr(float(out.at[0, "delta"])) == repr(delta)  # no float noise in the digits


def test_rank_columns():
    old = units([("prov", 75.0), ("a", 80.0), ("b", 70.0)], rank=[8, 21, 5], of=[63, 63, 63])
    new = units([("prov", 70.0), ("a", 85.0), ("c", 60.0)], rank=[20, 10, 3], of=[63, 63, 34])
    new["rank"] = new["rank"].astype("Int64")
    out = compare_values(old, new).set_index("unit_id")
    assert out.loc["prov", ["old_rank", "new_rank", "old_of", "new_of"]].tolist() == [8, 20, 63, 63]
    assert out.at["prov", "rank_change"] == -12  # "giảm 12 bậc"
    assert out.at["a", "rank_change"] == 11  # "tăng 11 bậc"
    assert pd.isna(out.at["b", "rank_change"]) and pd.isna(out.at["c", "rank_change"])
    assert str(out["rank_change"].dtype) == "Int64"


def test_rank_change_unranked_unit():
    old = units([("a", 80.0), ("b", NAN)], rank=pd.array([1, None], dtype="Int64"))
    new = units([("a", 80.0), ("b", 70.0)], rank=pd.array([1, 2], dtype="Int64"))
    out = compare_values(old, new).set_index("unit_id")
    assert out.at["a", "rank_change"] == 0  # "giữ nguyên"
    assert pd.isna(out.at["b", "rank_change"])


def test_maximum_as_a_column():
    """Indicators compared with each one's own maximum: at max in both → held_max."""
    old = pd.DataFrame(
        {
            "code": ["DOSSIER_SYNC", "PETITION", "PAYMENT", "COPY"],
            "points": [6.0, 6.0, 5.6, 2.0],
            "max": [6.0, 6.0, 6.0, 2.0],
        }
    )
    new = old.assign(points=[3.18, 6.0, 5.6, 2.0])
    out = compare_values(old, new, key="code", value="points", maximum="max", carry=())
    assert out.set_index("code")["status"].to_dict() == {
        "DOSSIER_SYNC": FELL,
        "PETITION": HELD_MAX,
        "PAYMENT": UNCHANGED,
        "COPY": HELD_MAX,
    }
    assert out.set_index("code").at["DOSSIER_SYNC", "delta"] == -2.82


def test_maximum_as_a_column_missing_from_frames():
    out = compare_values(units([("a", 100.0)]), units([("a", 100.0)]), maximum="max")
    assert out.at[0, "status"] == UNCHANGED


def test_rates_held_at_100_seed_004():
    """Seed 004: two indicators held at 100 %; online payment unchanged at 93,37 (not at max)."""
    old = pd.DataFrame(
        {"code": ["copy", "pakn", "payment", "sync"], "rate": [100, 100, 93.37, 77.23]}
    )
    new = old.assign(rate=[100, 100, 93.37, 52.96])
    out = compare_values(old, new, key="code", value="rate", maximum=100, carry=())
    assert out["status"].tolist() == [HELD_MAX, HELD_MAX, UNCHANGED, FELL]
    assert status_counts(out) == {
        FELL: 1,
        ROSE: 0,
        HELD_MAX: 2,
        UNCHANGED: 1,
        NEW: 0,
        GONE: 0,
        NO_DATA: 0,
    }


def test_output_order_new_snapshot_first_then_gone():
    old = units([("z", 1.0), ("gone", 2.0), ("a", 3.0)])
    new = units([("a", 4.0), ("fresh", 5.0), ("z", 6.0)])
    assert compare_values(old, new)["unit_id"].tolist() == ["a", "fresh", "z", "gone"]


def test_movers_biggest_first():
    old = units([("a", 90.0), ("b", 90.0), ("c", 90.0), ("d", 90.0), ("e", 80.0)])
    new = units([("a", 86.0), ("b", 83.66), ("c", 89.0), ("d", 86.0), ("e", 81.0)])
    cmp = compare_values(old, new)
    fell = movers(cmp, FELL)
    assert fell["unit_id"].tolist() == ["b", "a", "d", "c"]  # |delta| desc, ties by name
    assert fell["delta"].tolist() == [-6.34, -4.0, -4.0, -1.0]
    assert movers(cmp, ROSE)["unit_id"].tolist() == ["e"]
    assert movers(cmp, NEW).empty


def test_status_counts_include_every_status():
    counts = status_counts(compare_values(units([("a", 1.0)]), units([("a", 2.0)])))
    assert list(counts) == list(STATUSES)
    assert counts == {FELL: 0, ROSE: 1, HELD_MAX: 0, UNCHANGED: 0, NEW: 0, GONE: 0, NO_DATA: 0}

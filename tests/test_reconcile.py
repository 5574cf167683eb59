"""Reconciliation of the provincial system's counts with the portal's."""

from __future__ import annotations

import math

import pandas as pd

from chiso766.compute.reconcile import COLUMNS, reconcile


def own() -> pd.DataFrame:
    rows = [
        ("u1", "Sở Y tế", "department", "2.1", "PROGRESS_ON_TIME", 90, 100, 90.0),
        ("u1", "Sở Y tế", "department", "1.4", "DOSSIER_SYNC", 80, 100, 80.0),
        ("u1", "Sở Y tế", "department", "4.2", "SO_HOA_GIAY_TO_GIAI_QUYET", 70, 100, 70.0),
        ("u1", "Sở Y tế", "department", "avg_days", None, 300, 100, 3.0),
        ("u2", "Sở Xây dựng", "department", "2.1", "PROGRESS_ON_TIME", 5, 10, 50.0),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "unit_id",
            "unit",
            "level",
            "indicator",
            "code",
            "numerator",
            "denominator",
            "ratio",
        ],
    )


def portal() -> pd.DataFrame:
    rows = [
        ("u1", "PROGRESS_ON_TIME", 90, 100, 90.0),
        ("u1", "DOSSIER_SYNC", 80, 120, 66.67),
        ("u1", "SO_HOA_GIAY_TO_GIAI_QUYET", math.nan, math.nan, 70.4),
    ]
    frame = pd.DataFrame(rows, columns=["unit_id", "code", "numerator", "denominator", "value"])
    return frame.assign(scope="indicator", kind="rate")


def test_differences_and_flags():
    flat = reconcile(own(), portal())
    assert list(flat.columns) == COLUMNS
    out = flat.set_index(["unit_id", "indicator"])
    assert not out.loc[("u1", "2.1"), "flag"]
    sync = out.loc[("u1", "1.4")]
    assert (sync["diff_denominator"], sync["diff_ratio"], sync["flag"]) == (-20, 13.33, True)
    dig = out.loc[("u1", "4.2")]  # the portal gives only a ratio
    assert math.isnan(dig["portal_numerator"]) and dig["diff_ratio"] == -0.4 and not dig["flag"]
    assert ("u1", "avg_days") not in out.index
    # no portal value: shown, not flagged
    assert not out.loc[("u2", "2.1"), "flag"] and math.isnan(out.loc[("u2", "2.1"), "portal_ratio"])


def test_tolerances_are_parameters():
    out = reconcile(own(), portal(), tolerance=0.1).set_index(["unit_id", "indicator"])
    assert out.loc[("u1", "4.2"), "flag"]
    out = reconcile(own(), portal(), tolerance=20, count_tolerance=0.5)
    assert not out["flag"].any()

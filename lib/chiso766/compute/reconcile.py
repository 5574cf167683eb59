"""Reconcile the provincial system's counts with the portal's, per unit and indicator.

The gap seeds 000 and 004 complain about: the portal scores what reached it, the province's
system holds everything. Pure: takes the dossier indicator table and the portal's measures of
the matching snapshot; a row is flagged when the ratios differ by more than ``tolerance``
percentage points or the denominators by more than ``count_tolerance`` (a share).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chiso766.compute.dossier_indicators import AVG_DAYS, NAMES_VI, ORDER

TOLERANCE_PP = 1.0
COUNT_TOLERANCE = 0.02
COLUMNS = [
    "unit_id",
    "unit",
    "level",
    "indicator",
    "name",
    "own_numerator",
    "own_denominator",
    "own_ratio",
    "portal_numerator",
    "portal_denominator",
    "portal_ratio",
    "diff_numerator",
    "diff_denominator",
    "diff_ratio",
    "flag",
]


def reconcile(
    table: pd.DataFrame,
    portal: pd.DataFrame,
    tolerance: float = TOLERANCE_PP,
    count_tolerance: float = COUNT_TOLERANCE,
) -> pd.DataFrame:
    """Own (dossier) vs portal numerator, denominator and ratio per unit and indicator; the
    differences are own − portal; ``flag`` is True above the tolerance. Portal values missing
    (the portal gives only a ratio, or nothing) leave their columns empty and no flag unless
    the ratios differ."""
    own = table[table["indicator"] != AVG_DAYS].copy()
    rates = portal[(portal["scope"] == "indicator") & (portal["kind"] == "rate")]
    rates = rates.drop_duplicates(["unit_id", "code"], keep="last")
    rates = rates[["unit_id", "code", "numerator", "denominator", "value"]].rename(
        columns={
            "numerator": "portal_numerator",
            "denominator": "portal_denominator",
            "value": "portal_ratio",
        }
    )
    out = own.merge(rates, on=["unit_id", "code"], how="left")
    out = out.rename(
        columns={
            "numerator": "own_numerator",
            "denominator": "own_denominator",
            "ratio": "own_ratio",
        }
    )
    out["name"] = out["indicator"].map(NAMES_VI)
    out["diff_numerator"] = out["own_numerator"] - out["portal_numerator"]
    out["diff_denominator"] = out["own_denominator"] - out["portal_denominator"]
    out["diff_ratio"] = (out["own_ratio"] - out["portal_ratio"]).round(2)
    ratio_off = out["diff_ratio"].abs() > tolerance + 1e-9
    base = out["portal_denominator"].where(out["portal_denominator"] > 0)
    count_off = (out["diff_denominator"].abs() / base) > count_tolerance
    one_sided = out["own_ratio"].isna() != out["portal_ratio"].isna()
    has_portal = out["portal_ratio"].notna() | out["portal_denominator"].notna()
    out["flag"] = np.asarray(
        (ratio_off.fillna(False) | count_off.fillna(False) | one_sided) & has_portal, dtype=bool
    )
    out["_o"] = out["indicator"].map({k: i for i, k in enumerate(ORDER)})
    out["_p"] = out["level"].eq("province").astype(int)
    out = out.sort_values(["_p", "level", "unit", "_o"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)

"""The tidy 'measures' frame every source is read into and every computation starts from.

One row per (snapshot, unit, scope, code, kind):

- ``snapshot``: the period key the values belong to ("2025-04-08", "2024", "2026-08").
- ``unit_id``, ``unit``, ``level``: who (``level`` in :data:`chiso766.compute.units.LEVELS`).
- ``scope``: "total", "group", "indicator", "rank" (a national rank) or "count" (e.g. overdue).
- ``code``: group or indicator code; a tracked indicator's own name; "" for the total;
  for a rank, "total" (the overall rank) or a group code; for a count, what is counted.
- ``kind``: "rate" (%), "points", "rank" or "count".
- ``value``: the number, NaN for no data; ``numerator`` / ``denominator`` where known
  (for a rank, ``denominator`` is how many were ranked, e.g. 63).
- ``max_score``: the maximum a source states beside a score (portal), else NaN.
- ``flag`` / ``note``: a data-quality flag and free text ("Hệ thống không thông báo dữ liệu").
- ``label``: the name the source gave an indicator or group, shown in reports in place of the
  catalogue's name (an office keeps its own wording).
"""

from __future__ import annotations

import pandas as pd

COLUMNS: tuple[str, ...] = (
    "snapshot",
    "unit_id",
    "unit",
    "level",
    "scope",
    "code",
    "kind",
    "value",
    "numerator",
    "denominator",
    "max_score",
    "flag",
    "note",
    "label",
)
SCOPES = ("total", "group", "indicator", "rank", "count")
KINDS = ("rate", "points", "rank", "count")
KEY = ["snapshot", "unit_id", "scope", "code", "kind"]
_FLOATS = ("value", "numerator", "denominator", "max_score")


def empty() -> pd.DataFrame:
    """An empty measures frame with the right columns and dtypes."""
    return conform(pd.DataFrame(columns=list(COLUMNS)))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Add missing optional columns, order them, and fix dtypes (floats; text as object)."""
    frame = frame.copy()
    for col in COLUMNS:
        if col not in frame.columns:
            frame[col] = float("nan") if col in _FLOATS else None
    frame = frame[list(COLUMNS)]
    for col in _FLOATS:
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    for col in set(COLUMNS) - set(_FLOATS):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["code"] = frame["code"].fillna("")
    return frame.reset_index(drop=True)

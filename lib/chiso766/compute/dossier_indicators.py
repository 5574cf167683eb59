"""Pure finishing of the dossier aggregation: counts → indicator table → measures, records,
the lists of what costs points (with Vietnamese reasons), the overdue summary (seed 004) and
the late publication decisions table (seed 001).

Inputs are the small frames the engines return (:mod:`chiso766.engines.expressions`); nothing
here reads files or runs an engine.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chiso766.compute import measures as M
from chiso766.compute.rounding import round_half_up
from chiso766.compute.units import PROVINCE
from chiso766.engines.expressions import (
    COUNT_PAIRS,
    DECISION_INDICATORS,
    DECISION_PAIRS,
    DOSSIER_INDICATORS,
)
from chiso766.methodology import Catalogue

TABLE_COLUMNS = [
    "unit_id",
    "unit",
    "level",
    "indicator",
    "code",
    "numerator",
    "denominator",
    "ratio",
]
AVG_DAYS = "avg_days"
# indicator number → catalogue code (avg_days has none)
CODES: dict[str, str | None] = {
    **dict(DOSSIER_INDICATORS.values()),
    **dict(DECISION_INDICATORS.values()),
}
ORDER = ["1.1", "1.2", "1.4", "2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "5.4", AVG_DAYS]
NAMES_VI = {
    "1.1": "Tỷ lệ TTHC công bố đúng hạn",
    "1.2": "Tỷ lệ TTHC cập nhật, công khai đúng hạn",
    "1.4": "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG",
    "2.1": "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
    "3.3": "Tỷ lệ hồ sơ nộp trực tuyến",
    "3.6": "Tỷ lệ hồ sơ thanh toán trực tuyến",
    "4.1": "Tỷ lệ hồ sơ có kết quả điện tử",
    "4.2": "Tỷ lệ hồ sơ được số hóa",
    "4.3": "Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa",
    "5.4": "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
    AVG_DAYS: "Thời gian giải quyết bình quân (ngày làm việc)",
}


def ratio(numerator: float, denominator: float) -> float:
    """Percent with 2 decimals (half up); NaN when the denominator is 0."""
    if not denominator or math.isnan(denominator):
        return float("nan")
    return round_half_up(100.0 * numerator / denominator, 2)


def _value(indicator: str, num: float, den: float) -> float:
    if indicator == AVG_DAYS:
        return round_half_up(num / den, 2) if den else float("nan")
    return ratio(num, den)


def _long(counts: pd.DataFrame, pairs: dict, numbers: dict) -> pd.DataFrame:
    rows = []
    for rec in counts.to_dict("records"):
        for key, (num_col, den_col) in pairs.items():
            number = numbers[key][0]
            num, den = float(rec.get(num_col, 0) or 0), float(rec.get(den_col, 0) or 0)
            rows.append(
                {
                    "unit_id": rec["unit_id"],
                    "indicator": number,
                    "numerator": num,
                    "denominator": den,
                }
            )
    return pd.DataFrame(rows, columns=["unit_id", "indicator", "numerator", "denominator"])


def indicator_table(
    dossier_counts: pd.DataFrame,
    decision_counts: pd.DataFrame | None,
    units: pd.DataFrame,
    province: tuple[str, str],
) -> pd.DataFrame:
    """Long table, one row per unit × indicator plus the province pooled (sums of counts,
    never an average): unit_id, unit, level, indicator (number), code, numerator,
    denominator, ratio (percent, 2 decimals; days for ``avg_days``; NaN when 0/0).

    ``units`` gives (unit_id, unit, level) of every unit in the counts; ``province`` the
    (unit_id, name) the pooled rows are labelled with."""
    parts = [_long(dossier_counts, COUNT_PAIRS, DOSSIER_INDICATORS)]
    if decision_counts is not None and len(decision_counts):
        parts.append(_long(decision_counts, DECISION_PAIRS, DECISION_INDICATORS))
    long = pd.concat(parts, ignore_index=True)
    pooled = long.groupby("indicator", as_index=False)[["numerator", "denominator"]].sum()
    pooled.insert(0, "unit_id", province[0])
    long = long[long["unit_id"] != province[0]]
    names = units.drop_duplicates("unit_id").set_index("unit_id")
    long = long.assign(
        unit=long["unit_id"].map(names["unit"]), level=long["unit_id"].map(names["level"])
    )
    pooled = pooled.assign(unit=province[1], level=PROVINCE)
    out = pd.concat([long, pooled], ignore_index=True)
    out["code"] = out["indicator"].map(CODES)
    out["ratio"] = [
        _value(i, n, d)
        for i, n, d in zip(out["indicator"], out["numerator"], out["denominator"], strict=True)
    ]
    out["_p"] = out["level"].eq(PROVINCE).astype(int)
    out["_o"] = out["indicator"].map({k: i for i, k in enumerate(ORDER)})
    out = out.sort_values(["_p", "level", "unit", "_o"], kind="stable")
    return out[TABLE_COLUMNS].reset_index(drop=True)


def to_records(table: pd.DataFrame) -> list[dict]:
    """The JSON records of ``chiso766 indicators``: unit, indicator, numerator, denominator,
    ratio (null when the denominator is 0)."""
    out = []
    for r in table.itertuples(index=False):
        out.append(
            {
                "unit": r.unit,
                "indicator": r.indicator,
                "numerator": int(r.numerator) if r.indicator != AVG_DAYS else int(r.numerator),
                "denominator": int(r.denominator),
                "ratio": None if pd.isna(r.ratio) else float(r.ratio),
            }
        )
    return out


def to_measures(table: pd.DataFrame, snapshot: str, catalogue: Catalogue) -> pd.DataFrame:
    """The indicator table as a measures frame (scope indicator, kind rate, with counts),
    only for indicators of the catalogue that apply to each unit's level."""
    rows = []
    for r in table.itertuples(index=False):
        ind = catalogue.indicators.get(r.code) if isinstance(r.code, str) else None
        if ind is None or r.level not in ind.levels:
            continue
        rows.append(
            {
                "snapshot": snapshot,
                "unit_id": r.unit_id,
                "unit": r.unit,
                "level": r.level,
                "scope": "indicator",
                "code": r.code,
                "kind": "rate",
                "value": r.ratio,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "note": "Tính từ dữ liệu hồ sơ của hệ thống giải quyết TTHC tỉnh.",
            }
        )
    return M.conform(pd.DataFrame(rows)) if rows else M.empty()


# ---- what costs points ------------------------------------------------------------------------

REASONS_VI = {
    "late_finished": "Giải quyết quá hạn {days} ngày làm việc.",
    "late_in_progress": "Đang xử lý, đã quá hạn {days} ngày làm việc tại cuối kỳ.",
    "late_at_request": "Yêu cầu bổ sung sau khi đã quá hạn {days} ngày làm việc.",
    "supplement_multi": "Yêu cầu bổ sung {n} lần (từ lần thứ hai tính là quá hạn).",
    "not_online": "Hồ sơ không nộp trực tuyến.",
    "online_no_e_result": "Nộp trực tuyến nhưng TTHC trả kết quả bản giấy mà chưa có kết quả "
    "điện tử.",
    "not_paid_online": "Hồ sơ có phí, lệ phí nhưng chưa thanh toán trực tuyến.",
    "no_e_result": "Hồ sơ đã giải quyết nhưng không có kết quả điện tử.",
    "not_digitised": "Hồ sơ chưa được số hóa.",
    "not_reused": "Hồ sơ chưa tái sử dụng dữ liệu số hóa.",
    "not_synced": "Hồ sơ chưa được đồng bộ lên Cổng DVCQG.",
    "unsatisfied": "Công dân đánh giá không hài lòng.",
    "published_late": "Quyết định công bố chậm {days} ngày làm việc.",
    "not_published": "Chưa có quyết định công bố; đã chậm {days} ngày làm việc tại cuối kỳ.",
    "updated_late": "Công khai chậm {days} ngày làm việc sau quyết định công bố.",
    "not_updated": "Chưa công khai; đã chậm {days} ngày làm việc tại cuối kỳ.",
}


def reason_text(reason: str, days=None, supplements=None) -> str:
    """The Vietnamese sentence for a reason code."""
    template = REASONS_VI.get(reason, reason)
    days_text = "" if days is None or pd.isna(days) else str(int(days))
    n = "" if supplements is None or pd.isna(supplements) else str(int(supplements))
    return template.format(days=days_text, n=n)


def reason_texts(reasons: pd.Series, days: pd.Series, supplements: pd.Series) -> pd.Series:
    """:func:`reason_text` for whole columns: each distinct (reason, days, requests) is
    formatted once and shared (a column of references, not of copies)."""
    keys = pd.MultiIndex.from_arrays([reasons.to_numpy(), days.to_numpy(), supplements.to_numpy()])
    uniq = keys.unique()
    texts = np.array([reason_text(r, d, n) for r, d, n in uniq], dtype=object)
    return pd.Series(texts[uniq.get_indexer(keys)], index=reasons.index, dtype=object)


def target_met(table: pd.DataFrame, catalogue: Catalogue | None) -> set[tuple[str, str]]:
    """(unit_id, indicator) pairs of target-rule indicators at or above target: nothing there
    costs points."""
    if catalogue is None:
        return set()
    met = set()
    for r in table.itertuples(index=False):
        ind = catalogue.indicators.get(r.code) if isinstance(r.code, str) else None
        if ind is not None and ind.rule == "target" and not pd.isna(r.ratio):
            if r.ratio >= float(ind.target):
                met.add((r.unit_id, r.indicator))
    return met


COSTS_COLUMNS = [
    "unit_id",
    "unit",
    "level",
    "indicator",
    "reason",
    "reason_code",
    "days",
    "dossier_id",
    "procedure_code",
    "procedure_name",
    "received_at",
    "due_at",
    "end_day",
    "status",
    "applicant_name",
    "phone",
    "id_number",
]


def finish_costs(
    costs: pd.DataFrame,
    table: pd.DataFrame,
    procedures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The costs rows (in the engine's order: unit, indicator, most days over first) with
    unit names, procedure names and reasons in Vietnamese. Personal data is *not* masked here
    (see :func:`chiso766.masking.mask_personal`); rows of target indicators already at target
    are left out by the expression (see :func:`target_met`)."""
    if costs.empty:
        return pd.DataFrame(columns=COSTS_COLUMNS)
    out = costs.copy(deep=False)  # new columns only; the engine's frame is not changed
    names = table.drop_duplicates("unit_id").set_index("unit_id")
    out["unit"] = out["unit_id"].map(names["unit"])
    out["level"] = out["unit_id"].map(names["level"])
    out["reason_code"] = out["reason"]
    out["reason"] = reason_texts(out["reason"], out["days"], out["supplement_requests"])
    if procedures is not None and len(procedures):
        pn = procedures.drop_duplicates("procedure_code").set_index("procedure_code")
        out["procedure_name"] = out["procedure_code"].map(pn["procedure_name"])
    else:
        out["procedure_name"] = None
    return out[COSTS_COLUMNS]


DECISION_COLUMNS = [
    "unit_id",
    "advising_unit",
    "indicator",
    "reason",
    "reason_code",
    "days",
    "ministry_decision",
    "effective_date",
    "decision_number",
    "decision_date",
    "published_at",
    "procedures",
]


def decision_costs(rows: pd.DataFrame) -> pd.DataFrame:
    """Late publication (1.1) and late update (1.2) decisions, one row per decision and
    indicator, with the working days late (seed 001's table)."""
    out = []
    for r in rows.to_dict("records"):
        for col in ("decision_date", "published_at", "effective_date"):
            r[col] = None if pd.isna(r[col]) else pd.Timestamp(r[col]).date()
        if r["in_pub"] and not r["pub_on_time"]:
            code = "published_late" if r["decision_date"] is not None else "not_published"
            out.append({**r, "indicator": "1.1", "reason_code": code, "days": r["pub_late"]})
        if r["in_upd"] and not r["upd_on_time"]:
            code = "updated_late" if r["published_at"] is not None else "not_updated"
            out.append({**r, "indicator": "1.2", "reason_code": code, "days": r["upd_late"]})
    frame = pd.DataFrame(out)
    if frame.empty:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    for col in ("decision_date", "published_at", "effective_date"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["reason"] = [
        reason_text(c, d) for c, d in zip(frame["reason_code"], frame["days"], strict=True)
    ]
    frame = frame.sort_values(
        ["indicator", "days", "advising_unit", "ministry_decision", "effective_date"],
        ascending=[True, False, True, True, True],
        kind="stable",
    )
    return frame[DECISION_COLUMNS].reset_index(drop=True)


def overdue_summary(costs: pd.DataFrame, totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Overdue dossiers per unit as seed 004 lists them: level, unit, overdue (all), of which
    still in progress at the period's end, and the most working days over. ``totals``
    (unit_id, indicator, n, open) gives the counts when ``costs`` holds only the first rows
    of each unit's list (most days over first)."""
    cols = ["unit_id", "level", "unit", "overdue", "in_progress", "max_days"]
    late = costs[costs["indicator"] == "2.1"] if len(costs) else costs
    if late is None or late.empty:
        return pd.DataFrame(columns=cols)
    g = late.assign(open=late["reason_code"].eq("late_in_progress")).groupby(
        ["unit_id", "level", "unit"], as_index=False
    )
    out = g.agg(
        overdue=("dossier_id", "count"),
        in_progress=("open", "sum"),
        max_days=("days", "max"),
    )
    if totals is not None and len(totals):
        whole = totals[totals["indicator"] == "2.1"].set_index("unit_id")
        for col, src in (("overdue", "n"), ("in_progress", "open")):
            out[col] = out["unit_id"].map(whole[src]).fillna(out[col]).astype("int64")
    out = out.sort_values(["level", "overdue", "unit"], ascending=[True, False, True])
    return out[cols].reset_index(drop=True)

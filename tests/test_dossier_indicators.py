"""Finishing the dossier aggregation: the indicator table (pooled province), records,
measures, reasons and the lists of seeds 001 and 004."""

from __future__ import annotations

import math

import pandas as pd

from chiso766.compute import dossier_indicators as DI
from chiso766.engines.expressions import COUNT_COLUMNS
from chiso766.methodology import load_catalogue

UNITS = pd.DataFrame(
    {
        "unit_id": ["department:so-tu-phap", "commune:xa-long-ha"],
        "unit": ["Sở Tư pháp", "UBND xã Long Hà"],
        "level": ["department", "commune"],
    }
)
PROVINCE = ("province:tinh-tay-son", "UBND tỉnh Tây Sơn")


def counts(**per_unit) -> pd.DataFrame:
    rows = []
    for uid, values in per_unit.items():
        row = dict.fromkeys(COUNT_COLUMNS, 0)
        row.update(values)
        rows.append({"unit_id": uid, "wkey": "2026-03", **row})
    return pd.DataFrame(rows)


COUNTS = counts(
    **{
        "department:so-tu-phap": {"n_received": 3, "n_on_time": 1, "n_sync": 4, "n_synced": 4},
        "commune:xa-long-ha": {"n_received": 1, "n_on_time": 1, "n_sync": 1, "n_synced": 0},
    }
)


def table() -> pd.DataFrame:
    dec = pd.DataFrame(
        [
            {
                "unit_id": "department:so-tu-phap",
                "n_pub": 2,
                "n_pub_on_time": 1,
                "n_upd": 2,
                "n_upd_on_time": 2,
            }
        ]
    )
    return DI.indicator_table(COUNTS, dec, UNITS, PROVINCE)


def test_the_province_pools_counts_and_does_not_average():
    t = table().set_index(["unit_id", "indicator"])
    prov = t.loc[(PROVINCE[0], "2.1")]
    assert (prov["numerator"], prov["denominator"], prov["ratio"]) == (2, 4, 50.0)
    # the average of the two units' ratios would be (33,33 + 100) / 2 = 66,67
    assert t.loc[("department:so-tu-phap", "2.1"), "ratio"] == 33.33
    assert t.loc[(PROVINCE[0], "1.4"), "ratio"] == 80.0
    assert t.loc[(PROVINCE[0], "1.1"), "ratio"] == 50.0
    assert t.loc[(PROVINCE[0], "2.1"), "level"] == "province"


def test_a_zero_denominator_is_no_ratio():
    t = table().set_index(["unit_id", "indicator"])
    assert math.isnan(t.loc[("commune:xa-long-ha", "3.6"), "ratio"])
    recs = DI.to_records(table())
    r = next(r for r in recs if r["unit"] == "UBND xã Long Hà" and r["indicator"] == "3.6")
    assert r == {
        "unit": "UBND xã Long Hà",
        "indicator": "3.6",
        "numerator": 0,
        "denominator": 0,
        "ratio": None,
    }


def test_records_have_the_shape_scripts_rely_on():
    recs = DI.to_records(table())
    assert {tuple(r) for r in recs} == {("unit", "indicator", "numerator", "denominator", "ratio")}
    assert {r["indicator"] for r in recs} >= {
        "2.1",
        "3.3",
        "3.6",
        "4.1",
        "4.2",
        "1.4",
        "5.4",
        "1.1",
    }
    assert recs[-1]["unit"] == PROVINCE[1]  # the province comes last


def test_ratios_round_half_up():
    assert DI.ratio(1, 3) == 33.33 and DI.ratio(2, 3) == 66.67 and DI.ratio(1, 8) == 12.5
    assert math.isnan(DI.ratio(0, 0))


def test_measures_only_where_the_catalogue_applies():
    cat = load_catalogue("portal-2026")
    m = DI.to_measures(table(), "2026-03", cat)
    assert set(m["kind"]) == {"rate"} and set(m["scope"]) == {"indicator"}
    assert "avg_days" not in set(m["code"])
    # 1.2 is scored for the province only
    upd = m[m["code"] == "PUBLIC_UPDATE_ON_TIME"]
    assert upd["level"].tolist() == ["province"]
    row = m[(m["unit_id"] == PROVINCE[0]) & (m["code"] == "PROGRESS_ON_TIME")].iloc[0]
    assert (row["value"], row["numerator"], row["denominator"]) == (50.0, 2.0, 4.0)


def cost_rows() -> pd.DataFrame:
    base = dict(
        procedure_code="2.001023",
        received_at=pd.Timestamp("2026-03-02"),
        due_at=pd.Timestamp("2026-03-06"),
        end_day=None,
        status="in_progress",
        channel="direct",
        supplement_requests=0,
        applicant_name="Nguyễn Văn An",
        phone="0912345612",
        id_number="001203004589",
    )
    return pd.DataFrame(
        [
            {
                **base,
                "unit_id": "department:so-tu-phap",
                "indicator": "2.1",
                "reason": "late_in_progress",
                "days": 7,
                "dossier_id": "A",
            },
            {
                **base,
                "unit_id": "department:so-tu-phap",
                "indicator": "2.1",
                "reason": "supplement_multi",
                "days": 0,
                "dossier_id": "B",
                "supplement_requests": 2,
            },
            {
                **base,
                "unit_id": "commune:xa-long-ha",
                "indicator": "2.1",
                "reason": "late_finished",
                "days": 2,
                "dossier_id": "C",
            },
            {
                **base,
                "unit_id": "department:so-tu-phap",
                "indicator": "3.3",
                "reason": "not_online",
                "days": None,
                "dossier_id": "A",
            },
        ]
    )


def test_costs_get_names_and_reasons_and_targets_met_are_known():
    cat = load_catalogue("portal-2026")
    t = table()
    # 3.3 is a target indicator (50%): make the department meet it
    t.loc[(t["unit_id"] == "department:so-tu-phap") & (t["indicator"] == "3.3"), "ratio"] = 60.0
    procs = pd.DataFrame(
        {"procedure_code": ["2.001023"], "procedure_name": ["Cấp phiếu lý lịch tư pháp"]}
    )
    assert ("department:so-tu-phap", "3.3") in DI.target_met(t, cat)
    assert ("department:so-tu-phap", "2.1") not in DI.target_met(t, cat)  # linear
    out = DI.finish_costs(cost_rows(), t, procs)
    assert list(out.columns) == DI.COSTS_COLUMNS
    late = out[out["indicator"] == "2.1"]
    reasons = dict(zip(late["dossier_id"], late["reason"], strict=True))
    assert reasons["A"] == "Đang xử lý, đã quá hạn 7 ngày làm việc tại cuối kỳ."
    assert reasons["B"] == "Yêu cầu bổ sung 2 lần (từ lần thứ hai tính là quá hạn)."
    assert reasons["C"] == "Giải quyết quá hạn 2 ngày làm việc."
    assert set(out["procedure_name"]) == {"Cấp phiếu lý lịch tư pháp"}


def test_overdue_summary_as_seed_004_lists_it():
    out = DI.finish_costs(cost_rows(), table())
    summary = DI.overdue_summary(out).set_index("unit")
    assert summary.loc["Sở Tư pháp", "overdue"] == 2
    assert summary.loc["Sở Tư pháp", "in_progress"] == 1
    assert summary.loc["UBND xã Long Hà", "max_days"] == 2


def test_late_decisions_as_seed_001_tables_them():
    rows = pd.DataFrame(
        [
            {
                "unit_id": "department:so-tu-phap",
                "advising_unit": "Sở Tư pháp",
                "ministry_decision": "503/QĐ-BTTTT",
                "effective_date": pd.Timestamp("2026-02-25").date(),
                "decision_number": "101/QĐ-UBND",
                "decision_date": pd.Timestamp("2026-02-12").date(),
                "published_at": pd.Timestamp("2026-02-23").date(),
                "procedures": "2.001023",
                "in_pub": True,
                "pub_on_time": False,
                "pub_late": 1,
                "in_upd": True,
                "upd_on_time": False,
                "upd_late": 1,
            }
        ]
    )
    out = DI.decision_costs(rows)
    assert out["indicator"].tolist() == ["1.1", "1.2"]
    assert out["reason"].tolist() == [
        "Quyết định công bố chậm 1 ngày làm việc.",
        "Công khai chậm 1 ngày làm việc sau quyết định công bố.",
    ]
    assert DI.decision_costs(rows.assign(pub_on_time=True, upd_on_time=True)).empty

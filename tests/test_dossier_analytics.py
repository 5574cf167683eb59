"""Dossier analytics over a real store: windows, indicators, saving as a source, the portal
snapshot a period reconciles with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from chiso766 import dossier_analytics as DA
from chiso766 import store_dossiers as SD
from chiso766.compute.units import unit_id
from chiso766.ingest.dossier_inputs import read_export
from chiso766.store import Source, Store, sha256_of

DATA = Path(__file__).parent / "data" / "dossiers"
TUPHAP = "department:sở-tư-pháp"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        names = ("ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        SD.save(st, [read_export(DATA / n) for n in names], [sha256_of(DATA / n) for n in names])
        yield st


def test_windows():
    assert DA.window_for("2026-03").start == dt.date(2026, 3, 1)
    assert DA.window_for("2026-Q1").end == dt.date(2026, 3, 31)
    day = DA.window_for("2026-11-17")  # "tính đến hết ngày": from 1 January
    assert (day.key, day.start, day.end) == (
        "2026-11-17",
        dt.date(2026, 1, 1),
        dt.date(2026, 11, 17),
    )


def test_indicators_from_the_records(store):
    res = DA.compute(store, "2026-03")
    t = res.table.set_index(["unit_id", "indicator"])
    # HS1 on time, HS2 one day late, HS3 two supplement requests, HS4 withdrawn (no due date:
    # 3 working days of its procedure after Wed 04/3 → Mon 09/3, withdrawn that day: on time)
    assert tuple(t.loc[(TUPHAP, "2.1"), ["numerator", "denominator"]]) == (2, 4)
    # HS1 online with its electronic result; HS3 online, a procedure without paper result
    assert tuple(t.loc[(TUPHAP, "3.3"), ["numerator", "denominator"]]) == (2, 4)
    assert tuple(t.loc[(TUPHAP, "3.6"), ["numerator", "denominator"]]) == (1, 2)
    prov = t.loc[(DA.NO_PROVINCE[0], "2.1")]
    assert tuple(prov[["numerator", "denominator"]]) == (3, 6)
    assert res.table["unit"].iloc[-1] == "Toàn tỉnh"
    reasons = res.costs[res.costs["indicator"] == "2.1"].set_index("dossier_id")["reason_code"]
    assert reasons.to_dict() == {
        "000.00.12.H10-260302-0002": "late_finished",
        "000.00.12.H10-260303-0003": "supplement_multi",
        "000.00.31.H10-260305-0006": "late_in_progress",
    }


def test_decisions_in_the_february_window(store):
    res = DA.compute(store, "2026-02")
    t = res.table.set_index(["unit_id", "indicator"])
    assert tuple(t.loc[(TUPHAP, "1.1"), ["numerator", "denominator"]]) == (1, 2)
    late = res.decisions[res.decisions["indicator"] == "1.1"]
    assert late["decision_number"].tolist() == ["101/QĐ-UBND"]
    assert late["days"].tolist() == [1]
    march = DA.compute(store, "2026-03").decisions
    assert march.loc[march["indicator"] == "1.1", "reason_code"].tolist() == ["not_published"]


def test_costs_are_masked_in_outputs(store):
    res = DA.compute(store, "2026-03")
    out = DA.masked_costs(res, TUPHAP, "2.1")
    assert set(out["indicator"]) == {"2.1"} and set(out["unit_id"]) == {TUPHAP}
    assert "Trần T. B." in set(out["applicant_name"])
    assert not out.astype(str).apply(lambda c: c.str.contains("0987654321")).any().any()
    assert res.costs["phone"].str.contains("0987654321").any()  # unmasked until output


def table_measures(snapshot: str, value: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "snapshot": snapshot,
                "unit_id": TUPHAP,
                "unit": "Sở Tư pháp",
                "level": "department",
                "scope": "indicator",
                "code": "PROGRESS_ON_TIME",
                "kind": "rate",
                "value": value,
                "numerator": 3.0,
                "denominator": 4.0,
            }
        ]
    )


def test_saved_as_a_source_without_replacing_another_sources_values(store):
    store.ingest(table_measures("2026-03", 75.0), Source("bang.csv", "f" * 64, "table"))
    res = DA.compute(store, "2026-03", with_costs=False)
    saved, kept = DA.save_measures(store, res)
    assert kept == 1 and saved.status == "ingested"
    m = store.measures(["2026-03"], scopes=["indicator"]).set_index(["unit_id", "code"])
    assert m.loc[(TUPHAP, "PROGRESS_ON_TIME"), "value"] == 75.0  # the table's value stays
    assert m.loc[(TUPHAP, "ONLINE_DOSSIERS"), "value"] == 50.0  # the records fill the rest
    kinds = store.sources().set_index("source_id")["kind"]
    assert kinds[m.loc[(TUPHAP, "ONLINE_DOSSIERS"), "source_id"]] == "dossiers"
    again, _ = DA.save_measures(store, res)
    assert again.status == "unchanged"


def test_reconciliation_with_the_portal_snapshot_of_the_period(store):
    store.ingest(table_measures("2026-03-20", 80.0), Source("portal", "e" * 64, "portal"))
    assert DA.portal_snapshot(store, "2026-03") == "2026-03-20"
    assert DA.portal_snapshot(store, "2026-02") is None
    res = DA.compute(store, "2026-03-20", with_costs=False)  # 1 January → 20 March
    recon = DA.reconciliation(store, res, "2026-03-20")
    row = recon[(recon["unit_id"] == TUPHAP) & (recon["indicator"] == "2.1")].iloc[0]
    assert (row["own_ratio"], row["portal_ratio"], row["diff_numerator"]) == (50.0, 80.0, -1)
    assert row["flag"]
    assert DA.reconciliation(store, res, None).empty


def test_the_province_is_the_stores(store, tmp_path):
    assert DA.province_of(store) == DA.NO_PROVINCE
    prov = table_measures("2026-03", 1.0).assign(
        unit_id=unit_id("UBND tỉnh Tây Sơn", "province"), unit="UBND tỉnh Tây Sơn", level="province"
    )
    store.ingest(prov, Source("p", "d" * 64, "table"))
    assert DA.province_of(store)[1] == "UBND tỉnh Tây Sơn"


def test_a_store_without_records(tmp_path):
    with Store(tmp_path / "empty.duckdb") as st:
        res = DA.compute(st, "2026-03")
        assert res.empty


def test_keep_holds_each_lists_first_rows_and_whole_lengths(store):
    """``keep``: each (unit, indicator) list cut to its first rows (most days over first), its
    whole length and how many are still in progress kept beside it — the report's counts and
    its overdue table equal those of the whole lists."""
    from chiso766.compute.dossier_indicators import overdue_summary

    full = DA.compute(store, "2026-03")
    cut = DA.compute(store, "2026-03", keep=1)
    assert full.cost_totals is None
    pairs = full.costs.groupby(["unit_id", "indicator"])
    assert len(cut.costs) == pairs.ngroups < len(full.costs)
    lengths = cut.cost_totals.set_index(["unit_id", "indicator"])
    assert lengths["n"].to_dict() == pairs.size().to_dict()
    opened = full.costs.assign(o=full.costs["reason_code"].eq("late_in_progress"))
    in_progress = opened.groupby(["unit_id", "indicator"])["o"].sum()
    assert lengths["open"].to_dict() == in_progress.to_dict()
    first = full.costs.sort_values("days", ascending=False, na_position="last", kind="stable")
    first = first.groupby(["unit_id", "indicator"], sort=False).head(1)
    key = ["unit_id", "indicator", "dossier_id"]
    assert sorted(map(tuple, cut.costs[key].values)) == sorted(map(tuple, first[key].values))
    whole = overdue_summary(full.costs)
    assert overdue_summary(cut.costs, cut.cost_totals).equals(whole)


def test_worst_first_orders_a_province_list_across_units(store):
    res = DA.compute(store, "2026-03")
    out = DA.masked_costs(res, indicator="2.1", worst_first=True)
    days = out["days"].tolist()
    assert days == sorted(days, key=lambda d: -d if d == d else float("inf"))


def test_reconciliation_is_remembered_until_a_new_source(store):
    from chiso766.ingest.tables import read_table

    res = DA.compute(store, "2026-03")
    first = DA.reconciliation_cached(store, res, "2026-03-31")
    assert DA.reconciliation_cached(store, res, "2026-03-31") is first
    table = Path(__file__).parents[1] / "examples" / "don-vi-theo-ngay.csv"
    read = read_table(table)
    store.ingest(read.measures, Source(str(table), sha256_of(table), "table", read.methodology))
    assert DA.reconciliation_cached(store, res, "2026-03-31") is not first

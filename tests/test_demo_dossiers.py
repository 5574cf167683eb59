"""The demo's dossier records: consistent with the snapshot they stand behind, and showing
every case the reports talk about."""

from __future__ import annotations

import pandas as pd
import pytest

from chiso766 import dossier_analytics as DA
from chiso766 import store_dossiers as SD
from chiso766.demo import generate
from chiso766.demo_dossiers import generate_dossiers
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.store import Store

COUNTED = ["2.1", "3.3", "3.6", "1.4", "5.4"]


@pytest.fixture(scope="module")
def computed(demo_dossier_store):
    with Store(demo_dossier_store, read_only=True) as st:
        yield DA.compute(st, "2026-11-17")


@pytest.fixture(scope="module")
def snapshot() -> pd.DataFrame:
    m = generate("merged").measures
    m = m[(m["snapshot"] == "2026-11-17") & (m["scope"] == "indicator")]
    return m[["unit_id", "level", "code", "value", "numerator", "denominator"]]


def test_the_demos_computed_ratios_equal_those_its_snapshot_was_generated_from(computed, snapshot):
    j = computed.table.merge(snapshot, on=["unit_id", "code"], suffixes=("", "_snap"))
    counted = j[j["indicator"].isin(COUNTED)]
    assert len(counted) == 5 * 118  # 117 units and the province
    pd.testing.assert_series_equal(
        counted["ratio"], counted["value"], check_names=False, check_index=False
    )
    assert (counted["numerator"] == counted["numerator_snap"]).all()
    assert (counted["denominator"] == counted["denominator_snap"]).all()
    # 4.1–4.3 (a ratio only in the snapshot): the nearest whole count of dossiers
    rated = j[j["indicator"].isin(["4.1", "4.2", "4.3"]) & (j["level"] != "province")]
    slack = 50 / rated["denominator"] + 0.005
    assert ((rated["ratio"] - rated["value"]).abs() <= slack).all()
    # 1.1 and 1.2 of the province: as close as 40 decisions allow
    prov = j[(j["level"] == "province") & j["indicator"].isin(["1.1", "1.2"])]
    assert ((prov["ratio"] - prov["value"]).abs() <= 50 / prov["denominator"] + 0.005).all()


def test_the_demo_shows_every_case(computed):
    reasons = set(computed.costs["reason_code"])
    assert {
        "late_finished",
        "late_in_progress",
        "supplement_multi",
        "late_at_request",
        "not_synced",
        "not_paid_online",
        "not_digitised",
        "no_e_result",
        "online_no_e_result",
        "unsatisfied",
    } <= reasons
    late = computed.decisions[computed.decisions["indicator"] == "1.1"]
    assert {"published_late", "not_published"} <= set(late["reason_code"])
    assert (late["days"] > 0).all()


def test_records_are_deterministic_and_complete():
    data = generate("merged")
    a, b = generate_dossiers(data), generate_dossiers(data)
    pd.testing.assert_frame_equal(a.dossiers, b.dossiers)
    assert a.dossiers["dossier_id"].is_unique
    assert a.dossiers["received_at"].min() < pd.Timestamp("2026-01-01")  # carried in for 1.4
    statuses = set(a.dossiers["status"])
    assert statuses == {"in_progress", "processed", "returned", "withdrawn", "refused", "stopped"}
    assert (a.dossiers["supplement_requests"] >= 1).sum() > 100
    assert a.dossiers["due_at"].isna().sum() > 100  # judged by the legal time


def test_the_demo_store_holds_them(demo_dossier_store):
    with Store(demo_dossier_store, read_only=True) as st:
        counts = SD.counts(st)
    assert counts[DOSSIERS] == 139242 and counts[PROCEDURES] == 12 and counts[DECISIONS] == 40


def test_the_districts_variant_too():
    data = generate("districts")
    demo = generate_dossiers(data)
    assert demo.snapshot == "2025-04-08"
    assert demo.dossiers["received_at"].max() <= pd.Timestamp("2025-04-09")

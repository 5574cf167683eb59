import time
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from chiso766 import demo
from chiso766.compute import measures as M
from chiso766.compute.periods import DAY, parse_period
from chiso766.compute.ranking import add_classes, rank_within
from chiso766.compute.scoring import Scores, ratio_from_counts, score_snapshot
from chiso766.compute.units import COMMUNE, DEPARTMENT, DISTRICT, LEVELS, PROVINCE, infer_level
from chiso766.methodology import load_bands, load_catalogue, version_for_date

BANDS = load_bands()
CLASSES = {b.name for b in BANDS}

# variant: methodology, provinces nationally, default end, units per level in each snapshot
EXPECTED = {
    "merged": (
        "portal-2026",
        34,
        date(2026, 11, 17),
        {PROVINCE: 1, DEPARTMENT: 18, COMMUNE: 100},
    ),
    "districts": (
        "qd766-2022",
        63,
        date(2025, 4, 8),
        {PROVINCE: 1, DEPARTMENT: 17, DISTRICT: 9, COMMUNE: 60},
    ),
}


@pytest.fixture(scope="module", params=list(EXPECTED))
def data(request) -> demo.DemoData:
    return demo.generate(request.param)


@pytest.fixture(scope="module")
def last(data) -> Scores:
    m = data.measures
    return score_snapshot(m[m["snapshot"] == data.snapshots[-1]], data.catalogue)


@pytest.fixture(scope="module")
def last_scores(last) -> pd.DataFrame:
    return rank_within(add_classes(last.units, BANDS))


def totals_of(data: demo.DemoData, unit_ids, snapshots=None) -> pd.DataFrame:
    """Total per snapshot (rows) and unit (columns) for a few units, scored in one go."""
    m = data.measures[data.measures["unit_id"].isin(unit_ids)]
    if snapshots is not None:
        m = m[m["snapshot"].isin(snapshots)]
    m = m.copy()
    m["unit_id"] = m["snapshot"] + "|" + m["unit_id"]
    m["snapshot"] = "all"
    units = score_snapshot(m, data.catalogue).units
    keys = units["unit_id"].str.split("|", n=1, expand=True)
    return units.assign(snapshot=keys[0], unit_id=keys[1]).pivot(
        index="snapshot", columns="unit_id", values="total"
    )


# --- determinism ----------------------------------------------------------------------------


def test_same_arguments_give_identical_frames(data):
    again = demo.generate(data.variant)
    pd.testing.assert_frame_equal(data.measures, again.measures, check_exact=True)
    assert dict(data.story) == dict(again.story)


def test_another_seed_gives_other_values(data):
    other = demo.generate(data.variant, seed=767)
    assert set(other.measures["unit_id"]) == set(data.measures["unit_id"])
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(data.measures, other.measures, check_exact=True)


def test_generation_is_fast():
    start = time.perf_counter()
    demo.generate("merged")
    assert time.perf_counter() - start < 3.0


# --- shape ----------------------------------------------------------------------------------


def test_metadata(data):
    methodology, _, _, _ = EXPECTED[data.variant]
    assert data.methodology == methodology
    assert data.province == demo.PROVINCE_NAME
    assert data.catalogue.version == methodology
    province = data.measures[data.measures["level"] == PROVINCE]
    assert set(province["unit"]) == {demo.PROVINCE_NAME}


def test_measures_frame_conforms(data):
    m = data.measures
    assert tuple(m.columns) == M.COLUMNS
    pd.testing.assert_frame_equal(M.conform(m), m, check_exact=True)
    assert not m.duplicated(M.KEY).any()
    assert set(m["scope"]) <= set(M.SCOPES)
    assert set(m["kind"]) <= set(M.KINDS)


def test_units_and_levels(data):
    m = data.measures
    assert set(m["level"]) <= set(LEVELS)
    names = m.drop_duplicates("unit_id")
    assert names["unit"].is_unique
    assert m.groupby("unit_id")["unit"].nunique().max() == 1
    for name, level in zip(names["unit"], names["level"], strict=True):
        assert infer_level(name) == level, name
    _, _, _, per_level = EXPECTED[data.variant]
    counts = m.groupby(["snapshot", "level"])["unit_id"].nunique().unstack()
    for level, n in per_level.items():
        assert (counts[level] == n).all(), level
    assert set(counts.columns) == set(per_level)


def test_snapshots_are_a_year_of_weeks(data):
    _, _, end, _ = EXPECTED[data.variant]
    keys = data.snapshots
    assert len(keys) == 52
    assert keys[-1] == end.isoformat()
    days = [parse_period(k) for k in keys]
    assert all(p.kind == DAY and p.key == k for p, k in zip(days, keys, strict=True))
    assert all(b.day - a.day == timedelta(days=7) for a, b in zip(days, days[1:], strict=False))
    assert days[0].day > end - timedelta(days=365)
    assert all(p.day.weekday() == end.weekday() for p in days)
    assert {version_for_date(p.day) for p in days} == {data.methodology}


def test_every_unit_has_its_level_indicators(data):
    m = data.measures
    cat = data.catalogue
    ind = m[m["scope"] == "indicator"]
    assert set(ind["kind"]) == {"rate"}
    per_unit = ind.groupby(["snapshot", "unit_id", "level"])["code"].apply(frozenset)
    for (_, _, level), codes in per_unit.items():
        expected = {c for c, i in cat.indicators.items() if i.scored and level in i.levels}
        assert codes == expected
    update = ind[ind["code"] == "PUBLIC_UPDATE_ON_TIME"]
    assert set(update["level"]) == {PROVINCE}


def test_values_are_percentages(data):
    rates = data.measures[data.measures["kind"] == "rate"]["value"].dropna()
    assert rates.between(0, 100).all()
    assert (rates.round(2) == rates).all()


# --- counts ---------------------------------------------------------------------------------


def test_ratios_from_counts(data):
    m = data.measures
    counted = m[m["denominator"].notna() & (m["scope"] == "indicator")]
    assert {"PROGRESS_ON_TIME", "DOSSIER_SYNC", "DOSSIER_RECEIVING_SATISFACTION"} <= set(
        counted["code"]
    )
    assert (counted["numerator"] <= counted["denominator"]).all()
    assert (counted["numerator"] >= 0).all()
    ok = counted[counted["denominator"] > 0]
    expected = [
        ratio_from_counts(n, d) for n, d in zip(ok["numerator"], ok["denominator"], strict=True)
    ]
    assert ok["value"].tolist() == expected
    plain = (ok["numerator"] / ok["denominator"] * 100).round(2)
    assert (ok["value"] - plain).abs().max() <= 0.01 + 1e-9


def test_zero_denominators_have_no_value_and_score_full(data, last):
    m = data.measures
    zero = m[(m["denominator"] == 0) & (m["scope"] == "indicator")]
    assert len(zero)
    assert set(zero["code"]) <= {"PETITION_PROCESSING_ON_TIME", "PETITION_HANDLING_SATISFACTION"}
    assert (zero["numerator"] == 0).all()
    assert zero["value"].isna().all()
    z = last.indicators[last.indicators["denominator"] == 0]
    assert len(z) and (z["points"] == z["max"]).all()


def test_province_pools_its_units_counts(data):
    m = data.measures
    snap = data.snapshots[0]
    rows = m[(m["snapshot"] == snap) & (m["code"] == "PROGRESS_ON_TIME")]
    province = rows[rows["level"] == PROVINCE]
    units = rows[rows["level"] != PROVINCE]
    assert province["denominator"].iloc[0] == units["denominator"].sum()
    assert province["numerator"].iloc[0] == units["numerator"].sum()


# --- the last snapshot ----------------------------------------------------------------------


def test_every_class_in_the_last_snapshot(last_scores):
    units = last_scores[last_scores["level"].isin([DEPARTMENT, COMMUNE])]
    assert set(units["class"].dropna()) == CLASSES
    assert units.loc[units["total"] >= 90, "class"].eq("Xuất sắc").all()
    assert units.loc[units["total"] < 50, "class"].eq("Yếu").all()


def test_a_tie_among_communes(data, last_scores):
    communes = last_scores[(last_scores["level"] == COMMUNE) & last_scores["total"].notna()]
    assert communes["total"].round(2).duplicated().any()
    a, b = data.story["tie"]
    pair = communes.set_index("unit_id").loc[[a, b]]
    assert pair["total"].nunique() == 1
    assert pair["rank"].nunique() == 1


def test_no_data_department(data, last_scores):
    (uid,) = data.story["no_data"]
    m = data.measures
    rows = m[m["unit_id"] == uid]
    assert set(rows["level"]) == {DEPARTMENT}
    empty = rows[rows["note"] == demo.NO_DATA_NOTE]
    weeks = sorted(empty["snapshot"].unique())
    assert len(weeks) >= 3
    assert data.snapshots[-1] in weeks
    assert empty["value"].isna().all()
    assert empty["numerator"].isna().all() and empty["denominator"].isna().all()
    other_weeks = rows[~rows["snapshot"].isin(weeks) & (rows["scope"] == "indicator")]
    assert other_weeks["value"].notna().any()
    unit = last_scores.set_index("unit_id").loc[uid]
    assert pd.isna(unit["total"]) and pd.isna(unit["rank"]) and pd.isna(unit["of"])
    assert unit["class"] is None
    assert unit["note"] == demo.NO_DATA_NOTE
    deps = last_scores[last_scores["level"] == DEPARTMENT]
    assert deps["of"].dropna().eq(deps["total"].notna().sum()).all()


def test_new_and_gone_units(data):
    m = data.measures
    first, last = data.snapshots[0], data.snapshots[-1]
    in_first = set(m.loc[m["snapshot"] == first, "unit_id"])
    in_last = set(m.loc[m["snapshot"] == last, "unit_id"])
    (new,) = data.story["new"]
    (gone,) = data.story["gone"]
    assert in_last - in_first == {new}
    assert in_first - in_last == {gone}
    seen_new = sorted(m.loc[m["unit_id"] == new, "snapshot"].unique())
    seen_gone = sorted(m.loc[m["unit_id"] == gone, "snapshot"].unique())
    assert seen_new == data.snapshots[len(seen_gone) :]


def test_story_moves(data):
    story = data.story
    ends = data.snapshots[:4] + data.snapshots[-4:]
    totals = totals_of(data, story["improving"] + story["top"], ends)
    for uid in story["improving"]:
        assert totals[uid].iloc[-4:].mean() - totals[uid].iloc[:4].mean() > 10
    assert (totals[story["top"][0]] >= 90).all()
    second_half = data.snapshots[:2] + data.snapshots[len(data.snapshots) // 2 :]
    totals = totals_of(data, story["collapsing"], second_half)
    for uid in story["collapsing"]:
        steps = totals[uid].diff()
        assert steps.min() < -15  # a sharp fall in one week
        assert totals[uid].iloc[-1] < totals[uid].iloc[0] - 20


# --- the province -------------------------------------------------------------------------


def test_province_total_every_week(data):
    m = data.measures
    totals = totals_of(data, m.loc[m["level"] == PROVINCE, "unit_id"].unique()).iloc[:, 0]
    assert len(totals) == 52
    assert totals.between(50, 95).all()
    assert 65 <= totals.mean() <= 88


def test_national_ranks(data):
    _, provinces, _, _ = EXPECTED[data.variant]
    m = data.measures
    ranks = m[m["scope"] == "rank"]
    assert set(ranks["level"]) == {PROVINCE}
    assert set(ranks["kind"]) == {"rank"}
    assert set(ranks["code"]) == {"total", *data.catalogue.group_codes()}
    assert (ranks["denominator"] == provinces).all()
    assert ranks["value"].between(1, provinces).all()
    assert (ranks["value"] == ranks["value"].round()).all()
    per_week = ranks.groupby("snapshot")["code"].nunique()
    assert (per_week == len(data.catalogue.groups) + 1).all() and len(per_week) == 52
    total = ranks[ranks["code"] == "total"].sort_values("snapshot")["value"]
    steps = total.diff().abs().dropna()
    assert steps.max() <= 10 and steps.mean() <= 4 and (steps > 0).sum() >= 10


# --- arguments ------------------------------------------------------------------------------


def test_shorter_run():
    d = demo.generate("districts", weeks=10, end=date(2025, 6, 24))
    assert len(d.snapshots) == 10 and d.snapshots[-1] == "2025-06-24"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"variant": "wards"},
        {"weeks": 3},
        {"variant": "merged", "end": date(2025, 8, 5)},  # starts before portal-2026
        {"variant": "districts", "end": date(2025, 8, 5)},  # after qd766-2022
    ],
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        demo.generate(**kwargs)


def test_catalogues_match_profiles():
    for version in ("portal-2026", "qd766-2022"):
        cat = load_catalogue(version)
        scored = {c for c, i in cat.indicators.items() if i.scored}
        assert scored <= set(demo._PROFILE)


def test_values_are_finite_or_nan(data):
    values = data.measures[["value", "numerator", "denominator"]].to_numpy()
    assert not np.isinf(values).any()

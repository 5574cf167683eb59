"""Portal scores against the workbook's recomputation: check_scores and `check-scores`."""

import json
import math
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from chiso766.cli.portal import ingest_portal, register
from chiso766.compute import measures as M
from chiso766.ingest.portal import read_portal_folder
from chiso766.methodology import load_catalogue
from chiso766.portal.checks import (
    CHECK_COLUMNS,
    attach_computed,
    check_scores,
    online_split_fit,
    recompute,
    summarise,
)
from chiso766.store import Store

TINY = Path(__file__).parent / "data" / "portal" / "tiny-2026-08"
PHU_THO = Path(__file__).parent / "data" / "portal-samples" / "phu-tho-2026-08"
CAT = load_catalogue("portal-2026")


def _rows(*rows) -> pd.DataFrame:
    base = {"snapshot": "2026-08", "unit": "UBND xã A", "level": "commune", "unit_id": "a"}
    return M.conform(pd.DataFrame([{**base, **r} for r in rows]))


def test_recomputes_from_counts_and_compares_within_tolerance():
    m = _rows(
        {"scope": "indicator", "code": "PROGRESS_ON_TIME", "kind": "rate", "value": 90,
         "numerator": 450, "denominator": 500},
        {"scope": "indicator", "code": "PROGRESS_ON_TIME", "kind": "points", "value": 18.01},
        {"scope": "group", "code": "TDGQ", "kind": "points", "value": 17.5},
    )  # fmt: skip
    checks = check_scores(m, CAT).set_index(["scope", "code"])
    assert list(check_scores(m, CAT).columns) == CHECK_COLUMNS
    ind = checks.loc[("indicator", "PROGRESS_ON_TIME")]
    assert (ind["recomputed"], ind["status"]) == (18.0, "match")  # 0,01 apart: within
    grp = checks.loc[("group", "TDGQ")]
    assert (grp["portal"], grp["recomputed"], grp["difference"]) == (17.5, 18.0, 0.5)
    assert grp["status"] == "differs"
    assert (
        check_scores(m, CAT, tolerance=0)
        .set_index(["scope", "code"])
        .loc[("indicator", "PROGRESS_ON_TIME"), "status"]
        == "differs"
    )


def test_null_and_zero_match_and_scores_without_counts_are_not_recomputable():
    m = _rows(
        {"scope": "indicator", "code": "PUBLISH_ON_TIME", "kind": "rate", "value": None,
         "numerator": 0, "denominator": 0},  # 1.1: 0/0 scores 0; the portal says null
        {"scope": "indicator", "code": "PUBLISH_ON_TIME", "kind": "points", "value": None},
        {"scope": "group", "code": "CLGQ", "kind": "points", "value": 6.2},
        {"scope": "indicator", "code": "PETITION_CLASSIFICATION_TTHC", "kind": "points"},
    )  # fmt: skip
    checks = check_scores(m, CAT).set_index(["scope", "code"])
    assert len(checks) == 2  # monitored indicators (max 0) are not checked
    row = checks.loc[("indicator", "PUBLISH_ON_TIME")]
    assert math.isnan(row["portal"]) and row["recomputed"] == 0 and row["status"] == "match"
    row = checks.loc[("group", "CLGQ")]
    assert row["status"] == "not recomputable" and math.isnan(row["recomputed"])
    assert online_split_fit(check_scores(m, CAT)) == {
        "fits": 0,
        "differs": 0,
        "not_recomputable": 1,
        "units": 1,
    }


def test_recompute_and_attach_computed():
    m = _rows(
        {"scope": "indicator", "code": "PAYMENT_DOSSIERS", "kind": "rate", "numerator": 90,
         "denominator": 100, "value": 90},
        {"scope": "group", "code": "TTTT", "kind": "points", "value": 8.15},
    )  # fmt: skip
    rec = recompute(m, CAT).set_index(["scope", "code"])["recomputed"]
    assert rec[("indicator", "PAYMENT_DOSSIERS")] == 5.4 and rec[("group", "TTTT")] == 5.4
    out = attach_computed(m, CAT)
    assert out.loc[out["scope"] == "group", "computed"].tolist() == [5.4]
    assert out.loc[out["kind"] == "rate", "computed"].isna().all()
    assert recompute(m[m["kind"] == "points"], CAT).empty


def test_one_snapshot_only():
    m = pd.concat([_rows({"scope": "group", "code": "TDGQ", "kind": "points", "value": 1})] * 2)
    m.iloc[1, m.columns.get_loc("snapshot")] = "2026-07"
    with pytest.raises(ValueError, match="one snapshot"):
        check_scores(m, CAT)


def test_tiny_fixture_lists_exactly_its_one_difference():
    checks = check_scores(read_portal_folder(TINY, "2026-08").measures, CAT)
    diffs = checks[checks["status"] == "differs"]
    assert diffs[["unit", "code", "portal", "recomputed"]].values.tolist() == [
        ["UBND xã Tam Đường", "TTTT", 8.15, 8.65]
    ]
    assert online_split_fit(checks) == {"fits": 1, "differs": 0, "not_recomputable": 2, "units": 3}


@pytest.fixture(scope="module")
def sample_checks():
    return check_scores(read_portal_folder(PHU_THO, "2026-08").measures, CAT)


def test_samples_every_recomputable_score_is_reproduced(sample_checks):
    """Phú Thọ 8/2026: progress, payment (164 units each) and the province's online score."""
    summary = summarise(sample_checks).set_index(["scope", "code"])
    groups = summary.loc["group"]
    assert groups["match"].to_dict() == {
        "CKMB": 7, "TDGQ": 164, "CLGQ": 1, "TTTT": 164, "MDSH": 7, "MDHL": 7,
    }  # fmt: skip
    assert groups["not recomputable"].to_dict() == {
        "CKMB": 0, "TDGQ": 0, "CLGQ": 163, "TTTT": 0, "MDSH": 0, "MDHL": 0,
    }  # fmt: skip
    assert summary["differs"].sum() == 0
    assert summary.loc[("indicator", "PROGRESS_ON_TIME"), "match"] == 164
    assert online_split_fit(sample_checks) == {
        "fits": 1,
        "differs": 0,
        "not_recomputable": 163,
        "units": 164,
    }


def test_samples_exact_to_the_hundredth_but_for_rounding(sample_checks):
    """Without tolerance, at most 4 scores are 0,01 apart, all rounding cases.

    With ratios rounded to 2 decimals and decimal half-up points: the province's 4.1 (the
    portal scores 133 609 / 184 503 unrounded: 4,34, not 4,35) and so its MDSH (8,24), and
    two communes' payment score (5,19 / 6,91); float half-up points fix the last two.
    """
    exact = sample_checks[sample_checks["difference"].abs() > 0.001]
    assert set(exact["difference"].abs()) <= {0.01}
    known = {
        ("MDSH", "UBND tỉnh Phú Thọ"),
        ("ORIGINAL_RESULT_AVAILABLE", "UBND tỉnh Phú Thọ"),
        ("TTTT", "UBND xã Bình Tuyền"),
        ("TTTT", "UBND xã Lai Đồng"),
    }
    assert set(zip(exact["code"], exact["unit"], strict=True)) <= known


# ---- the command --------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path):
    app = typer.Typer()
    register(app)
    store = tmp_path / "s.duckdb"
    with Store(store) as st:
        ingest_portal(TINY, "2026-08", st)
    return app, store


def test_check_scores_json(cli):
    app, store = cli
    result = CliRunner().invoke(
        app, ["check-scores", "2026-08", "--store", str(store), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["period"] == "2026-08" and report["tolerance"] == 0.01
    [diff] = report["differences"]
    assert (diff["unit"], diff["code"], diff["portal"], diff["recomputed"]) == (
        "UBND xã Tam Đường",
        "TTTT",
        8.15,
        8.65,
    )
    assert report["online_split"]["not_recomputable"] == 2
    clgq = next(s for s in report["summary"] if s["code"] == "CLGQ")
    assert (clgq["match"], clgq["not recomputable"]) == (1, 2)


def test_check_scores_table(cli):
    app, store = cli
    result = CliRunner().invoke(app, ["check-scores", "2026-08", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "1 chênh lệch:" in result.output
    assert "UBND xã Tam Đường" in result.output and "8,65" in result.output
    assert "khớp 1/1 đơn vị tính lại được; 2 đơn vị không tính lại được" in result.output
    assert "Cổng DVCQG" in result.output and "Tính lại" in result.output  # Vietnamese headers


def test_check_scores_of_an_empty_period_fails_clearly(cli):
    app, store = cli
    result = CliRunner().invoke(app, ["check-scores", "2026-07", "--store", str(store)])
    assert result.exit_code == 1 and "không có gì để đối chiếu cho kỳ 2026-07" in result.output
    result = CliRunner().invoke(app, ["check-scores", "soon", "--store", str(store)])
    assert result.exit_code == 1 and "kỳ 'soon' không hợp lệ" in result.output


def test_check_scores_with_nothing_to_recompute_exits_non_zero(tmp_path):
    """A period whose values are tables (no portal counters): nothing to check is not 'no
    differences'."""
    from chiso766.cli import app
    from conftest import SEED004, ingest_files

    store = tmp_path / "t.duckdb"
    ingest_files(store, SEED004 / "004-departments.csv")
    result = CliRunner().invoke(app, ["check-scores", "2025-04-08", "--store", str(store)])
    assert result.exit_code == 1 and "không có gì để đối chiếu" in result.output
    assert "không có chênh lệch" not in result.output


def test_check_scores_strict_exits_3_on_a_difference(cli):
    app, store = cli
    result = CliRunner().invoke(app, ["check-scores", "2026-08", "--store", str(store), "--strict"])
    assert result.exit_code == 3 and "1 chênh lệch:" in result.output

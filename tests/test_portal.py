"""Reading the portal's evaluation API responses: shapes, nulls, flags, units, periods, ranks."""

import datetime as dt
import json
import math
import shutil
import unicodedata
from pathlib import Path

import pytest

from chiso766.cli.portal import ingest_portal
from chiso766.compute.scoring import score_snapshot
from chiso766.ingest.errors import IngestError, Problems
from chiso766.ingest.portal import (
    ARCHIVE_KIND,
    MANIFEST,
    is_portal_folder,
    read_endpoint,
    read_portal_folder,
    read_service_results,
)
from chiso766.methodology import load_catalogue
from chiso766.portal.fetch import store_read
from chiso766.portal.provinces import load_provinces
from chiso766.store import Store, sha256_of

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

TINY = Path(__file__).parent / "data" / "portal" / "tiny-2026-08"
SAMPLES = Path(__file__).parent / "data" / "portal-samples"
PHU_THO = SAMPLES / "phu-tho-2026-08"
LAI_CHAU = "019d2be3-6a88-732b-8b10-4fd42fc9139b"
LANG_SON = "019d2be3-6a81-771b-b671-9078297c4a7b"
DEPT = "0a000000-0000-7000-8000-000000000001"
COMMUNE = "0a000000-0000-7000-8000-000000000002"
PHU_THO_ID = "019d2be3-6a88-732b-8b17-b68020c8553a"


@pytest.fixture(scope="module")
def tiny():
    return read_portal_folder(TINY, "2026-08")


@pytest.fixture(scope="module")
def samples():
    return read_portal_folder(PHU_THO, "2026-08")


@pytest.fixture
def folder(tmp_path):
    """A writable copy of the tiny fixture."""
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


def edit(path: Path, change) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def one(frame, **where):
    sel = frame
    for col, value in where.items():
        sel = sel[sel[col] == value]
    assert len(sel) == 1, where
    return sel.iloc[0]


# ---- the tiny hand-made fixture -----------------------------------------------------------


def test_every_group_and_unit_is_read(tiny):
    m = tiny.measures
    assert tiny.snapshot == "2026-08" and set(m["snapshot"]) == {"2026-08"}
    assert tiny.province.code == "H35" and tiny.province_id == LAI_CHAU
    mine = m[m["unit_id"].isin([LAI_CHAU, DEPT, COMMUNE])]
    levels = dict(zip(mine["unit_id"], mine["level"], strict=True))
    assert levels == {LAI_CHAU: "province", DEPT: "department", COMMUNE: "commune"}
    groups = mine[mine["scope"] == "group"]
    assert len(groups) == 18 and set(groups["kind"]) == {"points"}
    prov = groups[groups["unit_id"] == LAI_CHAU].set_index("code")
    assert prov["value"].to_dict() == {
        "CKMB": 10.2,
        "TDGQ": 16.0,
        "CLGQ": 7.55,
        "TTTT": 7.5,
        "MDSH": 8.25,
        "MDHL": 13.8,
    }
    assert prov["max_score"].to_dict() == {
        "CKMB": 18,
        "TDGQ": 20,
        "CLGQ": 12,
        "TTTT": 10,
        "MDSH": 22,
        "MDHL": 18,
    }
    assert tiny.warnings == []


def test_metrics_keep_counts_ratio_score_and_nulls(tiny):
    m = tiny.measures
    rate = one(m, unit_id=LAI_CHAU, code="PUBLIC_UPDATE_ON_TIME", kind="rate")
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (75, 3, 4)
    pts = one(m, unit_id=LAI_CHAU, code="PUBLIC_UPDATE_ON_TIME", kind="points")
    assert (pts["value"], pts["max_score"], pts["scope"]) == (3, 4, "indicator")
    null_rate = one(m, unit_id=LAI_CHAU, code="PUBLISH_ON_TIME", kind="rate")
    assert math.isnan(null_rate["value"]) and null_rate["denominator"] == 0
    assert math.isnan(one(m, unit_id=LAI_CHAU, code="PUBLISH_ON_TIME", kind="points")["value"])
    copy = one(m, unit_id=COMMUNE, code="ELECTRONIC_CERTIFIED_COPY", kind="rate")
    assert (
        copy["value"] == 100 and math.isnan(copy["numerator"]) and math.isnan(copy["denominator"])
    )
    for code in ("DOSSIER_RECEIVING_SATISFACTION", "PROGRESS_ON_TIME"):  # portal: ratio 0
        zero = one(m, unit_id=DEPT, code=code, kind="rate")
        assert math.isnan(zero["value"]) and zero["denominator"] == 0  # 0/0 is no data
    monitored = one(m, unit_id=LAI_CHAU, code="PETITION_CLASSIFICATION_TTHC", kind="points")
    assert math.isnan(monitored["value"]) and monitored["max_score"] == 0


def test_data_quality_flags_and_messages_are_kept(tiny):
    m = tiny.measures
    for kind in ("rate", "points"):
        row = one(m, unit_id=LAI_CHAU, code="DOSSIER_SYNC", kind=kind)
        assert row["flag"] == "TEMP_NATIONAL_REPORT_DENOMINATOR"
        assert row["note"].startswith("Mẫu số BCQG/GRIS đang dùng số tạm")
    row = one(m, unit_id=DEPT, code="DOSSIER_SYNC", kind="rate")
    assert row["flag"] == "NO_NATIONAL_REPORT_DATA" and math.isnan(row["value"])
    assert row["note"] == "Không có dữ liệu báo cáo tổng hợp."
    assert one(m, unit_id=COMMUNE, code="DOSSIER_SYNC", kind="rate")["flag"] is None


def test_unit_names_are_the_portals_nfc_and_one_per_unit(tiny):
    names = tiny.measures.groupby("unit_id")["unit"].unique()
    assert all(len(v) == 1 for v in names)
    name = names[COMMUNE][0]
    assert name == "UBND xã Tam Đường" and unicodedata.is_normalized("NFC", name)
    assert names[DEPT][0] == "Sở Tư pháp"  # the portal's " - Tỉnh Lai Châu" suffix is dropped
    codes = tiny.units.set_index("unit_id")["code"]
    assert (codes[LAI_CHAU], codes[DEPT], codes[COMMUNE]) == ("H35", "H35.05", "H35.100")


def test_tree_counters_become_indicator_rates(tiny):
    m = tiny.measures
    row = one(m, unit_id=COMMUNE, code="PROGRESS_ON_TIME", kind="rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (90, 450, 500)
    row = one(m, unit_id=COMMUNE, code="PROGRESS_ON_TIME", kind="points")
    assert (row["value"], row["max_score"]) == (18, 20)
    assert one(m, unit_id=COMMUNE, scope="count", code="overdue")["value"] == 50
    pay = m[(m["unit_id"] == LAI_CHAU) & m["code"].str.startswith("PAYMENT_")]
    got = {r.code: (r.value, r.numerator, r.denominator) for r in pay.itertuples()}
    assert got == {
        "PAYMENT_DOSSIERS": (75, 300, 400),
        "PAYMENT_PROCEDURES": (40, 40, 100),
        "PAYMENT_FEE_INTEGRATED": (90, 90, 100),
    }
    online = m[(m["unit_id"] == LAI_CHAU) & m["code"].str.startswith("ONLINE_")]
    got = {r.code: (r.value, r.numerator, r.denominator) for r in online.itertuples()}
    assert got == {
        "ONLINE_PROVIDED": (70, 35, 50),  # (partial 20 + full 15) / authorities 50
        "ONLINE_SERVICE_WITH_DOSSIERS": (25, 100, 400),
        "ONLINE_DOSSIERS": (40, 600, 1500),
    }
    # children of provide-online-tree carry scores only
    assert not len(m[(m["unit_id"] == DEPT) & m["code"].str.startswith("ONLINE_")])
    zero = one(m, unit_id=DEPT, code="PAYMENT_DOSSIERS", kind="rate")
    assert math.isnan(zero["value"]) and zero["denominator"] == 0  # 0/0 is no data, not 0 %


def test_recomputation_sits_beside_the_portal_scores(tiny):
    m = tiny.measures
    assert one(m, unit_id=LAI_CHAU, scope="group", code="CLGQ")["computed"] == 7.55
    assert one(m, unit_id=COMMUNE, scope="group", code="TTTT")["computed"] == 8.65
    assert math.isnan(one(m, unit_id=DEPT, scope="group", code="CLGQ")["computed"])
    assert one(m, unit_id=LAI_CHAU, code="DOSSIER_SYNC", kind="points")["computed"] == 5.4
    assert m.loc[m["kind"] != "points", "computed"].isna().all()


def test_reports_use_the_portals_score(tiny):
    m = tiny.measures
    m = m[m["scope"] != "total"]  # the national table is for the rank, not for scoring
    groups = score_snapshot(m, load_catalogue("portal-2026"), prefer_given=True).groups
    assert one(groups, unit_id=COMMUNE, group="TTTT")["points"] == 8.15


# ---- service-results: every province, national rank ---------------------------------------


def test_national_totals_and_rank_with_a_tie(tiny):
    """service-results.json is built by us from provinces-34.csv (no capture exists)."""
    m = tiny.measures
    totals = m[m["scope"] == "total"]
    assert len(totals) == 34 and set(totals["level"]) == {"province"}
    assert set(totals["unit_id"]) == {p.root_department_id for p in load_provinces()}
    assert one(totals, unit_id=PHU_THO_ID)["value"] == 59.92
    ranks = m[m["scope"] == "rank"].set_index("code")
    assert set(ranks["unit_id"]) == {LAI_CHAU}
    assert set(ranks["denominator"]) == {34} and set(ranks["kind"]) == {"rank"}
    mine = one(totals, unit_id=LAI_CHAU)["value"]
    assert mine == one(totals, unit_id=LANG_SON)["value"] == 63.3
    expected = 1 + int((totals["value"] > mine).sum())
    assert ranks.at["total", "value"] == expected
    assert set(ranks.index) == {"total", "CKMB", "TDGQ", "CLGQ", "TTTT", "MDSH", "MDHL"}


def _national(totals: list[float], groups: dict | None = None) -> dict:
    """A service-results answer built from the first provinces of provinces-34.csv."""
    provinces = load_provinces()[: len(totals)]
    items = [
        {
            "departmentId": p.root_department_id,
            "departmentName": p.name,
            "departmentCode": p.code,
            "totalScore": t,
            "scoreDelta": None,
            "groupScores": (groups or {}).get(p.code, {"CKMB": 10.0, "MDHL": t / 10}),
        }
        for p, t in zip(provinces, totals, strict=True)
    ]
    return {"code": "OK", "message": "OK", "data": {"overview": {}, "evaluation": items}}


def test_ties_share_a_rank_and_missing_groups_are_not_ranked():
    """Responses built from provinces-34.csv in the shape the README describes."""
    provinces = load_provinces()
    answer = _national([70.0, 65.0, 65.0, 50.0])
    for pid, rank in ((provinces[1], 2), (provinces[2], 2), (provinces[3], 4)):
        read = read_service_results([answer], pid.root_department_id, Problems("x"))
        got = {r["code"]: (r["value"], r["denominator"]) for r in read.rows if r["scope"] == "rank"}
        assert got["total"] == (rank, 4)
        assert got["CKMB"] == (1, 4)  # all equal
        assert "TDGQ" not in got  # no group score → not ranked, never ranked as 0


def test_province_absent_from_service_results_warns():
    problems = Problems("service-results.json")
    read = read_service_results([_national([70.0, 60.0])], PHU_THO_ID, problems)
    assert not [r for r in read.rows if r["scope"] == "rank"]
    assert len([r for r in read.rows if r["scope"] == "total"]) == 2
    assert "no national rank" in problems.warnings[0].problem


def test_service_results_disagreeing_with_a_group_endpoint_warns(folder):
    def change(doc):
        for item in doc["data"]["evaluation"]:
            if item["departmentId"] == LAI_CHAU:
                item["groupScores"]["CLGQ"] = 9.0

    edit(folder / "service-results.json", change)
    read = read_portal_folder(folder, "2026-08")
    assert any("group CLGQ" in w.problem for w in read.warnings)
    assert one(read.measures, unit_id=LAI_CHAU, scope="group", code="CLGQ")["value"] == 7.55


# ---- periods, heads and broken answers ----------------------------------------------------


def test_a_folder_without_period_is_a_clear_error():
    with pytest.raises(IngestError, match="pass --period"):
        read_portal_folder(TINY)


def test_periods_the_portal_does_not_serve_are_refused():
    with pytest.raises(IngestError, match="portal serves month, quarter and year"):
        read_portal_folder(TINY, "2026-W10")
    with pytest.raises(IngestError, match="invalid period"):
        read_portal_folder(TINY, "August")


def test_quarter_and_year_periods(folder):
    assert read_portal_folder(folder, "2026-Q3").snapshot == "2026-Q3"
    assert read_portal_folder(folder, 2025).snapshot == "2025"


def test_a_period_not_yet_ended_is_provisional(folder):
    read = read_portal_folder(folder, "2026-08", today=dt.date(2026, 8, 20))
    assert read.provisional and read.snapshot_info["2026-08"]["provisional"] is True
    assert any("has not ended" in w.problem for w in read.warnings)


def test_a_head_shorter_than_its_pagination_is_read_with_a_warning(folder):
    edit(folder / "transparency.json", lambda d: d["data"]["pagination"].update(total=5))
    (folder / "transparency.json").rename(folder / "transparency.head.json")
    read = read_portal_folder(folder, "2026-08")
    assert read.shortfalls == {"transparency": (2, 5)}
    [w] = read.warnings
    assert "lists 2 of the 5 units" in w.problem and w.severity == "warning"
    assert len(read.measures.query("scope == 'group' and code == 'CKMB'")) == 3


def test_full_answer_wins_over_a_head(folder):
    shutil.copy(folder / "transparency.json", folder / "transparency.head.json")
    read = read_portal_folder(folder, "2026-08")
    assert [f.path.name for f in read.files if f.endpoint == "transparency"] == [
        "transparency.json"
    ]
    assert "transparency.json used" in read.warnings[0].problem


def test_pages_are_joined(folder):
    def first(doc):
        doc["data"]["evaluation"] = doc["data"]["evaluation"][:1]
        doc["data"]["pagination"].update(pageSize=1, totalPages=2)

    def second(doc):
        doc["data"]["evaluation"] = doc["data"]["evaluation"][1:]
        doc["data"]["pagination"].update(currentPage=2, pageSize=1, totalPages=2)

    shutil.copy(folder / "transparency.json", folder / "transparency.page-2.json")
    edit(folder / "transparency.json", first)
    edit(folder / "transparency.page-2.json", second)
    read = read_portal_folder(folder, "2026-08")
    assert read.warnings == []
    assert len(read.measures.query("scope == 'group' and code == 'CKMB'")) == 3


@pytest.mark.parametrize(
    "body, message",
    [
        (
            b'{"code":"ERROR","message":"H\xe1\xbb\x87 th\xe1\xbb\x91ng b\xe1\xba\xadn"}',
            "code 'ERROR'",
        ),
        (b'{"code":"OK","data":{"parent":', "not a JSON answer"),
        (b"<html>Bad gateway</html>", "not a JSON answer"),
        (b'{"code":"OK","data":{"children":[]}}', "no 'parent' object"),
        (b'{"code":"OK","data":null}', "no 'data' object"),
    ],
)
def test_broken_answers_are_errors(folder, body, message):
    (folder / "dvc-progress-tree.json").write_bytes(body)
    with pytest.raises(IngestError, match=message) as err:
        read_portal_folder(folder, "2026-08")
    assert err.value.problems[0].file.endswith("dvc-progress-tree.json")


def test_unknown_unit_type_is_an_error(folder):
    edit(
        folder / "transparency.json",
        lambda d: d["data"]["evaluation"][0].update(departmentType="MINISTRY"),
    )
    with pytest.raises(IngestError, match="unknown type"):
        read_portal_folder(folder, "2026-08")


def test_responses_of_two_provinces_are_refused(folder):
    edit(
        folder / "provide-online-tree.json",
        lambda d: d["data"]["parent"].update(departmentId=PHU_THO_ID),
    )
    with pytest.raises(IngestError, match="several provinces"):
        read_portal_folder(folder, "2026-08")


def test_other_files_are_ignored_and_missing_groups_said(folder):
    (folder / "formalities-page-1.json").write_text('{"code":"OK","data":{}}', encoding="utf-8")
    (folder / "formality-online-payment-tree.json").unlink()
    read = read_portal_folder(folder, "2026-08")
    problems = [w.problem for w in read.warnings]
    assert "formalities-page-1.json: not an evaluation endpoint; ignored" in problems
    assert any("group TTTT is missing" in p for p in problems)


def test_is_portal_folder(tmp_path, folder):
    assert is_portal_folder(folder) and is_portal_folder(str(TINY))
    assert not is_portal_folder(tmp_path / "nothing")
    assert not is_portal_folder(folder / "transparency.json")
    (tmp_path / "empty").mkdir()
    assert not is_portal_folder(tmp_path / "empty")
    (tmp_path / "empty" / "formalities-page-1.json").write_text("{}", encoding="utf-8")
    assert not is_portal_folder(tmp_path / "empty")


def test_read_endpoint_from_dicts():
    answer = json.loads((TINY / "dvc-progress-tree.json").read_text(encoding="utf-8"))
    read = read_endpoint("dvc-progress-tree", [answer], Problems("x"))
    assert read.listed == 2 and read.root_id == LAI_CHAU and read.expected is None


# ---- archives (manifest) ------------------------------------------------------------------


def _archive(folder: Path, period: str = "2026-08", provisional: bool = False) -> None:
    files = [
        {"file": p.name, "endpoint": p.name.removesuffix(".json"), "page": 1,
         "sha256": sha256_of(p), "fetched_at": "2026-09-02T08:00:00"}
        for p in sorted(folder.glob("*.json"))
    ]  # fmt: skip
    manifest = {"kind": ARCHIVE_KIND, "version": 1, "period": period,
                "provisional": provisional, "files": files,
                "province": {"rootDepartmentId": LAI_CHAU, "code": "H35"}}  # fmt: skip
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_an_archive_says_its_period(folder):
    _archive(folder, provisional=True)
    read = read_portal_folder(folder)
    assert read.snapshot == "2026-08" and read.provisional
    assert read.taken_at == dt.datetime(2026, 9, 2, 8, 0)
    with pytest.raises(IngestError, match="holds period 2026-08, not 2026-07"):
        read_portal_folder(folder, "2026-07")


def test_an_archive_file_changed_after_fetch_is_refused(folder):
    _archive(folder)
    (folder / "transparency.json").write_bytes(b"{}")
    with pytest.raises(IngestError, match="changed since it was fetched"):
        read_portal_folder(folder)


def test_a_period_folder_reads_its_latest_fetch(tmp_path):
    for stamp in ("20260901T080000", "20260902T080000"):
        shutil.copytree(TINY, tmp_path / stamp)
        _archive(tmp_path / stamp)
    (tmp_path / ".partial-20260903T080000-1").mkdir()
    assert is_portal_folder(tmp_path)
    assert read_portal_folder(tmp_path).folder.name == "20260902T080000"


# ---- into the store -----------------------------------------------------------------------


def test_ingest_is_atomic_idempotent_and_keeps_recomputation(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        line = ingest_portal(TINY, "2026-08", st)
        assert line.startswith("Lai Châu 2026-08: ") and "\n" not in line
        counts = st.counts()
        assert counts["snapshots"] == 1 and counts["units"] == 36
        again = ingest_portal(TINY, "2026-08", st)
        assert "already ingested" in again and st.counts() == counts
        m = st.measures(["2026-08"])
        row = one(m, unit_id=COMMUNE, scope="group", code="TTTT")
        assert (row["value"], row["computed"], row["max_score"]) == (8.15, 8.65, 10)
        snap = st.snapshots().iloc[0]
        assert snap["methodology"] == "portal-2026" and not snap["provisional"]
        units = st.units().set_index("unit_id")
        assert units.at[COMMUNE, "code"] == "H35.100"
        assert units.at[COMMUNE, "name"] == "UBND xã Tam Đường"
        meta = json.loads(st.sources().iloc[0]["meta"])
        assert meta["province_id"] == LAI_CHAU and len(meta["files"]) == 7


def test_warnings_travel_with_the_source(folder, tmp_path):
    (folder / "formalities-page-1.json").write_text("{}", encoding="utf-8")
    read = read_portal_folder(folder, "2026-08")
    with Store(tmp_path / "s.duckdb") as st:
        store_read(st, read)
        meta = json.loads(st.sources().iloc[0]["meta"])
    assert meta["warnings"] == ["formalities-page-1.json: not an evaluation endpoint; ignored"]


def test_not_a_portal_folder_is_a_clear_error(tmp_path):
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(IngestError, match="not a folder"):
        ingest_portal(tmp_path, "2026-08", st)


# ---- the real samples (Phú Thọ, 8/2026) ---------------------------------------------------


def test_samples_province_scores(samples):
    m = samples.measures
    groups = m[(m["unit_id"] == PHU_THO_ID) & (m["scope"] == "group")].set_index("code")
    assert groups["value"].to_dict() == {
        "CKMB": 7.96,
        "MDHL": 12.96,
        "MDSH": 8.24,
        "TDGQ": 15.68,
        "CLGQ": 8.83,
        "TTTT": 6.25,
    }
    assert samples.province.code == "H44"
    scores = score_snapshot(m, load_catalogue("portal-2026"), prefer_given=True)
    assert one(scores.units, unit_id=PHU_THO_ID)["total"] == 59.92


def test_samples_units_levels_and_warnings(samples):
    units = samples.units
    assert len(units) == 164
    assert units["level"].value_counts().to_dict() == {
        "commune": 148,
        "department": 15,
        "province": 1,
    }
    assert samples.shortfalls == {
        "transparency": (6, 163),
        "dossier-digitized": (6, 163),
        "handling-satisfaction": (6, 163),
    }
    assert len(samples.warnings) == 4  # three heads + formalities-page-1.json ignored


def test_samples_online_parent_reproduces_8_83(samples):
    m = samples.measures
    online = m[(m["unit_id"] == PHU_THO_ID) & m["code"].str.startswith("ONLINE_")]
    assert online.set_index("code")["value"].to_dict() == {
        "ONLINE_PROVIDED": 92.86,
        "ONLINE_SERVICE_WITH_DOSSIERS": 20.63,
        "ONLINE_DOSSIERS": 98.93,
    }
    assert one(m, unit_id=PHU_THO_ID, scope="group", code="CLGQ")["computed"] == 8.83


def test_samples_worked_example(samples):
    m = samples.measures
    for code, value in (("TDGQ", 15.68), ("TTTT", 6.25), ("MDHL", 12.96)):
        assert one(m, unit_id=PHU_THO_ID, scope="group", code=code)["computed"] == value
    row = one(m, unit_id=PHU_THO_ID, code="DOSSIER_RECEIVING_SATISFACTION", kind="points")
    assert row["value"] == row["computed"] == 5.21
    sync = one(m, unit_id=PHU_THO_ID, code="DOSSIER_SYNC", kind="rate")
    assert sync["flag"] == "TEMP_NATIONAL_REPORT_DENOMINATOR"


# ---- issue 9: values range-checked, shapes checked, archives kept to their folder ------------
def _metric(doc, i=0, m=2):
    return doc["data"]["evaluation"][i]["metrics"][m]


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (
            lambda d: d["data"]["evaluation"][0].update(totalScore=-32.5),
            "evaluation[0].totalScore",
            "a negative value",
        ),
        (lambda d: _metric(d).update(ratio=500), "evaluation[0].metrics[2].ratio", "above 100"),
        (
            lambda d: _metric(d).update(score=99),
            "evaluation[0].metrics[2].score",
            "points above the maximum of 2",
        ),
        (
            lambda d: d["data"]["evaluation"][0].update(totalScore=float("inf")),
            "evaluation[0].totalScore",
            "not a finite number",
        ),
        (
            lambda d: _metric(d).update(numerator=-1),
            "evaluation[0].metrics[2].numerator",
            "a negative count",
        ),
        (
            lambda d: d["data"]["evaluation"][0].update(metrics=7),
            "evaluation[0].metrics",
            "expected a list",
        ),
        (
            lambda d: d["data"]["evaluation"][0].update(departmentType=["PROVINCE"]),
            "evaluation[0].departmentType",
            "unknown type",
        ),
        (
            lambda d: d["data"]["pagination"].update(total=float("nan")),
            "pagination.total",
            "expected a whole number",
        ),
    ],
)
def test_a_period_with_an_impossible_value_is_refused(folder, change, field, problem):
    edit(folder / "transparency.json", change)
    with pytest.raises(IngestError) as err:
        read_portal_folder(folder, "2026-08")
    hits = [p for p in err.value.problems if p.column == field]
    assert hits and problem in hits[0].problem, err.value.summary()
    assert hits[0].file.endswith("transparency.json")


def test_deeply_nested_json_is_refused_not_crashed_on(folder):
    (folder / "transparency.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(IngestError, match="nested more than 64 levels"):
        read_portal_folder(folder, "2026-08")


def test_manifest_paths_stay_inside_the_archive(folder, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"code": "OK", "data": "SECRET-CONTENT"}', encoding="utf-8")
    _archive(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][0]["file"] = "../secret.json"
    manifest["files"][0].pop("sha256", None)
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IngestError, match="outside the archive folder") as err:
        read_portal_folder(folder)
    assert "SECRET-CONTENT" not in err.value.summary()


def test_a_link_out_of_the_folder_is_refused(folder, tmp_path):
    outside = tmp_path / "outside.json"
    shutil.copyfile(folder / "transparency.json", outside)
    (folder / "transparency.json").unlink()
    (folder / "transparency.json").symlink_to(outside)
    with pytest.raises(IngestError, match="outside the archive folder"):
        read_portal_folder(folder, "2026-08")


@pytest.mark.parametrize(
    ("manifest", "field"),
    [
        ([1, 2], "manifest.json"),
        ({"kind": ARCHIVE_KIND, "period": "2026-08", "files": ["transparency.json"]}, "files[0]"),
        ({"kind": ARCHIVE_KIND, "period": "2026-08", "files": "x"}, "manifest.files"),
    ],
)
def test_malformed_manifests_are_errors(folder, manifest, field):
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_portal_folder(folder)
    assert any(field in (p.column or "") for p in err.value.problems), err.value.summary()


def test_a_score_that_disagrees_with_its_parts_is_a_warning_kept_with_it(folder):
    def change(doc):
        unit = doc["data"]["evaluation"][0]
        for m in unit["metrics"]:
            m.update(score=1, maxScore=6, numerator=1, denominator=6, ratio=16.67)
        unit["totalScore"] = 9  # the four parts sum to 4

    edit(folder / "transparency.json", change)
    read = read_portal_folder(folder, "2026-08")
    text = "evaluation[0].totalScore: the score 9 differs from the sum of its parts 4"
    assert any(w.problem.startswith(text) for w in read.warnings)
    row = one(read.measures, unit_id=DEPT, scope="group", code="CKMB")
    assert row["flag"] == "total_differs_from_parts" and text in row["note"]
    assert text in " ".join(read.source().meta["warnings"])

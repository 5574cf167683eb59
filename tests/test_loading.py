"""reports.py: building a report from the store, including a portal snapshot."""

from __future__ import annotations

import pytest

from chiso766.cli.portal import ingest_portal
from chiso766.report.loading import load_province_report, source_warnings
from chiso766.report.view import ReportView
from chiso766.store import Store

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


@pytest.fixture(scope="module")
def portal_store(tmp_path_factory, request):
    from conftest import PORTAL_SAMPLES

    folder = PORTAL_SAMPLES / "phu-tho-2026-08"
    store = Store(tmp_path_factory.mktemp("portal") / "p.duckdb")
    ingest_portal(folder, "2026-08", store)
    yield store
    store.close()


def test_province_report_from_a_portal_snapshot(portal_store):
    report = load_province_report(portal_store, "2026-08")
    assert report.province == "UBND tỉnh Phú Thọ" and report.methodology == "portal-2026"
    assert report.headline["total"] == 59.92
    groups = dict(zip(report.groups["group"], report.groups["new"], strict=True))
    assert groups == {
        "CKMB": 7.96,
        "TDGQ": 15.68,
        "CLGQ": 8.83,
        "TTTT": 6.25,
        "MDSH": 8.24,
        "MDHL": 12.96,
    }
    assert [s.level for s in report.levels] == ["department", "commune"]
    notes = " ".join(report.notes)
    assert "TEMP_NATIONAL_REPORT_DENOMINATOR" in notes and "NO_NATIONAL_REPORT_DATA" in notes
    assert "Tệp phản hồi transparency của Cổng chỉ có 6/163 đơn vị" in notes  # head files
    text = " ".join(report.text("headline"))
    assert "đạt 59,92 điểm, xếp loại Trung bình" in text
    assert "Chưa có số liệu xếp hạng toàn quốc" in text  # no service-results sample


def test_incomplete_units_are_not_called_no_data(portal_store):
    report = load_province_report(portal_store, "2026-08")
    dept = report.levels[0]
    texts = [s.text for s in dept.sentences]
    assert any(t.startswith("Chưa đủ số liệu để tính tổng điểm của 11 cơ quan") for t in texts)
    assert not any("Hệ thống không thông báo dữ liệu đối với" in t for t in texts)
    html = str(ReportView(report).level(dept, 1))
    assert "Chưa đủ số liệu" in html


def test_a_portal_score_that_differs_from_the_recomputation_is_noted(portal_store):
    con = portal_store.con
    con.execute(
        "UPDATE measures SET computed = value - 0.5 WHERE snapshot = '2026-08' AND "
        "scope = 'group' AND code = 'TDGQ' AND kind = 'points' AND unit_id IN "
        "(SELECT unit_id FROM units WHERE level = 'province')"
    )
    report = load_province_report(portal_store, "2026-08")
    assert any(
        "khác với kết quả tính lại" in n and "check-scores 2026-08" in n for n in report.notes
    )
    assert report.headline["total"] == 59.92  # the portal's score is used


def test_source_warnings_are_only_those_of_the_report_sources(portal_store):
    rows = portal_store.measures(["2026-08"])
    assert any("6/163 đơn vị" in w for w in source_warnings(portal_store, rows))
    assert source_warnings(portal_store, rows.iloc[0:0]) == ()


def test_snapshot_scores_latest_and_named(tmp_path):
    from pathlib import Path

    from chiso766.ingest.tables import read_table
    from chiso766.report.loading import snapshot_scores
    from chiso766.store import Source, sha256_of

    seed = Path(__file__).parent / "data" / "seed004" / "004-districts.csv"
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(LookupError):
            snapshot_scores(st)
        read = read_table(seed)
        st.ingest(read.measures, Source(str(seed), sha256_of(seed), "table"))
        key, units, _groups = snapshot_scores(st)
        assert key == "2025-04-08" and units["unit"].iloc[0] == "UBND huyện Bù Đốp"
        assert units[units["total"] == 86.03]["rank"].tolist() == [4, 4]
        key, units, _ = snapshot_scores(st, "27/3/2025")
        assert key == "2025-03-27" and units["total"].iloc[0] == 90.62


def _seed_store(tmp_path, *names):
    from pathlib import Path

    from chiso766.ingest.tables import read_table
    from chiso766.store import Source, sha256_of

    st = Store(tmp_path / "s.duckdb")
    for name in names:
        path = Path(__file__).parent / "data" / "seed004" / f"004-{name}.csv"
        read = read_table(path)
        st.ingest(read.measures, Source(str(path), sha256_of(path), "table"))
    return st


def test_rank_source_is_named(tmp_path):
    with _seed_store(tmp_path, "indicators", "province-rank") as st:
        report = load_province_report(st, "2025-W15")
    assert report.headline["rank_source"] == "bảng số liệu do cơ quan tổng hợp"
    html = str(ReportView(report).headline())
    assert "Nguồn xếp hạng toàn quốc: bảng số liệu do cơ quan tổng hợp." in html
    assert ".csv" not in html  # a file name is not what an office publishes


def test_rank_entered_by_hand(tmp_path):
    from chiso766.report.loading import parse_rank

    with _seed_store(tmp_path, "indicators") as st:
        plain = load_province_report(st, "2025-W15")
        entered = load_province_report(st, "2025-W15", rank="20/63")
    assert plain.headline["rank"] is None and plain.headline["rank_source"] is None
    assert (entered.headline["rank"], entered.headline["of"]) == (20, 63)
    assert entered.headline["rank_source"] == "nhập tay khi lập báo cáo"
    assert "xếp hạng 20/63" in " ".join(entered.text("headline"))
    for bad in ("20", "64/63", "0/63", "abc"):
        with pytest.raises(ValueError, match="20/63"):
            parse_rank(bad)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from chiso766.report.loading import ensure_demo_store

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    ensure_demo_store(path)
    with Store(path, read_only=True) as st:
        yield st


@pytest.mark.parametrize(
    ("period", "compare", "label"),
    [
        ("2026-10", None, "tháng 9/2026"),
        ("2026-W47", None, "tuần thứ 46, tháng 11/2026"),
        ("2026-Q3", None, "quý II/2026"),
        ("2026-10", "2026-09-01", "kết quả ngày 01/9/2026"),
    ],
)
def test_comparison_is_named_as_announcements_do(demo_store, period, compare, label):
    report = load_province_report(demo_store, period, compare)
    assert report.compare_label == label
    assert f"so với {label}" in " ".join(report.text("headline"))


@pytest.mark.parametrize(
    ("warning", "text"),
    [
        (
            "dossier-digitized: the answer lists 6 of the 163 units its pagination counts; the 157 "
            "others have no MDSH values in this snapshot",
            "Tệp phản hồi dossier-digitized của Cổng chỉ có 6/163 đơn vị; các đơn vị còn lại chưa "
            "có số liệu nhóm chỉ số này trong kỳ.",
        ),
        ("formalities-page-1.json: not an evaluation endpoint; ignored", ""),
        ("something new", "something new"),
    ],
)
def test_warnings_read_in_vietnamese(warning, text):
    from chiso766.report.loading import warning_vi

    assert warning_vi(warning) == text


def test_a_renamed_unit_is_compared_not_new_and_gone(tmp_path):
    import shutil

    from chiso766.report.loading import ensure_demo_store

    path = tmp_path / "demo.duckdb"
    ensure_demo_store(path)
    with Store(path) as st:
        before = load_province_report(st, "2026-W47", "2026-05-05")
        st.link_units(
            st.find_unit("Ban Quản lý các khu công nghiệp"), st.find_unit("Ban Quản lý Khu kinh tế")
        )
        after = load_province_report(st, "2026-W47", "2026-05-05")
    shutil.rmtree(tmp_path, ignore_errors=True)

    def statuses(report):
        t = report.levels[0].table
        return dict(zip(t["unit"], t["status"], strict=True))

    assert statuses(before)["Ban Quản lý Khu kinh tế"] == "new"
    assert statuses(before)["Ban Quản lý các khu công nghiệp"] == "gone"
    assert statuses(after)["Ban Quản lý Khu kinh tế"] in ("rose", "fell", "unchanged")
    assert "Ban Quản lý các khu công nghiệp" not in statuses(after)
    texts = [s.text for s in after.levels[0].sentences]
    assert any("(trước đây là Ban Quản lý các khu công nghiệp)" in t for t in texts)


def test_demo_reports_say_the_data_is_synthetic(demo_store):
    from chiso766.demo import SYNTHETIC_NOTE_VI

    report = load_province_report(demo_store, "2026-W47")
    assert report.demo and SYNTHETIC_NOTE_VI in ReportView(report).notice()
    assert not any("Lưu ý về dữ liệu nguồn" in n for n in report.notes)  # said once, plainly


# ---- issue 12: a notebook never silently reads the demo in place of the office's store ------
def test_open_store_without_a_store_says_what_to_set(tmp_path, monkeypatch, vietnamese):
    from chiso766.report.loading import NoStore, open_store

    monkeypatch.setenv("CHISO766_STORE", str(tmp_path / "none.duckdb"))
    with pytest.raises(NoStore) as err:
        open_store("")
    message = str(err.value)
    assert f"Chưa có kho dữ liệu tại {tmp_path / 'none.duckdb'}" in message
    assert 'store_path = "demo"' in message and "chiso766 ingest" in message
    with pytest.raises(NoStore):
        open_store(str(tmp_path / "other.duckdb"))
    assert not (tmp_path / "none.duckdb").exists()


def test_open_store_demo_and_a_path(tmp_path, monkeypatch, demo_store):
    from chiso766.report import loading
    from chiso766.report.loading import open_store

    path = demo_store.path  # this module's demo_store is an open Store
    monkeypatch.setattr(loading, "demo_store_path", lambda: path)
    with open_store("demo") as st:
        assert st.path == path and len(st.snapshots()) == 52
    fresh = tmp_path / "generated" / "demo.duckdb"
    monkeypatch.setattr(loading, "demo_store_path", lambda: fresh)
    with open_store("demo") as st:  # generated on first use
        assert st.counts()["snapshots"] == 52


def test_the_request_keeps_demo_as_the_demo_store():
    from chiso766.report.request import ReportRequest
    from chiso766.store import demo_store_path

    req = ReportRequest.from_parameters({"period": "2026-W47", "store_path": "demo"})
    assert req.store == "demo" and req.store_path == demo_store_path().resolve()

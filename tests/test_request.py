"""request: a report request is checked once where it enters (form), resolved once against a
real store (names → ids, snapshots, problems in plain words) and hashed by what it reads."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso766.report.request import (
    PROVINCE_REPORT,
    UNIT_SCORECARD,
    ReportRequest,
    RequestError,
    Resolver,
    parse_rank,
)
from chiso766.store import Store
from conftest import SEED004, ingest_files

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

TODAY = dt.date(2026, 12, 1)


def problems(**values) -> str:
    with pytest.raises(RequestError) as err:
        ReportRequest.build(today=TODAY, **values)
    return "; ".join(err.value.problems)


def test_build_canonicalises() -> None:
    req = ReportRequest.build(period="2025-w15 ", compare="27/3/2025", rank=" 20 / 63 ")
    assert (req.kind, req.period, req.compare, req.rank) == ("province", "2025-W15", "2025-03-27",
                                                             "20/63")  # fmt: skip
    assert ReportRequest.build(period="last-month", today=TODAY).period == "2026-11"


def test_every_problem_is_listed_at_once() -> None:
    text = problems(period="2024-13", methodology="no-such", rank="64/63", kind="poster")
    assert "period:" in text and "unknown methodology 'no-such'" in text
    assert "20/63" in text and "unknown report kind 'poster'" in text


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "the period is missing"),
        ({"period": "2026-W47", "kind": "unit"}, "needs the unit's name"),
        ({"period": "2026-W47", "unit": "Sở Y tế"}, "takes no unit"),
        ({"period": "2026-W47", "kind": "unit", "unit": "X", "rank": "2/3"}, "not a scorecard"),
        ({"period": 202405}, "period must be text"),
        ({"period": "2026-W47", "colour": "red"}, "unknown setting(s): colour"),
        ({"period": "2026-W47", "unit": "x\x00y", "kind": "unit"}, "not a usable value"),
    ],
)
def test_form_problems(values, expected) -> None:
    assert expected in problems(**values)


def test_parameters_round_trip() -> None:
    prov = ReportRequest.build(period="2026-W47", rank="20/63", store="/tmp/x.duckdb")
    params = prov.to_parameters()
    assert set(params) == {"period", "compare", "store_path", "province", "methodology",
                           "national_rank"}  # fmt: skip
    assert ReportRequest.from_parameters(params) == prov
    unit = ReportRequest.build(kind="unit", period="2026-W47", unit="Sở Tư pháp")
    assert "unit" in unit.to_parameters() and "national_rank" not in unit.to_parameters()
    assert ReportRequest.from_parameters({**unit.to_parameters(), "other": 1}) == unit


@given(
    period=st.sampled_from(["2026-W47", "2026-10", "2026-Q3", "2026-H1", "2026", "2025-04-08"]),
    unit=st.text(alphabet="ÀàẢảỹ Sở xã-Hòa", min_size=1, max_size=30).filter(str.strip),
    methodology=st.sampled_from(["auto", "portal-2026", "qd766-2022"]),
)
def test_from_parameters_inverts_to_parameters(period: str, unit: str, methodology: str) -> None:
    req = ReportRequest.build(kind="unit", period=period, unit=unit, methodology=methodology)
    assert ReportRequest.from_parameters(req.to_parameters()) == req


def test_parse_rank() -> None:
    assert parse_rank("8/63") == (8, 63)
    for bad in ("0/63", "64/63", "x", "20 of 63"):
        with pytest.raises(ValueError, match="20/63"):
            parse_rank(bad)


# ---- resolution against a real store ---------------------------------------------------------
@pytest.fixture
def resolver(seed_store: Path):
    with Store(seed_store, read_only=True) as store:
        yield Resolver(store, today=TODAY)


def build(**values) -> ReportRequest:
    return ReportRequest.build(today=TODAY, **values)


def test_province_report_resolves(resolver: Resolver, seed_store: Path) -> None:
    r = resolver.resolve(build(period="2025-W15"))
    assert r.request.province == r.request.province and r.province == "UBND tỉnh Bình Phước"
    assert r.selection.current == "2025-04-08" and r.selection.compare == "2025-03-27"
    assert r.title == "Kết quả Bộ chỉ số 766 của UBND tỉnh Bình Phước, tuần thứ 15, tháng 4/2025"
    assert r.folder == "province" and r.slug == "ubnd-tinh-binh-phuoc-2025-W15"
    assert r.taken == "08/4/2025" and not r.provisional and not r.demo
    assert r.request.store == str(seed_store.resolve())
    assert len(r.input_hash) == 64


def test_unit_scorecard_resolves_by_name(resolver: Resolver) -> None:
    r = resolver.resolve(build(kind="unit", period="2025-W15", unit="SỞ TƯ PHÁP"))
    assert (r.unit_name, r.level, r.folder) == ("Sở Tư pháp", "department", "units/so-tu-phap")
    assert r.request.unit == "department:sở-tư-pháp" and r.notebook == "unit_scorecard.ipynb"
    assert r.title.startswith("Phiếu kết quả Bộ chỉ số 766 của Sở Tư pháp")
    with pytest.raises(RequestError, match="Sở Tư pháp"):  # no tone marks: only a suggestion
        resolver.resolve(build(kind="unit", period="2025-W15", unit="so tu phap"))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"period": "2024-04"}, "no snapshot in the store for 2024-04"),
        ({"period": "2025-W15", "province": "Hà Nội"}, "the province 'Hà Nội' is not in the data"),
        ({"period": "2025-W15", "kind": "unit", "unit": "Sở Du lịch"}, "no unit named"),
        ({"period": "2025-W15", "kind": "unit", "unit": "UBND tỉnh Bình Phước"}, "is the province"),
        ({"period": "2025-W15", "compare": "2025-04-08"}, "is not before the period"),
        ({"period": "2025-W15", "compare": "2024-01-01"}, "is not in the store"),
    ],
)
def test_resolution_problems_in_plain_words(resolver: Resolver, values, expected) -> None:
    with pytest.raises(RequestError) as err:
        resolver.resolve(build(**values))
    assert expected in str(err.value)


def test_a_unit_without_data_in_the_period_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    early = tmp_path / "early.csv"
    early.write_text("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Du lịch,80\nSở Y tế,70\n")
    late = tmp_path / "late.csv"
    late.write_text("Đơn vị,Điểm đánh giá (08/4/2025)\nSở Y tế,71\n")
    ingest_files(store, early, late)
    with Store(store, read_only=True) as st_:
        with pytest.raises(RequestError, match="Sở Du lịch has no data for tuần thứ 15"):
            Resolver(st_).resolve(build(kind="unit", period="2025-W15", unit="Sở Du lịch"))


def test_units_for(resolver: Resolver) -> None:
    departments = resolver.units_for(["departments"], "2025-W15")
    assert len(departments) == 13 and departments[0].startswith("department:")
    both = resolver.units_for(["Sở Y tế", "districts", "Sở Y tế"], "2025-W15")
    assert both[0] == "department:sở-y-tế" and len(both) == 12
    with pytest.raises(RequestError, match="no unit named 'Sở Du lịch'"):
        resolver.units_for(["Sở Du lịch"], "2025-W15")


def test_unit_folders_never_collide() -> None:
    class FakeStore:  # a units table only: folder names are computed from it alone
        def units(self) -> pd.DataFrame:
            return pd.DataFrame(
                {
                    "unit_id": ["commune:hòa-an", "commune:hóa-an", "commune:binh"],
                    "name": ["UBND xã Hòa An", "UBND xã Hóa An", "UBND xã Bình"],
                }
            )

    folders = Resolver(FakeStore()).unit_folders
    assert folders["commune:binh"] == "ubnd-xa-binh"
    assert len({folders["commune:hòa-an"], folders["commune:hóa-an"]}) == 2
    assert all(f.startswith("ubnd-xa-hoa-an-") for k, f in folders.items() if "an" in k)


def test_provisional_when_the_period_has_not_ended(resolver: Resolver) -> None:
    with Store(resolver.store.path, read_only=True) as store:
        early = Resolver(store, today=dt.date(2025, 4, 14))  # week 15 ended on Sunday 13/4
        assert early.resolve(build(period="2025-04")).provisional
        assert early.resolve(build(period="2025-04")).title.endswith("(số liệu tạm tính)")
        assert not early.resolve(build(period="2025-W15")).provisional
        assert (
            Resolver(store, today=dt.date(2025, 4, 13))
            .resolve(build(period="2025-W15"))
            .provisional
        )


def test_input_hash_follows_what_a_report_reads(seed_store: Path, tmp_path: Path) -> None:
    """A corrected departments table changes the province report's and every department's
    hash, and no district's."""
    store = tmp_path / "s.duckdb"
    shutil.copy(seed_store, store)

    def hashes() -> dict[str, str]:
        with Store(store, read_only=True) as st_:
            res = Resolver(st_, today=TODAY)
            reqs = [build(period="2025-W15")] + [
                replace(build(period="2025-W15"), kind=UNIT_SCORECARD, unit=u)
                for u in res.units_for(["all"], "2025-W15")
            ]
            return {r.request.unit or PROVINCE_REPORT: r.input_hash for r in map(res.resolve, reqs)}

    before = hashes()
    assert hashes() == before  # stable
    text = (SEED004 / "004-departments.csv").read_text(encoding="utf-8")
    fixed = tmp_path / "004-departments-fixed.csv"
    fixed.write_text(text.replace('"82,3"', '"83,3"'), encoding="utf-8")
    ingest_files(store, fixed)
    after = hashes()
    changed = {k for k in before if before[k] != after[k]}
    assert PROVINCE_REPORT in changed
    assert {k for k in changed if k.startswith("department:")} == {
        k for k in before if k.startswith("department:")
    }
    assert not {k for k in changed if k.startswith("district:")}

"""Methodology catalogues: loading, validation, switches, class bands, versions, name matching."""

import copy
import datetime as dt
import unicodedata

import pytest
import yaml

from chiso766.compute.units import PROVINCE
from chiso766.methodology import (
    MethodologyError,
    available_versions,
    load_bands,
    load_catalogue,
    version_for_date,
)
from chiso766.methodology.catalogue import HERE, build_catalogue

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

VERSIONS = ["portal-2026", "qd766-2022"]
GROUPS = {
    "qd766-2022": [("CKMB", 18), ("TDGQ", 20), ("MDSH", 22), ("DVTT", 22), ("MDHL", 18)],
    "portal-2026": [
        ("CKMB", 18),
        ("TDGQ", 20),
        ("CLGQ", 12),
        ("TTTT", 10),
        ("MDSH", 22),
        ("MDHL", 18),
    ],
}


def raw(version="portal-2026"):
    return yaml.safe_load((HERE / f"{version}.yaml").read_text(encoding="utf-8"))


def indicator_row(data, code):
    return next(r for r in data["indicators"] if r["code"] == code)


# --- the shipped catalogues ----------------------------------------------------------------


def test_available_versions():
    assert available_versions() == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_catalogue_loads_and_adds_to_100(version):
    cat = load_catalogue(version)
    assert cat.version == version
    assert cat.total_max == 100
    assert [(g.code, g.max) for g in cat.groups] == GROUPS[version]
    assert cat.group_codes() == [code for code, _ in GROUPS[version]]
    assert cat.ratio_decimals == cat.points_decimals == 2


@pytest.mark.parametrize("version", VERSIONS)
def test_every_indicator_is_in_a_group_whose_maximum_it_shares(version):
    cat = load_catalogue(version)
    members = [c for g in cat.groups for c in g.indicators]
    assert sorted(members) == sorted(cat.indicators)
    for g in cat.groups:
        assert g.indicators, g.code
        assert sum(cat.indicators[c].max for c in g.indicators if cat.indicators[c].scored) == g.max
        assert all(cat.indicators[c].group == g.code for c in g.indicators)
    assert cat.group("MDSH").name == "Số hóa hồ sơ"
    with pytest.raises(KeyError):
        cat.group("NOPE")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("code", "number", "maximum"),
    [
        ("PUBLISH_ON_TIME", "1.1", 6),
        ("PUBLIC_UPDATE_ON_TIME", "1.2", 4),
        ("PUBLIC_CONTENT_FULL", "1.3", 2),
        ("DOSSIER_SYNC", "1.4", 6),
        ("PROGRESS_ON_TIME", "2.1", 20),
        ("ONLINE_PROVIDED", "3.1", 2),
        ("ONLINE_SERVICE_WITH_DOSSIERS", "3.2", 4),
        ("ONLINE_DOSSIERS", "3.3", 6),
        ("PAYMENT_FEE_INTEGRATED", "3.5a", 2),
        ("PAYMENT_PROCEDURES", "3.5b", 2),
        ("PAYMENT_DOSSIERS", "3.6", 6),
        ("ORIGINAL_RESULT_AVAILABLE", "4.1", 6),
        ("SO_HOA_GIAY_TO_GIAI_QUYET", "4.2", 4),
        ("REUSED_DIGITIZED_DATA", "4.3", 2),
        ("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "4.4", 4),
        ("CITIZEN_DATA_CONNECTED_FORMALITY", "4.5a", 2),
        ("CITIZEN_DATA_CONNECTED_DOSSIER", "4.5b", 2),
        ("ELECTRONIC_CERTIFIED_COPY", "4.x", 2),
        ("PETITION_PROCESSING_ON_TIME", "5.2", 6),
        ("PETITION_HANDLING_SATISFACTION", "5.3", 6),
        ("DOSSIER_RECEIVING_SATISFACTION", "5.4", 6),
    ],
)
def test_indicator_numbers_and_maxima(version, code, number, maximum):
    i = load_catalogue(version).indicators[code]
    assert (i.number, i.max) == (number, maximum)
    assert i.scored


@pytest.mark.parametrize(
    ("code", "on_zero"),
    [
        ("PUBLISH_ON_TIME", "zero"),
        ("PROGRESS_ON_TIME", "zero"),
        ("DOSSIER_RECEIVING_SATISFACTION", "zero"),
        ("PETITION_PROCESSING_ON_TIME", "full"),
        ("PETITION_HANDLING_SATISFACTION", "full"),
        ("DOSSIER_SYNC", "null"),
    ],
)
def test_zero_denominator_rules_are_data(code, on_zero):
    assert load_catalogue().indicators[code].on_zero_denominator == on_zero


def test_levels_and_copies_are_data():
    cat = load_catalogue()
    assert cat.indicators["PUBLIC_UPDATE_ON_TIME"].levels == (PROVINCE,)
    copied = {c for c, i in cat.indicators.items() if i.copied_from_province}
    assert copied == {"PUBLIC_CONTENT_FULL", "ELECTRONIC_CERTIFIED_COPY"}
    monitored = {c for c, i in cat.indicators.items() if not i.scored}
    assert monitored == {"PETITION_CLASSIFICATION_TTHC", "PETITION_CLASSIFICATION_STAFF"}


def test_unknown_version_is_refused():
    with pytest.raises(MethodologyError, match="unknown methodology 'qd999'"):
        load_catalogue("qd999")


# --- broken catalogues ---------------------------------------------------------------------


def _set(code, **fields):
    def change(data):
        indicator_row(data, code).update(fields)

    return change


def _group_max(code, value):
    def change(data):
        next(g for g in data["groups"] if g["code"] == code)["max"] = value

    return change


def _drop_target(data):
    indicator_row(data, "ONLINE_DOSSIERS").pop("target")


def _duplicate(data):
    data["indicators"].append(copy.deepcopy(data["indicators"][0]))


def _bad_switch_target(data):
    data["switches"]["digitised_rule"]["options"]["api"] = {"NOPE": {"rule": "linear"}}


BROKEN = [
    # group maxima not adding to 100 (and the group's indicators then not adding to its max)
    (_group_max("MDHL", 20), r"group maxima add to 102, not 100"),
    (_group_max("MDHL", 20), r"group MDHL: indicator maxima add to 18, not 20"),
    (_set("PROGRESS_ON_TIME", max=19), r"group TDGQ: indicator maxima add to 19"),
    (_set("PROGRESS_ON_TIME", rule="quadratic"), r"PROGRESS_ON_TIME has unknown rule 'quadratic'"),
    (_drop_target, r"ONLINE_DOSSIERS: a target rule needs a target"),
    (_set("ONLINE_DOSSIERS", target=0), r"ONLINE_DOSSIERS: a target rule needs a target"),
    (_set("ONLINE_DOSSIERS", target=120), r"ONLINE_DOSSIERS: a target rule needs a target"),
    (_set("DOSSIER_SYNC", group="XYZ"), r"DOSSIER_SYNC is in no known group \('XYZ'\)"),
    (_set("DOSSIER_SYNC", on_zero_denominator="half"), r"unknown zero-denominator rule 'half'"),
    (
        _set("DOSSIER_SYNC", on_zero_denominator="redistribute", redistribute_from="NOPE"),
        r"DOSSIER_SYNC redistributes from an unknown indicator",
    ),
    (
        _set("DOSSIER_SYNC", on_zero_denominator="redistribute"),
        r"DOSSIER_SYNC redistributes from an unknown indicator",
    ),
    (_set("DOSSIER_SYNC", levels=["province", "ward"]), r"DOSSIER_SYNC names unknown levels"),
    (_duplicate, r"an indicator code appears twice"),
    (_bad_switch_target, r"switch 'digitised_rule' names unknown indicator 'NOPE'"),
]


@pytest.mark.parametrize(("change", "message"), BROKEN)
def test_broken_catalogue_is_refused(change, message):
    data = raw()
    change(data)
    with pytest.raises(MethodologyError, match=message) as err:
        build_catalogue(data, source="broken.yaml")
    assert str(err.value).startswith("broken.yaml: ")


def test_build_catalogue_does_not_change_its_input():
    data = raw()
    before = copy.deepcopy(data)
    build_catalogue(data, {"digitised_rule": "formula_text"})
    assert data == before


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"digitised_rule": "maybe"}, r"switch 'digitised_rule' has no option 'maybe'"),
        ({"no_such_switch": "api"}, r"unknown switch\(es\): no_such_switch"),
    ],
)
def test_unknown_switch_or_option_is_refused(choice, message):
    with pytest.raises(MethodologyError, match=message):
        build_catalogue(raw(), choice)
    with pytest.raises(MethodologyError, match=message):
        load_catalogue("portal-2026", tuple(choice.items()))


def test_a_switch_the_version_lacks_is_refused():
    with pytest.raises(MethodologyError, match="unknown switch"):
        load_catalogue("qd766-2022", (("no_petitions", "points_sheet"),))


# --- switches: choices as data, not code ---------------------------------------------------


def test_default_switches():
    assert load_catalogue().switches == {
        "digitised_rule": "api",
        "no_petitions": "api",
        "online_split": "2-4-6",
    }
    assert load_catalogue("qd766-2022").switches == {"digitised_rule": "api"}


@pytest.mark.parametrize("version", VERSIONS)
def test_digitised_rule_switch(version):
    api = load_catalogue(version).indicators["SO_HOA_GIAY_TO_GIAI_QUYET"]
    text = load_catalogue(version, (("digitised_rule", "formula_text"),))
    i = text.indicators["SO_HOA_GIAY_TO_GIAI_QUYET"]
    assert (api.rule, api.target) == ("linear", None)
    assert (i.rule, i.target, i.max) == ("target", 80, 4)
    assert text.switches["digitised_rule"] == "formula_text"


def test_no_petitions_switch():
    sheet = load_catalogue("portal-2026", (("no_petitions", "points_sheet"),))
    for code in ("PETITION_PROCESSING_ON_TIME", "PETITION_HANDLING_SATISFACTION"):
        i = sheet.indicators[code]
        assert i.on_zero_denominator == "redistribute"
        assert i.redistribute_from == "DOSSIER_RECEIVING_SATISFACTION"
        assert load_catalogue().indicators[code].on_zero_denominator == "full"
    # the indicator that is shared from keeps its own rule
    assert sheet.indicators["DOSSIER_RECEIVING_SATISFACTION"].on_zero_denominator == "zero"


def test_online_split_is_provisional():
    cat = load_catalogue()
    assert cat.group("CLGQ").provisional
    assert [cat.indicators[c].max for c in cat.group("CLGQ").indicators] == [2, 4, 6]


# --- class bands ---------------------------------------------------------------------------


def test_default_bands():
    bands = load_bands()
    assert [(b.name, b.min) for b in bands] == [
        ("Xuất sắc", 90),
        ("Tốt", 80),
        ("Khá", 70),
        ("Trung bình", 50),
        ("Yếu", 0),
    ]
    assert load_catalogue().bands == bands


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([("A", 0), ("B", 50)], "highest minimum down"),
        ([("A", 90), ("B", 90), ("C", 0)], "highest minimum down"),
        ([("A", 90), ("B", 50)], "must end with a band starting at 0"),
        ([], "must end with a band starting at 0"),
    ],
)
def test_bad_bands_are_refused(tmp_path, bands, message):
    path = tmp_path / "classes.yaml"
    data = {"default": [{"name": n, "min": m} for n, m in bands]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MethodologyError, match=message):
        load_bands(path=path)


def test_unknown_band_set_is_refused():
    with pytest.raises(MethodologyError, match="no class bands named 'strict'"):
        load_bands("strict")


def test_other_band_sets_load_from_a_file(tmp_path):
    path = tmp_path / "classes.yaml"
    path.write_text(
        "other:\n  - {name: Đạt, min: 50}\n  - {name: Chưa đạt, min: 0}\n", encoding="utf-8"
    )
    assert [(b.name, b.min) for b in load_bands("other", path)] == [("Đạt", 50), ("Chưa đạt", 0)]


# --- versions by date ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (dt.date(2025, 4, 8), "qd766-2022"),
        (dt.date(2024, 7, 8), "qd766-2022"),
        (dt.date(2022, 6, 23), "qd766-2022"),
        (dt.date(2025, 6, 30), "qd766-2022"),
        (dt.date(2025, 7, 1), "portal-2026"),
        (dt.date(2026, 8, 1), "portal-2026"),
    ],
)
def test_version_for_date(day, version):
    assert version_for_date(day) == version


def test_no_version_before_the_decision():
    with pytest.raises(MethodologyError, match="2022-06-22"):
        version_for_date(dt.date(2022, 6, 22))


# --- name matching -------------------------------------------------------------------------

# Seed 004 (Bình Phước, week 15, 4/2025): the 12 indicator names of its table, as published.
SEED_004 = [
    ("Tỷ lệ cung cấp dịch vụ công trực tuyến toàn trình", "ONLINE_PROVIDED"),
    ("Tỷ lệ thanh toán trực tuyến trên Cổng dịch vụ công quốc gia", "PAYMENT_DOSSIERS"),
    ("Tỷ lệ hồ sơ nộp trực tuyến", "ONLINE_DOSSIERS"),
    ("Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "SO_HOA_GIAY_TO_GIAI_QUYET"),
    ("Tỷ lệ cấp kết quả giải quyết thủ tục hành chính điện tử", "ORIGINAL_RESULT_AVAILABLE"),
    (
        "Tỷ lệ chứng thực bản sao điện tử từ bản chính tại UBND cấp xã và Phòng Tư pháp cấp huyện",
        "ELECTRONIC_CERTIFIED_COPY",
    ),
    ("Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa", "REUSED_DIGITIZED_DATA"),
    ("Tỷ lệ công bố thủ tục hành chính đúng hạn", "PUBLISH_ON_TIME"),
    (
        "Tỷ lệ xử lý hồ sơ thủ tục hành chính được đồng bộ đầy đủ trên Cổng dịch vụ công quốc gia",
        "DOSSIER_SYNC",
    ),
    ("Tỷ lệ xử lý phản ánh, kiến nghị đúng hạn", "PETITION_PROCESSING_ON_TIME"),
    (
        "Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính"
        " của người dân, doanh nghiệp",
        "DOSSIER_RECEIVING_SATISFACTION",
    ),
    ("Chỉ số tiến độ giải quyết hồ sơ TTHC", "PROGRESS_ON_TIME"),
]


def _no_diacritics(text):
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


@pytest.mark.parametrize("version", VERSIONS)
def test_seed_004_names_all_match(version):
    cat = load_catalogue(version)
    got = {name: cat.match_indicator(name) for name, _ in SEED_004}
    assert got == dict(SEED_004)
    assert len(set(got.values())) == 12


@pytest.mark.parametrize(
    "spell",
    [
        str.upper,
        str.lower,
        _no_diacritics,
        lambda s: _no_diacritics(s).upper(),
        lambda s: unicodedata.normalize("NFD", s),
        lambda s: "  " + s.replace(" ", "\u00a0 ") + " ",
    ],
    ids=["upper", "lower", "no-diacritics", "no-diacritics-upper", "nfd", "spacing"],
)
@pytest.mark.parametrize(("name", "code"), SEED_004)
def test_names_match_however_written(name, code, spell):
    assert load_catalogue().match_indicator(spell(name)) == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("PROGRESS_ON_TIME", "PROGRESS_ON_TIME"),
        ("progress on time", "PROGRESS_ON_TIME"),
        ("Tỷ lệ TTHC công bố đúng hạn", "PUBLISH_ON_TIME"),  # the catalogue's own name
        ("ty le ho so nop truc tuyen", "ONLINE_DOSSIERS"),
        ("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ", "ONLINE_SERVICE_WITH_DOSSIERS"),
        ("Tỷ lệ hồ sơ TTHC theo hình thức nộp hồ sơ", "ONLINE_DOSSIERS"),
        ("Tỷ lệ thủ tục hành chính có giao dịch thanh toán trực tuyến", "PAYMENT_PROCEDURES"),
    ],
)
def test_codes_names_and_aliases_match(name, code):
    assert load_catalogue().match_indicator(name) == code


@pytest.mark.parametrize(
    "name", ["Tỷ lệ gì đó mới", "", "Tỷ lệ", "Chỉ số tiến độ giải quyết hồ sơ TTHC năm 2024"]
)
def test_unknown_names_do_not_match(name):
    assert load_catalogue().match_indicator(name) is None


@pytest.mark.parametrize(
    ("version", "name", "code"),
    [
        ("qd766-2022", "Số hóa hồ sơ", "MDSH"),
        ("qd766-2022", "SO HOA HO SO", "MDSH"),
        ("qd766-2022", "Tiên độ, kết quả giải quyết", "TDGQ"),  # as seed 002 misspells it
        ("qd766-2022", "Cung cấp dịch vụ trực tuyến", "DVTT"),
        ("qd766-2022", "Dịch vụ công trực tuyến", "DVTT"),
        ("qd766-2022", "Thanh toán trực tuyến", None),
        ("portal-2026", "Dịch vụ công trực tuyến", "CLGQ"),
        ("portal-2026", "Thanh toán trực tuyến", "TTTT"),
        ("portal-2026", "Mức độ hài lòng", "MDHL"),
        ("portal-2026", "mdhl", "MDHL"),
        ("portal-2026", "Công khai minh bạch", "CKMB"),
        ("portal-2026", "Không có nhóm này", None),
    ],
)
def test_group_names_match(version, name, code):
    assert load_catalogue(version).match_group(name) == code

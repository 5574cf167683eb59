"""Read the national portal's evaluation API responses (saved or fetched) into measures.

Six endpoints, one per displayed group, in two shapes:

- ``overview`` + ``evaluation[]`` (transparency, handling-satisfaction, dossier-digitized):
  each unit has ``metrics[]`` of {code, numerator, denominator, ratio, score, maxScore} →
  one indicator "rate" row (ratio as given, with the counts) and one indicator "points" row
  (score, maxScore) per metric, data-quality flags kept in ``flag``/``note``;
- ``parent`` + ``children[]`` trees (dvc-progress-tree, provide-online-tree,
  formality-online-payment-tree): counters mapped to indicator codes (:data:`TREE_RATES`);
  payment and online ratios are computed from the counters (the portal's ``ratio`` there is
  the group's), progress keeps the portal's ratio; ``totalOverdue`` → count "overdue".

A ratio whose denominator is 0 is stored as null (no data, as the methodology says) with its
0/0 counts, even where the portal writes 0; the portal's bytes stay in the archive.

Every unit gets a "group" points row (the portal's score and maximum). Units are identified by
``departmentId``; the overview/parent is the province. ``service-results`` lists every
province's total (kept as "total" rows) and gives the province's national rank, in total and
per group ("rank" rows; ties share a rank). The period is never in a response: it comes from
the caller or from the manifest an archive written by :mod:`chiso766.portal.fetch` carries.
A list shorter than its ``pagination.total`` (a saved head) is read with a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from chiso766.compute import measures as M
from chiso766.compute.periods import Period, PeriodError, parse_period
from chiso766.compute.ranking import rank_within
from chiso766.compute.scoring import ratio_from_counts
from chiso766.compute.textnorm import nfc
from chiso766.compute.units import COMMUNE, DEPARTMENT, PROVINCE
from chiso766.formatting import fmt_number
from chiso766.i18n import N_, _
from chiso766.ingest.errors import Problem, Problems
from chiso766.ingest.schema import check_measures
from chiso766.ingest.text import note_problem, text_problem
from chiso766.methodology import Catalogue, load_catalogue
from chiso766.portal.provinces import Province, province_by_id
from chiso766.store import Source, now_local, sha256_of

METHODOLOGY = "portal-2026"
# Endpoint → the group (catalogue code) it scores, in the order units take their name from.
ENDPOINTS: dict[str, str] = {
    "transparency": "CKMB",
    "dvc-progress-tree": "TDGQ",
    "provide-online-tree": "CLGQ",
    "formality-online-payment-tree": "TTTT",
    "dossier-digitized": "MDSH",
    "handling-satisfaction": "MDHL",
}
TREES = ("dvc-progress-tree", "provide-online-tree", "formality-online-payment-tree")
SERVICE_RESULTS = "service-results"
GROUP_CODES = ("CKMB", "TDGQ", "CLGQ", "TTTT", "MDSH", "MDHL")
MANIFEST = "manifest.json"
ARCHIVE_KIND = "chiso766-portal-archive"

DEPARTMENT_TYPES = {
    "PROVINCE": PROVINCE,
    "PROVINCIAL_DEPARTMENT": DEPARTMENT,
    "COMMUNE_PEOPLE_COMMITTEE": COMMUNE,
}
# A tree's `level`: PROVINCE means a provincial department (the province itself is the parent).
TREE_LEVELS = {"PROVINCE": DEPARTMENT, "COMMUNE": COMMUNE}

# Tree counters → (indicator code, numerator keys (summed), denominator key).
TREE_RATES: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    "dvc-progress-tree": (("PROGRESS_ON_TIME", ("totalOnTime",), "totalReceived"),),
    "formality-online-payment-tree": (
        (
            "PAYMENT_DOSSIERS",
            ("totalDossierOnlinePaymentSuccess",),
            "totalDossierFinancialObligation",
        ),
        (
            "PAYMENT_PROCEDURES",
            ("totalDossierOnlineFormalityPaymentSuccess",),
            "totalFeeDossierFormalityDistinct",
        ),
        ("PAYMENT_FEE_INTEGRATED", ("totalFeeDossierFormality",), "totalFeeFormality"),
    ),
    "provide-online-tree": (
        ("ONLINE_PROVIDED", ("partialCount", "fullCount"), "authorityCount"),
        ("ONLINE_SERVICE_WITH_DOSSIERS", ("onlineDossierCount",), "onlineServiceTotal"),
        ("ONLINE_DOSSIERS", ("channelOnlineSum",), "channelTotalSum"),
    ),
}

_FILE_RE = re.compile(r"(?P<ep>[a-z][a-z-]*?)(?P<head>\.head)?(?:\.page-(?P<page>\d+))?\.json")
_NAN = float("nan")
MSG_NOT_FINITE = N_("not a finite number (infinite, NaN or too large)")
MSG_NOT_TEXT = N_("expected text")
MSG_NO_VALUES = N_("the responses hold no values (no unit is listed)")
MSG_NOT_LIST = N_("expected a list")
MSG_BAD_ID = N_("a departmentId must be text or a whole number")


@dataclass(frozen=True)
class PortalFile:
    """One saved response: which endpoint, which page, where."""

    path: Path
    endpoint: str
    page: int = 1
    head: bool = False
    sha256: str = ""


@dataclass
class PortalRead:
    """What a folder of portal responses holds, ready for :meth:`Store.ingest`.

    ``measures`` has the measures columns plus ``computed`` (the workbook's recomputation of
    each portal score, see :func:`chiso766.portal.checks.recompute`).
    """

    folder: Path
    period: Period
    measures: pd.DataFrame
    warnings: list[Problem]
    files: list[PortalFile]
    province: Province | None = None
    province_id: str | None = None
    provisional: bool = False
    taken_at: dt.datetime | None = None
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    shortfalls: dict[str, tuple[int, int]] = field(default_factory=dict)  # endpoint: (listed, of)

    @property
    def snapshot(self) -> str:
        return self.period.key

    @property
    def sha256(self) -> str:
        """One hash for the whole read: the period, the provisional mark and every file's hash."""
        h = hashlib.sha256(f"portal {self.period.key} provisional={self.provisional}\n".encode())
        for f in sorted(self.files, key=lambda f: (f.endpoint, f.page)):
            h.update(f"{f.endpoint} {f.page} {f.sha256}\n".encode())
        return h.hexdigest()

    @property
    def snapshot_info(self) -> dict[str, dict]:
        return {
            self.snapshot: {
                "taken_at": self.taken_at,
                "methodology": METHODOLOGY,
                "provisional": self.provisional,
            }
        }

    @property
    def province_label(self) -> str:
        if self.province:
            return self.province.short_name
        return self.province_id or "?"

    def source(self) -> Source:
        """The provenance record the store keeps (warnings included, for the user to see)."""
        return Source(
            path=str(self.folder),
            sha256=self.sha256,
            kind="portal",
            methodology=METHODOLOGY,
            meta={
                "period": self.snapshot,
                "province_id": self.province_id,
                "province": self.province.name if self.province else None,
                "provisional": self.provisional,
                "files": [
                    {
                        "file": f.path.name,
                        "endpoint": f.endpoint,
                        "page": f.page,
                        "sha256": f.sha256,
                    }
                    for f in self.files
                ],
                "warnings": [w.problem for w in self.warnings],
            },
        )


# ---- envelopes ---------------------------------------------------------------------------


def envelope_data(body: bytes | str | dict, problems: Problems) -> dict | None:
    """The ``data`` of a ``{"code":"OK","data":…}`` answer; None (and an error) otherwise."""
    if isinstance(body, bytes | str):
        try:
            body = load_json(body)
        except BadJson as exc:
            problems.error(
                None,
                None,
                _head(body),
                _("not a JSON answer of the portal ({reason})").format(reason=exc),
            )
            return None
    if not isinstance(body, dict) or "code" not in body:
        problems.error(None, None, _head(body), _("not a portal answer (no 'code' field)"))
        return None
    if body.get("code") != "OK":
        problems.error(
            None,
            "code",
            body.get("code"),
            _("the portal answered code '{code}' (message: {message!r})").format(
                code=body.get("code"), message=body.get("message")
            ),
        )
        return None
    data = body.get("data")
    if not isinstance(data, dict):
        problems.error(None, "data", _head(data), _("the answer has no 'data' object"))
        return None
    return data


class BadJson(ValueError):
    """Bytes that are not a JSON document this reader can take."""


MAX_DEPTH = 64
MSG_TOO_DEEP = N_("the JSON is nested more than {depth} levels deep")


def load_json(body: bytes | str) -> Any:
    """Parse JSON bytes or text; :class:`BadJson` for anything that is not a sane document
    (not UTF-8, not JSON, nested deeper than :data:`MAX_DEPTH`). NaN and Infinity parse as
    floats, for the value checks to refuse."""
    try:
        text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise BadJson(_("not UTF-8: {reason}").format(reason=exc.reason)) from None
    depth = _max_depth(text)
    if depth > MAX_DEPTH:
        raise BadJson(_(MSG_TOO_DEEP).format(depth=MAX_DEPTH))
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise BadJson(str(exc)[:120]) from None


MAX_BYTES = 100 * 1024 * 1024


def _body(path: Path) -> bytes:
    """A response's bytes; one larger than :data:`MAX_BYTES` is read as not JSON."""
    if path.stat().st_size > MAX_BYTES:
        return b"<the file is larger than 100 MB>"
    return path.read_bytes()


def _max_depth(text: str) -> int:
    """How deep brackets nest outside strings (a cheap scan before parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _head(value: Any) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text[:60]


def _num(value: Any, problems: Problems, where: str) -> float:
    """A JSON number as float; null → NaN (no data, never 0)."""
    if value is None:
        return _NAN
    if isinstance(value, bool):
        problems.error(None, where, value, _("expected a number"))
        return _NAN
    if isinstance(value, int | float):
        try:
            out = float(value)
        except OverflowError:
            out = math.inf
    elif isinstance(value, str) and len(value) <= 40:
        try:
            out = float(value.replace(",", "."))
        except ValueError:
            problems.error(None, where, value, _("expected a number"))
            return _NAN
    else:
        problems.error(None, where, _head(value), _("expected a number"))
        return _NAN
    if not math.isfinite(out):
        problems.error(None, where, _head(value), _(MSG_NOT_FINITE))
        return _NAN
    return out


# ---- one endpoint ------------------------------------------------------------------------


@dataclass
class _Unit:
    unit_id: str
    name: str
    level: str
    code: str | None


_PROVINCE_SUFFIX = re.compile(r"\s+-\s+(Tỉnh|Thành phố|TP\.?)\s+[^-]+$", re.IGNORECASE)


def display_name(name: str) -> str:
    """The portal's unit name without its ' - Tỉnh Phú Thọ' suffix, NFC-normalised."""
    return _PROVINCE_SUFFIX.sub("", nfc(name)).strip()


def _unit(item: Any, is_root: bool, problems: Problems, where: str) -> _Unit | None:
    if not isinstance(item, dict):
        problems.error(None, where, _head(item), _("expected a unit object"))
        return None
    uid = item.get("departmentId")
    if not uid:
        name = _head(item.get("departmentName"))
        problems.error(None, where, name, _("a unit without departmentId"))
        return None
    if isinstance(uid, bool) or not isinstance(uid, str | int) or len(str(uid)) > 100:
        problems.error(None, f"{where}.departmentId", _head(uid), _(MSG_BAD_ID))
        return None
    raw_name = item.get("departmentName")
    if raw_name is not None and not isinstance(raw_name, str):
        problems.error(None, f"{where}.departmentName", _head(raw_name), _(MSG_NOT_TEXT))
        return None
    name = display_name(raw_name or "") or str(uid)
    bad = text_problem(name)
    if bad:
        problems.error(None, f"{where}.departmentName", name, bad)
        return None
    if is_root:
        level = PROVINCE
    elif item.get("departmentType") is not None:
        kind = item["departmentType"]
        level = DEPARTMENT_TYPES.get(kind) if isinstance(kind, str) else None
        if level is None:
            problems.error(None, f"{where}.departmentType", _head(kind), "unknown type")
            return None
    else:
        kind = item.get("level")
        level = TREE_LEVELS.get(kind) if isinstance(kind, str) else None
        if level is None:
            problems.error(None, f"{where}.level", _head(kind), "unknown unit level")
            return None
    code = item.get("departmentCode")
    if code is not None and not isinstance(code, str | int):
        problems.error(None, f"{where}.departmentCode", _head(code), _(MSG_NOT_TEXT))
        return None
    return _Unit(str(uid), name, level, str(code) if code else None)


def _row(u: _Unit, scope: str, code: str, kind: str, value: float, **extra) -> dict:
    return {
        "unit_id": u.unit_id,
        "scope": scope,
        "code": code,
        "kind": kind,
        "value": value,
        **extra,
    }


def _metric_rows(u: _Unit, item: dict, group: str, problems: Problems, where: str) -> list[dict]:
    rows = [
        _row(
            u,
            "group",
            group,
            "points",
            _num(item.get("totalScore"), problems, f"{where}.totalScore"),
            max_score=_num(item.get("totalMaxScore"), problems, f"{where}.totalMaxScore"),
            _column=f"{where}.totalScore",
            _column_max_score=f"{where}.totalMaxScore",
        )
    ]
    metrics = item.get("metrics")
    if metrics is not None and not isinstance(metrics, list):
        problems.error(None, f"{where}.metrics", _head(metrics), _(MSG_NOT_LIST))
        metrics = []
    for i, m in enumerate(metrics or []):
        at = f"{where}.metrics[{i}]"
        if not isinstance(m, dict) or not m.get("code") or not isinstance(m["code"], str):
            problems.error(None, at, _head(m), _("a metric without a code"))
            continue
        flag, note = _quality(m, problems, at)
        code = m["code"]
        den = _num(m.get("denominator"), problems, f"{at}.denominator")
        ratio = _NAN if den == 0 else _num(m.get("ratio"), problems, f"{at}.ratio")
        rows.append(
            _row(
                u,
                "indicator",
                code,
                "rate",
                ratio,
                numerator=_num(m.get("numerator"), problems, f"{at}.numerator"),
                denominator=den,
                flag=flag,
                note=note,
                _column=f"{at}.ratio",
                _column_numerator=f"{at}.numerator",
                _column_denominator=f"{at}.denominator",
            )
        )
        rows.append(
            _row(
                u,
                "indicator",
                code,
                "points",
                _num(m.get("score"), problems, f"{at}.score"),
                max_score=_num(m.get("maxScore"), problems, f"{at}.maxScore"),
                flag=flag,
                note=note,
                _column=f"{at}.score",
                _column_max_score=f"{at}.maxScore",
            )
        )
    parts = [r["value"] for r in rows[1:] if r["kind"] == "points"]
    _check_total(rows[0], parts, f"{where}.metrics[*].score", problems)
    return rows


FLAG_TOTAL_PARTS = "total_differs_from_parts"
MSG_TOTAL_PARTS = N_(
    "{field}: the score {total} differs from the sum of its parts {parts} ({parts_field}); "
    "the portal's score is kept"
)


def _check_total(total: dict, parts: list[float], parts_field: str, problems: Problems) -> None:
    """A total that disagrees with the sum of its parts (all of them given): a warning, and
    the flag and note on the total's row so reports can show it."""
    value = total["value"]
    if not parts or math.isnan(value) or any(math.isnan(p) for p in parts):
        return
    if abs(sum(parts) - value) <= 0.01 * len(parts) + 1e-9:
        return
    text = _(MSG_TOTAL_PARTS).format(
        field=total["_column"],
        total=fmt_number(value),
        parts=fmt_number(sum(parts)),
        parts_field=parts_field,
    )
    total["flag"] = FLAG_TOTAL_PARTS
    total["note"] = "; ".join(x for x in (total.get("note"), text) if x)
    problems.warn(None, total["_column"], value, text)


def _quality(m: dict, problems: Problems, at: str) -> tuple[str | None, str | None]:
    """A metric's data-quality flag and message (text, or nothing)."""
    flag, message = m.get("dataQualityStatus") or None, m.get("dataQualityMessage") or None
    if flag is not None and not isinstance(flag, str):
        problems.error(None, f"{at}.dataQualityStatus", _head(flag), _(MSG_NOT_TEXT))
        flag = None
    if message is not None and not isinstance(message, str):
        problems.error(None, f"{at}.dataQualityMessage", _head(message), _(MSG_NOT_TEXT))
        return flag, None
    note = nfc(message) if message else None
    if note and (bad := note_problem(note)):
        problems.error(None, f"{at}.dataQualityMessage", note, bad)
        return flag, None
    return flag, note


def _tree_rows(u: _Unit, item: dict, endpoint: str, problems: Problems, where: str) -> list[dict]:
    score_key = "totalScore" if "totalScore" in item else "score"
    max_key = "totalMaxScore" if "totalMaxScore" in item else "maxScore"
    score = _num(item.get(score_key), problems, f"{where}.{score_key}")
    maximum = _num(item.get(max_key), problems, f"{where}.{max_key}")
    origin = {"_column": f"{where}.{score_key}", "_column_max_score": f"{where}.{max_key}"}
    rows = [_row(u, "group", ENDPOINTS[endpoint], "points", score, max_score=maximum, **origin)]
    if endpoint == "dvc-progress-tree":
        rows.append(
            _row(u, "indicator", "PROGRESS_ON_TIME", "points", score, max_score=maximum, **origin)
        )
    for code, num_keys, den_key in TREE_RATES[endpoint]:
        if den_key not in item or any(k not in item for k in num_keys):
            continue  # e.g. provide-online-tree children: scores only
        den = _num(item[den_key], problems, f"{where}.{den_key}")
        num = sum(_num(item[k], problems, f"{where}.{k}") for k in num_keys)
        if endpoint == "dvc-progress-tree" and "ratio" in item and den != 0:
            ratio = _num(item["ratio"], problems, f"{where}.ratio")
        else:
            ratio = ratio_from_counts(num, den)
        rows.append(
            _row(
                u,
                "indicator",
                code,
                "rate",
                ratio,
                numerator=num,
                denominator=den,
                _column=f"{where}.ratio",
                _column_numerator=f"{where}.{'+'.join(num_keys)}",
                _column_denominator=f"{where}.{den_key}",
            )
        )
    if "totalOverdue" in item:
        overdue = _num(item["totalOverdue"], problems, f"{where}.totalOverdue")
        rows.append(_row(u, "count", "overdue", "count", overdue, _column=f"{where}.totalOverdue"))
    return rows


@dataclass
class EndpointRead:
    """The rows one endpoint's pages give, the units it lists and how many it should."""

    endpoint: str
    rows: list[dict]
    units: list[_Unit]
    root_id: str | None
    expected: int | None

    @property
    def listed(self) -> int:
        """Units in the list (the overview/parent not counted)."""
        return len(self.units) - 1


def read_endpoint(
    endpoint: str, pages: list[bytes | str | dict], problems: Problems
) -> EndpointRead | None:
    """Rows of one group endpoint from its pages (page 1 first); None if unreadable."""
    if endpoint not in ENDPOINTS:
        raise ValueError(f"not a group endpoint: {endpoint}")
    datas = [envelope_data(p, problems) for p in pages]
    if any(d is None for d in datas) or not datas:
        return None
    tree = endpoint in TREES
    root_key, list_key = ("parent", "children") if tree else ("overview", "evaluation")
    first = datas[0]
    root = first.get(root_key)
    if not isinstance(root, dict):
        problems.error(
            None, root_key, None, _("the answer has no '{key}' object").format(key=root_key)
        )
        return None
    items: list = []
    for n, d in enumerate(datas, start=1):
        part = d.get(list_key)
        if not isinstance(part, list):
            problems.error(
                None, list_key, None, _("page {n} has no '{key}' list").format(n=n, key=list_key)
            )
            return None
        items += part
    rows: list[dict] = []
    units: list[_Unit] = []
    seen: set[str] = set()
    for i, item in enumerate([root, *items]):
        where = root_key if i == 0 else f"{list_key}[{i - 1}]"
        u = _unit(item, i == 0, problems, where)
        if u is None:
            continue
        if u.unit_id in seen:
            problems.warn(None, where, u.name, _("unit listed twice (pages overlap); kept once"))
            continue
        seen.add(u.unit_id)
        units.append(u)
        if tree:
            rows += _tree_rows(u, item, endpoint, problems, where)
        else:
            rows += _metric_rows(u, item, ENDPOINTS[endpoint], problems, where)
    pagination = first.get("pagination") if isinstance(first.get("pagination"), dict) else {}
    expected = _count(pagination.get("total"), problems, "pagination.total")
    listed = len(units) - 1
    if expected is not None and listed != expected:
        problems.warn(
            None,
            list_key,
            f"{listed}/{expected}",
            _(
                "{endpoint}: the answer lists {listed} of the {expected} units its pagination "
                "counts; the {others} others have no {group} values in this snapshot"
            ).format(
                endpoint=endpoint,
                listed=listed,
                expected=expected,
                others=expected - listed,
                group=ENDPOINTS[endpoint],
            )
            if listed < expected
            else _("{endpoint}: {listed} units listed, pagination says {expected}").format(
                endpoint=endpoint, listed=listed, expected=expected
            ),
        )
    return EndpointRead(
        endpoint, rows, units, str(root.get("departmentId") or "") or None, expected
    )


def _count(value: Any, problems: Problems, where: str) -> int | None:
    """A count such as ``pagination.total``: a whole number from 0, else an error (None if
    absent)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.error(None, where, _head(value), _("expected a whole number"))
        return None
    if not math.isfinite(value) or value < 0 or value != int(value) or value > 10**9:
        problems.error(None, where, _head(value), _("expected a whole number from 0"))
        return None
    return int(value)


# ---- service-results (every province) ----------------------------------------------------


@dataclass
class NationalRead:
    """Every province's total, and the configured province's national ranks."""

    rows: list[dict]
    units: list[_Unit]
    province_groups: dict[str, float]


def read_service_results(
    pages: list[bytes | str | dict], province_id: str | None, problems: Problems
) -> NationalRead | None:
    """Totals of every province (scope "total") and ``province_id``'s ranks (scope "rank")."""
    datas = [envelope_data(p, problems) for p in pages]
    if not datas or any(d is None for d in datas):
        return None
    items: list = []
    for d in datas:
        part = d.get("evaluation")
        if not isinstance(part, list):
            problems.error(None, "evaluation", None, _("service-results has no 'evaluation' list"))
            return None
        items += part
    table, rows, units = [], [], []
    for i, item in enumerate(items):
        where = f"evaluation[{i}]"
        u = _unit(item, True, problems, where)
        if u is None or any(x.unit_id == u.unit_id for x in units):
            continue
        units.append(u)
        total = _num(item.get("totalScore"), problems, f"{where}.totalScore")
        groups = item.get("groupScores")
        if groups is not None and not isinstance(groups, dict):
            problems.error(None, f"{where}.groupScores", _head(groups), _("expected an object"))
        groups = groups if isinstance(groups, dict) else {}
        rec = {"unit_id": u.unit_id, "total": total}
        for g in GROUP_CODES:
            rec[g] = _num(groups.get(g), problems, f"{where}.groupScores.{g}")
        table.append(rec)
        rows.append(
            _row(u, "total", "", "points", total, max_score=100.0, _column=f"{where}.totalScore")
        )
        if all(g in groups for g in GROUP_CODES):
            parts = [rec[g] for g in GROUP_CODES]
            _check_total(rows[-1], parts, f"{where}.groupScores", problems)
    if not table:
        problems.warn(None, "evaluation", None, _("service-results lists no province"))
        return NationalRead(rows, units, {})
    frame = pd.DataFrame(table)
    mine = frame[frame["unit_id"] == province_id]
    if province_id is None or mine.empty:
        problems.warn(
            None,
            "evaluation",
            province_id,
            "service-results does not list this snapshot's province: no national rank",
        )
        return NationalRead(rows, units, {})
    me = next(u for u in units if u.unit_id == province_id)
    for col in ("total", *GROUP_CODES):
        ranked = rank_within(frame, value=col, by=None).set_index("unit_id")
        rank, of = ranked.at[province_id, "rank"], ranked.at[province_id, "of"]
        if pd.isna(rank):
            continue
        rows.append(_row(me, "rank", col, "rank", float(rank), denominator=float(of)))
    groups = {g: float(mine.iloc[0][g]) for g in GROUP_CODES}
    return NationalRead(rows, units, groups)


# ---- folders -----------------------------------------------------------------------------


def _is_archive(path: Path) -> bool:
    return (path / MANIFEST).is_file()


def _latest_archive(path: Path) -> Path | None:
    subs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    subs = [p for p in subs if _is_archive(p)]
    return subs[-1] if subs else None


def _known_file(name: str) -> re.Match | None:
    m = _FILE_RE.fullmatch(name)
    if m and (m["ep"] in ENDPOINTS or m["ep"] == SERVICE_RESULTS):
        return m
    return None


def is_portal_folder(path: str | Path) -> bool:
    """A folder of saved portal responses, a fetch archive, or a period folder of archives."""
    path = Path(path)
    if not path.is_dir():
        return False
    if _is_archive(path) or _latest_archive(path) is not None:
        return True
    return any(_known_file(p.name) for p in path.glob("*.json"))


def _plain_files(folder: Path, problems: Problems) -> list[PortalFile]:
    found: dict[tuple[str, int], PortalFile] = {}
    for p in sorted(folder.glob("*.json")):
        m = _known_file(p.name)
        if m is None:
            problems.warn(
                None,
                None,
                p.name,
                _("{file}: not an evaluation endpoint; ignored").format(file=p.name),
            )
            continue
        if not _inside(folder, p) or not p.is_file():
            problems.error(None, None, p.name, _(MSG_OUTSIDE))
            continue
        f = PortalFile(p, m["ep"], int(m["page"] or 1), bool(m["head"]), sha256_of(p))
        key = (f.endpoint, f.page)
        if key in found:
            full, head = (found[key], f) if not found[key].head else (f, found[key])
            problems.warn(
                None,
                None,
                head.path.name,
                _("{file}: {used} used").format(file=head.path.name, used=full.path.name),
            )
            found[key] = full
        else:
            found[key] = f
    return list(found.values())


MSG_OUTSIDE = N_("the file lies outside the archive folder (a link or a path with '..'); refused")
MSG_MANIFEST_SHAPE = N_("the archive manifest must be an object with a 'files' list")
MSG_ENTRY_SHAPE = N_("a manifest entry must be an object with 'file', 'endpoint' and 'page'")


def _inside(folder: Path, path: Path) -> bool:
    """``path`` (after links are followed) lies inside ``folder``."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _manifest_files(folder: Path, manifest: dict, problems: Problems) -> list[PortalFile]:
    files = []
    entries = manifest.get("files")
    if not isinstance(entries, list):
        problems.error(None, "manifest.files", _head(entries), _(MSG_MANIFEST_SHAPE))
        return []
    for i, entry in enumerate(entries):
        where = f"manifest.files[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            problems.error(None, where, _head(entry), _(MSG_ENTRY_SHAPE))
            continue
        name, endpoint, page = entry["file"], entry.get("endpoint"), entry.get("page", 1)
        if not isinstance(endpoint, str) or isinstance(page, bool) or not isinstance(page, int):
            problems.error(None, where, _head(entry), _(MSG_ENTRY_SHAPE))
            continue
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not _inside(folder, path):
            problems.error(None, f"{where}.file", name, _(MSG_OUTSIDE))
            continue
        if not path.is_file():
            problems.error(None, f"{where}.file", name, "the archive lacks this file")
            continue
        digest = sha256_of(path)
        if entry.get("sha256") and digest != entry["sha256"]:
            problems.error(None, f"{where}.sha256", path.name, "file changed since it was fetched")
            continue
        files.append(PortalFile(path, endpoint, page, False, digest))
    return files


def _read_manifest(folder: Path, problems: Problems) -> dict:
    try:
        manifest = load_json(_body(folder / MANIFEST))
    except (OSError, BadJson) as exc:
        problems.error(
            None, None, MANIFEST, _("unreadable archive manifest ({reason})").format(reason=exc)
        )
        return {}
    if not isinstance(manifest, dict):
        problems.error(None, MANIFEST, _head(manifest), _(MSG_MANIFEST_SHAPE))
        return {}
    if manifest.get("kind") != ARCHIVE_KIND:
        problems.error(
            None, "kind", _head(manifest.get("kind")), _("not a chiso766 portal archive")
        )
        return {}
    for key in ("period", "provisional", "province"):
        value = manifest.get(key)
        ok = {
            "period": value is None or isinstance(value, str | int),
            "provisional": value is None or isinstance(value, bool),
            "province": value is None
            or (isinstance(value, dict) and isinstance(value.get("rootDepartmentId"), str | None)),
        }[key]
        if not ok:
            problems.error(None, f"manifest.{key}", _head(value), _("unexpected value"))
            return {}
    return manifest


def _resolve_period(
    period: str | Period | None, manifest: dict, problems: Problems
) -> Period | None:
    given = manifest.get("period")
    try:
        wanted = period if isinstance(period, Period) else parse_period(period) if period else None
        stored = parse_period(given) if given else None
    except PeriodError as exc:
        problems.error(None, "period", period or given, str(exc))
        return None
    if wanted and stored and wanted != stored:
        problems.error(
            None,
            "period",
            wanted.key,
            _("the archive holds period {stored}, not {wanted}").format(
                stored=stored.key, wanted=wanted.key
            ),
        )
        return None
    chosen = wanted or stored
    if chosen is None:
        problems.error(
            None,
            "period",
            None,
            _(
                "saved portal responses do not say which period they hold: pass --period "
                "(e.g. --period 2026-08 for a month, 2026-Q3 for a quarter, 2026 for a year)"
            ),
        )
        return None
    try:
        chosen.portal_request()
    except PeriodError as exc:
        problems.error(None, "period", chosen.key, str(exc))
        return None
    return chosen


def read_portal_folder(
    folder: str | Path,
    period: str | Period | None = None,
    catalogue: Catalogue | None = None,
    today: dt.date | None = None,
) -> PortalRead:
    """Read saved responses (``<endpoint>[.head|.page-N].json``) or a fetch archive.

    Raises :class:`IngestError` listing every problem (no period, a non-OK envelope, a
    malformed body, files from two provinces…); warnings travel with the result.
    """
    folder = Path(folder)
    problems = Problems(str(folder))
    if not folder.is_dir():
        problems.error(None, None, str(folder), _("not a folder"))
        problems.raise_if_errors()
    if not _is_archive(folder) and (latest := _latest_archive(folder)) is not None:
        folder = latest
        problems.file = str(folder)
    manifest = _read_manifest(folder, problems) if _is_archive(folder) else {}
    chosen = _resolve_period(period, manifest, problems)
    files = (
        _manifest_files(folder, manifest, problems) if manifest else _plain_files(folder, problems)
    )
    problems.raise_if_errors()
    assert chosen is not None
    if not any(f.endpoint in ENDPOINTS or f.endpoint == SERVICE_RESULTS for f in files):
        problems.error(None, None, None, _("no response of an evaluation endpoint in this folder"))
        problems.raise_if_errors()
    return _read_files(folder, chosen, files, manifest, problems, catalogue, today)


def _read_files(
    folder: Path,
    period: Period,
    files: list[PortalFile],
    manifest: dict,
    problems: Problems,
    catalogue: Catalogue | None,
    today: dt.date | None,
) -> PortalRead:
    by_endpoint: dict[str, list[PortalFile]] = {}
    for f in sorted(files, key=lambda f: f.page):
        by_endpoint.setdefault(f.endpoint, []).append(f)
    rows: list[dict] = []
    units: dict[str, _Unit] = {}
    roots: dict[str, str] = {}
    shortfalls: dict[str, tuple[int, int]] = {}
    for endpoint in ENDPOINTS:
        parts = by_endpoint.get(endpoint)
        if not parts:
            problems.warn(
                None,
                None,
                endpoint,
                _("no {endpoint} response: group {group} is missing from this snapshot").format(
                    endpoint=endpoint, group=ENDPOINTS[endpoint]
                ),
            )
            continue
        sub = Problems(f"{folder.name}/{parts[0].path.name}")
        read = read_endpoint(endpoint, [_body(p.path) for p in parts], sub)
        problems.items += sub.items
        if read is None:
            continue
        rows += [{**r, "_file": sub.file} for r in read.rows]
        if read.expected is not None and read.listed < read.expected:
            shortfalls[endpoint] = (read.listed, read.expected)
        if read.root_id:
            roots[endpoint] = read.root_id
        for u in read.units:
            _merge_unit(units, u, endpoint, problems)
    province_id = _one_province(roots, manifest, problems)
    national = None
    if SERVICE_RESULTS in by_endpoint:
        parts = by_endpoint[SERVICE_RESULTS]
        sub = Problems(f"{folder.name}/{parts[0].path.name}")
        national = read_service_results([_body(p.path) for p in parts], province_id, sub)
        problems.items += sub.items
        if national is not None:
            national.rows = [{**r, "_file": sub.file} for r in national.rows]
    problems.raise_if_errors()
    if national is not None:
        for u in national.units:
            units.setdefault(u.unit_id, u)
        rows += national.rows
        _compare_groups(rows, national.province_groups, province_id, problems)
    problems.items += check_measures(_checked(rows, units, period), str(folder))
    if not rows:
        problems.error(None, None, None, _(MSG_NO_VALUES))
    problems.raise_if_errors()
    frame = _frame(rows, units, period)
    cat = catalogue or load_catalogue(METHODOLOGY)
    from chiso766.portal.checks import (
        attach_computed,  # a pure module; imported late to avoid a cycle
    )

    frame = attach_computed(frame, cat)
    provisional = bool(manifest.get("provisional", False))
    today = today or now_local().date()
    if not manifest and not period.is_complete(today):
        provisional = True
        problems.warn(
            None,
            "period",
            period.key,
            _("{period} has not ended: provisional").format(period=period.key),
        )
    province = province_by_id(province_id) if province_id else None
    unit_table = pd.DataFrame(
        [(u.unit_id, u.name, u.level, u.code) for u in units.values()],
        columns=["unit_id", "unit", "level", "code"],
    )
    return PortalRead(
        folder=folder,
        period=period,
        measures=frame,
        warnings=problems.warnings,
        files=files,
        province=province,
        province_id=province_id,
        provisional=provisional,
        taken_at=_taken_at(manifest),
        units=unit_table,
        shortfalls=shortfalls,
    )


def _merge_unit(units: dict[str, _Unit], u: _Unit, endpoint: str, problems: Problems) -> None:
    known = units.get(u.unit_id)
    if known is None:
        units[u.unit_id] = u
        return
    if known.code is None and u.code:
        known.code = u.code
    if known.level != u.level:
        problems.warn(
            None,
            endpoint,
            u.name,
            _(
                "{endpoint} gives {unit} level {level}, another endpoint {other}; kept {other}"
            ).format(endpoint=endpoint, unit=u.name, level=u.level, other=known.level),
        )


def _one_province(roots: dict[str, str], manifest: dict, problems: Problems) -> str | None:
    ids = set(roots.values())
    if len(ids) > 1:
        listing = ", ".join(f"{ep}: {pid}" for ep, pid in roots.items())
        problems.error(
            None,
            "departmentId",
            None,
            _("responses of several provinces ({listing})").format(listing=listing),
        )
        return None
    stated = (manifest.get("province") or {}).get("rootDepartmentId")
    if ids and stated and stated not in ids:
        problems.error(None, "province", stated, _("the manifest names another province"))
        return None
    return next(iter(ids), stated)


def _compare_groups(
    rows: list[dict], groups: dict[str, float], province_id: str | None, problems: Problems
) -> None:
    """Warn where service-results and the group endpoint disagree on the province's score."""
    for r in rows:
        if r["unit_id"] == province_id and r["scope"] == "group" and r["code"] in groups:
            other = groups[r["code"]]
            if not (math.isnan(other) or math.isnan(r["value"])) and abs(other - r["value"]) > 0.01:
                problems.warn(
                    None,
                    r["code"],
                    f"{r['value']:g} / {other:g}",
                    _(
                        "group {group}: the group endpoint says {value}, service-results "
                        "{other} (captured at different times?); the group endpoint is kept"
                    ).format(group=r["code"], value=f"{r['value']:g}", other=f"{other:g}"),
                )


def _checked(rows: list[dict], units: dict[str, _Unit], period: Period) -> pd.DataFrame:
    """The rows with the columns the value checks need (snapshot, level, origins)."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["snapshot"] = period.key
    frame["level"] = frame["unit_id"].map(lambda uid: units[uid].level)
    return frame


def _frame(rows: list[dict], units: dict[str, _Unit], period: Period) -> pd.DataFrame:
    if not rows:
        return M.empty().assign(computed=pd.Series(dtype="float64"))
    frame = pd.DataFrame(rows)
    frame["snapshot"] = period.key
    frame["unit"] = frame["unit_id"].map(lambda uid: units[uid].name)
    frame["level"] = frame["unit_id"].map(lambda uid: units[uid].level)
    frame = frame.drop_duplicates(M.KEY, keep="first")
    return M.conform(frame)


def _taken_at(manifest: dict) -> dt.datetime | None:
    entries = [f for f in manifest.get("files") or [] if isinstance(f, dict)]
    stamps = [f["fetched_at"] for f in entries if isinstance(f.get("fetched_at"), str)]
    if not stamps:
        return None
    try:
        return max(dt.datetime.fromisoformat(s) for s in stamps)
    except ValueError:
        return None


def summary_line(read: PortalRead, result) -> str:  # noqa: ANN001
    """One line: what was read and stored, with the warnings the user must see."""
    where = f"{read.province_label} {read.snapshot}"
    if read.provisional:
        where += _(" (provisional)")
    if result.status == "unchanged":
        line = _("{where}: already ingested from the same responses; nothing changed").format(
            where=where
        )
    else:
        units = read.measures["unit_id"].nunique()
        line = _(
            "{where}: {rows} values of {units} units from {files} portal file(s) → snapshot "
            "{snapshot}"
        ).format(
            where=where,
            rows=result.rows,
            units=units,
            files=len(read.files),
            snapshot=read.snapshot,
        )
    if read.warnings:
        line += _("; {n} warning(s): ").format(n=len(read.warnings)) + " | ".join(
            w.problem for w in read.warnings
        )
    return line

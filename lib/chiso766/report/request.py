"""What to render: one :class:`ReportRequest`, checked once where it enters and resolved once
against the store (:class:`Resolver`) before any kernel starts.

The CLI, ``params/*.yaml`` runs and the notebooks' ``parameters`` cells all build the same
request: :meth:`ReportRequest.build` (from user input), :meth:`ReportRequest.to_parameters`
(for papermill) and :meth:`ReportRequest.from_parameters` (inside the notebook). Resolution
turns names into the store's ids, picks the snapshots, and computes the hash of the input data
the report will read — so a batch knows what is unchanged without running anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from chiso766.commentary.phrase import templates
from chiso766.compute.periods import Period, PeriodError, parse_period, resolve_period
from chiso766.compute.textnorm import slug
from chiso766.compute.units import COMMUNE, DEPARTMENT, DISTRICT, PROVINCE
from chiso766.i18n import _
from chiso766.report.selection import Selection, SelectionError, select_snapshots

PROVINCE_REPORT, UNIT_SCORECARD = "province", "unit"
KINDS = (PROVINCE_REPORT, UNIT_SCORECARD)
NOTEBOOKS = {PROVINCE_REPORT: "province_report.ipynb", UNIT_SCORECARD: "unit_scorecard.ipynb"}
SCORE_SCOPES = ["total", "group", "indicator", "rank"]
UNIT_LEVELS = (DEPARTMENT, DISTRICT, COMMUNE)
#: ``--units`` words → levels
UNIT_SETS = {
    "all": UNIT_LEVELS,
    "departments": (DEPARTMENT,),
    "districts": (DISTRICT,),
    "communes": (COMMUNE,),
}
#: request field → notebook parameter name
PARAMETERS = {
    "period": "period",
    "compare": "compare",
    "store": "store_path",
    "province": "province",
    "unit": "unit",
    "methodology": "methodology",
    "rank": "national_rank",
}
#: the ``store`` (notebook ``store_path``) that names the demo store
DEMO = "demo"
_RANK = re.compile(r"\s*(\d{1,3})\s*/\s*(\d{1,3})\s*")


class RequestError(ValueError):
    """A request that cannot be rendered; ``problems`` lists every reason, in plain words."""

    def __init__(self, problems: Sequence[str], label: str = "") -> None:
        self.problems = tuple(problems)
        self.label = label
        head = f"{label}: " if label else ""
        super().__init__(head + "; ".join(self.problems))


def parse_rank(text: str) -> tuple[int, int]:
    """'20/63' → (20, 63); a clear ValueError otherwise."""
    m = _RANK.fullmatch(str(text))
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise ValueError(_("a national rank is written like 20/63, not '{text}'").format(text=text))
    return int(m[1]), int(m[2])


def known_methodologies() -> list[str]:
    from chiso766.methodology import available_versions

    return ["auto", *available_versions()]


@dataclass(frozen=True)
class ReportRequest:
    """One report to render. Build it with :meth:`build`; every field is canonical text.

    ``kind`` is "province" (the announcement) or "unit" (one unit's scorecard, ``unit`` set);
    ``period`` a period key ("2026-W47"); ``compare`` a snapshot key or ""; ``province`` and
    ``unit`` a name or the store's id ("" = the province the data is about); ``rank`` a
    national rank entered by hand ("20/63"); ``store`` the store file ("" = the default).
    """

    kind: str = PROVINCE_REPORT
    period: str = ""
    compare: str = ""
    province: str = ""
    unit: str = ""
    methodology: str = "auto"
    rank: str = ""
    store: str = ""

    @classmethod
    def build(cls, *, today: dt.date | None = None, **values: Any) -> ReportRequest:
        """Check the values' form (no store needed) and return the request; raises
        :class:`RequestError` listing every problem. ``period`` may be relative
        ('last-week'), resolved against ``today``."""
        problems: list[str] = []
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            problems.append(_("unknown setting(s): {names}").format(names=", ".join(unknown)))
        clean: dict[str, str] = {}
        for name in names & set(values):
            value = values[name]
            if value is None:
                value = ""
            if isinstance(value, Path):
                value = str(value)
            if not isinstance(value, str):
                problems.append(
                    _("{name} must be text, not {type} {value!r}").format(
                        name=name, type=type(value).__name__, value=value
                    )
                )
                continue
            if "\x00" in value or len(value) > 500:
                problems.append(_("{name} is not a usable value").format(name=name))
                continue
            clean[name] = value.strip()
        kind = clean.get("kind") or PROVINCE_REPORT
        if kind not in KINDS:
            problems.append(
                _("unknown report kind '{kind}' (known: {known})").format(
                    kind=kind, known=", ".join(KINDS)
                )
            )
        period = clean.get("period", "")
        if not period:
            problems.append(_("the period is missing (e.g. 2026-W47, 2026-10, 2026-Q3, 2026)"))
        else:
            try:
                period = resolve_period(period, today).key
            except PeriodError as exc:
                problems.append(_("period: {problem}").format(problem=exc))
        compare = clean.get("compare", "")
        if compare:
            try:
                compare = resolve_period(compare, today).key
            except PeriodError as exc:
                problems.append(_("comparison: {problem}").format(problem=exc))
        methodology = clean.get("methodology") or "auto"
        if methodology not in known_methodologies():
            problems.append(
                _("unknown methodology '{name}' (known: {known})").format(
                    name=methodology, known=", ".join(known_methodologies())
                )
            )
        rank = clean.get("rank", "")
        if rank:
            try:
                a, b = parse_rank(rank)
                rank = f"{a}/{b}"
            except ValueError as exc:
                problems.append(_("rank: {problem}").format(problem=exc))
        unit = clean.get("unit", "")
        if kind == UNIT_SCORECARD and not unit:
            problems.append(_("a unit scorecard needs the unit's name"))
        if kind == PROVINCE_REPORT and unit:
            problems.append(_("the province report takes no unit (ask for a unit scorecard)"))
        if kind == UNIT_SCORECARD and rank:
            problems.append(_("a national rank applies to the province report, not a scorecard"))
        if problems:
            raise RequestError(problems)
        store = clean.get("store", "")
        if store and store != DEMO:
            store = str(Path(store).expanduser().resolve())
        return cls(
            kind=kind,
            period=period,
            compare=compare,
            province=clean.get("province", ""),
            unit=unit,
            methodology=methodology,
            rank=rank,
            store=store,
        )

    # --- notebook parameters ------------------------------------------------------------------
    def to_parameters(self) -> dict[str, str]:
        """The notebook's parameters (all text): what papermill injects."""
        out = {PARAMETERS[f]: getattr(self, f) for f in PARAMETERS}
        if self.kind == PROVINCE_REPORT:
            del out["unit"]
        else:
            del out["national_rank"]
        return out

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> ReportRequest:
        """The request a notebook's parameters describe (the inverse of :meth:`to_parameters`);
        names that are not parameters are ignored, so ``globals()`` may be passed."""
        values = {f: params[p] for f, p in PARAMETERS.items() if p in params}
        values["kind"] = UNIT_SCORECARD if values.get("unit") else PROVINCE_REPORT
        return cls.build(**values)

    @property
    def store_path(self) -> Path:
        from chiso766.store import default_store_path, demo_store_path

        if self.store == DEMO:
            return demo_store_path().resolve()
        return Path(self.store) if self.store else default_store_path().resolve()

    def describe(self) -> str:
        """Short text naming the request in messages: '2026-W47 (Sở Tư pháp)'."""
        return f"{self.period} ({self.unit})" if self.unit else self.period


@dataclass(frozen=True)
class ResolvedReport:
    """A request checked against the store: ids, snapshots, names and the input-data hash."""

    request: ReportRequest  # canonical: the store's ids, the store's absolute path
    selection: Selection
    title: str
    period_label: str
    province: str  # the province's name
    unit_name: str = ""
    level: str = ""
    provisional: bool = False
    demo: bool = False
    taken: str = ""  # the date of the data, "17/11/2026"
    input_hash: str = ""
    slug: str = ""  # file-name stem, ascii: "so-tu-phap-2026-W47"
    folder: str = ""  # under reports/<period>/: "province" or "units/so-tu-phap"

    @property
    def notebook(self) -> str:
        return NOTEBOOKS[self.request.kind]

    def to_json(self) -> dict[str, Any]:
        """For the manifest."""
        out = asdict(self)
        out["selection"] = {
            "current": self.selection.current,
            "compare": self.selection.compare,
            "previous_year": self.selection.previous_year,
        }
        return out


def _partition_sql() -> str:
    cols = (
        "m.unit_id, u.name, m.scope, m.code, m.kind, m.value, m.numerator, m.denominator, "
        "m.max_score, m.computed, m.flag, m.note, m.label, m.source_id, m.seq"
    )
    return (
        "SELECT m.snapshot, u.level, count(*) AS n, "
        f"CAST(bit_xor(hash({cols})) AS VARCHAR) AS h "
        "FROM measures m JOIN units u USING (unit_id) GROUP BY ALL"
    )


class Resolver:
    """Resolves requests against one open store; what it reads is read once per batch."""

    def __init__(self, store: Any, today: dt.date | None = None) -> None:
        self.store = store
        self.today = today or _today_vn()
        # what every request of a period shares (a batch of scorecards asks it ~120 times)
        self._memo: dict[tuple, Any] = {}

    def _once(self, key: tuple, make: Any) -> Any:
        """``make()``, made once per key for this resolver (errors are not remembered)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    # --- what the store holds (read once) --------------------------------------------------
    @cached_property
    def snapshots(self) -> pd.DataFrame:
        return self.store.snapshots(scopes=SCORE_SCOPES)

    @cached_property
    def all_snapshots(self) -> pd.DataFrame:
        return self.store.snapshots()

    @cached_property
    def units(self) -> pd.DataFrame:
        return self.store.units()

    @cached_property
    def presence(self) -> pd.DataFrame:
        """(snapshot, unit_id) pairs with values."""
        return self.store.con.execute("SELECT DISTINCT snapshot, unit_id FROM measures").df()

    @cached_property
    def partitions(self) -> dict[tuple[str, str], str]:
        rows = self.store.con.execute(_partition_sql()).fetchall()
        return {(s, lv): f"{n}:{h}" for s, lv, n, h in rows}

    @cached_property
    def links(self) -> dict[str, str]:
        return self.store.unit_links()

    @cached_property
    def unit_folders(self) -> dict[str, str]:
        """unit id → an ascii folder name from its name; names that fold to the same letters
        ("Hòa An", "Hóa An") get a short suffix from their id, so none collide."""
        names = {u: slug(n) or "don-vi" for u, n in zip(self.units["unit_id"], self.units["name"],
                                                          strict=True)}  # fmt: skip
        seen: dict[str, int] = {}
        for s in names.values():
            seen[s] = seen.get(s, 0) + 1
        return {
            u: s if seen[s] == 1 else f"{s}-{hashlib.sha1(u.encode()).hexdigest()[:6]}"
            for u, s in names.items()
        }

    @cached_property
    def dossier_files(self) -> list[str]:
        """The provincial system's export files in the store (their hashes), if any."""
        import duckdb

        try:
            rows = self.store.con.execute("SELECT sha256 FROM dossier_files").fetchall()
        except duckdb.CatalogException:
            return []
        return sorted(r[0] for r in rows)

    @cached_property
    def demo_sources(self) -> bool:
        src = self.store.sources()
        return bool(len(src)) and bool((src["kind"] == "demo").any())

    # --- one request ------------------------------------------------------------------------
    def resolve(self, request: ReportRequest) -> ResolvedReport:
        """Check ``request`` against the store; raises :class:`RequestError` with every
        problem (unknown province or unit, no snapshot, a comparison inside the period…)."""
        problems: list[str] = []
        period = parse_period(request.period)
        selection = None
        try:
            selection = self._once(
                ("selection", period.key, request.compare),
                lambda: select_snapshots(self.snapshots, period, request.compare or None),
            )
        except (SelectionError, PeriodError) as exc:
            problems.append(str(exc))
        if selection is not None and request.compare:
            cmp = parse_period(request.compare)
            cur = parse_period(selection.current)
            if period.contains_period(cmp) or cmp.end >= cur.end:
                problems.append(
                    _(
                        "the comparison {compare} is not before the period {period}: compare "
                        "with an earlier snapshot"
                    ).format(compare=cmp.label_vi, period=period.label_vi)
                )
        if selection is None:
            raise RequestError(problems, request.describe())
        province_id, province_name = None, ""
        try:
            province_id, province_name = self._once(
                ("province", selection.current, request.province),
                lambda: self._province(selection.current, request.province),
            )
        except LookupError as exc:
            problems.append(str(exc))
        unit_id, unit_name, level = "", "", ""
        if request.kind == UNIT_SCORECARD:
            try:
                unit_id, unit_name, level = self._unit(request.unit, selection.current, period)
            except LookupError as exc:
                problems.append(str(exc))
        if problems:
            raise RequestError(problems, request.describe())
        canonical = replace(
            request,
            unit=unit_id,
            province=province_id or "",
            store=str(Path(self.store.path).resolve()),
        )
        provisional = self._provisional(selection.current, period)
        label = period.label_vi
        words = templates()["report_titles"]
        who = unit_name if request.kind == UNIT_SCORECARD else province_name
        title = words[request.kind].format(unit=who, period=label)
        if provisional:
            title += words["provisional"]
        if request.kind == UNIT_SCORECARD:
            stem = self.unit_folders.get(unit_id) or slug(unit_name) or "don-vi"
            folder = f"units/{stem}"
        else:
            stem, folder = slug(province_name) or "tinh", "province"
        return ResolvedReport(
            request=canonical,
            selection=selection,
            title=title,
            period_label=label,
            province=province_name,
            unit_name=unit_name,
            level=level,
            provisional=provisional,
            demo=self.demo_sources,
            taken=_day_label(selection.current),
            input_hash=self._input_hash(canonical, selection, level, provisional),
            slug=f"{stem}-{period.key}",
            folder=folder,
        )

    def resolve_all(
        self, requests: Iterable[ReportRequest]
    ) -> tuple[list[ResolvedReport], list[str]]:
        """Resolve every request; (resolved, problems) with each problem naming its request."""
        done, problems = [], []
        for req in requests:
            try:
                done.append(self.resolve(req))
            except RequestError as exc:
                problems.append(str(exc))
        return done, problems

    def units_for(self, spec: Sequence[str], period: str) -> list[str]:
        """Unit ids a ``--units`` choice names for ``period``: 'all', 'departments',
        'districts', 'communes' or unit names (raises :class:`RequestError`)."""
        selection = select_snapshots(self.snapshots, period)
        present = set(self.presence.loc[self.presence["snapshot"] == selection.current, "unit_id"])
        units = self.units[self.units["unit_id"].isin(present)]
        out: list[str] = []
        problems: list[str] = []
        for item in spec:
            key = item.strip()
            if key.lower() in UNIT_SETS:
                levels = UNIT_SETS[key.lower()]
                chosen = units[units["level"].isin(levels)].sort_values(["level", "name"])
                out += [u for u in chosen["unit_id"] if u not in out]
                continue
            try:
                uid, _name, _level = self._unit(key, selection.current, parse_period(period))
            except LookupError as exc:
                problems.append(str(exc))
                continue
            if uid not in out:
                out.append(uid)
        if problems:
            raise RequestError(problems, period)
        return out

    # --- pieces -------------------------------------------------------------------------------
    def _province(self, snapshot: str, asked: str) -> tuple[str | None, str]:
        from chiso766.report.model import pick_province

        rows = self.store.con.execute(
            "SELECT m.unit_id, u.name AS unit, u.level, m.scope FROM measures m "
            "JOIN units u USING (unit_id) WHERE m.snapshot = ? AND u.level = ?",
            [snapshot, PROVINCE],
        ).df()
        if asked and rows.empty:
            raise LookupError(
                _("the data of {day} names no province").format(day=_day_label(snapshot))
            )
        try:
            return pick_province(rows, asked or None)
        except LookupError:
            names = ", ".join(sorted(rows["unit"].unique())) or _("none")
            raise LookupError(
                _(
                    "the province '{asked}' is not in the data of {day} (the data is about: "
                    "{names})"
                ).format(asked=asked, day=_day_label(snapshot), names=names)
            ) from None

    def _unit(self, asked: str, snapshot: str, period: Period) -> tuple[str, str, str]:
        from chiso766.store import StoreError
        from chiso766.store.queries import find_unit

        units = self.units
        try:
            found = find_unit(units, asked)
        except StoreError as exc:
            raise LookupError(str(exc)) from None
        hit = units[units["unit_id"] == found]
        uid, name, level = hit.iloc[0][["unit_id", "name", "level"]]
        if level not in UNIT_LEVELS:
            raise LookupError(
                _("{name} is the province: render the province report for it").format(name=name)
            )
        seen = self.presence[self.presence["unit_id"] == uid]["snapshot"]
        if snapshot not in set(seen):
            latest = max(seen, key=lambda k: parse_period(k).end) if len(seen) else None
            when = (
                _("; its latest data is of {day}").format(day=_day_label(latest)) if latest else ""
            )
            raise LookupError(
                _("{name} has no data for {period}{when}").format(
                    name=name, period=period.label_vi, when=when
                )
            )
        return str(uid), str(name), str(level)

    def _provisional(self, snapshot: str, period: Period) -> bool:
        row = self.all_snapshots[self.all_snapshots["snapshot"] == snapshot]
        flagged = bool(len(row)) and bool(row["provisional"].fillna(False).iloc[0])
        return flagged or period.end >= self.today

    def _meta(self, keys: set[str]) -> list:
        """The metadata of these snapshots, as the input hash holds it."""
        return _meta_records(self.all_snapshots, keys)

    def _input_hash(
        self, request: ReportRequest, selection: Selection, level: str, provisional: bool
    ) -> str:
        """Hash of what the report reads: the (snapshot, level) partitions of its snapshots,
        the trend's snapshots, the snapshots' metadata and the unit links."""
        from chiso766.report.trend import trend_snapshots

        period = selection.period
        inside = self._once(
            ("inside", period.key, tuple(selection.keys)),
            lambda: [
                k
                for k in self.all_snapshots["snapshot"]
                if _safe_contains(period, k) or k in selection.keys
            ],
        )
        trend = self._once(
            ("trend", selection.current, period.kind),
            lambda: trend_snapshots(self.snapshots, selection.current, period.kind),
        )
        parts: list[tuple[str, str]] = []
        if request.kind == PROVINCE_REPORT:
            levels = sorted({lv for (_s, lv) in self.partitions})
            parts += [(s, lv) for s in inside for lv in levels]
            parts += [(s, PROVINCE) for s in trend]
        else:
            parts += [(s, lv) for s in set(inside) | set(trend) for lv in (level, PROVINCE)]
        keys = sorted(set(parts))
        payload = {
            "partitions": [[s, lv, self.partitions.get((s, lv), "")] for s, lv in keys],
            "snapshots": self._once(
                ("meta", *sorted({s for s, _ in keys})), lambda: self._meta({s for s, _ in keys})
            ),
            "links": sorted(self.links.items()),
            "dossier_files": self.dossier_files,
            "provisional": provisional,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _meta_records(all_snapshots: pd.DataFrame, keys: set[str]) -> list:
    meta = all_snapshots[all_snapshots["snapshot"].isin(keys)]
    meta = meta.drop(columns=["source_id"], errors="ignore")  # who wrote it last: no matter
    return json.loads(meta.astype(str).to_json(orient="records"))


def _safe_contains(period: Period, key: str) -> bool:
    try:
        return period.contains_period(parse_period(key))
    except PeriodError:
        return False


def _day_label(key: str | None) -> str:
    if not key:
        return ""
    p = parse_period(key)
    if p.kind == "day":
        return f"{p.end.day:02d}/{p.end.month}/{p.end.year}"
    return p.label_vi


def _today_vn() -> dt.date:
    from chiso766.store import now_local

    return now_local().date()


__all__ = [
    "KINDS",
    "NOTEBOOKS",
    "PARAMETERS",
    "PROVINCE_REPORT",
    "UNIT_SCORECARD",
    "ReportRequest",
    "RequestError",
    "ResolvedReport",
    "Resolver",
    "parse_rank",
]

"""Load what a report needs from the store and build it (the I/O side of the models).

Scored snapshots are kept per process, keyed by the store file's identity: a warm kernel that
renders a period's scorecards one after another scores each snapshot once."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd

from chiso766.commentary import templates
from chiso766.compute.measures import conform
from chiso766.compute.periods import parse_period
from chiso766.compute.ranking import add_classes, rank_within, sort_for_display
from chiso766.compute.scoring import score_snapshot
from chiso766.compute.units import PROVINCE
from chiso766.demo import SYNTHETIC_NOTE_VI
from chiso766.i18n import N_, _
from chiso766.methodology import load_bands
from chiso766.report.model import (
    ProvinceReport,
    build_province_report,
    catalogue_for,
    pick_province,
)
from chiso766.report.request import DEMO, PROVINCE_REPORT, ReportRequest, parse_rank
from chiso766.report.scorecard import UnitScorecard, build_unit_scorecard
from chiso766.report.selection import select_snapshots
from chiso766.report.trend import trend_snapshots, unit_trend
from chiso766.store import (
    Source,
    Store,
    StoreError,
    default_store_path,
    demo_store_path,
    now_local,
)

SCORE_SCOPES = ["total", "group", "indicator", "rank"]


def load_province_report(
    store: Store,
    period: str,
    compare: str | None = None,
    province: str | None = None,
    methodology: str = "auto",
    rank: str = "",
) -> ProvinceReport:
    """Select the snapshots for ``period`` and build the province report from the store.

    ``rank`` ("20/63") is the national rank entered by hand where the store has none (older
    periods, the 63-province years); the report names where its rank came from.
    """
    snaps = store.snapshots(scopes=SCORE_SCOPES)
    selection = select_snapshots(snaps, period, compare or None)
    measures = store.measures(selection.keys, scopes=SCORE_SCOPES)
    cur = measures[measures["snapshot"] == selection.current]
    uid, name = pick_province(cur if len(cur) else measures, province)
    if rank:
        measures = with_entered_rank(measures, selection.current, uid, name, rank)
        cur = measures[measures["snapshot"] == selection.current]
    trend = store.measures(scopes=SCORE_SCOPES, unit_ids=[uid] if uid else [])
    overdue = store.measures(scopes=["count"])
    warnings = source_warnings(store, cur)
    demo = SYNTHETIC_NOTE_VI in warnings
    return build_province_report(
        measures,
        store.snapshots(),
        selection,
        province=province,
        methodology=methodology,
        trend_measures=trend,
        overdue_measures=overdue,
        source_warnings=tuple(w for w in warnings if w != SYNTHETIC_NOTE_VI),
        rank_source=rank_source(store, cur, uid),
        unit_links=store.unit_links(),
        today=now_local().date(),
        demo=demo,
    )


def with_entered_rank(measures, snapshot: str, uid: str | None, name: str, rank: str):
    """The measures with the hand-entered national rank of the province for ``snapshot``."""

    value, of = parse_rank(rank)
    if uid is None:
        raise LookupError(_("the data names no province to give the rank to"))
    keep = ~(
        (measures["snapshot"] == snapshot)
        & (measures["unit_id"] == uid)
        & (measures["scope"] == "rank")
        & (measures["code"] == "total")
    )
    row = {
        "snapshot": snapshot,
        "unit_id": uid,
        "unit": name,
        "level": PROVINCE,
        "scope": "rank",
        "code": "total",
        "kind": "rank",
        "value": value,
        "denominator": of,
        "source_id": ENTERED,
    }
    return pd.concat(
        [measures[keep], conform(pd.DataFrame([row])).assign(source_id=ENTERED)], ignore_index=True
    )


ENTERED = "entered"


def rank_source(store: Store, rows, uid: str | None) -> str | None:
    """Where the province's national rank came from, in words for the report."""

    sel = rows[(rows["unit_id"] == uid) & (rows["scope"] == "rank") & (rows["code"] == "total")]
    if sel.empty:
        return None
    sid = sel["source_id"].iloc[0]
    words = templates()["rank_sources"]
    if sid == ENTERED:
        return words["entered"]
    src = store.sources()
    src = src[src["source_id"] == sid]
    if src.empty:
        return None
    kind = src["kind"].iloc[0]
    return words.get(kind, words["table"])


def source_warnings(store: Store, rows) -> tuple[str, ...]:
    """Warnings the sources of these measures recorded at ingest (e.g. a short portal list)."""

    ids = set(rows["source_id"]) if "source_id" in rows else set()
    out: list[str] = []
    sources = store.sources()
    if (sources["source_id"].isin(ids) & (sources["kind"] == "demo")).any():
        out.append(SYNTHETIC_NOTE_VI)
    for sid, meta in sources[["source_id", "meta"]].itertuples(index=False):
        if sid in ids and meta:
            for w in json.loads(meta).get("warnings", []):
                text = warning_vi(w)
                if text and text not in out:
                    out.append(text)
    return tuple(out)


def warning_vi(warning: str) -> str:
    """An ingest warning as a report says it (``source_warnings`` in templates.yaml); '' for
    one a report does not show; unchanged if no entry matches."""

    for entry in templates().get("source_warnings", []):
        m = re.search(entry["pattern"], warning)
        if m:
            return entry["text"].format(**m.groupdict()) if entry["text"] else ""
    return warning


MSG_NO_STORE = N_(
    "There is no store at {path}. Ingest the office's tables first (chiso766 ingest …), set "
    'store_path to a store file, or set store_path = "demo" to see the demo data.'
)


class NoStore(StoreError):
    """A notebook asked for a store that does not exist (never the demo in its place)."""


def open_store(store_path: str = "") -> Store:
    """The store a notebook reads: ``"demo"`` → the demo store (generated on first use); a
    path → that store; empty → the default store ($CHISO766_STORE or data/chiso766.duckdb).
    A store that does not exist raises :class:`NoStore` saying what to set — the demo is
    never used in its place."""
    if store_path == DEMO or (store_path and Path(store_path) == demo_store_path()):
        demo_path = demo_store_path()
        if not demo_path.exists():
            ensure_demo_store(demo_path)
        return Store(demo_path, read_only=True)
    path = Path(store_path).expanduser() if store_path else default_store_path()
    if not path.exists():
        raise NoStore(_(MSG_NO_STORE).format(path=path))
    return Store(path, read_only=True)


def ensure_demo_store(path, variant: str = "merged") -> None:
    """Generate the demo data into ``path`` (idempotent)."""

    from chiso766.demo import generate

    data = generate(variant=variant)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(data.measures, index=False).values.tobytes()
    ).hexdigest()
    from chiso766.demo_dossiers import store_demo_dossiers

    with Store(path) as st:
        st.ingest(data.measures, Source(f"demo:{variant}", digest, "demo", data.methodology))
        store_demo_dossiers(st, data)


def snapshot_scores(store: Store, snapshot: str = "", methodology: str = "auto"):
    """Scores of one stored snapshot (the latest with scores if none is given): a frame of
    units (total, class, rank within level) and a units × groups frame of points."""

    snaps = store.snapshots(scopes=["total", "group", "indicator"])
    if snaps.empty:
        raise LookupError(_("the store has no scores yet"))
    key = parse_period(snapshot).key if snapshot else snaps["snapshot"].iloc[-1]
    measures = store.measures([key], scopes=["total", "group", "indicator"])
    if measures.empty:
        raise LookupError(_("no scores for {key} in the store").format(key=key))
    scores = score_snapshot(measures, catalogue_for(key, store.snapshots(), methodology))
    units = sort_for_display(rank_within(add_classes(scores.units, load_bands())))
    groups = scores.groups.pivot_table(
        index="unit_id", columns="name", values="points", aggfunc="first", dropna=False
    )
    groups = units[["unit_id", "unit", "level"]].merge(
        groups, left_on="unit_id", right_index=True, how="left"
    )
    return key, units.reset_index(drop=True), groups.reset_index(drop=True)


# --- a request → its model -----------------------------------------------------------------
_SCORED: dict[tuple, object] = {}
_SCORED_MAX = 256


def _store_identity(store: Store) -> tuple:
    """The store file's identity: path, size and modification time (and its WAL's, if any)."""
    out: list = [str(store.path.resolve())]
    for path in (store.path, Path(str(store.path) + ".wal")):
        try:
            st = os.stat(path)
            out += [st.st_size, st.st_mtime_ns]
        except OSError:
            out += [None, None]
    return tuple(out)


def scored_snapshots(
    store: Store, keys: list[str], snapshots: pd.DataFrame, methodology: str
) -> dict[str, object]:
    """Each snapshot of ``keys`` scored whole (every unit), cached per process; a snapshot
    without values maps to None. The missing ones are read in one query."""
    ident = _store_identity(store)
    todo = [k for k in dict.fromkeys(keys) if (ident, k, methodology) not in _SCORED]
    if todo:
        if len(_SCORED) + len(todo) > _SCORED_MAX:
            _SCORED.clear()
            _RANKED.clear()
        rows = store.measures(todo, scopes=["total", "group", "indicator"])
        parts = dict(tuple(rows.groupby("snapshot", sort=False))) if len(rows) else {}
        for key in todo:
            part = parts.get(key)
            _SCORED[(ident, key, methodology)] = (
                score_snapshot(part, catalogue_for(key, snapshots, methodology))
                if part is not None and len(part)
                else None
            )
    return {k: _SCORED[(ident, k, methodology)] for k in keys}


_RANKED: dict[tuple, pd.DataFrame] = {}


def ranked_units(
    store: Store, keys: list[str], snapshots: pd.DataFrame, methodology: str
) -> dict[str, pd.DataFrame]:
    """Each snapshot's units with total, rank and ``of`` within their level, indexed by
    unit id (cached per process, like :func:`scored_snapshots`)."""
    ident = _store_identity(store)
    todo = [k for k in keys if (ident, k, methodology) not in _RANKED]
    if todo:
        scored = scored_snapshots(store, todo, snapshots, methodology)
        for key in todo:
            s = scored[key]
            frame = (
                rank_within(s.units[["unit_id", "level", "total"]]).set_index("unit_id")
                if s is not None
                else pd.DataFrame(columns=["level", "total", "rank", "of"])
            )
            _RANKED[(ident, key, methodology)] = frame
    return {k: _RANKED[(ident, k, methodology)] for k in keys}


def scored_snapshot(store: Store, key: str | None, snapshots: pd.DataFrame, methodology: str):
    """The whole snapshot ``key`` scored (every unit), cached per process; None if no key or
    no values."""
    if key is None:
        return None
    return scored_snapshots(store, [key], snapshots, methodology)[key]


def load_report(store: Store, request: ReportRequest) -> ProvinceReport | UnitScorecard:
    """The model a request asks for: the province announcement or one unit's scorecard."""
    from chiso766.report.dossier_sections import load_dossier_sections

    if request.kind == PROVINCE_REPORT:
        report = load_province_report(
            store,
            request.period,
            request.compare or None,
            request.province or None,
            request.methodology,
            request.rank,
        )
        report.dossiers = load_dossier_sections(store, request.period)
        return report
    card = load_unit_scorecard(store, request)
    card.dossiers = load_dossier_sections(store, request.period, card.unit_id)
    return card


def _unit_id(store: Store, asked: str) -> str:
    units = store.units()
    if asked in set(units["unit_id"]):
        return asked
    exact = units[units["name"] == asked]
    if len(exact) == 1:
        return str(exact["unit_id"].iloc[0])
    return store.find_unit(asked)


def load_unit_scorecard(store: Store, request: ReportRequest) -> UnitScorecard:
    """One unit's scorecard for the request's period (``request.unit``: id or name)."""
    from chiso766.report.model import _compare_label, _notes, _overdue

    snaps = store.snapshots(scopes=SCORE_SCOPES)
    all_snaps = store.snapshots()
    selection = select_snapshots(snaps, request.period, request.compare or None)
    uid = _unit_id(store, request.unit)
    kind = selection.period.kind
    keys = trend_snapshots(snaps, selection.current, kind)
    wanted = [k for k in (selection.current, selection.compare) if k] + keys
    scored = scored_snapshots(store, wanted, all_snaps, request.methodology)
    cur = scored[selection.current]
    if cur is None:
        raise LookupError(_("no scores for {key} in the store").format(key=selection.current))
    old = scored.get(selection.compare) if selection.compare else None
    trend = unit_trend(ranked_units(store, keys, all_snaps, request.methodology), keys, kind, uid)
    counts = store.measures(scopes=["count"], unit_ids=[uid])
    overdue_rows = _overdue(counts, selection.period)
    overdue, overdue_day = None, None
    if len(overdue_rows):
        overdue = float(overdue_rows["value"].iloc[0])
        overdue_day = parse_period(overdue_rows["snapshot"].iloc[0]).end
    else:
        listed = _overdue(store.measures(scopes=["count"]), selection.period)
        if len(listed):  # the period's overdue list does not name this unit
            overdue = 0.0
            overdue_day = parse_period(listed["snapshot"].iloc[0]).end
    cur_rows = store.measures([selection.current], unit_ids=[uid])
    prov_rows = store.measures([selection.current], scopes=SCORE_SCOPES)
    _pid, province = pick_province(prov_rows, request.province or None)
    links = store.unit_links()
    snap_row = all_snaps[all_snaps["snapshot"] == selection.current]
    flagged = bool(len(snap_row)) and bool(snap_row["provisional"].fillna(False).iloc[0])
    provisional = flagged or selection.period.end >= now_local().date()
    notes = _notes(cur_rows, selection.current, all_snaps, list(source_warnings(store, cur_rows)))
    if provisional:
        from chiso766.report.view import snapshot_label

        said = templates()["announcement"]["provisional"].format(
            period=selection.period.label_vi, taken=snapshot_label(selection.current)
        )
        notes = [said, *(n for n in notes if not n.startswith("Số liệu tạm tính"))]
    card = build_unit_scorecard(
        uid,
        cur,
        old,
        selection,
        bands=load_bands(),
        province=province,
        compare_label=_compare_label(selection.compare, selection.compare_period, selection.period),
        trend=trend,
        overdue=overdue,
        overdue_day=overdue_day,
        links=links,
        notes=notes,
    )
    card.provisional = provisional
    return card


def load_announcement(store: Store, request: ReportRequest):
    """The province report of ``request``, its announcement as a document (the office from
    :func:`chiso766.report.office.load_office`), and its view: (report, document, view)."""
    from chiso766.report.announcement import build_announcement
    from chiso766.report.office import load_office
    from chiso766.report.view import ReportView

    report = load_report(store, request)
    words = templates()["report_titles"]
    title = words["province"].format(unit=report.province, period=report.period.label_vi)
    if report.provisional:
        title += words["provisional"]
    doc = build_announcement(report, load_office(), title=title, today=now_local().date())
    return report, doc, ReportView(report)

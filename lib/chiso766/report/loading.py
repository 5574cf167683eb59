"""Load what a report needs from the store and build it (the I/O side of report_model)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd

from chiso766.commentary import templates
from chiso766.compute.measures import conform
from chiso766.compute.periods import parse_period
from chiso766.compute.ranking import add_classes, rank_within, sort_for_display
from chiso766.compute.scoring import score_snapshot
from chiso766.compute.units import PROVINCE
from chiso766.methodology import load_bands
from chiso766.report.model import (
    ProvinceReport,
    build_province_report,
    catalogue_for,
    pick_province,
)
from chiso766.report.selection import select_snapshots
from chiso766.store import Source, Store, default_store_path, project_root

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
    return build_province_report(
        measures,
        store.snapshots(),
        selection,
        province=province,
        methodology=methodology,
        trend_measures=trend,
        overdue_measures=overdue,
        source_warnings=source_warnings(store, cur),
        rank_source=rank_source(store, cur, uid),
        unit_links=store.unit_links(),
    )


def parse_rank(text: str) -> tuple[int, int]:
    """'20/63' → (20, 63); a clear ValueError otherwise."""

    m = re.fullmatch(r"\s*(\d{1,3})\s*/\s*(\d{1,3})\s*", str(text))
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise ValueError(f"a national rank is written like 20/63, not '{text}'")
    return int(m[1]), int(m[2])


def with_entered_rank(measures, snapshot: str, uid: str | None, name: str, rank: str):
    """The measures with the hand-entered national rank of the province for ``snapshot``."""

    value, of = parse_rank(rank)
    if uid is None:
        raise LookupError("the data names no province to give the rank to")
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
    if sid == ENTERED:
        return "nhập tay khi lập báo cáo"
    src = store.sources()
    src = src[src["source_id"] == sid]
    if src.empty:
        return None
    kind, path = src["kind"].iloc[0], src["path"].iloc[0]
    if kind == "portal":
        return "Cổng Dịch vụ công quốc gia (kết quả của các tỉnh, thành phố)"
    if kind == "demo":
        return "dữ liệu mẫu"
    return f"bảng số liệu {Path(path).name}"


def source_warnings(store: Store, rows) -> tuple[str, ...]:
    """Warnings the sources of these measures recorded at ingest (e.g. a short portal list)."""

    ids = set(rows["source_id"]) if "source_id" in rows else set()
    out: list[str] = []
    sources = store.sources()
    if (sources["source_id"].isin(ids) & (sources["kind"] == "demo")).any():
        from chiso766.demo import SYNTHETIC_NOTE_VI

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


def open_store(store_path: str = "") -> Store:
    """The store a notebook reads: the path given, else the default store if it exists, else
    the demo store (generated on first use), so every notebook runs with its defaults."""

    if store_path:
        return Store(Path(store_path), read_only=True)
    default = default_store_path()
    if default.exists():
        return Store(default, read_only=True)
    demo_path = project_root() / "data" / "demo.duckdb"
    if not demo_path.exists():
        ensure_demo_store(demo_path)
    return Store(demo_path, read_only=True)


def ensure_demo_store(path, variant: str = "merged") -> None:
    """Generate the demo data into ``path`` (idempotent)."""

    from chiso766.demo import generate

    data = generate(variant=variant)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(data.measures, index=False).values.tobytes()
    ).hexdigest()
    with Store(path) as st:
        st.ingest(data.measures, Source(f"demo:{variant}", digest, "demo", data.methodology))


def snapshot_scores(store: Store, snapshot: str = "", methodology: str = "auto"):
    """Scores of one stored snapshot (the latest with scores if none is given): a frame of
    units (total, class, rank within level) and a units × groups frame of points."""

    snaps = store.snapshots(scopes=["total", "group", "indicator"])
    if snaps.empty:
        raise LookupError("the store has no scores yet")
    key = parse_period(snapshot).key if snapshot else snaps["snapshot"].iloc[-1]
    measures = store.measures([key], scopes=["total", "group", "indicator"])
    if measures.empty:
        raise LookupError(f"no scores for {key} in the store")
    scores = score_snapshot(measures, catalogue_for(key, store.snapshots(), methodology))
    units = sort_for_display(rank_within(add_classes(scores.units, load_bands())))
    groups = scores.groups.pivot_table(
        index="unit_id", columns="name", values="points", aggfunc="first", dropna=False
    )
    groups = units[["unit_id", "unit", "level"]].merge(
        groups, left_on="unit_id", right_index=True, how="left"
    )
    return key, units.reset_index(drop=True), groups.reset_index(drop=True)

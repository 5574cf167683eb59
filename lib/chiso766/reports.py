"""Load what a report needs from the store and build it (the I/O side of report_model)."""

from __future__ import annotations

from chiso766.report_model import ProvinceReport, build_province_report, pick_province
from chiso766.selection import select_snapshots
from chiso766.store import Store

SCORE_SCOPES = ["total", "group", "indicator", "rank"]


def load_province_report(
    store: Store,
    period: str,
    compare: str | None = None,
    province: str | None = None,
    methodology: str = "auto",
) -> ProvinceReport:
    """Select the snapshots for ``period`` and build the province report from the store."""
    snaps = store.snapshots(scopes=SCORE_SCOPES)
    selection = select_snapshots(snaps, period, compare or None)
    measures = store.measures(selection.keys, scopes=SCORE_SCOPES)
    cur = measures[measures["snapshot"] == selection.current]
    uid, _ = pick_province(cur if len(cur) else measures, province)
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
    )


def source_warnings(store: Store, rows) -> tuple[str, ...]:
    """Warnings the sources of these measures recorded at ingest (e.g. a short portal list)."""
    import json

    ids = set(rows["source_id"]) if "source_id" in rows else set()
    out: list[str] = []
    for sid, meta in store.sources()[["source_id", "meta"]].itertuples(index=False):
        if sid in ids and meta:
            for w in json.loads(meta).get("warnings", []):
                if w not in out:
                    out.append(w)
    return tuple(out)


def open_store(store_path: str = "") -> Store:
    """The store a notebook reads: the path given, else the default store if it exists, else
    the demo store (generated on first use), so every notebook runs with its defaults."""
    from pathlib import Path

    from chiso766.store import default_store_path, project_root

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
    import hashlib

    import pandas as pd

    from chiso766.demo import generate
    from chiso766.store import Source

    data = generate(variant=variant)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(data.measures, index=False).values.tobytes()
    ).hexdigest()
    with Store(path) as st:
        st.ingest(data.measures, Source(f"demo:{variant}", digest, "demo", data.methodology))


def snapshot_scores(store: Store, snapshot: str = "", methodology: str = "auto"):
    """Scores of one stored snapshot (the latest with scores if none is given): a frame of
    units (total, class, rank within level) and a units × groups frame of points."""
    from chiso766.methodology import load_bands
    from chiso766.periods import parse_period
    from chiso766.ranking import add_classes, rank_within, sort_for_display
    from chiso766.report_model import catalogue_for
    from chiso766.scoring import score_snapshot

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

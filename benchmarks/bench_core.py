"""Time the core computations (no notebook, no browser): demo generation, ingest into DuckDB,
reading an analyst's table, scoring and ranking, the province report model and its HTML view.

    .venv/bin/python benchmarks/bench_core.py             # 3 timed runs per operation
    .venv/bin/python benchmarks/bench_core.py -n 5        # more runs, steadier medians

Each operation runs ``-n`` times untraced (the median wall time is shown) and once more under
``tracemalloc`` for its peak of Python-visible allocations (numpy and pandas buffers included;
DuckDB's own memory is not); "traced s" is that run's time, slowed by tracing. "max RSS" is
the process's high-water mark after the operation (``resource.getrusage``): it only grows, so
it shows when an operation raised it.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PERIOD = "2026-W47"  # the last week of the merged demo
TABLE_UNITS = 2000
TABLE_DATES = 5


@dataclass
class Row:
    name: str
    runs: list[float]
    traced: float
    peak_mb: float
    rss_mb: float
    note: str = ""


def max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB on Linux


def measure(
    name: str,
    fn: Callable[[Any], Any],
    repeats: int,
    setup: Callable[[], Any] = lambda: None,
    note: Callable[[Any], str] | None = None,
) -> Row:
    """``fn(setup())`` ``repeats`` times untraced (setup not timed), then once traced."""
    runs = []
    result = None
    for _ in range(repeats):
        arg = setup()
        gc.collect()
        t0 = time.perf_counter()
        result = fn(arg)
        runs.append(time.perf_counter() - t0)
    arg = setup()
    gc.collect()
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        fn(arg)
        traced = time.perf_counter() - t0
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    row = Row(name, runs, traced, peak / 2**20, max_rss_mb(), note(result) if note else "")
    print(f"  {name}: {statistics.median(runs):.3f} s", file=sys.stderr, flush=True)
    return row


# --- a large analyst table --------------------------------------------------------------------


def table_rows(units: int = TABLE_UNITS, dates: int = TABLE_DATES) -> list[list[Any]]:
    """Header + ``units`` rows: STT, unit, level and ``dates`` dated total columns (2025)."""
    first = date(2025, 3, 4)
    days = [first + timedelta(days=7 * i) for i in range(dates)]
    header = [
        "STT",
        "Đơn vị",
        "Cấp",
        *(f"Tổng điểm ({d.day:02d}/{d.month}/{d.year})" for d in days),
    ]
    rng = random.Random(766)
    rows = [header]
    for i in range(1, units + 1):
        if i <= 40:
            unit, level = f"Sở Ngành {i:02d}", "Sở"
        elif i <= 140:
            unit, level = f"UBND huyện Bình An {i:03d}", "Huyện"
        else:
            unit, level = f"UBND xã Phú Thọ {i:04d}", "Xã"
        rows.append([i, unit, level, *(round(rng.uniform(40, 100), 2) for _ in days)])
    return rows


def write_table_csv(rows: list[list[Any]], path: Path) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for row in rows:  # decimal comma, as analysts' files have it
            writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return path


def write_table_xlsx(rows: list[list[Any]], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Điểm"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# --- the benchmark ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="timed runs per operation (default 3)")
    args = parser.parse_args()
    n = max(1, args.n)
    started = time.perf_counter()

    t0 = time.perf_counter()
    import pandas as pd

    from chiso766 import demo
    from chiso766.compute import ranking, scoring
    from chiso766.ingest.tables import read_table
    from chiso766.methodology import load_bands
    from chiso766.report import loading as reports
    from chiso766.report.charts import figure_html
    from chiso766.report.view import ReportView
    from chiso766.store import Source, Store

    imports = time.perf_counter() - t0
    rows: list[Row] = []

    # demo generation
    rows.append(
        measure(
            'demo.generate("merged")',
            lambda _: demo.generate("merged"),
            n,
            note=lambda d: f"{len(d.measures):,} rows, {len(d.snapshots)} snapshots",
        )
    )
    rows.append(
        measure(
            'demo.generate("districts")',
            lambda _: demo.generate("districts"),
            n,
            note=lambda d: f"{len(d.measures):,} rows, {len(d.snapshots)} snapshots",
        )
    )
    data = demo.generate("merged")
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(data.measures, index=False).values.tobytes()
    ).hexdigest()
    source = Source("demo:merged", digest, "demo", data.methodology)

    with tempfile.TemporaryDirectory(prefix="bench-core-") as tmp:
        tmp_path = Path(tmp)
        counter = iter(range(1000))

        def fresh_store() -> Store:
            return Store(tmp_path / f"fresh-{next(counter)}.duckdb")

        def ingest_and_close(store: Store) -> Any:
            try:
                return store.ingest(data.measures, source)
            finally:
                store.close()

        rows.append(
            measure(
                "Store.ingest merged demo (fresh)",
                ingest_and_close,
                n,
                setup=fresh_store,
                note=lambda r: f"{r.status}, {r.rows:,} rows",
            )
        )
        store = Store(tmp_path / "demo.duckdb")
        store.ingest(data.measures, source)
        rows.append(
            measure(
                "Store.ingest again (no-op)",
                lambda _: store.ingest(data.measures, source),
                n,
                note=lambda r: r.status,
            )
        )

        # a large analyst table
        table = table_rows()
        csv_path = write_table_csv(table, tmp_path / "diem.csv")
        xlsx_path = write_table_xlsx(table, tmp_path / "diem.xlsx")
        shape = f"{TABLE_UNITS:,} units × {TABLE_DATES} dates"
        for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
            size = path.stat().st_size / 1024
            rows.append(
                measure(
                    f"read_table {label} ({shape})",
                    lambda _, p=path: read_table(p),
                    n,
                    note=lambda r, s=size: f"{len(r.measures):,} rows from {s:.0f} KB",
                )
            )

        # scoring and ranking one snapshot
        last = data.snapshots[-1]
        snap = data.measures[data.measures["snapshot"] == last]
        snap = snap[snap["scope"].isin(["total", "group", "indicator"])]
        catalogue = data.catalogue
        rows.append(
            measure(
                f"score_snapshot ({last})",
                lambda _: scoring.score_snapshot(snap, catalogue),
                n,
                note=lambda s: f"{len(s.units):,} units, {len(s.indicators):,} indicator rows",
            )
        )
        units = scoring.score_snapshot(snap, catalogue).units
        bands = load_bands()
        rows.append(
            measure(
                "rank_within + add_classes",
                lambda _: ranking.rank_within(ranking.add_classes(units, bands)),
                n,
                note=lambda r: f"{len(r):,} units",
            )
        )

        # the province report model and its HTML view
        rows.append(
            measure(
                f"load_province_report({PERIOD})",
                lambda _: reports.load_province_report(store, PERIOD),
                n,
                note=lambda r: f"{len(r.levels)} levels",
            )
        )
        report = reports.load_province_report(store, PERIOD)

        def sections(_: Any) -> int:
            view = ReportView(report)
            parts = [view.title(), view.headline(), view.indicators()]
            for number, section in enumerate(report.levels, start=1):
                parts.append(view.level(section, number))
            parts.append(view.problems())
            for number, section in enumerate(report.levels, start=1):
                parts.append(view.appendix(section, number))
            return sum(len(str(p)) for p in parts)

        def sections_and_figures(_: Any) -> int:
            import matplotlib.pyplot as plt

            view = ReportView(report)
            size = sections(_)
            figures = [view.trend_figure(), view.points_lost_figure()]
            for section in report.levels:
                figures += view.level_figures(section)
                figures.append(view.appendix_figure(section))
            for fig in figures:
                if fig is not None:
                    size += len(figure_html(fig, "x"))
                    plt.close(fig)
            return size

        rows.append(
            measure(
                "ReportView sections, no figures",
                sections,
                n,
                note=lambda size: f"{size / 1024:.0f} KB of HTML",
            )
        )
        rows.append(
            measure(
                "ReportView sections + figures",
                sections_and_figures,
                n,
                note=lambda size: f"{size / 1024:.0f} KB of HTML",
            )
        )
        store.close()

    print(flush=True)
    print(f"Python {sys.version.split()[0]}, {n} timed runs per operation (+1 traced)")
    print(f"imports (pandas, duckdb, chiso766 modules): {imports:.2f} s")
    width = max(len(r.name) for r in rows)
    head = (
        f"{'operation':<{width}}  {'median s':>8}  {'min s':>7}  {'traced s':>8}  {'peak MB':>7}  "
        f"{'max RSS MB':>10}"
    )
    print(head + "  notes")
    print("-" * (len(head) + 30))
    for r in rows:
        print(
            f"{r.name:<{width}}  {statistics.median(r.runs):>8.3f}  {min(r.runs):>7.3f}  "
            f"{r.traced:>8.3f}  {r.peak_mb:>7.1f}  {r.rss_mb:>10.0f}  {r.note}"
        )
    print(f"\ntotal benchmark time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

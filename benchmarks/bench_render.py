"""Time the report pipeline: N reports rendered in one process (papermill in-process, one
reused nbconvert exporter, Chromium per PDF), per stage and in total.

    .venv/bin/python benchmarks/bench_render.py            # 5 × tests' mini notebook
    .venv/bin/python benchmarks/bench_render.py -n 10 --notebook notebooks/province_report.ipynb \
        -p period=2025-W15 --formats html pdf
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "notebooks" / "mini_report.ipynb"
STAGES = ("validate", "execute", "html", "pdf", "xlsx", "index")


def fmt(seconds: float) -> str:
    return f"{seconds:6.2f} s".replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="reports to render (default 5)")
    parser.add_argument("--notebook", type=Path, default=MINI)
    parser.add_argument("-p", "--param", action="append", default=[], help="name=value (str)")
    parser.add_argument("--formats", nargs="+", default=["html", "pdf", "xlsx"])
    args = parser.parse_args()
    params = dict(p.split("=", 1) for p in args.param)

    t0 = time.perf_counter()
    import papermill  # noqa: F401  (timed: the import is a fixed cost of a worker)

    from chiso766.render import pipeline as render

    imports = time.perf_counter() - t0
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        out = Path(tmp) / "reports" / "2025-W15"
        started = time.perf_counter()
        for i in range(args.n):
            results.append(
                render.render_report(args.notebook, params, out, f"report_{i}", args.formats)
            )
        total = time.perf_counter() - started
        sizes = {f: (out / f"report_0.{f}").stat().st_size for f in args.formats}

    nb = args.notebook.resolve()
    print(f"notebook: {nb.relative_to(ROOT) if nb.is_relative_to(ROOT) else nb}")
    print(f"import papermill + chiso766.render.pipeline: {fmt(imports)}")
    print(f"{'report':>8} " + " ".join(f"{s:>9}" for s in STAGES) + "     total")
    for i, r in enumerate(results):
        cells = " ".join(f"{fmt(r.timings[s]) if s in r.timings else '—':>9}" for s in STAGES)
        print(f"{i:>8} {cells} {fmt(r.seconds)}")
    cols = [s for s in STAGES if s in results[0].timings]
    means = " ".join(
        f"{fmt(statistics.mean(r.timings[s] for r in results)) if s in cols else '—':>9}"
        for s in STAGES
    )
    print(f"{'mean':>8} {means} {fmt(statistics.mean(r.seconds for r in results))}")
    warm = results[1:] or results
    print(f"mean of reports 2..N (warm process): {fmt(statistics.mean(r.seconds for r in warm))}")
    print(f"total for {args.n} reports: {fmt(total)}  → {60 * args.n / total:.1f} reports/min")
    print("sizes of report_0: " + ", ".join(f"{f} {n / 1024:.0f} KB" for f, n in sizes.items()))


if __name__ == "__main__":
    main()

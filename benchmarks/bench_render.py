"""Time publishing on the demo, each case in a fresh process, with the naive chain beside it:

(a) one province report, HTML + PDF: ``chiso766 render`` vs the naive chain (papermill CLI +
    ``jupyter nbconvert --no-input`` + ``chromium --print-to-pdf``) on the same notebook;
(b) the full weekly set (province report + every unit's scorecard), cold, HTML + PDF;
(c) the same again with nothing changed.

Case (a) is a report alone, so it runs in the renderer's own process (no kernel). DuckDB's SQL
for the dossier sections is compiled once per version of the code and kept on disk
(``chiso766.engines.sql_cache``): the first run of (a) starts with an empty cache and is shown
on its own; the median is over the runs after it.

The floor of (a): the notebook's own code run directly in a fresh Python (its cells ``exec``-ed
in order: no papermill, no kernel, no nbconvert, no browser) plus the PDF stage of our render
(from its manifest) — what any chain that executes this notebook and prints its 43 pages pays;
its ratio to the naive chain bounds what (a)'s ratio can reach.

Times are taken without watching memory; each peak comes from one more run of the same case.
Peak memory is the largest sum of proportional set sizes (PSS: shared pages counted once)
over the whole process tree — kernels and browser included — sampled every 100 ms. Prints
figures; asserts nothing.

    .venv/bin/python benchmarks/bench_render.py          # -n 3 runs of (a) each (median)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD = "2026-W47"


def fmt(seconds: float) -> str:
    return f"{seconds:.2f} s".replace(".", ",")


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB".replace(",", " ")


def pss(pid: int) -> int:
    """A process's proportional set size in bytes, from ``/proc/<pid>/smaps_rollup`` (one
    line the kernel sums; psutil's full memory info parses every mapping, which on a browser
    and two kernels costs a core's worth of time at ten samples a second)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return psutil.Process(pid).memory_full_info().pss
    except psutil.Error:
        return 0


def run(cmd: list[str], sample: bool = True, **kw) -> tuple[float, int]:
    """Wall time and peak memory (PSS) of the command's whole process tree, sampled every
    100 ms; without ``sample``, the time alone."""
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    done = threading.Event()
    if not sample:
        done.set()

    def watch() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    total += pss(p.pid)
            except psutil.Error:
                pass
            peak = max(peak, total)
            time.sleep(0.1)

    sampler = threading.Thread(target=watch, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} … failed:\n{err.decode()[-2000:]}")
    return seconds, peak


def naive(store: Path, work: Path, sample: bool = True) -> tuple[float, int]:
    """papermill CLI → nbconvert CLI (no input) → chromium --print-to-pdf, one after another."""
    executed = work / "naive.ipynb"
    chromium = shutil.which("chromium") or "chromium"
    steps = [
        [str(BIN / "papermill"), str(ROOT / "notebooks" / "province_report.ipynb"),
         str(executed), "-p", "period", PERIOD, "-p", "store_path", str(store),
         "--cwd", str(ROOT / "notebooks"), "--no-progress-bar"],
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={work / 'naive.pdf'}",
         (work / "naive.html").as_uri()],
    ]  # fmt: skip
    total, peak = 0.0, 0
    for cmd in steps:
        seconds, mem = run(cmd, sample)
        total, peak = total + seconds, max(peak, mem)
    return total, peak


#: run a notebook's code cells in order, the parameters cell's values replaced (argv: notebook,
#: period, store)
FLOOR = """
import json, sys
cells = [''.join(c['source']) for c in json.load(open(sys.argv[1]))['cells']
         if c['cell_type'] == 'code']
ns = {}
exec(cells[0], ns)
ns.update(period=sys.argv[2], store_path=sys.argv[3])
for source in cells[1:]:
    exec(source, ns)
"""


def floor(store: Path) -> float:
    """The province notebook's code alone, in a fresh Python."""
    notebook = ROOT / "notebooks" / "province_report.ipynb"
    cmd = [sys.executable, "-c", FLOOR, str(notebook), PERIOD, str(store)]
    return run(cmd, sample=False, cwd=ROOT / "notebooks")[0]


def render(store: Path, out: Path, *extra: str, sample: bool = True) -> tuple[float, int]:
    return run([str(BIN / "chiso766"), "render", PERIOD, "--store", str(store), "--out", str(out),
                "--format", "html,pdf", *extra], sample)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="runs of case (a), median (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work = Path(tmp)
        os.environ["CHISO766_CACHE"] = str(work / "cache")  # starts empty
        store = work / "demo.duckdb"
        run([str(BIN / "chiso766"), "demo", "--store", str(store)])
        print(f"demo store: {store.name}, period {PERIOD}, {psutil.cpu_count()} cores")

        first, _ = render(store, work / "first", "--force", sample=False)
        ours, theirs, bare = [], [], []
        for i in range(args.n):
            ours.append(render(store, work / f"a{i}", "--force", sample=False)[0])
            theirs.append(naive(store, work, sample=False)[0])
            bare.append(floor(store))
        a, b = statistics.median(ours), statistics.median(theirs)
        pdf = statistics.median(
            json.loads((work / f"a{i}" / PERIOD / "province" / "manifest.json").read_text())[
                "timings"]["pdf"] for i in range(args.n))  # fmt: skip
        least = statistics.median(bare) + pdf
        peaks = [render(store, work / "peak", "--force")[1], naive(store, work)[1]]
        page = next((work / "a0" / PERIOD / "province").glob("*.html"))
        print("(a) one province report, HTML + PDF, fresh process (median of "
              f"{args.n}): chiso766 render {fmt(a)} · naive chain {fmt(b)} · ratio "
              f"{a / b:.2f}".replace(".", ",") + f" · peak {mb(peaks[0])} (naive "
              f"{mb(peaks[1])}) · HTML {page.stat().st_size / 1024:.0f} KB")  # fmt: skip
        print(
            f"    floor: the notebook's code alone {fmt(statistics.median(bare))} + our PDF "
            f"stage {fmt(pdf)} = {fmt(least)} (ratio {least / b:.2f})".replace(".", ",")
        )
        print(f"    first run, SQL cache empty: {fmt(first)} (ratio "
              f"{first / b:.2f})".replace(".", ","))  # fmt: skip

        out = work / "set"
        seconds, _ = render(store, out, "--units", "all", sample=False)
        _, peak = render(store, work / "set-peak", "--units", "all")  # cold again, watched
        cards = list((out / PERIOD / "units").glob("*/*.html"))
        pdfs = list((out / PERIOD / "units").glob("*/*.pdf"))
        biggest = max(p.stat().st_size for p in cards)
        print(f"(b) full weekly set, cold: {1 + len(cards)} reports (HTML + {len(pdfs) + 1} "
              f"PDF) in {fmt(seconds)} · {60 * (1 + len(cards)) / seconds:.0f} reports/min · "
              f"peak {mb(peak)} · largest scorecard HTML {biggest / 1024:.0f} KB")  # fmt: skip

        seconds, _ = render(store, out, "--units", "all", sample=False)
        _, peak = render(store, out, "--units", "all")
        print(f"(c) the same again, nothing changed: {fmt(seconds)} · peak {mb(peak)}")


if __name__ == "__main__":
    main()

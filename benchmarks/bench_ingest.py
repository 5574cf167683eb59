"""Time the ingest of a large analyst's table: the column-at-a-time reader against the naive
row-by-row way, in the same run, on the same file.

    .venv/bin/python benchmarks/bench_ingest.py                 # 200 000 rows, 3 runs each
    .venv/bin/python benchmarks/bench_ingest.py --rows 50000 -n 5

The table is generated: one row per commune ("UBND xã …", names built from common Vietnamese
words), a level column, the six groups of the portal's method in points and the total at one
date, a second dated total, a published change. Measured, median of ``-n`` runs each:

- ``naive``: what the reader did before issue 12 — a Python loop over rows calling the
  one-cell functions (``parse_number``, ``unit_id``, ``parse_level``, the text checks) for
  each cell, one dict per value;
- ``read_table``: the reader as it is (``lib/chiso766/ingest/tables.py``, whole columns at once
  through ``lib/chiso766/ingest/columns.py``; names normalised and keyed by Arrow kernels,
  ``lib/chiso766/compute/nfc_column.py`` and ``tone_keys.py``, their regular expressions
  skipped for names already written as single-spaced words; the number columns parsed on a
  second thread meanwhile; a level column parsed once per distinct cell; the cycle collector
  paused), checks and pandera validation included (``lib/chiso766/ingest/schema.py``: the
  words of the text columns checked once per distinct word, as categories). The values are
  assembled as an Arrow table whose text is dictionary-encoded
  (``lib/chiso766/ingest/arrow_measures.py``: a snapshot, scope, code, kind per column, a unit
  per row, each held once); the measures frame timed here is made from it;
- ``ingest``: ``chiso766 ingest`` in this process (tell an export from a table by the first
  rows of the file, read, validate, store into a fresh DuckDB file in one transaction), the
  command an analyst runs. The store (``store/loads.py``) reads the reader's Arrow table as
  it is — no pandas frame, no conversion — in set-based SQL: the units come listed once by
  the reader (an UPDATE of the known, an INSERT of the new), the keys are not counted again
  (the reader proved them unique: a unit once, a key per column), each value is written once
  (``measures``, on one DuckDB thread: a second doubled the CPU time and gained none; the
  history receives only the values a later load replaces). A load given
  as a frame (portal, demo) is converted to Arrow once and checked for repeated keys.

Both readers' values are compared (same units, same values) before any figure is printed.
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

WORDS = (
    "An Bình Phú Thịnh Hòa Long Hưng Thuận Đông Tây Nam Bắc Tân Mỹ Phước Lộc Hải Sơn Trung "
    "Hiệp Thành Lợi Quang Vinh Xuân Hội Đức Nghĩa Khánh Thạnh Lạc Đại Tiến Minh Phong"
).split()
GROUPS = (
    ("Công khai, minh bạch", 18),
    ("Tiến độ, kết quả giải quyết", 20),
    ("Dịch vụ công trực tuyến", 12),
    ("Thanh toán trực tuyến", 10),
    ("Số hóa hồ sơ", 22),
    ("Mức độ hài lòng", 18),
)


def vi(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def write_table(path: Path, rows: int, seed: int = 7) -> None:
    """A unit table of ``rows`` communes (unique names), as an office would export it."""
    rng = random.Random(seed)
    header = ["STT", "Đơn vị", "Cấp"]
    header += [f"{name} (điểm) (08/4/2025)" for name, _ in GROUPS]
    header += ["Tổng điểm (08/4/2025)", "Tổng điểm (27/3/2025)", "Tăng, giảm"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for i in range(rows):
            name = f"UBND xã {rng.choice(WORDS)} {rng.choice(WORDS)} {i + 1}"
            parts = [round(rng.uniform(0.5, 1.0) * m, 2) for _, m in GROUPS]
            total = round(sum(parts), 2)
            before = round(min(100.0, max(0.0, total + rng.uniform(-6, 6))), 2)
            out.writerow(
                [i + 1, name, "UBND cấp xã", *map(vi, parts), vi(total), vi(before),
                 vi(round(total - before, 2))]
            )  # fmt: skip


def naive(path: Path) -> pd.DataFrame:
    """The row-by-row way: one-cell functions in a Python loop (the measures only)."""
    from chiso766.compute.units import infer_level, parse_level, unit_id
    from chiso766.ingest.cells import read_rows
    from chiso766.ingest.headers import classify_header
    from chiso766.ingest.tables import _cell_text
    from chiso766.ingest.text import text_problem
    from chiso766.ingest.values import BadValue, parse_number
    from chiso766.methodology import load_catalogue

    cat = load_catalogue("portal-2026")
    rows = read_rows(path)
    headers = [classify_header(_cell_text(h), cat) for h in rows[0]]
    out = []
    for n, row in enumerate(rows[1:], start=2):
        name = _cell_text(row[1])
        if not name or text_problem(name):
            continue
        level_text = _cell_text(row[2])
        level = parse_level(level_text) if level_text else infer_level(name)
        uid = unit_id(name, level)
        for col, h in enumerate(headers):
            if not h.is_value:
                continue
            try:
                cell = parse_number(row[col])
            except BadValue:
                continue
            scope = "total" if h.role in ("total", "value") else h.role
            out.append(
                {
                    "snapshot": h.snapshot,
                    "unit_id": uid,
                    "unit": name,
                    "level": level,
                    "scope": scope,
                    "code": "" if scope == "total" else h.code,
                    "kind": h.kind or "points",
                    "value": cell.value,
                    "note": cell.note,
                    "_row": n,
                }
            )
    return pd.DataFrame(out)


def vectorised(path: Path) -> pd.DataFrame:
    from chiso766.ingest.tables import read_table

    return read_table(path, methodology="portal-2026").measures


def ingest(path: Path) -> None:
    from typer.testing import CliRunner

    from chiso766.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.duckdb"
        res = CliRunner().invoke(
            app, ["ingest", str(path), "--store", str(store), "-m", "portal-2026"]
        )
        if res.exit_code != 0:
            raise SystemExit(res.output)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def same_values(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    key = ["snapshot", "unit_id", "scope", "code"]
    left = a[[*key, "value"]].sort_values(key).reset_index(drop=True)
    right = b[[*key, "value"]].sort_values(key).reset_index(drop=True)
    if len(left) != len(right) or not (left[key] == right[key]).all().all():
        return False
    return all(
        (math.isnan(x) and math.isnan(y)) or abs(x - y) < 1e-9
        for x, y in zip(left["value"], right["value"], strict=True)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("-n", "--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bang-diem.csv"
        write_table(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"table: {args.rows:,} rows, {size:.1f} MB ({path.name}); median of {args.runs}")
        warm = Path(tmp) / "warm.csv"  # imports (pandera, pyarrow…) are not the reader's time
        write_table(warm, 50)
        naive(warm), vectorised(warm), ingest(warm)
        t_naive, slow = timed(lambda: naive(path), args.runs)
        t_read, fast = timed(lambda: vectorised(path), args.runs)
        t_ingest, _ = timed(lambda: ingest(path), args.runs)
        print(f"values: {len(fast):,}; the two readers agree: {same_values(slow, fast)}")
        print(f"{'naive (row by row)':<34}{t_naive:8.2f} s")
        print(f"{'read_table (whole columns)':<34}{t_read:8.2f} s   ×{t_naive / t_read:.1f}")
        print(f"{'chiso766 ingest (read + store)':<34}{t_ingest:8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

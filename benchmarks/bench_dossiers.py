"""Dossier-level analytics at a province-year's scale: 10 million dossiers as Parquet.

    .venv/bin/python benchmarks/bench_dossiers.py              # 10 M dossiers, all stages
    .venv/bin/python benchmarks/bench_dossiers.py -n 2000000   # smaller
    .venv/bin/python benchmarks/bench_dossiers.py --no-spark   # without the Spark stage

Stages, in one run: generate the Parquet (DuckDB SQL, in a child process); load it into a
DuckDB store file, with the columns a load derives from each dossier computed as a load does
(``store_dossiers.insert_dossiers``: working-day ordinals, days, codes of the channel,
status, rating and unit computed in the INSERT itself, as a load of new dossiers does; a
recomputation of every record — a changed holiday file — by ``refresh_workdays``' UPDATE,
timed apart in a child process); the unit × month indicator table (the Ibis expressions of
``chiso766.engines.expressions`` on DuckDB over the store — grouped by unit code, compared on
codes — built, compiled and executed as ``chiso766.dossier_analytics`` does; best of ``-r``
runs, wall and CPU time: on a shared machine CPU time drifts less), and the same without the
derived columns, the days looked up in the calendar (what a store gets whose ordinals do not
match the calendar in use, or an older store until its next load); the "what costs points"
lists of one month (expression → frame, then the Vietnamese reasons); the same unit × month
table in plain pandas (numpy calendar lookups, a group-by; a child process) and the ratio; the
same expressions on Spark local mode over the Parquet (a child process). Results of DuckDB,
pandas and Spark are checked equal. Peak memory: max RSS of the main process after what a
report run does (load, table, costs lists; DuckDB's results reach pandas one column at a time,
as ``chiso766.engines`` converts them), then after the comparisons (which keep more of the
store in DuckDB's buffers), and of each child (``resource.getrusage``). Prints figures;
asserts nothing (the aims — table ≤ 1 s on DuckDB, ≥ 2× faster than pandas, peak ≤ 2 GB — are
shown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

YEAR = 2026
UNITS = 200  # 20 departments, 180 communes
PROCEDURES = (  # code, legal working days, paper result
    ("1.001757", 15, True),
    ("1.000894", 3, False),
    ("2.000815", 2, False),
    ("2.001023", 10, True),
    ("1.000656", 5, True),
    ("1.004227", 10, True),
    ("2.000720", 3, False),
    ("1.001612", 10, True),
    ("1.003005", 7, False),
    ("1.008950", 15, True),
    ("2.002180", 5, False),
    ("1.010817", 5, True),
)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def calendar_frame() -> pd.DataFrame:
    from chiso766.ingest.calendar import load_calendar

    return load_calendar([YEAR - 1, YEAR, YEAR + 1]).frame()


# ---- data ----------------------------------------------------------------------------------


def generate(path: Path, n: int, queue) -> None:
    """Write ``n`` dossiers of one province-year to ``path`` (child process)."""
    import duckdb

    t0 = time.perf_counter()
    cal = calendar_frame()
    work = cal[cal["is_workday"] == 1].reset_index(drop=True)
    work = pd.DataFrame({"idx": np.arange(len(work), dtype=np.int32), "day": work["day"]})
    first = int(work.index[work["day"] >= dt.date(YEAR, 1, 1)][0])
    last = int(work.index[work["day"] <= dt.date(YEAR, 12, 31)][-1])
    procs = pd.DataFrame(
        {
            "p": np.arange(len(PROCEDURES)),
            "code": [p[0] for p in PROCEDURES],
            "legal": [p[1] for p in PROCEDURES],
        }
    )
    con = duckdb.connect()
    con.execute("SET threads = 2; SET memory_limit = '1500MB'")
    con.execute("SET preserve_insertion_order = false")
    con.register("work", work)
    con.register("procs", procs)
    span = last - first + 1

    def r(k: int) -> str:  # a uniform number in [0, 1) from the row and a salt
        return f"((hash(i, {k}) % 1000003) / 1000003.0)"

    con.execute(
        f"""
        COPY (
        WITH b AS (
          SELECT i,
            CAST(floor(pow({r(1)}, 1.6) * {UNITS}) AS INTEGER) AS u,
            CAST(floor({r(2)} * {len(PROCEDURES)}) AS INTEGER) AS p,
            {first} + CAST(floor({r(3)} * {span}) AS INTEGER) AS ri,
            {r(4)} AS r4, {r(5)} AS r5, {r(6)} AS r6, {r(7)} AS r7, {r(8)} AS r8,
            {r(9)} AS r9, {r(10)} AS r10, {r(11)} AS r11, {r(12)} AS r12, {r(13)} AS r13
          FROM range({n}) t(i)
        ), c AS (
          SELECT b.*, procs.code, procs.legal,
            ri + procs.legal AS di,
            ri + CAST(floor(-ln(1 - r4) * procs.legal * 0.75) AS INTEGER) AS fi
          FROM b JOIN procs USING (p)
        )
        SELECT
          'H99.' || lpad(CAST(u AS VARCHAR), 3, '0') || '-' || CAST(i AS VARCHAR) AS dossier_id,
          code AS procedure_code,
          CASE WHEN u < 20 THEN 'department:so-' || CAST(u AS VARCHAR)
               ELSE 'commune:xa-' || CAST(u AS VARCHAR) END AS unit_id,
          CASE WHEN u < 20 THEN 'Sở số ' || CAST(u AS VARCHAR)
               ELSE 'UBND xã số ' || CAST(u AS VARCHAR) END AS unit,
          CASE WHEN u < 20 THEN 'department' ELSE 'commune' END AS level,
          CASE WHEN r5 < 0.55 THEN 'online' WHEN r5 < 0.95 THEN 'direct' ELSE 'post' END
            AS channel,
          CAST(wr.day AS TIMESTAMP) + to_minutes(CAST(420 + floor(r6 * 600) AS BIGINT))
            AS received_at,
          CASE WHEN r7 < 0.04 THEN NULL
               ELSE CAST(wd.day AS TIMESTAMP) + INTERVAL 16 HOUR END AS due_at,
          CASE WHEN fi > {last} OR r8 < 0.01 THEN NULL
               ELSE CAST(wf.day AS TIMESTAMP) + to_minutes(CAST(420 + floor(r9 * 600) AS BIGINT))
          END AS finished_at,
          CAST(NULL AS TIMESTAMP) AS returned_at,
          CASE WHEN fi > {last} OR r8 < 0.01 THEN 'in_progress'
               WHEN r8 < 0.03 THEN 'withdrawn' WHEN r8 < 0.04 THEN 'refused'
               WHEN r8 < 0.5 THEN 'returned' ELSE 'processed' END AS status,
          CAST(CASE WHEN r10 < 0.015 THEN 2 WHEN r10 < 0.095 THEN 1 ELSE 0 END AS INTEGER)
            AS supplement_requests,
          CASE WHEN r10 < 0.095 THEN CAST(wq.day AS TIMESTAMP) + INTERVAL 9 HOUR END
            AS supplement_requested_at,
          CAST(CASE WHEN r10 < 0.095 THEN floor(r11 * 3) ELSE 0 END AS INTEGER) AS citizen_days,
          r11 < 0.8 AS e_result,
          r12 < 0.75 AS digitised,
          r13 < 0.6 AS reused,
          r4 * 7 % 1 < 0.45 AS fee,
          r4 * 7 % 1 < 0.45 AND r6 * 13 % 1 < 0.65 AS paid_online,
          r9 * 11 % 1 < 0.88 AS synced,
          CASE WHEN r12 * 17 % 1 < 0.10 THEN NULL
               WHEN r13 * 19 % 1 < 0.92 THEN 'satisfied' ELSE 'unsatisfied' END AS rating,
          'Nguyễn Văn ' || chr(65 + CAST(floor(r7 * 26) AS INTEGER)) AS applicant_name,
          '09' || lpad(CAST(hash(i, 99) % 100000000 AS VARCHAR), 8, '0') AS phone,
          '0' || lpad(CAST(hash(i, 98) % 100000000000 AS VARCHAR), 11, '0') AS id_number
        FROM c
        JOIN work wr ON wr.idx = c.ri
        JOIN work wd ON wd.idx = c.di
        JOIN work wf ON wf.idx = least(c.fi, {last})
        JOIN work wq ON wq.idx = c.ri + 1
        ) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
        """
    )
    pd.DataFrame(
        {
            "procedure_code": [p[0] for p in PROCEDURES],
            "procedure_name": [f"Thủ tục {p[0]}" for p in PROCEDURES],
            "level": "Cấp tỉnh, cấp xã",
            "legal_days": pd.array([p[1] for p in PROCEDURES], dtype="Int32"),
            "online_level": "full",
            "has_fee": True,
            "paper_result": [p[2] for p in PROCEDURES],
        }
    ).to_parquet(path.with_name("procedures.parquet"), index=False)
    queue.put({"seconds": time.perf_counter() - t0, "rss": rss_mb()})


# ---- pandas --------------------------------------------------------------------------------


def pandas_table(path: Path, queue) -> None:
    """The unit × month counts in plain pandas (child process)."""
    cal = calendar_frame()
    first = pd.Timestamp(cal["day"].iloc[0])
    before = cal["wd_before"].to_numpy(np.int64)
    upto = before + cal["is_workday"].to_numpy(np.int64)
    legal = {p[0]: p[1] for p in PROCEDURES}
    paper = {p[0]: p[2] for p in PROCEDURES}
    cols = [
        "unit_id", "procedure_code", "channel", "received_at", "due_at", "finished_at",
        "returned_at", "status", "supplement_requests", "supplement_requested_at",
        "citizen_days", "e_result", "digitised", "reused", "fee", "paid_online", "synced",
        "rating",
    ]  # fmt: skip
    t0 = time.perf_counter()
    d = pd.read_parquet(path, columns=cols)
    t_read = time.perf_counter() - t0

    def day_index(ts: pd.Series) -> np.ndarray:
        days = (ts.dt.normalize() - first).dt.days
        return days.to_numpy(dtype="float64", na_value=np.nan)

    r = day_index(d["received_at"])
    fin = day_index(d["finished_at"])
    ret = day_index(d["returned_at"])
    end = np.fmin(fin, ret)
    req = day_index(d["supplement_requested_at"])
    due = day_index(d["due_at"])
    month = d["received_at"].dt.month.to_numpy()
    month_end = (
        d["received_at"].dt.to_period("M").dt.end_time.dt.normalize() - first
    ).dt.days.to_numpy()
    ri = r.astype(np.int64)
    r_upto = upto[ri]
    is_fin = ~np.isnan(end) & (end <= month_end)
    n_req = d["supplement_requests"].to_numpy()
    req_end = (n_req == 1) & ~is_fin & ~np.isnan(req) & (req <= month_end)
    eff = np.where(is_fin, end, np.where(req_end, req, month_end)).astype(np.int64)
    eff_upto = upto[eff]
    citizen = np.where(req_end, 0, d["citizen_days"].to_numpy())
    legal_days = d["procedure_code"].map(legal).to_numpy(dtype="float64")
    due_upto = np.where(
        ~np.isnan(due), before[np.nan_to_num(due).astype(np.int64)] + 1, r_upto + legal_days
    )
    elapsed = eff_upto - citizen
    on_time = ~((elapsed > due_upto) | (n_req >= 2))
    online_ok = (d["channel"].to_numpy() == "online") & (
        ~d["procedure_code"].map(paper).to_numpy(dtype=bool) | d["e_result"].to_numpy()
    )
    status = d["status"].to_numpy()
    res_fin = is_fin & np.isin(status, ["processed", "returned"])
    fee = d["fee"].to_numpy()
    rating = d["rating"].to_numpy()
    proc_days = np.where(is_fin, np.maximum(eff_upto - r_upto - d["citizen_days"].to_numpy(), 0), 0)
    frame = pd.DataFrame(
        {
            "unit_id": d["unit_id"].to_numpy(),
            "month": month,
            "n_received": 1,
            "n_on_time": on_time,
            "n_online": online_ok,
            "n_fee": fee,
            "n_paid": fee & d["paid_online"].to_numpy(),
            "n_result": res_fin,
            "n_e_result": res_fin & d["e_result"].to_numpy(),
            "n_digitised": d["digitised"].to_numpy(),
            "n_reused": d["reused"].to_numpy(),
            "n_rated": pd.notna(rating),
            "n_satisfied": rating == "satisfied",
            "n_finished": is_fin,
            "sum_days": proc_days,
            "n_sync": 1,
            "n_synced": d["synced"].to_numpy(),
        }
    )
    table = frame.groupby(["unit_id", "month"], sort=False).sum()
    # 1.4 also counts dossiers received earlier and finished in the month
    end_month = pd.Series(end).add(0)
    end_ts = first + pd.to_timedelta(end_month, unit="D")
    carry = ~np.isnan(end) & (end_ts.dt.month.to_numpy() != month) & (end_ts.dt.year == YEAR)
    extra = (
        pd.DataFrame(
            {
                "unit_id": d["unit_id"].to_numpy()[carry],
                "month": end_ts.dt.month.to_numpy()[carry],
                "n_sync": 1,
                "n_synced": d["synced"].to_numpy()[carry],
            }
        )
        .groupby(["unit_id", "month"])
        .sum()
    )
    table = table.add(extra.reindex(columns=table.columns, fill_value=0), fill_value=0)
    table["ratio_on_time"] = (100 * table["n_on_time"] / table["n_received"]).round(2)
    seconds = time.perf_counter() - t0
    out = table.reset_index()
    out["wkey"] = [f"{YEAR}-{m:02d}" for m in out["month"]]
    queue.put(
        {
            "seconds": seconds,
            "read": t_read,
            "rss": rss_mb(),
            "table": out.drop(columns=["month", "ratio_on_time"]),
        }
    )


# ---- Spark ---------------------------------------------------------------------------------


def spark_table(path: Path, queue) -> None:
    """The same Ibis expressions on Spark local mode over the Parquet (child process)."""
    warnings.simplefilter("ignore")
    from chiso766.engines.backends import spark_engine
    from chiso766.engines.expressions import dossier_counts
    from chiso766.ingest.dossier_schema import DOSSIERS, PROCEDURES

    t0 = time.perf_counter()
    eng = spark_engine(
        calendar=calendar_frame(),
        parquet={DOSSIERS: path, PROCEDURES: path.with_name("procedures.parquet")},
    )
    t_start = time.perf_counter() - t0
    months = eng.memtable(_months(), "months")
    d, p, c = eng.table(DOSSIERS), eng.table(PROCEDURES), eng.table("calendar")
    t1 = time.perf_counter()
    table = eng.execute(dossier_counts(d, p, c, months))
    queue.put(
        {"seconds": time.perf_counter() - t1, "start": t_start, "rss": rss_mb(), "table": table}
    )


def _months() -> pd.DataFrame:
    from chiso766.engines.expressions import month_windows

    return pd.DataFrame([{"wkey": w.key, "ws": w.start, "we": w.end} for w in month_windows(YEAR)])


def recompute_all(store_path: Path, queue) -> None:
    """A changed holiday file: every stored dossier's derived columns recomputed (the UPDATE
    of ``refresh_workdays``), timed in a child so its memory stays out of the main figures."""
    from chiso766.store import Store
    from chiso766.store_dossiers import refresh_workdays

    with Store(store_path) as st:
        st.con.execute("SET threads = 2")
        st.con.execute("SET memory_limit = '1GB'")
        st.con.execute("DELETE FROM dossier_workdays")
        t0 = time.perf_counter()
        refresh_workdays(st.con, calendar_frame())
        queue.put({"seconds": time.perf_counter() - t0, "rss": rss_mb()})


def child(target, *args):
    queue = mp.Queue()
    proc = mp.Process(target=target, args=(*args, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


# ---- main ----------------------------------------------------------------------------------


def normalise(table: pd.DataFrame) -> pd.DataFrame:
    from chiso766.engines.expressions import COUNT_COLUMNS

    out = table[["unit_id", "wkey", *COUNT_COLUMNS]].copy()
    for col in COUNT_COLUMNS:
        out[col] = out[col].astype("int64")
    out["unit_id"] = out["unit_id"].astype(str)
    out["wkey"] = out["wkey"].astype(str)
    return out.sort_values(["unit_id", "wkey"]).reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000_000, help="dossiers (default 10 million)")
    ap.add_argument("-r", type=int, default=3, help="timed runs of the indicator table")
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--keep", type=Path, help="folder to keep the Parquet in (reused if there)")
    args = ap.parse_args()
    mp.set_start_method("spawn")
    rows: list[tuple[str, str, str]] = []
    tmp = tempfile.TemporaryDirectory(prefix="bench-dossiers-")
    folder = args.keep or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dossiers-{args.n}.parquet"

    if not path.exists():
        gen = child(generate, path, args.n)
        rows.append(("generate Parquet (child)", f"{gen['seconds']:.1f} s", f"{gen['rss']:.0f} MB"))
    size = path.stat().st_size / 2**20
    print(f"{args.n:,} dossiers, {size:.0f} MB of Parquet at {path}", file=sys.stderr)

    import duckdb

    from chiso766.compute import dossier_indicators as DI
    from chiso766.engines.backends import STORED_COLUMNS, duckdb_engine
    from chiso766.engines.expressions import dossier_costs, dossier_counts, month_windows
    from chiso766.ingest.dossier_schema import DOSSIERS, PROCEDURES
    from chiso766.methodology import load_catalogue
    from chiso766.store import Store
    from chiso766.store_dossiers import ensure_schema, insert_dossiers, write_stamp

    store_path = folder / "store.duckdb"
    store_path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    with Store(store_path) as st:
        ensure_schema(st)
        st.con.execute("SET threads = 2")
        st.con.execute("SET memory_limit = '1GB'")
        calendar = calendar_frame()
        source = f"(SELECT *, 'bench' AS file_id FROM read_parquet('{path}'))"
        insert_dossiers(st.con, source, calendar, extra=("file_id",))
        write_stamp(st.con, calendar)
        st.con.execute(
            "INSERT INTO dossier_procedures SELECT *, 'bench' FROM "
            f"read_parquet('{path.with_name('procedures.parquet')}')"
        )
    t_load = time.perf_counter() - t0
    rows.append(
        (
            "load Parquet → DuckDB store file",
            f"{t_load:.2f} s, columns derived in the INSERT",
            f"{rss_mb():.0f} MB",
        )
    )

    st = Store(store_path, read_only=True)
    st.con.execute("SET memory_limit = '1GB'")
    eng = duckdb_engine(st.con, calendar=calendar_frame(), threads=2)
    months = eng.memtable(_months(), "months")
    d, p, c = eng.table(DOSSIERS), eng.table(PROCEDURES), eng.table("calendar")
    stored = eng.stored_ordinals
    # the same store with the days looked up: the dossiers without the derived columns
    looked = duckdb_engine(st.con, calendar=calendar_frame(), threads=2)
    looked.backend.con.execute(
        "CREATE TEMP VIEW dossiers_looked_up AS SELECT * EXCLUDE "
        f"({', '.join(STORED_COLUMNS)}) FROM dossier_records"
    )
    looked.names[DOSSIERS] = "dossiers_looked_up"
    lm = looked.memtable(_months(), "months")
    lin = (looked.table(DOSSIERS), looked.table(PROCEDURES), looked.table("calendar"), lm)
    assert not looked.stored_ordinals

    def timed(engine, inputs):
        """Best time of building the expression and executing it (Ibis compiles it once, as
        in chiso766.dossier_analytics), wall and CPU; building + compiling alone timed apart."""
        times, cpu, compile_times = [], [], []
        for _ in range(args.r):
            t0, c0 = time.perf_counter(), time.process_time()
            out = engine.execute(dossier_counts(*inputs))
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            t0 = time.perf_counter()
            engine.backend.compile(dossier_counts(*inputs))
            compile_times.append(time.perf_counter() - t0)
        return out, min(times), min(cpu), min(compile_times)

    duck, t_table, c_table, t_compile = timed(eng, (d, p, c, months))
    how = "derived columns stored" if stored else "days LOOKED UP: stamp does not match"
    rows.append(
        (
            f"unit × month table, DuckDB ({len(duck)} rows; {how}; best of {args.r})",
            f"{t_table:.2f} s, CPU {c_table:.2f} s (Ibis build + compile {t_compile:.2f} s)",
            f"{rss_mb():.0f} MB",
        )
    )
    march = month_windows(YEAR)[2]
    t0 = time.perf_counter()
    table = DI.indicator_table(
        eng.execute(dossier_counts(d, p, c, march)),
        None,
        duck[["unit_id"]].assign(unit=duck["unit_id"], level="commune"),
        ("province:bench", "Tỉnh"),
    )
    skip = sorted(DI.target_met(table, load_catalogue("portal-2026")))
    raw = eng.execute(dossier_costs(d, p, c, march, skip))
    t_costs = time.perf_counter() - t0
    t1 = time.perf_counter()
    costs = DI.finish_costs(raw, table)
    t_finish = time.perf_counter() - t1
    rows.append(
        (
            f"costs lists of one month ({len(costs):,} rows), DuckDB (with its table)",
            f"{t_costs:.2f} s + reasons {t_finish:.2f} s",
            f"{rss_mb():.0f} MB",
        )
    )
    # peak so far: what a report run does (load, the table, the costs lists); the
    # comparisons below keep more of the store in DuckDB's buffers
    peak_report = rss_mb()
    rows.append(("peak RSS so far (load, table, costs)", "", f"{peak_report:.0f} MB"))
    joined, t_joined, c_joined, _ = timed(looked, lin)
    same = normalise(joined).equals(normalise(duck))
    rows.append(
        (
            f"same table, no derived columns: days looked up (best of {args.r})",
            f"{t_joined:.2f} s, CPU {c_joined:.2f} s; same numbers: {'yes' if same else 'NO'}",
            "",
        )
    )

    # the same table straight from the Parquet file
    pq = duckdb_engine(
        duckdb.connect(),
        calendar=calendar_frame(),
        parquet={DOSSIERS: path, PROCEDURES: path.with_name("procedures.parquet")},
        threads=2,
    )
    pm = pq.memtable(_months(), "months")
    t0 = time.perf_counter()
    pq.execute(dossier_counts(pq.table(DOSSIERS), pq.table(PROCEDURES), pq.table("calendar"), pm))
    rows.append(("same table, DuckDB over the Parquet", f"{time.perf_counter() - t0:.2f} s", ""))

    st.close()

    pdr = child(pandas_table, path)
    ratio = pdr["seconds"] / t_table
    rows.append(
        (
            "same table, plain pandas (child)",
            f"{pdr['seconds']:.2f} s (read {pdr['read']:.2f} s); DuckDB {ratio:.1f}× faster",
            f"{pdr['rss']:.0f} MB",
        )
    )
    same = normalise(duck).equals(normalise(pdr["table"]))
    rows.append(("pandas = DuckDB", "yes" if same else "NO", ""))

    again = child(recompute_all, store_path)
    rows.append(
        (
            "recompute every record's derived columns (child)",
            f"{again['seconds']:.2f} s (a changed holiday file; a load derives new ones)",
            f"{again['rss']:.0f} MB",
        )
    )

    if not args.no_spark:
        spk = child(spark_table, path)
        rows.append(
            (
                "same expressions, Spark local[2] (child)",
                f"{spk['seconds']:.1f} s (+ session start {spk['start']:.1f} s)",
                f"{spk['rss']:.0f} MB (Python; JVM: spark.driver.memory)",
            )
        )
        same = normalise(duck).equals(normalise(spk["table"]))
        rows.append(("Spark = DuckDB", "yes" if same else "NO", ""))

    rows.append(("peak RSS, main process", "", f"{rss_mb():.0f} MB"))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'stage':<{width}}  {'time':<48} peak RSS")
    for name, t, mem in rows:
        print(f"{name:<{width}}  {t:<48} {mem}")
    print(
        f"\naims: table ≤ 1 s on DuckDB ({t_table:.2f} s), ≥ 2× faster than pandas "
        f"({ratio:.1f}×), peak ≤ 2 GB (load, table, costs {peak_report:.0f} MB; main process "
        f"{rss_mb():.0f} MB; pandas {pdr['rss']:.0f} MB)"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()

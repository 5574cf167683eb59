"""The dossier-level aggregation, written once as Ibis expressions.

Every function here takes Ibis tables and returns an Ibis expression; nothing is executed.
The same expressions run on DuckDB (default) and on Spark (:mod:`chiso766.engines.backends`).
Inputs: ``dossiers`` (the columns of ``dossier_records``), ``procedures``
(``procedure_code``, ``procedure_name``, ``legal_days``, ``paper_result``), ``decisions``
(``dossier_decisions``) and ``cal`` — the working-day calendar as a table (``day`` date,
``is_workday`` 0/1, ``wd_before`` = working days strictly before the day; see
:meth:`chiso766.compute.workdays.Calendar.frame`).

The working-day ordinals of a dossier's days (:data:`ORDINALS`) are looked up in ``cal`` by
joins, unless ``dossiers`` already has them as columns: the store computes them once, when
records are loaded (:func:`chiso766.store_dossiers.refresh_workdays`), and the engines hand
them over only while they were computed with the very calendar in use — else the joins run.
With them the store keeps what a dossier's own fields give (:data:`STORED`): its days
(:data:`DAYS`), codes for the channel, status and rating (:data:`CODES`) and for its unit
(``unit_code``, grouped on instead of the name); the expressions use each column the dossiers
carry and work the rest out, so Parquet files and frames give the same results.
A table of windows is grouped by each window's first day; its keys are attached afterwards.

Rules (``METHODOLOGY.md``, "Dossier-level rules"), for a window [start, end]:

* Population of 2.1, 3.3, 3.6, 4.1–4.3, 5.4: dossiers received in the window (the portal's
  ``totalReceived``: processed and in progress). 1.4 also counts dossiers received earlier and
  finished in the window (sync covers dossiers received *and* resolved).
* End of processing: the earliest of the end date and the result-return date (finished
  statuses only); an end after the window's end counts as "in progress at the window's end".
  One supplement request with no end by the window's end: the request date is the end (and the
  citizen's days do not count). More than one request: overdue. Otherwise the citizen's
  supplement days are not counted. Unfinished dossiers are judged at the window's end.
* Due: the appointment date (a day off moves it to the next working day); without one, the
  procedure's legal time in working days after receipt (the day of receipt not counted).
* 3.3 counts an online dossier only if, where its procedure returns a paper result, an
  electronic result is attached. 3.6: among dossiers with a fee. 4.1: among dossiers finished
  with a result. 5.4: satisfied among dossiers rated.
* 1.1: the province's decision dated at least ``publish_days`` working days before the legal
  basis takes effect (lenient: counting back from the effective date; strict: that many
  working days strictly between); a decision not yet issued is judged at the window's end.
  1.2: made public at most ``update_days`` working days after the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from chiso766.ingest.dossier_schema import ENUMS, RESULT_STATUSES

# The indicators the records give, in output order: key → (number, catalogue code).
DOSSIER_INDICATORS: dict[str, tuple[str, str | None]] = {
    "on_time": ("2.1", "PROGRESS_ON_TIME"),
    "online": ("3.3", "ONLINE_DOSSIERS"),
    "paid": ("3.6", "PAYMENT_DOSSIERS"),
    "e_result": ("4.1", "ORIGINAL_RESULT_AVAILABLE"),
    "digitised": ("4.2", "SO_HOA_GIAY_TO_GIAI_QUYET"),
    "reused": ("4.3", "REUSED_DIGITIZED_DATA"),
    "synced": ("1.4", "DOSSIER_SYNC"),
    "satisfied": ("5.4", "DOSSIER_RECEIVING_SATISFACTION"),
    "avg_days": ("avg_days", None),
}
DECISION_INDICATORS: dict[str, tuple[str, str]] = {
    "published": ("1.1", "PUBLISH_ON_TIME"),
    "updated": ("1.2", "PUBLIC_UPDATE_ON_TIME"),
}
# count columns of :func:`dossier_counts`: indicator key → (numerator, denominator)
COUNT_PAIRS = {
    "on_time": ("n_on_time", "n_received"),
    "online": ("n_online", "n_received"),
    "paid": ("n_paid", "n_fee"),
    "e_result": ("n_e_result", "n_result"),
    "digitised": ("n_digitised", "n_received"),
    "reused": ("n_reused", "n_received"),
    "synced": ("n_synced", "n_sync"),
    "satisfied": ("n_satisfied", "n_rated"),
    "avg_days": ("sum_days", "n_finished"),
}
DECISION_PAIRS = {"published": ("n_pub_on_time", "n_pub"), "updated": ("n_upd_on_time", "n_upd")}
COUNT_COLUMNS = tuple(dict.fromkeys(c for pair in COUNT_PAIRS.values() for c in pair))


@dataclass(frozen=True)
class Window:
    """A computation window: dossiers received from ``start`` to ``end`` (inclusive)."""

    key: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Rules:
    """Numbers a methodology may change: working days for publication and update."""

    publish_days: int = 5  # province; a ministry: 20
    update_days: int = 5  # province; a ministry: 10
    reading: str = "lenient"  # 1.1: lenient or strict


DEFAULT_RULES = Rules()


def _lookup(t: ir.Table, cal: ir.Table, day: str, name: str, upto: bool = True) -> ir.Table:
    """Add column ``name``: the working days up to (``upto``) or strictly before the day in
    column ``day``, by a left join with the calendar (a day outside it gives null)."""
    key = f"{name}_cal_day"
    value = cal.wd_before + cal.is_workday if upto else cal.wd_before
    c = cal.select(**{key: cal.day, name: value.cast("int32")})
    return t.left_join(c, t[day] == c[key]).drop(key)


def end_of_processing(d: ir.Table) -> ir.DateValue:
    """The day processing ended: the earliest of the end and the result-return dates."""
    return ibis.least(d.finished_at, d.returned_at).date()


# a dossier's days: column → the day it is, from the dossier's timestamps
DAYS = {
    "r_day": lambda d: d.received_at.date(),
    "due_day": lambda d: d.due_at.date(),
    "end_day": end_of_processing,
    "req_day": lambda d: d.supplement_requested_at.date(),
}
# coded fields: a code column ``<field>_code`` holds 1 + the value's place here, 0 for another
# value, null for null — a small integer compared instead of a string
CODES: dict[str, tuple[str, ...]] = {f: tuple(ENUMS[f]) for f in ("channel", "status", "rating")}


def _days(d: ir.Table, names: Sequence[str] = tuple(DAYS)) -> ir.Table:
    """The dossiers with the day columns ``names`` (those they do not carry already)."""
    todo = {n: DAYS[n](d) for n in names if n not in d.columns}
    return d.mutate(**todo) if todo else d


def _is(t: ir.Table, field: str, values: Sequence[str]) -> ir.BooleanValue:
    """Whether ``field`` is one of ``values`` (null for null): on its code if carried."""
    code = f"{field}_code"
    if code in t.columns:
        col, values = t[code], [CODES[field].index(v) + 1 for v in values]
    else:
        col = t[field]
    return col == values[0] if len(values) == 1 else col.isin(list(values))


def _rated(t: ir.Table) -> ir.BooleanValue:
    return (t.rating_code if "rating_code" in t.columns else t.rating).notnull()


def _dated(dossiers: ir.Table, procedures: ir.Table) -> ir.Table:
    """Dossiers with day columns, the end of processing, and their procedure's rules."""
    t = _days(dossiers)
    p = procedures.select(
        p_code=procedures.procedure_code,
        legal_days=procedures.legal_days,
        paper_result=procedures.paper_result,
    )
    t = t.left_join(p, t.procedure_code == p.p_code).drop("p_code")
    return t.mutate(paper_result=t.paper_result.fill_null(False))


# the working-day ordinals of a dossier: column → (day column, up to the day or before it)
ORDINALS: dict[str, tuple[str, bool]] = {
    "r_upto": ("r_day", True),
    "due_before": ("due_day", False),
    "end_upto": ("end_day", True),
    "req_upto": ("req_day", True),
}
# every column a store may keep beside a dossier's fields (derived from them at load)
STORED = (*ORDINALS, *DAYS, "unit_code", *(f"{f}_code" for f in CODES))


def _ordinals(t: ir.Table, cal: ir.Table) -> ir.Table:
    """Working-day ordinals of the receipt, appointment, end and request days (those the
    dossiers do not carry already). Looked up before any join with the windows, so an
    engine's estimate of the row count stays right (DuckDB then builds its hash tables on the
    small calendar, not on the dossiers)."""
    for name, (day, upto) in ORDINALS.items():
        if name not in t.columns:
            t = _lookup(t, cal, day, name, upto)
    return t


def _judged(t: ir.Table) -> ir.Table:
    """Per-dossier judgement inside its window (``ws``, ``we``, ``we_upto`` present)."""
    fin = t.end_day.notnull() & (t.end_day <= t.we)
    req_end = (t.supplement_requests == 1) & ~fin & t.req_day.notnull() & (t.req_day <= t.we)
    t = t.mutate(
        fin=fin,
        req_end=req_end,
        eff_upto=ibis.cases((fin, t.end_upto), (req_end, t.req_upto), else_=t.we_upto),
    )
    citizen = ibis.cases((t.req_end, 0), else_=t.citizen_days.fill_null(0))
    due_upto = ibis.cases(
        (t.due_day.notnull(), t.due_before + 1),
        (t.legal_days.notnull(), t.r_upto + t.legal_days),
        else_=ibis.null("int64"),
    )
    t = t.mutate(elapsed=(t.eff_upto - citizen).cast("int64"), due_upto=due_upto.cast("int64"))
    late_by_time = t.due_upto.notnull() & (t.elapsed > t.due_upto)
    multi = t.supplement_requests >= 2
    proc_days = t.eff_upto - t.r_upto - t.citizen_days.fill_null(0)
    return t.mutate(
        multi=multi,
        on_time=~(late_by_time | multi),
        days_over=ibis.cases((late_by_time, t.elapsed - t.due_upto), else_=0).cast("int64"),
        proc_days=ibis.cases((t.fin, ibis.greatest(proc_days, 0)), else_=0).cast("int64"),
        online_ok=_is(t, "channel", ["online"]) & (~t.paper_result | t.e_result),
        # finished with a result; the status is read only for dossiers finished (cheaper)
        res_fin=ibis.cases((t.fin, _is(t, "status", RESULT_STATUSES)), else_=False),
    )


def _windows(cal: ir.Table, window: Window | ir.Table) -> ir.Table:
    """The windows as a table (``wkey``, ``ws``, ``we``, ``we_upto``): one row for a single
    window, else the table of windows given, with the ordinal of each last day."""
    if isinstance(window, Window):
        w = cal.filter(cal.day == ibis.literal(window.end, "date"))
        return w.select(
            wkey=ibis.literal(window.key),
            ws=ibis.literal(window.start, "date"),
            we=ibis.literal(window.end, "date"),
            we_upto=(w.wd_before + w.is_workday).cast("int64"),
        )
    c = cal.select(c_day=cal.day, we_upto=(cal.wd_before + cal.is_workday).cast("int64"))
    w = window.join(c, window.we == c.c_day)
    return w.select("wkey", "ws", "we", "we_upto")


def _window_days(cal: ir.Table, window: ir.Table) -> ir.Table:
    """Every day of every window of a table (``w_day``, ``ws``, ``we``, ``we_upto``): a dossier
    finds its window by an equality join on a day — cheaper than working out its month."""
    wins = _windows(cal, window)
    c = cal.select(w_day=cal.day)
    days = wins.join(c, (c.w_day >= wins.ws) & (c.w_day <= wins.we))
    return days.select("w_day", "ws", "we", "we_upto")


def received(
    dossiers: ir.Table,
    procedures: ir.Table,
    cal: ir.Table,
    window: Window | ir.Table,
) -> ir.Table:
    """One row per dossier received in the window (or, given a table of windows that do not
    overlap — ``wkey``, ``ws``, ``we``, months say — in each window), judged: ``on_time``,
    ``days_over``, ``multi``, ``req_end``, ``fin``, ``online_ok``, ``res_fin``, ``proc_days``,
    with ``ws``, ``we`` (and ``wkey`` for a single window)."""
    t = _dated(dossiers, procedures)
    if isinstance(window, Window):
        start, end = ibis.literal(window.start, "date"), ibis.literal(window.end, "date")
        t = _ordinals(t.filter((t.r_day >= start) & (t.r_day <= end)), cal)
        t = t.cross_join(_windows(cal, window))
    else:
        days = _window_days(cal, window)
        t = _ordinals(t, cal)
        t = t.join(days, t.r_day == days.w_day).drop("w_day")
    return _judged(t)


def carried(dossiers: ir.Table, cal: ir.Table, window: Window | ir.Table) -> ir.Table:
    """Dossiers received before the window and finished in it (they count for 1.4 only), with
    ``wkey`` for a single window, the window's ``ws`` for a table of windows."""
    t = _days(dossiers, ("r_day", "end_day"))
    if isinstance(window, Window):
        start, end = ibis.literal(window.start, "date"), ibis.literal(window.end, "date")
        t = t.filter((t.end_day >= start) & (t.end_day <= end) & (t.r_day < start))
        return t.mutate(wkey=ibis.literal(window.key))
    days = _window_days(cal, window).select(c_day="w_day", ws="ws")
    t = t.join(days, (t.end_day == days.c_day) & (t.r_day < days.ws))
    return t.drop("c_day")


def _sum(flag: ir.BooleanValue) -> ir.IntegerScalar:
    return flag.cast("int64").sum()


@ibis.udf.agg.builtin(name="count_if")
def _count_if(flag: bool) -> int:
    """How many rows ``flag`` is true in (DuckDB's and Spark SQL's ``count_if``: 0, not null,
    for none; cheaper than summing the flags cast to integers)."""


def dossier_counts(
    dossiers: ir.Table,
    procedures: ir.Table,
    cal: ir.Table,
    window: Window | ir.Table,
    by: tuple[str, ...] = ("unit_id",),
) -> ir.Table:
    """Numerators and denominators per ``by`` (and ``wkey``): the columns of
    :data:`COUNT_COLUMNS`. Pool them by summing — the province is never an average. Dossiers
    with a ``unit_code`` are grouped by it, their ``unit_id`` taken from each group."""
    table = not isinstance(window, Window)
    coded = "unit_code" in dossiers.columns and "unit_id" in by
    group = ["unit_code" if coded and k == "unit_id" else k for k in by]
    keys = [*group, "ws"] if table else group  # a window's first day, not its key string
    out_keys = [*by, "ws"] if table else list(by)
    r = received(dossiers, procedures, cal, window)
    agg = r.group_by(keys).aggregate(
        **({"unit_id": r.unit_id.arbitrary()} if coded else {}),
        n_received=r.count(),
        n_on_time=_count_if(r.on_time),
        n_online=_count_if(r.online_ok),
        n_fee=_count_if(r.fee),
        n_paid=_count_if(r.fee & r.paid_online),
        n_result=_count_if(r.res_fin),
        n_e_result=_count_if(r.res_fin & r.e_result),
        n_digitised=_count_if(r.digitised),
        n_reused=_count_if(r.reused),
        n_rated=_count_if(_rated(r)),
        n_satisfied=_count_if(_is(r, "rating", ["satisfied"])),
        n_finished=_count_if(r.fin),
        sum_days=r.proc_days.sum(),
        r_sync=r.count(),
        r_synced=_count_if(r.synced),
    )
    c = carried(dossiers, cal, window)
    extra = c.group_by(keys).aggregate(
        **({"unit_id": c.unit_id.arbitrary()} if coded else {}),
        c_sync=c.count(),
        c_synced=_count_if(c.synced),
    )
    extra = extra.rename(**{f"x_{k}": k for k in dict.fromkeys([*keys, *out_keys])})
    j = agg.outer_join(extra, [agg[k] == extra[f"x_{k}"] for k in keys])
    filled = {k: ibis.coalesce(j[k], j[f"x_{k}"]) for k in out_keys}
    counts = {
        c: j[c].fill_null(0).cast("int64") for c in COUNT_COLUMNS if c not in ("n_sync", "n_synced")
    }
    out = j.select(
        **filled,
        **counts,
        n_sync=(j.r_sync.fill_null(0) + j.c_sync.fill_null(0)).cast("int64"),
        n_synced=(j.r_synced.fill_null(0) + j.c_synced.fill_null(0)).cast("int64"),
    )
    if not table:
        return out.mutate(wkey=ibis.literal(window.key)).select(
            *by, "wkey", *counts, "n_sync", "n_synced"
        )
    # the windows' keys, attached to the few rows counted (a view: a join ends Ibis's chain)
    names = window.select(n_ws=window.ws, wkey=window.wkey)
    out = out.view()
    out = out.join(names, out.ws == names.n_ws)
    return out.select(*by, "wkey", *counts, "n_sync", "n_synced")


# ---- what costs points -----------------------------------------------------------------------

COST_COLUMNS = (
    "unit_id",
    "indicator",
    "reason",
    "days",
    "dossier_id",
    "procedure_code",
    "received_at",
    "due_at",
    "end_day",
    "status",
    "channel",
    "supplement_requests",
    "applicant_name",
    "phone",
    "id_number",
)


def _cost_rows(s: ir.Table, indicator: str, reason: ir.Value, days: ir.Value) -> ir.Table:
    """The columns of a costs row, cast to one nullable schema so the parts union."""
    return s.select(
        unit_id=s.unit_id.cast("string"),
        indicator=ibis.literal(indicator).cast("string"),
        reason=reason.cast("string"),
        days=days.cast("int64"),
        dossier_id=s.dossier_id.cast("string"),
        procedure_code=s.procedure_code.cast("string"),
        received_at=s.received_at.cast("timestamp"),
        due_at=s.due_at.cast("timestamp"),
        end_day=s.end_day.cast("date"),
        status=s.status.cast("string"),
        channel=s.channel.cast("string"),
        supplement_requests=s.supplement_requests.cast("int64"),
        applicant_name=s.applicant_name.cast("string"),
        phone=s.phone.cast("string"),
        id_number=s.id_number.cast("string"),
    )


def dossier_costs(
    dossiers: ir.Table,
    procedures: ir.Table,
    cal: ir.Table,
    window: Window,
    skip: Sequence[tuple[str, str]] = (),
    keep: int | None = None,
) -> ir.Table:
    """One row per dossier and indicator it counts against (``indicator`` number, ``reason``
    code, ``days`` over where it applies): the lists an office acts on, ordered by unit,
    indicator, most days over first. ``skip`` names (unit_id, indicator) pairs that cost no
    points (a target already met) and are left out. With ``keep``, only the first ``keep``
    rows of each (unit, indicator) list, with the whole list's length (``total``) and how many
    of its dossiers are still in progress (``open``: late ones, for 2.1)."""
    r = received(dossiers, procedures, cal, window)
    # only what the lists show or choose by: an engine that keeps the judged dossiers while
    # the parts are cut from them (DuckDB's CTE) keeps less
    shown = [c for c in COST_COLUMNS if c in r.columns]
    flags = ["on_time", "multi", "fin", "req_end", "days_over", "online_ok", "res_fin"]
    flags += ["fee", "paid_online", "e_result", "digitised", "reused", "synced"]
    coded = [c for c in ("rating_code", "channel_code") if c in r.columns]
    r = r.select(*dict.fromkeys([*shown, *flags, "rating", *coded]))
    none = ibis.null("int64")

    def part(flag, indicator: str, reason, days=None) -> ir.Table:
        s = r.filter(flag)
        reason_expr = reason(s) if callable(reason) else ibis.literal(reason)
        days_expr = days(s) if callable(days) else none
        return _cost_rows(s, indicator, reason_expr, days_expr)

    def late_reason(s):
        return ibis.cases(
            (s.multi, "supplement_multi"),
            (s.fin, "late_finished"),
            (s.req_end, "late_at_request"),
            else_="late_in_progress",
        )

    parts = [
        part(~r.on_time, "2.1", late_reason, lambda s: s.days_over),
        part(
            ~r.online_ok,
            "3.3",
            lambda s: ibis.cases((s.channel == "online", "online_no_e_result"), else_="not_online"),
        ),
        part(r.fee & ~r.paid_online, "3.6", "not_paid_online"),
        part(r.res_fin & ~r.e_result, "4.1", "no_e_result"),
        part(~r.digitised, "4.2", "not_digitised"),
        part(~r.reused, "4.3", "not_reused"),
        part(~r.synced, "1.4", "not_synced"),
        part(_is(r, "rating", ["unsatisfied"]), "5.4", "unsatisfied"),
    ]
    c = carried(dossiers, cal, window)
    c = c.filter(~c.synced)
    parts.append(_cost_rows(c, "1.4", ibis.literal("not_synced"), none))
    out = ibis.union(*parts)
    if skip:
        pair = out.unit_id.concat("|", out.indicator)
        out = out.filter(~pair.isin([f"{u}|{i}" for u, i in skip]))
    if keep is not None:
        pairs = [out.unit_id, out.indicator]
        first = ibis.window(group_by=pairs, order_by=[out.days.desc(), out.dossier_id])
        whole = ibis.window(group_by=pairs)
        out = out.mutate(
            _n=ibis.row_number().over(first),
            total=out.count().over(whole),
            open=(out.reason == "late_in_progress").cast("int64").sum().over(whole),
        )
        out = out.filter(out._n < keep).drop("_n")
    return out.order_by([out.unit_id, out.indicator, out.days.desc(), out.dossier_id])


# ---- publication decisions (1.1, 1.2) ---------------------------------------------------------


def decision_rows(
    decisions: ir.Table, cal: ir.Table, window: Window, rules: Rules = DEFAULT_RULES
) -> ir.Table:
    """Each decision judged for 1.1 and 1.2 in the window: ``in_pub``/``pub_on_time``/
    ``pub_on_time_strict``/``pub_late`` and ``in_upd``/``upd_on_time``/``upd_late`` (working
    days)."""
    start, end = ibis.literal(window.start, "date"), ibis.literal(window.end, "date")
    d = decisions
    d = d.mutate(
        we=end,
        dd=d.decision_date,
        in_pub=ibis.cases(
            (d.decision_date.notnull(), (d.decision_date >= start) & (d.decision_date <= end)),
            else_=(d.effective_date >= start) & (d.effective_date <= end),
        ),
        in_upd=d.decision_date.notnull() & (d.decision_date >= start) & (d.decision_date <= end),
    )
    d = d.filter(d.in_pub | d.in_upd)
    d = d.mutate(pd_day=ibis.cases((d.published_at.notnull(), d.published_at), else_=d.we))
    d = d.mutate(dd_day=ibis.cases((d.dd.notnull(), d.dd), else_=d.we))
    d = _lookup(d, cal, "effective_date", "e_before", upto=False)
    d = _lookup(d, cal, "dd_day", "d_upto")
    d = _lookup(d, cal, "pd_day", "p_upto")
    # working days strictly between the decision and the effect; the lenient reading counts
    # the decision's own day too (D ≤ E − n working days), the strict one does not
    gap = d.e_before - d.d_upto
    upd = d.p_upto - d.d_upto
    need = rules.publish_days - 1 if rules.reading == "lenient" else rules.publish_days
    lenient = (gap >= rules.publish_days - 1) & d.dd.notnull()
    strict_ok = (gap >= rules.publish_days) & d.dd.notnull()
    chosen = lenient if rules.reading == "lenient" else strict_ok
    return d.mutate(
        pub_on_time=chosen,
        pub_on_time_lenient=lenient,
        pub_on_time_strict=strict_ok,
        pub_late=ibis.cases((~chosen, need - gap), else_=0).cast("int64"),
        upd_on_time=upd <= rules.update_days,
        upd_late=ibis.cases((upd > rules.update_days, upd - rules.update_days), else_=0).cast(
            "int64"
        ),
    )


def decision_counts(
    decisions: ir.Table,
    cal: ir.Table,
    window: Window,
    rules: Rules = DEFAULT_RULES,
    by: tuple[str, ...] = ("unit_id",),
) -> ir.Table:
    """1.1 and 1.2 numerators and denominators per ``by``."""
    d = decision_rows(decisions, cal, window, rules)
    return d.group_by(list(by)).aggregate(
        n_pub=_sum(d.in_pub),
        n_pub_on_time=_sum(d.in_pub & d.pub_on_time),
        n_upd=_sum(d.in_upd),
        n_upd_on_time=_sum(d.in_upd & d.upd_on_time),
    )


def month_windows(year: int) -> list[Window]:
    """The twelve month windows of a year (keys '2026-01' …)."""
    out = []
    for m in range(1, 13):
        start = dt.date(year, m, 1)
        nxt = dt.date(year + (m == 12), m % 12 + 1, 1)
        out.append(Window(f"{year}-{m:02d}", start, nxt - dt.timedelta(days=1)))
    return out

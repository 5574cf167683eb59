"""Value history: what a load changes, and every value the store ever held.

The current values are in ``measures`` (each recorded when its source was ingested); a load
moves the values it replaces into ``measure_history`` (with the time they were recorded), so
a value a later file replaces is never lost, and every value held is the two together
(:data:`ALL_VALUES`). The values a load replaces with different ones are returned as
:class:`Change` records so the command can say what changed. A store written by an earlier
version also kept its current values in ``measure_history``: those rows are the current
values themselves and are read once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from chiso766.i18n import _
from chiso766.store.schema import MEASURE_COLUMNS

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Change:
    """A stored value that a load replaced with a different one (NaN: no data)."""

    snapshot: str
    unit_id: str
    unit: str
    scope: str
    code: str
    kind: str
    old: float
    new: float
    old_source: str
    new_source: str

    def describe(self) -> str:
        """'Sở Nội vụ, 27/3/2025: 81 → 91' (the group or indicator named when not the total)."""
        from chiso766.formatting import fmt_number

        what = ""
        if self.scope != "total":
            unit = {"rate": " (%)", "points": _(" (points)")}.get(self.kind, "")
            what = f", {self.code or self.scope}{unit}"
        old = fmt_number(self.old, missing=_("no data"))
        new = fmt_number(self.new, missing=_("no data"))
        return f"{self.unit}, {snapshot_label(self.snapshot)}{what}: {old} → {new}"


def snapshot_label(key: str) -> str:
    """'27/3/2025', '08/4/2025' for a day (as announcements write it), else the period
    ('tháng 8/2026')."""
    from chiso766.compute.periods import PeriodError, parse_period
    from chiso766.formatting import fmt_date

    try:
        period = parse_period(key)
    except PeriodError:
        return key
    if period.kind == "day":
        return fmt_date(period.start)
    return period.label_vi


def summary_vi(changes: list[Change] | tuple[Change, ...], limit: int = 20) -> str:
    """'1 giá trị thay đổi: Sở Nội vụ, 27/3/2025: 81 → 91' (one line per change after the
    first line when there are several; at most ``limit`` listed)."""
    if not changes:
        return ""
    if len(changes) == 1:
        return _("1 value changed: {change}").format(change=changes[0].describe())
    lines = [_("{n} values changed:").format(n=len(changes))]
    lines += [f"  - {c.describe()}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(
            _("  … and {n} more (see: chiso766 history --store …)").format(n=len(changes) - limit)
        )
    return "\n".join(lines)


def _differs(old, new) -> bool:
    old_missing = old is None or (isinstance(old, float) and math.isnan(old))
    new_missing = new is None or (isinstance(new, float) and math.isnan(new))
    if old_missing or new_missing:
        return old_missing != new_missing
    return abs(float(old) - float(new)) > TOLERANCE


def changes_against(con: duckdb.DuckDBPyConnection, incoming: str) -> list[Change]:
    """Current values that the rows of the registered relation ``incoming`` would replace
    with a different value (a value that appears or disappears counts)."""
    rows = con.execute(
        f"SELECT m.snapshot, m.unit_id, COALESCE(i.unit, u.name), m.scope, m.code, m.kind, "
        f"m.value, i.value, m.source_id, i.source_id FROM measures m JOIN {incoming} i "
        "ON m.snapshot = i.snapshot AND m.unit_id = i.unit_id AND m.scope = i.scope "
        "AND m.code = i.code AND m.kind = i.kind LEFT JOIN units u ON u.unit_id = m.unit_id "
        "WHERE m.value IS DISTINCT FROM i.value "  # the same: no change (the rest told below)
        "ORDER BY m.snapshot, i.seq"
    ).fetchall()
    return [
        Change(s, uid, name, scope, code, kind, _nan(old), _nan(new), osrc, nsrc)
        for s, uid, name, scope, code, kind, old, new, osrc, nsrc in rows
        if _differs(old, new)
    ]


def _nan(value) -> float:
    return math.nan if value is None else float(value)


_COLS = ", ".join(MEASURE_COLUMNS)
_SAME_KEY = (
    "{a}.snapshot = {b}.snapshot AND {a}.unit_id = {b}.unit_id AND {a}.scope = {b}.scope "
    "AND {a}.code = {b}.code AND {a}.kind = {b}.kind"
)
#: every value the store held: the current ones and those replaced (``current`` tells which)
ALL_VALUES = (
    "(SELECT {m}, s.ingested_at AS recorded_at, TRUE AS current FROM measures m "
    "LEFT JOIN sources s USING (source_id) UNION ALL "
    "SELECT {h}, h.recorded_at, FALSE FROM measure_history h WHERE NOT EXISTS "
    "(SELECT 1 FROM measures c WHERE {same} AND c.source_id IS NOT DISTINCT FROM h.source_id))"
).format(
    m=", ".join(f"m.{c}" for c in MEASURE_COLUMNS),
    h=", ".join(f"h.{c}" for c in MEASURE_COLUMNS),
    same=_SAME_KEY.format(a="c", b="h"),
)
#: the same for a store written before the history existed: its current values only
CURRENT_VALUES = (
    "(SELECT m.*, s.ingested_at AS recorded_at, TRUE AS current FROM measures m "
    "LEFT JOIN sources s USING (source_id))"
)


def keep_replaced(con: duckdb.DuckDBPyConnection, incoming: str) -> None:
    """Move into the history the current values the rows of ``incoming`` replace (each with
    the time its source was ingested), before they are deleted; a row an earlier version
    already copied there is not copied twice."""
    m_cols = ", ".join(f"m.{c}" for c in MEASURE_COLUMNS)
    con.execute(
        f"INSERT INTO measure_history ({_COLS}, recorded_at) "
        f"SELECT {m_cols}, s.ingested_at FROM measures m "
        f"SEMI JOIN {incoming} i ON {_SAME_KEY.format(a='m', b='i')} "
        "LEFT JOIN sources s ON s.source_id = m.source_id "
        f"WHERE NOT EXISTS (SELECT 1 FROM measure_history h WHERE {_SAME_KEY.format(a='h', b='m')} "
        "AND h.source_id IS NOT DISTINCT FROM m.source_id)"
    )


HISTORY_SQL = """
SELECT h.snapshot, h.unit_id, COALESCE(u.name, h.unit_id) AS unit, u.level, h.scope, h.code,
       h.kind, h.value, h.numerator, h.denominator, h.max_score, h.flag, h.note, h.label,
       h.computed, h.source_id, s.path AS source_path, s.kind AS source_kind,
       h.recorded_at, h.current
FROM {table} h
LEFT JOIN units u USING (unit_id)
LEFT JOIN sources s ON s.source_id = h.source_id
"""


def read_history(
    con: duckdb.DuckDBPyConnection,
    table: str,
    snapshots: list[str] | None = None,
    unit_ids: list[str] | None = None,
    scopes: list[str] | None = None,
) -> pd.DataFrame:
    """Every value held for the keys asked (``table``: :data:`ALL_VALUES` or
    :data:`CURRENT_VALUES`), oldest first, with its source and whether it is the current
    one."""
    sql = HISTORY_SQL.format(table=table)
    where, params = [], []
    for column, values in (("h.snapshot", snapshots), ("h.unit_id", unit_ids), ("h.scope", scopes)):
        if values is not None:
            where.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "FALSE")
            params += list(values)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += (
        " ORDER BY h.snapshot, h.unit_id, h.scope, h.code, h.kind, h.recorded_at, h.current, h.seq"
    )
    return con.execute(sql, params).df()

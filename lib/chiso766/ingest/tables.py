"""Read an analyst's table (CSV or XLSX) into a measures frame.

Two layouts: one row per unit (a unit-name column, optional level column, then total / group /
indicator / rank columns), or one row per indicator for one unit (an indicator-name column; the
unit named in a title line such as 'Đơn vị: UBND tỉnh Bình Phước' or given by the caller).
Columns whose header carries a date are snapshots at that date, so one sheet may hold several.
Every problem is collected; nothing is returned unless the whole file is valid.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from chiso766.compute import measures
from chiso766.compute.periods import PeriodError, parse_period, today_vn
from chiso766.compute.textnorm import fold_words, nfc
from chiso766.compute.units import (
    UnknownLevel,
    folded_name_key,
    infer_level,
    parse_level,
    unit_id,
)
from chiso766.formatting import fmt_number, fmt_signed
from chiso766.i18n import N_, _
from chiso766.ingest.cells import read_rows
from chiso766.ingest.errors import IngestError, Problem, Problems
from chiso766.ingest.headers import (
    Header,
    classify_header,
    header_time,
    known_header_forms,
    split_header,
)
from chiso766.ingest.schema import MAXIMUM, check_measures
from chiso766.ingest.text import note_problem, text_problem
from chiso766.ingest.values import BadValue, parse_number
from chiso766.methodology import Catalogue, load_catalogue, version_for_date

UNDATED = "undated"
MSG_NO_ROWS = N_("the table has no data rows")
MSG_NO_TONES_TWIN = N_(
    "'{name}' is written without tone marks; row {row} has '{twin}': write the name with its "
    "tone marks (names that differ in a tone mark are different units)"
)
MSG_TOTAL_PARTS = N_(
    "the total {total} differs from the sum of the group columns {parts} "
    "(snapshot {snapshot}); the total is kept as written"
)
FLAG_TOTAL_PARTS = "total_differs_from_groups"
#: what a totals row names instead of a unit (folded): skipped with a note
TOTAL_ROW_WORDS = ("tong", "cong", "tong so", "tong cong", "trung binh", "binh quan")
TOTAL_ROW_PREFIXES = ("tong cong ", "trung binh ", "binh quan ")
MSG_TOTAL_ROW = N_(
    "a totals row ('{name}'), not a unit: skipped (the workbook computes totals and averages "
    "itself)"
)
ROLE_LABELS = {"unit": N_("unit"), "level": N_("level"), "indicator_name": N_("indicator name")}
_TITLE_UNIT_WORDS = ("don vi", "dia phuong", "co quan", "ten don vi")


@dataclass
class TableRead:
    """What a table held: its measures, warnings, layout and snapshots."""

    path: str
    measures: pd.DataFrame
    layout: str
    methodology: str
    snapshots: list[str]
    warnings: list[Problem] = field(default_factory=list)
    snapshot_info: dict[str, dict] = field(default_factory=dict)


def is_totals_row(name: str) -> bool:
    """'Tổng cộng', 'Trung bình', 'Bình quân chung', 'TỔNG': a row of totals or averages."""
    key = fold_words(name)
    return key in TOTAL_ROW_WORDS or key.startswith(TOTAL_ROW_PREFIXES)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.day:02d}/{value.month}/{value.year}"
    if isinstance(value, float) and math.isnan(value):
        return ""
    return nfc(str(value))


def _find_header(rows: list[list], cat: Catalogue) -> int | None:
    for i, row in enumerate(rows[:20]):
        cells = [_cell_text(c) for c in row if _cell_text(c)]
        if len(cells) < 2:
            continue
        roles = [classify_header(c, cat).role for c in cells]
        known = [r for r in roles if r != "unknown"]
        if len(known) >= 2 and any(r in ("unit", "indicator_name") for r in known):
            return i
    return None


def _title_unit(rows: list[list], header_at: int) -> str | None:
    for row in rows[:header_at]:
        cells = [_cell_text(c) for c in row if _cell_text(c)]
        if not cells:
            continue
        first = cells[0]
        if ":" in first and fold_words(first.split(":", 1)[0]) in _TITLE_UNIT_WORDS:
            return nfc(first.split(":", 1)[1]) or (cells[1] if len(cells) > 1 else None)
        if fold_words(first) in _TITLE_UNIT_WORDS and len(cells) > 1:
            return cells[1]
    return None


def _choose_catalogue(headers: list[str], methodology: str, snapshot: str | None) -> Catalogue:
    if methodology != "auto":
        return load_catalogue(methodology)
    ends = [split_header(h)[2] for h in headers]
    ends = [e for e in ends if e]
    if not ends and snapshot:
        ends = [parse_period(snapshot).end]
    day = max(ends) if ends else today_vn()
    return load_catalogue(version_for_date(day))


def read_table(
    path: str | Path,
    *,
    methodology: str = "auto",
    unit: str | None = None,
    level: str | None = None,
    snapshot: str | None = None,
    sheet: str | None = None,
) -> TableRead:
    """Read and validate one table; raise IngestError listing every problem found."""
    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise IngestError([Problem(shown, None, None, None, _("file not found"))])
    rows = read_rows(path, sheet)
    problems = Problems(shown)
    if snapshot is not None:
        try:
            snapshot = parse_period(snapshot).key
        except PeriodError as exc:
            raise IngestError([Problem(shown, None, None, snapshot, str(exc))]) from None

    probe = load_catalogue("portal-2026")
    header_at = _find_header(rows, probe) or _find_header(rows, load_catalogue("qd766-2022"))
    if header_at is None:
        raise IngestError(
            [
                Problem(
                    shown,
                    None,
                    None,
                    None,
                    _(
                        "no header row found in the first 20 rows: a table needs a unit column "
                        "('Đơn vị') or an indicator column ('Chỉ số') and value columns"
                    ),
                )
            ]
        )
    header_cells = [_cell_text(c) for c in rows[header_at]]
    cat = _choose_catalogue([h for h in header_cells if h], methodology, snapshot)
    headers = [classify_header(h, cat) if h else None for h in header_cells]
    excel_row = header_at + 1

    data_rows = [(excel_row + 1 + i, r) for i, r in enumerate(rows[header_at + 1 :])]
    data_rows = [(n, r) for n, r in data_rows if any(_cell_text(c) for c in r)]
    if not data_rows:
        problems.error(excel_row + 1, None, None, _(MSG_NO_ROWS))
    for col, h in enumerate(headers):
        if h is not None and (bad := text_problem(h.text)):
            problems.error(excel_row, _("column {n}").format(n=col + 1), h.text, bad)
            continue
        if h is None:
            if any(col < len(r) and _cell_text(r[col]) for _n, r in data_rows):
                problems.error(
                    excel_row,
                    _("column {n}").format(n=col + 1),
                    None,
                    _("this column has values but no header"),
                )
        elif h.role == "unknown":
            problems.error(
                excel_row,
                h.text,
                h.text,
                _("unknown column header; known forms: {forms}").format(forms=known_header_forms()),
            )
        elif h.snapshot and h.snapshot.startswith("invalid:"):
            problems.error(excel_row, h.text, h.text, _("the date in this header does not exist"))

    roles = [h.role if h else None for h in headers]
    if "unit" in roles:
        layout = "units"
    elif "indicator_name" in roles:
        layout = "indicators"
    else:
        problems.raise_if_errors()
        raise IngestError(
            [Problem(shown, excel_row, None, None, _("no unit column ('Đơn vị', 'Địa phương')"))]
        )
    for role, label in ROLE_LABELS.items():
        if roles.count(role) > 1:
            problems.error(
                excel_row, _(label), None, _("more than one '{role}' column").format(role=_(label))
            )

    def snap(h: Header) -> str:
        return h.snapshot or snapshot or UNDATED

    seen_targets: dict[tuple, str] = {}
    for h in headers:
        if h is None or not h.is_value:
            continue
        target = (h.role if layout == "units" else "value", h.code, snap(h))
        if target in seen_targets:
            problems.error(
                excel_row,
                h.text,
                None,
                _("same values as column '{column}'").format(column=seen_targets[target]),
            )
        seen_targets.setdefault(target, h.text)

    reader = _UnitsLayout if layout == "units" else _IndicatorsLayout
    out = reader(shown, cat, headers, problems, snap, unit or _title_unit(rows, header_at), level)
    frame = out.read(data_rows)
    problems.items += check_measures(frame, shown)
    problems.raise_if_errors()
    frame = measures.conform(frame) if len(frame) else measures.empty()
    return TableRead(
        path=shown,
        measures=frame,
        layout=layout,
        methodology=cat.version,
        snapshots=sorted(frame["snapshot"].unique().tolist()),
        warnings=problems.warnings,
        snapshot_info=_taken_at(headers),
    )


def _taken_at(headers: list[Header | None]) -> dict[str, dict]:
    """When each day snapshot was taken, where a header says ('11 giờ 00 ngày 08/7/2024')."""
    out: dict[str, dict] = {}
    for h in headers:
        if h is None or not h.is_value or h.taken_on is None or not h.snapshot:
            continue
        if len(h.snapshot) != 10:  # only day snapshots have a time of day
            continue
        when = header_time(h.text)
        if when is not None:
            out[h.snapshot] = {"taken_at": dt.datetime.combine(h.taken_on, when)}
    return out


class _Layout:
    def __init__(self, file, cat, headers, problems, snap, unit, level):
        self.file, self.cat, self.headers, self.problems = file, cat, headers, problems
        self.snap, self.unit, self.level = snap, unit, level
        self.rows: list[dict] = []

    def col(self, role: str) -> int | None:
        for i, h in enumerate(self.headers):
            if h is not None and h.role == role:
                return i
        return None

    @staticmethod
    def cell(row: list, col: int | None):
        return row[col] if col is not None and col < len(row) else None

    def number(self, n: int, h: Header, raw):
        try:
            return parse_number(raw)
        except BadValue as exc:
            self.problems.error(n, h.text, raw, exc.problem)
            return None

    def text(self, n: int, column: str, value: str, note: bool = False) -> bool:
        """False (and an error) when a name or note holds what must not be stored."""
        bad = note_problem(value) if note else text_problem(value)
        if bad:
            self.problems.error(n, column, value, bad)
        return bad is None

    def check_changes(self, n: int, row: list, values: dict[tuple, float]):
        """Compare published changes with the computed change of the last two snapshots."""
        for col, h in enumerate(self.headers):
            if h is None or h.role != "change":
                continue
            cell = self.number(n, h, self.cell(row, col))
            if cell is None or cell.missing:
                continue
            dated = sorted(
                {
                    (hh.taken_on or dt.date.min, self.snap(hh)): k
                    for k, hh in self.value_cols()
                    if k in values
                }.items()
            )
            if len(dated) < 2:
                continue
            (_day, old_key), (_day2, new_key) = dated[-2], dated[-1]
            old, new = values[old_key], values[new_key]
            if math.isnan(old) or math.isnan(new):
                continue
            computed = round(new - old, 2)
            if abs(computed - cell.value) > 0.0051:
                self.problems.warn(
                    n,
                    h.text,
                    cell.value,
                    _(
                        "published change differs from the computed change {computed} "
                        "(the computed change is used)"
                    ).format(computed=fmt_signed(computed)),
                )

    def value_cols(self):
        return [(i, h) for i, h in enumerate(self.headers) if h is not None and h.is_value]


class _UnitsLayout(_Layout):
    def read(self, data_rows) -> pd.DataFrame:
        name_col, level_col, note_col = self.col("unit"), self.col("level"), self.col("note")
        of_cols = [
            (i, h) for i, h in enumerate(self.headers) if h is not None and h.role == "rank_of"
        ]
        seen: dict[str, int] = {}
        folded: dict[tuple[str, str], tuple[int, str]] = {}
        for n, row in data_rows:
            name = _cell_text(self.cell(row, name_col))
            values = [self.cell(row, i) for i, _h in self.value_cols()]
            name_header = self.headers[name_col].text
            if not name:
                self.problems.error(n, name_header, None, _("empty unit name"))
                continue
            if not self.text(n, name_header, name):
                continue
            if is_totals_row(name):
                self.problems.warn(n, name_header, name, _(MSG_TOTAL_ROW).format(name=name))
                continue
            level = self._level(n, name, row, level_col)
            if level is None:
                continue
            uid = unit_id(name, level)
            if uid in seen:
                self.problems.error(
                    n,
                    name_header,
                    name,
                    _("this unit appears twice (also row {row})").format(row=seen[uid]),
                )
                continue
            seen[uid] = n
            self._tone_twin(n, name_header, name, level, folded)
            del values
            note = _cell_text(self.cell(row, note_col)) or None
            if note and not self.text(n, self.headers[note_col].text, note, note=True):
                note = None
            rank_of = self._rank_of(n, row, of_cols)
            first = len(self.rows)
            totals: dict = {}
            for col, h in self.value_cols():
                cell = self.number(n, h, self.cell(row, col))
                if cell is None:
                    continue
                scope, code, kind = self._target(h)
                maximum = self._maximum(scope, code)
                den = math.nan
                if scope == "rank":
                    den = rank_of.get(self.snap(h), rank_of.get(None, math.nan))
                if scope == "total":
                    totals[col] = cell.value
                self.rows.append(
                    {
                        "snapshot": self.snap(h),
                        "unit_id": uid,
                        "unit": name,
                        "level": level,
                        "scope": scope,
                        "code": code,
                        "kind": kind,
                        "value": cell.value,
                        "denominator": den,
                        "note": cell.note or note,
                        "_row": n,
                        "_column": h.text,
                        MAXIMUM: math.nan if maximum is None else maximum,
                    }
                )
            main = totals or {c: v for c, v in self._first_target_values(n, row).items()}
            self.check_changes(n, row, main)
            self._check_total(n, self.rows[first:])
        return pd.DataFrame(self.rows)

    def _tone_twin(self, n: int, column: str, name: str, level: str, folded: dict) -> None:
        """A name written without tone marks whose twin in the file has them is refused."""
        key = (level, folded_name_key(name))
        if key not in folded:
            folded[key] = (n, name)
            return
        row, twin = folded[key]
        if name.isascii() != twin.isascii():
            plain, other, at = (name, twin, row) if name.isascii() else (twin, name, n)
            self.problems.error(
                n, column, plain, _(MSG_NO_TONES_TWIN).format(name=plain, row=at, twin=other)
            )

    def _check_total(self, n: int, mine: list[dict]) -> None:
        """A total that disagrees with the sum of its groups (all groups given): a warning,
        kept with the total (flag, note)."""
        groups = {g.code for g in self.cat.groups}
        for total in (r for r in mine if r["scope"] == "total" and r["kind"] == "points"):
            parts = [
                r
                for r in mine
                if r["scope"] == "group"
                and r["kind"] == "points"
                and r["snapshot"] == total["snapshot"]
            ]
            if {r["code"] for r in parts} != groups or total["value"] != total["value"]:
                continue
            values = [r["value"] for r in parts]
            if any(v != v for v in values):
                continue
            tolerance = 0.01 * len(values) + 1e-9
            if abs(sum(values) - total["value"]) <= tolerance:
                continue
            text = _(MSG_TOTAL_PARTS).format(
                total=fmt_number(total["value"]),
                parts=fmt_number(sum(values)),
                snapshot=total["snapshot"],
            )
            total["flag"] = FLAG_TOTAL_PARTS
            total["note"] = "; ".join(x for x in (total.get("note"), text) if x)
            self.problems.warn(n, total["_column"], total["value"], text)

    def _first_target_values(self, n, row) -> dict:
        out = {}
        for col, h in self.value_cols():
            if h.role in ("rank", "overdue"):
                continue
            try:
                out[col] = parse_number(self.cell(row, col)).value
            except BadValue:
                pass
        return out

    def _level(self, n, name, row, level_col) -> str | None:
        try:
            if level_col is not None and _cell_text(self.cell(row, level_col)):
                return parse_level(_cell_text(self.cell(row, level_col)))
            if self.level:
                return parse_level(self.level)
            return infer_level(name)
        except UnknownLevel as exc:
            column = self.headers[level_col].text if level_col is not None else "level"
            value = _cell_text(self.cell(row, level_col)) if level_col is not None else name
            self.problems.error(n, column, value, str(exc))
            return None

    def _rank_of(self, n, row, of_cols) -> dict:
        out = {}
        for col, h in of_cols:
            cell = self.number(n, h, self.cell(row, col))
            if cell is not None and not cell.missing:
                if cell.value < 0 or cell.value != int(cell.value):
                    self.problems.error(n, h.text, cell.value, _("a count must be a whole number"))
                out[h.snapshot] = cell.value
        return out

    def _target(self, h: Header) -> tuple[str, str, str]:
        if h.role in ("total", "value"):
            return "total", "", h.kind or "points"
        if h.role == "overdue":
            return "count", "overdue", "count"
        return h.role, h.code, h.kind

    def _maximum(self, scope: str, code: str) -> float | None:
        if scope == "total":
            return self.cat.total_max
        if scope == "group":
            return self.cat.group(code).max
        if scope == "indicator":
            return self.cat.indicators[code].max
        return None


class _IndicatorsLayout(_Layout):
    def read(self, data_rows) -> pd.DataFrame:
        name_col = self.col("indicator_name")
        if not self.unit:
            self.problems.error(
                None,
                None,
                None,
                _(
                    "one row per indicator, but no unit is named: add a title line "
                    "'Đơn vị: <name>' above the header or pass --unit"
                ),
            )
            return pd.DataFrame()
        name = nfc(self.unit)
        if not self.text(None, "Đơn vị", name):
            return pd.DataFrame()
        try:
            level = parse_level(self.level) if self.level else infer_level(name)
        except UnknownLevel as exc:
            self.problems.error(None, "Đơn vị", name, str(exc))
            return pd.DataFrame()
        uid = unit_id(name, level)
        seen: dict[str, int] = {}
        for n, row in data_rows:
            ind_name = _cell_text(self.cell(row, name_col))
            if not ind_name:
                self.problems.error(n, self.headers[name_col].text, None, _("empty indicator name"))
                continue
            if not self.text(n, self.headers[name_col].text, ind_name):
                continue
            if is_totals_row(ind_name) and self.cat.match_indicator(ind_name) is None:
                self.problems.warn(
                    n,
                    self.headers[name_col].text,
                    ind_name,
                    _(MSG_TOTAL_ROW).format(name=ind_name),
                )
                continue
            code = self.cat.match_indicator(ind_name)
            if code is None:
                code = ind_name
                self.problems.warn(
                    n,
                    self.headers[name_col].text,
                    ind_name,
                    _(
                        "not in the {catalogue} catalogue: kept as a tracked indicator "
                        "without points"
                    ).format(catalogue=self.cat.version),
                )
            if code in seen:
                self.problems.error(
                    n,
                    self.headers[name_col].text,
                    ind_name,
                    _("this indicator appears twice (also row {row})").format(row=seen[code]),
                )
                continue
            seen[code] = n
            ind = self.cat.indicators.get(code)
            values: dict = {}
            for col, h in self.value_cols():
                cell = self.number(n, h, self.cell(row, col))
                if cell is None:
                    continue
                kind = h.kind if h.kind in ("rate", "points") else "rate"
                values[col] = cell.value
                self.rows.append(
                    {
                        "snapshot": self.snap(h),
                        "unit_id": uid,
                        "unit": name,
                        "level": level,
                        "scope": "indicator",
                        "code": code,
                        "kind": kind,
                        "value": cell.value,
                        "note": cell.note,
                        "label": ind_name,
                        "_row": n,
                        "_column": h.text,
                        MAXIMUM: ind.max if ind else math.nan,
                    }
                )
            self.check_changes(n, row, values)
        return pd.DataFrame(self.rows)

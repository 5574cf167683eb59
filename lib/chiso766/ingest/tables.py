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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from chiso766.compute import measures
from chiso766.compute.nfc_column import nfc_texts
from chiso766.compute.periods import PeriodError, parse_period, today_vn
from chiso766.compute.textnorm import fold_words, nfc
from chiso766.compute.tone_keys import as_strings
from chiso766.compute.units import (
    UnknownLevel,
    folded_name_key,
    infer_level,
    name_keys,
    parse_level,
    unit_id,
)
from chiso766.formatting import fmt_number, fmt_signed
from chiso766.i18n import N_, _
from chiso766.ingest import arrow_measures
from chiso766.ingest.cells import read_rows
from chiso766.ingest.columns import Numbers, folded, parse_numbers, text_problems
from chiso766.ingest.errors import IngestError, Problem, Problems
from chiso766.ingest.headers import (
    Header,
    classify_header,
    header_time,
    known_header_forms,
    split_header,
)
from chiso766.ingest.nogc import without_collector
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
    """What a table held: its measures, warnings, layout and snapshots.

    A table of one row per unit is read into ``table`` (Arrow, text dictionary-encoded: what
    the store reads), its keys known unique (``unique_keys``), its units listed once
    (``units``); ``measures`` is the frame, made from it when first asked for.
    """

    path: str
    layout: str
    methodology: str
    snapshots: list[str]
    warnings: list[Problem] = field(default_factory=list)
    snapshot_info: dict[str, dict] = field(default_factory=dict)
    table: pa.Table | None = None
    frame: pd.DataFrame | None = None
    unique_keys: bool = False
    units: pa.Table | None = None  # each unit of ``table`` once (unit_id, unit, level)

    @property
    def measures(self) -> pd.DataFrame:
        """The measures frame (as :func:`chiso766.compute.measures.conform` leaves it)."""
        if self.frame is None:
            self.frame = (
                arrow_measures.to_frame(self.table) if self.table is not None else measures.empty()
            )
        return self.frame


def is_totals_row(name: str) -> bool:
    """'Tổng cộng', 'Trung bình', 'Bình quân chung', 'TỔNG': a row of totals or averages."""
    key = fold_words(name)
    return key in TOTAL_ROW_WORDS or key.startswith(TOTAL_ROW_PREFIXES)


def _blank(row: list) -> bool:
    """Whether every cell of ``row`` is empty (as :func:`_cell_text` would read it)."""
    try:
        return not "".join(row).strip()  # a row of text (CSV): blank if only spaces
    except TypeError:  # a cell is not text (XLSX)
        pass
    for c in row:
        if c is None or (isinstance(c, float) and c != c):
            continue
        if isinstance(c, str):
            if c.strip():
                return False
            continue
        return False
    return True


def _cell_texts(cells: pd.Series) -> pd.Series:
    """:func:`_cell_text` of each cell: a column of text (a CSV's) at once."""
    if len(cells) and pd.api.types.infer_dtype(cells, skipna=False) == "string":
        return nfc_texts(cells)
    return cells.map(_cell_text)


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


@without_collector
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
    data_rows = [(n, r) for n, r in data_rows if not _blank(r)]
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
    problems.items.sort(key=lambda p: (p.row is not None, p.row or 0))  # in the file's order
    problems.raise_if_errors()
    if out.table is not None:
        frame, snapshots = None, arrow_measures.distinct(out.table["snapshot"])
    else:
        frame = measures.conform(frame) if len(frame) else measures.empty()
        snapshots = frame["snapshot"].unique().tolist()
    return TableRead(
        path=shown,
        layout=layout,
        methodology=cat.version,
        snapshots=sorted(snapshots),
        warnings=problems.warnings,
        snapshot_info=_taken_at(headers),
        table=out.table,
        frame=frame,
        unique_keys=out.unique,
        units=out.units,
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
        self.table: pa.Table | None = None  # the measures as Arrow, when read in that form
        self.unique = False  # whether the keys of ``table`` are known to be unique
        self.units: pa.Table | None = None  # each unit of ``table`` once: id, name, level

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
    """One row per unit, read column by column (a table may have 200 000 rows): the checks
    and the measures of the one-cell functions, the messages of the rows that fail them."""

    def read(self, data_rows) -> pd.DataFrame:
        if not data_rows:
            return pd.DataFrame()
        width = len(self.headers)
        self.ns = np.array([n for n, _ in data_rows])
        self.cells = _columns([r for _, r in data_rows], width)
        with ThreadPoolExecutor(max_workers=1) as pool:  # the numbers beside the names
            self.parsing = {
                col: pool.submit(parse_numbers, self.cells[col])
                for col, h in enumerate(self.headers)
                if h is not None and (h.is_value or h.role in ("rank_of", "change"))
            }
            return self._read()

    def _read(self) -> pd.DataFrame:
        name_col, level_col, note_col = self.col("unit"), self.col("level"), self.col("note")
        header = self.headers[name_col].text
        names = _cell_texts(self.cells[name_col])
        ok = self._names(names, header)
        levels = self._levels(names, level_col, ok)
        ok &= levels.notna().to_numpy()
        keys = name_keys(names, self.folded)
        uids = pd.Series(
            [f"{lv}:{k}" if good else None for k, lv, good in zip(keys, levels, ok, strict=True)],
            dtype=object,
        )
        ok &= self._unique(uids, names, header, ok)
        self._tone_twins(names, levels, header, ok)
        notes = self._notes(note_col, ok)
        rank_of = self._rank_of(ok)
        parsed = {col: self._numbers(col, h, ok) for col, h in self.value_cols()}
        self._check_changes(parsed, ok)
        flags = self._check_totals(parsed, ok)
        rows, columns, parts = [], [], {"den": [], "note": [], "flag": [], "value": []}
        for col, h in self.value_cols():
            numbers = parsed[col]
            idx = np.flatnonzero(ok & ~self._bad_mask(numbers))
            if not len(idx):
                continue
            scope = self._target(h)[0]
            den = np.full(len(idx), np.nan)
            if scope == "rank":
                den = rank_of.get(self.snap(h), rank_of.get(None, den))[idx]
            note = numbers.notes[idx]
            note = np.where(pd.isna(note), notes[idx], note)
            flag = np.full(len(idx), None, dtype=object)
            for i, text in flags.get(col, {}).items():  # a total off its groups
                at = int(np.searchsorted(idx, i))
                flag[at] = FLAG_TOTAL_PARTS
                note[at] = "; ".join(x for x in (note[at], text) if isinstance(x, str) and x)
            rows.append(idx)
            columns.append((col, h, len(idx)))
            parts["den"].append(den)
            parts["note"].append(note)
            parts["flag"].append(flag)
            parts["value"].append(numbers.values[idx])
        if not rows:
            return pd.DataFrame()
        return self._frame(rows, columns, parts, uids, names, levels, bool(flags))

    def _frame(self, rows, columns, parts, uids, names, levels, flagged) -> pd.DataFrame:  # noqa: ANN001
        """The measures as Arrow (``self.table``; text dictionary-encoded: a value per column,
        a name per row, each held once), whether their keys are unique (``self.unique``), and
        the frame pandera validates (its words, and the header of each value for the
        messages, as categories of the same codes; the units' ids as Arrow strings)."""
        at = np.concatenate(rows)
        which = np.repeat(np.arange(len(columns)), [n for _c, _h, n in columns])
        targets = [self._target(h) for _c, h, _n in columns]
        per_column = {
            "snapshot": [self.snap(h) for _c, h, _n in columns],
            "scope": [t[0] for t in targets],
            "code": [t[1] if t[1] is not None else "" for t in targets],
            "kind": [t[2] for t in targets],
        }
        text = {k: arrow_measures.encoded(which, v) for k, v in per_column.items()}
        text |= self._units_of(at, uids, names, levels)
        value = np.concatenate(parts["value"])
        denominator = np.concatenate(parts["den"])
        notes = np.concatenate(parts["note"])
        flags = (
            arrow_measures.texts(np.concatenate(parts["flag"]))
            if flagged
            else arrow_measures.nulls(len(at))
        )
        self.table = arrow_measures.table(
            {
                **text,
                "value": value,
                "denominator": denominator,
                "flag": flags,
                "note": arrow_measures.texts(notes),
            }
        )
        keys = list(zip(*per_column.values(), strict=True))
        self.unique = len(set(keys)) == len(keys)  # and a unit once (_unique): keys unique
        maxima = [self._maximum(sc, cd) for sc, cd, _k in targets]
        return pd.DataFrame(
            {
                **{
                    c: arrow_measures.categories(text[c])
                    if c != "unit_id"
                    else arrow_measures.strings(text[c])  # a category per unit: dearer
                    for c in ("snapshot", "unit_id", "level", "scope", "kind")
                },
                "value": value,
                "denominator": denominator,
                "_row": self.ns[at],
                "_column": arrow_measures.categories(
                    arrow_measures.encoded(which, [h.text for _c, h, _n in columns])
                ),
                MAXIMUM: np.array([np.nan if m is None else m for m in maxima])[which],
            },
            copy=False,
        )

    def _units_of(self, at: np.ndarray, uids, names, levels) -> dict[str, pa.DictionaryArray]:  # noqa: ANN001
        """The unit columns of the values at rows ``at``: each unit's id and name held once
        (``self.units``, in the order of the rows, what the store records), the levels as a
        few words."""
        kept = np.zeros(len(uids), dtype=bool)
        kept[at] = True
        rows = np.flatnonzero(kept)
        place = (np.cumsum(kept) - 1).astype(np.int32)[at]  # each value's unit in ``units``
        self.units = pa.table(
            {
                "unit_id": pa.array(uids.to_numpy(dtype=object)[rows], pa.string()),
                "unit": as_strings(names).take(rows),  # Arrow strings as they are
                "level": pa.array(levels.to_numpy(dtype=object)[rows], pa.string()),
            }
        )
        return {
            "unit_id": pa.DictionaryArray.from_arrays(place, self.units["unit_id"].chunk(0)),
            "unit": pa.DictionaryArray.from_arrays(place, self.units["unit"].chunk(0)),
            "level": arrow_measures.encoded(at, levels.to_numpy(dtype=object)),
        }

    # ---- the rows: names, levels, identities ---------------------------------------------
    def _names(self, names: pd.Series, header: str) -> np.ndarray:
        """Rows with a usable unit name (errors, and the totals rows' notes, for the rest)."""
        ok = np.ones(len(names), dtype=bool)
        for i in np.flatnonzero((names == "").to_numpy()):
            self.problems.error(int(self.ns[i]), header, None, _("empty unit name"))
            ok[i] = False
        for i, problem in text_problems(names).items():
            if ok[i]:
                self.problems.error(int(self.ns[i]), header, names.iloc[i], problem)
                ok[i] = False
        keys = folded(names)
        totals = (keys.isin(TOTAL_ROW_WORDS) | keys.str.startswith(TOTAL_ROW_PREFIXES)).to_numpy()
        for i in np.flatnonzero(totals & ok):
            name = names.iloc[i]
            self.problems.warn(int(self.ns[i]), header, name, _(MSG_TOTAL_ROW).format(name=name))
        self.folded = keys
        return ok & ~totals

    def _levels(self, names: pd.Series, level_col: int | None, ok: np.ndarray) -> pd.Series:
        """Each row's level: its level cell, else ``--level``, else read from the name (one
        parse per distinct cell); None (and an error) where it cannot be told."""
        given = (
            _texts(self.cells[level_col])
            if level_col is not None
            else pd.Series("", index=names.index)
        )
        has = (given != "").to_numpy()
        known: dict[str, str | None] = {}
        for text in given[ok & has].unique():
            try:
                known[text] = parse_level(text)
            except UnknownLevel:
                known[text] = None
        if self.level:
            try:
                fallback = pd.Series(parse_level(self.level), index=names.index, dtype=object)
            except UnknownLevel:
                fallback = pd.Series(None, index=names.index, dtype=object)
        else:  # read from the names of the rows without a level cell only
            fallback = pd.Series(None, index=names.index, dtype=object)
            fallback[~has] = _levels_from_names(self.folded[~has])
        levels = pd.Series(
            np.where(has, _spread(given, known.get), fallback.to_numpy(dtype=object)),
            index=names.index,
            dtype=object,
        )
        found = levels.notna().to_numpy(dtype=bool)  # a level is a word, or None
        for i in np.flatnonzero(ok & ~found):  # the one-cell function says why
            self._level_error(int(self.ns[i]), names.iloc[i], given.iloc[i], level_col)
        return levels.where(found, None)

    def _level_error(self, n: int, name: str, text: str, level_col: int | None) -> None:
        try:
            if text:
                parse_level(text)
            elif self.level:
                parse_level(self.level)
            else:
                infer_level(name)
        except UnknownLevel as exc:
            column = self.headers[level_col].text if level_col is not None else "level"
            value = text if level_col is not None else name
            self.problems.error(n, column, value, str(exc))

    def _unique(self, uids: pd.Series, names: pd.Series, header: str, ok) -> np.ndarray:
        """False for a unit met again (an error naming the row it was first met on)."""
        keep = np.ones(len(uids), dtype=bool)
        live = uids[ok]
        dup = live.duplicated(keep="first")
        if dup.any():
            first = {}
            for i, uid in live.items():
                first.setdefault(uid, int(self.ns[i]))
            for i in live.index[dup.to_numpy()]:
                self.problems.error(
                    int(self.ns[i]),
                    header,
                    names.iloc[i],
                    _("this unit appears twice (also row {row})").format(row=first[uids.iloc[i]]),
                )
                keep[i] = False
        return keep

    def _tone_twins(self, names: pd.Series, levels: pd.Series, header: str, ok) -> None:
        """A name written without tone marks whose twin in the file has them is refused
        (only rows whose folded key an ASCII name shares are looked at)."""
        plain = names.str.isascii().to_numpy(dtype=bool) & ok
        if not plain.any():
            return
        fast = self.folded.str.replace(r"^(ubnd|uy ban nhan dan) ", "", regex=True)
        wanted = set(fast[plain])
        rows = np.flatnonzero(ok & fast.isin(wanted).to_numpy())
        firsts: dict[tuple, int] = {}
        for i in rows:
            key = (levels.iloc[i], folded_name_key(names.iloc[i]))
            if key not in firsts:
                firsts[key] = i
                continue
            first = firsts[key]
            name, twin = names.iloc[i], names.iloc[first]
            if name.isascii() != twin.isascii():
                n = int(self.ns[i])
                plain_name, other, at = (
                    (name, twin, int(self.ns[first])) if name.isascii() else (twin, name, n)
                )
                self.problems.error(
                    n,
                    header,
                    plain_name,
                    _(MSG_NO_TONES_TWIN).format(name=plain_name, row=at, twin=other),
                )

    def _notes(self, note_col: int | None, ok: np.ndarray) -> np.ndarray:
        notes = np.full(len(self.ns), None, dtype=object)
        if note_col is None:
            return notes
        texts = self.cells[note_col].map(_cell_text)
        bad = text_problems(texts, note=True)
        header = self.headers[note_col].text
        for i in np.flatnonzero(ok & (texts != "").to_numpy()):
            if i in bad:
                self.problems.error(int(self.ns[i]), header, texts.iloc[i], bad[i])
            else:
                notes[i] = texts.iloc[i]
        return notes

    # ---- the values -----------------------------------------------------------------------
    def _numbers(self, col: int, h: Header, ok: np.ndarray) -> Numbers:
        """The column's numbers; an error for each bad cell of a row still in play."""
        numbers = self.parsing[col].result()  # parse_numbers(self.cells[col]), begun in read
        for i, problem in sorted(numbers.bad.items()):
            if ok[i]:
                self.problems.error(int(self.ns[i]), h.text, self.cells.iat[i, col], problem)
        return numbers

    @staticmethod
    def _bad_mask(numbers: Numbers) -> np.ndarray:
        mask = np.zeros(len(numbers.values), dtype=bool)
        mask[list(numbers.bad)] = True
        return mask

    def _rank_of(self, ok: np.ndarray) -> dict:
        """The number ranked, per snapshot (None: a column without a date), as arrays."""
        out: dict = {}
        for col, h in enumerate(self.headers):
            if h is None or h.role != "rank_of":
                continue
            numbers = self._numbers(col, h, ok)
            values = numbers.values.copy()
            for i in np.flatnonzero(ok & ~self._bad_mask(numbers) & ~np.isnan(values)):
                v = values[i]
                if v < 0 or v != int(v):
                    self.problems.error(
                        int(self.ns[i]), h.text, v, _("a count must be a whole number")
                    )
            out[h.snapshot] = values
        return out

    def _check_changes(self, parsed: dict[int, Numbers], ok: np.ndarray) -> None:
        """Published changes against the change of the last two snapshots of the totals
        (else of every value column but ranks and counts): a warning where they differ."""
        totals = [c for c, h in self.value_cols() if self._target(h)[0] == "total"]
        main = totals or [c for c, h in self.value_cols() if h.role not in ("rank", "overdue")]
        dated = sorted(
            {
                (hh.taken_on or dt.date.min, self.snap(hh)): k
                for k, hh in self.value_cols()
                if k in main
            }.items()
        )
        for col, h in enumerate(self.headers):
            if h is None or h.role != "change":
                continue
            published = self._numbers(col, h, ok)
            if len(dated) < 2:
                continue
            (_day, old_col), (_day2, new_col) = dated[-2], dated[-1]
            old, new = parsed[old_col].values, parsed[new_col].values
            pub = published.values
            with np.errstate(invalid="ignore"):
                near = np.abs((new - old) - pub) > 0.004
            for i in np.flatnonzero(ok & near & ~np.isnan(pub) & ~np.isnan(old) & ~np.isnan(new)):
                computed = round(float(new[i]) - float(old[i]), 2)
                if abs(computed - pub[i]) > 0.0051:
                    self.problems.warn(
                        int(self.ns[i]),
                        h.text,
                        float(pub[i]),
                        _(
                            "published change differs from the computed change {computed} "
                            "(the computed change is used)"
                        ).format(computed=fmt_signed(computed)),
                    )

    def _check_totals(self, parsed: dict[int, Numbers], ok: np.ndarray) -> dict:
        """A total that disagrees with the sum of its groups (every group given, none
        missing): a warning; returned as total column → {row position: note} for the flag
        and note kept with the total."""
        groups = {g.code for g in self.cat.groups}
        out: dict[int, dict[int, str]] = {}
        cols = [(c, h, *self._target(h)) for c, h in self.value_cols()]
        for col, h, scope, _code, kind in cols:
            if scope != "total" or kind != "points":
                continue
            mine = [
                c
                for c, hh, sc, _cd, kd in cols
                if sc == "group" and kd == "points" and self.snap(hh) == self.snap(h)
            ]
            if {self._target(self.headers[c])[1] for c in mine} != groups:
                continue
            total = parsed[col].values
            values = np.vstack([parsed[c].values for c in mine])
            usable = ok & ~self._bad_mask(parsed[col]) & ~np.isnan(total)
            for c in mine:
                usable &= ~self._bad_mask(parsed[c])
            usable &= ~np.isnan(values).any(axis=0)
            with np.errstate(invalid="ignore"):
                off = usable & (np.abs(values.sum(axis=0) - total) > 0.01 * len(mine) + 1e-9)
            for i in np.flatnonzero(off):
                text = _(MSG_TOTAL_PARTS).format(
                    total=fmt_number(total[i]),
                    parts=fmt_number(values[:, i].sum()),
                    snapshot=self.snap(h),
                )
                out.setdefault(col, {})[int(i)] = text
                self.problems.warn(int(self.ns[i]), h.text, float(total[i]), text)
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


def _columns(rows: list[list], width: int) -> pd.DataFrame:
    """The first ``width`` cells of ``rows`` as columns of objects (None past a row's end;
    never inferred as strings: cells stay as the file gave them)."""
    grid = None
    if len({len(r) for r in rows}) == 1 and len(rows[0]) >= width:  # a rectangle: at once
        grid = np.array(rows, dtype=object).T
    if grid is None or grid.ndim != 2:
        grid = np.empty((width, len(rows)), dtype=object)
        for c in range(width):
            grid[c] = [r[c] if c < len(r) else None for r in rows]
    grid = np.ascontiguousarray(grid)  # a column after another, each taken as it is
    return pd.DataFrame(
        {c: pd.Series(grid[c], dtype=object, copy=False) for c in range(width)}, copy=False
    )


def _texts(cells: pd.Series) -> pd.Series:
    """:func:`_cell_text` of a column of few distinct cells (a level column): once each."""
    return pd.Series(_spread(cells, _cell_text, ""), index=cells.index, dtype=object)


def _spread(cells: pd.Series, fn, missing=None) -> np.ndarray:  # noqa: ANN001
    """``fn`` of each cell, called once per distinct cell (``missing`` for None and NaN)."""
    codes, distinct = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=True)
    once = np.empty(len(distinct) + 1, dtype=object)
    once[:-1] = [fn(c) for c in distinct]
    once[-1] = missing
    return once[codes]


def _levels_from_names(keys: pd.Series) -> pd.Series:
    """The level each folded name says ('ubnd thi xa …' → district), None where none does
    (the prefixes of :func:`chiso766.compute.units.infer_level`, in its order)."""
    import re

    from chiso766.compute.units import name_prefixes

    prefixes = dict(name_prefixes())
    pattern = "^(" + "|".join(re.escape(p) for p in prefixes) + ")"  # tried in order, as one
    found = (keys.astype(str) + " ").str.extract(pattern, expand=False)
    return found.map(prefixes).astype(object)


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

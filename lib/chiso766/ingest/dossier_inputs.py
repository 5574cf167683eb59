"""Read the provincial system's exports (dossiers, procedures, publication decisions).

CSV (UTF-8), XLSX or Parquet; the header row may sit under title lines. Every problem is
collected (file, row, column, value, problem — in Vietnamese for the analyst) and nothing is
returned unless the whole file is valid: :func:`read_export` raises :class:`IngestError`.
Timestamps are naive local time (Asia/Ho_Chi_Minh) at microsecond precision.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from chiso766.compute.textnorm import fold_words, nfc
from chiso766.compute.units import UnknownLevel, infer_level, unit_id
from chiso766.i18n import N_, _
from chiso766.ingest.dossier_schema import (
    DECISIONS,
    DOSSIERS,
    FINISHED_STATUSES,
    KIND_LABELS,
    PROCEDURES,
    Column,
    columns,
    kind_of_headers,
    match_headers,
    parse_enum,
)
from chiso766.ingest.errors import IngestError, Problem, Problems

ANY_EXPORT = N_("dossiers, procedures or publication decisions")

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_DATE = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:hH](\d{2})(?::(\d{2}))?)?$"
)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_TRUE = {"co", "x", "yes", "true", "1", "dung", "da", "c"}
_FALSE = {"khong", "no", "false", "0", "chua", "k", ""}


class BadCell(ValueError):
    """A cell whose value cannot be read as its column's type (the message is Vietnamese)."""


# ---- cell parsers (pure) ---------------------------------------------------------------------


def _blank(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if raw is pd.NaT or (isinstance(raw, pd.Timestamp) and pd.isna(raw)):
        return True
    return isinstance(raw, str) and not nfc(raw)


def parse_datetime(raw) -> dt.datetime | None:
    """'08/4/2025', '08/04/2025 14:30', '2025-04-08', an Excel date or serial → naive datetime.

    Blank → None; anything else that is not a real date raises BadCell.
    """
    if _blank(raw):
        return None
    if isinstance(raw, pd.Timestamp):
        raw = raw.to_pydatetime()
    if isinstance(raw, dt.datetime):
        if raw.tzinfo is not None:
            raise BadCell(
                _("a date and time with a time zone: write the local time, without a time zone")
            )
        return raw.replace(microsecond=raw.microsecond)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, bool):
        raise BadCell(_("this cell must be a date (dd/mm/yyyy)"))
    if isinstance(raw, int | float | np.integer | np.floating):
        serial = float(raw)
        if not 1 <= serial < 2958466:
            raise BadCell(_("this cell must be a date (dd/mm/yyyy)"))
        return (EXCEL_EPOCH + dt.timedelta(days=serial)).replace(microsecond=0)
    text = nfc(str(raw))
    m = _DATE.match(text)
    if m:
        d, mo, y, h, mi, s = m.groups()
        parts = (int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    else:
        m = _ISO.match(text)
        if not m:
            raise BadCell(_("this cell must be a date (dd/mm/yyyy, with a time hh:mm if known)"))
        y, mo, d, h, mi, s = m.groups()
        parts = (int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    try:
        return dt.datetime(*parts)
    except ValueError:
        raise BadCell(_("this date does not exist")) from None


def parse_bool(raw) -> bool:
    """'Có' / 'Không' (with or without diacritics), x, yes/no, 1/0, True/False; blank → False."""
    if _blank(raw):
        return False
    if isinstance(raw, bool | np.bool_):
        return bool(raw)
    if isinstance(raw, int | float | np.integer | np.floating) and float(raw) in (0.0, 1.0):
        return bool(raw)
    key = fold_words(str(raw))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadCell(_("this cell takes only 'Có' (yes) or 'Không' (no)"))


def parse_count(raw, *, blank: int | None = 0) -> int | None:
    """A whole number ≥ 0 ('2', 2, 2.0); blank → ``blank``."""
    if _blank(raw):
        return blank
    if isinstance(raw, bool):
        raise BadCell(_("this cell must be a whole number from 0"))
    if isinstance(raw, int | np.integer):
        value = float(raw)
    elif isinstance(raw, float | np.floating):
        value = float(raw)
    else:
        text = nfc(str(raw))
        m = re.fullmatch(r"\s*(-?\d+)(?:[.,]0+)?\s*([^\d]*)", text)
        if not m or fold_words(m[2]) not in ("", "ngay", "ngay lam viec", "lan"):
            raise BadCell(_("this cell must be a whole number from 0"))
        value = float(m[1])
    if value != int(value) or value < 0:
        raise BadCell(_("this cell must be a whole number from 0"))
    return int(value)


def parse_code(raw) -> str | None:
    """An identifier as written ('H44.01-260801-0001'); a whole float from Excel loses '.0'."""
    if _blank(raw):
        return None
    if isinstance(raw, float) and raw == int(raw):
        return str(int(raw))
    return nfc(str(raw))


def parse_text(raw) -> str | None:
    return None if _blank(raw) else nfc(str(raw))


# ---- units ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitResolver:
    """Resolve a unit name as the export writes it to the store's unit (id, name, level).

    With known units (the store's), a name must match one of them (case, diacritics and a
    leading 'UBND' ignored); with none, the level is told from the name."""

    units: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        table: dict[str, tuple[str, str, str]] = {}
        if self.units is not None and len(self.units):
            for uid, name, level in self.units[["unit_id", "name", "level"]].itertuples(
                index=False
            ):
                for key in (fold_words(name), _strip_ubnd(fold_words(name))):
                    table.setdefault(key, (uid, name, level))
        object.__setattr__(self, "_table", table)

    def resolve(self, name: str) -> tuple[str, str, str]:
        """(unit_id, name, level); ValueError with a Vietnamese message if unknown."""
        table = self._table  # type: ignore[attr-defined]
        key = fold_words(name)
        if table:
            hit = table.get(key) or table.get(_strip_ubnd(key))
            if hit is None:
                raise ValueError(
                    _(
                        "this unit is not in the store: write the unit's name as the score "
                        "tables do (or ingest a score table with this unit first)"
                    )
                )
            return hit
        try:
            level = infer_level(name)
        except UnknownLevel:
            raise ValueError(
                _(
                    "cannot tell the unit's level from its name: write the full name, such as "
                    "'Sở Tư pháp', 'UBND xã …'"
                )
            ) from None
        return unit_id(name, level), nfc(name), level


def _strip_ubnd(key: str) -> str:
    for prefix in ("ubnd ", "uy ban nhan dan "):
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


# ---- reading files ----------------------------------------------------------------------------


@dataclass
class ExportRead:
    """A validated export: its kind, the typed frame (canonical columns), warnings."""

    path: str
    kind: str
    frame: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)


def raw_rows(path: Path, head: int | None = None) -> tuple[list[list], bool]:
    """Cells of a CSV/XLSX (as :func:`chiso766.ingest.tables.read_rows`) or a Parquet file;
    the flag says whether the first row is the header for sure (Parquet). ``head``: a CSV's
    first rows only."""
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
        rows = [list(frame.columns)]
        rows += frame.astype(object).where(frame.notna(), None).values.tolist()
        return rows, True
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return _csv_rows(path, head), False
    from chiso766.ingest.tables import read_rows

    return read_rows(path), False


def _csv_rows(path: Path, limit: int | None = None) -> list[list]:
    """CSV cells (UTF-8), of the first ``limit`` rows if given; the delimiter (',', ';' or tab)
    is the one that splits the first rows into the most columns, so title lines above the
    header do not confuse it."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    None,
                    _("the file is not UTF-8 text: save it as 'CSV UTF-8'"),
                )
            ]
        ) from None
    if limit is not None:  # a beginning of the text holding those rows whole, if one does
        size = HEAD_CHARS
        while size < len(text):
            part = text[:size]
            if len(part.splitlines()) > HEAD_LINES:  # the delimiter's lines are whole
                with contextlib.suppress(csv.Error):
                    rows = _split(part, limit + 1)
                    if len(rows) > limit:  # and so are the rows wanted
                        return rows[:limit]
            size <<= 2
    return _split(text, limit)


HEAD_LINES = 25  # the delimiter is the one that splits the first lines into most columns
HEAD_CHARS = 1 << 16  # the first beginning tried (then 4, 16… times longer)


def _split(text: str, limit: int | None) -> list[list]:
    """The first ``limit`` rows (all if None) of CSV ``text``, its delimiter chosen."""
    head = text.splitlines()[:HEAD_LINES]

    def width(delim: str) -> int:
        return max((len(r) for r in csv.reader(head, delimiter=delim)), default=0)

    delim = max((",", ";", "\t"), key=width)
    rows = csv.reader(io.StringIO(text), delimiter=delim)
    return [list(r) for r in itertools.islice(rows, limit)]


HEADER_WITHIN = 20  # rows


def find_header(rows: list[list], fixed: bool = False) -> tuple[int, str] | None:
    """(row index, kind) of the header row among the first 20 rows, None if none matches."""
    for i, row in enumerate(rows[: 1 if fixed else HEADER_WITHIN]):
        cells = [parse_text(c) or "" for c in row]
        kind = kind_of_headers(cells)
        if kind is not None:
            return i, kind
    return None


def detect_export(path: str | Path) -> str | None:
    """The kind of export a file is (dossiers, procedures, decisions), None otherwise."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet"):
        return None
    try:
        rows, fixed = raw_rows(path, head=HEADER_WITHIN)  # a table's header is near its top
        found = find_header(rows, fixed)
        if found is not None:
            raw_rows(path)  # and the whole file reads (else the table reader says why not)
    except Exception:  # noqa: BLE001 - only a guess: the file's own reader reports its problems
        return None
    return found[1] if found else None


def read_export(
    path: str | Path, kind: str | None = None, units: pd.DataFrame | None = None
) -> ExportRead:
    """Read and validate one export; raise IngestError listing every problem found.

    ``units`` (unit_id, name, level) are the store's units that dossiers and decisions must
    name; without them a unit's level is told from its name.
    """
    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise IngestError([Problem(shown, None, None, None, _("file not found"))])
    rows, fixed = raw_rows(path)
    found = find_header(rows, fixed)
    if found is None or (kind is not None and found[1] != kind):
        want = _(KIND_LABELS[kind]) if kind else _(ANY_EXPORT)
        raise IngestError(
            [
                Problem(
                    shown,
                    None,
                    None,
                    None,
                    _(
                        "no header row of {what} found: columns such as 'Mã hồ sơ', 'Ngày tiếp "
                        "nhận' (dossiers), 'Mã TTHC', 'Tên TTHC' (procedures) or 'Ngày hiệu lực', "
                        "'Đơn vị tham mưu' (publication decisions) are needed"
                    ).format(what=want),
                )
            ]
        )
    at, kind = found
    problems = Problems(shown)
    header = [parse_text(c) or "" for c in rows[at]]
    first_row = 1 if fixed else at + 2  # spreadsheet row of the first data row (Parquet: 1)
    frame = _typed_frame(kind, header, rows[at + 1 :], first_row, problems, UnitResolver(units))
    problems.raise_if_errors()
    return ExportRead(shown, kind, frame, problems.warnings)


def _typed_frame(kind, header, data, first_row, problems: Problems, resolver: UnitResolver):
    specs = {c.name: c for c in columns(kind)}
    where = match_headers(kind, header)
    seen: dict[str, int] = {}
    for i, name in where.items():
        if name in seen:
            problems.error(
                first_row - 1,
                header[i],
                header[i],
                _("the column '{column}' appears twice").format(column=specs[name].label),
            )
        seen.setdefault(name, i)
    for i, h in enumerate(header):
        if h and i not in where:
            problems.warn(first_row - 1, h, h, _("this column is not used and is skipped"))
    missing = [c.label for c in specs.values() if c.required and c.name not in seen]
    if missing:
        problems.error(
            first_row - 1,
            None,
            None,
            _("required columns missing: {columns}").format(
                columns=", ".join(f"'{m}'" for m in missing)
            ),
        )
        problems.raise_if_errors()

    records: list[dict] = []
    for offset, row in enumerate(data):
        if not any(not _blank(c) for c in row):
            continue
        n = first_row + offset
        rec: dict = {"_row": n}
        for name, spec in specs.items():
            col = seen.get(name)
            raw = row[col] if col is not None and col < len(row) else None
            rec[name] = _cell(
                spec, raw, n, header[col] if col is not None else spec.label, problems
            )
        records.append(rec)
    headers = {n: header[i] for n, i in seen.items()}
    if kind == DOSSIERS:
        _check_dossiers(records, problems, resolver, headers)
    elif kind == PROCEDURES:
        _check_unique(records, "procedure_code", problems, specs["procedure_code"].label)
    else:
        _check_decisions(records, problems, resolver, headers)
    extra = ["unit_id", "unit_name", "level"] if kind != PROCEDURES else []
    frame = pd.DataFrame(records, columns=["_row", *specs, *extra])
    return _conform(kind, frame)


def _cell(spec: Column, raw, n: int, header: str, problems: Problems):
    if spec.required and _blank(raw) and spec.type not in ("count", "bool"):
        problems.error(
            n, header, None, _("the cell '{column}' must not be empty").format(column=spec.label)
        )
        return None
    try:
        if spec.type in ("datetime", "date"):
            value = parse_datetime(raw)
            return value.date() if spec.type == "date" and value is not None else value
        if spec.type == "bool":
            return parse_bool(raw)
        if spec.type == "count":
            return parse_count(raw)
        if spec.type == "days":
            return parse_count(raw, blank=None)
        if spec.type == "code":
            return parse_code(raw)
        if spec.type.startswith("enum:"):
            if _blank(raw):
                return None
            value = parse_enum(spec.type[5:], str(raw))
            if value is None:
                raise BadCell(
                    _("not a valid value of the column '{column}'").format(column=spec.label)
                )
            return value
        return parse_text(raw)
    except BadCell as exc:
        problems.error(n, header, raw, str(exc))
        return None


def _check_unique(records: list[dict], column, problems, label) -> None:
    first: dict[str, int] = {}
    for rec in records:
        n, value = rec["_row"], rec[column]
        if value is None:
            continue
        if value in first:
            problems.error(
                n, label, value, _("this code is already on row {row}").format(row=first[value])
            )
        else:
            first[value] = n


def _resolve(records: list[dict], column, problems, resolver, header) -> None:
    """Add unit_id, unit_name and level to each record from its unit column."""
    cache: dict[str, tuple | str] = {}
    for rec in records:
        name = rec[column]
        rec["unit_id"] = rec["unit_name"] = rec["level"] = None
        if name is None:
            continue
        if name not in cache:
            try:
                cache[name] = resolver.resolve(name)
            except ValueError as exc:
                cache[name] = str(exc)
        hit = cache[name]
        if isinstance(hit, str):
            problems.error(rec["_row"], header, name, hit)
        else:
            rec["unit_id"], rec["unit_name"], rec["level"] = hit


def _when(value) -> str:
    """A date or datetime as the analyst wrote it: '08/04/2025' or '08/04/2025 14:30'."""
    text = f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, dt.datetime) and (value.hour or value.minute):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def _check_dossiers(records: list[dict], problems: Problems, resolver, headers) -> None:
    def h(name: str) -> str:
        return headers.get(name) or next(c.label for c in columns(DOSSIERS) if c.name == name)

    _check_unique(records, "dossier_id", problems, h("dossier_id"))
    _resolve(records, "unit", problems, resolver, h("unit"))
    for rec in records:
        n = rec["_row"]
        received, due, fin = rec["received_at"], rec["due_at"], rec["finished_at"]
        ret, status = rec["returned_at"], rec["status"]
        if received is None:
            continue
        if due is not None and due.date() < received.date():
            problems.error(
                n, h("due_at"), _when(due), _("the due date is before the date received")
            )
        for name, value in (("finished_at", fin), ("returned_at", ret)):
            if value is not None and value < received:
                problems.error(n, h(name), _when(value), _("this date is before the date received"))
        if status == "in_progress" and (fin is not None or ret is not None):
            problems.error(
                n,
                h("status"),
                "Đang xử lý",
                _("the dossier is 'Đang xử lý' (in progress) but has a date finished or returned"),
            )
        if status in FINISHED_STATUSES and fin is None and ret is None:
            problems.error(
                n, h("finished_at"), None, _("the dossier is finished but has no date finished")
            )
        k, req = rec["supplement_requests"], rec["supplement_requested_at"]
        if k and req is None:
            problems.error(
                n,
                h("supplement_requested_at"),
                None,
                _("a supplement was requested but the date of the request is missing"),
            )
        if not k and req is not None and k is not None:
            problems.error(
                n,
                h("supplement_requests"),
                k,
                _("a date of a supplement request, but the number of requests is 0"),
            )
        if req is not None and req < received:
            problems.error(
                n,
                h("supplement_requested_at"),
                _when(req),
                _("the supplement request is dated before the date received"),
            )
        if rec["paid_online"] and not rec["fee"]:
            problems.error(
                n,
                h("paid_online"),
                "Có",
                _("the dossier has no fee but is marked as paid online"),
            )
        if rec["phone"] and not re.fullmatch(r"\+?[\d .-]{8,15}", rec["phone"]):
            problems.warn(
                n,
                h("phone"),
                None,
                _("the phone number is not well formed (the value is not shown)"),
            )


def _check_decisions(records: list[dict], problems: Problems, resolver, headers) -> None:
    def h(name: str) -> str:
        return headers.get(name) or next(c.label for c in columns(DECISIONS) if c.name == name)

    _resolve(records, "advising_unit", problems, resolver, h("advising_unit"))
    first: dict[tuple, int] = {}
    for rec in records:
        n = rec["_row"]
        key = (rec["ministry_decision"], rec["decision_number"] or "")
        if key in first:
            problems.error(
                n,
                h("ministry_decision"),
                key[0],
                _("this decision is already on row {row}").format(row=first[key]),
            )
        first.setdefault(key, n)
        if rec["decision_number"] and rec["decision_date"] is None:
            problems.error(
                n,
                h("decision_date"),
                None,
                _("a publication decision number without the decision's date"),
            )
        if rec["published_at"] is not None and rec["decision_date"] is None:
            problems.error(
                n, h("published_at"), None, _("published, but the publication decision has no date")
            )
        if (
            rec["published_at"] is not None
            and rec["decision_date"] is not None
            and rec["published_at"] < rec["decision_date"]
        ):
            problems.error(
                n,
                h("published_at"),
                _when(rec["published_at"]),
                _("the publication date is before the decision's date"),
            )


_TS = "datetime64[us]"


def _conform(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Dtypes as stored: timestamps datetime64[us], dates as datetime.date objects, booleans,
    int32 counts, text as object (None for blank)."""
    out = frame.drop(columns=["_row"]).copy()
    for spec in columns(kind):
        col = spec.name
        if spec.type == "datetime":
            out[col] = pd.to_datetime(pd.Series(out[col], dtype=object)).astype(_TS)
        elif spec.type == "bool":
            out[col] = out[col].astype(bool)
        elif spec.type == "count":
            out[col] = out[col].fillna(0).astype("int32")
        elif spec.type == "days":
            out[col] = pd.array(out[col], dtype="Int32")
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    if kind == DOSSIERS:
        out = out.drop(columns=["unit"]).rename(columns={"unit_name": "unit"})
    if kind == DECISIONS:
        out = out.drop(columns=["advising_unit"]).rename(columns={"unit_name": "advising_unit"})
    for col in ("unit_id", "unit", "advising_unit", "level"):
        if col in out.columns and kind != PROCEDURES:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out.reset_index(drop=True)


EXPORT_KINDS = (DOSSIERS, PROCEDURES, DECISIONS)

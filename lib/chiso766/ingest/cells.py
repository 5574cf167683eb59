"""Raw cells of a CSV or XLSX file, read defensively: any file an analyst may hand over
(damaged, password-protected, a renamed binary, formulas never calculated, a giant cell) ends
in an :class:`~chiso766.ingest.errors.IngestError` naming the file and the place."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

from chiso766.i18n import N_, _
from chiso766.ingest.errors import IngestError, Problem

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML, or an old .xls
ZIP_MAGIC = b"PK\x03\x04"
MAX_BYTES = 50 * 1024 * 1024
FIELD_LIMIT = csv.field_size_limit()
MAX_FORMULA_CELLS = 20
MAX_UNPACKED = 200 * 1024 * 1024

MSG_TYPE = N_("unsupported file type; use .csv or .xlsx")
MSG_TOO_BIG = N_("the file is larger than {mb} MB; split it")
MSG_NOT_UTF8 = N_("the file is not UTF-8 text; save it as 'CSV UTF-8'")
MSG_NUL = N_("the file holds NUL bytes (it is binary, or damaged): save it again as 'CSV UTF-8'")
MSG_FIELD = N_(
    "a cell longer than {limit} characters (the table is damaged or not a table); "
    "the CSV reader says: {reason}"
)
MSG_CSV = N_("the CSV cannot be read ({reason})")
MSG_PROTECTED = N_(
    "the file is password-protected (or an old .xls workbook): remove the password, or save "
    "it as .xlsx, and ingest it again"
)
MSG_NOT_XLSX = N_(
    "not an XLSX workbook (the file is damaged or of another type): open it in Excel and "
    "save it as .xlsx"
)
MSG_UNPACKED = N_(
    "the workbook unpacks to more than {mb} MB (a damaged or hostile file); open it in Excel, "
    "keep only the table and save it again"
)
MSG_BAD_XLSX = N_("the XLSX workbook cannot be read ({reason}): open it in Excel and save it again")
MSG_BAD_ROW = N_(
    "a cell of this row cannot be read ({reason}); a number cell may hold text such as "
    "'nan': correct it in Excel and save the file again"
)
MSG_NO_SHEET = N_("no sheet named '{sheet}' (sheets: {sheets})")
MSG_EMPTY_BOOK = N_("the workbook has no sheet")
MSG_FORMULA = N_(
    "a formula without a saved value: open the file in Excel and save it (Excel stores the "
    "computed values), then ingest it again"
)
MSG_MORE_FORMULAS = N_("{n} more cells with formulas without saved values")


def _fail(path: Path, problem: str, value=None, row=None, column=None) -> IngestError:  # noqa: ANN001
    return IngestError([Problem(str(path), row, column, value, problem)])


def read_rows(path: Path, sheet: str | None = None) -> list[list]:
    """Raw cells of a CSV (UTF-8, delimiter sniffed) or of one XLSX sheet (the first by
    default); numbers an XLSX stores as NaN or infinity come back as text, to be refused."""
    suffix = path.suffix.lower()
    if suffix not in XLSX_SUFFIXES + CSV_SUFFIXES:
        raise _fail(path, _(MSG_TYPE), path.suffix)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise _fail(path, _(MSG_TOO_BIG).format(mb=MAX_BYTES // (1024 * 1024)))
    if suffix in XLSX_SUFFIXES:
        return _xlsx_rows(path, sheet)
    return _csv_rows(path)


def _csv_rows(path: Path) -> list[list]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(path, _(MSG_NOT_UTF8)) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _fail(path, _(MSG_NUL), row=line)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[list] = []
    try:
        for row in reader:
            rows.append(row)  # the reader gives a new list per row
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            problem = _(MSG_FIELD).format(limit=FIELD_LIMIT, reason=message)
        else:
            problem = _(MSG_CSV).format(reason=message)
        raise _fail(path, problem, row=reader.line_num) from None
    return rows


def _xlsx_rows(path: Path, sheet: str | None) -> list[list]:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise _fail(path, _(MSG_PROTECTED))
    if not head.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(path):
        raise _fail(path, _(MSG_NOT_XLSX))
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(path, _(MSG_BAD_XLSX).format(reason=_reason(exc))) from None
    if unpacked > MAX_UNPACKED:
        raise _fail(path, _(MSG_UNPACKED).format(mb=MAX_UNPACKED // (1024 * 1024)))
    values = _load_sheet(path, sheet, data_only=True)
    formulas = _load_sheet(path, sheet, data_only=False)
    _refuse_formulas_without_values(path, values, formulas)
    return [[_cell(v) for v in row] for row in values]


def _load_sheet(path: Path, sheet: str | None, data_only: bool) -> list[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a damaged file
        raise _fail(path, _(MSG_BAD_XLSX).format(reason=_reason(exc))) from None
    try:
        if not wb.sheetnames:
            raise _fail(path, _(MSG_EMPTY_BOOK))
        if sheet and sheet not in wb.sheetnames:
            raise _fail(
                path, _(MSG_NO_SHEET).format(sheet=sheet, sheets=", ".join(wb.sheetnames)), sheet
            )
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows: list[list] = []
        try:
            for row in ws.iter_rows(values_only=True):
                rows.append(list(row))
        except Exception as exc:  # noqa: BLE001 - a damaged sheet part or cell
            problem = _(MSG_BAD_ROW).format(reason=_reason(exc))
            raise _fail(path, problem, row=len(rows) + 1) from None
        return rows
    finally:
        wb.close()


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _refuse_formulas_without_values(path: Path, values: list[list], formulas: list[list]) -> None:
    from openpyxl.utils import get_column_letter

    missing: list[tuple[int, int, str]] = []
    for r, row in enumerate(formulas, start=1):
        for c, cell in enumerate(row, start=1):
            if not (isinstance(cell, str) and cell.startswith("=")):
                continue
            kept = (
                values[r - 1][c - 1] if r - 1 < len(values) and c - 1 < len(values[r - 1]) else None
            )
            if kept is None:
                missing.append((r, c, cell))
    if not missing:
        return
    problems = [
        Problem(str(path), r, f"cell {get_column_letter(c)}{r}", formula, _(MSG_FORMULA))
        for r, c, formula in missing[:MAX_FORMULA_CELLS]
    ]
    if len(missing) > MAX_FORMULA_CELLS:
        more = _(MSG_MORE_FORMULAS).format(n=len(missing) - MAX_FORMULA_CELLS)
        problems.append(Problem(str(path), None, None, None, more))
    raise IngestError(problems)


def _value_at(rows: list[list], r: int, c: int):  # noqa: ANN202
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def _cell(value):  # noqa: ANN001, ANN202
    """A float an XLSX stores as NaN or infinity is returned as its text ('nan', 'inf')."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value

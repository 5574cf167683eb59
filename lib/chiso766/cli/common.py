"""Options and output shared by the `chiso766` commands: one vocabulary (``--store FILE``,
``-m/--methodology NAME``, ``-f/--format FORMAT``, ``--excel``), and one way to print a table
(Vietnamese headers and values for people; English keys and codes in JSON for scripts)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from chiso766.i18n import N_, _
from chiso766.ingest.errors import Problem

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="FILE",
        help=_("the store file (default: $CHISO766_STORE, else data/chiso766.duckdb)"),
    ),
]
MethodOpt = Annotated[
    str,
    typer.Option(
        "--methodology",
        "-m",
        metavar="NAME",
        help=_("methodology: auto (by the data's date), portal-2026 or qd766-2022"),
    ),
]
ExcelOpt = Annotated[
    bool,
    typer.Option(
        "--excel",
        help=_(
            "with --format csv: a CSV for Excel with Vietnamese settings (UTF-8 BOM, ';' "
            "between columns, decimal comma, whole numbers without decimals)"
        ),
    ),
]
TABLE, JSON, CSV = "table", "json", "csv"
FORMATS = (TABLE, JSON, CSV)


def format_option(choices: Sequence[str] = FORMATS) -> Any:
    """The ``-f/--format FORMAT`` option offering ``choices``."""
    return typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=_("output: {choices}").format(choices=", ".join(choices)),
    )


FormatOpt = Annotated[str, format_option()]

#: column headers of tables shown to people (JSON keeps the English keys)
COLUMN_LABELS: dict[str, str] = {
    "unit": N_("Unit"),
    "level": N_("Level"),
    "total": N_("Total"),
    "class": N_("Class"),
    "rank": N_("Rank"),
    "of": N_("Ranked"),
    "old": N_("Before"),
    "new": N_("Now"),
    "delta": N_("Change"),
    "status": N_("Movement"),
    "old_rank": N_("Rank before"),
    "new_rank": N_("Rank now"),
    "rank_change": N_("Rank change"),
    "snapshot": N_("Snapshot"),
    "scope": N_("Scope"),
    "code": N_("Code"),
    "kind": N_("Kind"),
    "value": N_("Value"),
    "current": N_("Current"),
    "source": N_("Source"),
    "recorded_at": N_("Recorded at"),
}
LEVEL_LABELS: dict[str, str] = {
    "province": N_("Province"),
    "department": N_("Department"),
    "district": N_("District"),
    "commune": N_("Commune"),
    "branch": N_("Branch"),
}
STATUS_LABELS: dict[str, str] = {
    "rose": N_("Rose"),
    "fell": N_("Fell"),
    "unchanged": N_("Unchanged"),
    "held_max": N_("Held at the maximum"),
    "new": N_("New"),
    "gone": N_("Gone"),
    "no_data": N_("No data"),
}
SCOPE_LABELS: dict[str, str] = {
    "total": N_("total"),
    "group": N_("group"),
    "indicator": N_("indicator"),
    "rank": N_("rank"),
    "count": N_("count"),
}
KIND_LABELS: dict[str, str] = {
    "points": N_("points"),
    "rate": N_("rate (%)"),
    "rank": N_("rank"),
    "count": N_("count"),
}
#: value labels per column
VALUE_LABELS: dict[str, dict[str, str]] = {
    "level": LEVEL_LABELS,
    "status": STATUS_LABELS,
    "scope": SCOPE_LABELS,
    "kind": KIND_LABELS,
}
#: columns shown with a sign (+2,48 / −5,97)
SIGNED = frozenset({"delta", "rank_change"})


def fail(message: str, code: int = 1) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def check_format(fmt: str, choices: Sequence[str] = FORMATS) -> str:
    """``fmt`` if it is one of ``choices``; else exit with a message naming them."""
    if fmt not in choices:
        fail(
            _("unknown format '{fmt}' (use {choices})").format(fmt=fmt, choices=", ".join(choices))
        )
    return fmt


def print_problems(problems: list[Problem], title: str) -> None:
    """A title, then one line per problem (file, row, column or field, value, what is wrong)."""
    typer.echo(title, err=True)
    for p in problems:
        typer.echo(f"  - {p.line()}", err=True)


def print_warnings(problems: list[Problem]) -> None:
    """Each warning on its own line, marked as a warning."""
    for p in problems:
        typer.echo(_("warning: {problem}").format(problem=p.line()), err=True)


def label(column: str) -> str:
    """A column's header as people read it."""
    return _(COLUMN_LABELS[column]) if column in COLUMN_LABELS else column


def shown_value(column: str, value: Any) -> Any:
    """A value as people read it: levels, statuses, scopes, kinds and yes/no in words."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    words = VALUE_LABELS.get(column)
    if words and isinstance(value, str) and value in words:
        return _(words[value])
    return value


def people_frame(records: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    """``records`` as a frame with the values in words (headers still the keys)."""
    frame = pd.DataFrame(records, columns=list(columns))
    for col in frame.columns:
        if col in VALUE_LABELS or frame[col].map(lambda v: isinstance(v, bool)).any():
            frame[col] = [shown_value(col, v) for v in frame[col]]
    return frame


def _table_cell(column: str, value: Any) -> str:
    from chiso766.formatting import fmt_number, fmt_signed

    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if column in SIGNED:
            return fmt_signed(value).replace("-", "\u2212")
        return fmt_number(value)
    return str(value)


def emit(
    records: list[dict],
    fmt: str,
    columns: Sequence[str],
    *,
    excel: bool = False,
    stream=None,  # noqa: ANN001 - a text stream (stdout by default)
) -> None:
    """Print ``records``: ``json`` (English keys and codes, numbers as numbers), ``csv``
    (Vietnamese headers and words, formula-safe; ``excel``: for Excel with Vietnamese settings)
    or ``table`` (aligned, Vietnamese numbers)."""
    out = stream or sys.stdout
    if fmt == JSON:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return
    frame = people_frame(records, columns)
    if fmt == CSV:
        from chiso766.exports import write_csv, write_excel_csv

        frame = whole_numbers(frame)
        frame.columns = [label(c) for c in frame.columns]
        (write_excel_csv if excel else write_csv)(frame, out)
        return
    if fmt != TABLE:
        check_format(fmt)
    if frame.empty:
        typer.echo(_("(no rows)"))
        return
    shown = pd.DataFrame(
        {label(c): [_table_cell(c, v) for v in frame[c]] for c in frame.columns}, dtype=object
    )
    typer.echo(shown.to_string(index=False))


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers (ranks, counts) as integers (1, not 1.0)."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype.kind == "f" and s.notna().any() and (s.dropna() % 1 == 0).all():
            out[col] = s.astype("Int64")
        elif s.dtype == object:
            nums = [v for v in s if isinstance(v, float) and not pd.isna(v)]
            if nums and all(isinstance(v, int | float) or v is None for v in s.dropna()):
                if all(v % 1 == 0 for v in nums):
                    out[col] = pd.array(
                        [None if v is None or pd.isna(v) else int(v) for v in s], dtype="Int64"
                    )
    return out


def open_read_only(store: Path | None):  # noqa: ANN201 - a Store
    """The store, read only; exits with the store's message if it cannot be opened."""
    from chiso766.store import Store, StoreError, default_store_path

    try:
        return Store(store or default_store_path(), read_only=True)
    except StoreError as exc:
        fail(str(exc))
        raise  # pragma: no cover


def mapping_text(items: Mapping[str, Any], sep: str = " · ") -> str:
    """'a 1 · b 2' from a mapping."""
    return sep.join(f"{k} {v}" for k, v in items.items())


def helps(text: str):  # noqa: ANN201 - a decorator
    """Give a command its help (``text`` marked with ``N_``; shown translated)."""

    def deco(func):  # noqa: ANN001, ANN202
        func.__doc__ = text
        return func

    return deco


def add_command(app: typer.Typer, func, name: str | None = None) -> None:  # noqa: ANN001
    """Register ``func`` as a command with its help in the current language (the list of
    commands shows the help's first sentence)."""
    text = _(func.__doc__) if func.__doc__ else ""
    first = text.split(". ")[0].split(": ")[0].rstrip(".")
    app.command(name, help=text, short_help=first)(func)

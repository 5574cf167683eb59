"""Ingest problems as data: every failing cell is one row (file, row, column, value, problem)."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field

import pandas as pd

from chiso766.i18n import _, ngettext


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    problem: str
    severity: str = "error"

    def where(self) -> str:
        """'file, row 3, column 'Tổng điểm'' (a JSON file's place is a field)."""
        table = self.file.lower().endswith((".csv", ".txt", ".tsv", ".xlsx", ".xlsm"))
        label = _("column") if table else _("field")
        if self.column and self.column.startswith("cell "):
            label = ""
        parts = [
            self.file,
            _("row {n}").format(n=self.row) if self.row is not None else "",
            (f"{label} '{self.column}'" if label else self.column) if self.column else "",
        ]
        return ", ".join(x for x in parts if x)

    def line(self) -> str:
        """The problem as one line of a list: place, what is wrong, the value."""
        value = (
            _(" [value: '{value}']").format(value=self.value)
            if self.value not in (None, "")
            else ""
        )
        return f"{self.where()}: {self.problem}{value}"


@dataclass
class Problems:
    """Collects problems while a file is read; raise at the end if any is an error."""

    file: str
    items: list[Problem] = field(default_factory=list)

    def error(self, row: int | None, column: str | None, value, problem: str) -> None:
        self.items.append(Problem(self.file, row, column, _show(value), problem))

    def warn(self, row: int | None, column: str | None, value, problem: str) -> None:
        self.items.append(Problem(self.file, row, column, _show(value), problem, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise IngestError(self.errors, self.warnings)


def _show(value) -> str | None:
    """A value as a message shows it: at most 80 characters, invisible controls (direction
    overrides, NUL…) written as <U+202E> so the terminal shows what is there."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "…"
    return "".join(f"<U+{ord(c):04X}>" if _invisible(c) else c for c in text)


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf") and ch not in " "


def nothing_stored(n: int) -> str:
    """'3 problems; nothing was stored:' in the current language."""
    return ngettext(
        "{n} problem; nothing was stored:", "{n} problems; nothing was stored:", n
    ).format(n=n)


def problems_title(n: int) -> str:
    """'3 problems:' in the current language."""
    return ngettext("{n} problem:", "{n} problems:", n).format(n=n)


class IngestError(Exception):
    """A file that cannot be ingested; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        super().__init__(self.summary())

    def table(self) -> pd.DataFrame:
        """The problems as a table an analyst can read (file, row, column, value, problem)."""
        cols = ["file", "row", "column", "value", "problem"]
        return pd.DataFrame([asdict(p) for p in self.problems], columns=cols + ["severity"])[cols]

    def summary(self) -> str:
        lines = [nothing_stored(len(self.problems))]
        for p in self.problems:
            lines.append(f"  - {p.line()}")
        return "\n".join(lines)

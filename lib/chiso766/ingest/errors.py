"""Ingest problems as data: every failing cell is one row (file, row, column, value, problem)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    problem: str
    severity: str = "error"


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
    if value is None:
        return None
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


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
        lines = [f"{len(self.problems)} problem(s); nothing was stored:"]
        for p in self.problems:
            where = ", ".join(
                s
                for s in (
                    p.file,
                    f"row {p.row}" if p.row is not None else "",
                    f"column '{p.column}'" if p.column else "",
                )
                if s
            )
            value = f" [value: '{p.value}']" if p.value not in (None, "") else ""
            lines.append(f"  - {where}: {p.problem}{value}")
        return "\n".join(lines)

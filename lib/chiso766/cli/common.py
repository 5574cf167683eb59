"""Options and helpers shared by the `chiso766` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chiso766.ingest.errors import Problem

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="DuckDB store file (default: $CHISO766_STORE or data/)"),
]
MethodOpt = Annotated[
    str, typer.Option("--methodology", "-m", help="catalogue: auto, portal-2026, qd766-2022")
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]


def fail(message: str, code: int = 1) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def print_problems(problems: list[Problem], title: str) -> None:
    """A title, then one line per problem (file, row, column or field, value, what is wrong)."""
    typer.echo(title, err=True)
    for p in problems:
        typer.echo(f"  - {p.line()}", err=True)

"""The ``chiso766`` command: one module per command group (:mod:`.data`, :mod:`.report`,
:mod:`.portal`), options shared in :mod:`.common`."""

from __future__ import annotations

import typer

from chiso766.cli import data, dossiers, portal, report

app = typer.Typer(
    help="Chỉ số 766 Workbook: ingest, score, compare and publish the Bộ chỉ số 766.",
    no_args_is_help=True,
    add_completion=False,
)
data.register(app)
report.register(app)
portal.register(app)
dossiers.register(app)


def main() -> None:
    """Entry point of the console script."""
    app()


__all__ = ["app", "main"]

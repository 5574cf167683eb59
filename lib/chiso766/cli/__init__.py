"""The ``chiso766`` command: one module per command group (:mod:`.data`, :mod:`.report`,
:mod:`.portal`), options shared in :mod:`.common`, and one top-level handler (:func:`main`)
that turns any unexpected exception into a short message and a log file (:mod:`.crash`)."""

from __future__ import annotations

import sys

import typer

from chiso766.cli import data, dossiers, portal, report
from chiso766.cli.crash import DEBUG_FLAG, handle_unexpected, wants_debug
from chiso766.ingest.errors import IngestError
from chiso766.store import StoreError

app = typer.Typer(
    help="Chỉ số 766 Workbook: ingest, score, compare and publish the Bộ chỉ số 766.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    debug: bool = typer.Option(
        False, DEBUG_FLAG, help="show the full error (traceback) of an unexpected failure"
    ),
) -> None:
    """Chỉ số 766 Workbook: ingest, score, compare and publish the Bộ chỉ số 766."""


data.register(app)
report.register(app)
portal.register(app)
dossiers.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: never a traceback unless ``--debug`` is given."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = wants_debug(args)
    args = [a for a in args if a != DEBUG_FLAG]
    try:
        app(args=args, prog_name="chiso766")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing more was done", err=True)
        raise SystemExit(130) from None
    except (StoreError, IngestError) as exc:  # expected failures a command did not catch
        typer.echo(str(exc), err=True)
        raise SystemExit(1) from None
    except BaseException as exc:  # noqa: BLE001 - the one place that catches everything
        raise SystemExit(handle_unexpected(exc, args, debug)) from None


__all__ = ["app", "main"]

"""The Typer app of the ``chiso766`` command: global options (``--version``, ``--lang``,
``--debug``) and every command group."""

from __future__ import annotations

from typing import Annotated

import typer

from chiso766.cli import alerts, data, dossiers, framework, portal, report, scores
from chiso766.cli.crash import DEBUG_FLAG
from chiso766.i18n import _, set_language

framework.install()
app = typer.Typer(
    help=_("Chỉ số 766 Workbook: ingest, score, compare and publish the Bộ chỉ số 766."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["--help", "-h"]},
)


def version() -> str:
    """The installed version of the workbook."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("chiso766")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "0+unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"chiso766 {version()}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help=_("show the version and exit"),
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help=_("language of the messages: vi (default) or en; also $CHISO766_LANG"),
        ),
    ] = None,
    debug: Annotated[
        bool,
        typer.Option(
            DEBUG_FLAG, help=_("show the full error (traceback) of an unexpected failure")
        ),
    ] = False,
) -> None:
    """Chỉ số 766 Workbook: ingest, score, compare and publish the Bộ chỉ số 766."""
    if lang:
        try:
            set_language(lang)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--lang") from None


def expected_errors() -> tuple[type[BaseException], ...]:
    """Failures that are the user's to fix: printed as one line, never as a crash."""
    from chiso766.ingest.errors import IngestError
    from chiso766.store import StoreError

    return (StoreError, IngestError)


data.register(app)
scores.register(app)
report.register(app)
alerts.register(app)
portal.register(app)
dossiers.register(app)

__all__ = ["app", "version"]

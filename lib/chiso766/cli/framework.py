"""Typer's own texts in the analyst's language, and its help in plain words.

Typer 0.29 carries its own copy of click (``typer._click``) whose usage line, ``--help``
line and command-line errors are English literals, and prints arguments as ``{NAME}`` with
their Python type (``<str>``, ``<list[Path]>``). :func:`install` adjusts those few places, once
per process: the usage prefix, the help option, the section titles, the error and hint lines,
and the common usage errors (missing argument, unknown option, extra argument, invalid
value) — each through the catalogue. Any of these Typer may change is skipped, leaving its
English text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from chiso766.i18n import N_, _

#: the texts Typer itself passes through gettext (kept here for the catalogue)
TYPER_TEXTS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Aborted!"),
    N_("(dynamic)"),
)

#: usage errors of Typer's click, as patterns → the message in the current language
_ERRORS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"^Missing argument '(?P<name>.+)'\.$"),
        lambda m: _("Missing argument '{name}'.").format(name=m["name"]),
    ),
    (
        re.compile(r"^Missing option '(?P<name>.+)'\.$"),
        lambda m: _("Missing option '{name}'.").format(name=m["name"]),
    ),
    (
        re.compile(r"^No such option: (?P<name>\S+)(?: \(Possible options: (?P<near>.+)\))?$"),
        lambda m: (
            _("No such option: {name}").format(name=m["name"])
            + (_(" (did you mean: {near}?)").format(near=m["near"]) if m["near"] else "")
        ),
    ),
    (
        re.compile(r"^Got unexpected extra argument\(s\) \((?P<args>.+)\)$"),
        lambda m: _("Unexpected extra argument(s) ({args})").format(args=m["args"]),
    ),
    (
        re.compile(r"^Invalid value for (?P<name>.+?): (?P<problem>.+)$", re.S),
        lambda m: _("Invalid value for {name}: {problem}").format(
            name=m["name"], problem=m["problem"]
        ),
    ),
    (
        re.compile(r"^Option '(?P<name>.+)' requires an argument\.$"),
        lambda m: _("Option '{name}' requires a value.").format(name=m["name"]),
    ),
)


def translate_error(message: str) -> str:
    """A usage error of Typer's click in the current language (unknown ones unchanged)."""
    for pattern, make in _ERRORS:
        m = pattern.match(message)
        if m:
            return make(m)
    return message


def _show_usage_error(self: Any, file: Any = None) -> None:
    from typer._click._compat import get_text_stderr
    from typer._click.utils import echo

    file = file or get_text_stderr()
    ctx = getattr(self, "ctx", None)
    color = None
    if ctx is not None:
        color = ctx.color
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
            hint += "\n"
        echo(f"{ctx.get_usage()}\n{hint}", file=file, color=color)
    message = translate_error(self.format_message())
    echo(_("Error: {message}").format(message=message), file=file, color=color)


def _show_error(self: Any, file: Any = None) -> None:
    from typer._click._compat import get_text_stderr
    from typer._click.utils import echo

    message = _("Error: {message}").format(message=self.format_message())
    echo(message, file=file or get_text_stderr())


def install() -> None:
    """Adjust Typer's texts as the module docstring says (idempotent)."""
    try:
        import typer.core
        from typer._click import decorators, exceptions, formatting
        from typer.core import TyperArgument
    except ImportError:  # pragma: no cover - another Typer: its own texts stay
        return
    if getattr(TyperArgument, "_chiso766", False):
        return
    from chiso766.i18n import gettext

    typer.core._ = gettext  # "Arguments", "Options", "Commands", "required", "default: …"

    usage, kind = TyperArgument._usage_display_name, TyperArgument.display_type_rich

    def _usage(self: TyperArgument) -> str:
        return self.metavar if self.metavar else usage(self)

    def _type(self: TyperArgument, ctx: Any) -> Any:
        return None if self.metavar else kind(self, ctx)

    TyperArgument._usage_display_name = _usage
    TyperArgument.display_type_rich = _type

    write_usage = formatting.HelpFormatter.write_usage

    def _write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage:") + " " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = _write_usage

    help_option = decorators.help_option

    def _help_option(param_decls: list[str]) -> Callable[[Any], Any]:
        attach = help_option(param_decls)

        def wrap(command: Any) -> Any:
            out = attach(command)
            command.params[-1].help = _("Show this message and exit.")
            return out

        return wrap

    decorators.help_option = _help_option
    exceptions.UsageError.show = _show_usage_error
    exceptions.ClickException.show = _show_error
    TyperArgument._chiso766 = True


__all__ = ["install", "translate_error"]

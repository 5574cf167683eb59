"""The ``chiso766`` command: one module per command group (:mod:`.data`, :mod:`.scores`,
:mod:`.report`, :mod:`.portal`, :mod:`.dossiers`, :mod:`.alerts`) gathered in :mod:`.commands`,
options shared in :mod:`.common`, and one top-level handler (:func:`main`) that turns any
unexpected exception into a short message and a log file (:mod:`.crash`).

The language (``--lang vi|en``, else the locale) is chosen before the commands are imported,
so their help is in that language too."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from chiso766.cli.crash import DEBUG_FLAG, handle_unexpected, wants_debug

LANG_FLAG = "--lang"


def take_lang(args: list[str]) -> tuple[str | None, list[str]]:
    """``--lang X`` / ``--lang=X`` anywhere on the command line: (X, the other arguments)."""
    lang, rest, i = None, [], 0
    while i < len(args):
        a = args[i]
        if a == LANG_FLAG and i + 1 < len(args):
            lang, i = args[i + 1], i + 2
            continue
        if a.startswith(LANG_FLAG + "="):
            lang, i = a.split("=", 1)[1], i + 1
            continue
        rest.append(a)
        i += 1
    return lang, rest


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: never a traceback unless ``--debug`` is given."""
    from chiso766 import i18n

    args = list(sys.argv[1:] if argv is None else argv)
    debug = wants_debug(args)
    args = [a for a in args if a != DEBUG_FLAG]
    lang, args = take_lang(args)
    try:
        i18n.use_language(lang)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None
    from chiso766.cli.commands import app, expected_errors

    try:
        app(args=args, prog_name="chiso766")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print(i18n._("interrupted; nothing more was done"), file=sys.stderr)
        raise SystemExit(130) from None
    except expected_errors() as exc:  # expected failures a command did not catch
        print(str(exc), file=sys.stderr)
        raise SystemExit(1) from None
    except BaseException as exc:  # noqa: BLE001 - the one place that catches everything
        raise SystemExit(handle_unexpected(exc, args, debug)) from None


def console() -> NoReturn:
    """The console script (and ``python -m chiso766.cli``): :func:`main`, then the process
    ends without tearing the interpreter down — once a report's libraries are loaded, freeing
    ~1 700 modules one by one takes ~0,4 s and changes nothing. Exit handlers run first
    (threads joined, temporary folders removed, logs flushed), then the standard streams are
    flushed."""
    try:
        main()
        code: int = 0
    except SystemExit as exc:
        code = exit_status(exc.code)
    leave(code)


def exit_status(code: object) -> int:
    """The process status of ``SystemExit(code)``, as the interpreter would make it (a text
    is printed and gives 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def leave(code: int) -> NoReturn:
    """Run the exit handlers, flush the standard streams, end the process with ``code`` (a
    process being profiled, traced or measured for coverage exits the usual way, so its tool
    writes what it gathered)."""
    import atexit
    import os

    if sys.getprofile() is not None or sys.gettrace() is not None:
        raise SystemExit(code)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def __getattr__(name: str) -> Any:
    if name == "app":  # the Typer app, for tests (typer.testing.CliRunner)
        from chiso766.cli.commands import app

        return app
    raise AttributeError(name)


__all__ = ["app", "console", "main"]

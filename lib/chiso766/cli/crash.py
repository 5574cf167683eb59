"""What the command does with an exception nobody expected: a short message on the terminal,
the details in a log file (``data/logs/`` of the project, else the system's temporary folder),
the traceback on the terminal only with ``--debug`` (or ``CHISO766_DEBUG=1``)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path
from zoneinfo import ZoneInfo

from chiso766.i18n import N_, _

DEBUG_FLAG = "--debug"
ENV_DEBUG = "CHISO766_DEBUG"
ENV_LOG_DIR = "CHISO766_LOG_DIR"
EXIT_UNEXPECTED = 1
MAX_SHOWN = 200
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

MSG_UNEXPECTED = N_(
    "unexpected error while running 'chiso766 {command}': {error}\n"
    "  nothing more was done; the details are in {log}\n"
    "  (run the command again with --debug to see them here)"
)
MSG_NO_LOG = N_(
    "unexpected error while running 'chiso766 {command}': {error}\n"
    "  (run the command again with --debug to see the details)"
)


def wants_debug(args: list[str]) -> bool:
    """``--debug`` anywhere on the command line, or ``CHISO766_DEBUG=1``."""
    return DEBUG_FLAG in args or os.environ.get(ENV_DEBUG, "") not in ("", "0")


def log_dirs() -> list[Path]:
    """Where a log may go, in order: $CHISO766_LOG_DIR, <project>/data/logs, the temp dir."""
    from chiso766.store.paths import project_root

    dirs = []
    if os.environ.get(ENV_LOG_DIR):
        dirs.append(Path(os.environ[ENV_LOG_DIR]))
    dirs.append(project_root() / "data" / "logs")
    dirs.append(Path(tempfile.gettempdir()) / "chiso766-logs")
    return dirs


def write_log(exc: BaseException, args: list[str]) -> Path | None:
    """Write the traceback and context to a new log file; its path (None if none could be)."""
    now = dt.datetime.now(LOCAL_TZ)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    text = "".join(
        [
            f"chiso766 {' '.join(args)}\n",
            f"time: {now.isoformat(timespec='seconds')}\n",
            f"python: {sys.version.split()[0]} on {platform.platform()}\n",
            f"cwd: {os.getcwd()}\n\n",
            *traceback.format_exception(type(exc), exc, exc.__traceback__),
        ]
    )
    for folder in log_dirs():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"chiso766-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def short(exc: BaseException) -> str:
    """'ValueError: …' on one line, at most MAX_SHOWN characters."""
    text = " ".join(str(exc).split())
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def handle_unexpected(exc: BaseException, args: list[str], debug: bool) -> int:
    """Report ``exc`` as the module docstring says; the exit status to use."""
    command = " ".join(args)
    if len(command) > MAX_SHOWN:
        command = command[: MAX_SHOWN - 1] + "…"
    log = write_log(exc, args)
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    message = _(MSG_UNEXPECTED) if log else _(MSG_NO_LOG)
    try:
        print(message.format(command=command, error=short(exc), log=log), file=sys.stderr)
    except (OSError, ValueError):  # stderr closed: the log has it
        pass
    return EXIT_UNEXPECTED

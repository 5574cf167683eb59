"""Open the store's DuckDB file, or say plainly why it cannot be opened.

A file that is not a DuckDB database, a folder, or a database of another program is refused
before DuckDB touches it. A store another process is writing is waited for (a bounded time,
``$CHISO766_STORE_WAIT`` seconds, 10 by default), then refused as in use.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

from chiso766.i18n import N_, _

ENV_WAIT = "CHISO766_STORE_WAIT"
DEFAULT_WAIT = 10.0
# A DuckDB file: an 8-byte checksum, then the magic bytes
MAGIC, MAGIC_AT = b"DUCK", 8

MSG_IS_DIR = N_("{path} is a folder, not a store file; give a file with --store")
MSG_NOT_DUCKDB = N_("{path} is not a chiso766 store (not a DuckDB file); give another --store")
MSG_UNREADABLE = N_("cannot read the store {path} ({reason})")
MSG_BUSY = N_(
    "the store is in use by another process ({path}); waited {seconds:g} s — try again when "
    "it has finished"
)
MSG_DAMAGED = N_("cannot open the store {path}: it is damaged or was written by another version")


class StoreError(RuntimeError):
    """A store operation that cannot be done (e.g. an undated snapshot)."""


class StoreBusy(StoreError):
    """Another process holds the store's lock for longer than we wait."""


def wait_seconds() -> float:
    """How long to wait for a store another process is writing."""
    try:
        return max(0.0, float(os.environ.get(ENV_WAIT, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def check_file(path: Path) -> None:
    """Refuse a folder, or a file that does not begin like a DuckDB database."""
    if path.is_dir():
        raise StoreError(_(MSG_IS_DIR).format(path=path))
    if not path.exists():
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(MAGIC_AT + len(MAGIC))
    except OSError as exc:
        raise StoreError(_(MSG_UNREADABLE).format(path=path, reason=exc.strerror or exc)) from None
    if head[MAGIC_AT:] != MAGIC:
        raise StoreError(_(MSG_NOT_DUCKDB).format(path=path))


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def _no_progress_bar(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB draws a progress bar on the terminal for long statements: not in our output
    (nor in cron mail) — the command's own progress line says what is going on. In a notebook
    DuckDB has none to turn off (and refuses the setting without ipywidgets)."""
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass


def connect(path: Path, read_only: bool, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the store file, waiting up to ``wait`` seconds for another writer."""
    check_file(path)
    wait = wait_seconds() if wait is None else wait
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            _no_progress_bar(con)
            return con
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc):
                if "not a valid DuckDB database" in str(exc):
                    raise StoreError(_(MSG_NOT_DUCKDB).format(path=path)) from None
                raise StoreError(_(MSG_DAMAGED).format(path=path)) from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(_(MSG_BUSY).format(path=path, seconds=wait)) from None
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.5)

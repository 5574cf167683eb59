"""A progress line for long commands (ingest, fetch): one line on a terminal, rewritten in
place with what is being done and the time elapsed; nothing at all when stderr is not a
terminal (cron mail, pipes, tests), where the command's own summary lines say what happened."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"


class Activity:
    """``with Activity() as a: a.say("…")``: the current step, with a ticking clock."""

    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def __init__(
        self, stream: TextIO | None = None, tty: bool | None = None, interval: float = 0.25
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.tty = self.stream.isatty() if tty is None else tty
        except (AttributeError, ValueError):
            self.tty = False
        self.interval = interval
        self.text = ""
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frame = 0

    def __enter__(self) -> Activity:
        if self.tty:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def say(self, text: str) -> None:
        """Show ``text`` as the step now under way."""
        with self._lock:
            self.text = text
        self._draw()

    def count(self, done: int, total: int, text: str) -> None:
        """Show ``[done/total] text``."""
        self.say(f"[{done}/{total}] {text}")

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def _draw(self) -> None:
        if not self.tty:
            return
        with self._lock:
            self._frame = (self._frame + 1) % len(self.FRAMES)
            line = (
                f"{self.FRAMES[self._frame]} {self.text} {_clock(time.monotonic() - self.started)}"
            )
            try:
                self.stream.write("\r\x1b[2K" + line[:200])
                self.stream.flush()
            except (OSError, ValueError):
                self.tty = False

    def close(self) -> None:
        """Stop the clock and clear the line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
            self._thread = None
        if self.tty:
            with self._lock:
                try:
                    self.stream.write("\r\x1b[2K")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass


__all__ = ["Activity"]

"""Progress of a batch: one updating line on a terminal, plain lines in a cron log (no escape
codes when output is not a terminal), and a summary at the end."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from chiso766.i18n import N_, _

#: the word of a plain (not terminal) progress line per outcome
WORDS = {"published": N_("ok"), "unchanged": N_("unchanged"), "failed": N_("FAILED")}


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"


def _secs(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",") + " s"


class Progress:
    """Counts reports as they finish: done, unchanged, failed, remaining, elapsed."""

    def __init__(self, total: int, stream: TextIO | None = None, tty: bool | None = None):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.done = self.unchanged = self.failed = 0
        self._lock = threading.Lock()

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.unchanged - self.failed

    def status(self) -> str:
        return _(
            "{done} rendered · {unchanged} unchanged · {failed} failed · {remaining} remaining · "
            "{clock}"
        ).format(
            done=self.done,
            unchanged=self.unchanged,
            failed=self.failed,
            remaining=self.remaining,
            clock=_clock(time.monotonic() - self.started),
        )

    def update(self, name: str, outcome: str, seconds: float = 0.0, detail: str = "") -> None:
        """One report finished: ``outcome`` is "published", "unchanged" or "failed"."""
        with self._lock:
            if outcome == "published":
                self.done += 1
            elif outcome == "unchanged":
                self.unchanged += 1
            else:
                self.failed += 1
            n = self.total - self.remaining
            width = len(str(self.total))
            if self.tty:
                line = f"\r\x1b[2K[{n:>{width}}/{self.total}] {self.status()}"
                if outcome == "failed":
                    line = f"\r\x1b[2K{_('FAILED')} {name}: {detail}\n" + line[1:]
                self.stream.write(line)
            else:
                word = _(WORDS.get(outcome, WORDS["failed"]))
                extra = f" ({_secs(seconds)})" if outcome == "published" else ""
                extra += f": {detail}" if detail else ""
                self.stream.write(f"[{n:>{width}}/{self.total}] {word} {name}{extra}\n")
            self.stream.flush()

    def finish(self) -> str:
        """End the updating line; the summary line (also returned)."""
        elapsed = time.monotonic() - self.started
        summary = _(
            "{total} report(s): {done} rendered, {unchanged} unchanged, {failed} failed in "
            "{seconds}"
        ).format(
            total=self.total,
            done=self.done,
            unchanged=self.unchanged,
            failed=self.failed,
            seconds=_secs(elapsed),
        )
        with self._lock:
            if self.tty and self.total:
                self.stream.write("\r\x1b[2K")
            self.stream.flush()
        return summary


__all__ = ["Progress"]

"""Python's cycle collector paused while a large table is read or stored.

Reading 200 000 rows creates millions of small objects (cells, rows, strings) and no
cycles; the collector, triggered by every 700 new objects, walked them all again and again
(about a second of a 200 000-row ingest). Pausing it changes no result; the previous state
is restored, and a collection is left to its next natural turn.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cycle collector disabled (re-enabled after, if it was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_collector(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate ``fn`` to run under :func:`collector_paused`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return fn(*args, **kwargs)

    return wrapper

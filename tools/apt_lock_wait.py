"""Wait, at most ``APT_WAIT`` seconds (argument 1, 300 by default), until no apt or dpkg holds
its lock, so that ``make setup`` waits for an unattended upgrade instead of failing at once.

apt and dpkg lock with fcntl (POSIX record locks): a lock is held if ours cannot be taken.
``$APT_LOCKS`` (colon-separated) names other lock files (for tests).
Exit 0 when the locks are free (or cannot be inspected: apt's own timeout then applies), 1 when
one is still held at the end."""

from __future__ import annotations

import fcntl
import os
import sys
import time

LOCKS = (
    "/var/lib/dpkg/lock-frontend",
    "/var/lib/dpkg/lock",
    "/var/lib/apt/lists/lock",
    "/var/cache/apt/archives/lock",
)


def held(path: str) -> bool:
    """Whether another process holds the lock file ``path``."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:  # absent, or not ours to open: nothing to wait for here
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def main(argv: list[str]) -> int:
    wait = float(argv[1]) if len(argv) > 1 else 300.0
    locks = tuple(p for p in os.environ.get("APT_LOCKS", "").split(":") if p) or LOCKS
    deadline = time.monotonic() + wait
    said = False
    while True:
        busy = [p for p in locks if held(p)]
        if not busy:
            return 0
        if time.monotonic() >= deadline:
            print(f"apt is still busy after {wait:g} s ({', '.join(busy)})", file=sys.stderr)
            return 1
        if not said:
            print(f"apt is busy ({', '.join(busy)}): waiting up to {wait:g} s", file=sys.stderr)
            said = True
        time.sleep(2)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

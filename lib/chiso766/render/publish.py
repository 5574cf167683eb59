"""Atomic publishing of a report's folder, one writer at a time, and no temporary left behind.

A report is built in a staging folder beside its place and swapped in whole: a reader sees
the old report or the new one, never a mix of two runs, and a crash leaves the last good one.
On Linux the swap is one ``renameat2(RENAME_EXCHANGE)``; elsewhere the old folder is moved
aside first and put back by :func:`clean_stale` if a run dies in between.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from chiso766.i18n import _
from chiso766.render.errors import RenderError

_STAGING = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<tag>[\w-]+)\.tmp$")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
#: a test hook: the name of a report at which to stop (see tests of killed batches)
ENV_CRASH_AT = "CHISO766_TEST_CRASH_AT"


def _renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_EXCHANGE = _renameat2()


def staging_dir(target: Path) -> Path:
    """A fresh staging folder beside ``target`` (same file system), named so that
    :func:`clean_stale` can tell whose it is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(
        tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    )


def _exchange(a: Path, b: Path) -> bool:
    if _EXCHANGE is None:
        return False
    rc = _EXCHANGE(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def publish_dir(staging: Path, target: Path) -> None:
    """Put ``staging`` in ``target``'s place as one step; the old folder is removed."""
    os.chmod(staging, 0o755)
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # holds the old report now
        return
    aside = target.with_name(f".{target.name}.{os.getpid()}.old.tmp")
    os.rename(target, aside)
    os.rename(staging, target)
    shutil.rmtree(aside, ignore_errors=True)


def write_file_atomic(path: Path, data: bytes) -> None:
    """Write a single file atomically (used for a failed run's notebook beside a report)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(root: Path) -> list[Path]:
    """Remove staging folders and temporary files under ``root`` left by runs that are no
    longer alive; put back a report moved aside by a run that died mid-swap. Returns what was
    removed or restored."""
    done: list[Path] = []
    if not root.is_dir():
        return done
    for path in sorted(root.rglob(".*.tmp")):
        m = _STAGING.match(path.name)
        pid = int(m["pid"]) if m else None
        if pid is not None and _pid_alive(pid):
            continue
        if pid is None and time.time() - path.stat().st_mtime < 3600:
            continue  # someone else's temporary file, recent: leave it
        if m and m["tag"] == "old":
            original = path.with_name(m["name"])
            if not original.exists():
                os.rename(path, original)
                done.append(original)
                continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        done.append(path)
    return done


_PRIVATE = re.compile(r"^chiso766-(?:kernel|chromium)-(?P<pid>\d+)-")


#: a RAM-backed folder for throwaway state, where the system has one
RAM_TEMP = Path("/dev/shm")
#: room it must have left for a browser profile (a few MB) to go there
RAM_TEMP_ROOM = 256 * 2**20


def _ram_temp() -> str | None:
    """:data:`RAM_TEMP` if it is a writable folder with room, else None."""
    try:
        room = shutil.disk_usage(RAM_TEMP).free
    except OSError:
        return None
    if room < RAM_TEMP_ROOM or not os.access(RAM_TEMP, os.W_OK | os.X_OK):
        return None
    return str(RAM_TEMP)


def _private_roots() -> list[Path]:
    roots = [Path(tempfile.gettempdir())]
    ram = _ram_temp()
    if ram and Path(ram) not in roots:
        roots.append(Path(ram))
    return roots


def private_temp(kind: str, *, in_memory: bool = False) -> str:
    """A private temporary folder for a kernel's sockets or a browser's profile, named with
    this process's id so that :func:`clean_stale_private` can remove it after a kill.
    ``in_memory``: in :data:`RAM_TEMP` where it can be (a browser writes and then removes a
    few hundred small files: ~0,3 s on a disk, a few ms in memory)."""
    root = _ram_temp() if in_memory else None
    return tempfile.mkdtemp(prefix=f"chiso766-{kind}-{os.getpid()}-", dir=root)


def clean_stale_private() -> list[Path]:
    """Remove kernel and browser folders of processes that are no longer alive."""
    done = []
    for base in _private_roots():
        for path in base.glob("chiso766-*-*-*"):
            m = _PRIVATE.match(path.name)
            if m and path.is_dir() and not _pid_alive(int(m["pid"])):
                shutil.rmtree(path, ignore_errors=True)
                done.append(path)
    return done


@contextmanager
def reports_lock(root: Path, wait: float = 30.0):
    """Hold ``root/.lock`` while a batch writes; waits up to ``wait`` seconds for another
    batch, then refuses with a plain message."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RenderError(
                        _(
                            "another render is writing to {root} (waited {seconds:g} s); try "
                            "again when it has finished"
                        ).format(root=root, seconds=wait),
                        stage="publish",
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock


def crash_hook(name: str, point: str) -> None:
    """Tests kill a batch at a chosen report and step: ``$CHISO766_TEST_CRASH_AT`` =
    "<report folder>:<point>" (points: executed, staged, published); the process exits at
    once, as a kill would leave it."""
    wanted = os.environ.get(ENV_CRASH_AT)
    if wanted and wanted in (f"{name}:{point}", name if point == "staged" else ""):
        os._exit(137)


__all__ = [
    "ENV_CRASH_AT",
    "clean_stale",
    "clean_stale_private",
    "private_temp",
    "crash_hook",
    "publish_dir",
    "reports_lock",
    "staging_dir",
    "write_file_atomic",
]

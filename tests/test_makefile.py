"""The Makefile's set-up: apt waits (bounded) for another apt or dpkg holding its lock
(``tools/apt_lock_wait.py``), and ``make lab`` starts JupyterLab with the project's kernel,
also as root."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAIT = ROOT / "tools" / "apt_lock_wait.py"


def _wait(lock: Path, seconds: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "APT_LOCKS": str(lock)}
    return subprocess.run(
        [sys.executable, str(WAIT), seconds], env=env, capture_output=True, text=True, timeout=60
    )


def test_apt_waits_for_the_lock_then_goes_on(tmp_path):
    lock = tmp_path / "lock-frontend"
    lock.write_bytes(b"")
    # another "apt" holds it for 3 s (an fcntl lock, as dpkg takes; from another process: a
    # process never sees its own lock)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); "
         "fcntl.lockf(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(3)",
         str(lock)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    res = _wait(lock, "30")
    waited = time.monotonic() - started
    holder.wait()
    assert res.returncode == 0 and "apt is busy" in res.stderr
    assert 1.0 < waited < 30


def test_apt_waits_a_bounded_time(tmp_path):
    lock = tmp_path / "lock"
    lock.write_bytes(b"")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); "
         "fcntl.lockf(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(20)",
         str(lock)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        res = _wait(lock, "2")
        assert res.returncode == 1 and "still busy after 2 s" in res.stderr
    finally:
        holder.kill()
        holder.wait()
    assert _wait(tmp_path / "absent", "2").returncode == 0  # nothing to wait for


def test_make_lab_runs_jupyterlab_with_the_project_kernel_as_root():
    out = subprocess.run(
        ["make", "-n", "lab", "LAB_PORT=8899"], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    ).stdout  # fmt: skip
    assert ".venv/bin/jupyter lab" in out and "--ServerApp.port=8899" in out
    assert "TZ=Asia/Ho_Chi_Minh" in out and "--KernelManager.transport=ipc" in out
    assert ("--allow-root" in out) == (os.getuid() == 0)
    kernel = ROOT / ".venv" / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    assert kernel.is_file()  # make setup installed the project's kernel in the venv


def test_the_apt_steps_wait_for_the_lock():
    out = subprocess.run(
        ["make", "-n", "system-deps", "APT_WAIT=7"], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    ).stdout  # fmt: skip
    assert "tools/apt_lock_wait.py 7" in out and "DPkg::Lock::Timeout=7" in out

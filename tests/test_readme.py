"""Every command of the README runs as pasted, in order, on a fresh clone's examples: each
``bash`` block's lines are run one by one in a shell, in a folder of their own with the
examples, the run files and the notebooks, against a fresh temporary store, and each must exit
0. The portal is a local stand-in serving its real answers (``tests/data/portal-samples``), so
``fetch`` needs no network.

Not run: ``. .venv/bin/activate`` (the test puts the environment's ``bin`` first on PATH), and
the ``make`` targets (``make test`` is this suite, ``make lab`` starts a server, ``make report``
and ``make setup`` install and render everything: CI runs them itself). Blocks marked ``text``
are not shell sessions (cron lines; the maintainers' catalogue update, which rewrites files)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_fetch import PHU_THO, load_answers, serve  # noqa: F401 - the portal stand-in

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NOT_RUN = (". .venv/bin/activate", "make ")

pytestmark = pytest.mark.slow


def readme_commands(text: str) -> list[str]:
    """The lines of the README's ``bash`` blocks, in order (comments and blanks left out)."""
    commands = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def test_the_readme_has_commands_to_run():
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert any(c.startswith("chiso766 ingest examples/") for c in commands)
    assert any(c.startswith("chiso766 compare examples/don-vi-theo-ngay.csv") for c in commands)
    assert "make report" in " ".join(commands) and "make lab" in commands
    for path in re.findall(r"\bexamples/[\w./-]+", " ".join(commands)):
        assert (ROOT / path).exists(), path  # every example named is in the repository


def test_every_readme_command_runs_as_pasted(tmp_path, serve):  # noqa: F811
    portal = serve(load_answers(PHU_THO))
    work = tmp_path / "work"
    work.mkdir()
    for name in ("examples", "params", "notebooks"):
        (work / name).symlink_to(ROOT / name)
    (work / "data").mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "CHISO766_STORE": str(tmp_path / "store" / "chiso766.duckdb"),
        "CHISO766_REPORTS": str(tmp_path / "reports"),
        "CHISO766_PORTAL_URL": portal.url,
        "CHISO766_PORTAL_ARCHIVE": str(tmp_path / "archive"),
        "CHISO766_LOG_DIR": str(tmp_path / "logs"),
        "CHISO766_LANG": "",
        "LANGUAGE": "",
    }
    ran, failed, noisy = [], [], []
    for command in readme_commands(README.read_text(encoding="utf-8")):
        if command.startswith(NOT_RUN):
            continue
        proc = subprocess.run(
            ["bash", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        ran.append(command)
        if "without encryption" in proc.stdout + proc.stderr or "\u2588" in proc.stderr:
            noisy.append(command)  # a kernel over TCP, or DuckDB's own progress bar
        if proc.returncode != 0:
            failed.append(f"$ {command}\n  exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    assert not failed, "\n\n".join(failed)
    assert not noisy, noisy
    assert len(ran) >= 20
    assert (work / "so-sanh.csv").read_bytes().startswith("\ufeff".encode())
    assert (tmp_path / "reports" / "2025-04-08" / "alerts.html").is_file()
    assert (tmp_path / "reports" / "index.html").is_file()
    assert (tmp_path / "reports" / "2026-W47" / "units").is_dir()

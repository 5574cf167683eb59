"""publish: a report folder swapped in as one step, stale temporaries of dead runs removed
(a folder moved aside mid-swap put back), one writer at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from chiso766.render import publish
from chiso766.render.errors import RenderError

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


def folder_with(path: Path, **files: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (path / name).write_text(text)
    return path


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_publish_replaces_the_old_folder_whole(tmp_path: Path) -> None:
    target = tmp_path / "2025-W15" / "province"
    first = folder_with(publish.staging_dir(target), **{"a.html": "1", "a.pdf": "1"})
    publish.publish_dir(first, target)
    assert sorted(p.name for p in target.iterdir()) == ["a.html", "a.pdf"]
    second = folder_with(publish.staging_dir(target), **{"a.html": "2"})
    publish.publish_dir(second, target)
    assert sorted(p.name for p in target.iterdir()) == ["a.html"]  # no file of the old run
    assert (target / "a.html").read_text() == "2"
    assert [p.name for p in target.parent.iterdir()] == ["province"]  # nothing left aside


def test_clean_stale_removes_dead_runs_and_restores_a_report_moved_aside(tmp_path: Path) -> None:
    period = tmp_path / "2025-W15"
    pid = dead_pid()
    dead_staging = folder_with(period / f".province.{pid}.x1y2z3.tmp", **{"a.html": "half"})
    live_staging = folder_with(period / f".units.{os.getpid()}.abc.tmp", **{"b": "mine"})
    folder_with(period / "units" / f".so-y-te.{pid}.old.tmp", **{"r.html": "good"})
    removed = publish.clean_stale(tmp_path)
    assert not dead_staging.exists() and live_staging.exists()
    assert (period / "units" / "so-y-te" / "r.html").read_text() == "good"  # put back
    assert dead_staging in removed


def test_private_temporaries_of_dead_processes_are_removed() -> None:
    pid = dead_pid()
    stale = Path(tempfile.mkdtemp(prefix=f"chiso766-kernel-{pid}-"))
    mine = Path(publish.private_temp("kernel"))
    ram = publish._ram_temp()
    stale_ram = Path(tempfile.mkdtemp(prefix=f"chiso766-chromium-{pid}-", dir=ram)) if ram else None
    try:
        removed = publish.clean_stale_private()
        assert stale in removed and not stale.exists() and mine.exists()
        if stale_ram:
            assert stale_ram in removed and not stale_ram.exists()
    finally:
        mine.rmdir()


def test_in_memory_temporaries_go_to_ram_where_it_has_room(monkeypatch, tmp_path) -> None:
    ram = tmp_path / "shm"
    ram.mkdir()
    monkeypatch.setattr(publish, "RAM_TEMP", ram)
    made = Path(publish.private_temp("chromium", in_memory=True))
    assert made.parent == ram and made.name.startswith(f"chiso766-chromium-{os.getpid()}-")
    kernel = Path(publish.private_temp("kernel"))
    assert kernel.parent == Path(tempfile.gettempdir())
    kernel.rmdir()
    made.rmdir()
    monkeypatch.setattr(publish, "RAM_TEMP_ROOM", 2**62)  # not enough room: the temp folder
    elsewhere = Path(publish.private_temp("chromium", in_memory=True))
    assert elsewhere.parent == Path(tempfile.gettempdir())
    elsewhere.rmdir()
    monkeypatch.setattr(publish, "RAM_TEMP", tmp_path / "none")  # no such folder
    nowhere = Path(publish.private_temp("chromium", in_memory=True))
    assert nowhere.parent == Path(tempfile.gettempdir())
    nowhere.rmdir()


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from chiso766.render.publish import "
            "reports_lock\nwith reports_lock(Path(sys.argv[1])):\n print('held', flush=True)\n "
            "time.sleep(30)",
            str(tmp_path),
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RenderError, match="another render is writing"):
            with publish.reports_lock(tmp_path, wait=0.3):
                pass
    finally:
        holder.kill()
        holder.wait()
    with publish.reports_lock(tmp_path, wait=5):  # free again once the holder is gone
        pass


def test_write_file_atomic(tmp_path: Path) -> None:
    publish.write_file_atomic(tmp_path / "x.ipynb", b"{}")
    assert (tmp_path / "x.ipynb").read_bytes() == b"{}"
    assert [p.name for p in tmp_path.iterdir()] == ["x.ipynb"]

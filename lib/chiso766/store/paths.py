"""Where the store lives, file hashes and the store's clock (naive local time)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from zoneinfo import ZoneInfo

ENV_VAR = "CHISO766_STORE"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def project_root() -> Path:
    """The checkout this package runs from (where pyproject.toml is), else the working dir."""
    here = Path(__file__).resolve().parents[3]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


def default_store_path() -> Path:
    """$CHISO766_STORE, else <project>/data/chiso766.duckdb."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else project_root() / "data" / "chiso766.duckdb"


ENV_REPORTS = "CHISO766_REPORTS"


def reports_dir() -> Path:
    """Where reports are published: $CHISO766_REPORTS, else <project>/reports."""
    env = os.environ.get(ENV_REPORTS)
    return Path(env) if env else project_root() / "reports"


def demo_store_path() -> Path:
    """The demo store (``chiso766 demo``, ``store_path = "demo"`` in a notebook)."""
    return project_root() / "data" / "demo.duckdb"


def now_local() -> dt.datetime:
    """Now as naive local time (Asia/Ho_Chi_Minh), as the store keeps timestamps."""
    return dt.datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

"""Shared fixtures: where the shared folder is, and small table writers."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).parent / "data"


@pytest.fixture
def write_csv(tmp_path):
    """Write text (UTF-8) to a CSV file in tmp_path and return its path."""

    def _write(text: str, name: str = "table.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write


@pytest.fixture
def portal_samples() -> Path:
    path = SHARED / "portal-samples" / "phu-tho-2026-08"
    if not path.is_dir():
        pytest.skip(f"portal samples not found at {path} (../shared is not beside the checkout)")
    return path

"""The manifest published beside every report: what was asked, what was read, what was
written — so that a rerun knows what is unchanged and the index never scrapes a page.

A report lives in its own folder (``reports/<period>/province/`` or
``reports/<period>/units/<unit>/``) with its files and ``manifest.json``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FAILED = "failed.json"
SCHEMA = 1


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.cache
def library_fingerprint() -> str:
    """The package version plus a hash of its code and data files: a changed template,
    catalogue or module makes every report out of date."""
    from importlib.metadata import PackageNotFoundError, version

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".j2", ".css", ".csv", ".json"}:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    try:
        ver = version("chiso766")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        ver = "0"
    return f"{ver}+{h.hexdigest()[:12]}"


@dataclass
class Manifest:
    """One published report (or one failed attempt, in ``failed.json``)."""

    kind: str
    title: str
    period: str
    period_label: str
    province: str
    request: dict[str, Any]
    input_hash: str
    notebook: str
    notebook_sha256: str
    library: str
    unit: str = ""
    unit_id: str = ""
    level: str = ""
    snapshot: str = ""
    taken: str = ""
    provisional: bool = False
    demo: bool = False
    status: str = "published"
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    rendered_at: str = ""
    error: str = ""
    schema: int = SCHEMA

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def key(self) -> tuple:
        """What decides whether a rerun may skip this report."""
        return (
            json.dumps(self.request, sort_keys=True),
            self.input_hash,
            self.notebook_sha256,
            self.library,
            self.provisional,
        )

    def complete_in(self, folder: Path, formats: tuple[str, ...]) -> bool:
        """Every asked format is among its files and every file is there with its size."""
        if self.status != "published" or not set(formats) <= set(self.files):
            return False
        for info in self.files.values():
            path = folder / info["name"]
            try:
                if path.stat().st_size != info["size"]:
                    return False
            except OSError:
                return False
        return True


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (a temporary file in the same folder, then a rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True, default=str)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(folder: Path, name: str = MANIFEST) -> Manifest | None:
    """The manifest in ``folder`` (None if absent or unreadable)."""
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        return Manifest.from_json(data) if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError):
        return None


def file_entry(path: Path) -> dict[str, Any]:
    return {"name": path.name, "size": path.stat().st_size, "sha256": sha256_file(path)}


__all__ = [
    "FAILED",
    "MANIFEST",
    "Manifest",
    "file_entry",
    "library_fingerprint",
    "read_manifest",
    "sha256_file",
    "write_json",
]

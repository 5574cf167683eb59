"""``reports/index.html``, built from the reports' manifests (never from page titles or
folder names): per period, newest first, the province report and every unit's scorecard by
level, with demo/provisional marks, failed attempts and relative links that work from the
file system and from any static web server."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from chiso766.render.manifest import FAILED, MANIFEST, Manifest, read_manifest
from chiso766.render.page import jinja_env, report_css

#: The formats a report is published in, in the order the index lists them.
FORMATS = ("html", "pdf", "docx", "xlsx", "ipynb")
_LEVEL_ORDER = {"department": 0, "district": 1, "commune": 2}


def _href(root: Path, path: Path) -> str:
    return "/".join(quote(part) for part in path.relative_to(root).parts)


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _entry(root: Path, folder: Path, m: Manifest, failed: Manifest | None) -> dict[str, Any]:
    files = []
    for fmt in FORMATS:
        info = m.files.get(fmt) if m.status == "published" else None
        if info and (folder / info["name"]).exists():
            files.append(
                {
                    "format": fmt.upper(),
                    "href": _href(root, folder / info["name"]),
                    "size": info["size"],
                }  # fmt: skip
            )
    out = {
        "kind": m.kind,
        "title": m.title,
        "unit": m.unit,
        "level": m.level,
        "files": files,
        "rendered_at": _when(m.rendered_at),
        "demo": m.demo,
        "provisional": m.provisional,
        "taken": m.taken,
        "failed": None,
    }
    if failed is not None and failed.rendered_at >= (m.rendered_at if files else ""):
        nb = folder / failed.files.get("ipynb", {}).get("name", "")
        out["failed"] = {
            "error": failed.error,
            "at": failed.rendered_at,
            "href": _href(root, nb) if nb.is_file() else None,
        }
    return out


def collect(root: Path) -> list[dict[str, Any]]:
    """Every report under ``root`` by period (newest first), from manifests."""
    periods: dict[str, dict[str, Any]] = {}
    for path in sorted(root.glob("*/**/" + MANIFEST)) + sorted(root.glob("*/**/" + FAILED)):
        folder = path.parent
        if any(part.startswith(".") for part in folder.relative_to(root).parts):
            continue
        if path.name == FAILED and (folder / MANIFEST).exists():
            continue  # listed with its published version
        m = read_manifest(folder, path.name)
        if m is None:
            continue
        failed = read_manifest(folder, FAILED) if path.name == MANIFEST else m
        entry = _entry(root, folder, m, failed)
        p = periods.setdefault(
            m.period,
            {
                "key": m.period,
                "label": m.period_label,
                "province": None,
                "units": [],
                "alerts": None,
                "sort": m.snapshot or m.period,
            },  # fmt: skip
        )
        if m.kind == "province":
            p["province"] = entry
            p["label"] = m.period_label
        else:
            p["units"].append(entry)
    _add_alerts(root, periods)
    out = sorted(periods.values(), key=lambda p: (p["sort"], p["key"]), reverse=True)
    for p in out:
        p["label"] = p["label"][:1].upper() + p["label"][1:]
        p["units"].sort(key=lambda e: (_LEVEL_ORDER.get(e["level"], 9), e["unit"]))
        levels: dict[str, list] = {}
        for e in p["units"]:
            levels.setdefault(e["level"], []).append(e)
        p["levels"] = [{"level": lv, "units": units} for lv, units in levels.items()]
    return out


def _add_alerts(root: Path, periods: dict[str, dict[str, Any]]) -> None:
    """The alerts page of each period (``<period>/alerts.json`` beside its page), if any."""
    import json

    for data in sorted(root.glob("*/alerts.json")):
        try:
            info = json.loads(data.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(info, dict) or not (data.parent / "alerts.html").is_file():
            continue
        key = data.parent.name
        p = periods.setdefault(
            key,
            {
                "key": key,
                "label": str(info.get("period_label") or key),
                "province": None,
                "units": [],
                "sort": str(info.get("current") or key),
            },  # fmt: skip
        )
        counts = info.get("counts") if isinstance(info.get("counts"), dict) else {}
        p["alerts"] = {
            "href": _href(root, data.parent / "alerts.html"),
            "act": int(counts.get("act", 0) or 0),
            "notice": int(counts.get("notice", 0) or 0),
            "compared": bool(info.get("compare")),
            "made_at": _when(str(info.get("made_at") or "")),
        }


def update_index(reports_dir: Path | str) -> Path:
    """Rebuild ``reports_dir/index.html`` from the manifests, atomically."""
    from chiso766.commentary.phrase import templates
    from chiso766.store import now_local

    root = Path(reports_dir)
    root.mkdir(parents=True, exist_ok=True)
    headings = {k: v["title"] for k, v in templates()["levels"].items()}
    page = (
        jinja_env()
        .get_template("index.html.j2")
        .render(periods=collect(root), headings=headings, css=report_css(), generated=now_local())
    )
    target = root / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=root)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target


__all__ = ["FORMATS", "collect", "update_index"]

"""``reports/index.html``: every published report per period folder, newest period first,
with links to its files (:func:`update_index`, written atomically)."""

from __future__ import annotations

import html
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from chiso766.render.page import jinja_env, report_css

#: The formats a report is published in; the index lists files with these suffixes.
FORMATS = ("html", "pdf", "xlsx", "ipynb")


def _period_sort_key(name: str) -> tuple[int, str]:
    from chiso766.compute.periods import parse_period

    try:
        return (1, parse_period(name).start.isoformat())
    except Exception:
        return (0, name)


def _period_label(name: str) -> str:
    from chiso766.compute.periods import parse_period

    try:
        return parse_period(name).label_vi
    except Exception:
        return name


def _report_title(page: Path) -> str | None:
    head = page.read_text(encoding="utf-8", errors="replace")[:8192]
    match = re.search(r"<title>(.*?)</title>", head, re.S | re.I)
    return html.unescape(match.group(1)).strip() if match else None


def update_index(reports_dir: Path | str) -> Path:
    """Rebuild ``reports_dir/index.html``: every report per period folder, newest period first,
    with links to its HTML, PDF and XLSX (names escaped, links URL-quoted)."""
    from urllib.parse import quote

    reports_dir = Path(reports_dir)
    periods = []
    folders = [p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    for folder in sorted(folders, key=lambda p: _period_sort_key(p.name), reverse=True):
        stems: dict[str, dict[str, Any]] = {}
        for file in sorted(folder.iterdir()):
            fmt = file.suffix.lstrip(".")
            if file.name.startswith(".") or not file.is_file() or fmt not in FORMATS:
                continue
            entry = stems.setdefault(file.stem, {"name": file.stem, "files": [], "title": None})
            stat = file.stat()
            href = f"{quote(folder.name)}/{quote(file.name)}"
            entry["files"].append({"format": fmt.upper(), "href": href, "size": stat.st_size})
            entry["updated"] = max(entry.get("updated", 0.0), stat.st_mtime)
            if fmt == "html":
                entry["title"] = _report_title(file)
        if stems:
            for entry in stems.values():
                entry["updated"] = datetime.fromtimestamp(entry["updated"]).replace(microsecond=0)
            label = _period_label(folder.name)
            label = label[:1].upper() + label[1:]
            periods.append({"key": folder.name, "label": label, "reports": list(stems.values())})
    page = (
        jinja_env()
        .get_template("index.html.j2")
        .render(periods=periods, css=report_css(), generated=datetime.now().replace(microsecond=0))
    )
    target = reports_dir / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=reports_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target

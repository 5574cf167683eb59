"""The alerts of a period as a page beside its reports (``reports/<period>/alerts.html``, with
``alerts.json`` for the index and for scripts), written atomically; the index links it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from chiso766.i18n import _, language
from chiso766.render.manifest import MANIFEST, read_manifest
from chiso766.render.page import jinja_env, report_css
from chiso766.render.publish import write_file_atomic
from chiso766.report.alerts import (
    ACT,
    KIND_TITLES,
    LEVEL_TITLES,
    NOTICE,
    AlertReport,
    describe,
    summary_line,
)

PAGE, DATA = "alerts.html", "alerts.json"


def alerts_html(report: AlertReport, links: dict[str, str] | None = None) -> str:
    """The page of ``report`` (self-contained, no script); ``links`` maps a unit id to its
    published scorecard (a path relative to the page)."""
    links = links or {}
    sections = []
    for level in (ACT, NOTICE):
        items = [
            {"kind": _(KIND_TITLES[a.kind]), "text": describe(a), "href": links.get(a.unit_id)}
            for a in report.alerts
            if a.level == level
        ]
        if items:
            sections.append({"level": level, "title": _(LEVEL_TITLES[level]), "entries": items})
    return (
        jinja_env()
        .get_template("alerts.html.j2")
        .render(
            lang=language(),
            title=_("Alerts: {period}").format(period=report.period_label),
            summary=summary_line(report),
            sections=sections,
            report=report,
            provisional=_("provisional"),
            back=_("All reports"),
            open_card=_("scorecard"),
            made=_("made at"),
            made_at=report.made_at,
            css=report_css(),
        )
    )


def scorecard_links(folder: Path) -> dict[str, str]:
    """Unit id → its published scorecard's HTML under ``folder`` (a period's folder), relative
    to that folder, from the scorecards' manifests."""
    links = {}
    for path in sorted((folder / "units").glob(f"*/{MANIFEST}")):
        m = read_manifest(path.parent)
        html = (m.files.get("html") or {}).get("name") if m else None
        if m and m.unit_id and m.status == "published" and html and (path.parent / html).is_file():
            links[m.unit_id] = f"units/{quote(path.parent.name)}/{quote(html)}"
    return links


def write_alerts_page(report: AlertReport, out_root: Path) -> Path:
    """Write the page and its data under ``out_root/<period>/``; the page's path. Alerts
    about a unit link to its scorecard where one is published for the period."""
    folder = Path(out_root) / report.period
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    write_file_atomic(folder / DATA, data.encode("utf-8"))
    page = folder / PAGE
    write_file_atomic(page, alerts_html(report, scorecard_links(folder)).encode("utf-8"))
    return page


__all__ = ["DATA", "PAGE", "alerts_html", "scorecard_links", "write_alerts_page"]

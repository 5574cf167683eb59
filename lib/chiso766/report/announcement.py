"""The province announcement as an official document (pure): a
:class:`~chiso766.report.model.ProvinceReport` and the office's settings → a
:class:`~chiso766.report.document.Document` in the layout of Nghị định 30/2020 — header,
title and summary (or V/v and Kính gửi), numbered sections, closing, signature, Nơi nhận,
and the appendices (each level's groups, the provincial system's records)."""

from __future__ import annotations

import datetime as dt

from chiso766.commentary import templates
from chiso766.report.document import Appendix, Block, Document, Figure, Para
from chiso766.report.model import ProvinceReport
from chiso766.report.office import (
    Office,
    addressee_lines,
    date_line,
    number_line,
    recipient_lines,
)
from chiso766.report.view import ROMAN, ReportView

KIND_WORD = {"thong_bao": "Thông báo", "cong_van": "Công văn"}

#: cases shown per "what costs points" list in the announcement's records appendix (the
#: whole lists: ``chiso766 costs``)
DOSSIER_ROWS = 10


def build_announcement(
    report: ProvinceReport, office: Office, *, title: str = "", today: dt.date | None = None
) -> Document:
    """The whole announcement of ``report`` as issued by ``office`` (its blank names taken
    from the report's province); ``today`` dates a document whose date is left blank."""
    office = office.for_province(report.province)
    view = ReportView(report)
    w = view.w
    period = report.period.label_vi
    year = (office.date or today or dt.date.today()).year
    numbering = _appendix_numbers(report)
    body: list[Block] = [Para(w["intro"].format(issuer=office.issuer_name, period=period))]
    body += _numbered(view.headline_blocks(), 1)
    body += _numbered(view.indicator_blocks(), 2)
    levels = [b for b in _level_heading(w)]
    for number, section in enumerate(report.levels, start=1):
        levels += view.level_blocks(section, number, numbering.get(section.level, ""))
    body += _numbered(levels, 3) if report.levels else []
    body += _numbered(view.problem_blocks(), 4 if report.levels else 3)
    if report.dossiers is not None and "dossiers" in numbering:
        body.append(Para(w["appendix_ref"].format(number=numbering["dossiers"]), "italic"))
    body.append(Para(w["methodology"].format(title=view.methodology_title()), "note"))
    kind = KIND_WORD[office.form]
    note = w["appendix_note"].format(
        kind=kind,
        number=number_line(office).removeprefix("Số:").strip(),
        date=_short_date(office),
        issuer=office.issuer_name,
    )
    appendices = _appendices(report, view, numbering, note, period)
    subject = (
        office.regarding.format(period=period)
        if office.is_letter
        else w["subject"].format(period=period)
    )
    doc_title = title or templates()["report_titles"]["province"].format(
        unit=report.province, period=period
    )
    return Document(
        title=doc_title,
        governing_body=office.governing_body,
        issuing_office=office.issuing_office,
        number_line=number_line(office),
        date_line=date_line(office, year),
        form=office.form,
        kind_name=w["kind_name"],
        subject=subject,
        addressees=addressee_lines(office) if office.is_letter else [],
        grounds=list(office.grounds),
        notice=view.notice(),
        body=body,
        closing=[
            w["closing_letter"]
            if office.is_letter
            else w["closing"].format(issuer=office.issuer_name, period=period)
        ],
        authority=list(office.signer.authority),
        signer_title=office.signer.title,
        signer_name=office.signer.name,
        recipients=recipient_lines(office),
        appendices=appendices,
        layout=office.to_json()["layout"],
        properties={
            "title": doc_title,
            "subject": subject,
            "author": f"{office.issuer_name} {office.place}".strip(),
            "office": office.governing_body,
            "period": period,
            "taken": report.taken,
            "provisional": "1" if report.provisional else "",
            "demo": "1" if report.demo else "",
        },
    )


def _level_heading(w: dict) -> list[Block]:
    from chiso766.report.document import Heading

    return [Heading(w["sections"]["levels"], 1)]


def _numbered(blocks: list[Block], number: int) -> list[Block]:
    """The section's first heading numbered in Roman numerals ("III. KẾT QUẢ THEO CẤP")."""
    from chiso766.report.document import Heading

    out = list(blocks)
    if out and isinstance(out[0], Heading):
        out[0] = Heading(f"{ROMAN[number - 1]}. {out[0].text}", out[0].level)
    return out


def _appendix_numbers(report: ProvinceReport) -> dict[str, str]:
    """Which appendix holds what: each level with groups, then the records ('I', 'II' …)."""
    keys = [s.level for s in report.levels if not s.appendix.empty]
    if report.dossiers is not None:
        keys.append("dossiers")
    return {k: ROMAN[i] for i, k in enumerate(keys)}


def _short_date(office: Office) -> str:
    d = office.date
    if d is None:
        return "\u00a0" * 4 + "/" + "\u00a0" * 4 + "/" + "\u00a0" * 6
    return f"{d.day:02d}/{d.month}/{d.year}"


def _appendices(
    report: ProvinceReport, view: ReportView, numbering: dict[str, str], note: str, period: str
) -> list[Appendix]:
    w = view.w
    out = []
    for section in report.levels:
        table = view.appendix_table(section)
        if table is None or section.level not in numbering:
            continue
        blocks: list[Block] = [table]
        fig = view.appendix_figure(section)
        if fig is not None:
            blocks.append(Figure(str(fig.svg), fig.width, fig.height, fig.title))
        out.append(
            Appendix(
                number=numbering[section.level],
                title=w["appendix_title"].format(heading=section.heading, period=period).upper(),
                note=note,
                blocks=blocks,
                landscape=table.wide,
                key=section.level,
            )
        )
    if report.dossiers is not None and "dossiers" in numbering:
        from chiso766.report.dossier_sections import dossier_blocks

        out.append(
            Appendix(
                number=numbering["dossiers"],
                title=w["dossier_appendix_title"],
                note=note,
                blocks=dossier_blocks(report.dossiers, max_rows=DOSSIER_ROWS, heading=False),
                landscape=True,
                key="dossiers",
            )
        )
    return out


__all__ = ["build_announcement"]

"""An official document as data: the blocks an announcement is made of, laid out the same
way in HTML (:mod:`chiso766.report.document_html`) and DOCX (:mod:`chiso766.render.docx`).

Every text is final (numbers formatted, personal data masked); renderers only place and
escape it. :func:`to_json` / :func:`from_json` carry a document out of the kernel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: MIME type of a notebook's document output (JSON)
DOCUMENT_MIME = "application/vnd.chiso766.document+json"


@dataclass
class Heading:
    """'I. KẾT QUẢ CHUNG' (level 1, a mục) or '1. Các sở, ban, ngành' (level 2, a khoản)."""

    text: str
    level: int = 1
    type: str = "heading"


@dataclass
class Para:
    """A body paragraph; ``style``: body, note (smaller, muted), center, italic."""

    text: str
    style: str = "body"
    type: str = "para"


@dataclass
class Bullets:
    """Items printed as '- …' lines."""

    items: list[str]
    type: str = "bullets"


@dataclass
class Table:
    """A data table as printed: headers, display strings, which columns are numbers, relative
    widths, and the column (if any) holding a class name."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    widths: list[float]
    caption: str = ""
    chip: int = -1
    missing: list[list[bool]] = field(default_factory=list)  # cells shown as "no value"
    css: str = ""
    markup: list[int] = field(default_factory=list)  # columns of trusted markup (HTML only)
    type: str = "table"

    @property
    def wide(self) -> bool:
        """Too wide for a portrait page at 11 pt: more than 7 columns."""
        return len(self.columns) > 7


@dataclass
class Figure:
    """A chart: inline SVG with its size in CSS pixels."""

    svg: str
    width: float
    height: float
    title: str
    type: str = "figure"


@dataclass
class Html:
    """A fragment only the HTML shows (already escaped); DOCX skips it."""

    html: str
    type: str = "html"


Block = Heading | Para | Bullets | Table | Figure | Html


@dataclass
class Appendix:
    """A Phụ lục: its own section (new page, numbered from 1, landscape if wide)."""

    number: str  # "I", "II"
    title: str
    note: str  # "(Kèm theo Thông báo số …)"
    blocks: list[Block]
    landscape: bool = False
    key: str = ""


@dataclass
class Document:
    """A Decree 30 document: header, title, body, closing, signature, Nơi nhận, appendices."""

    title: str  # the report's title (page title, metadata)
    governing_body: str
    issuing_office: str
    number_line: str
    date_line: str
    form: str  # thong_bao | cong_van
    kind_name: str  # "THÔNG BÁO"
    subject: str  # trích yếu ("Về …") or V/v
    addressees: list[str]
    grounds: list[str]
    notice: list[str]  # status lines under the title: provisional, demo data
    body: list[Block]
    closing: list[str]
    authority: list[str]
    signer_title: str
    signer_name: str
    recipients: list[str]
    appendices: list[Appendix]
    layout: dict[str, Any]
    properties: dict[str, str] = field(default_factory=dict)  # title, office, period, …


_BLOCKS = {c.__name__.lower(): c for c in (Heading, Para, Bullets, Table, Figure, Html)}


def to_json(doc: Document) -> dict[str, Any]:
    """The document as JSON-ready data."""
    return asdict(doc)


def _block(data: dict[str, Any]) -> Block:
    cls = _BLOCKS[data["type"]]
    return cls(**data)


def from_json(data: dict[str, Any]) -> Document:
    """The inverse of :func:`to_json`."""
    data = dict(data)
    data["body"] = [_block(b) for b in data["body"]]
    data["appendices"] = [
        Appendix(**{**a, "blocks": [_block(b) for b in a["blocks"]]}) for a in data["appendices"]
    ]
    return Document(**data)


__all__ = [
    "DOCUMENT_MIME",
    "Appendix",
    "Block",
    "Bullets",
    "Document",
    "Figure",
    "Heading",
    "Html",
    "Para",
    "Table",
    "from_json",
    "to_json",
]

"""The announcement as DOCX (python-docx), built from its document model
(:mod:`chiso766.report.document`), not from HTML.

Nghị định 30/2020: A4, the office's margins (checked against the decree's ranges when read),
Times New Roman for every script, body 13–14 pt justified with a first-line indent; the
header and signature as borderless two-column tables with fixed widths; page numbers centred
at the top, none on page 1; each appendix a section of its own (new page, numbered from 1,
landscape where its table is wide); data tables as real tables whose header row repeats on
every page; charts as PNG images drawn from their SVG (cairosvg) in the same font.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from chiso766.report.document import (
    DOCUMENT_MIME,
    Appendix,
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Para,
    Table,
    from_json,
)

FONT = "Times New Roman"
A4 = (210.0, 297.0)  # mm
PX_MM = 25.4 / 96  # a CSS pixel in mm


def document_from_notebook(nb: Any, *, remove: bool = True) -> Document | None:
    """The document an executed notebook published (None if it published none); with
    ``remove`` its output is taken out of the notebook (it is not part of the page)."""
    found = None
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        keep = []
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if out.get("output_type") == "display_data" else {}
            if DOCUMENT_MIME in data:
                found = from_json(data[DOCUMENT_MIME])
            else:
                keep.append(out)
        if remove:
            cell["outputs"] = keep
    return found


def svg_png(svg: str, scale: float = 2.0) -> bytes:
    """A chart's SVG as PNG, its text in Times New Roman (fontconfig maps it to Liberation
    Serif where Times is absent)."""
    import cairosvg

    svg = svg.replace('class="chart-svg"', f'class="chart-svg" font-family="{FONT}"', 1)
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)


def write_docx(doc: Document, path: Path | str) -> Path:
    """Write ``doc`` to ``path`` as DOCX; returns the path."""
    path = Path(path)
    builder = _Builder(doc)
    builder.build()
    builder.d.save(str(path))
    return path


class _Builder:
    def __init__(self, doc: Document) -> None:
        import docx

        self.doc = doc
        self.d = docx.Document()
        layout = doc.layout
        self.margins = {k: float(v) for k, v in layout["margins_mm"].items()}
        self.body_pt = float(layout["body_pt"])
        self.indent_cm = float(layout["first_line_indent_cm"])
        self.spacing = float(layout["line_spacing"])
        self.text_mm = A4[0] - self.margins["left"] - self.margins["right"]

    # --- styles and pages -------------------------------------------------------------------
    def build(self) -> None:
        self._styles()
        self._page(self.d.sections[0], landscape=False)
        self._properties()
        self._header()
        for block in self.doc.body:
            self._block(block)
        self._closing()
        for appendix in self.doc.appendices:
            self._appendix(appendix)

    def _styles(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        normal = self.d.styles["Normal"]
        _font(normal, self.body_pt)
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(6)
        fmt.line_spacing = self.spacing
        fmt.first_line_indent = Cm(self.indent_cm)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for name in ("Table Grid", "Header"):
            try:
                _font(self.d.styles[name], self.body_pt)
            except KeyError:  # pragma: no cover - the default template has both
                pass

    def _page(self, section: Any, *, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        w, h = A4
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(h), Mm(w)) if landscape else (Mm(w), Mm(h))
        section.top_margin = Mm(self.margins["top"])
        section.bottom_margin = Mm(self.margins["bottom"])
        section.left_margin = Mm(self.margins["left"])
        section.right_margin = Mm(self.margins["right"])
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        section.different_first_page_header_footer = True
        section.header.is_linked_to_previous = False
        section.first_page_header.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        header.text = ""
        _page_field(header, self.body_pt)
        section.first_page_header.paragraphs[0].text = ""
        _restart_numbering(section)

    def _properties(self) -> None:
        props, p = self.d.core_properties, self.doc.properties
        props.title = p.get("title", self.doc.title)[:255]
        props.subject = p.get("subject", "")[:255]
        props.author = p.get("author", "")[:255]
        props.category = "Thông báo" if self.doc.form == "thong_bao" else "Công văn"
        props.keywords = f"Bộ chỉ số 766; {p.get('period', '')}"[:255]
        comments = [f"Số liệu ngày {p['taken']}"] if p.get("taken") else []
        comments += self.doc.notice
        props.comments = " ".join(comments)[:255]

    @property
    def width_mm(self) -> float:
        section = self.d.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / 36000

    # --- paragraphs -------------------------------------------------------------------------
    def _para(
        self,
        text: str = "",
        *,
        container: Any = None,
        size: float | None = None,
        bold: bool = False,
        italic: bool = False,
        caps: bool = False,
        align: str = "justify",
        indent: bool = True,
        after: float = 6,
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        target = container if container is not None else self.d
        p = target.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        fmt.first_line_indent = Cm(self.indent_cm) if indent else Cm(0)
        fmt.space_after = Pt(after)
        if text:
            run = p.add_run(text.upper() if caps else text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        return p

    def _cell_para(self, cell: Any, text: str, **kw: Any) -> Any:
        """A paragraph in a table cell (the cell's empty first paragraph used first)."""
        first = cell.paragraphs[0]
        if not first.text and not first.runs and not getattr(cell, "_used", False):
            cell._used = True
            el = first._p
            el.getparent().remove(el)
        kw.setdefault("indent", False)
        kw.setdefault("after", 0)
        kw.setdefault("align", "center")
        return self._para(text, container=cell, **kw)

    # --- the header ---------------------------------------------------------------------
    def _header(self) -> None:
        doc = self.doc
        left, right = 65.0, self.text_mm - 65.0
        table = self._plain_table(2, [left, right])
        l1, r1 = table.rows[0].cells
        l2, r2 = table.rows[1].cells
        self._cell_para(l1, doc.governing_body, size=13, caps=True)
        org = self._cell_para(l1, doc.issuing_office, size=13, bold=True, caps=True)
        _rule_below(org, left, left / 3)
        self._cell_para(r1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
        motto = self._cell_para(r1, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
        _rule_below(motto, right, 56.0)
        self._cell_para(l2, doc.number_line, size=13).paragraph_format.space_before = _pt(6)
        if doc.form == "cong_van":
            v = self._cell_para(l2, doc.subject, size=12)
            v.paragraph_format.space_before = _pt(6)
        date = self._cell_para(r2, doc.date_line, size=13, italic=True)
        date.paragraph_format.space_before = _pt(6)
        if doc.form == "cong_van":
            self._para(after=6)
            for i, line in enumerate(doc.addressees):
                label = "Kính gửi: " if i == 0 else ""
                p = self._para(f"{label}{line}", align="left", indent=False, after=0)
                p.paragraph_format.left_indent = _mm(45 if i == 0 else 45 + 19)
                if i == 0:
                    p.paragraph_format.first_line_indent = _mm(-19)
        else:
            title = self._para(doc.kind_name, size=14, bold=True, align="center", indent=False,
                               after=0)  # fmt: skip
            title.paragraph_format.space_before = _pt(18)
            subject = self._para(doc.subject, size=14, bold=True, align="center", indent=False,
                                 after=12)  # fmt: skip
            _rule_below(subject, self.text_mm, self.text_mm / 3)
        for line in doc.notice:
            self._para(line, italic=True, align="center", indent=False, size=12)
        for line in doc.grounds:
            self._para(line, italic=True)

    def _plain_table(self, rows: int, widths_mm: list[float]) -> Any:
        table = self.d.add_table(rows=rows, cols=len(widths_mm))
        table.autofit = False
        _set_widths(table, widths_mm)
        _no_borders(table)
        return table

    # --- body -----------------------------------------------------------------------------
    def _block(self, block: Block) -> None:
        if isinstance(block, Heading):
            p = self._para(block.text, bold=True, italic=block.level >= 3, after=6)
            p.paragraph_format.keep_with_next = True
        elif isinstance(block, Para):
            if block.style == "italic":
                self._para(block.text, italic=True, align="center", indent=False)
            elif block.style == "note":
                self._para(block.text, size=max(12.0, self.body_pt - 1))
            elif block.style == "center":
                self._para(block.text, align="center", indent=False)
            else:
                self._para(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                self._para(f"- {item}")
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Figure):
            self._figure(block)
        # Html blocks are for the screen only

    def _table(self, t: Table) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Pt

        if t.caption:
            cap = self._para(t.caption, italic=True, align="left", indent=False, after=2)
            cap.paragraph_format.keep_with_next = True
        size = 10.0 if len(t.columns) > 9 else 11.0
        total = sum(t.widths) or 1.0
        width = self.width_mm
        widths = [width * w / total for w in t.widths]
        table = self.d.add_table(rows=1, cols=len(t.columns))
        table.style = self.d.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        head = table.rows[0]
        _repeat_header(head)
        for cell, text in zip(head.cells, t.columns, strict=True):
            self._cell_para(cell, text, size=size, bold=True)
        for i, row in enumerate(t.rows):
            cells = table.add_row().cells
            for j, text in enumerate(row):
                if j in t.markup:
                    text = re.sub(r"<[^>]+>", "", text)
                align = "right" if t.numeric[j] and not _is_gap(t, i, j) else "left"
                if j == 0 and t.columns[0] in ("STT", "TT"):
                    align = "center"
                self._cell_para(cells[j], text, size=size, align=align)
        for row in table.rows:
            _cant_split(row)
        _set_widths(table, widths)
        self._para(after=0).paragraph_format.space_after = Pt(4)

    def _figure(self, fig: Figure) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.d.sections[-1]
        page_h = (section.page_height - section.top_margin - section.bottom_margin) / 36000
        width = min(self.width_mm, fig.width * PX_MM * 1.25)
        height = width * fig.height / fig.width
        if height > page_h - 15:
            height = page_h - 15
            width = height * fig.width / fig.height
        p = self._para(align="center", indent=False, after=6)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_together = True
        p.add_run().add_picture(io.BytesIO(svg_png(fig.svg)), width=_mm(width))

    # --- closing --------------------------------------------------------------------------
    def _closing(self) -> None:
        doc = self.doc
        for line in doc.closing:
            self._para(line)
        table = self._plain_table(1, [self.text_mm * 0.45, self.text_mm * 0.55])
        left, right = table.rows[0].cells
        label = self._cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left")
        label.paragraph_format.space_before = _pt(6)
        for line in doc.recipients:
            self._cell_para(left, line, size=11, align="left")
        first = True
        for line in [*doc.authority, doc.signer_title]:
            p = self._cell_para(right, line, size=self.body_pt, bold=True, caps=True)
            if first:
                p.paragraph_format.space_before = _pt(6)
                first = False
        for _ in range(4):
            self._cell_para(right, "")
        self._cell_para(right, doc.signer_name, size=self.body_pt, bold=True)
        _cant_split(table.rows[0])

    # --- appendices -------------------------------------------------------------------------
    def _appendix(self, a: Appendix) -> None:
        from docx.enum.section import WD_SECTION

        section = self.d.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=a.landscape)
        self._para(f"Phụ lục {a.number}", size=14, bold=True, align="center", indent=False,
                   after=0)  # fmt: skip
        self._para(a.title, size=13, bold=True, caps=True, align="center", indent=False, after=0)
        self._para(a.note, size=13, italic=True, align="center", indent=False, after=12)
        for block in a.blocks:
            self._block(block)


# --- low-level helpers (python-docx has no API for these) ------------------------------------
def _pt(value: float) -> Any:
    from docx.shared import Pt

    return Pt(value)


def _mm(value: float) -> Any:
    from docx.shared import Mm

    return Mm(value)


def _is_gap(t: Table, i: int, j: int) -> bool:
    return i < len(t.missing) and t.missing[i][j]


def _font(style: Any, size: float) -> None:
    """Times New Roman for every script (ascii, hAnsi, east Asian, complex) at ``size``."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = FONT
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _page_field(paragraph: Any, size: float) -> None:
    """A centred PAGE field."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    run = paragraph.add_run()
    run.font.size = Pt(size)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"),
                       ("end", None)):  # fmt: skip
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
            run._r.append(el)
        else:
            el = OxmlElement("w:t")
            el.text = text
            run._r.append(el)


def _restart_numbering(section: Any) -> None:
    """Page numbers of this section from 1."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sect = section._sectPr
    num = sect.find(qn("w:pgNumType"))
    if num is None:
        num = OxmlElement("w:pgNumType")
        sect.append(num)
    num.set(qn("w:start"), "1")


def _rule_below(paragraph: Any, cell_mm: float, rule_mm: float) -> None:
    """A solid rule under ``paragraph``, ``rule_mm`` long and centred in ``cell_mm``: an empty
    paragraph of its own, narrowed by its indents, with a bottom border."""
    import copy

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    new = copy.deepcopy(paragraph._p)
    for child in list(new):
        if child.tag != qn("w:pPr"):
            new.remove(child)
    paragraph._p.addnext(new)
    rule = Paragraph(new, paragraph._parent)
    rule.paragraph_format.space_before = _pt(0)
    rule.paragraph_format.space_after = paragraph.paragraph_format.space_after
    paragraph.paragraph_format.space_after = _pt(0)
    rule.paragraph_format.line_spacing = _pt(2)
    side = max(0.0, (cell_mm - rule_mm) / 2)
    rule.paragraph_format.left_indent = _mm(side)
    rule.paragraph_format.right_indent = _mm(side)
    rule.paragraph_format.first_line_indent = _mm(0)
    ppr = new.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _set_widths(table: Any, widths_mm: list[float]) -> None:
    """Both the grid's and every cell's widths (Word reads one, LibreOffice the other)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl = table._tbl
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(width * 56.7)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = _mm(width)
    tblpr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


__all__ = ["document_from_notebook", "svg_png", "write_docx"]

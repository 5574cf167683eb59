"""A :class:`~chiso766.report.document.Document` as escaped HTML: the Decree 30 header (a
two-column table), title and summary, body blocks, closing, signature and Nơi nhận, and each
appendix as a section of its own (report.css prints it on new pages, landscape if wide)."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from chiso766.report.document import (
    Appendix,
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Html,
    Para,
    Table,
)


def _join(parts: Iterable[object]) -> Markup:
    return Markup("".join(str(p) for p in parts))


def _lines(lines: Iterable[str], tag: str = "p", css: str = "") -> Markup:
    attr = Markup(' class="{}"').format(css) if css else Markup("")
    return _join(Markup("<{0}{1}>{2}</{0}>").format(tag, attr, t) for t in lines if t)


def figure_html(fig: Figure) -> Markup:
    """A chart: its inline SVG (already escaped when drawn) in a ``figure`` never split."""
    return Markup('<figure class="chart" aria-label="{}">{}</figure>').format(
        fig.title, Markup(fig.svg)
    )


def block_html(block: Block) -> Markup:
    from chiso766.report.tables import block_table_html

    if isinstance(block, Heading):
        tag = f"h{min(4, max(2, block.level + 1))}"
        return Markup("<{0}>{1}</{0}>").format(tag, block.text)
    if isinstance(block, Para):
        css = "" if block.style == "body" else block.style
        return _lines([block.text], "p", css)
    if isinstance(block, Bullets):
        items = _lines(block.items, "li")
        return Markup('<ul class="dash">{}</ul>').format(items) if items else Markup("")
    if isinstance(block, Table):
        return Markup(block_table_html(block))
    if isinstance(block, Figure):
        return figure_html(block)
    if isinstance(block, Html):
        return Markup(block.html)
    raise TypeError(f"not a block: {block!r}")


def blocks_html(blocks: Iterable[Block]) -> Markup:
    return _join(block_html(b) for b in blocks)


def header_html(doc: Document) -> Markup:
    """Quốc hiệu, Tiêu ngữ, the offices, Số and the date (a borderless 2 × 2 table), then
    the tên loại and trích yếu (or V/v and Kính gửi), the căn cứ and the notices."""
    left_top = Markup('<p class="gov">{}</p><p class="org">{}</p>').format(
        doc.governing_body, doc.issuing_office
    )
    right_top = Markup(
        '<p class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>'
        '<p class="motto">Độc lập - Tự do - Hạnh phúc</p>'
    )
    left_bottom = Markup('<p class="number">{}</p>').format(doc.number_line)
    if doc.form == "cong_van":
        left_bottom += Markup('<p class="regarding">{}</p>').format(doc.subject)
    right_bottom = Markup('<p class="date">{}</p>').format(doc.date_line)
    head = Markup(
        '<table class="doc-header" role="presentation"><tr><td class="l">{}</td>'
        '<td class="r">{}</td></tr><tr><td class="l">{}</td><td class="r">{}</td></tr></table>'
    ).format(left_top, right_top, left_bottom, right_bottom)
    parts = [head]
    if doc.form == "cong_van":
        rows = _join(
            Markup('<tr><td class="k">{}</td><td>{}</td></tr>').format(
                "Kính gửi:" if i == 0 else "", line
            )
            for i, line in enumerate(doc.addressees)
        )
        parts.append(
            Markup('<table class="addressees" role="presentation">{}</table>').format(rows)
        )
    else:
        parts.append(
            Markup('<h1 class="doc-kind">{}</h1><p class="doc-subject">{}</p>').format(
                doc.kind_name, doc.subject
            )
        )
    parts.append(_lines(doc.notice, "p", "notice"))
    parts.append(_lines(doc.grounds, "p", "grounds"))
    return Markup('<header class="doc-head">{}</header>').format(_join(parts))


def closing_html(doc: Document) -> Markup:
    """The closing sentence, then Nơi nhận (left) beside the signature block (right)."""
    recipients = Markup('<p class="to-label">Nơi nhận:</p>{}').format(
        _lines(doc.recipients, "p", "to")
    )
    sign = _join(
        [
            _lines(doc.authority, "p", "authority"),
            _lines([doc.signer_title], "p", "authority"),
            Markup('<p class="sign-space"></p>'),
            _lines([doc.signer_name], "p", "signer"),
        ]
    )
    return _join(
        [
            _lines(doc.closing, "p", "closing"),
            Markup(
                '<table class="doc-sign" role="presentation"><tr><td class="l">{}</td>'
                '<td class="r">{}</td></tr></table>'
            ).format(recipients, sign),
        ]
    )


def appendix_html(appendix: Appendix) -> Markup:
    """'Phụ lục I', its title and note, its blocks: a section printed on pages of its own."""
    css = "appendix landscape" if appendix.landscape else "appendix"
    head = Markup(
        '<p class="app-number">Phụ lục {}</p><p class="app-title">{}</p><p class="app-note">{}</p>'
    ).format(appendix.number, appendix.title, appendix.note)
    return Markup('<section class="{}" id="{}">{}{}</section>').format(
        css, f"phu-luc-{appendix.number}", head, blocks_html(appendix.blocks)
    )


def body_html(doc: Document) -> Markup:
    return Markup('<div class="doc-body">{}</div>').format(blocks_html(doc.body))


__all__ = [
    "appendix_html",
    "block_html",
    "blocks_html",
    "body_html",
    "closing_html",
    "figure_html",
    "header_html",
]

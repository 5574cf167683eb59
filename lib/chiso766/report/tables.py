"""Escaped HTML table fragments and class chips for report notebooks.

Every cell and header is HTML-escaped; a formatter may return :class:`markupsafe.Markup` (as
:func:`chip` does) to insert trusted markup. Numeric columns are right-aligned; missing values
render as ``missing`` ("—" unless told) in a ``td.na`` without calling the formatter. Tables
are wrapped in a ``div.table-wrap`` that scrolls sideways on narrow screens (report.css).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from chiso766.compute.textnorm import slug
from chiso766.formatting import MISSING, fmt_number
from chiso766.report.document import Table

Formatter = Callable[[Any], Any]

#: Class names with a colour chip in report.css (``.chip-<slug>``); others get ``.chip-other``.
KNOWN_CLASSES = ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu")


def chip(class_name: Any, *, missing: str = MISSING) -> Markup:
    """A coloured badge for a class: ``<span class="chip chip-tot">Tốt</span>``."""
    if _is_missing(class_name) or str(class_name).strip() == "":
        return Markup('<span class="chip chip-none">{}</span>').format(missing)
    name = str(class_name)
    known = {slug(c): c for c in KNOWN_CLASSES}
    key = slug(name)
    css = f"chip-{key}" if key in known else "chip-other"
    return Markup('<span class="chip {}">{}</span>').format(css, name)


def _is_missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _default_format(value: Any) -> Any:
    if pd.api.types.is_bool(value):
        return "Có" if value else "Không"
    if pd.api.types.is_number(value):
        return fmt_number(value)
    return value


def _text_cell(value: Any, fmt: Formatter | None, missing: str) -> str:
    """The cell's text, unescaped (a formatter's Markup is returned as Markup)."""
    if _is_missing(value):
        return missing
    out = (fmt or _default_format)(value)
    if out is None or _is_missing(out):
        return missing
    return out if isinstance(out, Markup) else str(out)


def table_block(
    df: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Formatter] | None = None,
    caption: str | None = None,
    *,
    missing: str | Mapping[str, str] = MISSING,
    numeric: tuple[str, ...] | None = None,
    widths: Mapping[str, float] | None = None,
    chip_column: str | None = None,
    css: str | tuple[str, ...] = (),
) -> Table:
    """``df`` as a printed :class:`~chiso766.report.document.Table` (index not shown).

    ``columns`` maps column → Vietnamese header, in display order (default: all columns as
    named). ``formats`` maps column → callable returning text; numbers default to
    :func:`~chiso766.formatting.fmt_number`. ``missing`` is the text for NaN/None, one for all
    columns or per column. ``numeric`` overrides which columns are right-aligned (default: the
    numeric dtypes). ``widths`` gives relative column widths (default from the text lengths).
    """
    columns = dict(columns) if columns is not None else {str(c): str(c) for c in df.columns}
    unknown = [c for c in columns if c not in df.columns]
    if unknown:
        raise KeyError(f"columns not in the frame: {', '.join(map(repr, unknown))}")
    formats = dict(formats or {})
    num = {c for c in columns if _is_numeric(df[c])} if numeric is None else set(numeric)

    def missing_for(col: str) -> str:
        return missing.get(col, MISSING) if isinstance(missing, Mapping) else missing

    cols = list(columns)
    rows, gaps, marked = [], [], set()
    for row in df[cols].itertuples(index=False, name=None):
        texts, holes = [], []
        for j, (col, value) in enumerate(zip(cols, row, strict=True)):
            text = _text_cell(value, formats.get(col), missing_for(col))
            if isinstance(text, Markup):
                marked.add(j)  # a formatter's trusted markup (a chip)
            texts.append(str(text))
            holes.append(_is_missing(value))
        rows.append(texts)
        gaps.append(holes)
    if widths is None:
        weights = []
        for j, col in enumerate(cols):
            longest = max([len(r[j]) for r in rows[:200]] + [4])
            head = max((len(w) for w in str(columns[col]).split()), default=4)
            weights.append(float(min(40, max(longest, head, 4))))
    else:
        weights = [float(widths.get(c, 1.0)) for c in cols]
    return Table(
        columns=[str(columns[c]) for c in cols],
        rows=rows,
        numeric=[c in num for c in cols],
        widths=weights,
        caption=caption or "",
        chip=cols.index(chip_column) if chip_column in cols else -1,
        missing=gaps,
        css=" ".join([css] if isinstance(css, str) else css).strip(),
        markup=sorted(marked),
    )


PHONE_ONLY = {"phone-cards", "numbered"}
"""Classes that change a table only on a phone (rows as cards; ``numbered``: the first column
is a row number, left out of the card), not its printed layout."""


def block_table_html(table: Table) -> str:
    """An escaped ``<table>`` of a :class:`Table`: a header row repeated on printed pages,
    numbers right-aligned, each cell labelled with its header (a phone shows rows as cards)."""
    css = " ".join(c for c in ("report-table", table.css) if c)
    classes = set(table.css.split())
    cards = bool(classes & {"stack", "phone-cards"}) or table.wide  # a phone: each row a card
    if table.wide:
        css += " wide"
    parts: list[str] = [f'<div class="table-wrap"><table class="{escape(css)}">']
    if table.caption:
        parts.append(f"<caption>{escape(table.caption)}</caption>")
    total = sum(table.widths) or 1.0
    if classes - PHONE_ONLY:  # a laid-out table: its columns' widths
        parts.append("<colgroup>")
        parts += [f'<col style="width:{100 * w / total:.1f}%">' for w in table.widths]
        parts.append("</colgroup>")
    parts.append("<thead><tr>")
    parts += [
        f'<th scope="col"{_cls(num)}>{escape(h)}</th>'
        for h, num in zip(table.columns, table.numeric, strict=True)
    ]
    parts.append("</tr></thead><tbody>")
    # each cell's opening tag, by column and by whether the value is missing (escaped once)
    labels = [f' data-label="{escape(h)}"' if cards else "" for h in table.columns]
    opening = [
        (f"<td{_cls(num)}{label}>", f"<td{_cls(num, True)}{label}>")
        for num, label in zip(table.numeric, labels, strict=True)
    ]
    for i, row in enumerate(table.rows):
        holes = table.missing[i] if i < len(table.missing) else [False] * len(row)
        parts.append("<tr>")
        for j, text in enumerate(row):
            if j == table.chip:
                value = chip(text if not holes[j] else None)
            elif j in table.markup and not holes[j]:
                value = text  # trusted: made by the table's own formatter
            else:
                value = escape(text)
            parts.append(f"{opening[j][bool(holes[j])]}{value}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def _cls(num: bool, na: bool = False) -> str:
    css = " ".join(c for c, on in (("num", num), ("na", na)) if on)
    return f' class="{css}"' if css else ""


def table_html(
    df: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Formatter] | None = None,
    classes: str | tuple[str, ...] = (),
    caption: str | None = None,
    *,
    missing: str | Mapping[str, str] = MISSING,
    numeric: tuple[str, ...] | None = None,
) -> str:
    """An escaped ``<table>`` fragment of ``df`` (see :func:`table_block` for the arguments;
    a formatter may return :class:`~markupsafe.Markup`, kept as markup)."""
    block = table_block(
        df, columns, formats, caption, missing=missing, numeric=numeric, css=classes
    )
    return block_table_html(block)

"""A small SVG writer for report charts: shapes and text with every value escaped, linear
scales, and an estimate of text widths for layout.

Charts are vector and inline: text stays text in the page's own font (the report's serif in
print), sharp at any zoom, and a 100-unit chart weighs a few dozen kilobytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

#: average advance of a character, in em, of a Times/Liberation-like serif (for layout only)
CHAR_EM = 0.5


def text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` at font ``size`` (digits and capitals a little wider)."""
    wide = sum(1 for ch in text if ch.isupper() or ch.isdigit() or ch in "mwMW")
    return (len(text) * CHAR_EM + wide * 0.12) * size


def shorten(text: object, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit_text(text: object, size: float, width: float) -> str:
    """``text`` cut so that it fits ``width`` at font ``size``."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    limit = max(4, int(width / (size * (CHAR_EM + 0.04))))
    return shorten(text, limit)


def _num(x: float) -> str:
    """Coordinates with at most one decimal, no trailing zeros."""
    out = f"{x:.1f}"
    return out[:-2] if out.endswith(".0") else out


@dataclass(frozen=True)
class Scale:
    """A linear map from a data domain to pixels."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, x: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (x - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi], about ``n`` of them."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step - 1e-9) * step
    out, v = [], start
    while v <= hi + 1e-9:
        out.append(round(v, 10))
        v += step
    return out


@dataclass
class Svg:
    """An SVG document being built; :meth:`markup` returns it as escaped markup."""

    width: float
    height: float
    label: str
    parts: list[str] = field(default_factory=list)

    def add(self, fragment: Markup | str) -> None:
        self.parts.append(str(fragment))

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **attrs: object) -> None:
        self.add(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(0.0, w))}" '
            f'height="{_num(max(0.0, h))}" fill="{escape(fill)}"{_attrs(attrs)}/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, **attrs: object):
        self.add(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
            f'stroke="{escape(stroke)}"{_attrs(attrs)}/>'
        )

    def circle(self, cx: float, cy: float, r: float, fill: str, **attrs: object) -> None:
        self.add(
            f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" '
            f'fill="{escape(fill)}"{_attrs(attrs)}/>'
        )

    def polyline(self, points: Sequence[tuple[float, float]], stroke: str, **attrs: object):
        if len(points) < 2:
            return
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        self.add(
            f'<polyline points="{escape(pts)}" fill="none" stroke="{escape(stroke)}"'
            f"{_attrs(attrs)}/>"
        )

    def text(
        self,
        x: float,
        y: float,
        text: object,
        *,
        size: float = 11,
        anchor: str = "start",
        fill: str = "#24292f",
        weight: str = "normal",
        baseline: str = "middle",
        **attrs: object,
    ) -> None:
        bold = ' font-weight="bold"' if weight == "bold" else ""
        self.add(
            f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" '
            f'text-anchor="{escape(anchor)}" dominant-baseline="{escape(baseline)}" '
            f'fill="{escape(fill)}"{bold}{_attrs(attrs)}>{escape(str(text))}</text>'
        )

    def markup(self) -> Markup:
        head = Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" '
            'height="{}" role="img" aria-label="{}" class="chart-svg">'
        ).format(
            _num(self.width), _num(self.height), _num(self.width), _num(self.height), self.label
        )
        return head + Markup("".join(self.parts)) + Markup("</svg>")


def _attrs(attrs: dict[str, object]) -> str:
    return "".join(
        f' {escape(k.replace("_", "-"))}="{escape(v)}"' for k, v in attrs.items() if v is not None
    )


def polylines(points: Iterable[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Split a series at missing values: each run of present points is its own line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None or (isinstance(y, float) and math.isnan(y)):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x, y))
    return [r for r in runs if r]


__all__ = [
    "Scale",
    "Svg",
    "escape",
    "fit_text",
    "nice_ticks",
    "polylines",
    "shorten",
    "text_width",
]

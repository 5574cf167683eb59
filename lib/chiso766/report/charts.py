"""Charts for reports: each function draws a tidy frame and returns a :class:`Chart` (inline
SVG, text in the page's font).

Data preparation (sorting, shares, losses, splitting long lists into panels) stays with the
caller; these functions only draw. Numbers use a decimal comma. Embed a chart with
:func:`figure_html`; in JupyterLab a Chart displays itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from markupsafe import Markup

from chiso766.formatting import fmt_number, fmt_rank, fmt_signed
from chiso766.report.svg import Scale, Svg, fit_text, nice_ticks, polylines, text_width

#: Class colours; report.css uses the same values for the chips (tested).
CLASS_COLOURS: dict[str, str] = {
    "Xuất sắc": "#1a7f37",
    "Tốt": "#2f81c7",
    "Khá": "#d4a017",
    "Trung bình": "#e07b39",
    "Yếu": "#c0392b",
}
OTHER_COLOUR = "#8c959f"
RISE, FALL, SAME = "#1a7f37", "#c0392b", "#8c959f"
INK, GRID, MUTED = "#24292f", "#d0d7de", "#57606a"
TOTAL_COLOUR, RANK_COLOUR = "#2f81c7", "#e07b39"
WIDTH = 720.0
FONT = 11.0
TITLE = 13.0
ROW = 17.0
#: units per panel of a long list (a panel fits one A4 page)
PANEL_ROWS = 34
#: largest level a heatmap is drawn for (beyond it the appendix table has the values)
HEATMAP_MAX_UNITS = 40
_HEAT = [(0, (165, 0, 38)), (25, (244, 109, 67)), (50, (254, 224, 139)), (75, (166, 217, 106))]
_HEAT += [(100, (26, 152, 80))]


class Band(Protocol):
    """A class band (``chiso766.methodology.ClassBand``): a name and its lowest total."""

    name: str
    min: float


@dataclass(frozen=True)
class Chart:
    """A drawn chart: inline SVG markup, its size in CSS pixels and its title."""

    svg: Markup
    width: float
    height: float
    title: str

    def _repr_html_(self) -> str:
        return str(figure_html(self, self.title))

    def __str__(self) -> str:
        return str(self.svg)


def _need(df: pd.DataFrame, cols: Sequence[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"the frame needs columns {list(cols)}; missing {missing}")


def _f(x: Any) -> float:
    try:
        return float("nan") if x is None or pd.isna(x) else float(x)
    except (TypeError, ValueError):
        return float("nan")


def _title(svg: Svg, title: str) -> None:
    svg.text(0, 12, fit_text(title, TITLE, svg.width), size=TITLE, weight="bold")


def _empty(title: str, text: str = "Không có dữ liệu") -> Chart:
    svg = Svg(WIDTH, 70, title)
    _title(svg, title)
    svg.text(WIDTH / 2, 46, text, anchor="middle", fill=SAME)
    return Chart(svg.markup(), WIDTH, 70, title)


def _label_width(labels: Sequence[str], cap: float = 280.0) -> float:
    widest = max((text_width(str(s), FONT) for s in labels), default=40.0)
    return min(cap, widest + 10)


def _x_axis(svg: Svg, x: Scale, y: float, top: float, ticks: list[float], decimals: int = 0):
    for t in ticks:
        px = x(t)
        svg.line(px, top, px, y, GRID, stroke_width="0.6")
        svg.text(px, y + 10, fmt_number(t, decimals), size=FONT - 1, anchor="middle", fill=MUTED)


def missing_caption(df: pd.DataFrame, value: str = "total", name: str = "unit") -> str | None:
    """Plain text naming units without a value (not drawn), or None; escape it in HTML."""
    names = [str(n) for n in df.loc[df[value].isna(), name]]
    if not names:
        return None
    return f"Không có dữ liệu ({len(names)} đơn vị, không vẽ): {', '.join(names)}."


def panels(df: pd.DataFrame, rows: int = PANEL_ROWS) -> list[pd.DataFrame]:
    """A long frame cut into pieces of at most ``rows`` rows, evenly (a chart per piece)."""
    n = len(df)
    if n <= rows:
        return [df]
    k = math.ceil(n / rows)
    size = math.ceil(n / k)
    return [df.iloc[i : i + size] for i in range(0, n, size)]


# --- units ---------------------------------------------------------------------------------
def ranked_units(
    df: pd.DataFrame,
    bands: Sequence[Band],
    *,
    title: str = "Điểm và xếp loại các đơn vị",
    xlabel: str = "Tổng điểm",
    top: float = 100.0,
) -> Chart:
    """Horizontal bars of ``df[unit, total, class]``, best on top, coloured by class, over
    shaded class bands. Units without a total are not drawn; a note counts them."""
    _need(df, ["unit", "total", "class"])
    data = df[df["total"].notna()].sort_values("total", ascending=False, kind="stable")
    n_missing = int(df["total"].isna().sum())
    if data.empty:
        return _empty(title)
    top = max(top, float(data["total"].max()))
    labels = [str(u) for u in data["unit"]]
    left = _label_width(labels)
    head, foot = 44.0, 34.0 + (14 if n_missing else 0)
    height = head + ROW * len(data) + foot
    svg = Svg(WIDTH, height, title)
    _title(svg, title)
    x = Scale(0, top * 1.02, left, WIDTH - 44)
    bottom = head + ROW * len(data)
    edges = sorted(float(b.min) for b in bands)
    for band in bands:
        lo = float(band.min)
        hi = min([e for e in edges if e > lo] + [top])
        colour = CLASS_COLOURS.get(band.name, OTHER_COLOUR)
        svg.rect(x(lo), head - 4, x(hi) - x(lo), bottom - head + 4, colour, fill_opacity="0.08")
        if lo > 0:
            svg.line(x(lo), head - 4, x(lo), bottom, colour, stroke_dasharray="3 2")
        name = fit_text(band.name, FONT - 2, max(8.0, x(hi) - x(lo)))
        svg.text((x(lo) + x(hi)) / 2, head - 12, name, size=FONT - 2, anchor="middle", fill=colour)
    _x_axis(svg, x, bottom, head - 4, nice_ticks(0, top, 5))
    for i, (unit, total, klass) in enumerate(
        zip(labels, data["total"], data["class"], strict=True)
    ):
        y = head + ROW * i
        colour = CLASS_COLOURS.get(str(klass), OTHER_COLOUR)
        svg.rect(x(0), y + 3, x(float(total)) - x(0), ROW - 6, colour)
        svg.text(left - 6, y + ROW / 2, fit_text(unit, FONT, left - 8), anchor="end")
        svg.text(x(float(total)) + 3, y + ROW / 2, fmt_number(total), size=FONT - 1)
    svg.text((left + WIDTH - 44) / 2, bottom + 26, xlabel, size=FONT - 1, anchor="middle")
    if n_missing:
        svg.text(0, height - 6, f"{n_missing} đơn vị không có dữ liệu (không vẽ).", fill=MUTED)
    return Chart(svg.markup(), WIDTH, height, title)


def change_dumbbell(
    df: pd.DataFrame,
    *,
    old_label: str = "Lần trước",
    new_label: str = "Lần này",
    title: str = "Thay đổi điểm giữa hai lần đánh giá",
    lo: float | None = None,
) -> Chart:
    """One row per unit of ``df[unit, old, new]`` in the frame's order: a segment from old
    to new coloured by direction, the change written at the right."""
    _need(df, ["unit", "old", "new"])
    data = df[df["old"].notna() | df["new"].notna()]
    if data.empty:
        return _empty(title)
    old = data["old"].map(_f).to_numpy()
    new = data["new"].map(_f).to_numpy()
    labels = [str(u) for u in data["unit"]]
    left = _label_width(labels)
    low = lo if lo is not None else max(0.0, math.floor(np.nanmin(np.r_[old, new]) / 5) * 5 - 5)
    head, foot = 44.0, 30.0
    height = head + ROW * len(data) + foot
    svg = Svg(WIDTH, height, title)
    _title(svg, title)
    x = Scale(low, 100.0, left, WIDTH - 60)
    bottom = head + ROW * len(data)
    _x_axis(svg, x, bottom, head - 4, nice_ticks(low, 100, 5))
    lx = WIDTH - 230
    svg.circle(lx, 28, 4, "white", stroke=MUTED)
    svg.text(lx + 8, 28, old_label, size=FONT - 1)
    svg.circle(lx + 110, 28, 4, INK)
    svg.text(lx + 118, 28, new_label, size=FONT - 1)
    for i, (unit, a, b) in enumerate(zip(labels, old, new, strict=True)):
        y = head + ROW * i + ROW / 2
        svg.text(left - 6, y, fit_text(unit, FONT, left - 8), anchor="end")
        if not (math.isnan(a) or math.isnan(b)):
            colour = RISE if b > a else FALL if b < a else SAME
            svg.line(x(a), y, x(b), y, colour, stroke_width="2.5")
            svg.text(WIDTH - 4, y, fmt_signed(b - a), size=FONT - 1, anchor="end", fill=colour)
        if not math.isnan(a):
            svg.circle(x(a), y, 3.5, "white", stroke=MUTED)
        if not math.isnan(b):
            svg.circle(x(b), y, 3.5, INK)
    return Chart(svg.markup(), WIDTH, height, title)


def _heat_colour(v: float) -> str:
    if math.isnan(v):
        return "#eaeef2"
    v = min(100.0, max(0.0, v))
    for (a, ca), (b, cb) in zip(_HEAT, _HEAT[1:], strict=False):
        if v <= b:
            t = (v - a) / (b - a)
            rgb = [round(p + (q - p) * t) for p, q in zip(ca, cb, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#1a9850"


def _wrap(text: str, size: float, width: float, lines: int = 2) -> list[str]:
    words, out, cur = str(text).split(), [], ""
    for word in words:
        trial = f"{cur} {word}".strip()
        if text_width(trial, size) <= width or not cur:
            cur = trial
        else:
            out.append(cur)
            cur = word
    out.append(cur)
    if len(out) > lines:
        out = out[: lines - 1] + [fit_text(" ".join(out[lines - 1 :]), size, width)]
    return [fit_text(s, size, width) for s in out]


def group_heatmap(
    df: pd.DataFrame,
    *,
    title: str = "Tỷ lệ điểm đạt được theo nhóm chỉ số (%)",
    legend: str = "% điểm tối đa của nhóm",
) -> Chart:
    """Units × groups of ``df[unit, group, share]`` (share in %, 0–100), values written in;
    units and groups in their order of first appearance; a missing cell is grey with "—"."""
    _need(df, ["unit", "group", "share"])
    units = list(dict.fromkeys(df["unit"]))
    groups = list(dict.fromkeys(df["group"]))
    if not units or not groups:
        return _empty(title)
    grid = (
        df.pivot_table(
            index="unit", columns="group", values="share", aggfunc="first", dropna=False, sort=False
        )
        .reindex(index=units, columns=groups)
        .astype("float64")
    )
    left = _label_width([str(u) for u in units])
    cell_w = (WIDTH - left) / len(groups)
    head = 30.0 + 2 * (FONT + 2) + 6
    height = head + ROW * len(units) + 36
    svg = Svg(WIDTH, height, title)
    _title(svg, title)
    for j, g in enumerate(groups):
        cx = left + cell_w * (j + 0.5)
        for k, line in enumerate(_wrap(g, FONT - 1, cell_w - 6)):
            svg.text(cx, 30 + k * (FONT + 2), line, size=FONT - 1, anchor="middle")
    for i, unit in enumerate(units):
        y = head + ROW * i
        svg.text(left - 6, y + ROW / 2, fit_text(unit, FONT, left - 8), anchor="end")
        for j, g in enumerate(groups):
            v = float(grid.at[unit, g])
            svg.rect(left + cell_w * j + 1, y + 1, cell_w - 2, ROW - 2, _heat_colour(v))
            text = "—" if math.isnan(v) else fmt_number(v, 1)
            svg.text(left + cell_w * (j + 0.5), y + ROW / 2, text, size=FONT - 1, anchor="middle")
    ly = head + ROW * len(units) + 14
    svg.text(left, ly + 6, legend, size=FONT - 1, fill=MUTED)
    x0 = left + text_width(legend, FONT - 1) + 12
    for k, v in enumerate(range(0, 101, 10)):
        svg.rect(x0 + k * 22, ly, 22, 12, _heat_colour(float(v)))
        if v % 50 == 0:
            svg.text(x0 + k * 22 + 11, ly + 22, str(v), size=FONT - 2, anchor="middle")
    return Chart(svg.markup(), WIDTH, height, title)


# --- over time -----------------------------------------------------------------------------
def trend(
    df: pd.DataFrame,
    *,
    title: str = "Tổng điểm và xếp hạng toàn quốc qua các kỳ",
    total_label: str = "Tổng điểm",
    rank_label: str = "Xếp hạng toàn quốc",
    height: float = 250.0,
) -> Chart:
    """Total (left axis, up to 100) and rank (right axis, 1 on top) of ``df[label, total,
    rank, of]``, one point per row in the frame's order; the first and last points are
    labelled ("75,45", "20/63"); a missing value breaks the line."""
    _need(df, ["label", "total", "rank", "of"])
    if df.empty:
        return _empty(title)
    n = len(df)
    total = [_f(v) for v in df["total"]]
    rank = [_f(v) for v in df["rank"]]
    of = [_f(v) for v in df["of"]]
    svg = Svg(WIDTH, height, title)
    _title(svg, title)
    left, right, top, bottom = 48.0, WIDTH - 48, 44.0, height - 34
    finite = [v for v in total if not math.isnan(v)]
    lo = max(0.0, math.floor((min(finite) if finite else 0) / 10) * 10 - 10)
    y = Scale(lo, 100.0, bottom, top)
    x = Scale(0, max(1, n - 1), left + 12, right - 12)
    for t in nice_ticks(lo, 100, 5):
        svg.line(left, y(t), right, y(t), GRID, stroke_width="0.6")
        svg.text(left - 6, y(t), fmt_number(t, 0), size=FONT - 1, anchor="end", fill=TOTAL_COLOUR)
    worst = max([v for v in rank + of if not math.isnan(v)] + [1.0])
    r = Scale(1, max(2.0, worst), top, bottom)
    rank_ticks = [1.0] + [t for t in nice_ticks(1, max(2.0, worst), 4) if t > 1.5]
    for t in rank_ticks:
        svg.text(right + 6, r(t), fmt_number(t, 0), size=FONT - 1, fill=RANK_COLOUR)
    step = max(1, math.ceil(n / 12))
    ticks = [i for i in range(0, n, step) if n - 1 - i >= step / 2 or step == 1] + [n - 1]
    labels = [str(v) for v in df["label"]]
    for i in sorted(set(ticks)):
        svg.text(x(i), bottom + 14, labels[i], size=FONT - 1, anchor="middle", fill=MUTED)
    for run in polylines((x(i), v) for i, v in enumerate(total)):
        svg.polyline([(px, y(v)) for px, v in run], TOTAL_COLOUR, stroke_width="2")
    for run in polylines((x(i), v) for i, v in enumerate(rank)):
        svg.polyline([(px, r(v)) for px, v in run], RANK_COLOUR, stroke_dasharray="5 3")
    dots = n <= 24
    for i in range(n):
        if not math.isnan(total[i]) and (dots or i in (0, n - 1)):
            svg.circle(x(i), y(total[i]), 3, TOTAL_COLOUR)
        if not math.isnan(rank[i]) and (dots or i in (0, n - 1)):
            svg.rect(x(i) - 2.5, r(rank[i]) - 2.5, 5, 5, RANK_COLOUR)
    for i in sorted({0, n - 1}):
        anchor = "start" if i == 0 and n > 1 else "end" if n > 1 else "middle"
        yt = y(total[i]) - 9 if not math.isnan(total[i]) else None
        yr = r(rank[i]) + 12 if not math.isnan(rank[i]) else None
        if yt is not None and yr is not None and abs(yt - yr) < FONT + 2:
            # the two labels would overlap: the lower one goes below the other
            if yr >= yt:
                yr = yt + FONT + 2
            else:
                yt = yr + FONT + 2
        if yt is not None:
            svg.text(x(i), yt, fmt_number(total[i]), size=FONT - 1, anchor=anchor,
                     fill=TOTAL_COLOUR)  # fmt: skip
        if yr is not None:
            svg.text(x(i), yr, fmt_rank(rank[i], of[i]), size=FONT - 1,
                     anchor=anchor, fill=RANK_COLOUR)  # fmt: skip
    lx = left
    svg.line(lx, 28, lx + 18, 28, TOTAL_COLOUR, stroke_width="2")
    svg.text(lx + 22, 28, f"{total_label} (trục trái)", size=FONT - 1)
    lx += 40 + text_width(f"{total_label} (trục trái)", FONT - 1)
    svg.line(lx, 28, lx + 18, 28, RANK_COLOUR, stroke_dasharray="5 3")
    svg.text(lx + 22, 28, f"{rank_label} (trục phải, hạng 1 ở trên cùng)", size=FONT - 1)
    return Chart(svg.markup(), WIDTH, height, title)


# --- points --------------------------------------------------------------------------------
def points_lost(
    df: pd.DataFrame, *, title: str = "Điểm bị mất theo chỉ số", xlabel: str = "Điểm bị mất"
) -> Chart:
    """Sorted horizontal bars of ``df[name, lost]``, the largest loss on top; total in the
    title."""
    _need(df, ["name", "lost"])
    data = df[df["lost"].notna()].sort_values("lost", ascending=False, kind="stable")
    total = float(data["lost"].sum()) if len(data) else 0.0
    full = f"{title} (tổng {fmt_number(total)} điểm)"
    if data.empty:
        return _empty(full)
    labels = [str(s) for s in data["name"]]
    left = _label_width(labels, cap=340)
    head, foot = 30.0, 34.0
    height = head + ROW * len(data) + foot
    svg = Svg(WIDTH, height, full)
    _title(svg, full)
    hi = max(float(data["lost"].max()), 1.0)
    x = Scale(0, hi * 1.1, left, WIDTH - 44)
    bottom = head + ROW * len(data)
    _x_axis(svg, x, bottom, head - 4, nice_ticks(0, hi * 1.05, 5), decimals=1)
    for i, (name, lost) in enumerate(zip(labels, data["lost"], strict=True)):
        yy = head + ROW * i
        svg.rect(x(0), yy + 3, x(float(lost)) - x(0), ROW - 6, FALL)
        svg.text(left - 6, yy + ROW / 2, fit_text(name, FONT, left - 8), anchor="end")
        svg.text(x(float(lost)) + 3, yy + ROW / 2, fmt_number(lost), size=FONT - 1)
    svg.text((left + WIDTH - 44) / 2, bottom + 26, xlabel, size=FONT - 1, anchor="middle")
    return Chart(svg.markup(), WIDTH, height, full)


def group_bars(
    df: pd.DataFrame,
    *,
    title: str = "Điểm theo nhóm chỉ số so với điểm tối đa",
    median_label: str = "Trung vị cùng cấp",
) -> Chart:
    """One row per group of ``df[name, points, max, median]``: the share of the group's
    maximum reached, the points written as "11,37/18", the level's median as a tick."""
    _need(df, ["name", "points", "max", "median"])
    if df.empty:
        return _empty(title)
    labels = [str(s) for s in df["name"]]
    left = _label_width(labels)
    head, foot = 44.0, 30.0
    row = ROW + 2
    height = head + row * len(df) + foot
    svg = Svg(WIDTH, height, title)
    _title(svg, title)
    x = Scale(0, 100, left, WIDTH - 90)
    bottom = head + row * len(df)
    _x_axis(svg, x, bottom, head - 4, [0, 25, 50, 75, 100])
    svg.line(WIDTH - 250, 28, WIDTH - 250, 38, INK, stroke_width="2")
    svg.text(WIDTH - 244, 33, median_label, size=FONT - 1)
    for i, rec in enumerate(df.to_dict("records")):
        yy = head + row * i
        mx, pts, med = _f(rec["max"]), _f(rec["points"]), _f(rec["median"])
        svg.rect(x(0), yy + 4, x(100) - x(0), row - 8, "#eaeef2")
        svg.text(left - 6, yy + row / 2, fit_text(labels[i], FONT, left - 8), anchor="end")
        if mx and not math.isnan(pts):
            share = 100 * pts / mx
            colour = RISE if share >= 90 else TOTAL_COLOUR if share >= 70 else RANK_COLOUR
            svg.rect(x(0), yy + 4, x(share) - x(0), row - 8, colour)
            text = f"{fmt_number(pts)}/{fmt_number(mx)}"
            svg.text(x(100) + 6, yy + row / 2, text, size=FONT - 1)
        else:
            svg.text(x(100) + 6, yy + row / 2, "—", size=FONT - 1, fill=MUTED)
        if mx and not math.isnan(med):
            mxp = x(100 * med / mx)
            svg.line(mxp, yy + 1, mxp, yy + row - 1, INK, stroke_width="2")
    svg.text((left + WIDTH - 90) / 2, bottom + 24, "% điểm tối đa của nhóm", size=FONT - 1,
             anchor="middle")  # fmt: skip
    return Chart(svg.markup(), WIDTH, height, title)


def position_strip(
    totals: Sequence[float],
    mine: float,
    *,
    median: float | None = None,
    p75: float | None = None,
    name: str = "Đơn vị",
    title: str = "Vị trí so với các đơn vị cùng cấp",
) -> Chart:
    """Every unit of a level as a dot on the score axis, the unit highlighted and named, the
    median (label to its left) and the upper quartile (label to its right) marked."""
    values = [v for v in (_f(t) for t in totals) if not math.isnan(v)]
    if not values:
        return _empty(title)
    m = _f(mine)
    height = 124.0
    svg = Svg(WIDTH, height, title)
    _title(svg, title)
    lowest = min(values + ([m] if not math.isnan(m) else []))
    low = max(0.0, math.floor(lowest / 10) * 10 - 5)
    x = Scale(low, 100, 20, WIDTH - 20)
    top, axis = 40.0, 92.0
    _x_axis(svg, x, axis, top, nice_ticks(low, 100, 6))
    for k, v in enumerate(sorted(values)):
        svg.circle(x(v), axis - 10 - (k % 4) * 9, 3.2, OTHER_COLOUR, fill_opacity="0.7")
    marks = ((median, "Trung vị", "end", -4), (p75, "Từ đây: 25% cao nhất", "start", 4))
    for value, label, anchor, dx in marks:
        if value is not None and not math.isnan(_f(value)):
            svg.line(x(value), top - 6, x(value), axis, INK, stroke_dasharray="3 2")
            svg.text(x(value) + dx, top - 8, f"{label} {fmt_number(value)}", size=FONT - 1,
                     anchor=anchor)  # fmt: skip
    if not math.isnan(m):
        svg.circle(x(m), axis - 24, 6, FALL, stroke="white", stroke_width="1.5")
        anchor = "end" if x(m) > WIDTH * 0.6 else "start"
        text = f"{fit_text(name, FONT, 300)}: {fmt_number(m)}"
        svg.text(x(m), axis + 24, text, size=FONT, anchor=anchor, weight="bold", fill=FALL)
    return Chart(svg.markup(), WIDTH, height, title)


# --- embedding -----------------------------------------------------------------------------
def figure_html(chart: Chart | None, alt: str, caption: str | None = None) -> Markup:
    """``<figure class="chart">`` holding the chart's inline SVG (``alt`` as its label) and an
    escaped caption; empty for no chart."""
    if chart is None:
        return Markup("")
    cap = Markup("<figcaption>{}</figcaption>").format(caption) if caption else Markup("")
    return Markup('<figure class="chart" aria-label="{}">{}{}</figure>').format(
        alt or chart.title, chart.svg, cap
    )


__all__ = [
    "CLASS_COLOURS",
    "HEATMAP_MAX_UNITS",
    "PANEL_ROWS",
    "Chart",
    "change_dumbbell",
    "figure_html",
    "group_bars",
    "group_heatmap",
    "missing_caption",
    "panels",
    "points_lost",
    "position_strip",
    "ranked_units",
    "trend",
]

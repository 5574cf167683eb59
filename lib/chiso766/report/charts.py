"""Charts for reports: each function draws a tidy frame and returns a matplotlib Figure.

Data preparation (sorting of periods, shares, losses) stays with the caller; these functions
only draw. Figures are built with :class:`matplotlib.figure.Figure` (no pyplot state, Agg
canvas) in DejaVu Sans, which has every Vietnamese glyph; numbers use a decimal comma. Embed a
figure in a report with :func:`figure_html` (a data: URI, so the page stays self-contained).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import matplotlib
import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from chiso766.formatting import fmt_number, fmt_rank, fmt_signed

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
DPI = 100
ANNOTATE_MAX_UNITS = 40
WIDTH = 8.0  # inches
LABEL_CHARS = 48

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "path",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
}


class Band(Protocol):
    """A class band (``chiso766.methodology.ClassBand``): a name and its lowest total."""

    name: str
    min: float


@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(_RC):
        yield


def _num(decimals: int = 2) -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: fmt_number(x, decimals))


def _short(text: Any, limit: int = LABEL_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _need(df: pd.DataFrame, cols: Sequence[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"the frame needs columns {list(cols)}; missing {missing}")


def _empty(fig: Figure, ax: Any, text: str = "Không có dữ liệu") -> Figure:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=SAME)
    return fig


def missing_caption(df: pd.DataFrame, value: str = "total", name: str = "unit") -> str | None:
    """Plain text naming units without a value (not drawn), or None; escape it in HTML."""
    names = [str(n) for n in df.loc[df[value].isna(), name]]
    if not names:
        return None
    return f"Không có dữ liệu ({len(names)} đơn vị, không vẽ): {', '.join(names)}."


def ranked_units(
    df: pd.DataFrame,
    bands: Sequence[Band],
    *,
    title: str = "Điểm và xếp loại các đơn vị",
    xlabel: str = "Tổng điểm",
) -> Figure:
    """Horizontal bars of ``df[unit, total, class]``, best on top, coloured by class.

    Bands are shaded vertical regions. Units without a total are omitted from the bars and
    counted in a note (name them with :func:`missing_caption`). Height grows with the units.
    """
    _need(df, ["unit", "total", "class"])
    data = df[df["total"].notna()].sort_values("total", ascending=True, kind="stable")
    n_missing = int(df["total"].isna().sum())
    n = len(data)
    with _style():
        fig = Figure(figsize=(WIDTH, max(2.6, 0.26 * n + 1.5)), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(title, loc="left", pad=16)
        if n == 0:
            return _empty(fig, ax)
        top = max(100.0, float(data["total"].max()))
        edges = sorted(float(b.min) for b in bands)
        for band in bands:
            lo = float(band.min)
            hi = min([e for e in edges if e > lo] + [top])
            colour = CLASS_COLOURS.get(band.name, OTHER_COLOUR)
            ax.axvspan(lo, hi, color=colour, alpha=0.07, lw=0, zorder=0)
            if lo > 0:
                ax.axvline(lo, color=colour, lw=0.8, ls="--", alpha=0.7, zorder=1)
            ax.text(
                (lo + hi) / 2,
                1.0,
                band.name,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7,
                color=colour,
            )
        colours = [CLASS_COLOURS.get(str(c), OTHER_COLOUR) for c in data["class"]]
        y = np.arange(n)
        ax.barh(y, data["total"], color=colours, height=0.7, zorder=2)
        for yi, value in zip(y, data["total"], strict=True):
            ax.text(value + top * 0.005, yi, fmt_number(value), va="center", fontsize=7, zorder=3)
        ax.set_yticks(y, [_short(u) for u in data["unit"]])
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlim(0, top * 1.07)
        ax.xaxis.set_major_formatter(_num())
        ax.set_xlabel(xlabel)
        if n_missing:
            fig.text(
                0.01,
                0.0,
                f"{n_missing} đơn vị không có dữ liệu (không vẽ).",
                fontsize=7,
                color=SAME,
                ha="left",
                va="bottom",
            )
    return fig


def change_dumbbell(
    df: pd.DataFrame,
    *,
    old_label: str = "Lần trước",
    new_label: str = "Lần này",
    title: str = "Thay đổi điểm giữa hai lần đánh giá",
    xlabel: str = "Điểm",
) -> Figure:
    """One row per unit of ``df[unit, old, new]``: a segment from old to new, change noted.

    Rows are drawn in the frame's order, first on top; a unit with one value shows one dot.
    """
    _need(df, ["unit", "old", "new"])
    data = df[df["old"].notna() | df["new"].notna()]
    n = len(data)
    with _style():
        fig = Figure(figsize=(WIDTH, max(2.6, 0.3 * n + 1.6)), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(title, loc="left")
        if n == 0:
            return _empty(fig, ax)
        y = np.arange(n)[::-1]
        old = data["old"].astype("float64").to_numpy()
        new = data["new"].astype("float64").to_numpy()
        hi = float(np.nanmax(np.concatenate([old, new])))
        for yi, a, b in zip(y, old, new, strict=True):
            if not (math.isnan(a) or math.isnan(b)):
                colour = RISE if b > a else FALL if b < a else SAME
                ax.plot([a, b], [yi, yi], color=colour, lw=2.2, zorder=1)
                ax.text(hi * 1.03, yi, fmt_signed(b - a), va="center", fontsize=7, color=colour)
        ax.scatter(old, y, s=28, facecolor="white", edgecolor="#57606a", zorder=2, label=old_label)
        ax.scatter(new, y, s=28, color="#24292f", zorder=3, label=new_label)
        ax.set_yticks(y, [_short(u) for u in data["unit"]])
        ax.set_ylim(-0.7, n - 0.3)
        lo = float(np.nanmin(np.concatenate([old, new])))
        ax.set_xlim(max(0.0, lo - 5), hi * 1.1 + 1)
        ax.xaxis.set_major_formatter(_num())
        ax.set_xlabel(xlabel)
        fig.legend(loc="outside upper right", ncols=2, frameon=False, fontsize=8)
        ax.grid(axis="x", color="#d0d7de", lw=0.5)
    return fig


def group_heatmap(
    df: pd.DataFrame,
    *,
    title: str = "Tỷ lệ điểm đạt được theo nhóm chỉ số (%)",
    legend: str = "% điểm tối đa của nhóm",
) -> Figure:
    """Units × groups of ``df[unit, group, share]`` (share in %, 0–100), values written in
    (up to :data:`ANNOTATE_MAX_UNITS` units).

    Units and groups keep their order of first appearance; a missing cell is grey with "—".
    """
    _need(df, ["unit", "group", "share"])
    units = list(dict.fromkeys(df["unit"]))
    groups = list(dict.fromkeys(df["group"]))
    grid = (
        df.pivot_table(
            index="unit", columns="group", values="share", aggfunc="first", dropna=False, sort=False
        )
        .reindex(index=units, columns=groups)
        .astype("float64")
    )
    with _style():
        height = max(2.4, 0.3 * len(units) + 1.8)
        width = min(WIDTH + 4, max(WIDTH, 1.1 * len(groups) + 3.5))
        fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(title, loc="left")
        if grid.empty:
            return _empty(fig, ax)
        cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#eaeef2")
        values = np.ma.masked_invalid(grid.to_numpy())
        image = ax.imshow(values, cmap=cmap, vmin=0, vmax=100, aspect="auto")
        # values are written in for up to 40 units; beyond that the appendix table has them
        # (hundreds of text objects make the figure slow to lay out and hard to read)
        if len(units) <= ANNOTATE_MAX_UNITS:
            for (i, j), v in np.ndenumerate(grid.to_numpy()):
                text = "—" if math.isnan(v) else fmt_number(v, 1)
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="#24292f")
        ax.set_xticks(range(len(groups)), [_short(g, 24) for g in groups], rotation=0)
        ax.set_yticks(range(len(units)), [_short(u) for u in units])
        ax.tick_params(length=0)
        ax.xaxis.tick_top()
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.8, format=_num(0))
        bar.set_label(legend)
    return fig


def trend(
    df: pd.DataFrame,
    *,
    title: str = "Tổng điểm và xếp hạng toàn quốc qua các kỳ",
    total_label: str = "Tổng điểm",
    rank_label: str = "Xếp hạng toàn quốc",
) -> Figure:
    """Total (left axis) and national rank (right axis, 1 on top) of ``df[label, total, rank,
    of]``, one point per row in the frame's order; points are labelled "75,45" and "20/63"."""
    _need(df, ["label", "total", "rank", "of"])
    x = np.arange(len(df))
    total = df["total"].astype("float64").to_numpy()
    rank = df["rank"].astype("float64").to_numpy()
    # With many periods, label only the first and last points and thin the x ticks.
    step = max(1, math.ceil(len(df) / 12))
    shown = set(range(len(df))) if step == 1 else {0, len(df) - 1}
    ticks = [i for i in range(0, len(df), step) if len(df) - 1 - i >= step / 2 or step == 1]
    ticks = sorted(set(ticks) | ({len(df) - 1} if len(df) else set()))
    with _style():
        fig = Figure(figsize=(WIDTH, 3.8), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(title, loc="left")
        if len(df) == 0:
            return _empty(fig, ax)
        ax.plot(x, total, marker="o", color="#2f81c7", lw=2, label=total_label)
        for xi, v in zip(x, total, strict=True):
            if not math.isnan(v) and xi in shown:
                ax.annotate(
                    fmt_number(v),
                    (xi, v),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=7,
                    color="#2f81c7",
                )
        ax.set_ylabel(total_label, color="#2f81c7")
        finite = total[~np.isnan(total)]
        lo = float(finite.min()) if finite.size else 0.0
        ax.set_ylim(max(0.0, lo - 10), 105)
        ax.yaxis.set_major_formatter(_num())
        labels = [str(v) for v in df["label"]]
        ax.set_xticks(ticks, [labels[i] for i in ticks])
        ax.set_xlim(-0.5, len(df) - 0.5)
        ax.grid(axis="y", color="#d0d7de", lw=0.5)
        right = ax.twinx()
        right.spines["right"].set_visible(True)
        right.plot(x, rank, marker="s", color="#e07b39", lw=1.5, ls="--", label=rank_label)
        for xi, r, of in zip(x, rank, df["of"], strict=True):
            if not math.isnan(r) and xi in shown:
                right.annotate(
                    fmt_rank(r, of),
                    (xi, r),
                    textcoords="offset points",
                    xytext=(0, -12),
                    ha="center",
                    fontsize=7,
                    color="#e07b39",
                )
        ranks = rank[~np.isnan(rank)]
        worst = float(np.nanmax(df["of"].astype("float64"))) if df["of"].notna().any() else 0.0
        worst = max(worst, float(ranks.max()) if ranks.size else 1.0)
        right.set_ylim(worst + 0.5, 0.5)  # inverted: rank 1 on top
        right.yaxis.set_major_locator(MaxNLocator(integer=True))
        right.yaxis.set_major_formatter(_num(0))
        right.set_ylabel(rank_label, color="#e07b39")
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        fig.legend(handles=handles, loc="outside upper right", ncols=2, frameon=False, fontsize=8)
    return fig


def points_lost(
    df: pd.DataFrame,
    *,
    title: str = "Điểm bị mất theo chỉ số",
    xlabel: str = "Điểm bị mất",
) -> Figure:
    """Sorted horizontal bars of ``df[name, lost]``, the largest loss on top; total in the title."""
    _need(df, ["name", "lost"])
    data = df[df["lost"].notna()].sort_values("lost", ascending=True, kind="stable")
    n = len(data)
    with _style():
        fig = Figure(figsize=(WIDTH, max(2.4, 0.3 * n + 1.4)), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        total = float(data["lost"].sum()) if n else 0.0
        ax.set_title(f"{title} (tổng {fmt_number(total)} điểm)", loc="left")
        if n == 0:
            return _empty(fig, ax)
        y = np.arange(n)
        ax.barh(y, data["lost"], color=FALL, height=0.65)
        top = max(float(data["lost"].max()), 1.0)
        for yi, v in zip(y, data["lost"], strict=True):
            ax.text(v + top * 0.01, yi, fmt_number(v), va="center", fontsize=7)
        ax.set_yticks(y, [_short(s, 60) for s in data["name"]])
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlim(0, top * 1.12)
        ax.xaxis.set_major_formatter(_num())
        ax.set_xlabel(xlabel)
    return fig


# --- embedding ----------------------------------------------------------------------------


def figure_bytes(fig: Figure, fmt: str = "png", dpi: float | None = None) -> bytes:
    """The figure saved as PNG or SVG bytes (white background)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"fmt must be 'png' or 'svg', got {fmt!r}")
    buf = io.BytesIO()
    with _style():
        fig.savefig(
            buf,
            format=fmt,
            dpi=dpi or fig.dpi,
            facecolor="white",
            metadata={"Software": None} if fmt == "png" else {"Date": None},
        )
    return buf.getvalue()


def figure_to_data_uri(fig: Figure, fmt: str = "png", dpi: float | None = None) -> str:
    """``data:image/png;base64,…`` (or ``image/svg+xml``) for an ``<img src>``."""
    mime = "image/png" if fmt == "png" else "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(figure_bytes(fig, fmt, dpi)).decode('ascii')}"


def figure_svg(fig: Figure) -> Markup:
    """The figure as inline ``<svg>`` markup (text drawn as paths, no XML prolog)."""
    text = figure_bytes(fig, "svg").decode("utf-8")
    return Markup(text[text.index("<svg") :])


def figure_html(
    fig: Figure, alt: str, caption: str | None = None, fmt: str = "png", dpi: float = 150
) -> Markup:
    """``<figure class="chart"><img src="data:…" alt="…"><figcaption>…`` with alt/caption
    escaped, drawn at ``dpi`` but shown at the figure's size (sharp in print); display it in a
    notebook with ``display(HTML(figure_html(fig, "…")))``."""
    width = round(fig.get_figwidth() * 96)  # CSS pixels are 1/96 inch
    img = Markup('<img src="{}" alt="{}" width="{}">').format(
        figure_to_data_uri(fig, fmt, dpi), alt, width
    )
    cap = Markup("<figcaption>{}</figcaption>").format(caption) if caption else Markup("")
    return Markup('<figure class="chart">{}{}</figure>').format(img, cap)

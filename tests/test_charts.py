"""charts: each chart draws a tidy frame (NaN, one unit, many units) and saves cleanly; one
chart is compared with a baseline image. Regenerate it with CHISO766_REGEN_BASELINE=1."""

from __future__ import annotations

import base64
import math
import os
import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

from chiso766.compute.ranking import add_classes
from chiso766.methodology import ClassBand, load_bands
from chiso766.report import charts

BASELINE = Path(__file__).parent / "data" / "baseline"
CSS = Path(charts.__file__).parents[1] / "templates" / "report.css"
PNG = b"\x89PNG\r\n\x1a\n"
BANDS = load_bands()


def ranked_frame(n: int = 6, nan: bool = True) -> pd.DataFrame:
    totals = [95.5, 88.25, 75.45, 64.0, 42.1, 81.0, 70.0, 50.0][:n] + [60.0] * max(0, n - 8)
    df = pd.DataFrame({"unit": [f"Sở số {i} Ủy ban" for i in range(n)], "total": totals})
    if nan and n > 1:
        df.loc[1, "total"] = math.nan
    return add_classes(df, BANDS)


def save(fig: Figure, path: Path) -> bytes:
    """Save as PNG with every warning an error (a missing glyph warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = charts.figure_bytes(fig)
    path.write_bytes(data)
    assert data.startswith(PNG) and len(data) > 2000
    return data


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


FRAMES = {
    "ranked": lambda: charts.ranked_units(ranked_frame(), BANDS),
    "dumbbell": lambda: charts.change_dumbbell(
        pd.DataFrame(
            {
                "unit": ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế", "UBND huyện Lộc Ninh"],
                "old": [80.0, 70.5, 90.0, math.nan],
                "new": [85.25, 60.0, 90.0, 50.0],
            }
        ),
        old_label="27/3/2025",
        new_label="08/4/2025",
    ),
    "heatmap": lambda: charts.group_heatmap(
        pd.DataFrame(
            {
                "unit": ["A", "A", "B", "B", "C"],
                "group": ["Công khai, minh bạch", "Tiến độ"] * 2 + ["Tiến độ"],
                "share": [95.5, 60.0, 40.0, math.nan, 80.0],
            }
        )
    ),
    "trend": lambda: charts.trend(
        pd.DataFrame(
            {
                "label": ["T1/2025", "T2/2025", "27/3/2025", "08/4/2025"],
                "total": [70.1, math.nan, 75.45, 73.2],
                "rank": pd.array([30, None, 8, 20], dtype="Int64"),
                "of": [63] * 4,
            }
        )
    ),
    "lost": lambda: charts.points_lost(
        pd.DataFrame(
            {
                "name": [
                    "Tỷ lệ công bố TTHC đúng hạn",
                    "Tỷ lệ hồ sơ trực tuyến",
                    "Mức độ hài lòng",
                ],
                "lost": [12.5, math.nan, 0.3],
            }
        )
    ),
}


@pytest.mark.parametrize("kind", sorted(FRAMES))
def test_each_chart_draws_and_saves(kind: str, tmp_path: Path) -> None:
    save(FRAMES[kind](), tmp_path / f"{kind}.png")


def test_ranked_units_values_bands_and_missing() -> None:
    fig = charts.ranked_units(ranked_frame(), BANDS)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Sở số 0 Ủy ban"  # best on top
    assert "Sở số 1 Ủy ban" not in labels  # no total: not drawn …
    assert any("1 đơn vị không có dữ liệu" in t for t in texts(fig))  # … but noted
    shown = texts(fig)
    assert {"95,5", "75,45", "Xuất sắc", "Yếu"} <= set(shown)
    assert ax.xaxis.get_major_formatter()(22.5, 0) == "22,5"
    assert charts.missing_caption(ranked_frame()) == (
        "Không có dữ liệu (1 đơn vị, không vẽ): Sở số 1 Ủy ban."
    )
    assert charts.missing_caption(ranked_frame(nan=False)) is None


def test_ranked_units_colours_follow_classes() -> None:
    fig = charts.ranked_units(ranked_frame(nan=False), BANDS)
    bars = fig.axes[0].patches
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in bars if p.get_height() < 1}
    assert charts.CLASS_COLOURS["Xuất sắc"] in colours
    assert charts.CLASS_COLOURS["Yếu"] in colours


@pytest.mark.parametrize("n", [1, 120])
def test_ranked_units_one_and_many(n: int, tmp_path: Path) -> None:
    fig = charts.ranked_units(ranked_frame(n, nan=False), BANDS)
    assert len(fig.axes[0].get_yticklabels()) == n
    if n == 120:
        assert fig.get_figheight() > 30
    save(fig, tmp_path / "units.png")


def test_all_missing_and_empty_frames_draw_a_note(tmp_path: Path) -> None:
    df = ranked_frame(3)
    df["total"] = math.nan
    fig = charts.ranked_units(df, BANDS)
    assert "Không có dữ liệu" in texts(fig)
    save(fig, tmp_path / "none.png")
    empty = pd.DataFrame({"name": [], "lost": []})
    save(charts.points_lost(empty), tmp_path / "empty.png")


def test_single_unit_other_charts(tmp_path: Path) -> None:
    one = {"unit": ["Sở Nội vụ"]}
    save(
        charts.change_dumbbell(pd.DataFrame({**one, "old": [80.0], "new": [75.0]})),
        tmp_path / "a.png",
    )
    save(
        charts.group_heatmap(pd.DataFrame({**one, "group": ["G1"], "share": [50.0]})),
        tmp_path / "b.png",
    )
    trend = pd.DataFrame({"label": ["08/4/2025"], "total": [75.45], "rank": [20], "of": [63]})
    save(charts.trend(trend), tmp_path / "c.png")
    save(
        charts.points_lost(pd.DataFrame({"name": ["Chỉ số 1"], "lost": [2.0]})), tmp_path / "d.png"
    )


def test_dumbbell_changes_are_signed() -> None:
    shown = texts(FRAMES["dumbbell"]())
    assert {"+5,25", "-10,5", "0"} <= set(shown)


def test_heatmap_cells_and_missing() -> None:
    fig = FRAMES["heatmap"]()
    shown = texts(fig)
    assert {"95,5", "60", "—"} <= set(shown)
    assert fig.axes[0].get_images()[0].get_array().mask.sum() == 2  # B × Tiến độ, C × first


def test_trend_rank_axis_is_inverted_and_labelled() -> None:
    fig = FRAMES["trend"]()
    left, right = fig.axes
    assert right.yaxis_inverted() and not left.yaxis_inverted()
    assert {"75,45", "08/63", "20/63"} <= set(texts(fig))
    assert right.get_ylabel() == "Xếp hạng toàn quốc"


def test_points_lost_sorted_with_total() -> None:
    fig = FRAMES["lost"]()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Mức độ hài lòng",
        "Tỷ lệ công bố TTHC đúng hạn",
    ]  # largest on top (last tick)
    assert ax.get_title(loc="left").endswith("(tổng 12,8 điểm)")


def test_missing_columns_are_reported() -> None:
    with pytest.raises(KeyError, match="total"):
        charts.ranked_units(pd.DataFrame({"unit": ["A"]}), BANDS)


def test_embedding_helpers() -> None:
    fig = charts.points_lost(pd.DataFrame({"name": ["A"], "lost": [1.0]}))
    uri = charts.figure_to_data_uri(fig)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).startswith(PNG)
    assert charts.figure_to_data_uri(fig, "svg").startswith("data:image/svg+xml;base64,")
    svg = charts.figure_svg(fig)
    assert svg.startswith("<svg") and "<?xml" not in svg
    html = charts.figure_html(fig, alt='Biểu đồ "A" <b>', caption="Nguồn: <Cổng DVC>")
    assert 'alt="Biểu đồ &#34;A&#34; &lt;b&gt;"' in html
    assert "<figcaption>Nguồn: &lt;Cổng DVC&gt;</figcaption>" in html
    assert 'width="768"' in html
    with pytest.raises(ValueError):
        charts.figure_bytes(fig, "jpg")


def test_chip_css_uses_the_chart_colours() -> None:
    css = CSS.read_text(encoding="utf-8")
    from chiso766.compute.textnorm import slug

    for name, colour in charts.CLASS_COLOURS.items():
        rule = re.search(rf"\.chip-{slug(name)} {{([^}}]*)}}", css)
        assert rule and colour in rule.group(1), name


def test_bands_may_be_any_objects_with_name_and_min(tmp_path: Path) -> None:
    bands = (ClassBand("Đạt", 50.0), ClassBand("Chưa đạt", 0.0))
    df = pd.DataFrame({"unit": ["A", "B"], "total": [70.0, 20.0], "class": ["Đạt", "Chưa đạt"]})
    save(charts.ranked_units(df, bands), tmp_path / "x.png")


# --- baseline image -----------------------------------------------------------------------


def baseline_figure() -> Figure:
    df = pd.DataFrame(
        {
            "unit": ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế", "UBND huyện Đồng Phú", "Sở Xây dựng"],
            "total": [92.5, 84.25, 71.0, 55.75, np.nan],
        }
    )
    return charts.ranked_units(add_classes(df, BANDS), BANDS, title="Điểm các đơn vị")


def test_ranked_units_matches_baseline(tmp_path: Path) -> None:
    expected = BASELINE / "ranked_units.png"
    with matplotlib.rc_context({"text.hinting": "none", "text.antialiased": True}):
        data = charts.figure_bytes(baseline_figure(), dpi=80)
    if os.environ.get("CHISO766_REGEN_BASELINE"):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(data)
        pytest.skip(f"baseline written to {expected}")
    assert expected.exists(), "no baseline: run with CHISO766_REGEN_BASELINE=1 once"
    actual = tmp_path / "ranked_units.png"
    actual.write_bytes(data)
    result = compare_images(str(expected), str(actual), tol=6)
    assert result is None, result


def test_heatmap_writes_values_only_for_small_levels():
    from chiso766.report import charts

    def frame(n):
        return pd.DataFrame(
            [
                {"unit": f"UBND xã {i}", "group": g, "share": 50.0}
                for i in range(n)
                for g in ("A", "B")
            ]
        )

    small = charts.group_heatmap(frame(charts.ANNOTATE_MAX_UNITS))
    big = charts.group_heatmap(frame(charts.ANNOTATE_MAX_UNITS + 1))
    assert len(small.axes[0].texts) == 2 * charts.ANNOTATE_MAX_UNITS
    assert len(big.axes[0].texts) == 0

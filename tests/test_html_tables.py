"""html_tables: every cell escaped, numbers Vietnamese and right-aligned, NaN as text."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from markupsafe import Markup

from chiso766.formatting import fmt_signed
from chiso766.report.tables import KNOWN_CLASSES, chip, table_html

ATTACK = "<script>alert(1)</script>"


def cells(fragment: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", fragment, re.S)


def test_escapes_script_quotes_and_ampersand() -> None:
    df = pd.DataFrame({"unit": [ATTACK, "Sở \"A\" & 'B'"], "total": [1.0, 2.0]})
    out = table_html(df)
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert cells(out)[2] == "Sở &#34;A&#34; &amp; &#39;B&#39;"


def test_headers_and_caption_are_escaped() -> None:
    df = pd.DataFrame({"a": [1]})
    out = table_html(df, {"a": "<b>Điểm</b> & hạng"}, caption='Bảng "1" <i>')
    assert '<th scope="col" class="num">&lt;b&gt;Điểm&lt;/b&gt; &amp; hạng</th>' in out
    assert "<caption>Bảng &#34;1&#34; &lt;i&gt;</caption>" in out


def test_long_name_is_kept_whole() -> None:
    name = "Ủy ban nhân dân " * 31 + "x" * 4
    assert len(name) == 500
    out = table_html(pd.DataFrame({"unit": [name]}))
    assert cells(out) == [name]


def test_formatter_output_is_escaped_unless_markup() -> None:
    df = pd.DataFrame({"a": ["x"], "b": ["y"]})
    out = table_html(
        df, formats={"a": lambda v: f"<i>{v}</i>", "b": lambda v: Markup(f"<i>{v}</i>")}
    )
    assert cells(out) == ["&lt;i&gt;x&lt;/i&gt;", "<i>y</i>"]


def test_numbers_are_vietnamese_and_right_aligned() -> None:
    df = pd.DataFrame(
        {"unit": ["A", "B"], "total": [75.456, 144625.0], "rank": [3, 20], "delta": [2.48, -0.06]}
    )
    out = table_html(df, formats={"delta": fmt_signed})
    assert cells(out) == ["A", "75,46", "3", "+2,48", "B", "144.625", "20", "-0,06"]
    assert (
        re.findall(r"<td( class=\"num\")?>", out)[:4] == ["", ' class="num"'] + [' class="num"'] * 2
    )
    assert '<th scope="col">unit</th>' in out


def test_numeric_override() -> None:
    out = table_html(pd.DataFrame({"code": ["01"], "n": [1]}), numeric=("code",))
    assert '<td class="num">01</td><td>1</td>' in out


def test_missing_values_render_as_text_without_calling_the_formatter() -> None:
    df = pd.DataFrame(
        {
            "unit": ["A", None],
            "total": [math.nan, 1.0],
            "rank": pd.array([None, 2], dtype="Int64"),
        }
    )

    def boom(value: object) -> str:
        assert not pd.isna(value), "formatter called on a missing value"
        return "ok"

    out = table_html(
        df, formats={"total": boom, "unit": str}, missing={"total": "Không có dữ liệu"}
    )
    assert cells(out) == ["A", "Không có dữ liệu", "—", "—", "ok", "2"]
    assert '<td class="num na">Không có dữ liệu</td>' in out and '<td class="na">—' in out
    assert table_html(df[["rank"]], missing="n/a").count("n/a") == 1


def test_header_mapping_orders_and_selects_columns() -> None:
    df = pd.DataFrame({"unit": ["A"], "total": [90.0], "secret": ["x"]})
    out = table_html(df, {"total": "Tổng điểm", "unit": "Đơn vị"})
    assert re.findall(r"<th [^>]*>(.*?)</th>", out) == ["Tổng điểm", "Đơn vị"]
    assert "secret" not in out and ">x<" not in out
    with pytest.raises(KeyError, match="nope"):
        table_html(df, {"nope": "X"})


def test_wrapper_classes_and_booleans() -> None:
    out = table_html(pd.DataFrame({"ok": [True, False]}), classes=("compact", "wide"))
    assert out.startswith('<div class="table-wrap"><table class="report-table compact wide">')
    assert cells(out) == ["Có", "Không"]
    assert out.endswith("</tbody></table></div>")


@pytest.mark.parametrize(
    ("name", "css"),
    [("Xuất sắc", "chip-xuat-sac"), ("Tốt", "chip-tot"), ("Khá", "chip-kha"),
     ("Trung bình", "chip-trung-binh"), ("Yếu", "chip-yeu"), ("Khác <b>", "chip-other")],
)  # fmt: skip
def test_chip(name: str, css: str) -> None:
    out = chip(name)
    assert isinstance(out, Markup)
    assert out.startswith(f'<span class="chip {css}">')
    assert "<b>" not in out


def test_chip_missing_and_in_table() -> None:
    assert chip(None) == '<span class="chip chip-none">—</span>'
    assert chip(math.nan, missing="?").endswith(">?</span>")
    df = pd.DataFrame({"class": list(KNOWN_CLASSES)})
    out = table_html(df, formats={"class": chip})
    assert out.count('<span class="chip chip-') == len(KNOWN_CLASSES)

"""notebook_html: an executed notebook as one self-contained page (local images inlined,
remote loads and scripts stripped, code hidden, title from the first heading)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd

from chiso766.render import html as notebook_html


def test_notebook_to_html_inlines_local_images_and_strips_remote(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(charts_png())
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Tiêu đề & <b>đậm</b>\n\n![logo](logo.png)\n\n"
            '<img src="https://cdn.example/x.png"><script src="https://cdn.example/a.js"></script>'
        ),
        nbformat.v4.new_code_cell("print('mã nguồn bị ẩn')"),
    ]
    page = notebook_html.notebook_to_html(nb, base_dir=tmp_path, numbered=False)
    assert "<title>Tiêu đề &amp; đậm</title>" in page
    assert '<main class="report">' in page
    assert re.search(r'<img[^>]*src="data:image/png;base64,', page)
    assert "cdn.example" not in page and "<script" not in page
    assert "mã nguồn bị ẩn" not in page
    assert notebook_html.notebook_to_html(nb, title="Riêng").count("<title>Riêng</title>") == 1


def charts_png() -> bytes:
    from chiso766.report import charts

    fig = charts.points_lost(pd.DataFrame({"name": ["A"], "lost": [1.0]}))
    return charts.figure_bytes(fig)

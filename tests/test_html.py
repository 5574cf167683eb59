"""html: an executed notebook as one self-contained page (local images inlined, remote loads
and scripts stripped, code hidden, the title given by the request — never scraped)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

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
    page = notebook_html.notebook_to_html(
        nb, title="Báo cáo <thử> & xem", base_dir=tmp_path, numbered=False, doc_class="scorecard"
    )
    assert "<title>Báo cáo &lt;thử&gt; &amp; xem</title>" in page
    assert '<main class="report scorecard">' in page
    assert "giờ" in page and "lập lúc" in page  # the time it was made, in Vietnamese
    assert re.search(r'<img[^>]*src="data:image/png;base64,', page)
    assert "cdn.example" not in page and "<script" not in page
    assert "mã nguồn bị ẩn" not in page
    assert notebook_html.notebook_to_html(nb, title="Riêng").count("<title>Riêng</title>") == 1


def charts_png() -> bytes:
    """A small valid PNG (1×1 pixel)."""
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
        "rkJggg=="
    )


def test_stderr_is_dropped_and_returned() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="cảnh báo\n"),
        nbformat.v4.new_output("stream", name="stdout", text="giữ lại"),
    ]
    nb.cells = [cell]
    assert notebook_html.drop_stderr(nb) == ["cảnh báo"]
    assert [o["name"] for o in nb.cells[0].outputs] == ["stdout"]

"""sanitize: active content and remote loads dropped from notebook HTML; remote_references
finds what would still load from elsewhere."""

from __future__ import annotations

from chiso766.render.sanitize import remote_references, sanitize_html


def test_sanitize_drops_active_content_and_remote_loads() -> None:
    dirty = (
        '<p onclick="x()">a &amp; b &lt;c&gt;</p>'
        "<script src=https://cdn.example/x.js></script><script>alert(1)</script>"
        '<iframe src="https://e.x"><p>inner</p></iframe>'
        '<link rel="stylesheet" href="https://fonts.example/css"><meta http-equiv="refresh">'
        '<img src="https://e.x/a.png" alt="r"><img src="chart.png">'
        '<img src="data:image/png;base64,AA">'
        '<a href="https://dichvucong.gov.vn">DVC</a><a href=" JaVaScript:alert(1)">x</a>'
        '<div style="background: url(https://e.x/b.png); color: red">s</div>'
        "<style>@import url(https://e.x/c.css); .a { background: url('//e.x/d.png') }</style>"
        '<svg><use href="#p1"></use><image href="https://e.x/i.png"></image></svg><!-- c -->'
    )
    clean = sanitize_html(dirty)
    assert "<script" not in clean and "alert(1)" not in clean.replace("javascript", "")
    assert "iframe" not in clean and "inner" not in clean
    assert "<link" not in clean and "<meta" not in clean and "<!--" not in clean
    assert "<p>a &amp; b &lt;c&gt;</p>" in clean
    assert '<img alt="r">' in clean and '<img alt="">' in clean  # no text: decoration
    assert '<img src="data:image/png;base64,AA" alt="">' in clean
    assert '<a href="https://dichvucong.gov.vn">DVC</a>' in clean and "<a>x</a>" in clean
    assert "e.x" not in clean
    assert 'style="background: none; color: red"' in clean
    assert '<use href="#p1">' in clean
    assert remote_references(clean) == []
    found = remote_references(dirty)
    assert any("cdn.example" in f for f in found) and "<script>" in found
    assert any("chart.png" in f for f in found)


def test_sanitize_keeps_plain_nbconvert_output() -> None:
    html = (
        '<div class="output_html"><table class="dataframe" border="1">'
        "<tr><td>1</td></tr></table></div>"
    )
    assert sanitize_html(html) == html

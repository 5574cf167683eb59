"""report_index: the index page escapes names, URL-quotes links, skips temp and hidden files
and lists the newest period first."""

from __future__ import annotations

from pathlib import Path

from chiso766.render.index import update_index
from chiso766.render.sanitize import remote_references


def test_update_index_escapes_and_skips_temp_files(tmp_path: Path) -> None:
    (tmp_path / "2024-Q2").mkdir()
    (tmp_path / "2024-Q2" / "r&d.html").write_text("<title>A &amp; &lt;B&gt;</title>")
    (tmp_path / "2024-Q2" / "r&d.pdf").write_bytes(b"%PDF-")
    (tmp_path / "2024-Q2" / "notes.txt").write_text("x")
    (tmp_path / "2024-Q2" / ".r.tmp").mkdir()
    (tmp_path / '<b>"odd"').mkdir()
    (tmp_path / '<b>"odd"' / "x.html").write_text("no title")
    (tmp_path / "2025-W15").mkdir()
    (tmp_path / "2025-W15" / "w.html").write_text("<title>Tuần</title>")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.html").write_text("x")
    page = update_index(tmp_path).read_text(encoding="utf-8")
    assert "<b>" not in page and "&lt;b&gt;&#34;odd&#34;" in page
    assert 'href="%3Cb%3E%22odd%22/x.html"' in page
    assert "A &amp; &lt;B&gt;" in page and 'href="2024-Q2/r%26d.pdf"' in page
    assert "notes.txt" not in page and ".r.tmp" not in page and "h.html" not in page
    assert page.index("Tuần thứ 15, tháng 4/2025") < page.index("Quý II/2024")  # newest first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index")]
    assert remote_references(page) == []

"""render: parameter validation, sanitising, a real papermill + nbconvert + Chromium run of the
mini notebook, XLSX, atomic publish, the index page and batches that fail soft per report."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import stat
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from chiso766 import render
from chiso766.render import (
    BatchError,
    ParameterError,
    RenderError,
    RenderJob,
    emit_tables,
    remote_references,
    sanitize_html,
    update_index,
    validate_parameters,
    write_xlsx,
)

MINI = Path(__file__).parent / "data" / "notebooks" / "mini_report.ipynb"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
POPPLER = shutil.which("pdfinfo") and shutil.which("pdftotext")
ATTACK = 'Sở Nội vụ <script>window.__pwned=1</script>"\' & <img src=x onerror="window.__pwned=2">'
needs_pdf = pytest.mark.skipif(
    not (CHROMIUM and POPPLER), reason="needs chromium and poppler-utils (see the Makefile)"
)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> render.RenderResult:
    """The mini notebook rendered once into <tmp>/reports/2025-W15 (attacker-shaped unit)."""
    reports = tmp_path_factory.mktemp("published") / "reports"
    formats = ("html", "pdf", "xlsx", "ipynb") if CHROMIUM else ("html", "xlsx", "ipynb")
    return render.render_report(
        MINI, {"unit_name": ATTACK}, reports / "2025-W15", "province_report", formats
    )


def attributes(page: str) -> list[tuple[str, str]]:
    """Every (attribute, value) of every tag in ``page``."""
    found: list[tuple[str, str]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((n, v or "") for n, v in attrs)

    Collect().feed(page)
    return found


# --- parameters ---------------------------------------------------------------------------


def test_valid_parameters_pass() -> None:
    params = {"title": "Báo cáo", "unit_name": "Sở Y tế", "period": "2024-04", "fail": False}
    assert validate_parameters(MINI, params) == params
    assert validate_parameters(MINI, {}) == {}


def test_int_period_is_refused_with_a_hint() -> None:
    with pytest.raises(ParameterError) as info:
        validate_parameters(MINI, {"period": 202405})
    message = str(info.value)
    assert "'period' must be str" in message and "got int 202405" in message
    assert "pass it quoted, e.g. '202405'" in message
    assert info.value.stage == "parameters"


def test_every_problem_is_listed() -> None:
    with pytest.raises(ParameterError) as info:
        validate_parameters(
            MINI, {"perod": "2025-W15", "fail": 1, "title": None, "unit_name": pd.Timestamp(0)}
        )
    problems = info.value.problems
    assert len(problems) == 4
    assert (
        "unknown parameter 'perod' (the notebook has: fail, period, title, unit_name)" in problems
    )
    assert any("'fail' must be bool" in p for p in problems)
    assert any("'title' must be str" in p and "quoted" not in p for p in problems)
    assert any("pass dates and periods as strings" in p for p in problems)


def test_annotations_and_defaults_decide_types(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        'n: int = 3\nx = 1.5\nname: str | None = None\nanything = None\nitems: list[str] = ["a"]'
    )
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = tmp_path / "typed.ipynb"
    nbformat.write(nb, path)
    ok = {"n": 4, "x": 2, "name": None, "anything": {"a": [1]}, "items": ("b",)}
    assert validate_parameters(path, ok) == ok
    validate_parameters(path, {"name": "Sở"})
    with pytest.raises(ParameterError) as info:
        validate_parameters(path, {"n": 4.0, "x": True, "items": "a"})
    assert len(info.value.problems) == 3


def test_notebook_without_parameters_cell(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    assert validate_parameters(path, {}) == {}
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        validate_parameters(path, {"x": 2})


def test_bad_formats_and_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="formats must be among"):
        render.render_report(MINI, {}, tmp_path, "r", ("docx",))
    with pytest.raises(RenderError, match="report name"):
        render.render_report(MINI, {}, tmp_path, "../escape")
    with pytest.raises(ParameterError):
        render.render_report(MINI, {"period": 202405}, tmp_path / "p", "r")
    assert not (tmp_path / "p").exists()  # refused before anything is created


# --- sanitising ---------------------------------------------------------------------------


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
    assert '<img alt="r">' in clean and "<img>" in clean
    assert '<img src="data:image/png;base64,AA">' in clean
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


# --- XLSX and tables ----------------------------------------------------------------------


def test_write_xlsx_types_formats_and_safety(tmp_path: Path) -> None:
    scores = pd.DataFrame(
        {
            "unit": ['=HYPERLINK("http://x")', "Sở\x07 Y tế"],
            "total": [75.456, float("nan")],
            "rank": pd.array([1, None], dtype="Int64"),
            "date": pd.to_datetime(["2025-04-08", "2025-03-27"]),
        }
    )
    by_unit = scores.set_index("unit")[["total"]]
    path = write_xlsx(
        {"Điểm/đơn vị [tuần]": scores, "x" * 40: scores, "x" * 35: by_unit}, tmp_path / "t.xlsx"
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Điểm-đơn vị -tuần-", "x" * 31, "x" * 27 + " (2)"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["unit", "total", "rank", "date"]
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=HYPERLINK")
    assert ws["A3"].value == "Sở Y tế"
    assert ws["B2"].value == pytest.approx(75.456) and ws["B2"].number_format == "#,##0.00"
    assert ws["B3"].value is None and ws["C3"].value is None
    assert ws["C2"].value == 1 and ws["C2"].number_format == "0"
    assert ws["D2"].number_format == "dd/mm/yyyy" and ws["D2"].value.year == 2025
    assert ws.column_dimensions["A"].width > 10
    assert [c.value for c in wb.worksheets[2][1]] == ["unit", "total"]  # index kept
    with pytest.raises(ValueError):
        write_xlsx({}, tmp_path / "none.xlsx")


def test_emit_tables_only_inside_a_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tables.pkl"
    monkeypatch.delenv(render.ENV_TABLES, raising=False)
    emit_tables({"a": pd.DataFrame({"x": [1]})})
    assert not target.exists()
    monkeypatch.setenv(render.ENV_TABLES, str(target))
    emit_tables({"a": pd.DataFrame({"x": [1]})})
    emit_tables({"b": pd.DataFrame({"y": [2]})})
    with target.open("rb") as fh:
        assert sorted(pickle.load(fh)) == ["a", "b"]
    with pytest.raises(TypeError):
        emit_tables({"c": [1, 2]})  # type: ignore[dict-item]


# --- PDF ----------------------------------------------------------------------------------


def fake_chromium(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_html_to_pdf_failure_and_timeout(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>")
    broken = fake_chromium(tmp_path, "echo 'cannot print' >&2; exit 3")
    with pytest.raises(RenderError, match="exited 3 without a PDF: cannot print"):
        render.html_to_pdf(page, tmp_path / "p.pdf", chromium=broken)
    slow = fake_chromium(tmp_path, "sleep 30")
    with pytest.raises(RenderError, match="did not finish in 0.5 s"):
        render.html_to_pdf(page, tmp_path / "p.pdf", chromium=slow, timeout=0.5)


def test_find_chromium_prefers_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(render.ENV_CHROMIUM, "/opt/chrome/chrome")
    assert render.find_chromium() == "/opt/chrome/chrome"
    monkeypatch.delenv(render.ENV_CHROMIUM)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError, match="apt-get install"):
        render.find_chromium()


# --- the real pipeline --------------------------------------------------------------------


@pytest.mark.slow
def test_report_is_published_with_timings(published: render.RenderResult) -> None:
    out_dir = published.paths["html"].parent
    assert out_dir.name == "2025-W15"
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        f"province_report.{f}" for f in published.paths
    )  # no temp dir left
    assert {"validate", "execute", "html", "xlsx", "index"} <= set(published.timings)
    assert published.seconds > 0
    assert any("cảnh báo thử" in w for w in published.warnings)
    executed = nbformat.read(published.paths["ipynb"], as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)


@pytest.mark.slow
def test_html_is_self_contained_and_hides_code(published: render.RenderResult) -> None:
    page = published.paths["html"].read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="vi">')
    assert "<script" not in page.lower()
    refs = [v for n, v in attributes(page) if n in ("src", "href", "srcset", "xlink:href")]
    assert refs and all(r.startswith(("data:", "#")) for r in refs), refs
    assert not [n for n, _ in attributes(page) if n.startswith("on")]
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:" in page
    assert 'name="viewport"' in page and "@page" in page and "size: A4" in page
    for code in ("import pandas", "emit_tables(", "table_html(", "unit_name ="):
        assert code not in page
    assert "Mini report for the render tests" not in page  # remove-cell tag
    assert "cảnh báo thử" not in page  # stderr dropped
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "<title>Thử nghiệm</title>" in page
    assert '<main class="report numbered">' in page


@pytest.mark.slow
def test_attacker_shaped_parameter_is_escaped(published: render.RenderResult) -> None:
    page = published.paths["html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page
    assert "<img src=x" not in page and "onerror=" not in page.replace("&lt;img src=x onerror=", "")
    assert "&amp; " in page


@pytest.mark.slow
@needs_pdf
def test_pdf_is_a4_with_vietnamese_text_and_page_numbers(published: render.RenderResult) -> None:
    pdf = published.paths["pdf"]
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size[1]) - 595.3) < 2 and abs(float(size[2]) - 841.9) < 2, info
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    for words in ("Thử nghiệm", "Sở Nội vụ", "Sở Tư pháp", "Hệ thống không thông báo dữ liệu"):
        assert words in text
    assert "91,25" in text and "Xuất sắc" in text and "I. Kết quả" in text
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert re.search(rf"^\s*1/{pages}\s*$", text, re.M), "no page number"
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
    assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # embedded


@pytest.mark.slow
def test_xlsx_has_the_emitted_tables(published: render.RenderResult) -> None:
    wb = openpyxl.load_workbook(published.paths["xlsx"])
    assert wb.sheetnames == ["Điểm đơn vị", "Chỉ số"]
    ws = wb["Điểm đơn vị"]
    assert [c.value for c in ws[1]] == ["unit", "total", "class"]
    assert ws["A2"].value == ATTACK and ws["B2"].value == 91.25
    assert wb["Chỉ số"].max_column == 13


@pytest.mark.slow
def test_index_lists_the_report(published: render.RenderResult) -> None:
    index = published.paths["html"].parent.parent / "index.html"
    page = index.read_text(encoding="utf-8")
    assert "Tuần thứ 15 năm 2025" in page and "Thử nghiệm" in page
    assert 'href="2025-W15/province_report.html"' in page
    assert 'href="2025-W15/province_report.xlsx"' in page


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
    assert page.index("Tuần thứ 15 năm 2025") < page.index("Quý II/2024")  # newest first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index")]
    assert remote_references(page) == []


@pytest.mark.slow
def test_render_many_keeps_going_and_fails_at_the_end(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "2025-W15"
    out.mkdir(parents=True)
    (out / "broken.html").write_text("previous version")
    tables = {"Bảng": pd.DataFrame({"a": [1.5]})}
    jobs = [
        RenderJob(MINI, {"period": 202405}, out, "bad_params", ("html",)),
        RenderJob(MINI, {"fail": True}, out, "broken", ("html",)),
        RenderJob(MINI, {"title": "Lần hai"}, out, "good", ("html", "xlsx"), xlsx_tables=tables),
    ]
    with pytest.raises(BatchError) as info:
        render.render_many(jobs)
    error = info.value
    assert [job.name for job, _ in error.failures] == ["bad_params", "broken"]
    assert isinstance(error.failures[0][1], ParameterError)
    assert "thất bại theo yêu cầu" in str(error.failures[1][1])
    assert error.failures[1][1].stage == "execute"
    assert "2 of 3 reports failed" in str(error)
    assert [r.name for r in error.results] == ["good"]
    assert (out / "broken.html").read_text() == "previous version"  # old report intact
    assert not (out / "bad_params.html").exists()
    assert sorted(p.name for p in out.iterdir()) == ["broken.html", "good.html", "good.xlsx"]
    wb = openpyxl.load_workbook(out / "good.xlsx")
    assert wb.sheetnames == ["Bảng"]
    index = (out.parent / "index.html").read_text(encoding="utf-8")
    assert "Lần hai" in index and "good.xlsx" in index


def test_render_many_without_failures_returns_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def fake(notebook, parameters, out_dir, name, formats, xlsx_tables, **kw):  # noqa: ANN001
        calls.append((name, kw["index"]))
        return render.RenderResult(name, {}, 0.0)

    monkeypatch.setattr(render, "render_report", fake)
    monkeypatch.setattr(render, "update_index", lambda root: calls.append(("index", root)))
    jobs = [RenderJob(MINI, {}, tmp_path / "p", n) for n in ("a", "b")]
    assert [r.name for r in render.render_many(jobs)] == ["a", "b"]
    assert calls == [("a", False), ("b", False), ("index", tmp_path)]


def test_env_is_restored_after_a_render_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(render.ENV_TABLES, "outer")
    with render._env(render.ENV_TABLES, "inner"):
        assert os.environ[render.ENV_TABLES] == "inner"
    assert os.environ[render.ENV_TABLES] == "outer"


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
    page = render.notebook_to_html(nb, base_dir=tmp_path, numbered=False)
    assert "<title>Tiêu đề &amp; đậm</title>" in page
    assert '<main class="report">' in page
    assert re.search(r'<img[^>]*src="data:image/png;base64,', page)
    assert "cdn.example" not in page and "<script" not in page
    assert "mã nguồn bị ẩn" not in page
    assert render.notebook_to_html(nb, title="Riêng").count("<title>Riêng</title>") == 1


def charts_png() -> bytes:
    from chiso766 import charts

    fig = charts.points_lost(pd.DataFrame({"name": ["A"], "lost": [1.0]}))
    return charts.figure_bytes(fig)

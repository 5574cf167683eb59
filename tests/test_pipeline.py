"""render: the pipeline — a real papermill + nbconvert + Chromium run of the mini notebook,
atomic publish, the index page and batches that fail soft per report. The stages have their own
tests (test_parameters, test_sanitize, test_notebook_html, test_pdf, test_xlsx, …)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from chiso766.render import pipeline as render
from chiso766.render.errors import RenderError
from chiso766.render.parameters import ParameterError
from chiso766.render.pipeline import BatchError, RenderJob

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


def test_bad_formats_and_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="formats must be among"):
        render.render_report(MINI, {}, tmp_path, "r", ("docx",))
    with pytest.raises(RenderError, match="report name"):
        render.render_report(MINI, {}, tmp_path, "../escape")
    with pytest.raises(ParameterError):
        render.render_report(MINI, {"period": 202405}, tmp_path / "p", "r")
    assert not (tmp_path / "p").exists()  # refused before anything is created


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
    assert "Tuần thứ 15, tháng 4/2025" in page and "Thử nghiệm" in page
    assert 'href="2025-W15/province_report.html"' in page
    assert 'href="2025-W15/province_report.xlsx"' in page


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


def test_render_still_exports_the_stage_names() -> None:
    """Scripts import these from chiso766.render.pipeline; they live in stage modules."""
    from chiso766.render import html as notebook_html
    from chiso766.render import index as report_index
    from chiso766.render import parameters, pdf, sanitize, xlsx

    assert render.emit_tables is xlsx.emit_tables and render.write_xlsx is xlsx.write_xlsx
    assert render.ENV_TABLES == "CHISO766_TABLES_OUT" and render.FORMATS == report_index.FORMATS
    assert render.validate_parameters is parameters.validate_parameters
    assert render.ParameterError is ParameterError and issubclass(ParameterError, RenderError)
    assert render.sanitize_html is sanitize.sanitize_html
    assert render.html_to_pdf is pdf.html_to_pdf and render.find_chromium is pdf.find_chromium
    assert render.notebook_to_html is notebook_html.notebook_to_html
    assert render.update_index is report_index.update_index
    assert set(render.__all__) <= set(dir(render))

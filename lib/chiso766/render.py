"""Render reports: validated parameters → papermill (in-process) → HTML without code → one
self-contained page → PDF (headless Chromium) and XLSX → atomic publish → reports/index.html.

* Parameters are checked against the notebook's ``parameters`` cell before any kernel starts:
  unknown names and wrong types are refused (papermill itself only warns).
* XLSX tables: a notebook calls :func:`emit_tables` with its frames. Inside a render,
  :func:`render_report` sets ``CHISO766_TABLES_OUT`` for the kernel and emit_tables pickles the
  frames there; outside a render it does nothing. Tables may also be passed as ``xlsx_tables``.
* Self-contained: the notebook's HTML goes through :func:`sanitize_html` (drops scripts,
  frames, links, event handlers and any non-``data:`` load), the page carries a
  Content-Security-Policy that forbids remote loads, and :func:`remote_references` must find
  nothing before anything is written.
* Publish: every file is built in a temporary directory inside ``out_dir`` and moved into place
  with :func:`os.replace`, so a report is either the old one or the new one, never half.

Heavy imports (papermill, nbconvert, openpyxl) happen inside functions: notebooks import this
module for :func:`emit_tables` and should not pay for them.
"""

from __future__ import annotations

import ast
import functools
import html
import logging
import os
import pickle
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
ENV_TABLES = "CHISO766_TABLES_OUT"
ENV_CHROMIUM = "CHISO766_CHROMIUM"
FORMATS = ("html", "pdf", "xlsx", "ipynb")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)
_NAME = re.compile(r"^[\w][\w.-]*$")
_ENV_LOCK = threading.Lock()


# --- errors and results -------------------------------------------------------------------


class RenderError(RuntimeError):
    """A report could not be rendered; ``stage`` says where (parameters, execute, pdf, …)."""

    def __init__(self, message: str, *, stage: str = "", name: str = "") -> None:
        super().__init__(message)
        self.stage = stage
        self.name = name


class ParameterError(RenderError, ValueError):
    """Parameters that do not match the notebook's ``parameters`` cell; all problems listed."""

    def __init__(self, notebook: Path, problems: Sequence[str]) -> None:
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid parameters for {notebook.name}:\n{lines}", stage="parameters")
        self.notebook = notebook
        self.problems = tuple(problems)


@dataclass(frozen=True)
class RenderResult:
    """Published files by format, wall time, time per stage and dropped stderr output."""

    name: str
    paths: dict[str, Path]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderJob:
    """The arguments of one :func:`render_report` call, for :func:`render_many`."""

    notebook: Path
    parameters: Mapping[str, Any]
    out_dir: Path
    name: str
    formats: tuple[str, ...] = ("html", "pdf", "xlsx")
    xlsx_tables: Mapping[str, pd.DataFrame] | None = None
    title: str | None = None
    numbered: bool = True


class BatchError(RuntimeError):
    """Some reports of a batch failed; the others were published (see ``results``)."""

    def __init__(self, failures: list[tuple[RenderJob, BaseException]], results: list) -> None:
        lines = "\n".join(f"  - {job.out_dir.name}/{job.name}: {exc}" for job, exc in failures)
        done = len(results)
        super().__init__(f"{len(failures)} of {len(failures) + done} reports failed:\n{lines}")
        self.failures = failures
        self.results = results


# --- parameters ---------------------------------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list, tuple),
    "tuple": (list, tuple),
    "dict": (dict,),
    "None": (type(None),),
    "NoneType": (type(None),),
}


def _annotation_types(text: str) -> tuple[type, ...] | None:
    """'str', 'int | None', 'Optional[float]', 'list[str]' → accepted types; None if unknown."""
    text = text.strip()
    opt = re.fullmatch(r"(?:typing\.)?Optional\[(.*)\]", text)
    names = [opt.group(1), "None"] if opt else text.split("|")
    out: list[type] = []
    for name in names:
        base = name.strip().split("[", 1)[0].removeprefix("typing.")
        if base not in _TYPES:
            return None
        out += _TYPES[base]
    return tuple(out)


def _expected_types(info: Mapping[str, Any]) -> tuple[type, ...] | None:
    """From the annotation, else from the default's literal type; None = anything."""
    hint = info.get("inferred_type_name") or "None"
    if hint != "None":
        return _annotation_types(hint)
    try:
        default = ast.literal_eval(str(info.get("default")))
    except (ValueError, SyntaxError):
        return None
    if default is None:
        return None
    return _TYPES.get(type(default).__name__)


def _plain(value: Any) -> bool:
    """Values papermill can write as Python literals."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _type_ok(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False  # True is an int in Python, never a valid int or float parameter
    return isinstance(value, types)


def declared_parameters(notebook: Path | str) -> dict[str, dict[str, Any]]:
    """The ``parameters`` cell's names, as :func:`papermill.inspect_notebook` reports them,
    plus any assignment it misses (papermill skips annotations such as ``str | None``)."""
    import nbformat
    import papermill

    declared = dict(papermill.inspect_notebook(str(notebook)))
    nb = nbformat.read(str(notebook), as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    try:
        tree = ast.parse(cell.source) if cell is not None else None
    except SyntaxError:
        tree = None
    for node in tree.body if tree else []:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, hint, value = node.target.id, ast.unparse(node.annotation), node.value
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name, hint, value = node.targets[0].id, "None", node.value
        else:
            continue
        default = ast.unparse(value) if value is not None else "None"
        declared.setdefault(name, {"name": name, "inferred_type_name": hint, "default": default})
    return declared


def validate_parameters(notebook: Path | str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``params`` against the notebook's ``parameters`` cell; return them as a dict.

    Refuses names the cell does not define and values whose type differs from the cell's
    annotation or default (``period=202405`` where the default is ``"2025-W15"``). Raises
    :class:`ParameterError` listing every problem.
    """
    notebook = Path(notebook)
    declared = declared_parameters(notebook)
    problems: list[str] = []
    if not declared and params:
        problems.append("the notebook has no cell tagged 'parameters'")
    for name, value in params.items():
        if name not in declared:
            if declared:
                known = ", ".join(sorted(declared))
                problems.append(f"unknown parameter {name!r} (the notebook has: {known})")
            continue
        info = declared[name]
        if not _plain(value):
            problems.append(
                f"parameter {name!r} must be a str, number, bool, list or dict, got "
                f"{type(value).__name__} {value!r} (pass dates and periods as strings)"
            )
            continue
        types = _expected_types(info)
        if types is not None and not _type_ok(value, types):
            wanted = " or ".join(dict.fromkeys(t.__name__ for t in types))
            quote = str in types and isinstance(value, int | float)
            hint = f"; pass it quoted, e.g. {str(value)!r}" if quote else ""
            problems.append(
                f"parameter {name!r} must be {wanted} (default {info.get('default')}), "
                f"got {type(value).__name__} {value!r}{hint}"
            )
    if problems:
        raise ParameterError(notebook, problems)
    return dict(params)


# --- tables for the XLSX ------------------------------------------------------------------


def emit_tables(tables: Mapping[str, pd.DataFrame]) -> None:
    """Hand tables (sheet name → frame) to the render that runs this notebook.

    Does nothing outside a render (``CHISO766_TABLES_OUT`` unset); several calls add up.
    """
    import pandas as pd

    for key, frame in tables.items():
        if not isinstance(key, str) or not isinstance(frame, pd.DataFrame):
            raise TypeError(f"emit_tables takes str → DataFrame, got {key!r}: {type(frame)}")
    target = os.environ.get(ENV_TABLES)
    if not target:
        return
    path = Path(target)
    merged: dict[str, pd.DataFrame] = _read_tables(path) if path.exists() else {}
    merged.update(tables)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as fh:
        pickle.dump(merged, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _read_tables(path: Path) -> dict[str, pd.DataFrame]:
    with path.open("rb") as fh:  # our own file, written by emit_tables in our temp dir
        return pickle.load(fh)  # noqa: S301


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "-", str(title)).strip("' ") or "Sheet"
    name = name[:31]
    base, i = name, 2
    while name.casefold() in used or name.casefold() == "history":
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.casefold())
    return name


def _xl_value(value: Any) -> Any:
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar
    if isinstance(value, bool | int | float | datetime):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: Path | str) -> Path:
    """One sheet per table: bold frozen header, filters, widths, numbers kept as numbers.

    Floats get the format ``#,##0.00`` (Excel shows 75,45 in a Vietnamese locale), integers
    ``0``, dates ``dd/mm/yyyy``. Text is always text: a cell starting with "=" is not a formula.
    A named or non-default index becomes the first columns.
    """
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if not tables:
        raise ValueError("write_xlsx needs at least one table")
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for title, frame in tables.items():
        if not isinstance(frame.index, pd.RangeIndex) or any(frame.index.names):
            frame = frame.reset_index()
        ws = wb.create_sheet(_sheet_name(title, used))
        ws.append([_xl_value(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([_xl_value(v) for v in row])
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
        for j, col in enumerate(frame.columns, start=1):
            series = frame[col]
            if pd.api.types.is_bool_dtype(series):
                fmt = None
            elif pd.api.types.is_integer_dtype(series):
                fmt = "0"
            elif pd.api.types.is_float_dtype(series):
                fmt = "#,##0.00"
            elif pd.api.types.is_datetime64_any_dtype(series):
                fmt = "dd/mm/yyyy"
            else:
                fmt = None
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            texts = [str(col), *(str(v) for v in series.head(1000))]
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, *map(len, texts)) + 2)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    wb.save(path)
    return path


# --- HTML: sanitising and checks ----------------------------------------------------------

_LOAD_ATTRS = {
    "src", "srcset", "poster", "data", "background", "action", "formaction", "manifest", "ping",
    "lowsrc", "dynsrc", "codebase", "archive", "longdesc", "imagesrcset", "href", "xlink:href",
}  # fmt: skip
_NAV_TAGS = {"a", "area"}
_DROP_VOID = {"link", "meta", "base", "embed", "param", "source", "track"}
_DROP_CONTENT = {
    "script", "iframe", "object", "frame", "frameset", "applet", "noscript", "template",
    "noembed", "noframes", "audio", "video", "title",
}  # fmt: skip
_CSS_REMOTE = re.compile(r"url\(\s*(?![\"']?\s*(?:data:|#))[^)]*\)", re.I)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)
_NAV_OK = ("http:", "https:", "mailto:", "tel:", "#")


def _clean_url(value: str) -> str:
    return re.sub(r"[\x00-\x20]+", "", html.unescape(value)).lower()


def _css_safe(text: str) -> str:
    return _CSS_REMOTE.sub("none", _CSS_IMPORT.sub("", text))


def _attr_ok(tag: str, name: str, value: str | None) -> bool:
    if name.startswith("on") or name in {"srcdoc", "http-equiv"}:
        return False
    if name not in _LOAD_ATTRS:
        return True
    url = _clean_url(value or "")
    if tag in _NAV_TAGS and name == "href":
        return url.startswith(_NAV_OK) or not re.match(r"^[a-z][a-z0-9+.-]*:", url)
    if name in ("href", "xlink:href") and url.startswith("#"):
        return True
    return url.startswith("data:") and not url.startswith("data:text/html")


class _Sanitizer(HTMLParser):
    """Re-emits HTML without active content or loads from anywhere but data: URIs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip: str | None = None
        self.depth = 0
        self.in_style = False

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> None:
        kept = []
        for name, value in attrs:
            if not _attr_ok(tag, name, value):
                continue
            if name == "style" and value:
                value = _css_safe(value)
            kept.append((name, value))
        if kept == attrs:
            self.out.append(self.get_starttag_text() or "")
            return
        text = "".join(
            f" {n}" if v is None else f' {n}="{html.escape(v, quote=True)}"' for n, v in kept
        )
        self.out.append(f"<{tag}{text}{' /' if close else ''}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            self.depth += tag == self.skip
            return
        if tag in _DROP_CONTENT:
            self.skip, self.depth = tag, 1
            return
        if tag in _DROP_VOID:
            return
        self.in_style = tag == "style"
        self._tag(tag, attrs, close=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or tag in _DROP_VOID or tag in _DROP_CONTENT:
            return
        self._tag(tag, attrs, close=True)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip:
                self.depth -= 1
                if self.depth == 0:
                    self.skip = None
            return
        if tag in _DROP_VOID:
            return
        self.in_style = False
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(_css_safe(data) if self.in_style else data)

    def handle_entityref(self, name: str) -> None:
        if not self.skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skip:
            self.out.append(f"&#{name};")

    # comments, doctypes, processing instructions (<?xml …?>) are dropped


def sanitize_html(fragment: str) -> str:
    """Drop scripts, frames, embeds, link/meta/base, event handlers, remote or relative loads
    (only ``data:`` and ``#fragment`` stay; ``<a href>`` may point anywhere but javascript:)."""
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_style = tag == "style"
        if tag == "script":
            self.found.append("<script>")
        for name, value in attrs:
            if name in _LOAD_ATTRS and not _attr_ok(tag, name, value):
                self.found.append(f"<{tag} {name}={(value or '')[:80]!r}>")
            if name == "style" and value and _css_safe(value) != value:
                self.found.append(f"<{tag} style={value[:80]!r}>")

    def handle_data(self, data: str) -> None:
        if self.in_style and _css_safe(data) != data:
            self.found.append(f"<style> {data[:80]!r}")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False


def remote_references(page: str) -> list[str]:
    """Everything in ``page`` that would load something not inlined, or run a script."""
    parser = _Refs()
    parser.feed(page)
    parser.close()
    return parser.found


# --- notebook → HTML page -----------------------------------------------------------------


@functools.cache
def _exporter() -> Any:
    """One HTMLExporter per process: a fresh one reloads its templates (~1 s); reused ~0,03 s."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    return HTMLExporter(
        config=config,
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )


@functools.cache
def _jinja() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from chiso766.formatting import register_filters

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return register_filters(env)


def _css() -> Markup:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    if "</" in css:
        raise RenderError("report.css must not contain '</'", stage="html")
    return Markup(css)


def _drop_stderr(nb: Any) -> list[str]:
    """Remove stderr streams (warnings) from the outputs; return their text."""
    dropped: list[str] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        keep = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                dropped.append(str(out.get("text", "")).strip())
            else:
                keep.append(out)
        cell["outputs"] = keep
    return dropped


def _first_heading(body: str) -> str | None:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S | re.I)
    if not match:
        return None
    text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
    return text or None


def notebook_to_html(
    nb: Any, *, title: str | None = None, numbered: bool = True, base_dir: Path | None = None
) -> str:
    """An executed notebook → one self-contained HTML page (no code, no prompts); markdown
    images are read from ``base_dir`` and inlined."""
    resources = {"metadata": {"path": str(base_dir)}} if base_dir else None
    body, _resources = _exporter().from_notebook_node(nb, resources=resources)
    body = sanitize_html(body)
    page = (
        _jinja()
        .get_template("report.html.j2")
        .render(
            title=title or _first_heading(body) or "Báo cáo Chỉ số 766",
            body=Markup(body),
            css=_css(),
            numbered=numbered,
            generated=datetime.now().replace(microsecond=0),
        )
    )
    found = remote_references(page)
    if found:
        raise RenderError(f"the page would load from elsewhere: {found[:5]}", stage="html")
    return page


# --- HTML → PDF ---------------------------------------------------------------------------


def find_chromium() -> str:
    """``$CHISO766_CHROMIUM``, else chromium / chromium-browser / google-chrome on PATH."""
    explicit = os.environ.get(ENV_CHROMIUM)
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(
        "no Chromium found for PDF output: apt-get install -y --no-install-recommends "
        f"chromium fonts-noto-core (or set {ENV_CHROMIUM})",
        stage="pdf",
    )


def html_to_pdf(
    html_path: Path | str, pdf: Path | str, *, timeout: float = 120.0, chromium: str | None = None
) -> Path:
    """Print a local HTML file to PDF with headless Chromium (A4 and margins come from the
    page's ``@page`` CSS); a fresh profile directory per call, the process group killed after."""
    html_path, pdf = Path(html_path).resolve(), Path(pdf).resolve()
    exe = chromium or find_chromium()
    pdf.unlink(missing_ok=True)  # never mistake an old file for this run's output
    with tempfile.TemporaryDirectory(prefix="chiso766-chromium-") as profile:
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html_path.as_uri(),
        ]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RenderError(f"Chromium did not finish in {timeout:g} s", stage="pdf") from None
        finally:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # helpers left behind, if any
    ok = pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    if proc.returncode != 0 or not ok:
        tail = err.decode("utf-8", "replace").strip()[-800:]
        raise RenderError(f"Chromium exited {proc.returncode} without a PDF: {tail}", stage="pdf")
    return pdf


# --- one report ---------------------------------------------------------------------------


@contextmanager
def _env(name: str, value: str) -> Any:
    """Set an environment variable for a kernel run. os.environ is global, so runs in threads
    are serialised here; render in processes for parallelism."""
    with _ENV_LOCK:
        old = os.environ.get(name)
        os.environ[name] = value
        try:
            yield
        finally:
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def _execute(
    notebook: Path, parameters: dict[str, Any], work: Path, name: str, cwd: Path, timeout: float
) -> Any:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        with _env(ENV_TABLES, str(work / "tables.pkl")):
            return papermill.execute_notebook(
                str(notebook),
                str(work / f"{name}.ipynb"),
                parameters=parameters,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
            )
    except PapermillExecutionError as exc:
        raise RenderError(
            f"{notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}",
            stage="execute",
            name=name,
        ) from exc


def render_report(
    notebook: Path | str,
    parameters: Mapping[str, Any],
    out_dir: Path | str,
    name: str,
    formats: Sequence[str] = ("html", "pdf", "xlsx"),
    xlsx_tables: Mapping[str, pd.DataFrame] | None = None,
    *,
    title: str | None = None,
    numbered: bool = True,
    index: bool = True,
    cwd: Path | str | None = None,
    timeout: float = 600.0,
) -> RenderResult:
    """Execute ``notebook`` with validated ``parameters`` and publish ``out_dir/name.<fmt>``.

    ``out_dir`` is a period folder such as ``reports/2025-W15``; with ``index`` its parent's
    ``index.html`` is rebuilt. XLSX sheets come from ``xlsx_tables`` or else from the
    notebook's :func:`emit_tables`. ``formats`` may also include "ipynb" (the executed
    notebook). The kernel runs in ``cwd`` (default: the notebook's folder).
    """
    started = time.perf_counter()
    notebook, out_dir = Path(notebook), Path(out_dir)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise RenderError(f"formats must be among {FORMATS}, got {tuple(formats)}", name=name)
    if not _NAME.match(name):
        raise RenderError(f"report name {name!r} must be letters, digits, '.', '-', '_'")
    timings: dict[str, float] = {}

    def lap(stage: str, t0: float) -> float:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - t0
        return now

    t = time.perf_counter()
    params = validate_parameters(notebook, parameters)
    t = lap("validate", t)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir))
    try:
        run_dir = Path(cwd or notebook.parent)
        nb = _execute(notebook, params, work, name, run_dir, timeout)
        t = lap("execute", t)
        warnings = tuple(_drop_stderr(nb))
        page = notebook_to_html(nb, title=title, numbered=numbered, base_dir=run_dir)
        (work / f"{name}.html").write_text(page, encoding="utf-8")
        t = lap("html", t)
        if "pdf" in formats:
            html_to_pdf(work / f"{name}.html", work / f"{name}.pdf", timeout=timeout)
            t = lap("pdf", t)
        if "xlsx" in formats:
            tables = xlsx_tables
            if tables is None and (work / "tables.pkl").exists():
                tables = _read_tables(work / "tables.pkl")
            if not tables:
                raise RenderError(
                    "xlsx requested but no tables: call chiso766.render.emit_tables({...}) in "
                    "the notebook or pass xlsx_tables",
                    stage="xlsx",
                    name=name,
                )
            write_xlsx(tables, work / f"{name}.xlsx")
            t = lap("xlsx", t)
        paths = {}
        for fmt in formats:
            target = out_dir / f"{name}.{fmt}"
            os.replace(work / f"{name}.{fmt}", target)
            paths[fmt] = target
    except RenderError as exc:
        exc.name = exc.name or name
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if index:
        update_index(out_dir.parent)
        t = lap("index", t)
    seconds = time.perf_counter() - started
    log.info("rendered %s/%s in %.1f s", out_dir.name, name, seconds)
    return RenderResult(name, paths, seconds, timings, warnings)


def render_many(jobs: Iterable[RenderJob], *, index: bool = True) -> list[RenderResult]:
    """Render every job; a failing report does not stop the others. Indexes are rebuilt once
    at the end; raises :class:`BatchError` listing the failures if there were any."""
    results: list[RenderResult] = []
    failures: list[tuple[RenderJob, BaseException]] = []
    roots: set[Path] = set()
    for job in jobs:
        try:
            result = render_report(
                job.notebook,
                job.parameters,
                job.out_dir,
                job.name,
                job.formats,
                job.xlsx_tables,
                title=job.title,
                numbered=job.numbered,
                index=False,
            )
        except Exception as exc:  # fail soft per report …
            log.error("report %s/%s failed: %s", Path(job.out_dir).name, job.name, exc)
            failures.append((job, exc))
            continue
        results.append(result)
        roots.add(Path(job.out_dir).parent)
    if index:
        for root in sorted(roots):
            update_index(root)
    if failures:  # … loud per batch
        raise BatchError(failures, results)
    return results


# --- index page ---------------------------------------------------------------------------


def _period_sort_key(name: str) -> tuple[int, str]:
    from chiso766.periods import parse_period

    try:
        return (1, parse_period(name).start.isoformat())
    except Exception:
        return (0, name)


def _period_label(name: str) -> str:
    from chiso766.periods import parse_period

    try:
        return parse_period(name).label_vi
    except Exception:
        return name


def _report_title(page: Path) -> str | None:
    head = page.read_text(encoding="utf-8", errors="replace")[:8192]
    match = re.search(r"<title>(.*?)</title>", head, re.S | re.I)
    return html.unescape(match.group(1)).strip() if match else None


def update_index(reports_dir: Path | str) -> Path:
    """Rebuild ``reports_dir/index.html``: every report per period folder, newest period first,
    with links to its HTML, PDF and XLSX (names escaped, links URL-quoted)."""
    from urllib.parse import quote

    reports_dir = Path(reports_dir)
    periods = []
    folders = [p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    for folder in sorted(folders, key=lambda p: _period_sort_key(p.name), reverse=True):
        stems: dict[str, dict[str, Any]] = {}
        for file in sorted(folder.iterdir()):
            fmt = file.suffix.lstrip(".")
            if file.name.startswith(".") or not file.is_file() or fmt not in FORMATS:
                continue
            entry = stems.setdefault(file.stem, {"name": file.stem, "files": [], "title": None})
            stat = file.stat()
            href = f"{quote(folder.name)}/{quote(file.name)}"
            entry["files"].append({"format": fmt.upper(), "href": href, "size": stat.st_size})
            entry["updated"] = max(entry.get("updated", 0.0), stat.st_mtime)
            if fmt == "html":
                entry["title"] = _report_title(file)
        if stems:
            for entry in stems.values():
                entry["updated"] = datetime.fromtimestamp(entry["updated"]).replace(microsecond=0)
            label = _period_label(folder.name)
            label = label[:1].upper() + label[1:]
            periods.append({"key": folder.name, "label": label, "reports": list(stems.values())})
    page = (
        _jinja()
        .get_template("index.html.j2")
        .render(periods=periods, css=_css(), generated=datetime.now().replace(microsecond=0))
    )
    target = reports_dir / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=reports_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target

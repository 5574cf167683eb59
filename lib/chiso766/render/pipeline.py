"""Render reports: validated parameters → papermill (in-process) → HTML without code → one
self-contained page → PDF (headless Chromium) and XLSX → atomic publish → reports/index.html.

This module runs the pipeline (:func:`render_report`, :func:`render_many`); the stages live in
their own modules and are re-exported here:

* :mod:`chiso766.render.parameters` — parameters checked against the notebook's ``parameters`` cell
  before any kernel starts (:func:`validate_parameters`).
* :mod:`chiso766.render.execute` — papermill in-process (:func:`execute_notebook`).
* :mod:`chiso766.render.xlsx` — :func:`emit_tables` (called by notebooks) and :func:`write_xlsx`.
  Tables may also be passed as ``xlsx_tables``.
* :mod:`chiso766.render.html` and :mod:`chiso766.render.sanitize` — the executed notebook as one
  self-contained page (:func:`notebook_to_html`, :func:`sanitize_html`,
  :func:`remote_references`).
* :mod:`chiso766.render.pdf` — :func:`html_to_pdf` with headless Chromium.
* :mod:`chiso766.render.index` — :func:`update_index`.

Publish: every file is built in a temporary directory inside ``out_dir`` and moved into place
with :func:`os.replace`, so a report is either the old one or the new one, never half.

Heavy imports (papermill, nbconvert, openpyxl) happen inside functions: notebooks import this
module for :func:`emit_tables` and should not pay for them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chiso766.render.errors import RenderError
from chiso766.render.execute import execute_notebook
from chiso766.render.html import drop_stderr, notebook_to_html
from chiso766.render.index import FORMATS, update_index
from chiso766.render.page import TEMPLATES
from chiso766.render.parameters import (
    ParameterError,
    declared_parameters,
    validate_parameters,
)
from chiso766.render.pdf import CHROMIUM_FLAGS, ENV_CHROMIUM, find_chromium, html_to_pdf
from chiso766.render.sanitize import remote_references, sanitize_html
from chiso766.render.xlsx import ENV_TABLES, emit_tables, read_tables, write_xlsx

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CHROMIUM_FLAGS",
    "ENV_CHROMIUM",
    "ENV_TABLES",
    "FORMATS",
    "TEMPLATES",
    "BatchError",
    "ParameterError",
    "RenderError",
    "RenderJob",
    "RenderResult",
    "declared_parameters",
    "emit_tables",
    "find_chromium",
    "html_to_pdf",
    "notebook_to_html",
    "remote_references",
    "render_many",
    "render_report",
    "sanitize_html",
    "update_index",
    "validate_parameters",
    "write_xlsx",
]

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[\w][\w.-]*$")


# --- results and batches ------------------------------------------------------------------


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


# --- one report ---------------------------------------------------------------------------


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
        nb = execute_notebook(notebook, params, work, name, run_dir, timeout)
        t = lap("execute", t)
        warnings = tuple(drop_stderr(nb))
        page = notebook_to_html(nb, title=title, numbered=numbered, base_dir=run_dir)
        (work / f"{name}.html").write_text(page, encoding="utf-8")
        t = lap("html", t)
        if "pdf" in formats:
            html_to_pdf(work / f"{name}.html", work / f"{name}.pdf", timeout=timeout)
            t = lap("pdf", t)
        if "xlsx" in formats:
            tables = xlsx_tables
            if tables is None and (work / "tables.pkl").exists():
                tables = read_tables(work / "tables.pkl")
            if not tables:
                raise RenderError(
                    "xlsx requested but no tables: call emit_tables({...}) in "
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

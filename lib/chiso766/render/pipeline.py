"""Render a batch of resolved reports: warm kernels → HTML → PDF through one browser → XLSX →
manifest → atomic publish → ``reports/index.html``.

* Requests arrive resolved (:class:`chiso766.report.request.ResolvedReport`): nothing here
  checks parameters again.
* A report whose manifest matches (same request, input-data hash, notebook, library) is not
  run again; ``force`` renders it anyway.
* Workers (default: one per core) each own a live kernel (:mod:`chiso766.render.kernels`);
  every PDF is printed by one Chromium kept for the batch (:mod:`chiso766.render.chromium`).
  A report alone runs in this process instead (:mod:`chiso766.render.inline`): starting a
  kernel and importing the library into it would take longer than its cells.
* Fail soft per report, loud per batch: a failing report keeps its executed notebook (the
  failing cell marked) beside the previous good version, which stays published; the batch
  ends with :class:`BatchError` naming what failed and why.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiso766.i18n import _
from chiso766.render.errors import RenderError
from chiso766.render.manifest import (
    FAILED,
    MANIFEST,
    Manifest,
    file_entry,
    library_fingerprint,
    read_manifest,
    sha256_file,
    write_json,
)
from chiso766.render.publish import (
    clean_stale,
    clean_stale_private,
    crash_hook,
    publish_dir,
    reports_lock,
    staging_dir,
    write_file_atomic,
)

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf", "xlsx", "docx")


@dataclass(frozen=True)
class Job:
    """One report to render: where it goes and what it is."""

    report: Any  # ResolvedReport
    notebook: Path
    folder: Path  # the published folder, e.g. reports/2026-W47/units/so-tu-phap
    stem: str  # file names: <stem>.html, <stem>.pdf …
    formats: tuple[str, ...]

    @property
    def label(self) -> str:
        r = self.report
        return f"{r.request.period} {r.unit_name}" if r.unit_name else f"{r.request.period}"


@dataclass
class Outcome:
    """What happened to one report."""

    job: Job
    status: str  # published, unchanged, failed
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    notebook: Path | None = None


class BatchError(RuntimeError):
    """Some reports of a batch failed; the others were published (see ``outcomes``)."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes
        failed = [o for o in outcomes if o.status == "failed"]
        lines = "\n".join(
            f"  - {o.job.label}: {o.error}"
            + (_(" (executed notebook: {path})").format(path=o.notebook) if o.notebook else "")
            for o in failed
        )
        head = _("{failed} of {total} reports failed:").format(
            failed=len(failed), total=len(outcomes)
        )
        super().__init__(f"{head}\n{lines}")


# --- planning ------------------------------------------------------------------------------
def plan(reports: Sequence[Any], out_root: Path, formats: Sequence[str], notebooks_dir: Path):
    """A job per resolved report: its notebook and its folder under ``out_root``
    (``<period>/province`` or ``<period>/units/<unit>``)."""
    return [
        Job(
            r,
            notebooks_dir / r.notebook,
            out_root / r.request.period / r.folder,
            r.slug,
            tuple(f for f in dict.fromkeys(formats) if f in _KIND_FORMATS[r.request.kind]),
        )
        for r in reports
    ]


#: what each kind of report is published as (a scorecard is not an official document)
_KIND_FORMATS = {"province": FORMATS, "unit": ("html", "pdf", "xlsx")}


def _manifest_for(job: Job, nb_sha: str) -> Manifest:
    r = job.report
    return Manifest(
        kind=r.request.kind,
        title=r.title,
        period=r.request.period,
        period_label=r.period_label,
        province=r.province,
        request=_request_json(r.request),
        input_hash=r.input_hash,
        notebook=job.notebook.name,
        notebook_sha256=nb_sha,
        library=library_fingerprint(),
        unit=r.unit_name,
        unit_id=r.request.unit if r.unit_name else "",
        level=r.level,
        snapshot=r.selection.current,
        taken=r.taken,
        provisional=r.provisional,
        demo=r.demo,
    )


def _request_json(request: Any) -> dict[str, Any]:
    data = dict(request.__dict__)
    data.pop("store", None)  # where the store lies does not change the report
    return data


def unchanged(job: Job, nb_sha: str) -> bool:
    """The published report matches this job: same request, inputs, notebook and library,
    and every asked format is there."""
    current = read_manifest(job.folder)
    if current is None:
        return False
    return current.key() == _manifest_for(job, nb_sha).key() and current.complete_in(
        job.folder, job.formats
    )


# --- one report ----------------------------------------------------------------------------
class _Worker:
    """A thread's kernel; started lazily and replaced when it dies. ``inline``: the notebook
    runs in this process (:mod:`chiso766.render.inline`) — a report alone."""

    def __init__(self, cwd: Path, inline: bool = False) -> None:
        from chiso766.render.inline import InlineKernel
        from chiso766.render.kernels import WarmKernel

        self.kernel = InlineKernel(cwd) if inline else WarmKernel(cwd)
        self.inline = inline  # a report alone: its PDF may use the other core too
        self.started = False

    def ensure(self) -> None:
        """Start the kernel on first use; a kernel that dies while starting (a loaded
        machine) is started once more before the report fails."""
        if self.started:
            return
        try:
            self.kernel.start()
        except RuntimeError as exc:
            log.warning("a kernel died while starting (%s); starting another", exc)
            self.kernel.shutdown()
            self.kernel.start()
        self.started = True


def _render_one(
    job: Job, worker: _Worker, browser: Future | None, nb_sha: str, timeout: float
) -> Outcome:
    """Run, convert, publish one report; ``browser``: the batch's :class:`Browser` as it
    starts (waited for only when the PDF is printed)."""
    from chiso766.render.docx import document_from_notebook, write_docx
    from chiso766.render.html import drop_stderr, notebook_to_html
    from chiso766.render.xlsx import tables_from_notebook, write_xlsx

    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str, t0: float) -> float:
        now = time.perf_counter()
        timings[stage] = round(now - t0, 3)
        return now

    staging = staging_dir(job.folder)
    executed = staging / f"{job.stem}.ipynb"
    try:
        t = time.perf_counter()
        worker.ensure()
        t = lap("kernel", t)
        nb = worker.kernel.run(job.notebook, job.report.request.to_parameters(), executed, timeout)
        t = lap("execute", t)
        crash_hook(job.folder.name, "executed")
        warnings = [w for w in drop_stderr(nb) if w]
        meta: dict[str, Any] = {}
        tables = tables_from_notebook(nb, meta=meta)
        document = document_from_notebook(nb)
        page = notebook_to_html(
            nb,
            title=job.report.title,
            numbered=False,
            base_dir=job.notebook.parent,
            doc_class="scorecard" if job.report.request.kind == "unit" else "announcement",
        )
        html = staging / f"{job.stem}.html"
        html.write_text(page, encoding="utf-8")
        t = lap("html", t)
        if "pdf" in job.formats:
            if browser is None:
                raise RenderError("no browser for the PDF", stage="pdf")
            printer = browser.result()
            if document is not None:  # appendices printed as parts, each numbered from 1
                printer.print_parts(html, staging / f"{job.stem}.pdf", "section.appendix",
                                    tabs=2 if worker.inline else 1)  # fmt: skip
            else:
                printer.print_pdf(html, staging / f"{job.stem}.pdf")
            t = lap("pdf", t)
        if "xlsx" in job.formats:
            if not tables:
                raise RenderError(_("XLSX asked for, but the notebook published no tables"),
                                  stage="xlsx")  # fmt: skip
            write_xlsx(tables, staging / f"{job.stem}.xlsx", meta)
            t = lap("xlsx", t)
        if "docx" in job.formats:
            if document is None:
                raise RenderError("DOCX asked for, but the notebook published no document",
                                  stage="docx")  # fmt: skip
            write_docx(document, staging / f"{job.stem}.docx")
            t = lap("docx", t)
        manifest = _manifest_for(job, nb_sha)
        manifest.files = {
            fmt: file_entry(staging / f"{job.stem}.{fmt}") for fmt in (*job.formats, "ipynb")
        }
        manifest.warnings = warnings
        manifest.timings = timings
        manifest.rendered_at = _now()
        write_json(staging / MANIFEST, manifest.to_json())
        crash_hook(job.folder.name, "staged")
        publish_dir(staging, job.folder)
        crash_hook(job.folder.name, "published")
        timings["total"] = round(time.perf_counter() - started, 3)
        paths = {fmt: job.folder / info["name"] for fmt, info in manifest.files.items()}
        return Outcome(job, "published", paths, time.perf_counter() - started, timings, warnings)
    except BaseException as exc:
        kept = _keep_failure(job, staging, executed, exc, nb_sha)
        shutil.rmtree(staging, ignore_errors=True)
        if not isinstance(exc, Exception):
            raise
        return Outcome(job, "failed", {}, time.perf_counter() - started, timings, [],
                       _plain_error(exc), kept)  # fmt: skip


def _now() -> str:
    from chiso766.store import now_local

    return now_local().isoformat()


def _plain_error(exc: BaseException) -> str:
    from chiso766.render.kernels import KernelDied

    if isinstance(exc, KernelDied):
        return _("kernel died — out of memory?")
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _keep_failure(job: Job, staging: Path, executed: Path, exc: BaseException, nb_sha: str):
    """Keep the failing run's executed notebook beside the published report (which stays)
    with ``failed.json``; returns the notebook's path."""
    try:
        job.folder.mkdir(parents=True, exist_ok=True)
        kept = None
        if executed.exists():
            kept = job.folder / f"{job.stem}.failed.ipynb"
            write_file_atomic(kept, executed.read_bytes())
        failed = _manifest_for(job, nb_sha)
        failed.status = "failed"
        failed.error = _plain_error(exc)
        failed.rendered_at = _now()
        if kept is not None:
            failed.files = {"ipynb": file_entry(kept)}
        write_json(job.folder / FAILED, failed.to_json())
        return kept
    except OSError as err:  # pragma: no cover - a full disk: say so in the log
        log.error("could not keep the failed notebook of %s: %s", job.label, err)
        return None


# --- a batch -------------------------------------------------------------------------------
def render_batch(
    jobs: Sequence[Job],
    out_root: Path,
    *,
    workers: int | None = None,
    force: bool = False,
    timeout: float = 600.0,
    progress: Any = None,
    index: bool = True,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Render ``jobs``; reports already up to date are skipped unless ``force``. Raises
    :class:`BatchError` (after publishing every report that worked) if any failed."""
    from chiso766.render.index import update_index

    out_root = Path(out_root)
    outcomes: list[Outcome] = []
    with reports_lock(out_root):
        clean_stale(out_root)
        clean_stale_private()
        shas = {nb: sha256_file(nb) for nb in {j.notebook for j in jobs}}
        todo = []
        for job in jobs:
            if not force and unchanged(job, shas[job.notebook]):
                outcome = Outcome(job, "unchanged", _published_paths(job))
                outcomes.append(outcome)
                _report(progress, on_outcome, outcome)
            else:
                todo.append(job)
        if todo:
            outcomes += _run(todo, shas, workers, timeout, progress, on_outcome)
        if index:
            update_index(out_root)
    order = {id(j): i for i, j in enumerate(jobs)}
    outcomes.sort(key=lambda o: order[id(o.job)])
    if any(o.status == "failed" for o in outcomes):
        raise BatchError(outcomes)
    return outcomes


def _preload(after: threading.Event, inline: bool) -> None:
    """What every report needs in this process (papermill's engine, the HTML exporter),
    loaded while the kernels start — once ``after`` is set (a report run in this process has
    its engine: imports are one at a time, and its notebook must not wait for these)."""
    from chiso766.render import html
    from chiso766.render.inline import _register_engine as register_inline
    from chiso766.render.kernels import _register_engine

    after.wait(timeout=30)
    (register_inline if inline else _register_engine)()
    html.preload()


def _start_browser(browser: Any) -> Any:
    """Start the batch's browser and warm it; a warm-up that fails only costs time."""
    browser.start()
    try:
        browser.warm()
    except (RenderError, OSError) as exc:
        log.info("browser warm-up skipped: %s", exc)
    return browser


def _published_paths(job: Job) -> dict[str, Path]:
    m = read_manifest(job.folder)
    return {fmt: job.folder / info["name"] for fmt, info in (m.files if m else {}).items()}


def _report(progress: Any, on_outcome: Callable | None, outcome: Outcome) -> None:
    if progress is not None:
        progress.update(outcome.job.label, outcome.status, outcome.seconds, outcome.error)
    if on_outcome is not None:
        on_outcome(outcome)


def _run(jobs, shas, workers, timeout, progress, on_outcome) -> list[Outcome]:
    """Run jobs on ``workers`` threads, each with its kernel; one browser for every PDF."""
    from chiso766.render.chromium import Browser

    n = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    cwd = jobs[0].notebook.parent
    # the province reports first: they take longest
    pending: queue.Queue = queue.Queue()
    for job in sorted(jobs, key=lambda j: j.report.request.kind != "province"):
        pending.put(job)
    browser = None
    browser_ready: Future | None = None
    pool = ThreadPoolExecutor(max_workers=n + 2, thread_name_prefix="render")
    if any("pdf" in j.formats for j in jobs):
        browser = Browser(timeout=timeout)
        # started and warmed while the first notebooks run; each report waits for it only
        # when it prints
        browser_ready = pool.submit(_start_browser, browser)
    inline = len(jobs) == 1
    first_started = threading.Event()
    if not inline:  # kernels boot in processes of their own: load beside them
        first_started.set()
    preloaded = pool.submit(_preload, first_started, inline)
    results: list[Outcome] = []
    lock = threading.Lock()

    def work() -> None:
        worker = _Worker(cwd, inline=inline)
        try:
            with suppress(Exception):  # a kernel that cannot start fails its first report
                worker.ensure()
            first_started.set()
            while True:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                outcome = _render_one(job, worker, browser_ready, shas[job.notebook], timeout)
                with lock:
                    results.append(outcome)
                _report(progress, on_outcome, outcome)
        finally:
            worker.kernel.shutdown()

    try:
        threads = [pool.submit(work) for _ in range(n)]
        for t in threads:
            t.result()
        first_started.set()
        preloaded.result()
    finally:
        if browser is not None:
            browser.close()
        pool.shutdown(wait=True)
    return results


__all__ = ["FORMATS", "BatchError", "Job", "Outcome", "plan", "render_batch", "unchanged"]

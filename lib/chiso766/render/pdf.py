"""HTML → PDF with headless Chromium: :func:`find_chromium` and :func:`html_to_pdf` (a fresh
profile per call, a timeout, the process group killed after)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from chiso766.render.errors import RenderError

ENV_CHROMIUM = "CHISO766_CHROMIUM"
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

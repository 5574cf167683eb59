"""One headless Chromium per batch, driven over the DevTools protocol on a pipe.

:class:`Browser` starts Chromium with ``--remote-debugging-pipe`` (commands on fd 3, answers on
fd 4: no port is opened) and prints pages to PDF with ``Page.printToPDF``, one tab per page;
several threads may print at once. The browser runs with a fresh profile and every background
service off, and with a host resolver that resolves nothing: a report is a local file and the
browser must not try to reach anything.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import Future
from contextlib import suppress
from pathlib import Path
from typing import Any

from chiso766.render.errors import RenderError
from chiso766.render.publish import private_temp

log = logging.getLogger(__name__)

ENV_CHROMIUM = "CHISO766_CHROMIUM"
#: flags for every Chromium the workbook starts: headless, no profile state, nothing that
#: phones home (updates, sync, metrics, safe browsing, DNS prefetch), no DNS at all
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-features=OptimizationHints,MediaRouter,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
    "DialMediaRouteProvider,InterestFeedContentSuggestions,NetworkTimeServiceQuerying",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
#: Page.printToPDF options: the page's own @page CSS decides size and margins
PRINT_OPTIONS = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "transferMode": "ReturnAsBase64",
}


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


class Browser:
    """A headless Chromium driven over a DevTools pipe; thread-safe :meth:`print_pdf`."""

    def __init__(self, executable: str | None = None, *, timeout: float = 60.0) -> None:
        self.executable = executable
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self._profile: str | None = None
        self._write_fd = -1
        self._read_fd = -1
        self._lock = threading.Lock()
        self._next = 0
        self._pending: dict[int, Future] = {}
        self._events: dict[tuple[str, str], list[Future]] = {}
        self._reader: threading.Thread | None = None
        self._stderr: list[str] = []
        self._dead: str | None = None

    # --- life cycle --------------------------------------------------------------------------
    def start(self) -> Browser:
        exe = self.executable or find_chromium()
        self._profile = private_temp("chromium")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # the child sees our pipe ends as fds 3 (commands) and 4 (answers)
        script = f'exec "$0" "$@" 3<&{to_child_r} 4>&{from_child_w}'
        cmd = [
            "/bin/sh",
            "-c",
            script,
            exe,
            *CHROMIUM_FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
        ]
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(to_child_r, from_child_w),
                start_new_session=True,
            )
        except OSError as exc:
            raise RenderError(f"Chromium could not start: {exc}", stage="pdf") from exc
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._write_fd, self._read_fd = to_child_w, from_child_r
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.call("Target.setDiscoverTargets", {"discover": False})
        return self

    def close(self) -> None:
        """End the browser (and every helper process it started) and remove its profile."""
        proc, self.proc = self.proc, None
        if proc is not None:
            with suppress(Exception):
                self._send_raw({"id": -1, "method": "Browser.close"})
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with suppress(Exception):
                proc.wait(timeout=3)
        for fd in (self._write_fd, self._read_fd):
            if fd >= 0:
                with suppress(OSError):
                    os.close(fd)
        self._write_fd = self._read_fd = -1
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def __enter__(self) -> Browser:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- protocol ----------------------------------------------------------------------------
    def _send_raw(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8") + b"\0"
        with self._lock:
            view = memoryview(data)
            while view:
                n = os.write(self._write_fd, view)
                view = view[n:]

    def _read_loop(self) -> None:
        buf = b""
        try:
            while True:
                chunk = os.read(self._read_fd, 1 << 20)
                if not chunk:
                    break
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    self._dispatch(json.loads(raw))
        except OSError:
            pass
        self._dead = "Chromium exited" + (
            f": {' '.join(self._stderr[-3:])[-400:]}" if self._stderr else ""
        )
        with self._lock:
            waiting = list(self._pending.values()) + [f for fs in self._events.values() for f in fs]
            self._pending.clear()
            self._events.clear()
        for fut in waiting:
            if not fut.done():
                fut.set_exception(RenderError(self._dead, stage="pdf"))

    def _drain_stderr(self) -> None:
        proc = self.proc
        if proc is None or proc.stderr is None:
            return
        for line in proc.stderr:
            text = line.decode("utf-8", "replace").strip()
            if text:
                self._stderr = (self._stderr + [text])[-20:]

    def _dispatch(self, message: dict) -> None:
        if "id" in message:
            with self._lock:
                fut = self._pending.pop(message["id"], None)
            if fut is None:
                return
            if "error" in message:
                err = message["error"]
                fut.set_exception(RenderError(f"Chromium: {err.get('message', err)}", stage="pdf"))
            else:
                fut.set_result(message.get("result", {}))
            return
        key = (message.get("sessionId", ""), message.get("method", ""))
        with self._lock:
            waiters = self._events.pop(key, [])
        for fut in waiters:
            if not fut.done():
                fut.set_result(message.get("params", {}))

    def _expect(self, session: str, method: str) -> Future:
        fut: Future = Future()
        with self._lock:
            self._events.setdefault((session, method), []).append(fut)
        return fut

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None) -> dict[str, Any]:  # fmt: skip
        """Send one command and wait for its answer."""
        if self._dead:
            raise RenderError(self._dead, stage="pdf")
        fut: Future = Future()
        with self._lock:
            self._next += 1
            mid = self._next
            self._pending[mid] = fut
        message: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send_raw(message)
        try:
            return fut.result(timeout=timeout or self.timeout)
        except TimeoutError:
            with self._lock:
                self._pending.pop(mid, None)
            raise RenderError(
                f"Chromium did not answer {method} in {timeout or self.timeout:g} s", stage="pdf"
            ) from None

    # --- printing ----------------------------------------------------------------------------
    def print_pdf(self, html: Path | str, pdf: Path | str) -> Path:
        """Print a local HTML file to ``pdf`` (A4 and margins from the page's ``@page``).

        The tab is opened on the file itself (a navigation from ``about:blank`` to ``file:``
        swaps renderer processes and may drop the session) and printed once the document and
        its fonts are ready."""
        html, pdf = Path(html).resolve(), Path(pdf)
        target = self.call("Target.createTarget", {"url": html.as_uri()})["targetId"]
        try:
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            self._wait_ready(session, html)
            result = self.call("Page.printToPDF", dict(PRINT_OPTIONS), session=session)
            data = base64.b64decode(result["data"])
        finally:
            with suppress(RenderError):
                self.call("Target.closeTarget", {"targetId": target}, timeout=10)
        if not data.startswith(b"%PDF-"):
            raise RenderError("Chromium returned something that is not a PDF", stage="pdf")
        pdf.write_bytes(data)
        return pdf

    def _wait_ready(self, session: str, html: Path) -> None:
        """Wait until the file's document (not the tab's first blank one) is loaded and its
        fonts are ready."""
        name = html.name
        expression = (
            f"location.href === {json.dumps(html.as_uri())} && "
            "document.readyState === 'complete' && "
            "(!document.fonts || document.fonts.status === 'loaded')"
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            answer = self.call(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True},
                session=session,
            )
            if answer.get("result", {}).get("value") is True:
                return
            time.sleep(0.02)
        raise RenderError(f"{name} did not load in {self.timeout:g} s", stage="pdf")


def html_to_pdf(
    html_path: Path | str, pdf: Path | str, *, timeout: float = 120.0, chromium: str | None = None
) -> Path:
    """Print one local HTML file to PDF with a browser started for it (for single use; a
    batch keeps one :class:`Browser` open instead)."""
    with Browser(chromium, timeout=timeout) as browser:
        return browser.print_pdf(html_path, pdf)


__all__ = ["CHROMIUM_FLAGS", "ENV_CHROMIUM", "Browser", "find_chromium", "html_to_pdf"]

"""One headless Chromium per batch, driven over the DevTools protocol on a pipe.

Where the system allows it, the browser runs in a network namespace of its own
(:func:`network_isolation`): a report is a local file, and nothing the browser might try —
its start-up IPv6 route probe included — can leave the machine.

:class:`Browser` starts Chromium with ``--remote-debugging-pipe`` (commands on fd 3, answers on
fd 4: no port is opened) and prints pages to PDF with ``Page.printToPDF``, one tab per page;
several threads may print at once. The browser runs with a fresh profile and every background
service off, and with a host resolver that resolves nothing: a report is a local file and the
browser must not try to reach anything.
"""

from __future__ import annotations

import base64
import fcntl
import functools
import json
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

from chiso766.i18n import _
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
#: Pieces merged by ``pdfunite`` lose their structure tree (the merged file is untagged), so
#: they are printed without one: half the time, a seventh of the bytes.
PIECE_OPTIONS = {**PRINT_OPTIONS, "generateTaggedPDF": False}


@functools.cache
def network_isolation() -> tuple[str, ...]:
    """The command prefix that runs the browser in a network namespace of its own (no
    interface but a down loopback: nothing can leave the machine), or () where the system
    does not allow it. ``$CHISO766_NO_NETNS=1`` turns it off."""
    unshare = shutil.which("unshare")
    if not unshare or os.environ.get("CHISO766_NO_NETNS"):
        return ()
    for prefix in ((unshare, "--net", "--"), (unshare, "--net", "--map-root-user", "--")):
        try:
            done = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return prefix
    log.info("no network namespace for Chromium: it runs with the network flags only")
    return ()


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
        _(
            "no Chromium found for PDF output: apt-get install -y --no-install-recommends "
            "chromium fonts-noto-core (or set {env})"
        ).format(env=ENV_CHROMIUM),
        stage="pdf",
    )


class Browser:
    """A headless Chromium driven over a DevTools pipe; thread-safe :meth:`print_pdf`, each
    thread printing in a tab of its own that it keeps for its next page."""

    def __init__(self, executable: str | None = None, *, timeout: float = 60.0) -> None:
        self.executable = executable
        self.timeout = timeout
        self.pid: int | None = None
        self._err_fd = -1
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
        self._tabs = threading.local()  # .tab: (target id, session id, page URI) of a thread

    # --- life cycle --------------------------------------------------------------------------
    def start(self) -> Browser:
        """Launch Chromium with the DevTools pipe on its fds 3 and 4 (posix_spawn: no shell,
        no Python code between fork and exec)."""
        exe = self.executable or find_chromium()
        if os.path.sep not in exe:
            exe = shutil.which(exe) or exe
        self._profile = private_temp("chromium", in_memory=True)
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        err_r, err_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDWR)
        # copies above the standard numbers, so that moving them to 3 and 4 clobbers nothing
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
                for fd in (to_child_r, from_child_w, err_w, devnull)]  # fmt: skip
        actions = [
            (os.POSIX_SPAWN_DUP2, high[3], 0),
            (os.POSIX_SPAWN_DUP2, high[3], 1),
            (os.POSIX_SPAWN_DUP2, high[2], 2),
            (os.POSIX_SPAWN_DUP2, high[0], 3),
            (os.POSIX_SPAWN_DUP2, high[1], 4),
        ]
        argv = [
            *network_isolation(),
            exe,
            *CHROMIUM_FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
        ]
        try:
            self.pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions, setsid=True)
        except OSError as exc:
            raise RenderError(
                _("Chromium could not start: {reason}").format(reason=exc), stage="pdf"
            ) from exc
        finally:
            for fd in (to_child_r, from_child_w, err_w, devnull, *high):
                os.close(fd)
        self._write_fd, self._read_fd, self._err_fd = to_child_w, from_child_r, err_r
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.call("Target.setDiscoverTargets", {"discover": False})
        return self

    def _wait(self, timeout: float) -> bool:
        """Reap the browser process within ``timeout`` seconds; whether it has ended."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                pid, _status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return True
            if pid:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def close(self) -> None:
        """End the browser (and every helper process it started) and remove its profile."""
        pid, self.pid = self.pid, None
        if pid is not None:
            self.pid = pid
            # no graceful close: its profile is thrown away, and nothing it holds is ours
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)  # the browser and every helper it started
            self._wait(5)
            self.pid = None
        for fd in (self._write_fd, self._read_fd, self._err_fd):
            if fd >= 0:
                with suppress(OSError):
                    os.close(fd)
        self._write_fd = self._read_fd = self._err_fd = -1
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
        gone = False
        with self._lock:
            view = memoryview(data)
            while view:
                try:
                    n = os.write(self._write_fd, view)
                except OSError:  # the browser is gone (its reader may not have seen it yet)
                    gone = True
                    break
                view = view[n:]
        if gone:
            if self._reader is not None:
                self._reader.join(timeout=2)
            raise RenderError(self._dead or _("Chromium exited"), stage="pdf")

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
        self._dead = _("Chromium exited") + (
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
        buf = b""
        try:
            while chunk := os.read(self._err_fd, 65536):
                buf = (buf + chunk)[-8192:]
                lines = [x.decode("utf-8", "replace").strip() for x in buf.split(b"\n")]
                self._stderr = [x for x in lines if x][-20:]
        except OSError:
            pass

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
        if self._dead or self._write_fd < 0:
            raise RenderError(self._dead or _("Chromium is not running"), stage="pdf")
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
                _("Chromium did not answer {method} in {seconds:g} s").format(
                    method=method, seconds=timeout or self.timeout
                ),
                stage="pdf",
            ) from None

    def warm(self) -> Browser:
        """Print a small page with the reports' style sheet once (fonts found and loaded,
        renderer started, print path run): the first report's PDF then takes ~0,5 s less.
        Meant to run while the first notebook executes."""
        from markupsafe import Markup

        from chiso766.render.page import jinja_env, report_css
        from chiso766.store import now_local

        body = Markup(
            "<h1>Thông báo <b>kết quả</b> <i>Bộ chỉ số</i></h1>"
            "<p>Ủy ban nhân dân tỉnh: 75,45 điểm, xếp hạng 10/34, tăng 2 bậc.</p>"
            "<table><thead><tr><th>Cơ quan, đơn vị</th><th>Điểm</th></tr></thead>"
            "<tbody><tr><td>Sở Tư pháp</td><td>82,30</td></tr></tbody></table>"
            '<svg viewBox="0 0 40 10" width="40" height="10" role="img">'
            '<text x="0" y="8">Điểm số</text></svg>'
        )
        page = (
            jinja_env()
            .get_template("report.html.j2")
            .render(
                title="Khởi động",
                body=body,
                css=report_css(),
                numbered=True,
                doc_class="announcement",
                generated=now_local(),
            )  # fmt: skip
        )
        path = Path(self._profile or ".") / "warm-up.html"
        path.write_text(page, encoding="utf-8")
        self.print_pdf(path, path.with_suffix(".pdf"))
        return self

    # --- printing ----------------------------------------------------------------------------
    def print_pdf(self, html: Path | str, pdf: Path | str) -> Path:
        """Print a local HTML file to ``pdf`` (A4 and margins from the page's ``@page``).

        The calling thread's tab goes to the file and prints it once the document and its fonts
        are ready. The tab is kept for the thread's next page: navigating within ``file:``
        keeps its renderer process, where a new tab starts one (~0,1 s a page). The first tab
        is opened on the file itself (a navigation from ``about:blank`` to ``file:`` swaps
        renderer processes and may drop the session); a tab that failed is closed."""
        html, pdf = Path(html).resolve(), Path(pdf)
        session = self._tab_on(html)
        try:
            result = self.call("Page.printToPDF", dict(PRINT_OPTIONS), session=session)
        except RenderError:
            self._drop_tab()
            raise
        data = base64.b64decode(result["data"])
        if not data.startswith(b"%PDF-"):
            raise RenderError(_("Chromium returned something that is not a PDF"), stage="pdf")
        pdf.write_bytes(data)
        return pdf

    def _tab_on(self, html: Path) -> str:
        """The session of this thread's tab, showing ``html`` loaded and ready."""
        uri = html.as_uri()
        tab = getattr(self._tabs, "tab", None)
        if tab is not None and tab[2] != uri:  # same page again: a new tab, a fresh load
            try:
                answer = self.call("Page.navigate", {"url": uri}, session=tab[1])
                if answer.get("errorText"):
                    raise RenderError(
                        _("{name} did not load: {reason}").format(
                            name=html.name, reason=answer["errorText"]
                        ),
                        stage="pdf",
                    )
                self._wait_ready(tab[1], html)
            except RenderError:
                self._drop_tab()
                raise
            self._tabs.tab = (tab[0], tab[1], uri)
            return tab[1]
        self._drop_tab()
        target = self.call("Target.createTarget", {"url": uri})["targetId"]
        try:
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            self._wait_ready(session, html)
        except RenderError:
            with suppress(RenderError):
                self.call("Target.closeTarget", {"targetId": target}, timeout=10)
            raise
        self._tabs.tab = (target, session, uri)
        return session

    def _drop_tab(self) -> None:
        """Close this thread's tab, if it has one."""
        tab = getattr(self._tabs, "tab", None)
        self._tabs.tab = None
        if tab is not None and not self._dead:
            with suppress(RenderError):
                self.call("Target.closeTarget", {"targetId": tab[0]}, timeout=10)

    def print_parts(
        self, html: Path | str, pdf: Path | str, selector: str, *, tabs: int = 1
    ) -> int:
        """Print a page whose parts (elements matching ``selector``, e.g. an announcement's
        appendices) are documents of their own: the page without them first, then each part
        alone — so each starts on a new page numbered from 1 (Chromium cannot restart the page
        counter) — merged into ``pdf`` with poppler's ``pdfunite``. Returns the parts' count;
        a page without parts is printed as :meth:`print_pdf` does.

        ``tabs`` > 1: the page is opened in that many tabs, which take the pieces largest first
        (a report alone: the machine's other core prints beside the first)."""
        html, pdf = Path(html).resolve(), Path(pdf)
        opened: list[str] = []
        lock = threading.Lock()

        def open_tab() -> str:
            target = self.call("Target.createTarget", {"url": html.as_uri()})["targetId"]
            with lock:
                opened.append(target)
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            self._wait_ready(session, html)
            return session

        try:
            with ThreadPoolExecutor(max_workers=max(1, tabs)) as pool:
                others = [pool.submit(open_tab) for _ in range(max(0, tabs - 1))]
                first = open_tab()
                sizes = self._part_sizes(first, selector)  # [rest of the page, part 0, …]
                order = sorted(range(-1, len(sizes) - 1), key=lambda k: -sizes[k + 1])
                options = dict(PIECE_OPTIONS if len(order) > 1 else PRINT_OPTIONS)
                if len(order) == 1:
                    for tab in others:
                        tab.cancel()
                    others = []
                todo = list(order)
                pieces: dict[int, bytes] = {}

                def print_from(session: str) -> None:
                    while True:
                        with lock:
                            if not todo:
                                return
                            k = todo.pop(0)
                        self._show_part(session, selector, k)
                        result = self.call("Page.printToPDF", options, session=session)
                        pieces[k] = base64.b64decode(result["data"])

                def print_when_open(tab: Future) -> None:
                    try:
                        session = tab.result()
                    except RenderError as exc:  # the first tab prints it all
                        log.info("a second tab for %s did not open: %s", html.name, exc)
                        return
                    print_from(session)

                work = [pool.submit(print_when_open, tab) for tab in others]
                print_from(first)
                for done in work:
                    done.result()
        finally:
            for target in opened:
                with suppress(RenderError):
                    self.call("Target.closeTarget", {"targetId": target}, timeout=10)
        ordered = [pieces[k] for k in sorted(pieces)]
        if not all(p.startswith(b"%PDF-") for p in ordered):
            raise RenderError("Chromium returned something that is not a PDF", stage="pdf")
        if len(ordered) == 1:
            pdf.write_bytes(ordered[0])
            return 0
        _merge_pdfs(ordered, pdf)
        return len(ordered) - 1

    def _part_sizes(self, session: str, selector: str) -> list[int]:
        """How much markup the page holds without its parts, then each part (a print's cost
        grows with it)."""
        script = (
            "(function(sel){const main = document.querySelector('main');"
            "const parts = [...main.querySelectorAll(sel)];"
            "const all = main.innerHTML.length;"
            "const each = parts.map(p => p.outerHTML.length);"
            "return [all - each.reduce((a, b) => a + b, 0), ...each];"
            f"}})({json.dumps(selector)})"
        )
        value = self._evaluate(session, script)
        if not isinstance(value, list) or not value:
            raise RenderError("could not lay out the page's parts for printing", stage="pdf")
        return [int(v) for v in value]

    def _evaluate(self, session: str, script: str) -> Any:
        """The value of a script run in the page of ``session``."""
        answer = self.call(
            "Runtime.evaluate", {"expression": script, "returnByValue": True}, session=session
        )
        return answer.get("result", {}).get("value")

    def _show_part(self, session: str, selector: str, k: int) -> int:
        """Show the page without its parts (``k`` = -1) or part ``k`` alone; the parts' count."""
        script = (
            "(function(sel, k){const main = document.querySelector('main');"
            "if (!window.__whole) window.__whole = main.cloneNode(true);"
            "const page = window.__whole.cloneNode(true);"
            "const parts = [...page.querySelectorAll(sel)];"
            "if (k < 0) { parts.forEach(p => p.remove()); }"
            "else { const only = page.cloneNode(false); only.appendChild(parts[k]);"
            "page.replaceChildren(...only.childNodes); }"
            "document.querySelector('main').replaceWith(page);"
            f"return parts.length;}})({json.dumps(selector)}, {int(k)})"
        )
        value = self._evaluate(session, script)
        if not isinstance(value, int):
            raise RenderError("could not lay out the page's parts for printing", stage="pdf")
        return value

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
            try:
                if self._evaluate(session, expression) is True:
                    return
            except RenderError as exc:  # a document being replaced has no context for a moment
                if not any(phrase in str(exc) for phrase in _BETWEEN_DOCUMENTS):
                    raise
            time.sleep(0.02)
        raise RenderError(
            _("{name} did not load in {seconds:g} s").format(name=name, seconds=self.timeout),
            stage="pdf",
        )


#: DevTools answers while a tab swaps documents (an error page replacing the file's, say).
_BETWEEN_DOCUMENTS = ("Cannot find default execution context", "Execution context was destroyed")


def _merge_pdfs(pieces: list[bytes], pdf: Path) -> None:
    """Join PDFs in order with ``pdfunite`` (poppler-utils)."""
    tool = shutil.which("pdfunite")
    if tool is None:
        raise RenderError("pdfunite is not installed (apt install poppler-utils)", stage="pdf")
    import tempfile

    with tempfile.TemporaryDirectory(prefix=".parts-", dir=pdf.parent) as tmp:
        names = []
        for i, data in enumerate(pieces):
            name = Path(tmp) / f"part-{i:03d}.pdf"
            name.write_bytes(data)
            names.append(str(name))
        out = Path(tmp) / "whole.pdf"
        done = subprocess.run([tool, *names, str(out)], capture_output=True, text=True)
        if done.returncode != 0 or not out.exists():
            raise RenderError(f"pdfunite failed: {done.stderr.strip()[:200]}", stage="pdf")
        pdf.write_bytes(out.read_bytes())


def html_to_pdf(
    html_path: Path | str, pdf: Path | str, *, timeout: float = 120.0, chromium: str | None = None
) -> Path:
    """Print one local HTML file to PDF with a browser started for it (for single use; a
    batch keeps one :class:`Browser` open instead)."""
    with Browser(chromium, timeout=timeout) as browser:
        return browser.print_pdf(html_path, pdf)


__all__ = ["CHROMIUM_FLAGS", "ENV_CHROMIUM", "Browser", "find_chromium", "html_to_pdf"]

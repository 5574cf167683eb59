"""Fetch a period from the portal's evaluation API, archive every response, ingest the period.

Polite by default: at most one request per second, a timeout on every request, a bounded
number of retries with exponential backoff on 5xx answers and network errors (never on 4xx
or on a body that is not a portal answer), and a User-Agent that says who is asking.
Standard library HTTP only (urllib).

Nothing is half-done: every response goes to a temporary folder beside the archive; only
when all endpoints and pages have arrived and read cleanly is the folder renamed into
``<archive>/<province code>/<period>/<fetched at>/`` (with ``manifest.json``) and the period
ingested in one store transaction. A failure removes the temporary folder and leaves the
store as it was — except complete answers the workbook refuses (an impossible score, a
malformed body): those are archived all the same, for review, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from chiso766.compute.periods import Period, PeriodError, parse_period
from chiso766.i18n import N_, _
from chiso766.ingest.errors import IngestError, Problem
from chiso766.ingest.portal import (
    ARCHIVE_KIND,
    ENDPOINTS,
    MANIFEST,
    SERVICE_RESULTS,
    TREES,
    PortalRead,
    read_portal_folder,
)
from chiso766.portal.provinces import Province, find_province
from chiso766.store import IngestResult, Store, now_local, project_root

DEFAULT_BASE_URL = "https://dichvucong.gov.vn/api/v1/reporting/evaluation"
ENV_BASE_URL = "CHISO766_PORTAL_URL"
ENV_ARCHIVE = "CHISO766_PORTAL_ARCHIVE"
USER_AGENT = "chiso766-workbook/0.1 (+provincial reporting)"
MAX_PAGES = 100
PAGE_SIZE = {"dvc-progress-tree": 100, "formality-online-payment-tree": 100}


class FetchError(RuntimeError):
    """A fetch that could not complete; nothing was archived or stored."""


def default_archive_root() -> Path:
    """$CHISO766_PORTAL_ARCHIVE, else <project>/data/portal-archive."""
    env = os.environ.get(ENV_ARCHIVE)
    return Path(env) if env else project_root() / "data" / "portal-archive"


def base_url(url: str | None = None) -> str:
    """The API base: the argument, else $CHISO766_PORTAL_URL, else the national portal."""
    return (url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")


@dataclass(frozen=True)
class Response:
    """One answer, byte for byte, with the request that produced it."""

    endpoint: str
    page: int
    request: dict
    body: bytes
    status: int
    fetched_at: dt.datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


class PortalClient:
    """A small, polite JSON-over-POST client for the evaluation API."""

    def __init__(
        self,
        url: str | None = None,
        *,
        timeout: float = 30.0,
        min_interval: float = 1.0,
        retries: int = 3,
        backoff: float = 2.0,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url(url)
        self.timeout = timeout
        self.min_interval = min_interval
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._last: float | None = None
        self.requests = 0

    def _wait_turn(self) -> None:
        if self._last is not None and self.min_interval > 0:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        self._last = time.monotonic()

    def _delay(self, attempt: int, retry_after: str | None = None) -> float:
        delay = self.backoff * 2**attempt
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        return min(delay, self.max_backoff)

    def post(self, endpoint: str, body: dict, page: int = 1) -> Response:
        """POST ``body`` as JSON to ``<base>/<endpoint>``; retries 5xx and network errors."""
        url = f"{self.base_url}/{endpoint}"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        last, retry_after = "", None
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self._delay(attempt - 1, retry_after))
            retry_after = None
            self._wait_turn()
            self.requests += 1
            req = urllib.request.Request(url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                    raw = answer.read()
                    return Response(endpoint, page, body, raw, answer.status, now_local())
            except urllib.error.HTTPError as exc:
                if not 500 <= exc.code < 600:
                    raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                last = f"HTTP {exc.code} {exc.reason}"
            except (OSError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"{type(exc).__name__}: {reason}" if str(reason) else type(exc).__name__
        raise FetchError(
            _("{url}: no valid answer after {n} attempt(s) ({reason})").format(
                url=url, n=self.retries + 1, reason=last
            )
        )

    def post_pages(self, endpoint: str, body: dict) -> list[Response]:
        """Page 1, then every further page ``data.pagination`` announces (at most MAX_PAGES)."""
        first = self.post(endpoint, body, 1)
        pages = [first]
        pagination = _pagination(first)
        total_pages = int(pagination.get("totalPages") or 1)
        if total_pages > MAX_PAGES:
            raise FetchError(
                _("{endpoint}: {n} pages announced (limit {limit})").format(
                    endpoint=endpoint, n=total_pages, limit=MAX_PAGES
                )
            )
        for n in range(2, total_pages + 1):
            nxt = dict(body, currentPage=n)
            if "pageSize" not in nxt and pagination.get("pageSize"):
                nxt["pageSize"] = pagination["pageSize"]
            pages.append(self.post(endpoint, nxt, n))
            _pagination(pages[-1])
        return pages


def _pagination(response: Response) -> dict:
    """Check the envelope of an answer; its ``data.pagination`` (or {})."""
    where = _("{endpoint} page {page}").format(endpoint=response.endpoint, page=response.page)
    try:
        doc = json.loads(response.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        head = response.body[:60].decode("utf-8", "replace")
        raise FetchError(
            _("{where}: the answer is not JSON (begins {head!r})").format(where=where, head=head)
        ) from None
    if not isinstance(doc, dict) or doc.get("code") != "OK":
        code = doc.get("code") if isinstance(doc, dict) else None
        message = doc.get("message") if isinstance(doc, dict) else None
        raise FetchError(
            _("{where}: the portal answered code {code!r} (message: {message!r})").format(
                where=where, code=code, message=message
            )
        )
    data = doc.get("data")
    if not isinstance(data, dict):
        raise FetchError(_("{where}: the answer has no 'data' object").format(where=where))
    pagination = data.get("pagination")
    return pagination if isinstance(pagination, dict) else {}


def requests_for(province: Province, period: Period) -> dict[str, dict]:
    """The request body of page 1 of every endpoint (six groups + service-results)."""
    base = period.portal_request()
    root = {"rootDepartmentId": province.root_department_id}
    out: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        when = period.date_range_request() if endpoint == "handling-satisfaction" else base
        size = PAGE_SIZE.get(endpoint, 100 if endpoint in TREES else 200)
        out[endpoint] = {**when, **root, "currentPage": 1, "pageSize": size}
    out[SERVICE_RESULTS] = {**base, "departmentType": "ADMINISTRATIVE_UNIT"}
    return out


def file_name(endpoint: str, page: int) -> str:
    return f"{endpoint}.json" if page == 1 else f"{endpoint}.page-{page}.json"


@dataclass
class FetchResult:
    """What a fetch did: where the responses are, what was read and stored, how long it took."""

    folder: Path
    read: PortalRead
    ingest: IngestResult
    requests: int
    seconds: float


def _check_period(period: Period, provisional: bool, today: dt.date) -> None:
    try:
        period.portal_request()
    except PeriodError as exc:
        raise FetchError(str(exc)) from None
    if period.start > today:
        raise FetchError(_("{period} has not started yet").format(period=period.key))
    if not period.is_complete(today) and not provisional:
        raise FetchError(
            _(
                "{period} has not ended yet (last day {end}); pass --provisional to fetch what "
                "the portal has so far (stored as provisional)"
            ).format(period=period.key, end=f"{period.end:%d/%m/%Y}")
        )


def download(
    client: PortalClient,
    province: Province,
    period: Period,
    folder: Path,
    provisional: bool,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict:
    """Every endpoint's pages into ``folder``, plus the manifest; returns the manifest.
    ``progress(done, total, file)`` is called after each page (``total``: the endpoints)."""
    entries = []
    started = now_local()
    wanted = requests_for(province, period)
    for done, (endpoint, body) in enumerate(wanted.items(), start=1):
        for r in client.post_pages(endpoint, body):
            name = file_name(endpoint, r.page)
            (folder / name).write_bytes(r.body)
            entries.append(
                {
                    "file": name,
                    "endpoint": endpoint,
                    "page": r.page,
                    "url": f"{client.base_url}/{endpoint}",
                    "request": r.request,
                    "status": r.status,
                    "fetched_at": r.fetched_at.isoformat(),
                    "sha256": r.sha256,
                    "bytes": len(r.body),
                }
            )
            if progress:
                progress(done, len(wanted), name)
    manifest = {
        "kind": ARCHIVE_KIND,
        "version": 1,
        "province": {
            "name": province.name,
            "rootDepartmentId": province.root_department_id,
            "code": province.code,
        },
        "period": period.key,
        "provisional": provisional,
        "base_url": client.base_url,
        "user_agent": USER_AGENT,
        "started_at": started.isoformat(),
        "finished_at": now_local().isoformat(),
        "files": entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return manifest


def _check_complete(read: PortalRead) -> None:
    """A fetched period must hold every unit the pagination announced."""
    if read.shortfalls:
        short = ", ".join(
            _("{endpoint} {n} of {m} units").format(endpoint=ep, n=n, m=m)
            for ep, (n, m) in read.shortfalls.items()
        )
        raise FetchError(
            _("incomplete answer after following every page: {detail}").format(detail=short)
        )


def fetch_period(
    province: Province | str,
    period: Period | str,
    store: Store,
    *,
    archive_root: Path | None = None,
    client: PortalClient | None = None,
    provisional: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> FetchResult:
    """Fetch, archive and ingest one period of one province (see the module docstring)."""
    t0 = time.monotonic()
    prov = province if isinstance(province, Province) else find_province(province)
    per = period if isinstance(period, Period) else parse_period(period)
    today = today or now_local().date()
    _check_period(per, provisional, today)
    provisional = provisional and not per.is_complete(today)
    client = client or PortalClient()
    root = (archive_root or default_archive_root()) / prov.code
    stamp = now_local().strftime("%Y%m%dT%H%M%S")
    tmp = root / f".partial-{per.key}-{stamp}-{os.getpid()}"
    tmp.mkdir(parents=True)
    try:
        download(client, prov, per, tmp, provisional, progress)
        try:
            read = read_portal_folder(tmp, per, today=today)
        except IngestError as exc:  # complete answers the workbook refuses: keep them
            final = _publish(tmp, root, per, stamp)
            kept = Problem(str(final), None, None, None, _(MSG_KEPT))
            raise IngestError(
                [replace(p, file=p.file.replace(tmp.name, final.name)) for p in exc.problems]
                + [kept],
                exc.warnings,
            ) from None
        _check_complete(read)
        final = _publish(tmp, root, per, stamp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    read = replace(
        read, folder=final, files=[replace(f, path=final / f.path.name) for f in read.files]
    )
    try:
        result = store_read(store, read)
    except Exception as exc:
        raise FetchError(
            _(
                "the answers are archived in {folder} but could not be stored ({reason}); "
                "ingest them later with: chiso766 ingest {folder}"
            ).format(folder=final, reason=exc)
        ) from exc
    return FetchResult(final, read, result, client.requests, time.monotonic() - t0)


MSG_KEPT = N_(
    "the portal's answers are kept in this archive folder for inspection; nothing was stored"
)


def _publish(tmp: Path, root: Path, per: Period, stamp: str) -> Path:
    """Move a complete download into ``<root>/<period>/<stamp>[-n]``; the new folder."""
    final, n = root / per.key / stamp, 1
    while final.exists():
        n += 1
        final = root / per.key / f"{stamp}-{n}"
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    return final


def store_read(store: Store, read: PortalRead) -> IngestResult:
    """Ingest a :class:`PortalRead` in one transaction: measures with the recomputation in
    ``computed`` beside the portal's scores, and the units' portal codes."""
    return store.ingest(read.measures, read.source(), read.snapshot_info, unit_codes=read.units)


_KEY = ["snapshot", "unit_id", "scope", "code", "kind"]

"""Fetching from a local stand-in of the portal (http.server on 127.0.0.1) that misbehaves.

Every case ends in stored data or a clear error, never in a half-ingested period: after a
failure the store's counts are unchanged and no archive folder (nor a temporary one) is left.
"""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from chiso766.cli.portal import ingest_portal, register
from chiso766.ingest.errors import IngestError
from chiso766.ingest.portal import MANIFEST
from chiso766.methodology import load_catalogue
from chiso766.portal.checks import check_scores, summarise
from chiso766.portal.fetch import (
    ENV_BASE_URL,
    USER_AGENT,
    FetchError,
    PortalClient,
    fetch_period,
)
from chiso766.portal.provinces import find_province
from chiso766.store import Store, sha256_of

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

TINY = Path(__file__).parent / "data" / "portal" / "tiny-2026-08"
PHU_THO = Path(__file__).parent / "data" / "portal-samples" / "phu-tho-2026-08"
TODAY = dt.date(2026, 11, 23)
LISTS = ("evaluation", "children")


def load_answers(folder: Path) -> dict[str, dict]:
    """Answers by endpoint from saved files; a head's pagination is set to what it holds."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        endpoint = path.name.removesuffix(".json").removesuffix(".head")
        doc = json.loads(path.read_text(encoding="utf-8"))
        pagination = doc["data"].get("pagination") if isinstance(doc["data"], dict) else None
        if path.name.endswith(".head.json") and pagination:
            pagination["total"] = len(doc["data"]["evaluation"])
        out[endpoint] = doc
    # service-results: no capture exists; the tiny fixture's is built from provinces-34.csv
    out.setdefault(
        "service-results", json.loads((TINY / "service-results.json").read_text(encoding="utf-8"))
    )
    return out


class Portal:
    """Replays answers (paged when ``page_size`` is set) and misbehaves on demand.

    ``faults[endpoint]`` is a list of misbehaviours used up one per request: "503", "404",
    "malformed", "not-ok", "hang" (never answers).
    """

    def __init__(self, answers: dict[str, dict], page_size: int | None = None):
        self.answers = answers
        self.page_size = page_size
        self.faults: dict[str, list[str]] = {}
        self.log: list[tuple[str, dict, dict]] = []
        self.sent: dict[tuple[str, int], bytes] = {}
        self.release = threading.Event()

    def respond(self, endpoint: str, body: dict) -> tuple[int, bytes] | None:
        faults = self.faults.get(endpoint) or []
        fault = faults.pop(0) if faults else None
        if fault == "hang":
            self.release.wait(5)
            return None
        if fault == "503":
            return 503, b"Service Unavailable"
        if fault == "404" or endpoint not in self.answers:
            return 404, b'{"code":"NOT_FOUND"}'
        if fault == "malformed":
            return 201, b'{"code":"OK","data":{"parent":{"departmentId":'
        if fault == "not-ok":
            doc = {"code": "ERROR", "message": "Hệ thống đang bảo trì", "data": None}
            return 201, json.dumps(doc, ensure_ascii=False).encode()
        doc = json.loads(json.dumps(self.answers[endpoint]))
        page = int(body.get("currentPage", 1))
        if self.page_size:
            data = doc["data"]
            key = next(k for k in LISTS if k in data)
            items = data[key]
            pages = max(1, -(-len(items) // self.page_size))
            data[key] = items[(page - 1) * self.page_size : page * self.page_size]
            data["pagination"] = {
                "total": len(items),
                "currentPage": page,
                "pageSize": self.page_size,
                "totalPages": pages,
            }
        raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
        self.sent[(endpoint, page)] = raw
        return 201, raw


@pytest.fixture
def serve():
    servers = []

    def start(answers: dict[str, dict], page_size: int | None = None):
        portal = Portal(answers, page_size)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                endpoint = self.path.rstrip("/").rsplit("/", 1)[-1]
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                portal.log.append((endpoint, body, dict(self.headers)))
                answer = portal.respond(endpoint, body)
                if answer is None:
                    return
                status, raw = answer
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        servers.append((server, portal))
        portal.url = f"http://127.0.0.1:{server.server_address[1]}/api/v1/reporting/evaluation"
        return portal

    yield start
    for server, portal in servers:
        portal.release.set()
        server.shutdown()
        server.server_close()


def client(portal: Portal, **kw) -> PortalClient:
    opts = {"timeout": 0.5, "min_interval": 0, "retries": 2, "backoff": 0.01}
    return PortalClient(portal.url, **(opts | kw))


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.duckdb") as st:
        yield st


def fetch(portal, store, tmp_path, period="2026-08", province="Lai Châu", **kw):
    opts = {"archive_root": tmp_path / "archive", "client": client(portal), "today": TODAY}
    return fetch_period(province, period, store, **(opts | kw))


def left_behind(tmp_path: Path) -> list[str]:
    root = tmp_path / "archive"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


# ---- the happy path -----------------------------------------------------------------------


def test_fetch_archives_every_answer_and_ingests(serve, store, tmp_path):
    portal = serve(load_answers(TINY))
    res = fetch(portal, store, tmp_path)
    assert res.ingest.status == "ingested" and res.requests == 7
    assert res.folder.parent == tmp_path / "archive" / "H35" / "2026-08"
    manifest = json.loads((res.folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["period"] == "2026-08" and manifest["provisional"] is False
    assert manifest["province"]["code"] == "H35"
    assert {f["endpoint"] for f in manifest["files"]} == {
        "transparency", "handling-satisfaction", "dossier-digitized", "dvc-progress-tree",
        "provide-online-tree", "formality-online-payment-tree", "service-results",
    }  # fmt: skip
    for entry in manifest["files"]:
        path = res.folder / entry["file"]
        assert path.read_bytes() == portal.sent[(entry["endpoint"], entry["page"])]
        assert sha256_of(path) == entry["sha256"]
        assert dt.datetime.fromisoformat(entry["fetched_at"])
    bodies = {e: b for e, b, _ in portal.log}
    root = find_province("Lai Châu").root_department_id
    assert bodies["transparency"] == {
        "timeType": "month", "year": 2026, "month": 8, "rootDepartmentId": root,
        "currentPage": 1, "pageSize": 200,
    }  # fmt: skip
    assert bodies["handling-satisfaction"] == {
        "fromDate": "2026-08-01", "toDate": "2026-08-31", "rootDepartmentId": root,
        "currentPage": 1, "pageSize": 200,
    }  # fmt: skip
    assert bodies["dvc-progress-tree"]["pageSize"] == 100
    assert bodies["service-results"] == {
        "timeType": "month",
        "year": 2026,
        "month": 8,
        "departmentType": "ADMINISTRATIVE_UNIT",
    }
    headers = portal.log[0][2]
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Content-Type"] == "application/json"
    counts = store.counts()
    assert counts["snapshots"] == 1 and counts["units"] == 36
    assert store.snapshots().iloc[0]["taken_at"] is not None
    assert not [p for p in left_behind(tmp_path) if ".partial" in p]


def test_an_archived_period_is_re_ingested_offline(serve, store, tmp_path):
    portal = serve(load_answers(TINY))
    res = fetch(portal, store, tmp_path)
    period_folder = res.folder.parent
    assert "already ingested" in ingest_portal(period_folder, None, store)
    with Store(tmp_path / "other.duckdb") as other:
        line = ingest_portal(period_folder, None, other)  # period from the manifest
        assert line.startswith("Lai Châu 2026-08: ")
        assert other.counts() == store.counts() | {"sources": 1}


def test_quarter_and_year_requests(serve, store, tmp_path):
    portal = serve(load_answers(TINY))
    fetch(portal, store, tmp_path, period="2026-Q3")
    fetch(portal, store, tmp_path, period="2025")
    bodies = [b for e, b, _ in portal.log if e == "dvc-progress-tree"]
    assert bodies[0]["timeType"] == "quarter" and bodies[0]["quarter"] == 3
    assert bodies[1]["timeType"] == "year" and "month" not in bodies[1]
    sat = [b for e, b, _ in portal.log if e == "handling-satisfaction"]
    assert (sat[0]["fromDate"], sat[0]["toDate"]) == ("2026-07-01", "2026-09-30")
    assert (sat[1]["fromDate"], sat[1]["toDate"]) == ("2025-01-01", "2025-12-31")
    assert set(store.snapshots()["snapshot"]) == {"2026-Q3", "2025"}


def test_pages_are_followed_to_the_last(serve, store, tmp_path):
    portal = serve(load_answers(TINY), page_size=1)
    res = fetch(portal, store, tmp_path)
    assert res.requests == 6 * 2 + 34  # two units per group endpoint; 34 provinces
    names = {p.name for p in res.folder.iterdir()}
    assert {
        "transparency.json",
        "transparency.page-2.json",
        "service-results.page-34.json",
    } <= names
    assert [b["currentPage"] for e, b, _ in portal.log if e == "transparency"] == [1, 2]
    assert store.counts()["units"] == 36
    assert res.read.warnings == []


# ---- misbehaviour -------------------------------------------------------------------------


@pytest.fixture
def baseline(serve, store, tmp_path):
    """A store that already holds 2026-07, and a portal to fail on 2026-08."""
    portal = serve(load_answers(TINY))
    fetch(portal, store, tmp_path, period="2026-07")
    portal.log.clear()
    return portal, store.counts(), left_behind(tmp_path)


def assert_nothing_changed(store, tmp_path, counts, files):
    assert store.counts() == counts
    assert left_behind(tmp_path) == files


def test_503_then_success(baseline, store, tmp_path):
    portal, counts, _ = baseline
    portal.faults["transparency"] = ["503"]
    res = fetch(portal, store, tmp_path)
    assert res.requests == 8
    assert [e for e, _, _ in portal.log].count("transparency") == 2
    assert store.counts()["snapshots"] == counts["snapshots"] + 1


def test_503_every_time_is_bounded_and_stores_nothing(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.faults["dossier-digitized"] = ["503"] * 10
    with pytest.raises(FetchError, match=r"no valid answer after 3 attempt\(s\) \(HTTP 503"):
        fetch(portal, store, tmp_path)
    assert [e for e, _, _ in portal.log].count("dossier-digitized") == 3  # retries=2, no storm
    assert_nothing_changed(store, tmp_path, counts, files)


def test_a_malformed_body_is_a_clear_error_and_not_retried(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.faults["provide-online-tree"] = ["malformed"]
    with pytest.raises(FetchError, match="provide-online-tree page 1: the answer is not JSON"):
        fetch(portal, store, tmp_path)
    assert [e for e, _, _ in portal.log].count("provide-online-tree") == 1
    assert_nothing_changed(store, tmp_path, counts, files)


def test_an_envelope_other_than_ok_is_a_clear_error(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.faults["handling-satisfaction"] = ["not-ok"]
    with pytest.raises(FetchError, match="code 'ERROR' \\(message: 'Hệ thống đang bảo trì'\\)"):
        fetch(portal, store, tmp_path)
    assert_nothing_changed(store, tmp_path, counts, files)


def test_an_answer_that_never_comes_times_out(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.faults["transparency"] = ["hang", "hang"]
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(portal, store, tmp_path, client=client(portal, retries=1))
    assert time.monotonic() - t0 < 3
    assert_nothing_changed(store, tmp_path, counts, files)


def test_one_timeout_then_an_answer(baseline, store, tmp_path):
    portal, counts, _ = baseline
    portal.faults["dvc-progress-tree"] = ["hang"]
    res = fetch(portal, store, tmp_path)
    assert res.ingest.status == "ingested" and res.requests == 8


def test_4xx_is_not_retried(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.faults["transparency"] = ["404"]
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(portal, store, tmp_path)
    assert len(portal.log) == 1
    assert_nothing_changed(store, tmp_path, counts, files)


def test_an_answer_that_does_not_read_stores_nothing_and_is_kept(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.answers["dvc-progress-tree"] = {"code": "OK", "data": {"children": []}}
    with pytest.raises(IngestError, match="no 'parent' object") as err:
        fetch(portal, store, tmp_path)
    assert store.counts() == counts
    kept = err.value.problems[-1]
    assert "kept in this archive folder" in kept.problem
    assert (Path(kept.file) / "dvc-progress-tree.json").is_file()  # the raw answer, for review
    assert not [p for p in left_behind(tmp_path) if ".partial" in p]
    assert all(str(Path(kept.file).name) in p.file for p in err.value.problems[:-1])


def test_an_impossible_score_refuses_the_period_and_keeps_the_answers(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.answers["transparency"]["data"]["evaluation"][0]["totalScore"] = -32.5
    with pytest.raises(IngestError) as err:
        fetch(portal, store, tmp_path)
    bad = err.value.problems[0]
    assert bad.file.endswith("transparency.json") and bad.column == "evaluation[0].totalScore"
    assert store.counts() == counts


def test_pages_that_miss_units_are_refused(baseline, store, tmp_path):
    portal, counts, files = baseline
    portal.answers["transparency"]["data"]["pagination"]["total"] = 5
    with pytest.raises(FetchError, match="incomplete answer.*transparency 2 of 5 units"):
        fetch(portal, store, tmp_path)
    assert_nothing_changed(store, tmp_path, counts, files)


# ---- periods ------------------------------------------------------------------------------


def test_a_period_not_ended_needs_provisional(serve, store, tmp_path):
    portal = serve(load_answers(TINY))
    with pytest.raises(FetchError, match="has not ended yet.*--provisional"):
        fetch(portal, store, tmp_path, period="2026-11")
    assert portal.log == [] and store.counts()["measures"] == 0
    res = fetch(portal, store, tmp_path, period="2026-11", provisional=True)
    assert res.read.provisional
    assert bool(store.snapshots().iloc[0]["provisional"]) is True
    manifest = json.loads((res.folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["provisional"] is True


def test_periods_that_cannot_be_fetched(serve, store, tmp_path):
    portal = serve(load_answers(TINY))
    with pytest.raises(FetchError, match="has not started"):
        fetch(portal, store, tmp_path, period="2026-12", provisional=True)
    with pytest.raises(FetchError, match="portal serves month, quarter and year"):
        fetch(portal, store, tmp_path, period="2026-W10")
    assert portal.log == []


# ---- politeness ---------------------------------------------------------------------------


def test_rate_limit_spaces_requests(serve, store, tmp_path):
    portal = serve(load_answers(TINY))
    t0 = time.monotonic()
    fetch(portal, store, tmp_path, client=client(portal, min_interval=0.1))
    assert time.monotonic() - t0 >= 0.6  # 7 requests, 6 gaps


def test_backoff_grows_and_is_capped():
    c = PortalClient("http://127.0.0.1:9", backoff=2, max_backoff=30)
    assert [c._delay(n) for n in range(6)] == [2, 4, 8, 16, 30, 30]
    assert c._delay(0, "7") == 7 and c._delay(0, "600") == 30


def test_base_url_from_the_environment(monkeypatch):
    monkeypatch.setenv(ENV_BASE_URL, "http://127.0.0.1:1/x/")
    assert PortalClient().base_url == "http://127.0.0.1:1/x"
    monkeypatch.delenv(ENV_BASE_URL)
    assert PortalClient().base_url.startswith("https://dichvucong.gov.vn/api/v1/reporting/")


# ---- the command --------------------------------------------------------------------------


def test_fetch_command(serve, tmp_path):
    portal = serve(load_answers(TINY))
    app = typer.Typer()
    register(app)
    common = ["fetch", "--province", "ubnd tinh lai chau", "--store", str(tmp_path / "s.duckdb"),
              "--archive", str(tmp_path / "archive"), "--base-url", portal.url,
              "--rate-limit", "0", "--timeout", "0.5"]  # fmt: skip
    result = CliRunner().invoke(app, [*common, "--period", "2026-08"])
    assert result.exit_code == 0, result.output
    assert "Lai Châu 2026-08: " in result.output and "archived in" in result.output
    result = CliRunner().invoke(app, [*common, "--period", "2026-07", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["period"], report["requests"], report["status"]) == ("2026-07", 7, "ingested")
    portal.faults["transparency"] = ["not-ok"]
    result = CliRunner().invoke(app, [*common, "--period", "2026-06"])
    assert result.exit_code == 1 and "fetch failed, nothing stored" in result.output
    result = CliRunner().invoke(app, [*common[:2], "Atlantis", *common[3:], "--period", "2026-06"])
    assert result.exit_code == 1 and "unknown province 'Atlantis'" in result.output


# ---- the real samples, replayed -----------------------------------------------------------


def test_samples_replayed_over_pages(serve, store, tmp_path):
    """Phú Thọ 8/2026 served 50 units a page (heads served as if complete)."""
    answers = load_answers(PHU_THO)
    answers.pop("formalities-page-1")
    portal = serve(answers, page_size=50)
    t0 = time.monotonic()
    res = fetch(portal, store, tmp_path, province="Phú Thọ")
    seconds = time.monotonic() - t0
    assert res.requests == 3 + 3 * 4 + 1  # heads 1 page, trees 163 units → 4 pages
    assert seconds < 10
    measures = store.measures(["2026-08"])
    summary = summarise(check_scores(measures, load_catalogue("portal-2026")))
    groups = summary[summary["scope"] == "group"].set_index("code")
    assert groups.loc[["TDGQ", "TTTT"], "match"].tolist() == [164, 164]
    assert groups.loc["CLGQ", "not recomputable"] == 163
    assert summary["differs"].sum() == 0
    rank = measures[(measures["scope"] == "rank") & (measures["code"] == "total")].iloc[0]
    assert rank["unit"] == "UBND tỉnh Phú Thọ" and rank["denominator"] == 34


def test_a_store_that_refuses_the_period_keeps_the_archive(serve, tmp_path):
    portal = serve(load_answers(TINY))
    Store(tmp_path / "ro.duckdb").close()
    with Store(tmp_path / "ro.duckdb", read_only=True) as ro:
        with pytest.raises(FetchError, match="archived in .* could not be stored") as err:
            fetch(portal, ro, tmp_path)
        assert ro.counts()["measures"] == 0
    folder = Path(str(err.value).split("chiso766 ingest ")[1])
    with Store(tmp_path / "s.duckdb") as st:
        assert ingest_portal(folder, None, st).startswith("Lai Châu 2026-08: ")

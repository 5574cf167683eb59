"""Shared fixtures: the messages' language, the test data, and small table writers."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Messages in Vietnamese whatever the machine's locale says (an analyst's language); a test
# about behaviour rather than wording may ask for English with the ``english`` fixture.
os.environ["CHISO766_LANG"] = "vi"
# compiled SQL of this run in a folder of its own (not the machine's ~/.cache)
_SQL_CACHE = tempfile.mkdtemp(prefix="test-sqlcache-")
os.environ["CHISO766_CACHE"] = _SQL_CACHE
atexit.register(shutil.rmtree, _SQL_CACHE, True)

from chiso766 import i18n  # noqa: E402
from chiso766.render.chromium import CHROMIUM_FLAGS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
PORTAL_SAMPLES = DATA / "portal-samples"


@pytest.fixture
def write_csv(tmp_path):
    """Write text (UTF-8) to a CSV file in tmp_path and return its path."""

    def _write(text: str, name: str = "table.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    """Every test starts in Vietnamese (and leaves the language as it found it)."""
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def english(monkeypatch) -> Iterator[None]:
    """Messages in English, in this process and in the processes it starts."""
    monkeypatch.setenv("CHISO766_LANG", "en")
    i18n.set_language(None)
    yield


@pytest.fixture
def vietnamese(monkeypatch) -> Iterator[None]:
    """Messages in Vietnamese (in a module that runs in English)."""
    monkeypatch.setenv("CHISO766_LANG", "vi")
    i18n.set_language(None)
    yield


@pytest.fixture(scope="module")
def english_module() -> Iterator[None]:
    """A whole module in English (``pytestmark = pytest.mark.usefixtures("english_module")``):
    for modules whose tests are about behaviour, and whose messages the catalogue tests and
    the command tests check in Vietnamese."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHISO766_LANG", "en")
        i18n.set_language(None)
        yield
    i18n.set_language(None)


@pytest.fixture
def portal_samples() -> Path:
    """Real answers of the portal's evaluation API (Phú Thọ, 8/2026), kept in the repository."""
    return PORTAL_SAMPLES / "phu-tho-2026-08"


# ---- a real headless Chromium, driven by playwright ----------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
# the flags the PDF step uses, less the resolver rule (browser tests use a loopback server)
CHROMIUM_ARGS = [f for f in CHROMIUM_FLAGS if not f.startswith("--host-resolver-rules")]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """The system Chromium (playwright's own browser download does not work here)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (make setup installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, **context):  # noqa: ANN001, ANN201
    """A page loaded from ``url``, with the console errors and the requests it made."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    return ctx, page, errors, requests


# Seed 004 (Bình Phước, 08/4/2025): districts' totals, two tied at 86,03.
SEED004_DISTRICTS = [
    ("UBND huyện Bù Đốp", 90.39),
    ("UBND thị xã Phước Long", 86.98),
    ("UBND thành phố Đồng Xoài", 86.29),
    ("UBND huyện Hớn Quản", 86.03),
    ("UBND thị xã Chơn Thành", 86.03),
    ("UBND huyện Lộc Ninh", 84.67),
    ("UBND huyện Phú Riềng", 84.28),
    ("UBND huyện Bù Đăng", 82.15),
    ("UBND thị xã Bình Long", 82.01),
    ("UBND huyện Đồng Phú", 81.8),
    ("UBND huyện Bù Gia Mập", 80.43),
]


# ---- a real store of seed 004's tables (Bình Phước, 27/3 and 08/4/2025) --------------------
SEED004 = DATA / "seed004"
SEED004_FILES = ("indicators", "departments", "districts", "province-rank", "overdue")


def ingest_files(store: Path, *files: Path) -> None:
    """Ingest files into ``store`` through the command line (as an analyst would)."""
    from typer.testing import CliRunner

    from chiso766.cli import app

    res = CliRunner().invoke(app, ["ingest", *map(str, files), "--store", str(store)])
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> Path:
    """A DuckDB store holding seed 004's five tables (read only: copy it to change it)."""
    store = tmp_path_factory.mktemp("seed004") / "seed.duckdb"
    ingest_files(store, *(SEED004 / f"004-{n}.csv" for n in SEED004_FILES))
    return store


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """The merged demo province (a year of weekly snapshots), generated once per session."""
    from chiso766.report.loading import ensure_demo_store

    store = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    ensure_demo_store(store)
    return store


# ---- dossier-level analytics (issue 11) -----------------------------------------------------
@pytest.fixture(scope="session")
def demo_dossier_store(tmp_path_factory) -> Path:
    """A demo store (merged variant) with its dossier records, built once per session."""
    import hashlib

    import pandas as pd

    from chiso766.demo import generate
    from chiso766.demo_dossiers import store_demo_dossiers
    from chiso766.store import Source, Store

    path = tmp_path_factory.mktemp("demo-dossiers") / "demo.duckdb"
    data = generate("merged")
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(data.measures, index=False).values.tobytes()
    ).hexdigest()
    with Store(path) as st:
        st.ingest(data.measures, Source("demo:merged", digest, "demo", data.methodology))
        store_demo_dossiers(st, data)
    return path


def small_notebook(folder: Path, name: str, *sources: str) -> Path:
    """A notebook in ``folder``: a ``parameters`` cell (``label = "x"``), then one code cell
    per source."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('label = "x"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


MINI_REPORT = Path(__file__).parent / "data" / "notebooks" / "mini_report.ipynb"


def run_mini_report_and_its_failure(kernel, tmp_path: Path):  # noqa: ANN001, ANN201
    """Run the small report on ``kernel`` (a warm or an in-process one): its output holds the
    parameter; then with ``fail`` set, the error names the cell and the executed notebook
    kept marks it. Returns that notebook."""
    import nbformat

    from chiso766.render.errors import RenderError

    nb = kernel.run(MINI_REPORT, {"unit_name": "Sở Y tế"}, tmp_path / "ok.ipynb", 120)
    assert any("Sở Y tế" in str(o) for c in nb.cells for o in c.get("outputs", []))
    with pytest.raises(RenderError, match=r"failed in cell \d+: RuntimeError: thất bại"):
        kernel.run(MINI_REPORT, {"fail": True}, tmp_path / "bad.ipynb", 120)
    kept = nbformat.read(tmp_path / "bad.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in kept.cells)
    return kept

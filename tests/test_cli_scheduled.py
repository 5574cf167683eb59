"""cli/scheduled.py: what `chiso766 run` does around rendering — fetch the periods in progress
(provisional) before, list the alerts (a section of the summary, a page, an exit status) after.
The portal is a local stand-in (tests/test_fetch.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from chiso766.cli.scheduled import alert_runs, fetch_runs
from chiso766.render.schedule import load_run
from chiso766.store import Store
from test_fetch import TINY, load_answers, serve  # noqa: F401 - the portal stand-in fixture


@pytest.fixture
def daily(tmp_path, serve, monkeypatch):  # noqa: F811
    portal = serve(load_answers(TINY))
    monkeypatch.setenv("CHISO766_PORTAL_URL", portal.url)
    monkeypatch.setenv("CHISO766_PORTAL_ARCHIVE", str(tmp_path / "archive"))
    params = tmp_path / "daily.yaml"
    params.write_text(
        yaml.safe_dump(
            {
                "fetch": {"province": "Lai Châu", "periods": ["this-month"], "rate_limit": 0},
                "period": "this-month",
                "store": str(tmp_path / "store.duckdb"),
                "formats": ["html"],
                "alerts": {"compare": "previous-day", "score_drop_act": 1},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return portal, params


def _lower_scores(portal, by: float) -> None:
    doc = portal.answers["transparency"]
    for unit in doc["data"]["evaluation"]:
        for m in unit["metrics"]:
            if m.get("score"):
                m["score"] = round(max(0.0, m["score"] - by), 2)
        unit["totalScore"] = round(sum(m.get("score") or 0 for m in unit["metrics"]), 2)


def test_a_daily_run_fetches_the_month_in_progress_and_alerts_on_yesterday(
    daily, tmp_path, monkeypatch, capsys
):
    from chiso766.store import core

    portal, params = daily
    day = dt.date(2026, 8, 20)
    run = load_run(params, day)
    assert run.request.period == "2026-08" and run.alerts_compare == "previous-day"
    monkeypatch.setattr(core, "now_local", lambda: dt.datetime(2026, 8, 19, 7, 0))
    assert fetch_runs([run], day - dt.timedelta(days=1)) == []
    with Store(run.request.store_path, read_only=True) as st:
        snaps = st.snapshots()
        assert bool(snaps.loc[snaps["snapshot"] == "2026-08", "provisional"].iloc[0])
    _lower_scores(portal, 1.0)
    monkeypatch.setattr(core, "now_local", lambda: dt.datetime(2026, 8, 20, 7, 0))
    assert fetch_runs([run], day) == []
    capsys.readouterr()
    must = alert_runs([run], lambda r: tmp_path / "reports", now=dt.datetime(2026, 8, 20, 7, 0))
    out = capsys.readouterr().out
    assert must  # a fall of at least 1 point is "must act" in this run file
    assert "so với giá trị kho dữ liệu lưu cuối ngày 19/8/2026" in out and "tạm tính" in out
    assert "CẦN XỬ LÝ NGAY:" in out and "Điểm giảm:" in out
    page = tmp_path / "reports" / "2026-08" / "alerts.html"
    assert page.is_file() and "trang cảnh báo" in out
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-08/alerts.html"' in index


def test_a_fetch_that_fails_is_a_problem_not_a_crash(daily, tmp_path):
    portal, params = daily
    portal.faults["transparency"] = ["404"]
    problems = fetch_runs([load_run(params, dt.date(2026, 8, 20))], dt.date(2026, 8, 20))
    assert len(problems) == 1 and "tải kỳ 2026-08 không thành công" in problems[0]


def test_run_files_take_fetch_and_alerts(tmp_path, english):
    from chiso766.render.schedule import ScheduleError

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "period: 2026-08\nfetch: {periods: [this-month]}\nalerts: {compare: soon, x: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScheduleError) as err:
        load_run(bad)
    text = str(err.value)
    assert "fetch: 'province' is missing" in text and "alerts: unknown key 'x'" in text
    daily = load_run(
        __import__("pathlib").Path(__file__).parents[1] / "params" / "daily.yaml",
        dt.date(2026, 11, 20),
    )
    assert [p.key for p in daily.fetch.periods] == ["2026-11", "2026-Q4", "2026"]
    assert daily.request.period == "2026-11" and daily.alerts_compare == "previous-day"


@pytest.mark.slow
def test_a_scheduled_run_ends_3_when_an_alert_must_be_acted_on(seed_store, tmp_path):
    """Seed 004's week: the national rank fell 8 → 20 — the run renders, lists the alerts in
    its summary, publishes the page, and exits 3 for cron (0 when the file says not to)."""
    import shutil

    from typer.testing import CliRunner

    from chiso766.cli import app

    store = tmp_path / "seed.duckdb"
    shutil.copyfile(seed_store, store)
    params = tmp_path / "weekly.yaml"
    params.write_text(
        f"period: 2025-W15\nstore: {store}\nformats: [html]\nout: {tmp_path / 'reports'}\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["run", str(params)])
    assert res.exit_code == 3, res.output
    assert "Cảnh báo tuần thứ 15" in res.stdout and "xếp hạng toàn quốc 8 → 20" in res.stdout
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "2025-W15/alerts.html" in index and "1 cần xử lý ngay" in index
    data = json.loads((tmp_path / "reports" / "2025-W15" / "alerts.json").read_text("utf-8"))
    assert data["must_act"]
    params.write_text(params.read_text("utf-8") + "alerts:\n  fail_on_act: false\n", "utf-8")
    assert CliRunner().invoke(app, ["run", str(params)]).exit_code == 0

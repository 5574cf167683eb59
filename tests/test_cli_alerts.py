"""`chiso766 alerts PERIOD` (lib/chiso766/cli/alerts.py): the list in Vietnamese, JSON for
scripts, the page, and an exit status cron can act on."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from chiso766.cli import app

runner = CliRunner()


def run(*args, **env):
    return runner.invoke(app, [str(a) for a in args], env=env or None)


def test_the_demo_collapses_must_be_acted_on(demo_store, tmp_path):
    from chiso766.demo import generate

    story = generate("merged").story
    res = run("alerts", "2026", "--store", demo_store, "--out", tmp_path)
    assert res.exit_code == 3, res.output  # must act: cron sees it
    out = res.stdout
    assert out.startswith("Cảnh báo năm 2026 (17/11/2026 so với 30/12/2025)")
    assert "CẦN XỬ LÝ NGAY:" in out
    for name in ("UBND xã Hải Lương", "UBND phường Hưng Hải", "Sở Văn hóa, Thể thao và Du lịch"):
        line = next(ln for ln in out.splitlines() if f"Điểm giảm: {name}:" in ln)
        assert out.index(line) < out.index("CẦN BIẾT:")
    assert f"trang cảnh báo: {tmp_path / '2026' / 'alerts.html'}" in out
    assert (tmp_path / "index.html").is_file()
    data = json.loads(
        run("alerts", "2026", "--store", demo_store, "-f", "json", "--no-page").stdout
    )
    acted = {a["unit_id"] for a in data["alerts"] if a["level"] == "act"}
    assert set(story["collapsing"]) <= acted


def test_thresholds_come_from_the_params_file(demo_store, tmp_path):
    params = tmp_path / "lax.yaml"
    params.write_text(
        "period: last-week\nalerts:\n  score_drop_act: 100\n  rank_drop_act: 100\n",
        encoding="utf-8",
    )
    res = run("alerts", "2026", "--store", demo_store, "--params", params, "--no-page")
    assert res.exit_code == 0, res.output
    assert "0 cần xử lý ngay" in res.stdout and "CẦN XỬ LÝ NGAY" not in res.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("alerts:\n  score_drop: 3\n", encoding="utf-8")
    res = run("alerts", "2026", "--store", demo_store, "--params", bad, "--no-page")
    assert res.exit_code == 1 and "khóa 'score_drop' không hợp lệ" in res.stderr


def test_a_period_without_data_is_said_plainly(demo_store):
    res = run("alerts", "2024-04", "--store", demo_store, "--no-page")
    assert res.exit_code == 1 and "kho dữ liệu không có kỳ số liệu nào cho 2024-04" in res.stderr


def test_no_alert_exits_zero(seed_store, tmp_path):
    params = tmp_path / "quiet.yaml"
    params.write_text(
        "alerts:\n  score_drop_notice: 100\n  score_drop_act: 100\n  class_drop: off\n"
        "  indicator_drop_notice: 100\n  indicator_drop_act: 100\n  rank_drop_notice: 100\n"
        "  rank_drop_act: 100\n",
        encoding="utf-8",
    )
    res = run("alerts", "2025-04-08", "--store", seed_store, "--params", params, "--no-page")
    assert res.exit_code == 0 and ": không có cảnh báo" in res.stdout

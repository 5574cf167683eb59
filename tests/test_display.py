"""report/display.py: notebook helpers — the stop with a message (no traceback) for what an
analyst can fix (no store, an unknown period or unit)."""

from __future__ import annotations

import pytest

from chiso766.report.display import NotebookStop, stop_with_message
from chiso766.report.request import RequestError
from chiso766.store import StoreError


@pytest.mark.parametrize(
    "error",
    [
        StoreError("chưa có kho dữ liệu tại /x.duckdb"),
        RequestError(["thiếu kỳ báo cáo"]),
        LookupError("Sở X không có số liệu"),
    ],
)
def test_expected_failures_stop_with_their_message(error):
    with pytest.raises(NotebookStop) as stop, stop_with_message():
        raise error
    assert stop.value.__cause__ is None and stop.value.__suppress_context__
    lines = stop.value._render_traceback_()  # what IPython shows instead of a traceback
    assert lines == [f"Dừng lại: {error}"]


def test_a_bug_is_not_hidden():
    with pytest.raises(ZeroDivisionError), stop_with_message():
        1 / 0  # noqa: B018


def test_the_stop_reads_in_english_by_locale(english):
    stop = NotebookStop("no store at /x.duckdb")
    assert stop._render_traceback_() == ["Stopped: no store at /x.duckdb"]

"""cli/common.py: one option vocabulary, and output for people (Vietnamese), scripts (JSON)
and spreadsheets (CSV, Excel)."""

from __future__ import annotations

import io
import json

import pandas as pd

from chiso766.cli.common import emit, label, shown_value, whole_numbers

RECORDS = [
    {"unit": "Sở Nội vụ", "level": "department", "old": 90.41, "new": 95.59, "delta": 5.18,
     "status": "rose", "old_rank": 2, "new_rank": 1, "rank_change": 1},
    {"unit": "Sở Tư pháp", "level": "department", "old": 88.27, "new": 82.3, "delta": -5.97,
     "status": "fell", "old_rank": 7, "new_rank": 8, "rank_change": -1},
    {"unit": "Sở Ngoại vụ", "level": "department", "old": None, "new": None, "delta": None,
     "status": "no_data", "old_rank": None, "new_rank": None, "rank_change": None},
]  # fmt: skip
COLUMNS = list(RECORDS[0])


def test_words_for_people():
    assert label("delta") == "Tăng, giảm" and label("unknown") == "unknown"
    assert shown_value("level", "commune") == "UBND cấp xã"
    assert shown_value("status", "held_max") == "Giữ mức tối đa"
    assert shown_value("current", True) == "có" and shown_value("unit", "Sở A") == "Sở A"


def test_table_for_people(capsys):
    emit(RECORDS, "table", COLUMNS)
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["Đơn", "vị", "Cấp"]
    assert "+5,18" in out and "\u22125,97" in out and "Không có dữ liệu" in out and "—" in out


def test_json_keeps_keys_and_codes(capsys):
    emit(RECORDS, "json", COLUMNS)
    rows = json.loads(capsys.readouterr().out)
    assert rows[1]["status"] == "fell" and rows[1]["delta"] == -5.97 and rows[2]["old"] is None


def test_csv_whole_numbers_are_integers():
    out = io.StringIO()
    emit(RECORDS, "csv", COLUMNS, stream=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        'Đơn vị,Cấp,Kỳ trước,Kỳ này,"Tăng, giảm",Biến động,Hạng kỳ trước,Hạng kỳ này,Thay đổi hạng'
    )
    assert lines[2] == 'Sở Tư pháp,"Sở, ban, ngành",88.27,82.3,-5.97,Giảm,7,8,-1'


def test_whole_numbers():
    frame = whole_numbers(pd.DataFrame({"rank": [1.0, None, 3.0], "total": [1.5, 2.0, None]}))
    assert str(frame["rank"].dtype) == "Int64" and frame["total"].dtype.kind == "f"

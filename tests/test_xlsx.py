"""xlsx: the workbook (types, formats, sheet names, formula safety) and emit_tables, which
hands tables over only inside a render."""

from __future__ import annotations

import pickle
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from chiso766.render import xlsx
from chiso766.render.xlsx import emit_tables, write_xlsx


def test_write_xlsx_types_formats_and_safety(tmp_path: Path) -> None:
    scores = pd.DataFrame(
        {
            "unit": ['=HYPERLINK("http://x")', "Sở\x07 Y tế"],
            "total": [75.456, float("nan")],
            "rank": pd.array([1, None], dtype="Int64"),
            "date": pd.to_datetime(["2025-04-08", "2025-03-27"]),
        }
    )
    by_unit = scores.set_index("unit")[["total"]]
    path = write_xlsx(
        {"Điểm/đơn vị [tuần]": scores, "x" * 40: scores, "x" * 35: by_unit}, tmp_path / "t.xlsx"
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Điểm-đơn vị -tuần-", "x" * 31, "x" * 27 + " (2)"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["unit", "total", "rank", "date"]
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=HYPERLINK")
    assert ws["A3"].value == "Sở Y tế"
    assert ws["B2"].value == pytest.approx(75.456) and ws["B2"].number_format == "#,##0.00"
    assert ws["B3"].value is None and ws["C3"].value is None
    assert ws["C2"].value == 1 and ws["C2"].number_format == "0"
    assert ws["D2"].number_format == "dd/mm/yyyy" and ws["D2"].value.year == 2025
    assert ws.column_dimensions["A"].width > 10
    assert [c.value for c in wb.worksheets[2][1]] == ["unit", "total"]  # index kept
    with pytest.raises(ValueError):
        write_xlsx({}, tmp_path / "none.xlsx")


def test_emit_tables_only_inside_a_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tables.pkl"
    monkeypatch.delenv(xlsx.ENV_TABLES, raising=False)
    emit_tables({"a": pd.DataFrame({"x": [1]})})
    assert not target.exists()
    monkeypatch.setenv(xlsx.ENV_TABLES, str(target))
    emit_tables({"a": pd.DataFrame({"x": [1]})})
    emit_tables({"b": pd.DataFrame({"y": [2]})})
    with target.open("rb") as fh:
        assert sorted(pickle.load(fh)) == ["a", "b"]
    with pytest.raises(TypeError):
        emit_tables({"c": [1, 2]})  # type: ignore[dict-item]

"""xlsx: the workbook (types, formats, sheet names, formula safety) and the tables a notebook
publishes as an output of their own MIME type, read back with their column types."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from chiso766.render import xlsx
from chiso766.render.xlsx import write_xlsx


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


def test_tables_come_back_from_the_notebook_outputs_with_their_types() -> None:
    import nbformat

    from chiso766.report.display import TABLES_MIME, tables_payload

    frame = pd.DataFrame(
        {
            "Đơn vị": ["Sở Y tế", "=cmd|' /C calc'!A0"],
            "Tổng điểm": [75.45, float("nan")],
            "Xếp hạng": pd.array([1, None], dtype="Int64"),
            "STT": [1, 2],
            "Ngày": pd.to_datetime(["2025-04-08", "2025-03-27"]),
            "Có": [True, False],
        }
    )
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("publish_tables(...)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={TABLES_MIME: tables_payload({"A": frame})}),
        nbformat.v4.new_output("stream", name="stdout", text="x"),
    ]
    nb.cells = [cell]
    tables = xlsx.tables_from_notebook(nb)
    back = tables["A"]
    assert list(back.columns) == list(frame.columns)
    assert back["Tổng điểm"].dtype == "float64" and pd.isna(back["Tổng điểm"][1])
    assert str(back["Xếp hạng"].dtype) == "Int64" and back["STT"].dtype == "int64"
    assert back["Ngày"][0] == pd.Timestamp("2025-04-08") and bool(back["Có"][0]) is True
    assert [o["output_type"] for o in nb.cells[0].outputs] == ["stream"]  # taken out of the page
    with pytest.raises(TypeError):
        tables_payload({"c": [1, 2]})  # type: ignore[dict-item]

"""CSV exports safe to open in a spreadsheet: formulas neutralised, numbers kept."""

import io

import pandas as pd
import pytest

from chiso766.exports import safe_cell, safe_frame, write_csv


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("＝1+1", "'＝1+1"),  # a full-width equals sign
        ("-5,18", "-5,18"),  # a number as announcements write it
        ("-24.27", "-24.27"),
        ("+2,48", "+2,48"),
        ("Sở Nội vụ", "Sở Nội vụ"),
        ("", ""),
        (-5.18, -5.18),
        (None, None),
    ],
)
def test_safe_cell(cell, safe):
    assert safe_cell(cell) == safe


def test_write_csv_keeps_numbers_and_neutralises_text():
    frame = pd.DataFrame({"unit": ['=HYPERLINK("x")', "Sở Y tế"], "delta": [-5.18, 2.0]})
    out = io.StringIO()
    write_csv(frame, out)
    assert out.getvalue().splitlines() == [
        "unit,delta",
        '"\'=HYPERLINK(""x"")",-5.18',
        "Sở Y tế,2.0",
    ]
    assert frame["unit"].iloc[0].startswith("=")  # the input is not changed
    assert list(safe_frame(pd.DataFrame(columns=["=x"])).columns) == ["'=x"]


# ---- issue 12: CSV for Excel with Vietnamese regional settings --------------------------------
def test_excel_cells_decimal_comma_whole_numbers_no_data_empty():
    from chiso766.exports import excel_cell

    assert [excel_cell(v) for v in (75.45, -5.97, 3.0, 11, None, float("nan"), "Sở Tư pháp")] == [
        "75,45", "-5,97", "3", "11", "", "", "Sở Tư pháp"
    ]  # fmt: skip
    assert excel_cell("=1+1") == "'=1+1" and excel_cell("-5,18") == "-5,18"


def test_excel_csv_has_a_bom_and_semicolons():
    import io

    import pandas as pd

    from chiso766.exports import write_excel_csv

    out = io.StringIO()
    frame = pd.DataFrame({"Đơn vị": ["@SUM(A1)", "Sở Y tế"], "Tổng điểm": [90.5, 87.0]})
    write_excel_csv(frame, out)
    text = out.getvalue()
    assert text.startswith("\ufeffĐơn vị;Tổng điểm\r\n")
    assert "'@SUM(A1);90,5\r\n" in text and "Sở Y tế;87\r\n" in text

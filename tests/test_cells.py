"""Raw cells of CSV and XLSX files, whatever state the file is in."""

import io
import zipfile

import openpyxl
import pytest

from chiso766.ingest.cells import read_rows
from chiso766.ingest.errors import IngestError

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


def _book(tmp_path, rows, name="t.xlsx"):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def test_csv_and_xlsx_rows(tmp_path, write_csv):
    assert read_rows(write_csv("a;b\n1;2\n")) == [["a", "b"], ["1", "2"]]
    assert read_rows(_book(tmp_path, [["a", 1.5]])) == [["a", 1.5]]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
        (b"not a zip at all", "not an XLSX workbook"),
        (b"PK\x03\x04 truncated", "not an XLSX workbook"),
    ],
)
def test_damaged_workbooks(tmp_path, data, problem):
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=problem):
        read_rows(path)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("junk.txt", "x")
    path = tmp_path / "x.xlsm"
    path.write_bytes(buf.getvalue())
    with pytest.raises(IngestError, match="cannot be read"):
        read_rows(path)


def test_a_missing_sheet_lists_the_sheets(tmp_path):
    with pytest.raises(IngestError, match="no sheet named 'B' \\(sheets: Sheet\\)"):
        read_rows(_book(tmp_path, [["a"]]), sheet="B")


def test_csv_problems(write_csv):
    with pytest.raises(IngestError, match="NUL") as err:
        read_rows(write_csv("a,b\nx\x00,1\n"))
    assert err.value.problems[0].row == 2
    with pytest.raises(IngestError, match="longer than") as err:
        read_rows(write_csv('a,b\n"' + "x" * 200_000 + '",1\n'))
    with pytest.raises(IngestError, match="unsupported file type"):
        read_rows(write_csv("a", "x.json"))

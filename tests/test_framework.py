"""cli/framework.py: Typer's own texts (usage, --help, command-line errors) through the
catalogue, and arguments shown by their metavar."""

from __future__ import annotations

import pytest

from chiso766.cli.framework import translate_error


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Missing argument 'OLD'.", "Thiếu đối số 'OLD'."),
        ("Missing option '--period'.", "Thiếu tùy chọn '--period'."),
        ("No such option: --bogus", "Không có tùy chọn --bogus"),
        (
            "No such option: --stor (Possible options: --store)",
            "Không có tùy chọn --stor (có phải là: --store?)",
        ),
        ("Got unexpected extra argument(s) (x y)", "Thừa đối số (x y)"),
        ("Invalid value for '--timeout': 'abc' is not a valid float.",
         "Giá trị không hợp lệ cho '--timeout': 'abc' is not a valid float."),
        ("Option '--store' requires an argument.", "Tùy chọn '--store' cần một giá trị."),
        ("Something else entirely", "Something else entirely"),
    ],
)  # fmt: skip
def test_usage_errors_in_vietnamese(english, vietnamese):
    assert translate_error(english) == vietnamese


def test_usage_errors_in_english(english):
    assert translate_error("Missing argument 'OLD'.") == "Missing argument 'OLD'."


def test_help_and_usage_through_the_catalogue():
    from typer.testing import CliRunner

    from chiso766.cli import app

    out = CliRunner().invoke(app, ["score", "--help"], prog_name="chiso766").stdout
    assert out.startswith("Cách dùng: chiso766 score [OPTIONS] FILE")
    assert "Hiện hướng dẫn này rồi thoát." in out and "Đối số:" in out and "Tùy chọn:" in out
    res = CliRunner().invoke(app, ["score"], prog_name="chiso766")
    assert res.exit_code == 2 and "Lỗi: Thiếu đối số 'FILE'." in res.stderr
    assert "Xem hướng dẫn: 'chiso766 score --help'." in res.stderr

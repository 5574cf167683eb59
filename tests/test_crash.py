"""The top-level handler: a short message and a log file, the traceback only with --debug."""

import pytest

from chiso766.cli.crash import handle_unexpected, log_dirs, short, wants_debug, write_log

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")


def _error() -> Exception:
    try:
        {}["missing"]
    except KeyError as exc:
        return exc
    raise AssertionError


def test_message_and_log(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHISO766_LOG_DIR", str(tmp_path / "logs"))
    code = handle_unexpected(_error(), ["ingest", "x.csv"], debug=False)
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "unexpected error while running 'chiso766 ingest x.csv': KeyError: 'missing'" in err
    (log,) = (tmp_path / "logs").glob("*.log")
    assert str(log) in err and "Traceback" in log.read_text(encoding="utf-8")


def test_debug_shows_the_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHISO766_LOG_DIR", str(tmp_path))
    handle_unexpected(_error(), ["status"], debug=True)
    assert "Traceback" in capsys.readouterr().err


def test_an_unwritable_log_folder_falls_back(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CHISO766_LOG_DIR", str(blocker / "logs"))  # cannot be created
    path = write_log(_error(), ["status"])
    assert path is not None and path.parent in log_dirs()[1:]


def test_short_is_one_bounded_line():
    text = short(ValueError("a\nb " + "x" * 500))
    assert "\n" not in text and len(text) <= 220 and text.startswith("ValueError: a b")


@pytest.mark.parametrize(
    ("args", "env", "debug"), [(["--debug"], "", True), ([], "1", True), ([], "", False)]
)
def test_wants_debug(monkeypatch, args, env, debug):
    monkeypatch.setenv("CHISO766_DEBUG", env)
    assert wants_debug(args) is debug

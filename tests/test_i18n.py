"""i18n.py and the catalogue: Vietnamese first, English by locale, every message translated,
the .mo compiled from the .po with no step of one's own."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from chiso766 import i18n

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "lib" / "chiso766" / "locale" / "vi" / "LC_MESSAGES" / "chiso766.po"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "vi"),
        ({"LANG": "C.UTF-8"}, "vi"),
        ({"LANG": "POSIX"}, "vi"),
        ({"LANG": "fr_FR.UTF-8"}, "vi"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "en", "LANG": "vi_VN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:en:vi"}, "en"),
        ({"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US"}, "vi"),
        ({"CHISO766_LANG": "vi", "LANGUAGE": "en"}, "vi"),
        ({"CHISO766_LANG": "en"}, "en"),
    ],
)
def test_the_language_follows_the_locale_vietnamese_by_default(env, expected):
    assert i18n.pick_language(env) == expected


def test_set_language_and_back():
    assert i18n.set_language("en_US") == "en" and i18n.language() == "en"
    assert i18n._("unknown format '{fmt}' (use {choices})").startswith("unknown format")
    assert i18n.set_language("vi") == "vi"
    assert i18n._("unknown format '{fmt}' (use {choices})").startswith("định dạng")
    with pytest.raises(ValueError, match="không có ngôn ngữ 'fr'"):
        i18n.set_language("fr")
    assert i18n.set_language(None) == i18n.pick_language()


def test_plurals_and_marks():
    assert i18n.N_("a negative value") == "a negative value"
    assert i18n.ngettext("{n} problem:", "{n} problems:", 3).format(n=3) == "3 lỗi:"
    i18n.set_language("en")
    assert i18n.ngettext("{n} problem:", "{n} problems:", 1).format(n=1) == "1 problem:"
    assert i18n.ngettext("{n} problem:", "{n} problems:", 3).format(n=3) == "3 problems:"


def _source_messages() -> set:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT / "lib" / "chiso766"),
        method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids - {""}


def test_every_message_of_the_code_has_a_vietnamese_translation():
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="vi")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and (isinstance(m.string, str) or all(m.string))
    }
    missing = sorted(_source_messages() - translated)
    assert not missing, "untranslated (update the catalogue, README 'Languages'):\n" + "\n".join(
        missing
    )


def test_translations_keep_their_placeholders():
    import string

    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="vi")
    for m in catalog:
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        fields = {f for text in ids for _, f, _, _ in string.Formatter().parse(text) if f}
        for text in strings:
            used = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert used <= fields, (m.id, text)


def test_the_mo_is_compiled_from_the_po_at_first_use(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    (locale / "vi" / "LC_MESSAGES").mkdir(parents=True)
    (locale / "vi" / "LC_MESSAGES" / "chiso766.po").write_bytes(PO.read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setattr(i18n, "_cache", {})
    translations = i18n.translations("vi")
    assert translations.gettext("Usage:") == "Cách dùng:"
    mo = locale / "vi" / "LC_MESSAGES" / "chiso766.mo"
    assert mo.is_file()  # cached beside the .po for the next process
    assert gettext.GNUTranslations(open(mo, "rb")).gettext("Rose") == "Tăng"


def test_a_read_only_package_still_speaks_vietnamese(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    folder = locale / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "chiso766.po").write_bytes(PO.read_bytes())
    folder.chmod(0o555)
    try:
        monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
        monkeypatch.setattr(i18n, "_cache", {})
        assert i18n.translations("vi").gettext("Fell") == "Giảm"
    finally:
        folder.chmod(0o755)


def test_english_needs_no_catalogue():
    assert i18n.translations("en").gettext("Rose") == "Rose"


def test_the_package_data_holds_the_catalogues():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.po"' in text and '"locale/*/LC_MESSAGES/*.mo"' in text
    assert '"babel>=' in text and "babel" in (ROOT / "environment.yml").read_text("utf-8")

"""Messages an analyst reads, through gettext: Vietnamese first, English by locale.

The text in the code (the msgid) is English; the catalogues are kept with Babel in
``locale/<lang>/LC_MESSAGES/chiso766.po`` (``locale/chiso766.pot`` is the template). A ``.mo``
missing or older than its ``.po`` is compiled at first use (written beside the ``.po`` when
the folder is writable, else kept in memory), so a fresh clone needs no extra step.

The language is, in order: :func:`set_language` (``--lang``), ``$CHISO766_LANG``, then the
usual gettext variables ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` — the first that
names a language with a catalogue; otherwise Vietnamese. Identifiers and logs stay English.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "chiso766"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
ENV_LANG = "CHISO766_LANG"
ENV_VARS = (ENV_LANG, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_lock = threading.Lock()
_chosen: str | None = None
_cache: dict[str, _gettext.NullTranslations] = {}


def language_of(value: str) -> str | None:
    """The supported language a locale value names ('vi_VN.UTF-8' → 'vi'; 'en:vi' → 'en';
    'C', 'POSIX', 'fr_FR' → None)."""
    for item in value.split(":"):
        code = item.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0]
        if code.lower() in LANGUAGES:
            return code.lower()
    return None


def pick_language(env: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for (see the module docstring)."""
    env = os.environ if env is None else env
    for var in ENV_VARS:
        found = language_of(env.get(var, "") or "")
        if found:
            return found
    return DEFAULT_LANGUAGE


def set_language(lang: str | None) -> str:
    """Use ``lang`` ('vi', 'en', a locale such as 'en_US'); None: follow the environment.
    Returns the language now used; ValueError for a language without a catalogue."""
    global _chosen
    if lang is None:
        _chosen = None
        return language()
    found = language_of(lang)
    if found is None:
        raise ValueError(
            gettext("unknown language '{lang}' (known: {known})").format(
                lang=lang, known=", ".join(LANGUAGES)
            )
        )
    _chosen = found
    return found


def language() -> str:
    """The language messages are shown in now."""
    return _chosen or pick_language()


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogue(lang: str, write: bool = True) -> bytes | None:
    """The compiled ``.mo`` of ``lang`` from its ``.po`` (None if there is no ``.po``);
    written beside it when ``write`` and the folder allows."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = po_path(lang)
    if not po.is_file():
        return None
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    for message in list(catalog):  # untranslated: the English text is shown
        text = message.string
        if message.id and (not text or (isinstance(text, tuple | list) and not all(text))):
            del catalog[message.id]
    buf = io.BytesIO()
    write_mo(buf, catalog)
    data = buf.getvalue()
    if write:
        try:
            fd, tmp = tempfile.mkstemp(prefix=".mo.", dir=po.parent)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, po.with_suffix(".mo"))
        except OSError:
            pass
    return data


def _load(lang: str) -> _gettext.NullTranslations:
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    try:
        fresh = mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime)
    except OSError:
        fresh = False
    if fresh:
        with open(mo, "rb") as fh:
            return _gettext.GNUTranslations(fh)
    data = compile_catalogue(lang)
    if data is None:
        return _gettext.NullTranslations()
    return _gettext.GNUTranslations(io.BytesIO(data))


def translations(lang: str | None = None) -> _gettext.NullTranslations:
    """The catalogue of ``lang`` (default: the current language), loaded once."""
    lang = lang or language()
    with _lock:
        if lang not in _cache:
            _cache[lang] = _load(lang)
        return _cache[lang]


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    return translations().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark only"
    """Mark ``message`` for the catalogue without translating it (translate where shown)."""
    return message


_ = gettext


def use_language(lang: str | None = None) -> str:
    """The language of this process and of the processes it starts (kernels, Chromium):
    ``lang`` if given (exported as ``$CHISO766_LANG``), else the environment's."""
    lang = set_language(lang) if lang else language()
    os.environ[ENV_LANG] = lang
    return lang


__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "compile_catalogue",
    "gettext",
    "use_language",
    "language",
    "ngettext",
    "pick_language",
    "set_language",
    "translations",
]

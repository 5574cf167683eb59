"""Checks of free text that will be stored and shown: names and notes.

Refused, with a message: Unicode direction controls (U+202A–U+202E, U+2066–U+2069), which
make a name display reversed; NUL and other control characters; names longer than a name can
be (:data:`MAX_NAME`) and notes longer than :data:`MAX_NOTE`.
"""

from __future__ import annotations

import unicodedata

from chiso766.i18n import N_, _

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")
MAX_NAME = 300
MAX_NOTE = 2000

MSG_BIDI = N_(
    "the text holds invisible direction controls ({codes}) that display it reversed: remove them"
)
MSG_CONTROL = N_("the text holds control characters ({codes}): remove them")
MSG_TOO_LONG = N_("a name of {n} characters (at most {limit}): is this the right column?")
MSG_NOTE_TOO_LONG = N_("a note of {n} characters (at most {limit})")


def _codes(chars: set[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(chars))


def text_problem(text: str, limit: int = MAX_NAME, what: str = "name") -> str | None:
    """What is wrong with a name (or note, ``what="note"``), or None."""
    chars = set(text)
    bidi = chars & BIDI_CONTROLS
    if bidi:
        return _(MSG_BIDI).format(codes=_codes(bidi))
    controls = {c for c in chars if unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS}
    if controls:
        return _(MSG_CONTROL).format(codes=_codes(controls))
    if len(text) > limit:
        template = _(MSG_NOTE_TOO_LONG) if what == "note" else _(MSG_TOO_LONG)
        return template.format(n=len(text), limit=limit)
    return None


def note_problem(text: str) -> str | None:
    """What is wrong with a free-text note, or None."""
    return text_problem(text, MAX_NOTE, "note")

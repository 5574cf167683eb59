"""Text normalisation for Vietnamese names and headers: NFC, spacing, diacritic folding."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """NFC-normalise and collapse runs of whitespace (incl. non-breaking spaces)."""
    text = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower-case ASCII key without diacritics: 'Sở Nội vụ' → 'so noi vu'.

    Used to match names and headers written with or without diacritics, in any case.
    """
    text = unicodedata.normalize("NFD", nfc(text).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    text = re.sub(r"[^\w%()/.,:+-]+", " ", text)
    return _SPACES.sub(" ", text).strip()


def fold_words(text: str) -> str:
    """Like :func:`fold` but keeps only letters and digits separated by single spaces."""
    return _SPACES.sub(" ", re.sub(r"[^a-z0-9]+", " ", fold(text))).strip()


def slug(text: str) -> str:
    """A stable identifier made from a name: 'Sở Nội vụ' → 'so-noi-vu'."""
    return fold_words(text).replace(" ", "-")

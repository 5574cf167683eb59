"""Text normalisation for Vietnamese names and headers: NFC, spacing, diacritic folding."""

from __future__ import annotations

import functools
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
    return " ".join(filter(None, (_fold_token(t) for t in nfc(text).split(" "))))


@functools.lru_cache(maxsize=1 << 16)
def _fold_token(token: str) -> str:
    """:func:`fold` of one space-free token (folding is local to a character and its marks,
    so a name folds word by word; words repeat across names, hence the cache)."""
    text = unicodedata.normalize("NFD", token.lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    text = re.sub(r"[^\w%()/.,:+-]+", " ", text)
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=1 << 16)
def _word_token(token: str) -> str:
    return _SPACES.sub(" ", re.sub(r"[^a-z0-9]+", " ", _fold_token(token))).strip()


def fold_words(text: str) -> str:
    """Like :func:`fold` but keeps only letters and digits separated by single spaces."""
    return fold_words_nfc(nfc(text))


def fold_words_nfc(text: str) -> str:
    """:func:`fold_words` of a text already :func:`nfc`-normalised (a column's names)."""
    return " ".join(filter(None, map(_word_token, text.split(" "))))


def slug(text: str) -> str:
    """A stable identifier made from a name: 'Sở Nội vụ' → 'so-noi-vu'."""
    return fold_words(text).replace(" ", "-")


# ---- identity that keeps tone marks ----------------------------------------------------------
# Tone marks (dấu thanh) as combining characters; vowel marks (â ă ê ô ơ ư) are kept in place.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_MARKED = set("ăâêôơư")
_WORD = re.compile(r"\w+")


def _tone_position(base: str) -> int | None:
    """Where a syllable without its tone carries the tone (old style: 'hòa', 'thúy')."""
    start = 0
    if base.startswith("qu"):
        start = 2
    elif base.startswith("gi") and len(base) > 2 and base[2] in _VOWELS:
        start = 2
    first = next((i for i in range(start, len(base)) if base[i] in _VOWELS), None)
    if first is None:
        return None
    end = first
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    cluster = base[first:end]
    marked = [i for i, ch in enumerate(cluster) if ch in _MARKED]
    if marked:
        return first + marked[-1]
    if len(cluster) == 1:
        return first
    if end < len(base):  # a final consonant: the last vowel ('hoàn', 'toán')
        return end - 1
    if len(cluster) == 3:  # 'ngoài', 'xoáy'
        return first + 1
    return first  # 'hòa', 'thúy', 'mái', 'mùa'


@functools.lru_cache(maxsize=1 << 16)
def tone_syllable(word: str) -> str:
    """A lower-case syllable with its tone mark on one canonical vowel, so 'Hoà' and 'Hòa'
    are one spelling while 'Hòa' and 'Hóa' stay different."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONES]
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    if not tones:
        return base
    at = _tone_position(base)
    if at is None:
        return unicodedata.normalize("NFC", base + tones[0])
    return unicodedata.normalize("NFC", base[: at + 1] + tones[0] + base[at + 1 :])


def tone_key(text: str) -> str:
    """An identity key that keeps tone marks: lower case, NFC, tone marks placed one way,
    words joined by '-': 'UBND xã Hoà An' → 'ubnd-xã-hòa-an' (≠ 'ubnd-xã-hóa-an')."""
    return tone_key_nfc(nfc(text))


def tone_key_nfc(text: str) -> str:
    """:func:`tone_key` of a text already :func:`nfc`-normalised."""
    return "-".join(tone_syllable(w) for w in _WORD.findall(text) if w != "_")

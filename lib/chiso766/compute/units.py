"""Unit levels, level inference from names, and stable unit identifiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow.compute as pc

from chiso766.compute.textnorm import fold_words, nfc, slug, tone_key
from chiso766.i18n import _

PROVINCE, DEPARTMENT, DISTRICT, COMMUNE = "province", "department", "district", "commune"
BRANCH = "branch"  # e.g. "Chi nhánh VPĐK đất đai": counted (overdue dossiers), never scored
LEVELS: tuple[str, ...] = (PROVINCE, DEPARTMENT, DISTRICT, COMMUNE, BRANCH)
SCORED_LEVELS: tuple[str, ...] = (PROVINCE, DEPARTMENT, DISTRICT, COMMUNE)

LEVEL_LABELS_VI: dict[str, str] = {
    PROVINCE: "Tỉnh",
    DEPARTMENT: "Sở, ban, ngành",
    DISTRICT: "UBND cấp huyện",
    COMMUNE: "UBND cấp xã",
    BRANCH: "Chi nhánh, đơn vị trực thuộc",
}

# Values an analyst may write in a level column (folded, i.e. without diacritics).
_LEVEL_WORDS: dict[str, str] = {
    "tinh": PROVINCE,
    "ubnd tinh": PROVINCE,
    "province": PROVINCE,
    "so": DEPARTMENT,
    "so ban nganh": DEPARTMENT,
    "so nganh": DEPARTMENT,
    "cac so ban nganh": DEPARTMENT,
    "co quan chuyen mon": DEPARTMENT,
    "department": DEPARTMENT,
    "huyen": DISTRICT,
    "cap huyen": DISTRICT,
    "ubnd cap huyen": DISTRICT,
    "ubnd huyen": DISTRICT,
    "district": DISTRICT,
    "xa": COMMUNE,
    "cap xa": COMMUNE,
    "ubnd cap xa": COMMUNE,
    "ubnd xa": COMMUNE,
    "xa phuong": COMMUNE,
    "commune": COMMUNE,
    "chi nhanh": BRANCH,
    "chi nhanh vpdk dat dai": BRANCH,
    "chi nhanh van phong dang ky dat dai": BRANCH,
    "don vi truc thuoc": BRANCH,
    "branch": BRANCH,
}

# Name prefixes (folded) → level. Order matters: "thi xa" must be tried before "xa".
_NAME_PREFIXES: tuple[tuple[str, str], ...] = (
    ("ubnd tinh ", PROVINCE),
    ("uy ban nhan dan tinh ", PROVINCE),
    ("tinh ", PROVINCE),
    ("ubnd thi xa ", DISTRICT),
    ("ubnd thi tran ", COMMUNE),
    ("ubnd huyen ", DISTRICT),
    ("ubnd quan ", DISTRICT),
    ("ubnd thanh pho ", DISTRICT),
    ("ubnd tp ", DISTRICT),
    ("uy ban nhan dan huyen ", DISTRICT),
    ("uy ban nhan dan thi xa ", DISTRICT),
    ("uy ban nhan dan thanh pho ", DISTRICT),
    ("uy ban nhan dan quan ", DISTRICT),
    ("uy ban nhan dan thi tran ", COMMUNE),
    ("ubnd xa ", COMMUNE),
    ("ubnd phuong ", COMMUNE),
    ("ubnd dac khu ", COMMUNE),
    ("uy ban nhan dan xa ", COMMUNE),
    ("uy ban nhan dan phuong ", COMMUNE),
    ("uy ban nhan dan dac khu ", COMMUNE),
    ("thi xa ", DISTRICT),
    ("thi tran ", COMMUNE),
    ("huyen ", DISTRICT),
    ("quan ", DISTRICT),
    ("thanh pho ", DISTRICT),
    ("xa ", COMMUNE),
    ("phuong ", COMMUNE),
    ("chi nhanh ", BRANCH),
    ("so ", DEPARTMENT),
    ("ban ", DEPARTMENT),
    ("van phong ", DEPARTMENT),
    ("thanh tra ", DEPARTMENT),
    ("cong an ", DEPARTMENT),
    ("bao hiem xa hoi ", DEPARTMENT),
    ("cuc thue ", DEPARTMENT),
)


class UnknownLevel(ValueError):
    """A level word or a unit name whose level cannot be told."""


def parse_level(text: str) -> str:
    """Map a level cell ('Sở, ban, ngành', 'UBND cap xa', 'Huyện'…) to a level key."""
    key = fold_words(text)
    if key in LEVELS:
        return key
    if key in ("cap tinh", "tinh cap"):
        raise UnknownLevel(
            _(
                "'{text}' is ambiguous: write 'Tỉnh' for the province itself or 'Sở, ban, "
                "ngành' for its departments"
            ).format(text=nfc(text))
        )
    try:
        return _LEVEL_WORDS[key]
    except KeyError:
        known = "; ".join(LEVEL_LABELS_VI.values())
        raise UnknownLevel(
            _("unknown level '{text}' (known levels: {known})").format(text=nfc(text), known=known)
        ) from None


def infer_level(name: str) -> str:
    """Tell a unit's level from its name ('UBND thị xã Phước Long' → district)."""
    key = fold_words(name) + " "
    for prefix, level in _NAME_PREFIXES:
        if key.startswith(prefix):
            return level
    raise UnknownLevel(
        _(
            "cannot tell the level of '{name}' from its name; add a level column ('Tỉnh', "
            "'Sở, ban, ngành', 'UBND cấp huyện', 'UBND cấp xã')"
        ).format(name=nfc(name))
    )


def name_prefixes() -> tuple[tuple[str, str], ...]:
    """The folded name prefixes :func:`infer_level` reads a level from, in the order tried."""
    return _NAME_PREFIXES


_ID_PREFIXES = ("ubnd ", "uy ban nhan dan ")


def _without_ubnd(name: str) -> str:
    """The name less a leading 'UBND' / 'Ủy ban nhân dân' (any spelling)."""
    text = nfc(name)
    folded = fold_words(text)
    for prefix in _ID_PREFIXES:
        if folded.startswith(prefix):
            words = len(prefix.split())
            return " ".join(text.split()[words:])
    return text


def name_keys(names: Sequence[str], folded: Sequence[str]) -> list[str]:
    """:func:`name_key` of many names at once: ``names`` NFC-normalised, ``folded`` their
    :func:`~chiso766.compute.textnorm.fold_words` (a table's unit column); whole columns at
    once (:func:`~chiso766.compute.tone_keys.tone_keys`)."""
    from chiso766.compute.tone_keys import as_strings, tone_keys, without_words

    if len(names) != len(folded):
        raise ValueError("names and folded differ in length")
    texts, keys = as_strings(names), as_strings(folded)
    for prefix in _ID_PREFIXES:  # the words of a leading 'UBND' / 'Ủy ban nhân dân'
        hit = pc.starts_with(keys, prefix)
        if pc.any(hit).as_py():
            texts = pc.if_else(hit, without_words(texts, len(prefix.split())), texts)
    return tone_keys(texts)


def name_key(name: str) -> str:
    """A unit name's identity: tone marks kept (placed one way), case, spacing, NFD/NFC and a
    leading 'UBND' ignored: 'UBND xã Hoà An' and 'Xã Hòa An' are one unit, 'Xã Hóa An' another."""
    return tone_key(_without_ubnd(name))


def folded_name_key(name: str) -> str:
    """The name without diacritics ('xa-hoa-an'): only for suggestions, never identity."""
    return slug(_without_ubnd(name))


def unit_id(name: str, level: str) -> str:
    """Stable identifier of a unit that has no portal id: '<level>:<name key>'.

    The key keeps tone marks (:func:`name_key`): 'UBND xã Hòa An' → 'commune:xã-hòa-an' and
    'UBND xã Hóa An' → 'commune:xã-hóa-an' are two communes. A leading 'UBND' is ignored, so
    'UBND thị xã Bình Long' and 'Thị xã Bình Long' are one unit.
    """
    return f"{level}:{name_key(name)}"


@dataclass(frozen=True)
class Unit:
    """A unit as the workbook knows it."""

    unit_id: str
    name: str
    level: str
    code: str | None = None

"""The 34 provinces the national portal lists (name, rootDepartmentId, code) and name lookup.

The registry is package data (``data/provinces.csv``, as the portal listed them in 10/2026).
An analyst names a province in any case, with or without diacritics, with or without
"UBND tỉnh" / "thành phố"; its rootDepartmentId or code ("H44") work too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chiso766.compute.textnorm import fold_words, nfc

DATA = Path(__file__).parents[1] / "data" / "provinces.csv"

_PREFIXES = ("ubnd ", "uy ban nhan dan ")
_KINDS = ("tinh ", "thanh pho ", "tp ")
# A few names people write that the portal's names do not contain.
_ALIASES = {"hcm": "H29", "tphcm": "H29", "sai gon": "H29", "thua thien hue": "H57"}


class UnknownProvince(LookupError):
    """A province name, id or code that is not in the registry (or matches several)."""


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city as the portal knows it."""

    name: str  # as the portal writes it: "UBND tỉnh Phú Thọ"
    root_department_id: str
    code: str  # "H44"

    @property
    def short_name(self) -> str:
        """The name without 'UBND tỉnh' / 'UBND thành phố': 'Phú Thọ'."""
        words = self.name.split(" ")
        if words and words[0].upper() == "UBND":
            words = words[1:]
        if words and fold_words(words[0]) == "tinh":
            words = words[1:]
        elif len(words) > 1 and fold_words(" ".join(words[:2])) == "thanh pho":
            words = words[2:]
        return " ".join(words)


def _key(text: str) -> str:
    key = fold_words(text)
    for prefix in _PREFIXES:
        key = key.removeprefix(prefix)
    for kind in _KINDS:
        key = key.removeprefix(kind)
    return key


@cache
def load_provinces(path: Path = DATA) -> tuple[Province, ...]:
    """Every province in the registry, in file order."""
    with open(path, encoding="utf-8", newline="") as fh:
        return tuple(
            Province(nfc(r["name"]), r["rootDepartmentId"].strip(), r["code"].strip())
            for r in csv.DictReader(fh)
        )


def province_by_id(root_department_id: str) -> Province | None:
    """The province whose rootDepartmentId this is, else None."""
    for p in load_provinces():
        if p.root_department_id == root_department_id.strip():
            return p
    return None


def find_province(text: str) -> Province:
    """The province named by ``text`` (name, short name, rootDepartmentId or code)."""
    wanted = nfc(text)
    if not wanted:
        raise UnknownProvince("no province given")
    provinces = load_provinces()
    for p in provinces:
        if wanted.lower() in (p.root_department_id.lower(), p.code.lower()):
            return p
    key = _key(wanted)
    code = _ALIASES.get(key)
    found = [p for p in provinces if _key(p.name) == key or p.code == code]
    if len(found) == 1:
        return found[0]
    near = [p.short_name for p in provinces if key and key in _key(p.name)]
    hint = f"; did you mean: {', '.join(near)}?" if near else " (see chiso766/data/provinces.csv)"
    raise UnknownProvince(f"unknown province '{wanted}'{hint}")

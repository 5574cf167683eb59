"""The 34 provinces the national portal lists (name, rootDepartmentId, code) and name lookup.

The registry is package data (``data/provinces.csv``, as the portal listed them in 10/2026).
An analyst names a province in any case, with or without diacritics, with or without
"UBND tỉnh" / "thành phố"; its rootDepartmentId or code ("H44") work too.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chiso766.compute.textnorm import fold_words, nfc
from chiso766.i18n import _

DATA = Path(__file__).parents[1] / "data" / "provinces.csv"
MERGERS = Path(__file__).parents[1] / "data" / "mergers-2025.csv"

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
        raise UnknownProvince(_("no province given"))
    provinces = load_provinces()
    for p in provinces:
        if wanted.lower() in (p.root_department_id.lower(), p.code.lower()):
            return p
    key = _key(wanted)
    code = _ALIASES.get(key)
    found = [p for p in provinces if _key(p.name) == key or p.code == code]
    if len(found) == 1:
        return found[0]
    merger = merged_into(wanted)
    if merger is not None:
        raise UnknownProvince(
            _(
                "'{name}' is no longer a province: it merged into {became} on {day} ({decision}); "
                'use --province "{short}"'
            ).format(
                name=merger.former,
                became=merger.became.short_name,
                day=f"{merger.effective.day:02d}/{merger.effective.month}/{merger.effective.year}",
                decision=merger.decision,
                short=merger.became.short_name,
            )
        )
    near = [p.short_name for p in provinces if key and key in _key(p.name)]
    if near:
        hint = _("; did you mean: {names}?").format(names=", ".join(near))
    else:
        hint = _(" (see chiso766/data/provinces.csv)")
    raise UnknownProvince(_("unknown province '{name}'").format(name=wanted) + hint)


@dataclass(frozen=True)
class Merger:
    """A province that merged into another (the 2025 mergers: 63 → 34)."""

    former: str  # "Bình Phước"
    became: Province
    decision: str  # "Nghị quyết 202/2025/QH15"
    effective: dt.date


@cache
def load_mergers(path: Path = MERGERS) -> tuple[Merger, ...]:
    """Every merger in the data file (``former,became,decision,effective``; ``became`` is the
    code of the province in the registry)."""
    by_code = {p.code: p for p in load_provinces()}
    with open(path, encoding="utf-8", newline="") as fh:
        return tuple(
            Merger(
                nfc(r["former"]),
                by_code[r["became"].strip()],
                nfc(r["decision"]),
                dt.date.fromisoformat(r["effective"].strip()),
            )
            for r in csv.DictReader(fh)
        )


def merged_into(text: str) -> Merger | None:
    """The merger of the former province ``text`` names (any case or diacritics), or None."""
    key = _key(text)
    for m in load_mergers():
        if _key(m.former) == key:
            return m
    return None

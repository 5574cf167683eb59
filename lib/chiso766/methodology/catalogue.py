"""Load and validate a methodology catalogue (groups, indicators, rules, switches, class bands)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from chiso766.compute.textnorm import fold_words, nfc
from chiso766.compute.units import LEVELS, SCORED_LEVELS
from chiso766.i18n import _

HERE = Path(__file__).parent
RULES = ("linear", "target", "monitored")
ZERO_DENOMINATOR_RULES = ("zero", "null", "full", "redistribute")


class MethodologyError(ValueError):
    """A catalogue that breaks the rules (maxima, groups, unknown rules…)."""


@dataclass(frozen=True)
class Indicator:
    """One indicator and the rule that turns its ratio (%) into points."""

    code: str
    number: str
    name: str
    group: str
    max: float
    rule: str
    target: float | None = None
    on_zero_denominator: str = "null"
    redistribute_from: str | None = None
    levels: tuple[str, ...] = SCORED_LEVELS
    copied_from_province: bool = False

    @property
    def scored(self) -> bool:
        return self.rule != "monitored" and self.max > 0


@dataclass(frozen=True)
class Group:
    """A group of indicators with its maximum points."""

    code: str
    name: str
    max: float
    indicators: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    provisional: str | None = None


@dataclass(frozen=True)
class ClassBand:
    """A class ('Tốt') and the lowest total that reaches it."""

    name: str
    min: float


@dataclass(frozen=True)
class Catalogue:
    """A methodology version, ready for scoring."""

    version: str
    title: str
    groups: tuple[Group, ...]
    indicators: dict[str, Indicator]
    switches: dict[str, str]
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    ratio_decimals: int = 2
    points_decimals: int = 2
    points_rounding: str = "decimal"
    bands: tuple[ClassBand, ...] = ()
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def total_max(self) -> float:
        return sum(g.max for g in self.groups)

    def group(self, code: str) -> Group:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def group_codes(self) -> list[str]:
        return [g.code for g in self.groups]

    def match_indicator(self, name: str) -> str | None:
        """The indicator code for a name, code or alias (any case, with or without diacritics)."""
        return self._names.get("i:" + fold_words(name))

    def match_group(self, name: str) -> str | None:
        """The group code for a group name, code or alias."""
        return self._names.get("g:" + fold_words(name))


def available_versions() -> list[str]:
    """Versions shipped with the package (file names without .yaml)."""
    skip = {"classes", "aliases"}
    return sorted(p.stem for p in HERE.glob("*.yaml") if p.stem not in skip)


def version_for_date(day: dt.date) -> str:
    """The catalogue in force on a day (by each catalogue's valid_from / valid_to)."""
    for version in available_versions():
        cat = load_catalogue(version)
        if (cat.valid_from is None or cat.valid_from <= day) and (
            cat.valid_to is None or day <= cat.valid_to
        ):
            return version
    raise MethodologyError(_("no methodology catalogue covers {day}").format(day=day.isoformat()))


def load_bands(name: str = "default", path: Path | None = None) -> tuple[ClassBand, ...]:
    """Class bands from classes.yaml, highest first; validated to end at 0."""
    data = yaml.safe_load((path or HERE / "classes.yaml").read_text(encoding="utf-8"))
    if name not in data:
        raise MethodologyError(f"no class bands named '{name}' (have: {', '.join(data)})")
    bands = tuple(ClassBand(nfc(b["name"]), float(b["min"])) for b in data[name])
    mins = [b.min for b in bands]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise MethodologyError(f"class bands '{name}' must go from the highest minimum down")
    if not bands or mins[-1] != 0:
        raise MethodologyError(f"class bands '{name}' must end with a band starting at 0")
    return bands


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load((HERE / "aliases.yaml").read_text(encoding="utf-8")) or {}
    return {code: tuple(names) for code, names in data.items()}


@cache
def load_catalogue(
    version: str = "portal-2026",
    switches: tuple[tuple[str, str], ...] = (),
    bands: str = "default",
) -> Catalogue:
    """Load, apply switch choices to, and validate one catalogue version.

    ``switches`` overrides a disagreement's default, e.g. ``(("digitised_rule", "formula_text"),)``.
    """
    path = HERE / f"{version}.yaml"
    if not path.is_file():
        raise MethodologyError(
            _("unknown methodology '{name}' (available: {known})").format(
                name=version, known=", ".join(available_versions())
            )
        )
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return build_catalogue(raw, dict(switches), load_bands(bands), source=path.name)


def build_catalogue(
    raw: dict[str, Any],
    switch_choice: dict[str, str] | None = None,
    bands: tuple[ClassBand, ...] = (),
    source: str = "<catalogue>",
) -> Catalogue:
    """Build a :class:`Catalogue` from parsed YAML, raising MethodologyError on any breach."""
    raw = copy.deepcopy(raw)
    problems: list[str] = []
    ind_rows = {row["code"]: row for row in raw.get("indicators", [])}
    if len(ind_rows) != len(raw.get("indicators", [])):
        problems.append("an indicator code appears twice")

    chosen: dict[str, str] = {}
    choice = dict(switch_choice or {})
    for name, spec in (raw.get("switches") or {}).items():
        option = str(choice.pop(name, spec["default"]))
        if option not in spec["options"]:
            problems.append(f"switch '{name}' has no option '{option}'")
            continue
        chosen[name] = option
        for code, override in (spec["options"][option] or {}).items():
            if code not in ind_rows:
                problems.append(f"switch '{name}' names unknown indicator '{code}'")
                continue
            ind_rows[code].update(override)
    if choice:
        problems.append(f"unknown switch(es): {', '.join(choice)}")

    group_codes = [g["code"] for g in raw["groups"]]
    indicators: dict[str, Indicator] = {}
    for code, row in ind_rows.items():
        on_zero = row.get("on_zero_denominator") or "null"
        ind = Indicator(
            code=code,
            number=str(row.get("number", "")),
            name=nfc(row["name"]),
            group=row.get("group", ""),
            max=float(row.get("max", 0)),
            rule=row.get("rule", ""),
            target=float(row["target"]) if row.get("target") is not None else None,
            on_zero_denominator=on_zero,
            redistribute_from=row.get("redistribute_from"),
            levels=tuple(row.get("levels") or SCORED_LEVELS),
            copied_from_province=bool(row.get("copied_from_province", False)),
        )
        indicators[code] = ind
        if ind.group not in group_codes:
            problems.append(f"indicator {code} is in no known group ('{ind.group}')")
        if ind.rule not in RULES:
            problems.append(f"indicator {code} has unknown rule '{ind.rule}'")
        if ind.rule == "target" and not (ind.target and 0 < ind.target <= 100):
            problems.append(f"indicator {code}: a target rule needs a target in (0, 100]")
        if ind.on_zero_denominator not in ZERO_DENOMINATOR_RULES:
            problems.append(f"indicator {code} has unknown zero-denominator rule '{on_zero}'")
        if ind.on_zero_denominator == "redistribute" and ind.redistribute_from not in ind_rows:
            problems.append(f"indicator {code} redistributes from an unknown indicator")
        if set(ind.levels) - set(LEVELS):
            problems.append(
                f"indicator {code} names unknown levels {set(ind.levels) - set(LEVELS)}"
            )

    groups = []
    for g in raw["groups"]:
        members = tuple(c for c, i in indicators.items() if i.group == g["code"])
        groups.append(
            Group(
                code=g["code"],
                name=nfc(g["name"]),
                max=float(g["max"]),
                indicators=members,
                aliases=tuple(nfc(a) for a in g.get("aliases", [])),
                provisional=g.get("provisional"),
            )
        )
        scored = sum(indicators[c].max for c in members if indicators[c].scored)
        if members and abs(scored - float(g["max"])) > 1e-9:
            problems.append(
                f"group {g['code']}: indicator maxima add to {scored:g}, not {g['max']}"
            )
    total = sum(g.max for g in groups)
    if abs(total - 100) > 1e-9:
        problems.append(f"group maxima add to {total:g}, not 100")
    rounding = (raw.get("precision") or {}).get("points_rounding", "decimal")
    if rounding not in ("decimal", "float"):
        problems.append(f"unknown points_rounding '{rounding}' (decimal or float)")
    if problems:
        raise MethodologyError(f"{source}: " + "; ".join(problems))

    names: dict[str, str] = {}
    for g in groups:
        for n in (g.code, g.name, *g.aliases):
            names.setdefault("g:" + fold_words(n), g.code)
    aliases = _aliases()
    for ind in indicators.values():
        for n in (ind.code, ind.name, *aliases.get(ind.code, ())):
            names.setdefault("i:" + fold_words(n), ind.code)
    precision = raw.get("precision") or {}
    return Catalogue(
        version=raw["version"],
        title=nfc(raw.get("title", raw["version"])),
        groups=tuple(groups),
        indicators=indicators,
        switches=chosen,
        valid_from=raw.get("valid_from"),
        valid_to=raw.get("valid_to"),
        ratio_decimals=int(precision.get("ratio", 2)),
        points_decimals=int(precision.get("points", 2)),
        points_rounding=str(precision.get("points_rounding", "decimal")),
        bands=bands,
        _names=names,
    )

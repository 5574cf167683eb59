"""What a leader must know between two snapshots, as data (pure): units whose score fell by at
least N points or that dropped a class, the province's indicators that fell by at least N,
units without data, and a fall in the province's national rank.

Each alert has a level: :data:`ACT` ("must act": the scheduled run exits non-zero so cron can
act on it) or :data:`NOTICE` ("to know"). The thresholds are data (:class:`Thresholds`, the
``alerts:`` key of a ``params/*.yaml`` run file)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from chiso766.i18n import _

ACT, NOTICE, OFF = "act", "notice", "off"
LEVELS = (ACT, NOTICE)
#: the kinds of alert, in the order a leader reads them
SCORE_DROP, CLASS_DROP, INDICATOR_DROP, NO_DATA, RANK_DROP = (
    "score_drop",
    "class_drop",
    "indicator_drop",
    "no_data",
    "rank_drop",
)
KINDS = (RANK_DROP, SCORE_DROP, CLASS_DROP, INDICATOR_DROP, NO_DATA)


@dataclass(frozen=True)
class Thresholds:
    """When an alert is raised, and at which level (a drop of at least ``*_act`` is "must
    act", of at least ``*_notice`` "to know"; a level word is ``act``, ``notice`` or ``off``)."""

    score_drop_notice: float = 5.0  # points of a unit's total
    score_drop_act: float = 10.0
    class_drop: str = NOTICE  # a unit whose class fell (Tốt → Khá …)
    indicator_drop_notice: float = 10.0  # percentage points (points where there is no rate)
    indicator_drop_act: float = 25.0
    no_data: str = NOTICE  # a unit with values before and none now
    rank_drop_notice: float = 1.0  # places in the national ranking
    rank_drop_act: float = 3.0
    fail_on_act: bool = True  # a scheduled run ends with status 3 when an alert must be acted on

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Thresholds:
        """Thresholds from a run file's ``alerts:`` mapping (missing keys keep the defaults);
        ValueError listing every problem."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError(_("alerts: expected keys such as 'score_drop_act: 10'"))
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        problems = []
        for key, value in data.items():
            if key == "compare":
                continue
            f = known.get(str(key))
            if f is None:
                problems.append(
                    _("alerts: unknown key '{key}' (known: {known})").format(
                        key=key, known=", ".join(["compare", *known])
                    )
                )
            elif f.type == "bool":
                if not isinstance(value, bool):
                    problems.append(
                        _("alerts: {key} must be true or false, not {value!r}").format(
                            key=key, value=value
                        )
                    )
                else:
                    values[f.name] = value
            elif f.type == "str":
                if value is False:  # YAML reads a bare 'off' as false
                    value = OFF
                if value not in (ACT, NOTICE, OFF):
                    problems.append(
                        _("alerts: {key} must be act, notice or off, not {value!r}").format(
                            key=key, value=value
                        )
                    )
                else:
                    values[f.name] = value
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.append(
                    _("alerts: {key} must be a number from 0, not {value!r}").format(
                        key=key, value=value
                    )
                )
            else:
                values[f.name] = float(value)
        if problems:
            raise ValueError("; ".join(problems))
        return cls(**values)

    def level_of_drop(self, kind: str, drop: float) -> str | None:
        """The level of a fall of ``drop`` (positive) for ``kind``; None below both."""
        act, notice = getattr(self, f"{kind}_act"), getattr(self, f"{kind}_notice")
        if drop >= act - 1e-9:
            return ACT
        if drop >= notice - 1e-9:
            return NOTICE
        return None


@dataclass(frozen=True)
class Alert:
    """One thing to know: what, at which level, about which unit (or indicator)."""

    kind: str
    level: str
    unit_id: str
    unit: str
    unit_level: str
    old: float | None = None
    new: float | None = None
    code: str = ""  # the indicator's code (indicator_drop)
    label: str = ""  # the indicator's number and name, as announcements write it
    old_class: str | None = None
    new_class: str | None = None

    @property
    def change(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return round(self.new - self.old, 2)

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["change"] = self.change
        return out


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def unit_alerts(old: pd.DataFrame, new: pd.DataFrame, t: Thresholds, bands: list[str]) -> list:
    """Score falls, class drops and units without data. ``old``/``new``: scored units
    (unit_id, unit, level, total, class); ``bands``: class names, best first."""
    rank = {name: i for i, name in enumerate(bands)}
    before = {r["unit_id"]: r for r in old.to_dict("records")}
    out: list[Alert] = []
    for r in new.to_dict("records"):
        b = before.get(r["unit_id"])
        if b is None or r["level"] == "province":
            continue
        was, now = _num(b["total"]), _num(r["total"])
        base = {"unit_id": r["unit_id"], "unit": r["unit"], "unit_level": r["level"]}
        if was is not None and now is None:
            if t.no_data != OFF:
                out.append(Alert(NO_DATA, t.no_data, old=was, **base))
            continue
        if was is None or now is None:
            continue
        level = t.level_of_drop("score_drop", round(was - now, 2))
        old_class, new_class = b.get("class"), r.get("class")
        dropped = (
            t.class_drop != OFF
            and isinstance(old_class, str)
            and isinstance(new_class, str)
            and rank.get(new_class, -1) > rank.get(old_class, len(rank))
        )
        classes = {"old_class": old_class, "new_class": new_class} if dropped else {}
        if level:  # one line per unit: the fall, with the class it lost if it did
            if dropped and t.class_drop == ACT:
                level = ACT
            out.append(Alert(SCORE_DROP, level, old=was, new=now, **classes, **base))
        elif dropped:
            out.append(Alert(CLASS_DROP, t.class_drop, old=was, new=now, **classes, **base))
    return out


def indicator_alerts(old: pd.DataFrame, new: pd.DataFrame, t: Thresholds) -> list[Alert]:
    """The province's indicators that fell: ``old``/``new`` are its scored indicators
    (unit_id, unit, level, code, number, name, ratio, points)."""
    before = old.drop_duplicates("code").set_index("code")
    out = []
    for r in new.drop_duplicates("code").itertuples(index=False):
        if r.code not in before.index:
            continue
        b = before.loc[r.code]
        was, now = _num(b["ratio"]), _num(r.ratio)
        if was is None or now is None:
            was, now = _num(b["points"]), _num(r.points)
        if was is None or now is None:
            continue
        level = t.level_of_drop("indicator_drop", round(was - now, 2))
        if level:
            label = f"{r.number} {r.name}".strip() if isinstance(r.number, str) else str(r.name)
            out.append(
                Alert(
                    INDICATOR_DROP,
                    level,
                    r.unit_id,
                    r.unit,
                    r.level,
                    old=was,
                    new=now,
                    code=r.code,
                    label=label,
                )
            )
    return out


def rank_alert(
    province: tuple[str, str] | None, old: float | None, new: float | None, t: Thresholds
) -> list[Alert]:
    """The province's national rank fell (a bigger number) by at least the threshold."""
    old, new = _num(old), _num(new)
    if province is None or old is None or new is None:
        return []
    level = t.level_of_drop("rank_drop", new - old)
    if not level:
        return []
    return [Alert(RANK_DROP, level, province[0], province[1], "province", old=old, new=new)]


def order(alerts: list[Alert]) -> list[Alert]:
    """Must-act first, then by kind (rank, score, class, indicator, no data), biggest fall
    first."""

    def key(a: Alert):  # noqa: ANN202
        fall = -(a.old - a.new) if a.old is not None and a.new is not None else 0.0
        if a.kind == RANK_DROP:
            fall = -fall
        return (LEVELS.index(a.level), KINDS.index(a.kind), fall, a.unit)

    return sorted(alerts, key=key)


def must_act(alerts: list[Alert]) -> bool:
    """Whether any alert is at the "must act" level."""
    return any(a.level == ACT for a in alerts)


__all__ = [
    "ACT",
    "CLASS_DROP",
    "INDICATOR_DROP",
    "KINDS",
    "NOTICE",
    "NO_DATA",
    "RANK_DROP",
    "SCORE_DROP",
    "Alert",
    "Thresholds",
    "indicator_alerts",
    "must_act",
    "order",
    "rank_alert",
    "unit_alerts",
]

"""Facts of one unit's scorecard → Sentence objects (worded by templates.yaml, ``unit_*``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from chiso766.commentary.facts import level_noun
from chiso766.commentary.phrase import Sentence, templates


def _missing(x) -> bool:
    return x is None or (not isinstance(x, str) and pd.isna(x))


def total(
    unit: str,
    total_: float,
    klass: str | None,
    old_total: float,
    compare_phrase: str | None,
    period_label: str,
    note: str | None = None,
) -> Sentence:
    """The unit's total, class and change in points; or why it has none."""
    data = {
        "unit": unit,
        "total": total_,
        "klass": klass,
        "old_total": old_total,
        "compare_phrase": compare_phrase,
        "period_label": period_label,
        "note": note or "Hệ thống không thông báo dữ liệu",
    }
    if _missing(total_):
        return Sentence("unit_total", "no_data", data)
    if _missing(old_total) or not compare_phrase:
        return Sentence("unit_total", "first", data)
    delta = round(float(total_) - float(old_total), 2)
    data["delta"] = delta
    branch = "rise" if delta > 0 else "fall" if delta < 0 else "unchanged"
    return Sentence("unit_total", branch, data)


def rank(level: str, rank_: int | None, of: int | None, old_rank, old_of) -> Sentence:
    """The unit's rank within its level and its change."""
    data = {"noun": level_noun(level), "rank": rank_, "of": of, "old_rank": old_rank}
    data["old_of"] = old_of
    if _missing(rank_):
        return Sentence("unit_rank", "none", data)
    if _missing(old_rank):
        return Sentence("unit_rank", "first", data)
    change = int(old_rank) - int(rank_)
    data["change"] = change
    branch = "rise" if change > 0 else "fall" if change < 0 else "unchanged"
    return Sentence("unit_rank", branch, data)


def class_change(old: str | None, new: str | None, order: list[str]) -> Sentence:
    """'up'/'down' when the class changed between the two snapshots (``order``: best first)."""
    data = {"old": old, "new": new}
    if _missing(old) or _missing(new) or old == new or old not in order or new not in order:
        return Sentence("unit_class", "same", data)
    branch = "up" if order.index(new) < order.index(old) else "down"
    return Sentence("unit_class", branch, data)


def peers(unit: str, level: str, stats: dict) -> Sentence:
    """Median, upper quartile and best of the level (``stats`` from the scorecard model)."""
    n = stats.get("n", 0)
    data = {**stats, "unit": unit, "noun": level_noun(level)}
    if n >= 2:
        data["best_units"] = ", ".join(stats.get("best_units", []))
        return Sentence("unit_peers", "some", data)
    if n == 1 and not _missing(stats.get("total")):
        return Sentence("unit_peers", "single", data)
    return Sentence("unit_peers", "none", data)


def position(unit: str, level: str, stats: dict) -> Sentence:
    """Where the unit stands against the level's median and best."""
    data = {"unit": unit, "noun": level_noun(level)}
    mine, median, best = stats.get("total"), stats.get("median"), stats.get("best")
    if stats.get("n", 0) < 2 or _missing(mine) or _missing(median):
        return Sentence("unit_position", "none", data)
    gap = round(float(mine) - float(median), 2)
    data.update(gap=gap, to_best=round(float(mine) - float(best), 2))
    if round(float(mine), 2) >= round(float(best), 2):
        return Sentence("unit_position", "best", data)
    branch = "above" if gap > 0 else "below" if gap < 0 else "equal"
    return Sentence("unit_position", branch, data)


def detail(unit: str, has_detail: bool, has_total: bool) -> Sentence:
    """Whether the unit's data has groups and indicators, or only a total."""
    branch = "total_only" if has_total and not has_detail else "full"
    return Sentence("unit_detail", branch, {"unit": unit})


def winback_object(code: str) -> str:
    objects = templates()["winback_objects"]
    return objects.get(code, objects["_default"])


def winback(items: pd.DataFrame) -> list[Sentence]:
    """One sentence per indicator where points can be won back (see the scorecard model)."""
    out = []
    for rec in items.to_dict("records"):
        data = {**rec, "object": winback_object(rec["code"])}
        if not _missing(rec.get("need_count")):
            branch = "count"
        elif not _missing(rec.get("gap")):
            branch = "rate"
        else:
            branch = "no_base"
        out.append(Sentence("unit_winback", branch, data))
    return out


def winback_intro(n: int, scored: bool) -> Sentence | None:
    """The line above the win-back list; 'none' when every scored indicator is at its maximum,
    None when the unit has no indicator points at all."""
    if not scored:
        return None
    if n == 0:
        return Sentence("unit_winback_intro", "none", {"n": n})
    return Sentence("unit_winback_intro", "one" if n == 1 else "some", {"n": n})


def overdue(unit: str, count: float | None, day: dt.date | None) -> Sentence | None:
    """Overdue dossiers of the unit where the store counts them (None: no count at all)."""
    if count is None:
        return None
    branch = "some" if not _missing(count) and count > 0 else "none"
    n = 0 if _missing(count) else int(count)
    return Sentence("unit_overdue", branch, {"unit": unit, "n": n, "day": day})


def trend(frame: pd.DataFrame) -> Sentence:
    """Highest and lowest total, best rank over the trend (at least three periods)."""
    has = frame[frame["total"].notna()]
    if len(has) < 3:
        return Sentence("unit_trend", "short", {"n": len(has)})
    hi = has.loc[has["total"].astype(float).idxmax()]
    lo = has.loc[has["total"].astype(float).idxmin()]
    ranked = has[has["rank"].notna()]
    best = ranked.loc[ranked["rank"].astype(float).idxmin()] if len(ranked) else hi
    return Sentence(
        "unit_trend",
        "some",
        {
            "n": len(has),
            "high": hi["total"],
            "high_label": hi["label"],
            "low": lo["total"],
            "low_label": lo["label"],
            "best_rank": None if _missing(best["rank"]) else int(best["rank"]),
            "best_of": None if _missing(best["of"]) else int(best["of"]),
            "best_label": best["label"],
        },
    )


__all__ = [
    "class_change",
    "detail",
    "overdue",
    "peers",
    "position",
    "rank",
    "total",
    "trend",
    "winback",
    "winback_intro",
    "winback_object",
]

"""Facts for commentary, computed from tidy frames: each function returns Sentence objects.

Nothing here formats numbers or words a sentence: that is the templates' job.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from chiso766.commentary.phrase import Sentence, load_recommendations, templates
from chiso766.compute.compare import FELL, GONE, HELD_MAX, NEW, NO_DATA, ROSE, UNCHANGED, movers
from chiso766.compute.units import LEVELS
from chiso766.methodology import ClassBand


def level_noun(level: str) -> str:
    """'cơ quan', 'UBND cấp huyện', 'UBND cấp xã'."""
    return templates()["levels"][level]["noun"]


def _missing(x) -> bool:
    return x is None or pd.isna(x)


def _count_branch(n: int, total: int, has_one: bool = True) -> str:
    if n == 0:
        return "none"
    if n == total and total > 1:
        return "all"
    if n == 1 and has_one:
        return "one"
    return "some"


def _names(values) -> str:
    return "; ".join(str(v) for v in values)


def _and(values) -> str:
    """'A', 'A và B', 'A, B và C'."""
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " và " + values[-1]


def source(taken_at: dt.datetime | None, day: dt.date | None, period_label: str) -> Sentence:
    """Where the numbers come from and when they were taken."""
    if taken_at is not None and not _missing(taken_at):
        return Sentence("source", "with_time", {"taken_at": taken_at})
    if day is not None:
        return Sentence("source", "date_only", {"day": day})
    return Sentence("source", "period_only", {"period_label": period_label})


def headline_total(
    unit: str, total, klass, old_total, compare_phrase: str | None, period_label: str
) -> Sentence:
    """The province's total and its change in points."""
    data = {
        "unit": unit,
        "total": total,
        "klass": klass,
        "old_total": old_total,
        "compare_phrase": compare_phrase or "",
        "period_label": period_label,
    }
    if _missing(total):
        return Sentence("headline_total", "missing", data)
    if compare_phrase is None or _missing(old_total):
        return Sentence("headline_total", "first", data)
    delta = round(float(total) - float(old_total), 2)
    data["delta"] = delta
    branch = "rise" if delta > 0 else "fall" if delta < 0 else "unchanged"
    return Sentence("headline_total", branch, data)


def headline_rank(
    unit: str, rank, of, old_rank, old_of, compare_phrase: str | None, period_label: str
) -> Sentence:
    """The national rank ('xếp hạng 20/63 …, giảm 12 bậc so với …')."""
    data = {
        "unit": unit,
        "rank": rank,
        "of": of,
        "old_rank": old_rank,
        "old_of": old_of,
        "compare_phrase": compare_phrase or "",
        "period_label": period_label,
    }
    if _missing(rank):
        return Sentence("headline_rank", "missing", data)
    if compare_phrase is None or _missing(old_rank):
        return Sentence("headline_rank", "first", data)
    change = int(old_rank) - int(rank)
    data["change"] = change
    branch = "rise" if change > 0 else "fall" if change < 0 else "unchanged"
    return Sentence("headline_rank", branch, data)


def group_ranks(items: list[dict]) -> Sentence:
    """National ranks on single groups: items of {name, rank, of}."""
    items = [i for i in items if not _missing(i.get("rank"))]
    return Sentence("group_ranks", "some" if items else "none", {"items": items})


def indicator_sentences(comparison: pd.DataFrame, period_label: str = "") -> list[Sentence]:
    """Indicators that fell, rose, held at 100%, stayed, or lack data — biggest movers first.

    ``comparison`` comes from :func:`chiso766.compute.compare.compare_values`, with a
    ``name`` column.
    """
    if comparison["old"].isna().all() and len(comparison):
        return [Sentence("ind_first", "some", {"period_label": period_label})]
    total = len(comparison)
    out = []
    for kind, status in (
        ("ind_fell", FELL),
        ("ind_rose", ROSE),
        ("ind_held_max", HELD_MAX),
        ("ind_unchanged", UNCHANGED),
    ):
        sel = movers(comparison, status)
        items = sel[["name", "old", "new", "delta"]].to_dict("records")
        out.append(
            Sentence(kind, _count_branch(len(items), total), {"n": len(items), "items": items})
        )
    lacking = comparison[comparison["status"].isin([NO_DATA, NEW, GONE])]
    items = lacking[["name"]].to_dict("records")
    out.append(
        Sentence("ind_no_data", _count_branch(len(items), total), {"n": len(items), "items": items})
    )
    return out


def class_counts(units: pd.DataFrame, bands: tuple[ClassBand, ...], level: str) -> list[Sentence]:
    """'Có 02/17 cơ quan xếp loại Tốt' for every band (units with a class only)."""
    classed = units[units["class"].notna()]
    of = len(classed)
    out = []
    for band in bands:
        n = int((classed["class"] == band.name).sum())
        branch = "none" if n == 0 else "all" if n == of and of > 1 else "some"
        out.append(
            Sentence(
                "class_count",
                branch,
                {"n": n, "of": of, "noun": level_noun(level), "klass": band.name},
            )
        )
    return out


def top_bottom(units: pd.DataFrame, level: str) -> Sentence:
    """Who leads and who is last (ties named together)."""
    has = units[units["total"].notna()].copy()
    has["total"] = has["total"].astype(float).round(2)
    noun = level_noun(level)
    if has.empty:
        return Sentence("top_bottom", "none", {"noun": noun})
    best, worst = has["total"].max(), has["total"].min()
    firsts = has[has["total"] == best]["unit"].tolist()
    lasts = has[has["total"] == worst]["unit"].tolist()
    data = {
        "first": _and(firsts),
        "first_total": best,
        "last": _and(lasts),
        "last_total": worst,
        "n": len(has),
        "noun": noun,
    }
    if len(has) == 1:
        return Sentence("top_bottom", "single", data)
    if best == worst:
        return Sentence("top_bottom", "all_tied", data)
    if len(firsts) > 1 and len(lasts) > 1:
        return Sentence("top_bottom", "tie_both", data)
    if len(firsts) > 1:
        return Sentence("top_bottom", "tie_top", data)
    if len(lasts) > 1:
        return Sentence("top_bottom", "tie_bottom", data)
    return Sentence("top_bottom", "normal", data)


def moves(comparison: pd.DataFrame, level: str, compare_label: str | None) -> Sentence:
    """How many units rose and fell, and the biggest of each."""
    noun = level_noun(level)
    if compare_label is None:
        return Sentence("moves", "first", {})
    both = comparison[comparison["status"].isin([ROSE, FELL, UNCHANGED, HELD_MAX])]
    rose, fell = movers(both, ROSE), movers(both, FELL)
    same = int(both["status"].isin([UNCHANGED, HELD_MAX]).sum())
    data = {
        "noun": noun,
        "compare_label": compare_label,
        "rose": len(rose),
        "fell": len(fell),
        "same": same,
    }
    if len(rose):
        data.update(top_rise=rose["unit"].iloc[0], top_rise_delta=rose["delta"].iloc[0])
    if len(fell):
        data.update(top_fall=fell["unit"].iloc[0], top_fall_delta=fell["delta"].iloc[0])
    if both.empty:
        return Sentence("moves", "first", data)
    if len(both) == 1:
        branch = "one_rose" if len(rose) else "one_fell" if len(fell) else "unchanged"
    elif len(rose) and len(fell):
        branch = "mixed"
    elif len(rose):
        branch = "all_rose" if same == 0 else "rose_only"
    elif len(fell):
        branch = "all_fell" if same == 0 else "fell_only"
    else:
        branch = "unchanged"
    return Sentence("moves", branch, data)


def ties(units: pd.DataFrame, level: str) -> list[Sentence]:
    """Units sharing a rank ('… cùng đạt 86,03 điểm, đồng xếp hạng 04/11')."""
    has = units[units["rank"].notna()]
    out = []
    for rank, grp in has.groupby("rank", sort=True):
        if len(grp) > 1:
            out.append(
                Sentence(
                    "ties",
                    "some",
                    {
                        "names": _and(grp["unit"]),
                        "total": grp["total"].iloc[0],
                        "rank": int(rank),
                        "of": int(grp["of"].iloc[0]),
                        "noun": level_noun(level),
                    },
                )
            )
    return out or [Sentence("ties", "none", {})]


def no_data(units: pd.DataFrame, level: str) -> Sentence:
    """Units the source reports no data for ('Hệ thống không thông báo dữ liệu'): listed,
    never ranked. Units whose total is missing for another reason are :func:`incomplete`."""
    names = units[units["total"].isna() & _has_note(units)]["unit"].tolist()
    branch = "none" if not names else "one" if len(names) == 1 else "some"
    return Sentence(
        "no_data",
        branch,
        {"n": len(names), "names": _names(names), "noun": level_noun(level)},
    )


def incomplete(units: pd.DataFrame, level: str) -> Sentence:
    """Units with some values but not enough for a total (e.g. a group missing): unranked."""
    names = units[units["total"].isna() & ~_has_note(units)]["unit"].tolist()
    branch = "none" if not names else "one" if len(names) == 1 else "some"
    return Sentence(
        "incomplete",
        branch,
        {"n": len(names), "names": _names(names), "noun": level_noun(level)},
    )


def _has_note(units: pd.DataFrame) -> pd.Series:
    if "note" not in units:
        return pd.Series(True, index=units.index)
    return units["note"].notna() & (units["note"].astype(str).str.strip() != "")


def new_and_gone(comparison: pd.DataFrame, level: str, compare_label: str | None) -> list[Sentence]:
    """Units present now but not in the comparison snapshot, and the reverse."""
    if compare_label is None:
        return [Sentence("new_units", "none", {}), Sentence("gone_units", "none", {})]
    out = []
    for kind, status in (("new_units", NEW), ("gone_units", GONE)):
        names = comparison[comparison["status"] == status]["unit"].tolist()
        out.append(
            Sentence(
                kind,
                "some" if names else "none",
                {
                    "n": len(names),
                    "names": _names(names),
                    "noun": level_noun(level),
                    "compare_label": compare_label,
                },
            )
        )
    return out


def renamed(pairs: list[dict], level: str, compare_label: str | None) -> Sentence:
    """Units renamed since the comparison (followed, not reported as new and gone)."""
    if compare_label is None or not pairs:
        return Sentence("renamed", "none", {})
    return Sentence(
        "renamed",
        "some",
        {
            "n": len(pairs),
            "items": pairs,
            "noun": level_noun(level),
            "compare_label": compare_label,
        },
    )


def overdue(counts: pd.DataFrame, day: dt.date | None = None) -> Sentence:
    """Overdue dossiers per unit, grouped by level, most first. counts: unit, level, value."""
    has = counts[counts["value"].fillna(0) > 0]
    if has.empty:
        return Sentence("overdue", "none", {})
    groups = []
    heads = templates()["levels"]
    order = {lv: i for i, lv in enumerate(LEVELS)}
    has = has.assign(_o=has["level"].map(order).fillna(len(order)))
    for level, grp in has.sort_values("_o", kind="stable").groupby("level", sort=False):
        grp = grp.sort_values("value", ascending=False, kind="stable")
        heading = heads.get(level, {}).get("heading", "Đơn vị khác")
        groups.append(
            {
                "heading": heading,
                "units": [
                    {"unit": u, "count": int(v)}
                    for u, v in zip(grp["unit"], grp["value"], strict=True)
                ],
            }
        )
    return Sentence("overdue", "some", {"groups": groups, "day": day})


def weakest(indicators: pd.DataFrame, n: int = 3) -> Sentence:
    """The indicators that lose the most points (name, points, max)."""
    has = indicators[indicators["points"].notna() & indicators["max"].notna()].copy()
    has["lost"] = has["max"] - has["points"]
    has = has[has["lost"] > 0.005].sort_values("lost", ascending=False, kind="stable").head(n)
    items = has[["name", "points", "max"]].to_dict("records")
    return Sentence("weakest", "some" if items else "none", {"items": items})


def fallers(comparison: pd.DataFrame, n: int = 3) -> Sentence:
    """Units that fell most."""
    items = movers(comparison, FELL).head(n)[["unit", "delta"]].to_dict("records")
    return Sentence("fallers", "some" if items else "none", {"items": items})


def recommendations(codes: list[str]) -> list[str]:
    """Recommendation texts for the given indicator/group codes (in order, no repeats)."""
    catalogue = load_recommendations()
    out: list[str] = []
    for code in codes:
        for text in catalogue.get(code, ()):
            if text not in out:
                out.append(text)
    for text in catalogue.get("always", ()):
        if text not in out:
            out.append(text)
    return out

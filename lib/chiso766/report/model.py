"""The province announcement as data: every table and fact a report shows, computed purely.

Input: measures frames (from the store or a file) and the chosen snapshots; output: a
:class:`ProvinceReport` that notebooks display and renderers lay out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from chiso766.commentary import Sentence
from chiso766.commentary import facts as F
from chiso766.compute.compare import FELL, compare_values, movers
from chiso766.compute.periods import Period, parse_period
from chiso766.compute.ranking import (
    add_classes,
    classify,
    rank_change,
    rank_within,
    sort_for_display,
)
from chiso766.compute.scoring import Scores, score_snapshot
from chiso766.compute.textnorm import fold_words
from chiso766.compute.units import COMMUNE, DEPARTMENT, DISTRICT, PROVINCE, name_key
from chiso766.methodology import Catalogue, ClassBand, load_bands, load_catalogue, version_for_date
from chiso766.report.selection import Selection
from chiso766.report.trend import trend_frame, trend_snapshots

REPORT_LEVELS = (DEPARTMENT, DISTRICT, COMMUNE)


@dataclass
class LevelSection:
    """One level's table (both snapshots, change, class, rank), appendix and sentences."""

    level: str
    heading: str
    table: pd.DataFrame
    appendix: pd.DataFrame
    counts: pd.DataFrame
    sentences: list[Sentence]


@dataclass
class ProvinceReport:
    """Everything a province announcement says for one period."""

    period: Period
    selection: Selection
    province: str
    province_id: str | None
    methodology: str
    compare_label: str | None
    headline: dict
    groups: pd.DataFrame
    indicators: pd.DataFrame
    levels: list[LevelSection]
    trend: pd.DataFrame
    points_lost: pd.DataFrame
    overdue: pd.DataFrame
    sentences: dict[str, list[Sentence]]
    recommendations: list[str]
    bands: tuple[ClassBand, ...]
    notes: list[str] = field(default_factory=list)
    dossiers: object | None = None  # DossierSections where the store has dossier records
    provisional: bool = False  # the period had not ended when its data was taken
    taken: str = ""  # the date of the data: "17/11/2026"
    demo: bool = False  # the data is the synthetic demo's

    def text(self, section: str) -> list[str]:
        """The non-empty sentences of a section, phrased."""
        return [t for t in (s.text for s in self.sentences.get(section, [])) if t]


def catalogue_for(snapshot: str, snapshots: pd.DataFrame, methodology: str = "auto") -> Catalogue:
    """The catalogue a snapshot is scored with: asked, else as stored, else by its date."""
    if methodology != "auto":
        return load_catalogue(methodology)
    row = snapshots[snapshots["snapshot"] == snapshot]
    stored = row["methodology"].iloc[0] if len(row) and "methodology" in row else None
    if isinstance(stored, str) and stored:
        return load_catalogue(stored)
    return load_catalogue(version_for_date(parse_period(snapshot).end))


def pick_province(measures: pd.DataFrame, province: str | None = None) -> tuple[str | None, str]:
    """The report's province: the one asked (id or name), else the one with the most values."""
    prov = measures[measures["level"] == PROVINCE]
    if province:
        # identity keeps tone marks (as unit ids do); without them a name is only suggested
        want = name_key(province)
        keys = prov["unit"].map(name_key)
        hit = prov[(prov["unit_id"] == province) | (keys == want) | keys.str.endswith("-" + want)]
        if hit.empty:
            folded = prov[prov["unit"].map(fold_words).str.endswith(fold_words(province))]
            hint = f" (did you mean {folded['unit'].iloc[0]}?)" if len(folded) else ""
            raise LookupError(f"province '{province}' is not in the data{hint}")
        return hit["unit_id"].iloc[0], hit["unit"].iloc[0]
    if prov.empty:
        return None, "Tỉnh"
    richest = prov[prov["scope"] != "total"] if (prov["scope"] != "total").any() else prov
    uid = richest["unit_id"].value_counts().idxmax()
    return uid, prov.loc[prov["unit_id"] == uid, "unit"].iloc[0]


def _score(measures: pd.DataFrame, key: str | None, snapshots, methodology) -> Scores | None:
    if key is None:
        return None
    rows = measures[
        (measures["snapshot"] == key) & measures["scope"].isin(["total", "group", "indicator"])
    ]
    if rows.empty:
        return None
    return score_snapshot(rows, catalogue_for(key, snapshots, methodology))


def _rank_rows(measures: pd.DataFrame, key: str | None, uid: str | None) -> pd.DataFrame:
    if key is None or uid is None:
        return measures.iloc[0:0]
    sel = measures[
        (measures["snapshot"] == key) & (measures["unit_id"] == uid) & (measures["scope"] == "rank")
    ]
    return sel


def _unit_frame(scores: Scores | None, level: str, bands) -> pd.DataFrame:
    cols = ["unit_id", "unit", "level", "total", "note"]
    if scores is None:
        return pd.DataFrame(columns=cols + ["class", "rank", "of"])
    units = scores.units[scores.units["level"] == level][cols]
    return rank_within(add_classes(units, bands), by=None)


def build_province_report(
    measures: pd.DataFrame,
    snapshots: pd.DataFrame,
    selection: Selection,
    *,
    province: str | None = None,
    methodology: str = "auto",
    bands: tuple[ClassBand, ...] | None = None,
    trend_measures: pd.DataFrame | None = None,
    overdue_measures: pd.DataFrame | None = None,
    source_warnings: tuple[str, ...] = (),
    rank_source: str | None = None,
    unit_links: dict[str, str] | None = None,
    today: dt.date | None = None,
    demo: bool = False,
) -> ProvinceReport:
    """Compute every table and sentence of the province announcement for ``selection``;
    ``today`` (the day the report is made) marks a period not yet ended as provisional."""
    bands = bands or load_bands()
    period = selection.period
    cur_key, cmp_key, year_key = selection.current, selection.compare, selection.previous_year
    cur_rows = measures[measures["snapshot"] == cur_key]
    uid, prov_name = pick_province(cur_rows if len(cur_rows) else measures, province)
    cat = catalogue_for(cur_key, snapshots, methodology)
    cur = _score(measures, cur_key, snapshots, methodology)
    old = _score(measures, cmp_key, snapshots, methodology)
    year = _score(measures, year_key, snapshots, methodology)
    compare_label = _compare_label(cmp_key, selection.compare_period, period)
    compare_phrase = f"so với {compare_label}" if compare_label else None

    headline = _headline(cur, old, uid, measures, cur_key, cmp_key, cat, bands)
    headline["rank_source"] = rank_source
    groups = _groups_table(cur, old, uid, cat)
    rates = {
        g: round(100.0 * p / m, 2)
        for g, p, m in zip(groups["group"], groups["new"], groups["max"], strict=True)
        if pd.notna(p) and m
    }
    for item in headline["group_ranks"]:
        item["rate"] = rates.get(item["code"])
    sentences: dict[str, list[Sentence]] = {"headline": [], "indicators": [], "problems": []}
    snap_row = snapshots[snapshots["snapshot"] == cur_key]
    taken_at = snap_row["taken_at"].iloc[0] if len(snap_row) else None
    taken_at = None if taken_at is None or pd.isna(taken_at) else pd.Timestamp(taken_at)
    cur_period = parse_period(cur_key)
    day = cur_period.end if cur_period.kind == "day" else None
    sentences["headline"] += [
        F.source(taken_at.to_pydatetime() if taken_at is not None else None, day, period.label_vi),
        F.headline_total(
            prov_name,
            headline["total"],
            headline["class"],
            headline["old_total"],
            compare_phrase,
            period.label_vi,
        ),
        F.headline_rank(
            prov_name,
            headline["rank"],
            headline["of"],
            headline["old_rank"],
            headline["old_of"],
            compare_phrase,
            period.label_vi,
        ),
        F.group_ranks(headline["group_ranks"]),
    ]

    indicators = _indicators_table(cur, old, year, uid, cat, cur_rows)
    if len(indicators):
        sentences["indicators"] = F.indicator_sentences(indicators, period.label_vi)

    levels = []
    all_cmp = []
    for level in REPORT_LEVELS:
        section, cmp = _level_section(cur, old, level, bands, compare_label, cat, unit_links)
        if section is not None:
            levels.append(section)
            all_cmp.append(cmp)
    if levels and DISTRICT not in {s.level for s in levels}:  # after the 2025 mergers
        for section in levels:
            if section.level == COMMUNE:
                section.heading = F.templates()["levels"]["commune_merged"]["title"]

    points_lost = _points_lost(cur, uid)
    sentences["problems"].append(F.weakest(points_lost.rename(columns={"lost": "_l"})))
    fell = pd.concat(all_cmp) if all_cmp else pd.DataFrame(columns=["unit", "delta", "status"])
    sentences["problems"].append(F.fallers(fell, n=5))
    overdue = _overdue(overdue_measures, period)
    if len(overdue):
        day_od = parse_period(overdue["snapshot"].iloc[0]).end
        sentences["problems"].append(F.overdue(overdue, day_od))
    codes = points_lost.head(3)["code"].tolist()
    if len(indicators):
        codes += movers(indicators, FELL)["code"].head(3).tolist()
    notes = _notes(measures, cur_key, snapshots, list(source_warnings))
    flagged = bool(len(snap_row)) and bool(snap_row["provisional"].fillna(False).iloc[0]) \
        if "provisional" in snap_row else False  # fmt: skip
    provisional = flagged or (today is not None and period.end >= today)
    return ProvinceReport(
        period=period,
        selection=selection,
        province=prov_name,
        province_id=uid,
        methodology=cat.version,
        compare_label=compare_label,
        headline=headline,
        groups=groups,
        indicators=indicators,
        levels=levels,
        trend=_trend(trend_measures, uid, cur_key, snapshots, methodology, period.kind),
        points_lost=points_lost,
        overdue=overdue,
        sentences=sentences,
        recommendations=F.recommendations(codes),
        bands=bands,
        notes=notes,
        provisional=provisional,
        taken=_day_text(cur_key),
        demo=demo,
    )


def _day_text(key: str) -> str:
    """'17/11/2026' for a day snapshot; a period snapshot's last day."""
    p = parse_period(key)
    return f"{p.end.day:02d}/{p.end.month}/{p.end.year}"


def _compare_label(key: str | None, previous: Period | None, period: Period) -> str | None:
    """'tháng 10/2023' when comparing with the previous period of the same kind (a week,
    month, quarter …), else the snapshot itself: 'kết quả ngày 27/3/2025'."""
    if key is None:
        return None
    if previous is not None and previous.kind == period.kind and period.kind != "day":
        return previous.label_vi
    p = parse_period(key)
    return f"kết quả {p.label_vi}" if p.kind == "day" else p.label_vi


def _headline(cur, old, uid, measures, cur_key, cmp_key, cat, bands) -> dict:
    def total_of(scores):
        if scores is None or uid is None:
            return float("nan")
        sel = scores.units[scores.units["unit_id"] == uid]["total"]
        return float(sel.iloc[0]) if len(sel) else float("nan")

    total, old_total = total_of(cur), total_of(old)
    ranks = _rank_rows(measures, cur_key, uid)
    old_ranks = _rank_rows(measures, cmp_key, uid)

    def rank_of(frame, code="total"):
        sel = frame[frame["code"] == code]
        if sel.empty or pd.isna(sel["value"].iloc[0]):
            return None, None
        of = sel["denominator"].iloc[0]
        return int(sel["value"].iloc[0]), (None if pd.isna(of) else int(of))

    rank, of = rank_of(ranks)
    old_rank, old_of = rank_of(old_ranks)
    group_ranks = []
    for g in cat.groups:
        r, o = rank_of(ranks, g.code)
        if r is not None:
            group_ranks.append({"code": g.code, "name": g.name, "rank": r, "of": o})
    return {
        "total": total,
        "class": classify(total, bands),
        "old_total": old_total,
        "delta": round(total - old_total, 2)
        if pd.notna(total) and pd.notna(old_total)
        else float("nan"),
        "rank": rank,
        "of": of,
        "old_rank": old_rank,
        "old_of": old_of,
        "rank_change": rank_change(old_rank, rank),
        "group_ranks": group_ranks,
    }


def _groups_table(cur, old, uid, cat: Catalogue) -> pd.DataFrame:
    if cur is None or uid is None:
        return pd.DataFrame(columns=["group", "name", "max", "old", "new", "delta", "status"])
    new = cur.groups[cur.groups["unit_id"] == uid]
    prev = old.groups[old.groups["unit_id"] == uid] if old is not None else new.iloc[0:0]
    out = compare_values(prev, new, key="group", value="points", maximum="max", carry=("name",))
    order = {g.code: i for i, g in enumerate(cat.groups)}
    out["_o"] = out["group"].map(order).fillna(99)
    return out.sort_values("_o").drop(columns="_o").reset_index(drop=True)


def _indicators_table(cur, old, year, uid, cat: Catalogue, rows: pd.DataFrame) -> pd.DataFrame:
    """The province's indicators over three snapshots, in the source's order and wording."""
    cols = ["code", "number", "name", "year", "old", "new", "delta", "status", "points", "max"]
    if cur is None or uid is None:
        return pd.DataFrame(columns=cols)
    new = cur.indicators[cur.indicators["unit_id"] == uid]
    if new.empty:
        return pd.DataFrame(columns=cols)
    prev = old.indicators[old.indicators["unit_id"] == uid] if old is not None else new.iloc[0:0]
    out = compare_values(
        prev,
        new,
        key="code",
        value="ratio",
        maximum=100.0,
        carry=("number", "name", "points", "max", "tracked"),
    )
    if year is not None:
        y = year.indicators[year.indicators["unit_id"] == uid].set_index("code")["ratio"]
        out["year"] = out["code"].map(y)
    else:
        out["year"] = float("nan")
    own = rows[(rows["unit_id"] == uid) & (rows["scope"] == "indicator")]
    if "label" in own:
        labels = own.dropna(subset=["label"]).drop_duplicates("code").set_index("code")["label"]
        mapped = out["code"].map(labels.astype(object)).astype(object)
        out["name"] = mapped.where(mapped.notna(), out["name"].astype(object))
    source_order = {c: i for i, c in enumerate(dict.fromkeys(own["code"]))}
    catalogue_order = {c: i for i, c in enumerate(cat.indicators)}
    out["_s"] = out["code"].map(source_order).fillna(len(source_order))
    out["_c"] = out["code"].map(catalogue_order).fillna(len(catalogue_order))
    out = out.sort_values(["_s", "_c", "name"], kind="stable").drop(columns=["_s", "_c"])
    return out[cols].reset_index(drop=True)


def _level_section(cur, old, level, bands, compare_label, cat, links=None):
    new = _unit_frame(cur, level, bands)
    prev = _unit_frame(old, level, bands)
    if new.empty and prev.empty:
        return None, None
    renamed = []
    if links and len(prev):
        now = dict(zip(new["unit_id"], new["unit"], strict=True))
        for old_id, old_name in zip(prev["unit_id"], prev["unit"], strict=True):
            if links.get(old_id) in now:
                renamed.append({"old": old_name, "new": now[links[old_id]]})
        prev = prev.assign(unit_id=prev["unit_id"].map(lambda u: links.get(u, u)))
        prev = prev.drop_duplicates("unit_id", keep="last")
    cmp = compare_values(prev, new, key="unit_id", value="total", carry=("unit", "level"))
    info = new.set_index("unit_id")
    cmp["class"] = cmp["unit_id"].map(info["class"]) if len(info) else None
    cmp["of"] = cmp["unit_id"].map(info["of"]) if len(info) else None
    cmp["note"] = cmp["unit_id"].map(info["note"]) if len(info) else None
    cmp = cmp.rename(columns={"new": "total", "new_rank": "rank"})
    table = sort_for_display(cmp, value="total", name="unit").reset_index(drop=True)
    present = table[table["status"] != "gone"]
    sentences = [F.top_bottom(present, level)]
    sentences += F.class_counts(new, bands, level)
    sentences.append(F.moves(cmp.rename(columns={"total": "new"}), level, compare_label))
    sentences += F.ties(present.rename(columns={}), level)
    sentences.append(F.no_data(present, level))
    sentences.append(F.incomplete(present, level))
    sentences += F.new_and_gone(cmp, level, compare_label)
    sentences.append(F.renamed(renamed, level, compare_label))
    appendix = _appendix(cur, new, cat)
    counts = pd.DataFrame(
        [
            {
                "class": b.name,
                "count": int((new["class"] == b.name).sum()),
                "of": int(new["class"].notna().sum()),
            }
            for b in bands
        ]
    )
    heading = F.templates()["levels"][level]["title"]
    return LevelSection(level, heading, table, appendix, counts, sentences), cmp


def _appendix(cur: Scores | None, units: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    if cur is None or units.empty:
        return pd.DataFrame()
    g = cur.groups[cur.groups["unit_id"].isin(units["unit_id"])]
    wide = g.pivot_table(
        index="unit_id", columns="name", values="points", aggfunc="first", dropna=False
    )
    wide = wide.reindex(columns=[gr.name for gr in cat.groups])
    out = units[["unit_id", "unit", "total", "class", "rank", "of"]].merge(
        wide, left_on="unit_id", right_index=True, how="left"
    )
    return sort_for_display(out).reset_index(drop=True)


def _points_lost(cur: Scores | None, uid: str | None) -> pd.DataFrame:
    cols = ["code", "name", "points", "max", "lost"]
    if cur is None or uid is None:
        return pd.DataFrame(columns=cols)
    ind = cur.indicators[
        (cur.indicators["unit_id"] == uid)
        & ~cur.indicators["tracked"]
        & cur.indicators["points"].notna()
    ].copy()
    if ind.empty:
        return pd.DataFrame(columns=cols)
    ind["lost"] = (ind["max"] - ind["points"]).round(2)
    return ind.sort_values("lost", ascending=False, kind="stable")[cols].reset_index(drop=True)


def _overdue(frame: pd.DataFrame | None, period: Period) -> pd.DataFrame:
    cols = ["snapshot", "unit", "level", "value"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=cols)
    frame = frame[(frame["scope"] == "count") & (frame["code"] == "overdue")]
    keys = [k for k in frame["snapshot"].unique() if period.contains_period(parse_period(k))]
    if not keys:
        return pd.DataFrame(columns=cols)
    latest = max(keys, key=lambda k: parse_period(k).end)
    return frame[frame["snapshot"] == latest][cols].reset_index(drop=True)


def _trend(frame, uid, cur_key, snapshots, methodology, kind: str) -> pd.DataFrame:
    """The province's total and national rank for each period of the report's kind (the
    period's own snapshot, else the latest inside it)."""
    cols = ["snapshot", "end", "label", "total", "rank", "of"]
    if frame is None or uid is None or frame.empty:
        return pd.DataFrame(columns=cols)
    frame = frame[frame["unit_id"] == uid]
    keep = trend_snapshots(sorted(frame["snapshot"].unique()), cur_key, kind)
    frame = frame[frame["snapshot"].isin(keep)]
    totals = _totals_by_snapshot(frame, snapshots, methodology)
    ranks = (
        frame[(frame["scope"] == "rank") & (frame["code"] == "total")]
        .drop_duplicates("snapshot")
        .set_index("snapshot")
    )
    out = trend_frame(keep, kind)
    out["total"] = out["snapshot"].map(totals).astype("float64")
    out["rank"] = out["snapshot"].map(ranks["value"]).astype("float64")
    out["of"] = out["snapshot"].map(ranks["denominator"]).astype("float64")
    return out[cols].sort_values("end").reset_index(drop=True)


def _totals_by_snapshot(frame: pd.DataFrame, snapshots, methodology) -> dict[str, float]:
    """One unit's total per snapshot, scored in one pass per catalogue (snapshots stacked as
    separate pseudo-units)."""
    scored = frame[frame["scope"].isin(["total", "group", "indicator"])]
    out: dict[str, float] = {}
    if scored.empty:
        return out
    versions = {k: catalogue_for(k, snapshots, methodology) for k in scored["snapshot"].unique()}
    for version in {c.version for c in versions.values()}:
        keys = [k for k, c in versions.items() if c.version == version]
        part = scored[scored["snapshot"].isin(keys)]
        stacked = part.assign(unit_id=part["snapshot"] + "|" + part["unit_id"], snapshot="*")
        units = score_snapshot(stacked, load_catalogue(version)).units
        out.update(zip(units["unit_id"].str.split("|").str[0], units["total"], strict=True))
    return out


def _notes(
    measures: pd.DataFrame, cur_key: str, snapshots: pd.DataFrame, source_warnings: list[str]
) -> list[str]:
    words = F.templates()["notes"]
    notes = []
    row = snapshots[snapshots["snapshot"] == cur_key]
    if len(row) and "provisional" in row and bool(row["provisional"].iloc[0]):
        notes.append(words["provisional_snapshot"])
    cur = measures[measures["snapshot"] == cur_key]
    flagged = cur[cur["flag"].notna()]
    for flag, grp in flagged.groupby("flag"):
        msg = grp["note"].dropna().iloc[0] if grp["note"].notna().any() else ""
        notes.append(
            words["flagged"].format(flag=flag, count=len(grp), message=f" — {msg}" if msg else "")
        )
    if "computed" in cur:
        pts = cur[(cur["kind"] == "points") & cur["computed"].notna() & cur["value"].notna()]
        differ = pts[(pts["value"] - pts["computed"]).abs() > 0.01 + 1e-9]
        if len(differ):
            notes.append(words["portal_scores"].format(count=len(differ), snapshot=cur_key))
    notes += [words["source_warning"].format(text=w) for w in source_warnings]
    return notes


__all__ = ["ProvinceReport", "LevelSection", "build_province_report", "dt"]

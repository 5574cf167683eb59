"""The announcement's XLSX tables as an analyst expects them (pure): a summary sheet first
(total, class, national rank and their changes, each group's points), the indicators, then a
sheet per level with STT, both snapshots, the change, class, rank and its change, and the
groups' points. Sheet names are whole words; empty columns are left out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from chiso766.commentary import templates

if TYPE_CHECKING:
    from chiso766.report.view import ReportView

SUMMARY = "Tổng hợp"
INDICATORS = "Chỉ số thành phần"


def _col(label: str, fallback: str) -> str:
    return label if label else fallback


def summary_table(view: ReportView) -> pd.DataFrame:
    """Rows: total, national rank, then each group; columns: max, before, now, change,
    class (numbers stay numbers)."""
    r, h = view.r, view.r.headline
    old, new = _col(view.cmp_label, "Kỳ so sánh"), _col(view.cur_label, "Kỳ này")
    rows = [
        {
            "Nội dung": "Tổng điểm",
            "Điểm tối đa": 100.0,
            old: h["old_total"],
            new: h["total"],
            "Tăng, giảm": h["delta"],
            "Xếp loại": h["class"],
        },
        {
            "Nội dung": "Xếp hạng toàn quốc" + (f" (trên {h['of']})" if h.get("of") else ""),
            "Điểm tối đa": None,
            old: h["old_rank"],
            new: h["rank"],
            "Tăng, giảm": h["rank_change"],
            "Xếp loại": None,
        },
    ]
    for g in r.groups.to_dict("records"):
        rows.append(
            {
                "Nội dung": f"Nhóm: {g['name']}",
                "Điểm tối đa": g["max"],
                old: g["old"],
                new: g["new"],
                "Tăng, giảm": g["delta"],
                "Xếp loại": None,
            }
        )
    out = pd.DataFrame(rows)
    for c in ("Điểm tối đa", old, new, "Tăng, giảm"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    if not view.cmp_label:
        out = out.drop(columns=[old, "Tăng, giảm"])
    out.insert(0, "STT", range(1, len(out) + 1))
    return out


def indicator_table(view: ReportView) -> pd.DataFrame:
    ind = view.r.indicators
    out = pd.DataFrame(
        {
            "STT": range(1, len(ind) + 1),
            "Mã": ind["number"].astype(object).to_numpy(),
            "Chỉ số": ind["name"].to_numpy(),
        }
    )
    for col, label in (
        ("year", view.year_label),
        ("old", view.cmp_label),
        ("new", view.cur_label),
    ):
        if label and ind[col].notna().any():
            out[f"{label} (%)"] = ind[col].astype("float64").to_numpy()
    if view.cmp_label and ind["delta"].notna().any():
        out["Tăng, giảm"] = ind["delta"].astype("float64").to_numpy()
    return out


def level_table(view: ReportView, section) -> pd.DataFrame:
    t = section.table[section.table["status"] != "gone"].reset_index(drop=True)
    out = pd.DataFrame({"STT": range(1, len(t) + 1), "Đơn vị": t["unit"].to_numpy()})
    if view.cmp_label:
        out[f"Điểm ({view.cmp_label})"] = t["old"].astype("float64").to_numpy()
    out[f"Điểm ({view.cur_label})"] = t["total"].astype("float64").to_numpy()
    if view.cmp_label:
        out["Tăng, giảm điểm"] = t["delta"].astype("float64").to_numpy()
    out["Xếp loại"] = t["class"].astype(object).to_numpy()
    out["Xếp hạng"] = pd.array(t["rank"], dtype="Int64")
    out["Số đơn vị xếp hạng"] = pd.array(t["of"], dtype="Int64")
    if view.cmp_label and "rank_change" in t:
        out["Thay đổi thứ hạng"] = pd.array(t["rank_change"], dtype="Int64")
    groups = section.appendix
    if len(groups):
        names = [c for c in groups.columns if c not in
                 ("unit_id", "unit", "total", "class", "rank", "of")]  # fmt: skip
        by_id = groups.set_index("unit_id")
        for g in names:
            out[g] = t["unit_id"].map(by_id[g]).astype("float64").to_numpy()
    if "note" in t:
        notes = t["note"].astype(object).where(t["note"].notna(), None)
        if notes.notna().any():
            out["Ghi chú"] = notes.to_numpy()
    return out.dropna(axis=1, how="all")


def workbook_tables(view: ReportView) -> dict[str, pd.DataFrame]:
    """Sheet name → table, the summary first."""
    out = {SUMMARY: summary_table(view)}
    if len(view.r.indicators):
        out[INDICATORS] = indicator_table(view)
    levels = templates()["levels"]
    for section in view.r.levels:
        name = levels.get(section.level, {}).get("heading", section.heading)
        out[name] = level_table(view, section)
    return out


def workbook_meta(view: ReportView, title: str = "") -> dict[str, object]:
    """Document properties and the notes printed under the summary."""
    r = view.r
    notes = list(view.notice())
    return {
        "title": title or r.province,
        "subject": view.w["subject"].format(period=r.period.label_vi),
        "province": r.province,
        "period": r.period.label_vi,
        "taken": r.taken,
        "provisional": r.provisional,
        "demo": r.demo,
        "notes": notes,
    }


__all__ = ["INDICATORS", "SUMMARY", "workbook_meta", "workbook_tables"]

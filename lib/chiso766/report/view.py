"""Lay a ProvinceReport out as document blocks (:mod:`chiso766.report.document`), escaped HTML
fragments, figures and XLSX tables.

The blocks are what both the HTML page and the DOCX print; the HTML methods render them.
Nothing here computes a score.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from chiso766.commentary import templates
from chiso766.compute.periods import parse_period
from chiso766.formatting import fmt_number, fmt_points_change, fmt_rank, fmt_rank_change, fmt_signed
from chiso766.methodology import load_catalogue
from chiso766.privacy import mask_frame, mask_text
from chiso766.report import charts
from chiso766.report.document import Block, Bullets, Figure, Heading, Html, Para, Table
from chiso766.report.document_html import blocks_html
from chiso766.report.model import LevelSection, ProvinceReport
from chiso766.report.tables import table_block
from chiso766.report.tables import table_html as _table_html

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
NO_DATA_TEXT = "Hệ thống không thông báo dữ liệu"
INCOMPLETE_TEXT = "Chưa đủ số liệu"


def snapshot_label(key: str | None) -> str:
    """'08/4/2025' for a day snapshot, 'tháng 10/2026' for a period snapshot."""
    if not key:
        return ""
    p = parse_period(key)
    return f"{p.end.day:02d}/{p.end.month}/{p.end.year}" if p.kind == "day" else p.label_vi


def table_html(frame: pd.DataFrame, *args, **kwargs) -> str:
    """An escaped table of ``frame`` with citizens' personal data masked (shared reports)."""
    return _table_html(mask_frame(frame), *args, **kwargs)


def masked_table(frame: pd.DataFrame, *args, **kwargs) -> Table:
    """A printed table of ``frame`` with citizens' personal data masked."""
    return table_block(mask_frame(frame), *args, **kwargs)


def _texts(texts: list[str]) -> list[str]:
    return [mask_text(t) for t in texts if t]


def _figure(chart: charts.Chart | None) -> list[Block]:
    if chart is None:
        return []
    return [Figure(str(chart.svg), chart.width, chart.height, chart.title)]


def words() -> dict:
    """The announcement's fixed wording (templates.yaml, ``announcement``)."""
    return templates()["announcement"]


class ReportView:
    """Blocks and HTML sections of one province report."""

    def __init__(self, report: ProvinceReport):
        self.r = report
        sel = report.selection
        self.cur_label = snapshot_label(sel.current)
        self.cmp_label = snapshot_label(sel.compare)
        self.year_label = snapshot_label(sel.previous_year)
        self.w = words()

    # -- notes under the title ---------------------------------------------------------------
    def notice(self) -> list[str]:
        """Provisional data, the methodology and the demo note: lines under the title."""
        r, out = self.r, []
        if r.provisional:
            out.append(self.w["provisional"].format(period=r.period.label_vi, taken=r.taken))
        if r.demo:
            from chiso766.demo import SYNTHETIC_NOTE_VI

            out.append(SYNTHETIC_NOTE_VI)
        return out

    def methodology_title(self) -> str:
        try:
            return load_catalogue(self.r.methodology).title
        except Exception:  # noqa: BLE001 - an unknown id: say it as stored
            return self.r.methodology

    def title(self) -> Markup:
        """A plain title block (the announcement's own header is in document_html)."""
        r = self.r
        lines = [self.w["subject"].format(period=r.period.label_vi), *self.notice()]
        return Markup('<header class="report-title"><h1>{}</h1>{}</header>').format(
            self.w["kind_name"],
            Markup("".join(Markup("<p>{}</p>").format(t) for t in lines)),
        )

    # -- I. general ---------------------------------------------------------------------------
    def headline_blocks(self) -> list[Block]:
        r, h = self.r, self.r.headline
        cards = [
            ("Tổng điểm", fmt_number(h["total"]), fmt_points_change(h["delta"])),
            ("Xếp loại", h["class"] or "—", ""),
            ("Xếp hạng toàn quốc", fmt_rank(h["rank"], h["of"]), fmt_rank_change(h["rank_change"])),
        ]
        card_html = "".join(
            Markup(
                '<div class="card"><div class="card-label">{}</div>'
                '<div class="card-value">{}</div><div class="card-note">{}</div></div>'
            ).format(a, b, c)
            for a, b, c in cards
        )
        out: list[Block] = [
            Heading(self.w["sections"]["general"], 1),
            Html(str(Markup('<div class="cards screen-only">{}</div>').format(Markup(card_html)))),
        ]
        out += [Para(t) for t in _texts(r.text("headline"))]
        if h.get("rank_source"):
            out.append(Para(self.w["rank_source"].format(source=h["rank_source"]), "note"))
        if len(r.groups):
            out.append(
                masked_table(
                    r.groups,
                    {
                        "name": "Nhóm chỉ số",
                        "max": "Điểm tối đa",
                        "old": f"Điểm ({self.cmp_label})" if self.cmp_label else "Kỳ trước",
                        "new": f"Điểm ({self.cur_label})",
                        "delta": "Tăng, giảm",
                    },
                    {"delta": fmt_signed},
                    caption="Điểm theo nhóm chỉ số",
                    widths={"name": 4, "max": 1.5, "old": 2, "new": 2, "delta": 1.5},
                    css="groups",
                )
            )
        out += _figure(self.trend_figure())
        return out

    def headline(self) -> Markup:
        return blocks_html(self.headline_blocks())

    def trend_figure(self):
        t = self.r.trend
        if len(t) < 2:
            return None
        return charts.trend(t[["label", "total", "rank", "of"]])

    # -- II. indicators ----------------------------------------------------------------------
    def indicator_blocks(self) -> list[Block]:
        r = self.r
        head = Heading(self.w["sections"]["indicators"], 1)
        if r.indicators.empty:
            return [head, Para(self.w["no_indicators"])]
        t = r.indicators.reset_index(drop=True).copy()
        t.insert(0, "tt", range(1, len(t) + 1))
        cols = {"tt": "TT", "name": "Chỉ số"}
        widths = {"tt": 0.8, "name": 7}
        if self.year_label:
            cols["year"] = f"{self.year_label[0].upper()}{self.year_label[1:]} (%)"
        if self.cmp_label:
            cols["old"] = f"{self.cmp_label} (%)"
        cols["new"] = f"{self.cur_label} (%)"
        if self.cmp_label:
            cols["delta"] = "Tăng, giảm"
        widths.update({c: 1.7 for c in ("year", "old", "new", "delta")})
        table = masked_table(
            t,
            cols,
            {"tt": str, "delta": fmt_signed},
            caption="Các chỉ số thành phần của tỉnh",
            widths=widths,
            css="indicators",
        )
        out: list[Block] = [head, table]
        if r.compare_label:
            out.append(Para(self.w["compare_intro"].format(label=r.compare_label)))
        out.append(Bullets(_texts(r.text("indicators"))))
        out += _figure(self.points_lost_figure())
        return out

    def indicators(self) -> Markup:
        return blocks_html(self.indicator_blocks())

    def points_lost_figure(self):
        lost = self.r.points_lost
        if lost.empty:
            return None
        return charts.points_lost(lost[["name", "lost"]])

    # -- III. levels -------------------------------------------------------------------------
    def level_table(self, section: LevelSection) -> Table:
        t = section.table.copy()
        t = t[t["status"] != "gone"].reset_index(drop=True)
        t.insert(0, "stt", range(1, len(t) + 1))
        t["rank_text"] = [fmt_rank(a, b) for a, b in zip(t["rank"], t["of"], strict=True)]
        t["move"] = [fmt_rank_change(c) for c in t.get("rank_change", [None] * len(t))]
        cols = {"stt": "STT", "unit": "Đơn vị"}
        if self.cmp_label:
            cols["old"] = f"Điểm ({self.cmp_label})"
        cols["total"] = f"Điểm ({self.cur_label})"
        if self.cmp_label:
            cols["delta"] = "Tăng, giảm"
        cols.update({"class": "Xếp loại", "rank_text": "Xếp hạng"})
        if self.cmp_label:
            cols["move"] = "Thay đổi thứ hạng"
        # a unit absent from the comparison snapshot is new there ("—"), not "no data"
        t["old"] = [
            fmt_number(v) if pd.notna(v) else ("—" if st == "new" else NO_DATA_TEXT)
            for v, st in zip(t["old"], t["status"], strict=True)
        ]
        t["total"] = [
            fmt_number(v) if pd.notna(v) else (n if isinstance(n, str) and n else INCOMPLETE_TEXT)
            for v, n in zip(t["total"], t["note"], strict=True)
        ]
        widths = {"stt": 0.9, "unit": 5.5, "old": 1.9, "total": 1.9, "delta": 1.5}
        widths.update({"class": 1.9, "rank_text": 1.5, "move": 2.0})
        return masked_table(
            t,
            cols,
            {"stt": str, "delta": fmt_signed},
            missing={**{c: "—" for c in cols}, "total": NO_DATA_TEXT, "class": ""},
            numeric=("old", "total", "delta"),
            widths=widths,
            chip_column="class",
            css="units stack",
        )

    def level_blocks(self, section: LevelSection, number: int, appendix: str = "") -> list[Block]:
        counts = masked_table(
            section.counts,
            {"class": "Xếp loại", "count": "Số đơn vị", "of": "Tổng số có dữ liệu"},
            {"count": str, "of": str},
            caption="Số đơn vị theo xếp loại",
            widths={"class": 3, "count": 2, "of": 2},
            css="counts",
        )
        gone = section.table[section.table["status"] == "gone"]
        out: list[Block] = [
            Heading(f"{number}. {section.heading}", 2),
            Bullets(_texts([s.text for s in section.sentences])),
            self.level_table(section),
            counts,
        ]
        if len(gone):
            out.append(Para(mask_text(self.w["gone"].format(names="; ".join(gone["unit"])))))
        if appendix:
            out.append(Para(self.w["appendix_ref"].format(number=appendix), "italic"))
        for fig in self.level_figures(section):
            out += _figure(fig)
        return out

    def level(self, section: LevelSection, number: int) -> Markup:
        blocks = self.level_blocks(section, number)
        return blocks_html([b for b in blocks if not isinstance(b, Figure)])

    def level_figures(self, section: LevelSection) -> list[charts.Chart]:
        """The level's ranked bars and, with a comparison, its changes — in panels of at most
        :data:`charts.PANEL_ROWS` units, so that no chart is taller than a page."""
        t = section.table[section.table["status"] != "gone"]
        has = t[t["total"].notna()].sort_values("total", ascending=False, kind="stable")
        parts = charts.panels(has)
        parts[-1] = pd.concat([parts[-1], t[t["total"].isna()]])
        figs = []
        for k, part in enumerate(parts, start=1):
            suffix = f" ({k}/{len(parts)})" if len(parts) > 1 else ""
            figs.append(
                charts.ranked_units(
                    part[["unit", "total", "class"]],
                    self.r.bands,
                    title=f"{section.heading}: điểm và xếp loại{suffix}",
                )
            )
        if self.cmp_label and t["old"].notna().any():
            both = pd.concat([has, t[t["total"].isna()]])
            lows = pd.concat([both["old"], both["total"]]).dropna()
            lo = max(0.0, float(lows.min()) // 5 * 5 - 5) if len(lows) else 0.0
            moved = charts.panels(both)
            for k, part in enumerate(moved, start=1):
                suffix = f" ({k}/{len(moved)})" if len(moved) > 1 else ""
                figs.append(
                    charts.change_dumbbell(
                        part[["unit", "old", "total"]].rename(columns={"total": "new"}),
                        old_label=self.cmp_label,
                        new_label=self.cur_label,
                        title=f"{section.heading}: thay đổi điểm{suffix}",
                        lo=lo,
                    )
                )
        return figs

    # -- IV. problems and recommendations ---------------------------------------------------
    def problem_blocks(self) -> list[Block]:
        r = self.r
        out: list[Block] = [
            Heading(self.w["sections"]["problems"], 1),
            Heading(f"1. {self.w['problems']}", 2),
            Bullets(_texts(r.text("problems"))),
        ]
        if len(r.overdue):
            od = r.overdue.sort_values("value", ascending=False, kind="stable")
            out.append(
                masked_table(
                    od,
                    {"unit": "Đơn vị", "value": "Hồ sơ quá hạn"},
                    {"value": lambda v: str(int(v))},
                    caption="Hồ sơ quá hạn giải quyết",
                    widths={"unit": 5, "value": 2},
                    css="overdue",
                )
            )
        out.append(Heading(f"2. {self.w['recommendations']}", 2))
        out.append(Bullets(_texts(r.recommendations)))
        if r.notes:
            out.append(Para(self.w["notes"], "note"))
            out.append(Bullets(_texts(r.notes)))
        return out

    def problems(self) -> Markup:
        return blocks_html(self.problem_blocks())

    def dossiers(self) -> Markup:
        """What the provincial system's records say (where the store has them)."""
        if self.r.dossiers is None:
            return Markup("")
        from chiso766.report.dossier_sections import dossier_sections_html

        return dossier_sections_html(self.r.dossiers)

    # -- appendices --------------------------------------------------------------------------
    def appendix_table(self, section: LevelSection) -> Table | None:
        a = section.appendix
        if a.empty:
            return None
        a = a.reset_index(drop=True).copy()
        a.insert(0, "stt", range(1, len(a) + 1))
        a["rank_text"] = [fmt_rank(x, y) for x, y in zip(a["rank"], a["of"], strict=True)]
        fixed = ("stt", "unit_id", "unit", "total", "class", "rank", "of", "rank_text")
        group_cols = [c for c in a.columns if c not in fixed]
        cols = {
            "stt": "STT",
            "unit": "Đơn vị",
            **{g: g for g in group_cols},
            "total": "Tổng điểm",
            "class": "Xếp loại",
            "rank_text": "Xếp hạng",
        }
        widths = {"stt": 0.9, "unit": 5.0, "total": 1.7, "class": 1.9, "rank_text": 1.5}
        widths.update({g: 1.8 for g in group_cols})
        return masked_table(
            a,
            cols,
            {"stt": str},
            missing={**{c: "—" for c in cols}, "total": NO_DATA_TEXT},
            widths=widths,
            css="appendix-table",
        )

    def appendix(self, section: LevelSection, number: int) -> Markup:
        table = self.appendix_table(section)
        if table is None:
            return Markup("")
        return blocks_html([Heading(f"Phụ lục {number}. {section.heading}", 2), table])

    def appendix_figure(self, section: LevelSection) -> charts.Chart | None:
        """The level's groups as a heatmap — only where it fits a page (the appendix table
        has every value)."""
        a = section.appendix
        if a.empty or len(a) > charts.HEATMAP_MAX_UNITS:
            return None
        cat_max = {g.name: g.max for g in load_catalogue(self.r.methodology).groups}
        rows = []
        for rec in a.to_dict("records"):
            for g, mx in cat_max.items():
                if g in rec and pd.notna(rec[g]):
                    rows.append({"unit": rec["unit"], "group": g, "share": 100 * rec[g] / mx})
        if not rows:
            return None
        return charts.group_heatmap(
            pd.DataFrame(rows), title=f"{section.heading}: tỷ lệ điểm theo nhóm (%)"
        )

    def xlsx_tables(self) -> dict[str, pd.DataFrame]:
        """The workbook's tables (Vietnamese headers, personal data masked)."""
        from chiso766.report.workbook import workbook_tables

        return {name: mask_frame(frame) for name, frame in workbook_tables(self).items()}


__all__ = ["ROMAN", "ReportView", "masked_table", "snapshot_label", "table_html", "words"]

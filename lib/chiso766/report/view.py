"""Lay a ProvinceReport out as escaped HTML fragments, figures and XLSX tables.

Notebooks display these fragments section by section; nothing here computes a score.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from chiso766.compute.periods import parse_period
from chiso766.formatting import fmt_number, fmt_points_change, fmt_rank, fmt_rank_change, fmt_signed
from chiso766.methodology import load_catalogue
from chiso766.privacy import mask_frame, mask_text
from chiso766.report import charts
from chiso766.report.model import LevelSection, ProvinceReport
from chiso766.report.tables import chip
from chiso766.report.tables import table_html as _table_html

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
NO_DATA_TEXT = "Hệ thống không thông báo dữ liệu"
INCOMPLETE_TEXT = "Chưa đủ số liệu"


def snapshot_label(key: str | None) -> str:
    """'08/4/2025' for a day snapshot, 'tháng 10/2026' for a period snapshot."""
    if not key:
        return ""
    p = parse_period(key)
    return f"{p.end.day:02d}/{p.end.month}/{p.end.year}" if p.kind == "day" else p.label_vi


def _paragraphs(texts: list[str]) -> Markup:
    return Markup("".join(Markup("<p>{}</p>").format(mask_text(t)) for t in texts if t))


def _bullets(texts: list[str]) -> Markup | str:
    items = "".join(Markup("<li>{}</li>").format(mask_text(t)) for t in texts if t)
    return Markup("<ul>{}</ul>").format(Markup(items)) if items else ""


def table_html(frame: pd.DataFrame, *args, **kwargs) -> str:
    """An escaped table of ``frame`` with citizens' personal data masked (shared reports)."""
    return _table_html(mask_frame(frame), *args, **kwargs)


def _join(parts) -> Markup:
    """Join trusted HTML fragments (each already escaped where it holds data)."""
    return Markup("".join(str(p) for p in parts))


def _h(level: int, text: str) -> Markup:
    return Markup("<h{0}>{1}</h{0}>").format(level, text)


class ReportView:
    """HTML sections of one province report."""

    def __init__(self, report: ProvinceReport):
        self.r = report
        sel = report.selection
        self.cur_label = snapshot_label(sel.current)
        self.cmp_label = snapshot_label(sel.compare)
        self.year_label = snapshot_label(sel.previous_year)

    # -- title and headline ------------------------------------------------------------------
    def title(self) -> Markup:
        r = self.r
        notes = _paragraphs([f"Ghi chú: {n}" for n in r.notes])
        return Markup(
            '<header class="report-title"><p class="issuer">{}</p><h1>THÔNG BÁO</h1>'
            '<p class="subject">Về chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người '
            "dân, doanh nghiệp trong thực hiện thủ tục hành chính, cung cấp dịch vụ công {}</p>"
            '<p class="meta">Phương pháp chấm điểm: {} · Số liệu: {}{}</p>{}</header>'
        ).format(
            r.province.upper(),
            r.period.label_vi,
            r.methodology,
            self.cur_label,
            f" · so sánh với {self.cmp_label}" if self.cmp_label else "",
            Markup(notes),
        )

    def headline(self) -> str:
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
        parts = [
            _h(2, "I. KẾT QUẢ CHUNG CỦA TỈNH"),
            Markup('<div class="cards">{}</div>').format(Markup(card_html)),
            _paragraphs(r.text("headline")),
        ]
        if h.get("rank_source"):
            parts.append(
                Markup('<p class="source-note">Nguồn xếp hạng toàn quốc: {}.</p>').format(
                    h["rank_source"]
                )
            )
        if len(r.groups):
            g = r.groups.copy()
            parts.append(
                table_html(
                    g,
                    {
                        "name": "Nhóm chỉ số",
                        "max": "Điểm tối đa",
                        "old": f"Điểm ({self.cmp_label})" if self.cmp_label else "Kỳ trước",
                        "new": f"Điểm ({self.cur_label})",
                        "delta": "Tăng, giảm",
                    },
                    {"delta": fmt_signed},
                    caption="Điểm theo nhóm chỉ số",
                )
            )
        return _join(parts)

    def trend_figure(self):
        t = self.r.trend
        if len(t) < 2:
            return None
        return charts.trend(t[["label", "total", "rank", "of"]])

    # -- indicators --------------------------------------------------------------------------
    def indicators(self) -> Markup:
        r = self.r
        if r.indicators.empty:
            return _join(
                [
                    _h(2, "II. CÁC CHỈ SỐ THÀNH PHẦN"),
                    _paragraphs(["Chưa có số liệu chỉ số thành phần của tỉnh trong kỳ này."]),
                ]
            )
        t = r.indicators.reset_index(drop=True).copy()
        t.insert(0, "tt", range(1, len(t) + 1))
        cols = {"tt": "TT", "name": "Chỉ số"}
        if self.year_label:
            cols["year"] = f"{self.year_label[0].upper()}{self.year_label[1:]} (%)"
        if self.cmp_label:
            cols["old"] = f"{self.cmp_label} (%)"
        cols["new"] = f"{self.cur_label} (%)"
        if self.cmp_label:
            cols["delta"] = "Tăng, giảm"
        table = table_html(
            t, cols, {"tt": str, "delta": fmt_signed}, caption="Các chỉ số thành phần của tỉnh"
        )
        intro = f"So sánh với {r.compare_label}:" if r.compare_label else ""
        return _join(
            [
                _h(2, "II. CÁC CHỈ SỐ THÀNH PHẦN"),
                table,
                _paragraphs([intro]),
                _bullets(r.text("indicators")),
            ]
        )

    def points_lost_figure(self):
        lost = self.r.points_lost
        if lost.empty:
            return None
        return charts.points_lost(lost[["name", "lost"]])

    # -- levels ------------------------------------------------------------------------------
    def level(self, section: LevelSection, number: int) -> str:
        t = section.table.copy()
        t = t[t["status"] != "gone"].reset_index(drop=True)
        t.insert(0, "stt", range(1, len(t) + 1))
        t["rank_text"] = [fmt_rank(a, b) for a, b in zip(t["rank"], t["of"], strict=True)]
        t["move"] = [fmt_rank_change(c) for c in t.get("rank_change", [None] * len(t))]
        # The chip is made by the table's formatter: Markup stored in a column would be turned
        # into plain text by pandas' string dtype and then escaped.
        t["class_chip"] = t["class"]
        cols = {"stt": "STT", "unit": "Đơn vị"}
        if self.cmp_label:
            cols["old"] = f"Điểm đánh giá ({self.cmp_label})"
        cols["total"] = f"Điểm đánh giá ({self.cur_label})"
        if self.cmp_label:
            cols["delta"] = "Tăng, giảm điểm"
        cols.update({"class_chip": "Xếp loại", "rank_text": "Xếp hạng"})
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
        no_data = {"total": NO_DATA_TEXT}
        table = table_html(
            t,
            cols,
            {"stt": str, "delta": fmt_signed, "class_chip": chip},
            missing={**{c: "—" for c in cols}, **no_data, "class_chip": ""},
            numeric=("old", "total", "delta"),
        )
        counts = section.counts.copy()
        counts_html = table_html(
            counts,
            {"class": "Xếp loại", "count": "Số đơn vị", "of": "Tổng số có dữ liệu"},
            {"count": str, "of": str},
            caption="Số đơn vị theo xếp loại",
        )
        texts = [s.text for s in section.sentences]
        gone = section.table[section.table["status"] == "gone"]
        return _join(
            [
                _h(3, f"{number}. {section.heading}"),
                _bullets(texts),
                table,
                counts_html,
                _paragraphs(
                    [f"Không còn trong số liệu kỳ này: {'; '.join(gone['unit'])}."]
                    if len(gone)
                    else []
                ),
            ]
        )

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

    # -- problems and recommendations -----------------------------------------------------
    def problems(self) -> Markup:
        r = self.r
        parts = [_h(2, "IV. TỒN TẠI, HẠN CHẾ VÀ KIẾN NGHỊ"), _bullets(r.text("problems"))]
        if len(r.overdue):
            od = r.overdue.sort_values("value", ascending=False, kind="stable")
            parts.append(
                table_html(
                    od,
                    {"unit": "Đơn vị", "value": "Hồ sơ quá hạn"},
                    {"value": lambda v: str(int(v))},
                    caption="Hồ sơ quá hạn giải quyết",
                )
            )
        parts.append(_h(3, "Kiến nghị"))
        parts.append(_bullets(r.recommendations))
        return _join(parts)

    def dossiers(self) -> Markup:
        """What the provincial system's records say (where the store has them)."""
        if self.r.dossiers is None:
            return Markup("")
        from chiso766.report.dossier_sections import dossier_sections_html

        return dossier_sections_html(self.r.dossiers)

    # -- appendices --------------------------------------------------------------------------
    def appendix(self, section: LevelSection, number: int) -> str:
        a = section.appendix
        if a.empty:
            return ""
        a = a.reset_index(drop=True).copy()
        a.insert(0, "stt", range(1, len(a) + 1))
        a["rank_text"] = [fmt_rank(x, y) for x, y in zip(a["rank"], a["of"], strict=True)]
        group_cols = [
            c
            for c in a.columns
            if c not in ("stt", "unit_id", "unit", "total", "class", "rank", "of", "rank_text")
        ]
        cols = {
            "stt": "STT",
            "unit": "Đơn vị",
            **{g: g for g in group_cols},
            "total": "Tổng điểm",
            "class": "Xếp loại",
            "rank_text": "Xếp hạng",
        }
        # Joined as text: Markup + str would escape the table a second time.
        return _join(
            [
                _h(3, f"Phụ lục {number}. {section.heading}"),
                table_html(
                    a, cols, {"stt": str}, missing={**{c: "—" for c in cols}, "total": NO_DATA_TEXT}
                ),
            ]
        )

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
        """Appendix tables for the XLSX workbook (Vietnamese headers, personal data masked)."""
        return {name: mask_frame(frame) for name, frame in self._xlsx_tables().items()}

    def _xlsx_tables(self) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        if len(self.r.indicators):
            # only the snapshots the report has: the first snapshot of a store has no
            # comparison and no previous year, and no column is headed " (%)"
            names = {"number": "Mã", "name": "Chỉ số"}
            if self.year_label:
                names["year"] = f"{self.year_label} (%)"
            if self.cmp_label:
                names["old"] = f"{self.cmp_label} (%)"
            names["new"] = f"{self.cur_label} (%)"
            if self.cmp_label:
                names["delta"] = "Tăng, giảm"
            ind = self.r.indicators[list(names)].rename(columns=names)
            out["Chỉ số thành phần"] = ind
        for i, section in enumerate(self.r.levels, start=1):
            a = section.appendix.drop(columns=["unit_id"], errors="ignore").rename(
                columns={
                    "unit": "Đơn vị",
                    "total": "Tổng điểm",
                    "class": "Xếp loại",
                    "rank": "Xếp hạng",
                    "of": "Số đơn vị xếp hạng",
                }
            )
            out[f"Phụ lục {i} - {section.heading}"[:31]] = a
        return out


__all__ = ["ReportView", "snapshot_label"]

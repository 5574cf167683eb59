"""Lay a :class:`UnitScorecard` out as escaped HTML sections, charts and XLSX tables."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from chiso766.commentary import templates
from chiso766.commentary.facts import level_noun
from chiso766.formatting import fmt_number, fmt_points_change, fmt_rank, fmt_rank_change, fmt_signed
from chiso766.privacy import mask_frame, mask_text
from chiso766.report import charts
from chiso766.report.scorecard import UnitScorecard
from chiso766.report.tables import chip
from chiso766.report.view import snapshot_label, table_html

NO_DATA_TEXT = "Hệ thống không thông báo dữ liệu"
#: a scorecard's recommendations: for its weakest indicators, then the standing one
MAX_RECOMMENDATIONS = 3
#: cases shown per "what costs points" list in a scorecard
DOSSIER_ROWS = 3


def _p(texts: list[str]) -> Markup:
    return Markup("".join(Markup("<p>{}</p>").format(mask_text(t)) for t in texts if t))


def _ul(texts: list[str]) -> Markup:
    items = "".join(Markup("<li>{}</li>").format(mask_text(t)) for t in texts if t)
    return Markup("<ul>{}</ul>").format(Markup(items)) if items else Markup("")


def _h(level: int, text: str, numbered: bool = True) -> Markup:
    """A heading; numbered ones get "1.", "2." … from the stylesheet, so a section left out
    leaves no gap."""
    css = Markup(' class="n"') if numbered else Markup("")
    return Markup("<h{0}{1}>{2}</h{0}>").format(level, css, text)


def _join(parts) -> Markup:
    return Markup("".join(str(p) for p in parts))


#: after the period in a provisional scorecard's title (templates: report_titles)
PROVISIONAL = templates()["report_titles"]["provisional"]


class ScorecardView:
    """HTML sections of one unit's scorecard."""

    def __init__(self, card: UnitScorecard):
        self.c = card
        sel = card.selection
        self.cur_label = snapshot_label(sel.current)
        self.cmp_label = snapshot_label(sel.compare)

    # -- head ----------------------------------------------------------------------------------
    def title(self) -> Markup:
        c = self.c
        period = c.period.label_vi + (PROVISIONAL if c.provisional else "")
        meta = f"Số liệu: {self.cur_label}"
        if self.cmp_label:
            meta += f" · so sánh với {self.cmp_label}"
        return Markup(
            '<header class="report-title scorecard-title"><p class="issuer">{}</p>'
            "<h1>PHIẾU KẾT QUẢ BỘ CHỈ SỐ 766</h1>"
            '<p class="subject">{} — {}</p><p class="meta">{}</p>{}</header>'
        ).format(
            c.province.upper(),
            c.unit,
            period,
            meta,
            _p([f"Ghi chú: {n}" for n in c.notes]),
        )

    def headline(self) -> Markup:
        c, h = self.c, self.c.headline
        rank_note = fmt_rank_change(h["rank_change"]) if h["rank_change"] is not None else ""
        klass = chip(h["class"]) if h["class"] else Markup("—")
        cards = [
            ("Tổng điểm", fmt_number(h["total"]), fmt_points_change(h["delta"])),
            ("Xếp loại", klass, f"kỳ trước: {h['old_class']}" if h["old_class"] else ""),
            (
                f"Xếp hạng trong các {level_noun(c.level)}",
                fmt_rank(h["rank"], h["of"]),
                rank_note,
            ),
        ]
        body = "".join(
            Markup(
                '<div class="card"><div class="card-label">{}</div>'
                '<div class="card-value">{}</div><div class="card-note">{}</div></div>'
            ).format(a, b, n)
            for a, b, n in cards
        )
        return _join(
            [
                Markup('<div class="cards">{}</div>').format(Markup(body)),
                _p(c.text("headline")),
                _p(c.text("detail")),
            ]
        )

    # -- groups and indicators -----------------------------------------------------------------
    def groups(self) -> Markup:
        g = self.c.groups
        if g.empty:
            return Markup("")
        cols = {"name": "Nhóm chỉ số", "points": "Điểm", "max": "Tối đa", "missing": "Còn thiếu"}
        if self.cmp_label:
            cols.update({"old": f"Điểm ({self.cmp_label})", "delta": "Tăng, giảm"})
        cols["median"] = "Trung vị cùng cấp"
        return _join(
            [
                _h(2, "ĐIỂM THEO NHÓM CHỈ SỐ"),
                table_html(g, cols, {"delta": fmt_signed}, classes="phone-cards"),
            ]
        )

    def groups_figure(self) -> charts.Chart | None:
        g = self.c.groups
        if g.empty or g["points"].isna().all():
            return None
        return charts.group_bars(g[["name", "points", "max", "median"]])

    def indicators(self) -> Markup:
        t = self.c.indicators
        if t.empty or (t["ratio"].isna().all() and t["points"].isna().all()):
            return Markup("")
        t = t.reset_index(drop=True).copy()
        t.insert(0, "tt", range(1, len(t) + 1))
        t["name_note"] = [
            f"{n} (giá trị của tỉnh)" if p else n
            for n, p in zip(t["name"], t["from_province"], strict=True)
        ]
        cols = {"tt": "TT", "name_note": "Chỉ số", "ratio": "Tỷ lệ (%)"}
        if self.cmp_label:
            cols["delta"] = "Tăng, giảm"
        cols.update({"points": "Điểm", "max": "Tối đa", "missing": "Còn thiếu"})
        return _join(
            [
                _h(2, "CÁC CHỈ SỐ THÀNH PHẦN"),
                table_html(
                    t,
                    cols,
                    {"tt": str, "delta": fmt_signed},
                    classes="phone-cards numbered",
                    caption=f"Tỷ lệ ({self.cur_label}), điểm đạt được và điểm còn thiếu",
                    missing={**{c: "—" for c in cols}, "ratio": "Chưa có số liệu"},
                ),
            ]
        )

    def winback(self) -> Markup:
        c = self.c
        intro = c.text("winback_intro")
        if not intro:
            return Markup("")
        return _join([_h(2, "NƠI CÓ THỂ LẤY LẠI ĐIỂM"), _p(intro), _ul(c.text("winback"))])

    def points_figure(self) -> charts.Chart | None:
        """Points missing per indicator (for analysts; the scorecard's table has them too)."""
        t = self.c.indicators
        if t.empty:
            return None
        lost = t[t["missing"].notna() & (t["missing"] > 0.005) & ~t["tracked"]]
        if lost.empty:
            return None
        return charts.points_lost(
            lost[["name", "missing"]].rename(columns={"missing": "lost"}),
            title="Điểm còn thiếu theo chỉ số",
            xlabel="Điểm còn thiếu",
        )

    # -- peers, trend, overdue -----------------------------------------------------------------
    def peers(self) -> Markup:
        return _join([_h(2, "SO VỚI CÁC ĐƠN VỊ CÙNG CẤP"), _p(self.c.text("peers"))])

    def peers_figure(self) -> charts.Chart | None:
        p = self.c.peers
        if p.get("n", 0) < 2:
            return None
        return charts.position_strip(
            p["values"],
            self.c.headline["total"],
            median=p.get("median"),
            p75=p.get("p75"),
            name=self.c.unit,
            title=f"Tổng điểm của các {level_noun(self.c.level)} ({self.cur_label})",
        )

    def trend(self) -> Markup:
        texts = self.c.text("trend")
        return _join([_h(2, "DIỄN BIẾN QUA CÁC KỲ"), _p(texts)]) if len(self.c.trend) else ""

    def trend_figure(self) -> charts.Chart | None:
        t = self.c.trend
        if len(t) < 2 or t["total"].notna().sum() < 2:
            return None
        return charts.trend(
            t[["label", "total", "rank", "of"]],
            title="Tổng điểm và xếp hạng trong cấp qua các kỳ",
            rank_label="Xếp hạng trong cấp",
            height=170,
        )

    def closing(self) -> Markup:
        c = self.c
        parts = []
        overdue = c.text("overdue")
        if overdue:
            parts += [_h(2, "HỒ SƠ QUÁ HẠN"), _p(overdue)]
        if c.recommendations:
            parts += [
                _h(2, "KIẾN NGHỊ", numbered=False),
                _ul(c.recommendations[:MAX_RECOMMENDATIONS]),
            ]
        return _join(parts)

    def dossiers(self) -> Markup:
        """The unit's records: its indicators, overdue dossiers and the first cases that cost
        points (the whole lists: ``chiso766 costs``)."""
        if self.c.dossiers is None:
            return Markup("")
        from chiso766.report.dossier_sections import dossier_sections_html

        return dossier_sections_html(self.c.dossiers, max_rows=DOSSIER_ROWS)

    # -- XLSX ------------------------------------------------------------------------------------
    def workbook_meta(self) -> dict[str, object]:
        """The XLSX's document properties and the notes printed under its summary (the demo
        and data notes the page shows)."""
        c = self.c
        return {
            "title": f"Phiếu kết quả Bộ chỉ số 766 của {c.unit}, {c.period.label_vi}"
            + (PROVISIONAL if c.provisional else ""),
            "subject": f"Kết quả Bộ chỉ số 766 của {c.unit}",
            "province": c.province,
            "period": c.period.label_vi,
            "taken": self.cur_label,
            "notes": [mask_text(n) for n in c.notes],
            "provisional": c.provisional,
        }

    def xlsx_tables(self) -> dict[str, pd.DataFrame]:
        """The scorecard's groups and indicators for the XLSX (personal data masked)."""
        out: dict[str, pd.DataFrame] = {}
        h = self.c.headline
        out["Tổng hợp"] = pd.DataFrame(
            [
                {
                    "Đơn vị": self.c.unit,
                    "Kỳ": self.c.period.label_vi,
                    "Tổng điểm": h["total"],
                    "Xếp loại": h["class"],
                    "Xếp hạng": h["rank"],
                    "Số đơn vị xếp hạng": h["of"],
                    "Tổng điểm kỳ so sánh": h["old_total"],
                    "Tăng, giảm": h["delta"],
                }
            ]
        )
        if len(self.c.groups):
            out["Nhóm chỉ số"] = self.c.groups.drop(columns=["group"]).rename(
                columns={
                    "name": "Nhóm chỉ số",
                    "max": "Tối đa",
                    "points": "Điểm",
                    "missing": "Còn thiếu",
                    "rate": "Tỷ lệ (%)",
                    "old": "Điểm kỳ so sánh",
                    "delta": "Tăng, giảm",
                    "median": "Trung vị cùng cấp",
                }
            )
        if len(self.c.indicators):
            ind = self.c.indicators[
                [
                    "number",
                    "name",
                    "group",
                    "ratio",
                    "old_ratio",
                    "delta",
                    "points",
                    "max",
                    "missing",
                    "numerator",
                    "denominator",
                ]  # fmt: skip
            ]
            out["Chỉ số"] = ind.rename(
                columns={
                    "number": "Mã",
                    "name": "Chỉ số",
                    "group": "Nhóm",
                    "ratio": "Tỷ lệ (%)",
                    "old_ratio": "Tỷ lệ kỳ so sánh (%)",
                    "delta": "Tăng, giảm",
                    "points": "Điểm",
                    "max": "Tối đa",
                    "missing": "Còn thiếu",
                    "numerator": "Tử số",
                    "denominator": "Mẫu số",
                }
            )
        return {name: mask_frame(frame) for name, frame in out.items()}


__all__ = ["NO_DATA_TEXT", "ScorecardView"]

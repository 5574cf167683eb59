"""Dossier-level sections for the province report and the unit scorecards.

:func:`load_dossier_sections` computes, for a report period, what the provincial system's
records say (on DuckDB, over the store): the indicator table, the lists of dossiers and
decisions that cost points (masked), the overdue dossiers per unit (as seed 004 lists them),
the late publication decisions (as seed 001 tables them) and the reconciliation with the
portal's snapshot. The window is the one of the snapshot the report uses (a day snapshot runs
from 1 January to that day), so both sides compare. :func:`dossier_sections_html` renders them
as escaped HTML fragments with Vietnamese headings. Column labels and display formats here are
also what ``chiso766 costs``/``indicators``/``reconcile`` print as CSV and tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from chiso766.compute.dossier_indicators import AVG_DAYS, NAMES_VI, ORDER
from chiso766.formatting import fmt_count, fmt_date, fmt_number
from chiso766.ingest.dossier_schema import enum_label
from chiso766.report.document import Block, Heading, Para, Table
from chiso766.report.tables import table_block

INDICATOR_LABELS = {
    "unit": "Đơn vị",
    "indicator": "Chỉ số",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "ratio": "Tỷ lệ (%)",
}
COST_LABELS = {
    "unit": "Đơn vị",
    "indicator": "Chỉ số",
    "reason": "Lý do",
    "days": "Số ngày làm việc",
    "dossier_id": "Mã hồ sơ",
    "procedure_code": "Mã TTHC",
    "procedure_name": "Tên TTHC",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả",
    "end_day": "Ngày kết thúc xử lý",
    "status": "Trạng thái",
    "applicant_name": "Người nộp",
    "phone": "Số điện thoại",
    "id_number": "Số giấy tờ",
    "ministry_decision": "Quyết định công bố của bộ, ngành",
    "effective_date": "Ngày hiệu lực",
    "decision_number": "Quyết định công bố của tỉnh",
    "decision_date": "Ngày quyết định công bố",
    "published_at": "Ngày công khai",
}
RECONCILE_LABELS = {
    "unit": "Đơn vị",
    "level": "Cấp",
    "indicator": "Chỉ số",
    "name": "Tên chỉ số",
    "own_numerator": "Tử số (hệ thống tỉnh)",
    "own_denominator": "Mẫu số (hệ thống tỉnh)",
    "own_ratio": "Tỷ lệ (hệ thống tỉnh, %)",
    "portal_numerator": "Tử số (Cổng DVCQG)",
    "portal_denominator": "Mẫu số (Cổng DVCQG)",
    "portal_ratio": "Tỷ lệ (Cổng DVCQG, %)",
    "diff_numerator": "Chênh lệch tử số",
    "diff_denominator": "Chênh lệch mẫu số",
    "diff_ratio": "Chênh lệch tỷ lệ (điểm %)",
    "flag": "Vượt ngưỡng",
}
OVERDUE_LABELS = {
    "level": "Cấp",
    "unit": "Đơn vị",
    "overdue": "Hồ sơ quá hạn",
    "in_progress": "Trong đó đang xử lý",
    "max_days": "Quá hạn nhiều nhất (ngày làm việc)",
}
LATE_DECISION_LABELS = {
    "stt": "STT",
    "ministry_decision": "Quyết định công bố của bộ, ngành",
    "effective_date": "Ngày hiệu lực",
    "advising_unit": "Đơn vị tham mưu trình",
    "decision": "Quyết định công bố của tỉnh",
    "days": "Số ngày làm việc chậm",
    "reason": "Ghi chú",
}
LEVEL_VI = {
    "province": "Tỉnh",
    "department": "Sở, ban, ngành",
    "district": "UBND cấp huyện",
    "commune": "UBND cấp xã",
    "branch": "Chi nhánh, đơn vị trực thuộc",
}
_DATES = {
    "received_at",
    "due_at",
    "end_day",
    "effective_date",
    "decision_date",
    "published_at",
}
_COUNTS = {
    "numerator",
    "denominator",
    "days",
    "own_numerator",
    "own_denominator",
    "portal_numerator",
    "portal_denominator",
    "diff_numerator",
    "diff_denominator",
    "overdue",
    "in_progress",
    "max_days",
}
COST_OUTPUT = list(COST_LABELS)


def cost_output(frame: pd.DataFrame, with_ids: bool = False) -> pd.DataFrame:
    """The costs frame with the columns ``chiso766 costs`` prints, in order (and the unit's id
    first if ``with_ids``)."""
    cols = (["unit_id"] if with_ids else []) + COST_OUTPUT
    out = frame.copy()
    for col in cols:
        if col not in out.columns:
            out[col] = None
    return out[cols]


def _fmt_cell(col: str, value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if col in _DATES:
        return fmt_date(value if not isinstance(value, pd.Timestamp) else value.to_pydatetime())
    if col == "status":
        return enum_label("status", value)
    if col == "level":
        return LEVEL_VI.get(value, value)
    if col == "flag":
        return "Có" if value else ""
    if col in _COUNTS:
        return fmt_number(value, 0)
    if isinstance(value, float):
        return fmt_number(value)
    return value


def display_frame(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Values formatted as analysts read them (dd/mm/yyyy, decimal comma, Vietnamese labels),
    columns renamed to ``labels`` (only those present, in the labels' order)."""
    cols = [c for c in labels if c in frame.columns]
    out = {}
    for c in cols:
        values = frame[c].astype(object)
        uniq = pd.unique(values.to_numpy())
        shown = {}
        for v in uniq:
            try:
                shown[v] = _fmt_cell(c, v)
            except TypeError:  # unhashable or odd values: format one by one
                shown = None
                break
        if shown is None or any(pd.isna(k) for k in shown if not isinstance(k, str)):
            out[labels[c]] = [_fmt_cell(c, v) for v in values]
        else:
            out[labels[c]] = values.map(shown).to_numpy()
    return pd.DataFrame(out)


# ---- the sections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierSections:
    """What the records say for one report period (and one unit, for a scorecard).

    ``indicators``: unit, level, indicator, numerator, denominator, ratio (long).
    ``costs``: indicator number → the masked rows that cost points there.
    ``overdue``: per unit, overdue dossiers (seed 004). ``late_decisions``: late publication
    and update decisions (seed 001). ``reconciliation``: own vs portal (empty without a portal
    snapshot).
    """

    period: str
    start: dt.date
    end: dt.date
    snapshot: str | None
    unit: str | None
    indicators: pd.DataFrame
    costs: dict[str, pd.DataFrame]  # the first KEEP_ROWS of each list (see ``totals``)
    overdue: pd.DataFrame
    late_decisions: pd.DataFrame
    reconciliation: pd.DataFrame
    dossiers: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    totals: dict[str, int] = field(default_factory=dict)  # rows of each whole list


#: rows kept (and masked) of each "what costs points" list — of each unit's, and of the
#: province's (most days over first); a report shows fewer; the whole list: ``chiso766 costs``
KEEP_ROWS = 20


def load_dossier_sections(store, period: str, unit_id: str | None = None) -> DossierSections | None:
    """The dossier sections of a report for ``period`` (and ``unit_id``), or None when the
    store holds no dossier records for that period."""
    from chiso766 import dossier_analytics as DA
    from chiso766 import store_dossiers as SD
    from chiso766.compute.dossier_indicators import overdue_summary
    from chiso766.compute.periods import parse_period
    from chiso766.ingest.calendar import calendar_for

    p = parse_period(period)
    snapshot = DA.portal_snapshot(store, p)
    window = DA.window_for(parse_period(snapshot) if snapshot else p)
    if not SD.has_data_between(store, window.start, window.end):
        return None
    result = DA.compute_cached(store, parse_period(window.key), keep=KEEP_ROWS)
    table, decisions = result.table, result.decisions
    raw, lengths = result.costs, result.cost_totals
    if unit_id is not None and len(raw):
        raw = raw[raw["unit_id"] == unit_id]
    if unit_id is not None and lengths is not None and len(lengths):
        lengths = lengths[lengths["unit_id"] == unit_id]
    totals = (
        {str(k): int(v) for k, v in lengths.groupby("indicator")["n"].sum().items()}
        if lengths is not None and len(lengths)
        else {}
    )
    decided = result.decisions
    if unit_id is not None and len(decided):
        decided = decided[decided["unit_id"] == unit_id]
    if len(decided):
        for ind, n in decided.groupby("indicator").size().items():
            totals[ind] = totals.get(ind, 0) + int(n)
    costs = DA.masked_costs(result, unit_id, limit=KEEP_ROWS, worst_first=unit_id is None)
    recon = DA.reconciliation_cached(store, result, snapshot) if snapshot else pd.DataFrame()
    unit_name = None
    if unit_id is not None:
        table = table[table["unit_id"] == unit_id]
        decisions = decisions[decisions["unit_id"] == unit_id] if len(decisions) else decisions
        if len(recon):
            recon = recon[recon["unit_id"] == unit_id]
        hit = table["unit"].dropna()
        unit_name = hit.iloc[0] if len(hit) else None
        if table.empty:
            return None
    dossier_costs = costs[costs["indicator"].isin([i for i in ORDER if i not in ("1.1", "1.2")])]
    by_indicator = {
        ind: cost_output(dossier_costs[dossier_costs["indicator"] == ind], True).reset_index(
            drop=True
        )
        for ind in ORDER
        if (dossier_costs["indicator"] == ind).any()
    }
    for ind in ("1.1", "1.2"):
        part = costs[costs["indicator"] == ind]
        if len(part):
            by_indicator[ind] = cost_output(part, True).reset_index(drop=True)
    rows21 = table[table["indicator"] == "2.1"]
    if unit_id is None:
        rows21 = rows21[rows21["unit_id"] == DA.province_of(store)[0]]
    notes = []
    cal = calendar_for([window.start, window.end])
    for y in cal.estimated_years:
        if window.start.year <= y <= window.end.year:
            from chiso766.ingest.calendar import ESTIMATE_NOTE_VI

            notes.append(ESTIMATE_NOTE_VI.format(year=y))
    return DossierSections(
        period=p.key,
        start=window.start,
        end=window.end,
        snapshot=snapshot,
        unit=unit_name,
        indicators=table.reset_index(drop=True),
        costs=by_indicator,
        overdue=overdue_summary(raw[raw["indicator"] == "2.1"] if len(raw) else raw, lengths),
        late_decisions=_late_decisions(decisions),
        reconciliation=recon.reset_index(drop=True) if len(recon) else recon,
        dossiers=int(rows21["denominator"].sum()),
        notes=tuple(notes),
        totals={str(k): int(v) for k, v in totals.items()},
    )


def _late_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    cols = list(LATE_DECISION_LABELS)
    pub = decisions[decisions["indicator"] == "1.1"] if len(decisions) else decisions
    if pub is None or pub.empty:
        return pd.DataFrame(columns=cols)
    out = pub.copy()
    out["decision"] = [
        f"{num} ngày {fmt_date(d)}" if isinstance(num, str) and d is not None else "Chưa ban hành"
        for num, d in zip(out["decision_number"], out["decision_date"], strict=True)
    ]
    out["stt"] = range(1, len(out) + 1)
    return out[cols].reset_index(drop=True)


# ---- HTML ---------------------------------------------------------------------------------


def _p(text: str) -> Para:
    return Para(str(text))


def _h(level: int, text: str) -> Heading:
    return Heading(text, level - 1)


def _formats(cols):
    out = {}
    for c in cols:
        if c in _DATES:
            out[c] = lambda v: fmt_date(v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
        elif c in _COUNTS:
            out[c] = lambda v: fmt_number(v, 0)
        elif c == "status":
            out[c] = lambda v: enum_label("status", v)
        elif c == "level":
            out[c] = lambda v: LEVEL_VI.get(v, v)
        elif c == "flag":
            out[c] = lambda v: "Có" if v else ""
    return out


#: Column weights of a printed list of dossiers: a date ("20/12/2026") never wraps.
COST_WIDTHS = {
    "unit": 13.0,
    "dossier_id": 12.0,
    "procedure_name": 20.0,
    "received_at": 10.5,
    "due_at": 10.5,
    "end_day": 10.5,
    "status": 9.0,
    "reason": 23.0,
    "applicant_name": 9.0,
    "phone": 11.5,
    "ministry_decision": 20.0,
    "effective_date": 10.5,
    "decision_number": 14.0,
}


def _table(
    frame: pd.DataFrame,
    labels: dict[str, str],
    classes=(),
    widths: dict[str, float] | None = None,
) -> Table:
    cols = {c: h for c, h in labels.items() if c in frame.columns}
    return table_block(frame, cols, _formats(cols), css=classes, widths=widths)


def _indicator_table(s: DossierSections) -> Table:
    t = s.indicators
    if s.unit is not None:
        rows = t.assign(name=t["indicator"].map(NAMES_VI))
        labels = {
            "indicator": "Chỉ số",
            "name": "Tên chỉ số",
            "numerator": "Tử số",
            "denominator": "Mẫu số",
            "ratio": "Tỷ lệ (%)",
        }
        return _table(rows, labels, ("dossier-indicators", "phone-cards"))
    wide = t.pivot_table(
        index=["level", "unit"], columns="indicator", values="ratio", aggfunc="first", sort=False
    )
    order = [i for i in ORDER if i in wide.columns]
    wide = wide[order].reset_index()
    wide["_p"] = wide["level"].eq("province").astype(int)
    wide = wide.sort_values(["_p", "level", "unit"], kind="stable").drop(columns="_p")
    labels = {"level": "Cấp", "unit": "Đơn vị"}
    labels.update({i: ("Số ngày GQ bình quân" if i == AVG_DAYS else i) for i in order})
    return _table(wide, labels, ("dossier-indicators", "phone-cards"))


def dossier_sections_html(sections: DossierSections, max_rows: int = 20) -> Markup:
    """Escaped, masked HTML fragments of the sections (Vietnamese headings and columns); each
    list shows at most ``max_rows`` rows and says how many more there are."""
    from chiso766.report.document_html import blocks_html

    return Markup('<section class="dossier-sections">{}</section>').format(
        blocks_html(dossier_blocks(sections, max_rows))
    )


def dossier_blocks(
    sections: DossierSections, max_rows: int = 20, heading: bool = True
) -> list[Block]:
    """The sections as document blocks (see :func:`dossier_sections_html`)."""
    s = sections
    parts: list[Block] = []
    who = f" của {s.unit}" if s.unit else ""
    if heading:
        parts.append(_h(2, f"Phân tích từ hồ sơ của Hệ thống giải quyết TTHC tỉnh{who}"))
    parts.append(
        _p(
            f"Số liệu tính từ {fmt_count(s.dossiers, 0)} hồ sơ tiếp nhận từ ngày "
            f"{fmt_date(s.start)} đến ngày {fmt_date(s.end)}; ngày làm việc tính theo lịch "
            "nghỉ lễ, Tết và ngày làm bù của cơ quan nhà nước."
        )
    )
    for note in s.notes:
        parts.append(_p(note))
    parts.append(_h(3, "Các chỉ số tính từ hồ sơ"))
    parts.append(_indicator_table(s))

    parts.append(_h(3, "Hồ sơ quá hạn theo đơn vị"))
    if s.overdue.empty:
        parts.append(_p("Không có hồ sơ quá hạn trong kỳ."))
    else:
        parts.append(_table(s.overdue, OVERDUE_LABELS, ("dossier-overdue", "phone-cards")))

    parts.append(_h(3, "Quyết định công bố thủ tục hành chính chậm hạn"))
    if s.late_decisions.empty:
        parts.append(_p("Không có quyết định công bố chậm hạn trong kỳ."))
    else:
        parts.append(_table(s.late_decisions, LATE_DECISION_LABELS, ("dossier-decisions",)))

    parts.append(_h(3, "Những hồ sơ, quyết định làm giảm điểm"))
    if not s.costs:
        parts.append(_p("Không có hồ sơ nào làm giảm điểm trong kỳ."))
    shown_cols = {
        k: COST_LABELS[k]
        for k in (
            "unit",
            "dossier_id",
            "procedure_name",
            "received_at",
            "due_at",
            "end_day",
            "status",
            "reason",
            "applicant_name",
            "phone",
        )
    }
    decision_cols = {
        k: COST_LABELS[k]
        for k in ("unit", "ministry_decision", "effective_date", "decision_number", "reason")
    }
    for ind in ORDER:
        frame = s.costs.get(ind)
        if frame is None or frame.empty:
            continue
        total = s.totals.get(ind, len(frame))
        parts.append(_h(4, f"{ind}. {NAMES_VI[ind]}: {fmt_number(total, 0)} trường hợp"))
        cols = decision_cols if ind in ("1.1", "1.2") else shown_cols
        if s.unit is not None:
            cols = {k: v for k, v in cols.items() if k != "unit"}
        parts.append(
            _table(frame.head(max_rows), cols, ("dossier-costs", "phone-cards"), COST_WIDTHS)
        )
        if total > max_rows:
            unit = f' --unit "{s.unit}"' if s.unit else ""
            parts.append(
                _p(
                    f"Còn {fmt_number(total - max_rows, 0)} trường hợp khác; xem đầy đủ "
                    f"bằng lệnh: chiso766 costs {s.snapshot or s.period}{unit} --indicator {ind}."
                )
            )

    parts.append(_h(3, "Đối chiếu với Cổng Dịch vụ công quốc gia"))
    if s.snapshot is None or s.reconciliation.empty:
        parts.append(_p("Kho dữ liệu chưa có số liệu của Cổng DVCQG cho kỳ này để đối chiếu."))
    else:
        flagged = s.reconciliation[s.reconciliation["flag"]]
        parts.append(
            _p(
                f"So với số liệu của Cổng DVCQG ({s.snapshot}): "
                f"{fmt_number(len(flagged), 0)} trên {fmt_number(len(s.reconciliation), 0)} "
                "cặp đơn vị – chỉ số chênh lệch vượt ngưỡng."
            )
        )
        rows = flagged if len(flagged) else s.reconciliation
        labels = {k: v for k, v in RECONCILE_LABELS.items() if k not in ("level", "name")}
        if s.unit is not None:
            labels.pop("unit")
        parts.append(_table(rows.head(max_rows), labels, ("dossier-reconcile", "phone-cards")))
        if len(rows) > max_rows:
            parts.append(
                _p(
                    f"Còn {fmt_number(len(rows) - max_rows, 0)} dòng khác; xem đầy đủ bằng "
                    f"lệnh: chiso766 reconcile {s.period}."
                )
            )
    return parts

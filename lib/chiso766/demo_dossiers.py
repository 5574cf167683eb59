"""Synthetic dossier records, procedures and publication decisions behind the demo snapshots.

**Invented data**, like :mod:`chiso766.demo`: for the demo's last snapshot (a day, read as
"from 1 January to that day") every unit gets dossier records whose counts give exactly the
numerators and denominators the snapshot was generated from — 2.1 on time, 3.3 online, 3.6
paid online, 1.4 synchronised (with dossiers received the December before and finished in
January, which only 1.4 counts), 5.4 satisfied — and, for the indicators the snapshot gives
only as a ratio (4.1, 4.2, 4.3), the nearest whole count. Overdue dossiers come in every form
the rules know (finished late, still open past the due date, two supplement requests, a
request made after the due date), beside on-time ones that need the rules (finished on the
appointment day, a request never answered, the citizen's supplement days, withdrawn). Decisions
publishing procedures are on time or late (some across Tết) so that the province's 1.1 and 1.2
come as close to the snapshot as whole decisions allow. Names, phone and ID numbers are made up.

Pure and deterministic: :func:`generate_dossiers` reads the package's calendar and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chiso766.compute.units import PROVINCE
from chiso766.demo import DemoData
from chiso766.ingest.calendar import load_calendar
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.store_dossiers import COLUMNS

# (code, name, legal working days, fee, paper result)
_PROCEDURES = (
    ("1.001757", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 15, True, True),
    ("1.000894", "Đăng ký khai sinh", 3, False, False),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", 2, True, False),
    ("2.001023", "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam", 10, True, True),
    ("1.000656", "Đăng ký kết hôn", 5, False, True),
    ("1.004227", "Đăng ký biến động quyền sử dụng đất", 10, True, True),
    ("2.000720", "Đăng ký thành lập hộ kinh doanh", 3, True, False),
    ("1.001612", "Cấp giấy phép kinh doanh bán lẻ sản phẩm rượu", 10, True, True),
    ("1.003005", "Xác nhận hồ sơ hưởng chế độ trợ cấp xã hội", 7, False, False),
    ("1.008950", "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm", 15, True, True),
    ("2.002180", "Thông báo tổ chức lễ hội cấp xã", 5, False, False),
    ("1.010817", "Cấp đổi giấy phép lái xe", 5, True, True),
)
_FAMILY = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
)  # fmt: skip
_MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân")
_GIVEN = (
    "An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Mai", "Nam",
    "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến", "Khánh", "Long",
)  # fmt: skip
_MINISTRIES = (
    ("BTP", "Sở Tư pháp"),
    ("BXD", "Sở Xây dựng"),
    ("BYT", "Sở Y tế"),
    ("BCT", "Sở Công Thương"),
    ("BNNMT", "Sở Nông nghiệp và Môi trường"),
    ("BTC", "Sở Tài chính"),
    ("BVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("BKHCN", "Sở Khoa học và Công nghệ"),
)
_DECISIONS = 40


@dataclass(frozen=True)
class DemoDossiers:
    """Records of the demo province for the window of ``snapshot``."""

    snapshot: str
    start: dt.date
    dossiers: pd.DataFrame
    procedures: pd.DataFrame
    decisions: pd.DataFrame


def _counts(data: DemoData, key: str) -> pd.DataFrame:
    """Per unit (not the province): the snapshot's counts and ratios, one column per code."""
    m = data.measures
    m = m[(m["snapshot"] == key) & (m["scope"] == "indicator") & (m["level"] != PROVINCE)]
    wide = m.pivot_table(
        index=["unit_id", "unit", "level"],
        columns="code",
        values=["value", "numerator", "denominator"],
        aggfunc="first",
    )
    wide.columns = [f"{a}:{b}" for a, b in wide.columns]
    wide = wide.reset_index()
    return wide[wide["denominator:PROGRESS_ON_TIME"].notna()].reset_index(drop=True)


class _Days:
    """Working-day arithmetic on ordinals (k = working days up to and including a day)."""

    def __init__(self, years: list[int]):
        cal = load_calendar(years)
        frame = cal.frame()
        self.cal = cal
        self.work = frame.loc[frame["is_workday"] == 1, "day"].to_numpy()

    def day(self, k):
        return self.work[np.asarray(k) - 1]

    def k(self, day: dt.date) -> int:
        return self.cal.upto(day)


def generate_dossiers(data: DemoData, seed: int = 766) -> DemoDossiers:
    """Dossiers, procedures and decisions consistent with ``data``'s last snapshot."""
    rng = np.random.default_rng(seed + 11)
    key = data.snapshots[-1]
    end = dt.date.fromisoformat(key)
    start = dt.date(end.year, 1, 1)
    days = _Days([end.year - 1, end.year])
    units = _counts(data, key)
    procs = _procedures_frame(units["level"].unique())
    parts = []
    for i, row in enumerate(units.to_dict("records")):
        parts.append(_unit_dossiers(row, i, rng, days, start, end))
    dossiers = pd.concat(parts, ignore_index=True)
    dossiers = _people(dossiers, rng)
    decisions = _decisions(data, key, rng, days, start, end)
    return DemoDossiers(key, start, _conform(dossiers), procs, decisions)


def _procedures_frame(levels) -> pd.DataFrame:
    rows = [
        {
            "procedure_code": code,
            "procedure_name": name,
            "level": "Cấp tỉnh, cấp xã",
            "legal_days": legal,
            "online_level": "full" if not paper else "partial",
            "has_fee": fee,
            "paper_result": paper,
        }
        for code, name, legal, fee, paper in _PROCEDURES
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS[PROCEDURES])
    frame["legal_days"] = frame["legal_days"].astype("Int32")
    return frame


def _pick(rng, pool: np.ndarray, n: int) -> np.ndarray:
    """A boolean mask choosing ``n`` of the ``pool`` positions (a mask over all records)."""
    out = np.zeros(len(pool), dtype=bool)
    idx = np.flatnonzero(pool)
    n = int(min(max(n, 0), len(idx)))
    if n:
        out[rng.choice(idx, size=n, replace=False)] = True
    return out


def _unit_dossiers(row, ui, rng, days: _Days, start, end) -> pd.DataFrame:
    D = int(row["denominator:PROGRESS_ON_TIME"])
    n_ot = int(row["numerator:PROGRESS_ON_TIME"])
    s_k = days.k(end)
    k0 = days.k(start - dt.timedelta(days=1)) + 1  # first working day of the window
    # receipts over the window's working days, legal times from the procedures
    rk = np.sort(rng.integers(k0, s_k + 1, D))
    proc = rng.integers(0, len(_PROCEDURES), D)
    legal = np.array([_PROCEDURES[p][2] for p in proc])
    due_k = rk + legal

    # categories: overdue ones among those due before the snapshot day
    can_late = due_k < s_k
    overdue = _pick(rng, can_late, D - n_ot)
    short = (D - n_ot) - overdue.sum()  # not enough due in time: two supplement requests
    if short > 0:
        overdue |= _pick(rng, ~overdue, short)
    cat = np.full(D, "ok_finished", dtype=object)
    late_idx = np.flatnonzero(overdue)
    late_kind = rng.choice(
        ["late_finished", "late_open", "multi", "late_request"],
        size=len(late_idx),
        p=[0.55, 0.25, 0.12, 0.08],
    )
    late_kind = np.where(can_late[late_idx], late_kind, "multi")
    # dossiers still open past their due date are recent ones (a few months at most)
    old = (late_kind == "late_open") & (due_k[late_idx] < s_k - 60)
    late_kind = np.where(old, "late_finished", late_kind)
    cat[late_idx] = late_kind
    on = np.flatnonzero(~overdue)
    ok_kind = rng.choice(
        ["ok_finished", "ok_request", "ok_citizen", "withdrawn", "refused"],
        size=len(on),
        p=[0.9, 0.03, 0.03, 0.02, 0.02],
    )
    ok_kind = np.where(
        due_k[on] >= s_k, np.where(rng.random(len(on)) < 0.6, "ok_open", "ok_finished"), ok_kind
    )
    cat[on] = ok_kind

    fin_k = np.full(D, -1)
    req_k = np.full(D, -1)
    n_req = np.zeros(D, dtype=int)
    cit = np.zeros(D, dtype=int)
    room = np.maximum(s_k - due_k, 0)
    for c in ("ok_finished", "withdrawn", "refused"):
        sel = cat == c
        top = np.minimum(legal[sel] if c == "ok_finished" else 1, s_k - rk[sel])
        fin_k[sel] = rk[sel] + (rng.random(sel.sum()) * (top + 1)).astype(int)
    sel = cat == "late_finished"
    fin_k[sel] = due_k[sel] + 1 + (rng.random(sel.sum()) * np.minimum(room[sel], 12)).astype(int)
    sel = cat == "multi"
    n_req[sel] = 2
    req_k[sel] = np.minimum(rk[sel] + 1, s_k)
    done = sel & (rng.random(D) < 0.5)
    fin_k[done] = np.minimum(due_k[done] + 2, s_k)
    sel = cat == "late_request"
    n_req[sel] = 1
    req_k[sel] = due_k[sel] + 1 + (rng.random(sel.sum()) * np.maximum(room[sel] - 1, 0)).astype(int)
    sel = cat == "ok_request"
    n_req[sel] = 1
    req_k[sel] = np.minimum(rk[sel] + 1, due_k[sel])
    sel = (cat == "ok_citizen") & (due_k + 3 <= s_k)
    n_req[sel] = 1
    req_k[sel] = rk[sel] + 1
    extra = 1 + (rng.random(sel.sum()) * 3).astype(int)
    fin_k[sel] = due_k[sel] + extra
    cit[sel] = extra + (rng.random(sel.sum()) < 0.5)
    cat[(cat == "ok_citizen") & ~sel] = "ok_finished"
    redo = (cat == "ok_finished") & (fin_k < 0)
    fin_k[redo] = np.minimum(rk[redo] + 1, s_k)

    finished = fin_k > 0
    status = np.where(finished, "processed", "in_progress").astype(object)
    status[cat == "withdrawn"] = "withdrawn"
    status[cat == "refused"] = rng.choice(["refused", "stopped"], size=(cat == "refused").sum())
    returned = finished & (status == "processed") & (rng.random(D) < 0.5)
    status[returned] = "returned"
    res_fin = finished & np.isin(status, ["processed", "returned"])

    # flags: 4.1 among finished with a result; 3.3 exact; 3.6, 5.4 exact; 4.2, 4.3 nearest
    e_result = _pick(
        rng, res_fin, round(_num(row, "ORIGINAL_RESULT_AVAILABLE") / 100 * res_fin.sum())
    )
    paper = np.array([_PROCEDURES[p][4] for p in proc])
    n_online = int(row["numerator:ONLINE_DOSSIERS"])
    # an online dossier without an electronic result must be of a procedure without paper
    online = _pick(rng, np.ones(D, dtype=bool), n_online)
    fix = online & ~e_result & paper
    no_paper = [i for i, p in enumerate(_PROCEDURES) if not p[4]]
    proc[fix] = rng.choice(no_paper, size=fix.sum())
    paper = np.array([_PROCEDURES[p][4] for p in proc])
    # some online submissions of paper procedures lack the electronic result: not counted
    bad = _pick(rng, ~online & ~e_result & paper, max(1, (~online).sum() // 12))
    channel = np.where(online | bad, "online", np.where(rng.random(D) < 0.85, "direct", "post"))
    fee_n = int(row["denominator:PAYMENT_DOSSIERS"])
    fee = _pick(rng, np.ones(D, dtype=bool), fee_n)
    paid = _pick(rng, fee, int(row["numerator:PAYMENT_DOSSIERS"]))
    digitised = _pick(
        rng, np.ones(D, dtype=bool), round(_num(row, "SO_HOA_GIAY_TO_GIAI_QUYET") / 100 * D)
    )
    reused = _pick(rng, np.ones(D, dtype=bool), round(_num(row, "REUSED_DIGITIZED_DATA") / 100 * D))
    rated = _pick(
        rng, np.ones(D, dtype=bool), int(row["denominator:DOSSIER_RECEIVING_SATISFACTION"])
    )
    happy = _pick(rng, rated, int(row["numerator:DOSSIER_RECEIVING_SATISFACTION"]))
    rating = np.where(happy, "satisfied", np.where(rated, "unsatisfied", None))

    # carried in: received in December, finished in January (only 1.4 counts them)
    e = int(row["denominator:DOSSIER_SYNC"]) - D
    prev_k0 = days.k(dt.date(start.year - 1, 12, 1))
    crk = rng.integers(prev_k0, k0, max(e, 0))
    cfin = np.maximum(crk + 3, k0) + (rng.random(max(e, 0)) * 5).astype(int)
    n_all = D + max(e, 0)
    synced = _pick(rng, np.ones(n_all, dtype=bool), int(row["numerator:DOSSIER_SYNC"]))

    all_rk = np.concatenate([rk, crk])
    all_fin = np.concatenate([fin_k, cfin])
    all_proc = np.concatenate([proc, rng.integers(0, len(_PROCEDURES), len(crk))])
    # the appointment was set when the dossier was received (before any procedure fix-up);
    # dossiers without one are judged by their procedure's legal time, so keep those unchanged
    c_due = crk + np.array([_PROCEDURES[p][2] for p in all_proc[D:]], dtype=int)
    all_due = np.concatenate([due_k, c_due])
    swapped = np.concatenate([fix, np.zeros(len(crk), dtype=bool)])
    no_appointment = (rng.random(n_all) < 0.04) & ~swapped

    def stamp(k, hour_lo, hour_hi):
        base = pd.to_datetime(days.day(np.maximum(k, 1)))
        minutes = rng.integers(hour_lo * 60, hour_hi * 60, len(base))
        return base + pd.to_timedelta(minutes, unit="m")

    received_at = stamp(all_rk, 7, 17)
    due_at = pd.to_datetime(days.day(all_due)) + pd.Timedelta(hours=16, minutes=30)
    fin_at = stamp(all_fin, 7, 17)
    req_at = stamp(np.concatenate([req_k, np.full(len(crk), 1)]), 8, 16)
    has_fin = all_fin > 0
    has_req = np.concatenate([n_req, np.zeros(len(crk), dtype=int)]) > 0
    ret_gap = pd.to_timedelta(rng.integers(0, 3, n_all), unit="D")
    all_status = np.concatenate([status, np.full(len(crk), "processed", dtype=object)])
    code = np.array([_PROCEDURES[p][0] for p in all_proc], dtype=object)
    ids = [f"H99.{ui:03d}-{j:06d}" for j in range(n_all)]

    def pad(a, fill):
        return np.concatenate([a, np.full(len(crk), fill, dtype=np.asarray(a).dtype)])

    return pd.DataFrame(
        {
            "dossier_id": ids,
            "procedure_code": code,
            "unit_id": row["unit_id"],
            "unit": row["unit"],
            "level": row["level"],
            "channel": pad(channel.astype(object), "direct"),
            "received_at": received_at,
            "due_at": due_at.where(~no_appointment, pd.NaT),
            "finished_at": fin_at.where(has_fin, pd.NaT),
            "returned_at": (fin_at + ret_gap).where(pad(returned, False), pd.NaT),
            "status": all_status,
            "supplement_requests": np.concatenate([n_req, np.zeros(len(crk), dtype=int)]),
            "supplement_requested_at": req_at.where(has_req, pd.NaT),
            "citizen_days": np.concatenate([cit, np.zeros(len(crk), dtype=int)]),
            "e_result": pad(e_result, True),
            "digitised": pad(digitised, True),
            "reused": pad(reused, False),
            "fee": pad(fee, False),
            "paid_online": pad(paid, False),
            "synced": synced,
            "rating": np.concatenate(
                [rating.astype(object), np.full(len(crk), None, dtype=object)]
            ),
        }
    )


def _num(row: dict, code: str) -> float:
    value = row.get(f"value:{code}")
    return 0.0 if value is None or pd.isna(value) else float(value)


def _people(frame: pd.DataFrame, rng) -> pd.DataFrame:
    n = len(frame)
    fam = rng.choice(_FAMILY, n)
    mid = rng.choice(_MIDDLE, n)
    giv = rng.choice(_GIVEN, n)
    names = [f"{a} {b} {c}" for a, b, c in zip(fam, mid, giv, strict=True)]
    phones = [f"09{x:08d}" for x in rng.integers(0, 10**8, n)]
    ids = [
        f"0{p:02d}{x:09d}"
        for p, x in zip(rng.integers(1, 96, n), rng.integers(0, 10**9, n), strict=True)
    ]
    return frame.assign(applicant_name=names, phone=phones, id_number=ids)


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[COLUMNS[DOSSIERS]].copy()
    for col in ("received_at", "due_at", "finished_at", "returned_at", "supplement_requested_at"):
        out[col] = pd.to_datetime(out[col]).dt.floor("min").astype("datetime64[us]")
    out["supplement_requests"] = out["supplement_requests"].astype("int32")
    out["citizen_days"] = out["citizen_days"].astype("int32")
    for col in ("e_result", "digitised", "reused", "fee", "paid_online", "synced"):
        out[col] = out[col].astype(bool)
    for col in ("rating", "channel", "status"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _decisions(data: DemoData, key, rng, days: _Days, start, end) -> pd.DataFrame:
    """Decisions publishing procedures, advised by departments; the province's 1.1 and 1.2
    near the snapshot's."""
    m = data.measures
    prov = m[(m["snapshot"] == key) & (m["level"] == PROVINCE) & (m["scope"] == "indicator")]
    ratio = dict(zip(prov["code"], prov["value"], strict=False))
    r11 = float(ratio.get("PUBLISH_ON_TIME", 80.0)) / 100
    r12 = float(ratio.get("PUBLIC_UPDATE_ON_TIME", 80.0)) / 100
    units = m[(m["snapshot"] == key) & (m["level"] == "department")][["unit_id", "unit"]]
    units = units.drop_duplicates("unit_id").set_index("unit")
    s_k, k0 = days.k(end), days.k(start)
    n = _DECISIONS
    pending = 2
    issued = n - pending
    on_time = _pick(rng, np.ones(issued, dtype=bool), round(r11 * n))
    upd_ok = _pick(rng, np.ones(issued, dtype=bool), round(r12 * issued))
    rows = []
    for j in range(n):
        ministry, advisor = _MINISTRIES[j % len(_MINISTRIES)]
        if advisor not in units.index:
            advisor = units.index[j % len(units)]
        if j < issued:
            dk = int(rng.integers(k0 + 3, s_k - 8))
            ek = (
                dk + 5 + int(rng.integers(0, 15))
                if on_time[j]
                else dk + 4 - int(rng.integers(0, 8))
            )
            eff = days.day(ek)
            dec_day = days.day(dk)
            pk = dk + (int(rng.integers(0, 6)) if upd_ok[j] else 6 + int(rng.integers(0, 6)))
            pub = days.day(min(pk, s_k))
            if not upd_ok[j] and pk > s_k:
                pub = None
            number = f"{150 + 7 * j}/QĐ-UBND"
        else:
            dec_day, pub, number = None, None, None
            eff = days.day(s_k - 3 - 5 * (j - issued))
        eff = eff if isinstance(eff, dt.date) else pd.Timestamp(eff).date()
        rows.append(
            {
                "ministry_decision": f"{300 + 11 * j}/QĐ-{ministry}",
                "decision_key": number or "",
                "ministry_decision_date": eff - dt.timedelta(days=40),
                "effective_date": eff,
                "decision_number": number,
                "decision_date": None if dec_day is None else pd.Timestamp(dec_day).date(),
                "published_at": None if pub is None else pd.Timestamp(pub).date(),
                "unit_id": units.loc[advisor, "unit_id"],
                "advising_unit": advisor,
                "level": "department",
                "procedures": ", ".join(
                    _PROCEDURES[(j + t) % len(_PROCEDURES)][0] for t in range(2)
                ),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS[DECISIONS])


def store_demo_dossiers(store, data: DemoData, seed: int = 766) -> int:
    """Generate the demo's records and load them into ``store`` (idempotent); return how many
    dossiers the store then holds."""
    import hashlib

    from chiso766 import store_dossiers as SD
    from chiso766.ingest.dossier_inputs import ExportRead

    demo = generate_dossiers(data, seed)
    reads, hashes = [], []
    for kind, frame in (
        (PROCEDURES, demo.procedures),
        (DECISIONS, demo.decisions),
        (DOSSIERS, demo.dossiers),
    ):
        frame = frame.drop(columns=["decision_key"]) if kind == DECISIONS else frame
        digest = hashlib.sha256(
            pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes()
        ).hexdigest()
        reads.append(ExportRead(f"demo:{data.variant}:{kind}", kind, frame))
        hashes.append(digest)
    SD.save(store, reads, hashes)
    return SD.counts(store)[DOSSIERS]

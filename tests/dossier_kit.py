"""Hand-built dossiers, procedures and decisions for the dossier tests (not a test module)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from chiso766.engines.backends import duckdb_engine
from chiso766.engines.expressions import (
    DEFAULT_RULES,
    Window,
    decision_counts,
    decision_rows,
    dossier_costs,
    dossier_counts,
)
from chiso766.ingest.calendar import load_calendar
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.store_dossiers import COLUMNS, ensure_schema_con, refresh_workdays

UNIT = ("department:so-tu-phap", "Sở Tư pháp", "department")
TS_COLUMNS = ("received_at", "due_at", "finished_at", "returned_at", "supplement_requested_at")
DATE_COLUMNS = ("ministry_decision_date", "effective_date", "decision_date", "published_at")


def ts(text: str | None):
    return pd.Timestamp(text) if text else None


def dossier(n: int = 1, **kw) -> dict:
    """A dossier received Mon 02/3/2026 09:00, due Fri 06/3, finished that day, all good."""
    base = dict(
        dossier_id=f"HS-{n:04d}",
        procedure_code="P-PAPER",
        unit_id=UNIT[0],
        unit=UNIT[1],
        level=UNIT[2],
        channel="online",
        received_at=ts("2026-03-02 09:00"),
        due_at=ts("2026-03-06 17:00"),
        finished_at=ts("2026-03-06 10:00"),
        returned_at=None,
        status="processed",
        supplement_requests=0,
        supplement_requested_at=None,
        citizen_days=0,
        e_result=True,
        digitised=True,
        reused=True,
        fee=False,
        paid_online=False,
        synced=True,
        rating="satisfied",
        applicant_name="Nguyễn Văn An",
        phone="0912345612",
        id_number="001203004589",
    )
    for key, value in kw.items():
        base[key] = ts(value) if key in TS_COLUMNS and isinstance(value, str) else value
    return base


def dossiers_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS[DOSSIERS])
    for col in TS_COLUMNS:
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    frame["supplement_requests"] = frame["supplement_requests"].astype("int32")
    frame["citizen_days"] = frame["citizen_days"].astype("int32")
    return frame


PROCEDURES_DEFAULT = [
    ("P-PAPER", "Cấp phiếu lý lịch tư pháp", 5, True),
    ("P-EONLY", "Cấp bản sao trích lục hộ tịch", 3, False),
]


def procedures_frame(rows=PROCEDURES_DEFAULT) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "procedure_code": [r[0] for r in rows],
            "procedure_name": [r[1] for r in rows],
            "level": ["Cấp tỉnh"] * len(rows),
            "legal_days": pd.array([r[2] for r in rows], dtype="Int32"),
            "online_level": ["full"] * len(rows),
            "has_fee": [False] * len(rows),
            "paper_result": [r[3] for r in rows],
        }
    )


def decision(**kw) -> dict:
    base = dict(
        ministry_decision="503/QĐ-BTTTT",
        decision_key="",
        ministry_decision_date=dt.date(2026, 1, 20),
        effective_date=dt.date(2026, 2, 25),
        decision_number=None,
        decision_date=None,
        published_at=None,
        unit_id=UNIT[0],
        advising_unit=UNIT[1],
        level=UNIT[2],
        procedures="P-PAPER",
    )
    base.update(kw)
    base["decision_key"] = base["decision_number"] or ""
    return base


def decisions_frame(rows: list[dict]):
    """The decisions as an Arrow table with DATE columns (as the store holds them)."""
    import pyarrow as pa

    frame = pd.DataFrame(rows, columns=COLUMNS[DECISIONS])
    fields = [
        pa.field(c, pa.date32() if c in DATE_COLUMNS else pa.string()) for c in COLUMNS[DECISIONS]
    ]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


# how the dossiers reach the expressions: "looked up" (frames: the expressions look their days
# up in the calendar) or "stored" (a store's table with the working-day ordinals computed at
# load); tests/test_expressions.py runs every case both ways
WAYS = ("looked up", "stored")
WAY = {"now": "looked up"}


def engine(rows: list[dict], procedures=None, decisions=()):
    calendar = load_calendar().frame()
    frames = {
        DOSSIERS: dossiers_frame(rows),
        PROCEDURES: procedures if procedures is not None else procedures_frame(),
        DECISIONS: decisions_frame(list(decisions)),
    }
    if WAY["now"] == "looked up":
        return duckdb_engine(calendar=calendar, frames=frames)
    con = duckdb.connect()
    ensure_schema_con(con)
    cols = ", ".join(COLUMNS[DOSSIERS])
    con.register("kit_rows", frames.pop(DOSSIERS))
    con.execute(f"INSERT INTO dossier_records ({cols}) SELECT {cols} FROM kit_rows")
    con.unregister("kit_rows")
    refresh_workdays(con, calendar)
    eng = duckdb_engine(con, calendar=calendar, frames=frames)
    assert eng.stored_ordinals
    return eng


MARCH = Window("2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def counts(rows: list[dict], window: Window = MARCH, **kw) -> dict:
    """The pooled counts of the dossiers (one unit) as a dict."""
    eng = engine(rows, **kw)
    d, p, c = eng.table(DOSSIERS), eng.table(PROCEDURES), eng.table("calendar")
    out = eng.execute(dossier_counts(d, p, c, window))
    return out.drop(columns=["unit_id", "wkey"]).sum().to_dict() if len(out) else {}


def costs(rows: list[dict], window: Window = MARCH, **kw) -> pd.DataFrame:
    eng = engine(rows, **kw)
    d, p, c = eng.table(DOSSIERS), eng.table(PROCEDURES), eng.table("calendar")
    out = eng.execute(dossier_costs(d, p, c, window))
    return out.sort_values(["indicator", "dossier_id"]).reset_index(drop=True)


def judged_decisions(rows: list[dict], window: Window, rules=DEFAULT_RULES) -> pd.DataFrame:
    eng = engine([dossier()], decisions=rows)
    dec, c = eng.table(DECISIONS), eng.table("calendar")
    return eng.execute(decision_rows(dec, c, window, rules))


def decision_totals(rows: list[dict], window: Window, rules=DEFAULT_RULES) -> dict:
    eng = engine([dossier()], decisions=rows)
    dec, c = eng.table(DECISIONS), eng.table("calendar")
    out = eng.execute(decision_counts(dec, c, window, rules))
    return out.drop(columns=["unit_id"]).sum().to_dict()

"""The dossier rules, one hand-built case each, run through the Ibis expressions on DuckDB —
each case twice: the days looked up in the calendar, and the working-day ordinals the store
computed at load."""

from __future__ import annotations

import datetime as dt

import pytest

import dossier_kit
from chiso766.engines.expressions import Rules, Window, month_windows
from dossier_kit import MARCH, costs, counts, decision, decision_totals, dossier, judged_decisions

FEBRUARY = Window("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28))


@pytest.fixture(autouse=True, params=dossier_kit.WAYS)
def _way(request):
    dossier_kit.WAY["now"] = request.param
    yield
    dossier_kit.WAY["now"] = "looked up"


def late(rows, window=MARCH, **kw):
    """{dossier id: (reason, days)} of the 2.1 costs."""
    c = costs(rows, window, **kw)
    c = c[c["indicator"] == "2.1"]
    return {r.dossier_id: (r.reason, r.days) for r in c.itertuples()}


# ---- 2.1 on time ------------------------------------------------------------------------------


def test_finished_exactly_on_the_appointment_date_is_on_time():
    # due Fri 06/3 at 08:00, finished that day at 16:45: the day counts, not the hour
    rows = [dossier(1, due_at="2026-03-06 08:00", finished_at="2026-03-06 16:45")]
    c = counts(rows)
    assert (c["n_on_time"], c["n_received"]) == (1, 1)
    assert late(rows) == {}


def test_finished_one_working_day_after_the_appointment_is_overdue_by_one():
    rows = [dossier(1, finished_at="2026-03-09 08:00")]  # Fri 06/3 → Mon 09/3
    assert counts(rows)["n_on_time"] == 0
    assert late(rows) == {"HS-0001": ("late_finished", 1)}


def test_one_supplement_request_without_completion_ends_at_the_request_date():
    # requested on Thu 05/3 (before the due date), never completed: judged at the request
    rows = [
        dossier(
            1,
            status="in_progress",
            finished_at=None,
            supplement_requests=1,
            supplement_requested_at="2026-03-05 10:00",
        )
    ]
    assert counts(rows)["n_on_time"] == 1


def test_one_supplement_request_after_the_due_date_is_late_at_the_request():
    rows = [
        dossier(
            1,
            status="in_progress",
            finished_at=None,
            supplement_requests=1,
            supplement_requested_at="2026-03-10 10:00",
        )
    ]
    assert late(rows) == {"HS-0001": ("late_at_request", 2)}


def test_two_supplement_requests_are_overdue_even_when_finished_early():
    rows = [
        dossier(
            1,
            finished_at="2026-03-04",
            supplement_requests=2,
            supplement_requested_at="2026-03-03",
        )
    ]
    assert counts(rows)["n_on_time"] == 0
    assert late(rows)["HS-0001"][0] == "supplement_multi"
    reason = costs(rows)
    assert reason.loc[reason["indicator"] == "2.1", "supplement_requests"].tolist() == [2]


def test_the_citizens_supplement_days_are_not_counted():
    # finished Wed 11/3, three working days after the due date, but the citizen took three
    base = dict(
        finished_at="2026-03-11",
        supplement_requests=1,
        supplement_requested_at="2026-03-03",
    )
    assert counts([dossier(1, **base, citizen_days=3)])["n_on_time"] == 1
    assert late([dossier(1, **base, citizen_days=2)]) == {"HS-0001": ("late_finished", 1)}


@pytest.mark.parametrize(
    ("due", "on_time", "over"),
    [("2026-03-20", 0, 7), ("2026-04-03", 1, None)],
    ids=["appointment-before-period-end", "appointment-after-period-end"],
)
def test_in_progress_at_the_period_end_is_judged_at_the_period_end(due, on_time, over):
    rows = [dossier(1, status="in_progress", finished_at=None, due_at=due)]
    assert counts(rows)["n_on_time"] == on_time
    # Fri 20/3 → Tue 31/3 is seven working days
    assert late(rows).get("HS-0001") == (("late_in_progress", over) if over else None)


def test_finished_after_the_period_end_counts_as_in_progress_at_its_end():
    rows = [dossier(1, due_at="2026-03-20", finished_at="2026-04-10")]
    assert late(rows) == {"HS-0001": ("late_in_progress", 7)}
    assert counts(rows)["n_finished"] == 0


def test_no_appointment_date_uses_the_legal_time_in_working_days_across_tet():
    # received Fri 13/02/2026, 5 working days → Fri 27/02 (Tết 16–20/02 off)
    common = dict(received_at="2026-02-13 09:00", due_at=None, procedure_code="P-PAPER")
    on_time = [dossier(1, **common, finished_at="2026-02-27 16:00")]
    overdue = [dossier(2, **common, finished_at="2026-03-02 09:00")]
    assert counts(on_time, FEBRUARY)["n_on_time"] == 1
    march_end = Window("2026-02..03", dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    assert late(overdue, march_end) == {"HS-0002": ("late_finished", 1)}


def test_an_appointment_on_a_day_off_moves_to_the_next_working_day():
    # due Sat 07/3, finished Mon 09/3: still on time
    rows = [dossier(1, due_at="2026-03-07", finished_at="2026-03-09")]
    assert counts(rows)["n_on_time"] == 1


def test_withdrawn_after_receipt_ends_at_the_withdrawal():
    rows = [
        dossier(1, status="withdrawn", finished_at="2026-03-04"),
        dossier(2, status="withdrawn", finished_at="2026-03-10"),
    ]
    c = counts(rows)
    assert (c["n_on_time"], c["n_received"]) == (1, 2)
    assert late(rows) == {"HS-0002": ("late_finished", 2)}
    assert c["n_result"] == 0  # no result: not in 4.1


def test_the_end_of_processing_is_the_earliest_of_its_dates():
    rows = [dossier(1, finished_at="2026-03-10", returned_at="2026-03-05", status="returned")]
    assert counts(rows)["n_on_time"] == 1


# ---- 3.3 and the other dossier indicators -----------------------------------------------------


def test_online_dossier_of_a_procedure_with_a_paper_result_needs_an_electronic_result():
    rows = [
        dossier(1, procedure_code="P-PAPER", e_result=False),
        dossier(2, procedure_code="P-EONLY", e_result=False),
        dossier(3, procedure_code="P-PAPER", e_result=True),
        dossier(4, channel="direct"),
    ]
    c = counts(rows)
    assert (c["n_online"], c["n_received"]) == (2, 4)
    got = costs(rows)
    got = got[got["indicator"] == "3.3"]
    assert dict(zip(got["dossier_id"], got["reason"], strict=True)) == {
        "HS-0001": "online_no_e_result",
        "HS-0004": "not_online",
    }


def test_payment_result_digitised_reused_satisfaction_counts():
    rows = [
        dossier(1, fee=True, paid_online=True, rating=None),
        dossier(2, fee=True, paid_online=False, digitised=False, rating="unsatisfied"),
        dossier(3, status="in_progress", finished_at=None, due_at="2026-04-20", reused=False),
        dossier(4, e_result=False, status="refused"),
    ]
    c = counts(rows)
    assert (c["n_paid"], c["n_fee"]) == (1, 2)
    assert (c["n_e_result"], c["n_result"]) == (2, 2)  # refused and in progress: no result
    assert (c["n_digitised"], c["n_received"]) == (3, 4)
    assert c["n_reused"] == 3
    assert (c["n_satisfied"], c["n_rated"]) == (2, 3)
    reasons = costs(rows).groupby("indicator")["reason"].first().to_dict()
    assert reasons["3.6"] == "not_paid_online"
    assert reasons["4.2"] == "not_digitised"
    assert reasons["5.4"] == "unsatisfied"


def test_sync_counts_dossiers_received_earlier_and_finished_in_the_window():
    rows = [
        dossier(1, synced=False),
        dossier(2, received_at="2026-02-25", due_at="2026-03-04", finished_at="2026-03-03"),
        dossier(3, received_at="2026-02-25", due_at="2026-03-04", finished_at="2026-02-27"),
    ]
    c = counts(rows)
    assert (c["n_synced"], c["n_sync"]) == (1, 2)
    assert c["n_received"] == 1  # the carried-in dossier is not in 2.1
    got = costs(rows)
    assert got.loc[got["indicator"] == "1.4", "dossier_id"].tolist() == ["HS-0001"]


def test_average_processing_time_in_working_days():
    rows = [
        dossier(1, finished_at="2026-03-04"),  # 2 working days
        dossier(2, finished_at="2026-03-09", citizen_days=1),  # 5 − 1
        dossier(3, status="in_progress", finished_at=None, due_at="2026-04-20"),
    ]
    c = counts(rows)
    assert (c["sum_days"], c["n_finished"]) == (6, 2)


def test_month_windows_cover_the_year():
    months = month_windows(2026)
    assert [m.key for m in months][:2] == ["2026-01", "2026-02"]
    assert months[1].end == dt.date(2026, 2, 28)
    assert months[-1].end == dt.date(2026, 12, 31)


# ---- 1.1 and 1.2 from the publication decisions ------------------------------------------------


def test_publication_five_working_days_before_the_effect_is_on_time_across_tet():
    # the legal basis takes effect Wed 25/02/2026; Tết 16–20/02: Wed 11/02 is five working
    # days before it (11, 12, 13, 23, 24), Thu 12/02 only four
    rows = [
        decision(decision_number="100/QĐ-UBND", decision_date=dt.date(2026, 2, 11)),
        decision(
            ministry_decision="77/QĐ-BTP",
            decision_number="101/QĐ-UBND",
            decision_date=dt.date(2026, 2, 12),
        ),
    ]
    got = judged_decisions(rows, FEBRUARY).set_index("decision_number")
    assert bool(got.loc["100/QĐ-UBND", "pub_on_time"]) is True
    assert bool(got.loc["101/QĐ-UBND", "pub_on_time"]) is False
    assert got.loc["101/QĐ-UBND", "pub_late"] == 1
    # the strict reading wants five working days strictly between: neither meets it
    assert not got["pub_on_time_strict"].any()
    totals = decision_totals(rows, FEBRUARY)
    assert (totals["n_pub_on_time"], totals["n_pub"]) == (1, 2)
    strict = decision_totals(rows, FEBRUARY, Rules(reading="strict"))
    assert strict["n_pub_on_time"] == 0


def test_the_worked_examples_of_the_calendar_notes():
    # effective Mon 06/05/2024: the latest decision date is Thu 25/04/2024 (Sat 04/05 worked)
    window = Window("2024-04", dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    rows = [
        decision(
            decision_number="a",
            decision_date=dt.date(2024, 4, 25),
            effective_date=dt.date(2024, 5, 6),
        ),
        decision(
            ministry_decision="x",
            decision_number="b",
            decision_date=dt.date(2024, 4, 26),
            effective_date=dt.date(2024, 5, 6),
        ),
    ]
    got = judged_decisions(rows, window).set_index("decision_number")["pub_on_time"]
    assert got.to_dict() == {"a": True, "b": False}


def test_a_decision_not_yet_issued_is_late_at_the_period_end():
    rows = [decision(effective_date=dt.date(2026, 2, 25))]
    got = judged_decisions(rows, FEBRUARY)
    assert not got["pub_on_time"].iloc[0]
    assert got["pub_late"].iloc[0] == 5 + 2  # 25/02 → 27/02 is two more working days


def test_update_on_time_within_five_working_days_of_the_decision():
    rows = [
        decision(
            decision_number="1",
            decision_date=dt.date(2026, 3, 2),
            published_at=dt.date(2026, 3, 9),
            effective_date=dt.date(2026, 4, 1),
        ),
        decision(
            ministry_decision="m2",
            decision_number="2",
            decision_date=dt.date(2026, 3, 2),
            published_at=dt.date(2026, 3, 10),
            effective_date=dt.date(2026, 4, 1),
        ),
        decision(
            ministry_decision="m3",
            decision_number="3",
            decision_date=dt.date(2026, 3, 30),
            published_at=None,
            effective_date=dt.date(2026, 4, 20),
        ),
    ]
    got = judged_decisions(rows, MARCH).set_index("decision_number")
    assert got["upd_on_time"].to_dict() == {"1": True, "2": False, "3": True}
    assert got.loc["2", "upd_late"] == 1
    totals = decision_totals(rows, MARCH)
    assert (totals["n_upd_on_time"], totals["n_upd"]) == (2, 3)

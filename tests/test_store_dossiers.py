"""Dossier records in the store: atomic, idempotent loads; newer exports win."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chiso766 import store_dossiers as SD
from chiso766.ingest.dossier_inputs import read_export
from chiso766.ingest.dossier_schema import DECISIONS, DOSSIERS, PROCEDURES
from chiso766.store import Store, sha256_of

DATA = Path(__file__).parent / "data" / "dossiers"


def load(st: Store, *names: str):
    reads = [read_export(DATA / n) for n in names]
    return SD.save(st, reads, [sha256_of(DATA / n) for n in names])


def copy_one_record(st: Store, **changed: str) -> None:
    """Write one stored dossier again as 'X-<code>' by other means than a load (so without
    its derived columns), with ``changed`` columns set to SQL expressions."""
    cols = SD.COLUMNS[DOSSIERS]
    picked = ", ".join(changed.get(c, c) for c in cols[1:])
    st.con.execute(
        f"INSERT INTO dossier_records ({', '.join(cols)}) "
        f"SELECT 'X-' || dossier_id, {picked} FROM dossier_records LIMIT 1"
    )


def test_save_all_three_kinds(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        assert not SD.has_tables(st)
        assert SD.counts(st) == {DOSSIERS: 0, PROCEDURES: 0, DECISIONS: 0}
        done = load(st, "ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        assert [d.status for d in done] == ["ingested"] * 3
        assert SD.counts(st) == {DOSSIERS: 6, PROCEDURES: 3, DECISIONS: 3}
        rec = SD.read_table(st, DOSSIERS).set_index("dossier_id")
        # personal data is kept unmasked in the store, and only there
        assert rec.loc["000.00.12.H10-260302-0001", "phone"] == "0912345612"
        assert SD.date_span(st) == (dt.date(2026, 2, 11), dt.date(2026, 3, 20))
        assert SD.has_data_between(st, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        assert not SD.has_data_between(st, dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def test_the_same_file_twice_changes_nothing(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        again = load(st, "ho-so.csv")
        assert again[0].status == "unchanged"
        assert SD.counts(st)[DOSSIERS] == 6


def test_a_newer_export_replaces_the_same_dossier(tmp_path):
    text = (
        (DATA / "ho-so.csv")
        .read_text(encoding="utf-8")
        .replace(
            "03/03/2026 14:20,06/03/2026,,Đang xử lý",
            "03/03/2026 14:20,06/03/2026,10/03/2026,Từ chối",
        )
    )
    newer = tmp_path / "ho-so-moi.csv"
    newer.write_text(text, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        SD.save(st, [read_export(newer)], [sha256_of(newer)])
        rec = SD.read_table(st, DOSSIERS).set_index("dossier_id")
        assert SD.counts(st)[DOSSIERS] == 6
        assert rec.loc["000.00.12.H10-260303-0003", "status"] == "refused"


def test_a_failing_batch_stores_nothing(tmp_path):
    good = read_export(DATA / "ho-so.csv")
    bad = read_export(DATA / "thu-tuc.csv")
    bad.frame = pd.concat([bad.frame, bad.frame.iloc[:1]])  # a duplicate key: the insert fails
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(duckdb.Error):
            SD.save(st, [good, bad], ["a" * 64, "b" * 64])
        assert SD.counts(st) == {DOSSIERS: 0, PROCEDURES: 0, DECISIONS: 0}


def test_a_read_only_store_without_dossiers(tmp_path):
    with Store(tmp_path / "s.duckdb"):
        pass
    with Store(tmp_path / "s.duckdb", read_only=True) as st:
        assert not SD.has_tables(st)
        assert SD.date_span(st) is None
        assert SD.read_table(st, DOSSIERS).empty


def test_parquet_copies_for_spark(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        paths = SD.export_parquet(st, tmp_path / "pq")
    import pyarrow.parquet as pq

    schema = pq.read_schema(paths[DOSSIERS])
    assert str(schema.field("received_at").type) == "timestamp[us]"
    assert pq.read_table(paths[DECISIONS]).num_rows == 3


# ---- working-day ordinals ----------------------------------------------------------------------


def calendar_of(st: Store) -> pd.DataFrame:
    from chiso766.dossier_analytics import calendar_frame

    return calendar_frame(st)


def with_day_off(calendar: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The calendar with one more day off (a holiday file changed)."""
    cal = calendar.copy()
    cal.loc[cal["day"] == day, "is_workday"] = 0
    cal["wd_before"] = (cal["is_workday"].cumsum() - cal["is_workday"]).astype("int32")
    return cal


def test_a_load_computes_the_working_day_ordinals(tmp_path):
    from chiso766.ingest.calendar import calendar_for

    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv", "thu-tuc.csv")
        assert SD.workdays_valid(st.con, calendar_of(st))
        rows = st.con.execute(
            "SELECT received_at, due_at, least(finished_at, returned_at), "
            "supplement_requested_at, r_upto, due_before, end_upto, req_upto "
            "FROM dossier_records"
        ).fetchall()
        cal = calendar_for(SD.date_span(st))
        for received, due, end, req, r_upto, due_before, end_upto, req_upto in rows:
            assert r_upto == cal.upto(received.date())
            assert due_before == (None if due is None else cal.before(due.date()))
            assert end_upto == (None if end is None else cal.upto(end.date()))
            assert req_upto == (None if req is None else cal.upto(req.date()))
        # the ordinals are derived, not records: exports leave them out
        assert "r_upto" not in SD.read_table(st, DOSSIERS).columns


def test_ordinals_are_valid_only_for_the_calendar_they_were_computed_with(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        cal = calendar_of(st)
        assert SD.workdays_valid(st.con, cal)
        # a later year appended changes no earlier ordinal
        from chiso766.ingest.calendar import calendar_for

        last = cal["day"].iloc[-1]
        longer = calendar_for([*SD.date_span(st), dt.date(last.year + 1, 6, 1)]).frame()
        assert len(longer) > len(cal)
        assert SD.workdays_valid(st.con, longer)
        changed = with_day_off(cal, dt.date(2026, 3, 4))
        assert not SD.workdays_valid(st.con, changed)
        assert not SD.workdays_valid(st.con, cal.iloc[1:])  # another first day
        assert SD.refresh_workdays(st.con, changed) == "recomputed"
        assert SD.workdays_valid(st.con, changed)
        assert not SD.workdays_valid(st.con, cal)
        assert SD.refresh_workdays(st.con, changed) == "unchanged"


def test_the_next_load_recomputes_ordinals_of_a_changed_calendar(tmp_path, monkeypatch):
    from chiso766.ingest import calendar as C

    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        before = st.con.execute("SELECT sum(r_upto) FROM dossier_records").fetchone()[0]
        real = C.calendar_for

        class Changed:
            def __init__(self, days):
                self.cal = real(days)

            def frame(self):
                return with_day_off(self.cal.frame(), dt.date(2026, 2, 2))

        monkeypatch.setattr(C, "calendar_for", Changed)
        load(st, "thu-tuc.csv")
        after = st.con.execute("SELECT sum(r_upto) FROM dossier_records").fetchone()[0]
        assert after == before - 6  # every dossier was received after 2 February
        assert SD.workdays_valid(st.con, Changed(SD.date_span(st)).frame())


def test_records_written_without_ordinals_are_not_trusted(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        copy_one_record(st)
        assert not SD.workdays_valid(st.con, calendar_of(st))
        assert SD.refresh_workdays(st.con, calendar_of(st)) == "added"
        assert SD.workdays_valid(st.con, calendar_of(st))


def test_an_older_store_without_ordinals_still_works_and_migrates(tmp_path):
    from chiso766 import dossier_analytics as DA

    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        load(st, "ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        expected = DA.compute(st, "2026-03").table
        # the store as it was before the ordinals were kept
        for col in SD.WORKDAY_COLUMNS:
            st.con.execute(f"ALTER TABLE dossier_records DROP COLUMN {col}")
        st.con.execute("DROP TABLE dossier_workdays")
    with Store(path, read_only=True) as st:
        assert not SD.workdays_valid(st.con, calendar_of(st))
        with DA.open_engine(st) as eng:
            assert not eng.stored_ordinals
        pd.testing.assert_frame_equal(DA.compute(st, "2026-03").table, expected)
    with Store(path) as st:
        assert load(st, "ho-so.csv")[0].status == "unchanged"  # a load migrates all the same
        assert SD.workdays_valid(st.con, calendar_of(st))
        with DA.open_engine(st) as eng:
            assert eng.stored_ordinals
        pd.testing.assert_frame_equal(DA.compute(st, "2026-03").table, expected)


def test_a_load_without_a_calendar_for_its_years_still_stores(tmp_path, monkeypatch):
    from chiso766.compute.workdays import CalendarError
    from chiso766.ingest import calendar as C

    def no_calendar(days):
        raise CalendarError("no working-day calendar for 2026")

    monkeypatch.setattr(C, "calendar_for", no_calendar)
    with Store(tmp_path / "s.duckdb") as st:
        assert [d.status for d in load(st, "ho-so.csv")] == ["ingested"]
        assert SD.counts(st)[DOSSIERS] == 6
        monkeypatch.undo()
        assert not SD.workdays_valid(st.con, calendar_of(st))  # looked up until the next load


def test_a_store_with_ordinals_but_not_days_and_codes_still_works_and_migrates(tmp_path):
    from chiso766 import dossier_analytics as DA

    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        load(st, "ho-so.csv", "thu-tuc.csv", "quyet-dinh.csv")
        expected = DA.compute(st, "2026-03")
        records = SD.read_table(st, DOSSIERS)
        files = st.con.execute("SELECT * FROM dossier_files ORDER BY file_id").fetchall()
        # the store as it was when only the ordinals were kept
        for col in SD.DERIVED_COLUMNS:
            st.con.execute(f"ALTER TABLE dossier_records DROP COLUMN {col}")
        st.con.execute("DROP TABLE dossier_units")
        st.con.execute("ALTER TABLE dossier_workdays DROP COLUMN layout")
    with Store(path, read_only=True) as st:
        assert not SD.workdays_valid(st.con, calendar_of(st))
        with DA.open_engine(st) as eng:
            assert not eng.stored_ordinals
        got = DA.compute(st, "2026-03")
        pd.testing.assert_frame_equal(got.table, expected.table)
        pd.testing.assert_frame_equal(got.costs, expected.costs)
    with Store(path) as st:
        assert load(st, "ho-so.csv")[0].status == "unchanged"  # a load migrates all the same
        assert SD.workdays_valid(st.con, calendar_of(st))
        with DA.open_engine(st) as eng:
            assert eng.stored_ordinals
        got = DA.compute(st, "2026-03")
        pd.testing.assert_frame_equal(got.table, expected.table)
        pd.testing.assert_frame_equal(got.costs, expected.costs)
        # nothing lost: the records and the history of files are as they were
        pd.testing.assert_frame_equal(SD.read_table(st, DOSSIERS), records)
        assert st.con.execute("SELECT * FROM dossier_files ORDER BY file_id").fetchall() == files


def test_days_and_codes_are_those_of_the_fields(tmp_path):
    from chiso766.engines.expressions import CODES

    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        rows = st.con.execute(
            "SELECT received_at, due_at, least(finished_at, returned_at), "
            "supplement_requested_at, r_day, due_day, end_day, req_day, channel, channel_code, "
            "status, status_code, rating, rating_code FROM dossier_records"
        ).fetchall()
        for row in rows:
            for ts, day in zip(row[:4], row[4:8], strict=True):
                assert day == (None if ts is None else ts.date())
            pairs = zip(row[8::2], row[9::2], strict=True)
            for field, (value, code) in zip(CODES, pairs, strict=True):
                assert code == (None if value is None else CODES[field].index(value) + 1)
        # a value outside the vocabulary gets 0 (compares unequal to every known value)
        copy_one_record(st, channel="'fax'")
        assert SD.refresh_workdays(st.con, calendar_of(st)) == "added"
        code = "SELECT channel_code FROM dossier_records WHERE dossier_id LIKE 'X-%'"
        assert st.con.execute(code).fetchall() == [(0,)]


def test_a_unit_keeps_its_code_and_a_new_unit_gets_the_next(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        units = dict(st.con.execute("SELECT unit_id, unit_code FROM dossier_units").fetchall())
        assert sorted(units.values()) == list(range(1, len(units) + 1))
        copy_one_record(st, unit_id="'commune:new'")
        assert SD.refresh_workdays(st.con, calendar_of(st)) == "added"
        now = dict(st.con.execute("SELECT unit_id, unit_code FROM dossier_units").fetchall())
        assert now == {**units, "commune:new": len(units) + 1}
        pairs = st.con.execute(
            "SELECT DISTINCT r.unit_id, r.unit_code, u.unit_code FROM dossier_records r "
            "JOIN dossier_units u USING (unit_id)"
        ).fetchall()
        assert all(a == b for _, a, b in pairs) and len(pairs) == len(now)


def test_columns_computed_as_records_are_inserted_equal_a_recomputation(tmp_path, monkeypatch):
    """A load computes a new dossier's ordinals, days and codes in its INSERT (the stored
    ones agree with the calendar): the same values as recomputing every record."""
    text = (DATA / "ho-so.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    newer = tmp_path / "ho-so-moi.csv"  # another file: a replaced dossier and new ones
    moved = [line.replace("-0001,", "-9001,").replace("-0002,", "-9002,") for line in lines[1:]]
    newer.write_text("\n".join([lines[0], lines[1], *moved]) + "\n", encoding="utf-8")
    derived = ", ".join(["dossier_id", *SD.WORKDAY_COLUMNS, *SD.DERIVED_COLUMNS])
    with Store(tmp_path / "s.duckdb") as st:
        load(st, "ho-so.csv")
        refreshed: list[str] = []
        real = SD.refresh_workdays
        monkeypatch.setattr(SD, "refresh_workdays", lambda *a: refreshed.append(real(*a)))
        SD.save(st, [read_export(newer)], [sha256_of(newer)])
        assert refreshed == ["unchanged"]  # the INSERT computed them: nothing left to do
        assert SD.workdays_valid(st.con, calendar_of(st))
        inserted = st.con.execute(f"SELECT {derived} FROM dossier_records ORDER BY 1").fetchall()
        assert len(inserted) > 6 and all(None not in row[:2] for row in inserted)
        st.con.execute("DELETE FROM dossier_workdays")  # no stamp: every record recomputed
        assert real(st.con, calendar_of(st)) == "recomputed"
        again = st.con.execute(f"SELECT {derived} FROM dossier_records ORDER BY 1").fetchall()
    assert inserted == again


def test_the_same_file_twice_in_one_load_is_stored_once(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        done = load(st, "ho-so.csv", "ho-so.csv")
        assert [d.status for d in done] == ["ingested", "unchanged"]
        assert SD.counts(st)[DOSSIERS] == 6
        assert SD.workdays_valid(st.con, calendar_of(st))

"""store/summary.py: what `chiso766 status` shows, as data."""

from __future__ import annotations

from chiso766.store import Store


def test_the_summary_of_seed_004(seed_store):
    with Store(seed_store, read_only=True) as st:
        info = st.summary()
    assert info["store"] == str(seed_store) and info["bytes"] > 0
    assert len(info["sources"]) == 5
    assert all(s["kind"] == "table" and len(s["sha256"]) == 64 for s in info["sources"])
    assert sum(s["current_values"] for s in info["sources"]) == info["history"]["current"]
    assert info["units"] == {
        "province": 1, "department": 13, "district": 11, "commune": 1, "branch": 3
    }  # fmt: skip
    snaps = info["snapshots"]
    assert (snaps["count"], snaps["first"], snaps["last"]) == (4, "2024", "2025-04-10")
    assert snaps["by_kind"] == {"year": 1, "day": 3}
    assert snaps["latest"]["snapshot"] == "2025-04-08" and snaps["latest"]["scored"]
    assert info["history"]["keys_changed"] == 0 and info["records"] == {}


def test_a_changed_value_is_counted(tmp_path, write_csv):
    from conftest import ingest_files

    store = tmp_path / "s.duckdb"
    ingest_files(store, write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,81\n", "a.csv"))
    ingest_files(store, write_csv("Đơn vị,Điểm đánh giá (27/3/2025)\nSở Nội vụ,91\n", "b.csv"))
    with Store(store, read_only=True) as st:
        history = st.summary()["history"]
    assert history == {"recorded": 2, "current": 1, "keys_changed": 1}


def test_the_demo_counts_its_records(demo_dossier_store):
    with Store(demo_dossier_store, read_only=True) as st:
        info = st.summary()
    assert info["records"]["dossiers"] > 0 and info["records"]["procedures"] > 0
    assert info["snapshots"]["count"] == 52 and info["sources"][0]["kind"] == "demo"

"""One ingest call: every input read (tables and portal folders), every problem collected."""

import json
import shutil
from pathlib import Path

import pytest

from chiso766.ingest.batch import Options, read_sources
from chiso766.store import Store

# behaviour, in English; the Vietnamese wording is tested in test_i18n.py and test_cli.py
pytestmark = pytest.mark.usefixtures("english_module")

DATA = Path(__file__).parent / "data"
TINY = DATA / "portal" / "tiny-2026-08"


def test_tables_and_portal_folders_in_one_batch(tmp_path):
    reads, problems = read_sources(
        [DATA / "seed004" / "004-departments.csv", TINY], Options(period="2026-08")
    )
    assert problems == [] and [r.kind for r in reads] == ["table", "portal"]
    with Store(tmp_path / "s.duckdb") as st:
        results = st.ingest_many([r.load for r in reads])
    assert [r.status for r in results] == ["ingested", "ingested"]
    assert reads[0].describe(results[0]).endswith("(one row per unit, qd766-2022)")


def test_every_problem_of_every_file_is_collected(tmp_path, write_csv):
    bad = write_csv("Đơn vị,Tổng điểm (08/4/2025)\nSở A,150\n", "bad.csv")
    undated = write_csv("Đơn vị,Tổng điểm\nSở A,50\n", "undated.csv")
    folder = tmp_path / "portal"
    shutil.copytree(TINY, folder)
    reads, problems = read_sources(
        [bad, undated, folder, tmp_path / "missing.csv"], Options(period="2026-13")
    )
    assert reads == []
    files = [Path(p.file).name for p in problems]
    assert files == ["bad.csv", "undated.csv", "portal", "missing.csv"]


def test_table_warnings_travel_with_the_source(tmp_path, write_csv):
    path = write_csv(
        'Đơn vị,"Điểm (27/3/2025)","Điểm (08/4/2025)","Tăng, giảm"\n'
        'Sở Nội vụ,"90,41","95,59","5,00"\n'
    )
    (read,), _ = read_sources([path], Options())
    with Store(tmp_path / "s.duckdb") as st:
        st.ingest_many([read.load])
        meta = json.loads(st.sources()["meta"].iloc[0])
    assert meta["layout"] == "units" and "published change differs" in meta["warnings"][0]

"""manifest: written atomically, read back, decides whether a report is up to date."""

from __future__ import annotations

from pathlib import Path

from chiso766.render import manifest as M


def sample(**extra) -> M.Manifest:
    base = dict(
        kind="unit", title="Phiếu kết quả", period="2025-W15", period_label="tuần 15",
        province="UBND tỉnh Bình Phước", request={"period": "2025-W15", "unit": "u"},
        input_hash="abc", notebook="unit_scorecard.ipynb", notebook_sha256="n1", library="0.1+x",
    )  # fmt: skip
    return M.Manifest(**{**base, **extra})


def test_round_trip_and_key(tmp_path: Path) -> None:
    (tmp_path / "r.html").write_text("<p>x</p>")
    m = sample(files={"html": M.file_entry(tmp_path / "r.html")})
    M.write_json(tmp_path / M.MANIFEST, m.to_json())
    back = M.read_manifest(tmp_path)
    assert back == m and back.key() == m.key()
    assert sample(input_hash="other").key() != m.key()
    assert sample(notebook_sha256="n2").key() != m.key()
    assert sample(provisional=True).key() != m.key()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["r.html", M.MANIFEST])


def test_complete_only_when_every_file_is_there(tmp_path: Path) -> None:
    (tmp_path / "r.html").write_text("<p>x</p>")
    m = sample(files={"html": M.file_entry(tmp_path / "r.html")})
    assert m.complete_in(tmp_path, ("html",))
    assert not m.complete_in(tmp_path, ("html", "pdf"))
    (tmp_path / "r.html").write_text("<p>changed</p>")
    assert not m.complete_in(tmp_path, ("html",))
    assert not sample(status="failed").complete_in(tmp_path, ())


def test_unreadable_manifests_are_none(tmp_path: Path) -> None:
    assert M.read_manifest(tmp_path) is None
    (tmp_path / M.MANIFEST).write_text("[1, 2")
    assert M.read_manifest(tmp_path) is None
    (tmp_path / M.MANIFEST).write_text("[1, 2]")
    assert M.read_manifest(tmp_path) is None


def test_library_fingerprint_names_the_version() -> None:
    assert M.library_fingerprint().startswith("0.") and "+" in M.library_fingerprint()

"""index: reports/index.html built from manifests only — titles, units by level, demo and
provisional marks, failed attempts, escaped names, relative quoted links, newest first."""

from __future__ import annotations

from pathlib import Path

from chiso766.render.index import collect, update_index
from chiso766.render.manifest import FAILED, MANIFEST, Manifest, write_json
from chiso766.render.sanitize import remote_references


def publish(root: Path, period: str, folder: str, **fields) -> Path:
    path = root / period / folder
    path.mkdir(parents=True, exist_ok=True)
    stem = fields.pop("stem", folder.split("/")[-1])
    files = {}
    for fmt in fields.pop("formats", ("html", "pdf")):
        (path / f"{stem}.{fmt}").write_text("x" * 2048)
        files[fmt] = {"name": f"{stem}.{fmt}", "size": 2048, "sha256": "-"}
    m = Manifest(
        kind=fields.pop("kind", "province"),
        title=fields.pop("title", "Kết quả"),
        period=period,
        period_label=fields.pop("label", period),
        province="UBND tỉnh Tây Sơn",
        request={},
        input_hash="h",
        notebook="n",
        notebook_sha256="s",
        library="l",
        files=files,
        rendered_at="2026-12-01T08:30:00",
        **fields,
    )
    write_json(path / (FAILED if m.status == "failed" else MANIFEST), m.to_json())
    return path


def test_index_from_manifests(tmp_path: Path) -> None:
    publish(tmp_path, "2026-W47", "province", title='Kết quả <b>"odd"</b> & co',
            label="tuần thứ 47, tháng 11/2026", demo=True, snapshot="2026-11-17",
            taken="17/11/2026", stem="ubnd tinh&x")  # fmt: skip
    publish(tmp_path, "2026-W47", "units/so-y-te", kind="unit", unit="Sở Y tế",
            level="department", title="Phiếu")  # fmt: skip
    publish(tmp_path, "2026-W47", "units/ubnd-xa-a", kind="unit", unit="UBND xã A",
            level="commune", title="Phiếu")  # fmt: skip
    publish(tmp_path, "2026", "province", label="năm 2026", provisional=True,
            snapshot="2026-11-17")  # fmt: skip
    publish(tmp_path, "2025-W15", "province", label="tuần thứ 15, tháng 4/2025",
            snapshot="2025-04-08")  # fmt: skip
    publish(tmp_path, "2026-W47", "units/so-loi", kind="unit", unit="Sở Lỗi",
            level="department", status="failed", error="kernel died — out of memory?",
            formats=())  # fmt: skip
    (tmp_path / "2026-W47" / ".province.1.x.tmp").mkdir()  # a staging folder: not listed
    page = update_index(tmp_path).read_text(encoding="utf-8")
    assert "<b>" not in page and "Kết quả &lt;b&gt;&#34;odd&#34;&lt;/b&gt; &amp; co" in page
    assert 'href="2026-W47/province/ubnd%20tinh%26x.html"' in page
    assert 'href="2026-W47/units/so-y-te/so-y-te.pdf"' in page
    assert "dữ liệu mẫu" in page and "tạm tính" in page and "Số liệu ngày 17/11/2026" in page
    assert "Lần lập gần nhất bị lỗi (kernel died — out of memory?)" in page
    assert page.index("Tuần thứ 47") < page.index("Năm 2026") < page.index("Tuần thứ 15")
    assert page.index("Sở Y tế") < page.index("UBND xã A")  # departments before communes
    assert "08 giờ 30 ngày 01/12/2026" in page
    assert remote_references(page) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index")]


def test_collect_groups_units_by_level(tmp_path: Path) -> None:
    publish(tmp_path, "2026-W47", "province")
    publish(tmp_path, "2026-W47", "units/b", kind="unit", unit="B", level="commune")
    publish(tmp_path, "2026-W47", "units/a", kind="unit", unit="A", level="department")
    (period,) = collect(tmp_path)
    assert period["province"]["files"][0]["href"] == "2026-W47/province/province.html"
    assert [g["level"] for g in period["levels"]] == ["department", "commune"]


def test_an_empty_reports_folder(tmp_path: Path) -> None:
    assert "Chưa có báo cáo nào." in update_index(tmp_path / "new").read_text(encoding="utf-8")

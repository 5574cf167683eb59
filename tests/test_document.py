"""document: an announcement leaves the kernel as JSON and comes back whole."""

from __future__ import annotations

import json

from chiso766.report.document import (
    Appendix,
    Bullets,
    Document,
    Figure,
    Heading,
    Para,
    Table,
    from_json,
    to_json,
)


def test_round_trip_through_json():
    table = Table(["STT", "Đơn vị"], [["1", "Sở <A>"]], [False, False], [1, 5], css="units")
    doc = Document(
        title="t", governing_body="UBND TỈNH X", issuing_office="VĂN PHÒNG",
        number_line="Số: 01/TB-VPUBND", date_line="X, ngày 01 tháng 01 năm 2026",
        form="thong_bao", kind_name="THÔNG BÁO", subject="Về …", addressees=[], grounds=[],
        notice=[], body=[Heading("I. A"), Para("p"), Bullets(["a"]), table,
                         Figure("<svg/>", 10, 5, "f")],
        closing=["./."], authority=["KT. CHÁNH VĂN PHÒNG"], signer_title="PHÓ CHÁNH VĂN PHÒNG",
        signer_name="", recipients=["- Lưu: VT."],
        appendices=[Appendix("I", "T", "(Kèm theo …)", [table], landscape=True)],
        layout={"margins_mm": {"top": 20, "bottom": 20, "left": 30, "right": 15}, "body_pt": 13,
                "first_line_indent_cm": 1.0, "line_spacing": 1.15},
    )  # fmt: skip
    back = from_json(json.loads(json.dumps(to_json(doc), ensure_ascii=False)))
    assert back == doc
    assert not table.wide and Table(["c"] * 8, [], [False] * 8, [1] * 8).wide

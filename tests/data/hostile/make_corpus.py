"""Write the hostile corpus: malformed or adversarial inputs, each refused by the CLI.

Run once (``python tests/data/hostile/make_corpus.py``) to regenerate the files and
``cases.json``; the files are checked in, so tests never run this. Every case names the
command to run (``{store}`` is a copy of a small store, ``{here}`` this folder) and what the
message must name: the file, and the place (row, column, field, cell…).
"""

from __future__ import annotations

import io
import json
import random
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES: list[dict] = []
HEADER = "Đơn vị,Điểm đánh giá (08/4/2025)"


def case(name: str, path: str, args: list[str], expect: list[str], note: str) -> None:
    CASES.append({"name": name, "path": path, "args": args, "expect": expect, "note": note})


def write(rel: str, data: bytes | str) -> Path:
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def ingest(rel: str) -> list[str]:
    return ["ingest", "{here}/" + rel, "--store", "{store}"]


# ---- CSV tables --------------------------------------------------------------------------
def csv_cases() -> None:
    rank = "Đơn vị,Điểm đánh giá (08/4/2025),Xếp hạng (08/4/2025),Số tỉnh (08/4/2025)\n"
    tables = {
        "rank-400-digits.csv": (rank + f"UBND tỉnh Bình Phước,75,{'9' * 400},63\n", "row 2"),
        "rank-1e309.csv": (rank + "UBND tỉnh Bình Phước,75,1e309,63\n", "row 2"),
        "count-400-digits.csv": (
            f"Đơn vị,Hồ sơ quá hạn (08/4/2025)\nSở Nội vụ,{'1' * 400}\n",
            "row 2",
        ),
        "total-400-digits.csv": (f"{HEADER}\nSở Nội vụ,{'8' * 400}\n", "row 2"),
        "header-only.csv": (f"{HEADER}\n", "row 2"),
        "blank-rows-only.csv": (f"{HEADER}\n,\n , \n,\n", "row 2"),
        "negative-total.csv": (f"{HEADER}\nSở Nội vụ,-32.5\n", "row 2"),
        "rate-above-100.csv": ("Đơn vị,Năm 2024 (%)\nSở Nội vụ,500\n", "row 2"),
        "points-above-max.csv": (f"{HEADER}\nSở Nội vụ,150\n", "row 2"),
        "rank-zero.csv": (rank + "UBND tỉnh Bình Phước,75,0,63\n", "row 2"),
        "rank-fraction.csv": (rank + "UBND tỉnh Bình Phước,75,2.5,63\n", "row 2"),
        "rank-above-of.csv": (rank + "UBND tỉnh Bình Phước,75,64,63\n", "row 2"),
        "nan-text.csv": (f"{HEADER}\nSở Nội vụ,nan\n", "row 2"),
        "infinity-text.csv": (f"{HEADER}\nSở Nội vụ,Infinity\n", "row 2"),
        "duplicate-unit.csv": (f"{HEADER}\nSở Nội vụ,80\nSở  nội vụ,81\n", "row 3"),
        "unknown-level.csv": ("Đơn vị,Cấp,Điểm đánh giá (08/4/2025)\nSở A,Bộ,80\n", "row 2"),
        "unknown-header.csv": ("Đơn vị,Cột lạ (08/4/2025)\nSở Nội vụ,80\n", "first 20 rows"),
        "invalid-date-header.csv": ("Đơn vị,Điểm đánh giá (31/02/2025)\nSở Nội vụ,80\n", "row 1"),
        "values-without-header.csv": (f"{HEADER},\nSở Nội vụ,80,12\n", "column 3"),
        "undated.csv": ("Đơn vị,Tổng điểm\nSở Nội vụ,80\n", "date"),
        "bidi-name.csv": (f"{HEADER}\nSở \u202eụv iộN\u202c,80\n", "row 2"),
        "isolate-name.csv": (f"{HEADER}\nSở \u2067Nội vụ\u2069,80\n", "row 2"),
        "nul-in-name.csv": (f"{HEADER}\nSở Nội\x00 vụ,80\n", "row 2"),
        "control-char-name.csv": (f"{HEADER}\nSở Nội\x07 vụ,80\n", "row 2"),
        "name-400-chars.csv": (f"{HEADER}\nSở {'Rất Dài ' * 50},80\n", "row 2"),
        "overlong-field.csv": (f'{HEADER}\n"Sở {"A" * 140_000}",80\n', "row 2"),
        "tone-twin-without-marks.csv": (
            f"{HEADER}\nUBND xã Hòa An,80\nUBND xa Hoa An,81\n",
            "row 3",
        ),
        "no-unit-column.csv": (
            "Điểm đánh giá (08/4/2025),Xếp hạng (08/4/2025)\n80,1\n",
            "first 20 rows",
        ),
        "indicators-no-unit.csv": (
            "TT,Chỉ số,Ngày 08/4/2025 (%)\n1,Tỷ lệ hồ sơ nộp trực tuyến,61\n",
            "unit",
        ),
        "note-with-bidi.csv": (
            f"{HEADER},Ghi chú\nSở Nội vụ,80,\u202egnóc aưhc\n",
            "row 2",
        ),
    }
    for name, (text, place) in tables.items():
        rel = f"tables/{name}"
        write(rel, text)
        case(name, rel, ingest(rel), [name, place], "CSV")
    write("tables/latin1.csv", f"{HEADER}\nSở Nội vụ,80\n".encode("cp1258", "replace"))
    case(
        "latin1.csv",
        "tables/latin1.csv",
        ingest("tables/latin1.csv"),
        ["latin1.csv", "UTF-8"],
        "CSV",
    )
    rng = random.Random(766)
    write("tables/binary-junk.csv", bytes(rng.randrange(256) for _ in range(3000)))
    case(
        "binary-junk.csv",
        "tables/binary-junk.csv",
        ingest("tables/binary-junk.csv"),
        ["binary-junk.csv", "UTF-8"],
        "CSV",
    )
    write("tables/empty.csv", b"")
    case(
        "empty.csv", "tables/empty.csv", ingest("tables/empty.csv"), ["empty.csv", "header"], "CSV"
    )
    write("tables/table.ods", b"PK\x03\x04 not really")
    case("table.ods", "tables/table.ods", ingest("tables/table.ods"), ["table.ods", ".ods"], "CSV")
    # a good file and a bad one in one call: nothing of the good one may be stored
    write("tables/good.csv", f"{HEADER}\nSở Xây dựng,77\n")
    case(
        "good-and-bad",
        "tables/good.csv",
        [
            "ingest",
            "{here}/tables/good.csv",
            "{here}/tables/negative-total.csv",
            "--store",
            "{store}",
        ],
        ["negative-total.csv", "row 2"],
        "CSV",
    )


# ---- XLSX workbooks ----------------------------------------------------------------------
def _xlsx(rows: list[list], formulas: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for cell, formula in (formulas or {}).items():
        ws[cell] = formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edit_sheet(data: bytes, old: str, new: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode("utf-8")
                assert old in text, (old, text[:400])
                body = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def xlsx_cases() -> None:
    header = ["Đơn vị", "Điểm đánh giá (08/4/2025)", "Xếp hạng (08/4/2025)", "Số tỉnh"]
    good = _xlsx([header, ["UBND tỉnh Bình Phước", 75.5, 20, 63]])
    rng = random.Random(9)
    junk_zip = io.BytesIO()
    with zipfile.ZipFile(junk_zip, "w") as z:
        z.writestr("junk.txt", "not a workbook")
    books = {
        "zip-of-junk.xlsx": (junk_zip.getvalue(), "XLSX"),
        "truncated.xlsx": (good[: len(good) // 2], "XLSX"),
        "encrypted.xlsx": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(4000)),
            "password-protected",
        ),
        "junk.xlsm": (bytes(rng.randrange(256) for _ in range(5000)), "XLSX"),
        "text-renamed.xlsx": ("Đơn vị,Tổng điểm\nSở A,80\n".encode(), "XLSX"),
        "nan-in-number-cell.xlsx": (_edit_sheet(good, "<v>75.5</v>", "<v>nan</v>"), "row 2"),
        "inf-in-number-cell.xlsx": (_edit_sheet(good, "<v>75.5</v>", "<v>1e309</v>"), "row 2"),
        "rank-1e309.xlsx": (_edit_sheet(good, "<v>20</v>", "<v>1e309</v>"), "row 2"),
        "formulas-without-values.xlsx": (
            _xlsx(
                [header, ["UBND tỉnh Bình Phước", None, 20, 63]],
                {"B2": "=70+5.5"},
            ),
            "cell B2",
        ),
        "header-only.xlsx": (_xlsx([header]), "row 2"),
        "negative-score.xlsx": (_xlsx([header, ["UBND tỉnh Bình Phước", -3, 20, 63]]), "row 2"),
        "bidi-name.xlsx": (_xlsx([header, ["UBND tỉnh \u202eBình Phước", 70, 20, 63]]), "row 2"),
        "empty-workbook.xlsx": (_xlsx([]), "header"),
        "big-text-number.xlsx": (
            _xlsx([header, ["UBND tỉnh Bình Phước", "9" * 400, 20, 63]]),
            "row 2",
        ),
    }
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        src = zipfile.ZipFile(io.BytesIO(good))
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<sheetData>", b"<sheetData>" + b" " * (210 * 1024 * 1024))
            z.writestr(item.filename, body)
    books["zip-bomb.xlsx"] = (bomb.getvalue(), "200 MB")
    for name, (data, place) in books.items():
        rel = f"xlsx/{name}"
        write(rel, data)
        case(name, rel, ingest(rel), [name, place], "XLSX")
    case(
        "missing-sheet",
        "xlsx/negative-score.xlsx",
        ingest("xlsx/negative-score.xlsx") + ["--sheet", "Trang 9"],
        ["negative-score.xlsx", "Trang 9"],
        "XLSX",
    )


# ---- portal folders ----------------------------------------------------------------------
TINY = HERE.parent / "portal" / "tiny-2026-08"


def _folder(name: str, edit, files: tuple[str, ...] = ("transparency.json",)) -> str:  # noqa: ANN001
    """A copy of one or more tiny endpoint files with ``edit(name, doc)`` applied."""
    rel = f"portal/{name}"
    folder = HERE / rel
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for f in files:
        doc = json.loads((TINY / f).read_text(encoding="utf-8"))
        out = edit(f, doc)
        write(
            f"{rel}/{f}",
            out if isinstance(out, str | bytes) else json.dumps(out, ensure_ascii=False),
        )
    return rel


def _set(path: str, value):  # noqa: ANN001, ANN202
    keys = path.split(".")

    def edit(_name, doc):  # noqa: ANN001, ANN202
        node = doc
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value
        return doc

    return edit


def portal_cases() -> None:
    per = ["--period", "2026-08"]
    edits = {
        "negative-total-score": (
            _set("data.evaluation.0.totalScore", -32.5),
            "evaluation[0].totalScore",
        ),
        "ratio-500": (
            _set("data.evaluation.0.metrics.2.ratio", 500),
            "evaluation[0].metrics[2].ratio",
        ),
        "score-above-max": (
            _set("data.evaluation.0.metrics.0.score", 99),
            "evaluation[0].metrics[0].score",
        ),
        "metrics-a-number": (_set("data.evaluation.0.metrics", 7), "evaluation[0].metrics"),
        "department-type-list": (
            _set("data.evaluation.0.departmentType", ["PROVINCIAL_DEPARTMENT"]),
            "departmentType",
        ),
        "department-id-object": (_set("data.evaluation.0.departmentId", {"a": 1}), "departmentId"),
        "department-name-number": (_set("data.evaluation.0.departmentName", 12), "departmentName"),
        "numerator-text": (
            _set("data.evaluation.0.metrics.0.numerator", "abc"),
            "metrics[0].numerator",
        ),
        "score-huge-int": (_set("data.evaluation.0.totalScore", 10**400), "totalScore"),
        "evaluation-a-string": (_set("data.evaluation", "none"), "evaluation"),
        "unit-a-string": (_set("data.evaluation.0", "Sở A"), "evaluation[0]"),
        "code-not-ok": (_set("code", "ERROR"), "code"),
        "data-a-list": (_set("data", [1, 2]), "data"),
        "bidi-unit-name": (
            _set("data.evaluation.0.departmentName", "Sở \u202eụv iộN"),
            "departmentName",
        ),
        "quality-message-list": (
            _set("data.evaluation.0.metrics.0.dataQualityMessage", ["x"]),
            "dataQualityMessage",
        ),
        "pagination-total-negative": (_set("data.pagination.total", -4), "pagination.total"),
    }
    for name, (edit, place) in edits.items():
        rel = _folder(name, edit)
        case(name, rel, ingest(rel) + per, [name, place], "portal")
    raw = {
        "infinity-score": ("-32.5", "Infinity", "totalScore"),
        "nan-score": ("-32.5", "NaN", "totalScore"),
        "pagination-1e400": ('"total": 3', '"total": 1e400', "pagination.total"),
        "pagination-nan": ('"total": 3', '"total": NaN', "pagination.total"),
    }
    for name, (old, new, place) in raw.items():
        base = _set("data.evaluation.0.totalScore", -32.5)

        def edit(f, doc, old=old, new=new, base=base):  # noqa: ANN001, ANN202
            text = json.dumps(base(f, doc), ensure_ascii=False)
            text = text.replace('"total": 2', '"total": 3') if "total" in old else text
            assert old in text, (old, text[:300])
            return text.replace(old, new, 1)

        rel = _folder(name, edit)
        case(name, rel, ingest(rel) + per, [name, place], "portal")
    rel = _folder("deep-nesting", lambda f, d: "[" * 200_000 + "]" * 200_000)
    case("deep-nesting", rel, ingest(rel) + per, ["deep-nesting", "nested"], "portal")
    rel = _folder("not-json", lambda f, d: b"\xff\xfe<html>Bad gateway</html>")
    case("not-json", rel, ingest(rel) + per, ["not-json", "JSON"], "portal")
    rel = _folder("truncated-json", lambda f, d: json.dumps(d)[:500])
    case("truncated-json", rel, ingest(rel) + per, ["truncated-json", "JSON"], "portal")
    rel = _folder("no-period", lambda f, d: d)
    case("no-period", rel, ingest(rel), ["no-period", "period"], "portal")
    case(
        "bad-period", rel, ingest(rel) + ["--period", "2026-13"], ["no-period", "period"], "portal"
    )
    # archives with a manifest
    archives = {
        "manifest-a-list": ([1, 2, 3], "manifest"),
        "manifest-files-strings": (
            {
                "kind": "chiso766-portal-archive",
                "period": "2026-08",
                "files": ["transparency.json"],
            },
            "files[0]",
        ),
        "manifest-traversal": (
            {
                "kind": "chiso766-portal-archive",
                "period": "2026-08",
                "files": [
                    {
                        "file": "../../../../../../etc/hostname",
                        "endpoint": "transparency",
                        "page": 1,
                    }
                ],
            },
            "files[0].file",
        ),
        "manifest-absolute-path": (
            {
                "kind": "chiso766-portal-archive",
                "period": "2026-08",
                "files": [{"file": "/etc/hostname", "endpoint": "transparency", "page": 1}],
            },
            "files[0].file",
        ),
        "manifest-wrong-kind": ({"kind": "something-else", "files": []}, "kind"),
        "manifest-page-text": (
            {
                "kind": "chiso766-portal-archive",
                "period": "2026-08",
                "files": [{"file": "transparency.json", "endpoint": "transparency", "page": "one"}],
            },
            "files[0]",
        ),
        "manifest-deep": ("[" * 100_000 + "]" * 100_000, "nested"),
    }
    for name, (manifest, place) in archives.items():
        rel = _folder(name, lambda f, d: d)
        body = manifest if isinstance(manifest, str) else json.dumps(manifest)
        write(f"{rel}/manifest.json", body)
        case(name, rel, ingest(rel), [name, place], "portal")
    # a mixed call: a good table, then a broken portal folder
    case(
        "table-and-broken-folder",
        "tables/good.csv",
        [
            "ingest",
            "{here}/tables/good.csv",
            "{here}/portal/negative-total-score",
            "--period",
            "2026-08",
            "--store",
            "{store}",
        ],
        ["negative-total-score", "totalScore"],
        "portal",
    )
    write("portal/not-a-portal-folder/notes.txt", "ghi chú")
    case(
        "not-a-portal-folder",
        "portal/not-a-portal-folder",
        ingest("portal/not-a-portal-folder"),
        ["not-a-portal-folder", "portal"],
        "portal",
    )


# ---- params files (`chiso766 run`) ---------------------------------------------------------
def params_cases() -> None:
    files = {
        "formats-number.yaml": "period: 2025-W15\nformats: 7\n",
        "formats-nested.yaml": "period: 2025-W15\nformats: [[html, [pdf]]]\n",
        "binary.yaml": bytes(range(256)) * 4,
        "not-a-mapping.yaml": "- period: 2025-W15\n",
        "syntax-error.yaml": "period: [2025-W15\nformats: html\n",
        "period-missing.yaml": "formats: html\n",
        "period-bogus.yaml": "period: 2025-W99\n",
    }
    for name, text in files.items():
        rel = f"params/{name}"
        write(rel, text)
        case(name, rel, ["run", "{here}/" + rel], [name], "params")


# ---- store files -------------------------------------------------------------------------
def store_cases() -> None:
    import duckdb

    good = "{here}/tables/good.csv"
    write("stores/text.duckdb", "this is not a database\n" * 20)
    write("stores/empty.duckdb", b"")
    (HERE / "stores" / "a-folder.duckdb").mkdir(parents=True, exist_ok=True)
    write("stores/a-folder.duckdb/.gitkeep", b"")
    foreign = HERE / "stores" / "foreign.duckdb"
    foreign.unlink(missing_ok=True)
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE invoices (id INTEGER, amount DOUBLE)")
    con.execute("INSERT INTO invoices VALUES (1, 2.5)")
    con.close()
    old = HERE / "stores" / "incompatible.duckdb"
    old.unlink(missing_ok=True)
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE sources (source_id VARCHAR)")
    con.execute("CREATE TABLE measures (snapshot VARCHAR)")
    con.close()
    data = foreign.read_bytes()
    write("stores/truncated.duckdb", data[:12288])
    for name, place in (
        ("text.duckdb", "not a DuckDB file"),
        ("empty.duckdb", "not a DuckDB file"),
        ("a-folder.duckdb", "folder"),
        ("foreign.duckdb", "invoices"),
        ("incompatible.duckdb", "lacks the columns"),
        ("truncated.duckdb", "store"),
    ):
        rel = f"stores/{name}"
        case(
            f"store-{name}",
            rel,
            ["ingest", good, "--store", "{here}/" + rel],
            [name, place],
            "store",
        )
        case(f"status-{name}", rel, ["status", "--store", "{here}/" + rel], [name, place], "store")


# ---- commands with bad options -------------------------------------------------------------
def option_cases() -> None:
    seed = "{here}/../seed004/004-districts.csv"
    junk = "{here}/xlsx/zip-of-junk.xlsx"
    case(
        "score-methodology-bogus",
        "",
        ["score", seed, "--methodology", "bogus"],
        ["bogus"],
        "options",
    )
    case("score-snapshot-x", "", ["score", seed, "--snapshot", "x"], ["'x'"], "options")
    case("compare-junk-xlsx", "", ["compare", junk, junk], ["zip-of-junk.xlsx", "XLSX"], "options")
    case(
        "compare-junk-period",
        "",
        ["compare", "junk", "2025-04-08", "--store", "{store}"],
        ["junk"],
        "options",
    )
    case(
        "ingest-snapshot-bogus",
        "",
        ["ingest", "{here}/tables/good.csv", "--snapshot", "2025-02-30", "--store", "{store}"],
        ["good.csv", "2025-02-30"],
        "options",
    )
    case(
        "check-scores-bogus",
        "",
        ["check-scores", "2025-04-08", "--methodology", "bogus", "--store", "{store}"],
        ["bogus"],
        "options",
    )


def main() -> None:
    for sub in ("tables", "xlsx", "portal", "params", "stores"):
        shutil.rmtree(HERE / sub, ignore_errors=True)
    csv_cases()
    xlsx_cases()
    portal_cases()
    params_cases()
    store_cases()
    option_cases()
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    text = json.dumps(CASES, ensure_ascii=False, indent=1)
    (HERE / "cases.json").write_text(text + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()

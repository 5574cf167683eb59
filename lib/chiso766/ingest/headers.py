"""Understand a column header as announcements write it.

A header is split into a label, an optional snapshot ("Điểm đánh giá (27/3/2025)" → 2025-03-27,
"Năm 2024" → 2024) and an optional unit suffix ("(%)" → rates, "(điểm)" → points); the label is
then matched to a role: STT, unit, level, indicator name, note, a published change, the total,
a group, an indicator, a national rank, the count of provinces, or overdue dossiers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from chiso766.compute.periods import PeriodError, parse_period
from chiso766.compute.textnorm import fold_words, nfc
from chiso766.i18n import _
from chiso766.methodology import Catalogue

_DAY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_MONTH = re.compile(r"\bthang (\d{1,2}) (\d{4})\b")
_QUARTER = re.compile(r"\bquy (iv|iii|ii|i|[1-4]) (\d{4})\b")
_YEAR = re.compile(r"\bnam (\d{4})\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_SKIP_WORDS = {"ngay", "tai", "thoi", "diem", "luc", "den", "het", "gio", "so", "lieu"}

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so tt", "so thu tu"),
    "unit": (
        "don vi",
        "dia phuong",
        "ten don vi",
        "co quan",
        "ten co quan",
        "co quan don vi",
        "don vi dia phuong",
        "co quan dia phuong",
        "ten",
        "unit",
        "ten dia phuong",
    ),
    "level": ("cap", "cap don vi", "cap hanh chinh", "level", "loai don vi", "cap quan ly"),
    "indicator_name": ("chi so", "ten chi so", "chi tieu", "ten chi tieu", "tieu chi", "noi dung"),
    "note": ("ghi chu", "note"),
    "total": (
        "diem danh gia",
        "tong diem",
        "diem",
        "tong",
        "tong so diem",
        "diem tong",
        "ket qua",
        "chi so 766",
        "diem chi so",
        "bo chi so",
        "diem bo chi so",
        "tong diem danh gia",
        "total",
        "diem dat duoc",
        "ty le dat",
        "",
    ),
    "rank": ("xep hang", "thu hang", "hang", "xep hang toan quoc", "rank"),
    "rank_of": ("so tinh", "tong so tinh", "so tinh thanh", "so don vi xep hang"),
    "overdue": ("ho so qua han", "so ho so qua han", "qua han", "ho so tre han"),
}
_CHANGE = re.compile(r"^(tang giam|tang hoac giam|thay doi|chenh lech|bien dong)\b")


@dataclass(frozen=True)
class Header:
    """What a column holds."""

    text: str
    role: str  # stt, unit, level, indicator_name, note, change, total, group, indicator,
    # rank, rank_of, overdue, value (a bare snapshot column), unknown
    code: str = ""
    kind: str | None = None  # rate / points / rank / count for value columns
    snapshot: str | None = None
    taken_on: dt.date | None = None  # the snapshot's end date, for ordering

    @property
    def is_value(self) -> bool:
        return self.role in ("total", "group", "indicator", "rank", "overdue", "value")


def split_header(text: str) -> tuple[str, str | None, dt.date | None, str | None]:
    """Return (folded label, snapshot key, snapshot end date, unit suffix 'rate'/'points')."""
    raw = nfc(text)
    low = fold_words(raw.replace("%", " pct "))
    suffix = None
    if re.search(r"\(\s*%\s*\)|%\s*$", raw):
        suffix = "rate"
    elif re.search(r"\(\s*(điểm|diem)\s*\)", raw.lower()):
        suffix = "points"
    snapshot, end = None, None
    m = _DAY.search(raw)
    if m:
        d, mth, y = (int(x) for x in m.groups())
        try:
            day = dt.date(y, mth, d)
            snapshot, end = day.isoformat(), day
        except ValueError:
            snapshot = "invalid:" + m.group(0)
        label = fold_words(raw[: m.start()] + " " + raw[m.end() :])
    else:
        label = low
        for rx, make in (
            (_MONTH, lambda g: f"{int(g[1])}-{int(g[0]):02d}"),
            (_QUARTER, lambda g: f"{int(g[1])}-Q{_ROMAN.get(g[0], g[0])}"),
            (_YEAR, lambda g: g[0]),
        ):
            m = rx.search(low)
            if m:
                try:
                    period = parse_period(make(m.groups()))
                    snapshot, end = period.key, period.end
                except PeriodError:
                    snapshot = "invalid:" + m.group(0)
                label = (low[: m.start()] + " " + low[m.end() :]).strip()
                break
    label = re.sub(r"\bpct\b", " ", label)
    label = re.sub(r"\b\d{1,2}\s*(h|gio)(\s*\d{1,2}\s*(phut)?)?\b", " ", label)
    if suffix == "points":
        label = re.sub(r"\bdiem\s*$", "", label.strip())
    words = label.split()
    skip = _SKIP_WORDS - {"diem", "so"}
    while words and words[0] in skip:
        words.pop(0)
    while words and words[-1] in skip | {"tai thoi"}:
        words.pop()
    if words[-2:] == ["thoi", "diem"] or words[-3:] == ["tai", "thoi", "diem"]:
        words = words[: -2 if words[-2:] == ["thoi", "diem"] else -3]
        while words and words[-1] in skip:
            words.pop()
    return " ".join(words), snapshot, end, suffix


_TIME = re.compile(r"\b(\d{1,2})\s*(?:h|gio)(?:\s*(\d{1,2}))?\b")


def header_time(text: str) -> dt.time | None:
    """The time of day a header states ('11 giờ 00 ngày 08/7/2024', '09h 10/04/2025')."""
    m = _TIME.search(fold_words(text))
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def classify_header(text: str, catalogue: Catalogue) -> Header:
    """Match a header to its role and (for value columns) its target, kind and snapshot."""
    label, snapshot, end, suffix = split_header(text)
    shown = nfc(text)
    if _CHANGE.match(label):
        return Header(shown, "change", snapshot=snapshot, taken_on=end)
    if snapshot is None:
        for role in ("stt", "unit", "level", "indicator_name", "note"):
            if label in ROLE_WORDS[role]:
                return Header(shown, role)
    if label in ROLE_WORDS["rank_of"]:
        return Header(shown, "rank_of", kind="count", snapshot=snapshot, taken_on=end)
    if label in ROLE_WORDS["rank"]:
        return Header(shown, "rank", "total", "rank", snapshot, end)
    if label in ROLE_WORDS["overdue"]:
        return Header(shown, "overdue", "overdue", "count", snapshot, end)
    if label == "" and snapshot is not None:
        return Header(shown, "value", kind=suffix, snapshot=snapshot, taken_on=end)
    if label in ROLE_WORDS["total"]:
        return Header(shown, "total", "", suffix or "points", snapshot, end)
    group = catalogue.match_group(label)
    if group:
        return Header(shown, "group", group, suffix or "points", snapshot, end)
    ind = catalogue.match_indicator(label)
    if ind:
        return Header(shown, "indicator", ind, suffix or "rate", snapshot, end)
    if label.startswith("xep hang ve ") or label.startswith("xep hang "):
        rest = label.removeprefix("xep hang ve ").removeprefix("xep hang ")
        group = catalogue.match_group(rest)
        if group:
            return Header(shown, "rank", group, "rank", snapshot, end)
    return Header(shown, "unknown", snapshot=snapshot, taken_on=end)


def known_header_forms() -> str:
    """A short reminder of the headers the reader understands, for error messages."""
    return _(
        "STT; Đơn vị / Địa phương; Cấp; Chỉ số (one row per indicator); a group "
        "name ('Công khai, minh bạch (%)'); an indicator name; 'Điểm đánh giá (08/4/2025)'; "
        "'Năm 2024 (%)'; 'Xếp hạng (08/4/2025)'; 'Số tỉnh'; 'Hồ sơ quá hạn'; 'Tăng, giảm'; "
        "'Ghi chú'"
    )

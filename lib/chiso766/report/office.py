"""The issuing office as data (``params/office.yaml``): names, symbol, signer, recipients and
layout of the announcement, checked against Nghị định 30/2020/NĐ-CP's ranges.

:func:`load_office` reads the file (``$CHISO766_OFFICE``, else ``<project>/params/office.yaml``,
else the defaults); everything else here is pure: :func:`parse_office` checks a mapping,
:meth:`Office.for_province` fills the names left empty from the report's province, and
:func:`number_line` / :func:`date_line` write "Số: 05/TB-VPUBND" and "Tây Sơn, ngày 05 tháng 02
năm 2025" (blank where the office fills them in by hand).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ENV_OFFICE = "CHISO766_OFFICE"
FORMS = ("thong_bao", "cong_van")
#: Decree 30 ranges (Phụ lục I): margins in mm, body size in pt
MARGIN_RANGES = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
BODY_PT = (13, 14)
AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
_BLANK = "\u00a0" * 6  # room to write a number or a day by hand


class OfficeError(ValueError):
    """An office file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = tuple(problems)
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(problems))


@dataclass(frozen=True)
class Signer:
    """Quyền hạn lines ("KT. CHÁNH VĂN PHÒNG"), chức vụ and name (may be empty)."""

    authority: tuple[str, ...] = ("KT. CHÁNH VĂN PHÒNG",)
    title: str = "PHÓ CHÁNH VĂN PHÒNG"
    name: str = ""


@dataclass(frozen=True)
class Layout:
    """Page and body settings within the decree's ranges."""

    margins_mm: dict[str, float] = field(
        default_factory=lambda: {"top": 20, "bottom": 20, "left": 30, "right": 15}
    )
    body_pt: float = 13
    first_line_indent_cm: float = 1.0
    line_spacing: float = 1.15

    @property
    def text_width_mm(self) -> float:
        return 210 - self.margins_mm["left"] - self.margins_mm["right"]


@dataclass(frozen=True)
class Office:
    """Everything about the issuer that the document prints."""

    governing_body: str = ""
    issuing_office: str = "VĂN PHÒNG"
    issuer_name: str = "Văn phòng UBND tỉnh"
    place: str = ""
    form: str = "thong_bao"
    symbol: str = "TB-VPUBND"
    number: str = ""
    date: dt.date | None = None
    grounds: tuple[str, ...] = ()
    regarding: str = "V/v công khai kết quả Bộ chỉ số 766 {period}"
    addressees: tuple[str, ...] = ()
    signer: Signer = field(default_factory=Signer)
    recipients: tuple[str, ...] = ()
    archive: str = "Lưu: VT"
    layout: Layout = field(default_factory=Layout)

    @property
    def is_letter(self) -> bool:
        """A công văn (V/v, Kính gửi) rather than a Thông báo."""
        return self.form == "cong_van"

    def for_province(self, province: str) -> Office:
        """The names left empty, taken from the report's province ("UBND tỉnh Tây Sơn")."""
        body = self.governing_body or _nfc(province).upper()
        return replace(self, governing_body=body, place=self.place or place_of(province))

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["date"] = self.date.isoformat() if self.date else ""
        out["signer"] = {
            "authority": list(self.signer.authority),
            "title": self.signer.title,
            "name": self.signer.name,
        }
        out["layout"] = dict(self.layout.__dict__)
        for key in ("grounds", "addressees", "recipients"):
            out[key] = list(out[key])
        return out


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).strip()


def place_of(province: str) -> str:
    """'UBND tỉnh Tây Sơn' → 'Tây Sơn'; 'Thành phố Hồ Chí Minh' stays as it is."""
    text = _nfc(province)
    m = re.match(r"(?i)^(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(tỉnh|thành phố)\s+(.+)$", text)
    if m:
        return m[3] if m[2].lower() == "tỉnh" else f"Thành phố {m[3]}"
    return re.sub(r"(?i)^tỉnh\s+", "", text)


def _text(data: Mapping, key: str, problems: list[str], default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        problems.append(f"{key}: expected text, not {type(value).__name__}")
        return default
    return _nfc(str(value))


def _lines(data: Mapping, key: str, problems: list[str]) -> tuple[str, ...]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{key}: expected a list of lines")
        return ()
    return tuple(_nfc(v).rstrip(";.") if key != "grounds" else _nfc(v) for v in value if v.strip())


def parse_office(data: Mapping[str, Any], source: str = "") -> Office:
    """Check an office mapping (as in ``params/office.yaml``); raises :class:`OfficeError`
    listing every problem (unknown keys, a margin outside the decree's range …)."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise OfficeError(["expected keys such as 'issuing_office:' and 'signer:'"], source)
    known = set(Office.__dataclass_fields__)
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        problems.append(f"unknown key(s): {', '.join(unknown)}")
    form = _text(data, "form", problems, "thong_bao") or "thong_bao"
    if form not in FORMS:
        problems.append(f"form: use thong_bao or cong_van, not '{form}'")
    day = data.get("date") or None
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            problems.append(f"date: write it as 2026-11-18, not '{day}'")
            day = None
    elif day is not None and not isinstance(day, dt.date):
        problems.append("date: write it as 2026-11-18")
        day = None
    number = _text(data, "number", problems)
    if number and not re.fullmatch(r"\d{1,6}", number):
        problems.append(f"number: digits only (e.g. 1072), not '{number}'")
    signer = data.get("signer") or {}
    if not isinstance(signer, Mapping):
        problems.append("signer: expected authority, title and name")
        signer = {}
    authority = _lines(signer, "authority", problems)
    if len(authority) > 2:
        problems.append("signer.authority: at most two lines")
    for line in authority:
        if not line.upper().startswith(AUTHORITY_PREFIXES):
            problems.append(
                f"signer.authority: '{line}' starts with none of TM., KT., Q., TL., TUQ."
            )
    layout = _layout(data.get("layout") or {}, problems)
    if problems:
        raise OfficeError(problems, source)
    symbol = _text(data, "symbol", problems, "TB-VPUBND")
    return Office(
        governing_body=_text(data, "governing_body", problems),
        issuing_office=_text(data, "issuing_office", problems, "VĂN PHÒNG"),
        issuer_name=_text(data, "issuer_name", problems, "Văn phòng UBND tỉnh"),
        place=_text(data, "place", problems),
        form=form,
        symbol=symbol.replace(" ", ""),
        number=number,
        date=day,
        grounds=_lines(data, "grounds", problems),
        regarding=_text(data, "regarding", problems, Office.regarding),
        addressees=_lines(data, "addressees", problems),
        signer=Signer(authority, _text(signer, "title", problems), _text(signer, "name", problems)),
        recipients=_lines(data, "recipients", problems),
        archive=_text(data, "archive", problems, "Lưu: VT").rstrip("."),
        layout=layout,
    )


def _layout(data: Any, problems: list[str]) -> Layout:
    if not isinstance(data, Mapping):
        problems.append("layout: expected margins_mm, body_pt …")
        return Layout()
    base = Layout()
    margins = dict(base.margins_mm)
    given = data.get("margins_mm") or {}
    if not isinstance(given, Mapping):
        problems.append("layout.margins_mm: expected top, bottom, left, right")
        given = {}
    for side, (lo, hi) in MARGIN_RANGES.items():
        value = given.get(side, margins[side])
        if not isinstance(value, int | float) or not lo <= value <= hi:
            problems.append(f"layout.margins_mm.{side}: {value} is outside {lo}–{hi} mm")
        else:
            margins[side] = float(value)
    body = data.get("body_pt", base.body_pt)
    if not isinstance(body, int | float) or not BODY_PT[0] <= body <= BODY_PT[1]:
        problems.append(f"layout.body_pt: {body} is outside 13–14 pt")
        body = base.body_pt
    indent = data.get("first_line_indent_cm", base.first_line_indent_cm)
    if not isinstance(indent, int | float) or not 1.0 <= indent <= 1.27:
        problems.append(f"layout.first_line_indent_cm: {indent} is outside 1–1,27 cm")
        indent = base.first_line_indent_cm
    spacing = data.get("line_spacing", base.line_spacing)
    if not isinstance(spacing, int | float) or not 1.0 <= spacing <= 1.5:
        problems.append(f"layout.line_spacing: {spacing} is outside 1–1,5")
        spacing = base.line_spacing
    return Layout(margins, float(body), float(indent), float(spacing))


def office_path() -> Path | None:
    """``$CHISO766_OFFICE``, else ``<project>/params/office.yaml`` if it exists, else None."""
    from chiso766.store import project_root

    env = os.environ.get(ENV_OFFICE)
    if env:
        return Path(env)
    path = project_root() / "params" / "office.yaml"
    return path if path.is_file() else None


def load_office(path: Path | str | None = None) -> Office:
    """The office settings from ``path`` (default: :func:`office_path`; none: the defaults)."""
    import yaml

    path = Path(path) if path else office_path()
    if path is None:
        return Office()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise OfficeError([f"cannot read it ({first})"], str(path)) from None
    return parse_office(data, str(path))


# --- the lines of the header -----------------------------------------------------------------
def number_line(office: Office) -> str:
    """'Số: 05/TB-VPUBND' (a leading 0 under 10), or 'Số:      /TB-VPUBND' left blank."""
    if office.number:
        n = int(office.number)
        return f"Số: {n:02d}/{office.symbol}"
    return f"Số:{_BLANK}/{office.symbol}"


def date_line(office: Office, year: int) -> str:
    """'Tây Sơn, ngày 05 tháng 02 năm 2025': days under 10 and months 1–2 padded; blank day
    and month (the year given) when the office dates it by hand."""
    d = office.date
    if d is None:
        return f"{office.place}, ngày{_BLANK}tháng{_BLANK}năm {year}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{office.place}, ngày {d.day:02d} tháng {month} năm {d.year}"


def recipient_lines(office: Office) -> list[str]:
    """Nơi nhận as printed: '- …;' per line, a công văn's first line '- Như trên;', the
    archive last ('- Lưu: VT, KSTT.')."""
    lines = ["- Như trên;"] if office.is_letter else []
    lines += [f"- {r};" for r in office.recipients]
    lines.append(f"- {office.archive}.")
    return lines


def addressee_lines(office: Office) -> list[str]:
    """Kính gửi: one addressee on the line, or several as '- …;' with the last ending '.'."""
    items = list(office.addressees)
    if len(items) <= 1:
        return [f"{items[0]}." if items else ""]
    return [f"- {a};" for a in items[:-1]] + [f"- {items[-1]}."]


__all__ = [
    "BODY_PT",
    "ENV_OFFICE",
    "MARGIN_RANGES",
    "Layout",
    "Office",
    "OfficeError",
    "Signer",
    "addressee_lines",
    "date_line",
    "load_office",
    "number_line",
    "office_path",
    "parse_office",
    "place_of",
    "recipient_lines",
]

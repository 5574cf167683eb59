"""Vietnamese formatting of numbers, dates, ranks and changes (also used as Jinja filters).

Numbers use a decimal comma and "." between thousands ("144.625", "75,45"). Rounding is half
away from zero on the shortest decimal form of a float (2.675 → "2,68"), not on its binary value.
Missing values (None, NaN, pandas NA/NaT) give ``missing`` ("—" unless told otherwise).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

MISSING = "—"


def _is_missing(x: object) -> bool:
    """None, a float NaN, a Decimal NaN, pandas NA or NaT."""
    if x is None or type(x).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(x, Decimal):
        return x.is_nan()
    if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral):
        return math.isnan(float(x))
    return False


def _to_decimal(x: object) -> Decimal | None:
    """Exact decimal of a number (a float by its shortest repr); None when missing or infinite."""
    if _is_missing(x):
        return None
    if isinstance(x, bool):
        raise TypeError(f"expected a number, got {x!r}")
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, numbers.Integral):
        d = Decimal(int(x))
    elif isinstance(x, numbers.Real):
        d = Decimal(repr(float(x)))
    else:
        raise TypeError(f"expected a number, got {type(x).__name__} {x!r}")
    return d if d.is_finite() else None


def _round(x: object, decimals: int) -> Decimal | None:
    """``x`` rounded half away from zero to ``decimals`` places, never negative zero."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    d = _to_decimal(x)
    if d is None:
        return None
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + decimals + 2)
        q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q.copy_abs() if q == 0 else q


def _render(q: Decimal, trim: bool) -> str:
    """'-1234.50' → '-1.234,5' (or '-1.234,50' without trimming)."""
    text = format(q, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    if trim:
        frac = frac.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{frac}" if frac else f"{sign}{grouped}"


def fmt_number(x: Any, decimals: int = 2, *, trim: bool = True, missing: str = MISSING) -> str:
    """75.45 → '75,45'; 90.0 → '90'; 144625 → '144.625'; ``trim=False``: 16.5 → '16,50'."""
    q = _round(x, decimals)
    return missing if q is None else _render(q, trim)


def fmt_signed(x: Any, decimals: int = 2, *, trim: bool = True, missing: str = MISSING) -> str:
    """A number with its sign: '+2,48', '-0,06', and '0' when it rounds to zero."""
    q = _round(x, decimals)
    if q is None:
        return missing
    return f"+{_render(q, trim)}" if q > 0 else _render(q, trim)


def fmt_percent(x: Any, decimals: int = 2, *, trim: bool = True, missing: str = MISSING) -> str:
    """A value already in percent: 71.3 → '71,3%'."""
    q = _round(x, decimals)
    return missing if q is None else f"{_render(q, trim)}%"


def fmt_count(n: Any, width: int = 2, *, missing: str = MISSING) -> str:
    """A count as announcements write it: 5 → '05', 17 → '17', 0 → '0', 144625 → '144.625'."""
    d = _to_decimal(n)
    if d is None:
        return missing
    if d != d.to_integral_value():
        raise ValueError(f"a count must be a whole number, got {n!r}")
    value = int(d)
    if 0 < value < 10**width:
        return f"{value:0{width}d}"
    return _render(Decimal(value), trim=True)


def _as_datetime_or_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(f"not an ISO date or datetime: {value!r}") from None
    raise TypeError(f"expected a date, a datetime or an ISO string, got {value!r}")


def fmt_date(d: Any, *, missing: str = MISSING) -> str:
    """'08/4/2025' (day zero-padded, month not) from a date, a datetime or an ISO string."""
    if _is_missing(d):
        return missing
    value = _as_datetime_or_date(d)
    return f"{value.day:02d}/{value.month}/{value.year}"


def fmt_datetime_vi(dt: Any, *, missing: str = MISSING) -> str:
    """'11 giờ 00 ngày 08/7/2024' from a datetime or an ISO datetime string."""
    if _is_missing(dt):
        return missing
    value = _as_datetime_or_date(dt)
    if not isinstance(value, datetime):
        raise ValueError(f"{dt!r} has no time of day; use fmt_date")
    return f"{value.hour:02d} giờ {value.minute:02d} ngày {fmt_date(value)}"


def _as_int(x: Any, what: str) -> int:
    d = _to_decimal(x)
    if d is None or d != d.to_integral_value():
        raise ValueError(f"{what} must be a whole number, got {x!r}")
    return int(d)


def fmt_rank(rank: Any, of: Any, *, missing: str = MISSING) -> str:
    """'03/63', '20/63', '04/11', '1/5': the rank is zero-padded to 2 digits when of >= 10."""
    if _is_missing(rank):
        return missing
    r = _as_int(rank, "a rank")
    if _is_missing(of):
        return str(r)
    total = _as_int(of, "a number of ranked units")
    width = 2 if total >= 10 else 1
    return f"{r:0{width}d}/{total}"


def fmt_rank_change(change: Any) -> str:
    """Places moved (positive = up): 'tăng 11 bậc', 'giảm 12 bậc', 'giữ nguyên'; '' if missing."""
    if _is_missing(change):
        return ""
    c = _as_int(change, "a rank change")
    if c > 0:
        return f"tăng {c} bậc"
    if c < 0:
        return f"giảm {-c} bậc"
    return "giữ nguyên"


def fmt_points_change(delta: Any, decimals: int = 2) -> str:
    """'tăng 5,18 điểm', 'giảm 24,27 điểm', 'không thay đổi' (rounds to 0); '' if missing."""
    q = _round(delta, decimals)
    if q is None:
        return ""
    if q == 0:
        return "không thay đổi"
    word = "tăng" if q > 0 else "giảm"
    return f"{word} {_render(q.copy_abs(), trim=True)} điểm"


JINJA_FILTERS: dict[str, Callable[..., str]] = {
    "number": fmt_number,
    "signed": fmt_signed,
    "percent": fmt_percent,
    "count": fmt_count,
    "date": fmt_date,
    "datetime_vi": fmt_datetime_vi,
    "rank": fmt_rank,
    "rank_change": fmt_rank_change,
    "points_change": fmt_points_change,
}


def register_filters(env: Environment) -> Environment:
    """Add :data:`JINJA_FILTERS` to a Jinja environment and return it."""
    env.filters.update(JINJA_FILTERS)
    return env

"""Rounding rules: exact decimal half-up, or half-up on the binary float as the portal does."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MODES = ("decimal", "float")


def round_half_up(x: float, decimals: int = 2) -> float:
    """Round half away from zero as written in decimal (2.675 → 2.68), robust to float noise."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return float("nan")
    q = 10**decimals
    return math.copysign(math.floor(abs(x) * q + 0.5 + 1e-9), x) / q


def round_float_half_up(x: float, decimals: int = 2) -> float:
    """Round half up on the exact binary value of the float, as the portal does: 5.925 is held
    as 5.92499… → 5.92, while 0.625 (exact in binary) → 0.63."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return float("nan")
    exact = Decimal(float(x))  # the float's exact binary value, no decimal repr
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def round_with(mode: str, x: float, decimals: int = 2) -> float:
    """Round by a catalogue's rounding mode ("decimal" or "float")."""
    if mode == "float":
        return round_float_half_up(x, decimals)
    return round_half_up(x, decimals)

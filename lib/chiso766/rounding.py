"""Rounding rules: exact decimal half-up, or half-up on the binary float as the portal does."""

from __future__ import annotations

import math

MODES = ("decimal", "float")


def round_half_up(x: float, decimals: int = 2) -> float:
    """Round half away from zero as written in decimal (2.675 → 2.68), robust to float noise."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return float("nan")
    q = 10**decimals
    return math.copysign(math.floor(abs(x) * q + 0.5 + 1e-9), x) / q


def round_float_half_up(x: float, decimals: int = 2) -> float:
    """Round half up on the float as stored (5.925 is 5.92499… → 5.92), as the portal does."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return float("nan")
    q = 10**decimals
    return math.copysign(math.floor(abs(x) * q + 0.5), x) / q


def round_with(mode: str, x: float, decimals: int = 2) -> float:
    """Round by a catalogue's rounding mode ("decimal" or "float")."""
    if mode == "float":
        return round_float_half_up(x, decimals)
    return round_half_up(x, decimals)

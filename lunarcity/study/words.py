"""Numbers and counts as a reader scans them: the one place studies format figures for people.

A report or the README's answer prints a measured value with :func:`number` (significant digits,
thousands separators, never e-notation: ``34,400``, not ``3.44e+04``), a count of things with
:func:`count` (``1 replicate``, ``2 replicates``; ``1 year``, ``2.5 years``) and a share with
:func:`percent`.
"""

from __future__ import annotations

import math


def number(value: float | int | None, digits: int = 3) -> str:
    """A value to ``digits`` significant digits, with thousands separators and no exponent.

    Integers (counts of runs, points, seeds) print exactly; floats are rounded to ``digits``
    significant digits and their trailing zeros after the point dropped (``1.5``, not ``1.50``).

    Args:
        value: The value (None prints as ``-``).
        digits: Significant digits kept for a float.

    Returns:
        ``34,400`` for 34,395.7; ``0.0077`` for 0.007712; ``1,000`` for 999.6; ``-6.18``.
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value):
        return "not a number"
    if math.isinf(value):
        return "infinite" if value > 0 else "minus infinite"
    if value == 0:
        return "0"
    # Round first, then read the exponent off the rounded value: 999.6 at three digits is 1,000,
    # whose exponent is 3, not 2.
    rounded = float(f"{value:.{digits - 1}e}")
    exponent = math.floor(math.log10(abs(rounded)))
    decimals = max(0, digits - 1 - exponent)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def count(n: float | int, singular: str, plural: str | None = None) -> str:
    """``n`` things, the noun singular only for exactly one (``1 year``, ``0 runs``, ``1.5 years``).

    Args:
        n: How many (a whole count, or a measure such as years).
        singular: The noun for one.
        plural: The noun for several (``singular + "s"`` if not given).
    """
    word = singular if n == 1 else (plural or singular + "s")
    shown = f"{int(n):,}" if float(n).is_integer() else number(float(n))
    return f"{shown} {word}"


def percent(share: float) -> str:
    """A share as a whole percentage (``4 %`` for 0.039; ``0.4 %`` below one per cent, not 0)."""
    value = 100 * share
    if 0 < value < 1:
        return f"{number(value, 1)} %"
    return f"{value:.0f} %"

"""The probability of success and its sampling error (the Wilson score interval)."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Proportion:
    """A share of successes with its Wilson score interval.

    Attributes:
        successes: Successes (may be fractional: the sum of per-point shares over replicates).
        n: Trials.
        share: successes / n.
        low: Lower bound of the interval.
        high: Upper bound of the interval.
        level: The interval's confidence level.
    """

    successes: float
    n: int
    share: float
    low: float
    high: float
    level: float = 0.95


def wilson(successes: float, n: int, z: float = Z95) -> Proportion:
    """The Wilson score interval of a binomial share (Wilson 1927, WIL27).

    Unlike the normal ("Wald") interval it stays inside [0, 1] and is not empty when every
    trial succeeded or every one failed, which is common at the edges of a study.

    Args:
        successes: Successes among the trials (0 <= successes <= n).
        n: Trials (at least 1).
        z: The normal quantile (1.96 for 95 %).

    Returns:
        The share and its interval.

    Raises:
        ValueError: n < 1 or successes outside [0, n].
    """
    if n < 1:
        raise ValueError(f"a share needs at least one trial (got n={n})")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, {n}] (got {successes})")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    level = math.erf(z / math.sqrt(2))
    # At the edges one bound is exactly 0 or 1; computed, it can miss by a rounding error.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Proportion(successes, n, p, low, high, level)

"""Years to target as a censored distribution: the Kaplan-Meier estimate of the survival curve.

A run that has not met its target by the horizon is censored there: we know only that its time
to target is longer. The Kaplan-Meier estimator (Kaplan & Meier 1958, KM58) uses every run, censored
or not; the curve S(t) is the share of runs still short of the target after t years, and 1 - S(t)
the share that has met it. Greenwood's formula gives the curve's variance, shown as a 95 %
interval on the log(-log) scale so it stays within [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from lunarcity.study.success import Z95


@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier curve.

    Attributes:
        table: One row per distinct event time: ``time``, ``at_risk``, ``events``, ``censored``
            (censored at that time), ``survival`` (just after it), ``low`` and ``high``.
        n: Runs.
        events: Runs that met the target.
        median: The first time the curve falls to 0.5 or below, or None (beyond the data).
        horizon: The largest time observed (the censoring horizon where runs were censored).
    """

    table: pl.DataFrame
    n: int
    events: int
    median: float | None
    horizon: float

    def at(self, t: float) -> float:
        """S(t): the share of runs still short of the target after ``t`` years."""
        s = 1.0
        for time, surv in zip(self.table["time"], self.table["survival"], strict=True):
            if time > t:
                break
            s = surv
        return s


def kaplan_meier(times: np.ndarray, events: np.ndarray, z: float = Z95) -> Survival:
    """The Kaplan-Meier estimate from times and event flags.

    Args:
        times: Each run's time to target, or its censoring time (the horizon) when not met.
        events: True where the target was met at that time, False where censored.
        z: The normal quantile of the interval (1.96 for 95 %).

    Returns:
        The curve, with Greenwood's interval.

    Raises:
        ValueError: empty input, unequal lengths, or a time that is not finite.
    """
    times = np.asarray(times, dtype=float)
    events = np.asarray(events, dtype=bool)
    if times.shape != events.shape or times.ndim != 1:
        raise ValueError("times and events must be 1-d arrays of the same length")
    if times.size == 0:
        raise ValueError("no runs")
    if not np.isfinite(times).all():
        raise ValueError("every time must be finite (censor unmet runs at the horizon)")
    rows = []
    s = 1.0
    greenwood = 0.0
    at_risk = times.size
    for t in np.unique(times):
        here = times == t
        d = int((here & events).sum())
        c = int((here & ~events).sum())
        if d:
            s *= 1.0 - d / at_risk
            # Greenwood's sum; undefined once every run at risk has met the target (S = 0).
            greenwood += d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
            low, high = _loglog_interval(s, greenwood, z)
            rows.append((float(t), at_risk, d, c, s, low, high))
        elif c:
            low, high = _loglog_interval(s, greenwood, z)
            rows.append((float(t), at_risk, 0, c, s, low, high))
        at_risk -= d + c
    table = pl.DataFrame(
        rows,
        schema={
            "time": pl.Float64,
            "at_risk": pl.Int64,
            "events": pl.Int64,
            "censored": pl.Int64,
            "survival": pl.Float64,
            "low": pl.Float64,
            "high": pl.Float64,
        },
        orient="row",
    )
    below = table.filter(pl.col("survival") <= 0.5)
    median = float(below["time"][0]) if below.height else None
    return Survival(table, int(times.size), int(events.sum()), median, float(times.max()))


def _loglog_interval(s: float, greenwood: float, z: float) -> tuple[float, float]:
    """The interval of S on the log(-log S) scale (Kalbfleisch & Prentice 1980, KP80)."""
    if s <= 0.0 or s >= 1.0 or not math.isfinite(greenwood) or greenwood == 0.0:
        return (s, s) if s <= 0.0 or s >= 1.0 else (0.0, 1.0)
    se = math.sqrt(greenwood) / abs(math.log(s))
    a = math.log(-math.log(s))
    return math.exp(-math.exp(a + z * se)), math.exp(-math.exp(a - z * se))

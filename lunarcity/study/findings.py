"""What a study found beyond its indices: the default run's place, the years, the constraints.

Issue 29 asks the opening to say, in words, *when* (the spread of the year among the runs that
succeed), *what holds the city back* (the constraint that bound most days, counted over the
runs) and *where the default run sits* in the study's range (a favourable corner or the middle,
and its outcome's rank among the sampled runs). The figures are computed here from plain arrays
and values, so each can be checked against a small case worked by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from scipy.stats import spearmanr

#: An input's value within this share of its range's width from an end sits at that end; a
#: quarter splits a range into its ends and its middle half.
NEAR_END = 0.25
#: A rank correlation below this (in size) with the deciding outcome gives the input no
#: favourable end: over a few dozen runs |rho| < 0.1 is indistinguishable from none.
MIN_EFFECT = 0.1


@dataclass(frozen=True)
class YearSpread:
    """The year of success among the runs that succeed.

    Attributes:
        successes: Runs that succeed.
        runs: Runs counted.
        median: The median year among the successes.
        low: Its 5th percentile.
        high: Its 95th percentile.
    """

    successes: int
    runs: int
    median: float
    low: float
    high: float


def year_spread(years: Sequence[float], met: Sequence[bool]) -> YearSpread | None:
    """The median and 5-95 % of the year among the runs that succeed (None: none does)."""
    y = np.asarray(years, dtype=float)
    ok = np.asarray(met, dtype=bool) & np.isfinite(y)
    if not ok.any():
        return None
    low, median, high = np.percentile(y[ok], [5.0, 50.0, 95.0])
    return YearSpread(int(ok.sum()), int(y.size), float(median), float(low), float(high))


@dataclass(frozen=True)
class Binding:
    """A constraint and the runs it bound most days in.

    Attributes:
        name: The constraint as the run summary names it (``power``, ``material:<item>``...).
        runs: Runs in which it bound the most days.
        share: Those runs' share of all.
    """

    name: str
    runs: int
    share: float


def bindings(names: Sequence[str | None]) -> list[Binding]:
    """Each run's binding constraint counted over the runs, most runs first (ties by name)."""
    known = [n for n in names if n]
    counts = Counter(known)
    return [
        Binding(name, k, k / len(known))
        for name, k in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


class Corner(StrEnum):
    """Where the default run sits among the sampled inputs' ranges."""

    FAVOURABLE = "favourable"
    UNFAVOURABLE = "unfavourable"
    MIXED = "mixed"
    MIDDLE = "middle"


@dataclass(frozen=True)
class InputPlace:
    """One sampled input's default value against its range.

    Attributes:
        parameter: The input (dotted path).
        value: Its default (None: never, e.g. Earth never stops; a text for a choice of values).
        position: Its place in the range, 0 at the low end and 1 at the high end (in log space
            for a log range; beyond the range clamped; None for a choice of values).
        effect: The Spearman rank correlation of the input with the deciding outcome over the
            runs; for a choice of values, +1 if the default's value has the best mean outcome,
            -1 the worst, 0 between.
        favourable: Whether the default sits at the end that helps the outcome; None when it
            sits in the middle or the input has no clear effect.
    """

    parameter: str
    value: float | str | None
    position: float | None
    effect: float
    favourable: bool | None


def position(value: float | None, low: float, high: float, log: bool = False) -> float:
    """A value's place in [low, high]: 0 to 1, clamped; None (never) is past the high end."""
    if value is None or math.isinf(value):
        return 1.0
    if log:
        value, low, high = math.log10(value), math.log10(low), math.log10(high)
    return min(1.0, max(0.0, (value - low) / (high - low)))


def favourable(place: float, effect: float) -> bool | None:
    """Whether a place at one end of a range helps an outcome the input moves by ``effect``."""
    if abs(effect) < MIN_EFFECT:
        return None
    if place >= 1.0 - NEAR_END:
        return effect > 0
    if place <= NEAR_END:
        return effect < 0
    return None


def rank_effect(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (0 where either side is constant)."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.size < 3 or np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return 0.0
    return float(spearmanr(xa, ya).statistic)


def choice_effect(values: Sequence[str], y: Sequence[float], default: str) -> float:
    """+1 if ``default``'s mean outcome is the best of the values seen, -1 the worst, else 0."""
    ya = np.asarray(y, dtype=float)
    va = np.asarray(values, dtype=object)
    means = {v: float(ya[va == v].mean()) for v in dict.fromkeys(values)}
    if default not in means or len(means) < 2:
        return 0.0
    if means[default] == max(means.values()):
        return 1.0
    return -1.0 if means[default] == min(means.values()) else 0.0


def corner(places: Sequence[InputPlace]) -> Corner:
    """Favourable if every input at an end helps, unfavourable if every one hurts."""
    said = [p.favourable for p in places if p.favourable is not None]
    if not said:
        return Corner.MIDDLE
    if all(said):
        return Corner.FAVOURABLE
    return Corner.UNFAVOURABLE if not any(said) else Corner.MIXED


def percentile_of(value: float, sampled: Sequence[float]) -> float:
    """The share of the sampled values below ``value`` (ties count half)."""
    s = np.asarray(sampled, dtype=float)
    s = s[np.isfinite(s)]
    if s.size == 0:
        return math.nan
    return float(((s < value).sum() + 0.5 * (s == value).sum()) / s.size)


@dataclass(frozen=True)
class DefaultPlace:
    """The default run within the study's range.

    Attributes:
        inputs: Each sampled input's default against its range.
        corner: Where that puts the default run.
        outcome: The default run's deciding outcome.
        percentile: The share of the sampled runs whose outcome is below it.
    """

    inputs: list[InputPlace]
    corner: Corner
    outcome: float | None
    percentile: float | None


def default_place(
    defaults: Mapping[str, Any],
    ranges: Mapping[str, Any],
    columns: Mapping[str, Sequence[Any]],
    outcomes: Sequence[float],
    default_outcome: float | None,
) -> DefaultPlace:
    """Place the default run in the range of the sampled inputs and of the sampled outcomes.

    Args:
        defaults: Each input's default value (None: never).
        ranges: Each input's range: ``(low, high, log)``, or the list of its values.
        columns: Each input's sampled values, one per run, aligned with ``outcomes``.
        outcomes: The deciding outcome of each sampled run (larger is better).
        default_outcome: The default run's deciding outcome, if it was run.
    """
    places = []
    for name, span in ranges.items():
        value = defaults.get(name)
        if isinstance(span, list):
            effect = choice_effect(list(columns[name]), outcomes, str(value))
            good = None if effect == 0 else effect > 0
            places.append(InputPlace(name, value, None, effect, good))
            continue
        low, high, log = span
        at = position(value, low, high, log)
        effect = rank_effect(columns[name], outcomes)
        places.append(InputPlace(name, value, at, effect, favourable(at, effect)))
    pct = None if default_outcome is None else percentile_of(default_outcome, outcomes)
    return DefaultPlace(places, corner(places), default_outcome, pct)

"""Does the city grow by itself once Earth has stopped and its Earth-only stocks are gone?

One definition, read by the run's summary (``self_sufficiency``) and by the study's
``self_sufficient`` flag (lunarcity/study/earth.py):

- growth is measured over the **last year of the run** (365 days), and only when that year
  begins on or after the day the **last** Earth-only input ran out (the summary's
  ``last_ran_out_day``; the study, whose kept table has no stocks, counts from the day Earth
  stopped). A city that finishes its work in progress and spends its stockpile after the
  landers stop grows for a few months and then freezes: over a later year it does not grow.
- ``growth_t_per_year`` is the change of industrial mass over that year (t/yr);
  ``doubling_time_years`` is given only where it is positive; ``kept_growing`` is true only if
  the mass grew over that year.
- ``stopped_day``, for a city that did not keep growing, is the last day its industrial mass
  rose: "stopped on day D".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lunarcity.constants import DAYS_PER_YEAR

#: The window growth is measured over, in days: a year, so a surge of finishing work is not
#: mistaken for self-growth.
WINDOW_DAYS = 365


@dataclass(frozen=True)
class SelfGrowth:
    """Growth over the run's last year, once the Earth-only stocks are gone.

    Attributes:
        measured_from: The first day of the window, or None when the run ends less than a
            year after ``from_day``.
        growth_t_per_year: Change in industrial mass over the window (t/yr), or None.
        doubling_time_years: Doubling time over the window where growth is positive, else None.
        kept_growing: Whether mass grew over the window; None when not measured.
        stopped_day: For a city that did not keep growing, the last day its mass rose (None
            when it never rose).
    """

    measured_from: int | None
    growth_t_per_year: float | None
    doubling_time_years: float | None
    kept_growing: bool | None
    stopped_day: int | None


def self_growth(day: np.ndarray, mass: np.ndarray, from_day: int) -> SelfGrowth:
    """Growth of industrial mass over the last year of a daily (or thinned) table.

    Args:
        day: The table's days, increasing.
        mass: Industrial mass (t) on those days.
        from_day: The day the last Earth-only input ran out (or Earth stopped): the window may
            not begin before it.
    """
    end = int(day[-1])
    start_row = int(np.searchsorted(day, end - WINDOW_DAYS, side="left"))
    start = int(day[start_row])
    if start < from_day or end - start <= 0:
        return SelfGrowth(None, None, None, None, None)
    m0, m1 = float(mass[start_row]), float(mass[-1])
    years = (end - start) / DAYS_PER_YEAR
    growth = (m1 - m0) / years
    doubling = years * math.log(2) / math.log(m1 / m0) if m0 > 0 and m1 > m0 else None
    kept = m1 > m0
    stopped = None
    if not kept:
        rose = np.nonzero(np.diff(mass) > 0)[0]
        stopped = int(day[rose[-1] + 1]) if rose.size else None
    return SelfGrowth(start, growth, doubling, kept, stopped)


@dataclass(frozen=True)
class StopRecord:
    """What a run noted of Earth's stop and its Earth-only stocks.

    Attributes:
        until_years: The scenario's ``earth.until_years`` (None: Earth never stops).
        stop_day: The day Earth stopped (None: it never did within the run).
        ran_out_day: The day each Earth-only item held at the stop ran out (None: it did not).
        held_at_stop: kg of each Earth-only item held on the stop day.
        held_at_end: kg of each item that had not run out, at the end of the run.
    """

    until_years: float | None
    stop_day: int | None
    ran_out_day: dict[str, int | None]
    held_at_stop: dict[str, float] | None
    held_at_end: dict[str, float]


def self_sufficiency(day: np.ndarray, mass: np.ndarray, stop: StopRecord) -> dict[str, Any]:
    """The summary's ``self_sufficiency``: does the city keep growing once Earth stops?

    Growth is measured over the run's last year, which must begin after the last Earth-only
    input ran out (:func:`self_growth`): growth that merely finishes work in progress and spends
    a stockpile is not self-growth.

    Args:
        day: The daily table's day column, one row a day recorded.
        mass: Industrial mass (t) on those rows.
        stop: What the run noted of Earth's stop and its Earth-only stocks.
    """
    n = len(mass)
    stop_day = stop.stop_day
    out_days = [d for d in stop.ran_out_day.values() if d is not None]
    last_out = max(out_days) if out_days else None
    measured = stop_day is not None and stop_day < n
    growth = (
        self_growth(day, mass, last_out if last_out is not None else stop_day) if measured else None
    )
    return {
        "until_years": stop.until_years,
        "stop_day": stop_day,
        "earth_only_kg_at_stop": stop.held_at_stop,
        "earth_only_kg_at_end": stop.held_at_end,
        "ran_out_day_by_item": stop.ran_out_day,
        "first_ran_out_day": min(out_days) if out_days else None,
        "last_ran_out_day": last_out,
        "industrial_mass_t_at_stop": float(mass[stop_day]) if measured else None,
        "industrial_mass_t_at_last_run_out": (
            float(mass[last_out]) if last_out is not None else None
        ),
        "industrial_mass_t_at_end": float(mass[n - 1]),
        "growth_measured_from_day": growth.measured_from if growth else None,
        "growth_after_run_out_t_per_year": growth.growth_t_per_year if growth else None,
        "doubling_time_years_after_run_out": growth.doubling_time_years if growth else None,
        "kept_growing": growth.kept_growing if growth else None,
        "growth_stopped_day": growth.stopped_day if growth else None,
    }

"""Renewal: replacements started ahead of the end of life of the units in service.

A unit's end of life is known the day it is born (``lifetime_years`` after it), so the dates on
which a kind's units will age out are part of the city's state, not a forecast. A city whose
units were born together (the seed) loses them together: without a rule that starts their
replacements in time, a city whose parts cannot keep up with its growth mix never gets around to
the one kind it cannot lose (metzger2013 lost both robots in year 10 and with them all labour).

The rule: a unit is *due* once its end of life is within the kind's horizon, the first unit's
assembly time for one robot (``assembly robot-days / duty``) plus ``planner.renew_margin_years``
(a lever: how far ahead the city orders; a margin covers the time its fabs take to make a
bill's parts), at most half the unit's life (:data:`MAX_SHARE`). Every due unit not yet covered gets one replacement start; a start covers the
oldest due unit, and a unit's cover ends with its scrapping. Starts are taken from stock like
any other; a kind waiting for a replacement holds its parts (lunarcity/stages/jobs.py). Where a kind's
parts cannot be made or landed, nothing starts: that is physics, not the planner.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.constants import DAYS_PER_YEAR, MIN_DIVISOR

if TYPE_CHECKING:
    from lunarcity.model import LunarCity


#: The longest horizon, as a share of the unit's life (assumption: a unit is not replaced
#: before it has served half its life; the data's lives of 10-20 years and the default margin
#: of 2 years never reach it, a scenario's short lives do).
MAX_SHARE = 0.5


def ageing_out(born: np.ndarray, life_days: float, day: float, horizon_days: float) -> int:
    """Units (born on days ``born``) whose end of life falls within ``horizon_days`` of ``day``.

    A unit born on day ``b`` is scrapped on day ``b + life_days`` (lunarcity/stages/wear.py).
    """
    return int(np.count_nonzero(born <= day + horizon_days - life_days))


def starts_owed(due: int, covered: int) -> tuple[int, int]:
    """Replacement starts owed for ``due`` units, ``covered`` of them already replaced.

    Returns:
        (starts owed, cover still standing). Units leave the due count only by being scrapped,
        oldest first, and covers are given oldest first: the cover left is at most the units
        still due.
    """
    covered = min(covered, due)
    return due - covered, covered


def horizon_days(
    assembly_robot_days: float, duty_fraction: float, margin_years: float, life_days: float
) -> float:
    """How far ahead of its end of life a unit is replaced: one robot's build time plus margin.

    At most :data:`MAX_SHARE` of the unit's life.
    """
    ahead = assembly_robot_days / max(duty_fraction, MIN_DIVISOR) + margin_years * DAYS_PER_YEAR
    return min(ahead, MAX_SHARE * life_days)


def renewals(city: LunarCity, kinds: list[str]) -> dict[str, int]:
    """Replacement starts owed today for each of ``kinds`` (updates the cover to today's).

    Args:
        city: The city (its fleet, and the job book's cover, which is trimmed to the units
            still due; the caller adds the starts it makes).
        kinds: The kinds the city renews (its growth kinds with a bill of parts).
    """
    if not city.params.economy.failures:  # nothing ages out
        return {}
    book = city.jobs
    lead = book.renew_lead
    if lead is None:
        # Fixed for the run: each kind's life less its horizon (the first unit's labour).
        margin = city.params.planner.renew_margin_years
        duty = city.unit_spec(city.robot_kind).duty_fraction
        life = city.wear_rates.life_of
        lead = book.renew_lead = {
            k: life[k] - horizon_days(city.learning.first[k], duty, margin, life[k]) for k in kinds
        }
        book.renew_from = min(lead.values(), default=0.0)
    cover = book.renewing
    fleet = city.fleet
    day = city.day
    # Before the shortest lead no unit can be due (the first units are born on day 0, and a
    # unit born on day b is due from day b + lead): with nothing scrapped and no cover standing,
    # the count below would find no kind due, owe nothing and leave every cover at 0. Most of a
    # ten-year run and its first eight years of thirty pass here, without a call to the fleet
    # per kind (benchmarks/run.py's default_run_s).
    if (
        day < book.renew_from
        and not any(cover.values())
        and not any(fleet.scrapped(k) for k in kinds)
    ):
        return {}
    owed: dict[str, int] = {}
    tables = fleet.tables
    born_before, scrapped, floor = fleet.born_before, fleet.scrapped, math.floor
    for kind in kinds:
        if not tables[kind].n:
            cover[kind] = 0
            continue
        # Due: born <= day + horizon - life (ageing_out), kept by counts instead of a scan of
        # the kind's units each day (benchmarks/run.py's default_30y_s). This assumes units
        # leave only at the end of their life (Fleet.scrapped), past the horizon (lead <= life):
        # every unit scrapped was due, so the units due are those born by the last due day
        # less those scrapped.
        due = born_before(kind, floor(day - lead[kind]) + 1) - scrapped(kind)
        n, cover[kind] = starts_owed(due, cover[kind])
        if n:
            owed[kind] = n
    return owed

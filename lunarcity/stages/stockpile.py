"""What a stockpile before a known stop must cover: the plan's use once it produces.

Landers stockpiling the Earth-only inputs before ``earth.until_years`` (lunarcity/stages/landers.py)
size them by how the plan will use them from its switch to production to the end of the
stockpile. The projection is a pure function of the city's state, like every plan: nothing of
the random future is read. Two things make that use differ from the switch day's producing
plan run forward at the labour it plans for, and both are in it:

- The plan's outputs change as they are finished: rail until the track is laid, then the
  pulsed store until it can fire (its supercapacitor cells are Earth-only), then satellites
  alone (:func:`lunarcity.stages.plan.producing_shares`). Each phase lasts until the phase's own
  rate of its output, grown with the labour, makes what is left of it (:func:`days_to_make`).
- The plan counts a robot-day as assembly or digging; in the city robots also haul the
  regolith to the fabs and the parts to the build sites (lunarcity/stages/labour.py). The labour the
  plan gets is what those hauls leave (:func:`assembling_share`), and the labour grows by the
  robots that part builds. Sized at the planned labour, a stockpile for a year past a stop at
  year 4 kept 320 t of salt unused (three landers' worth) and still lacked the store's cells.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.constants import MIN_DIVISOR
from lunarcity.stages import labour as labour_model
from lunarcity.stages import plan as planning
from lunarcity.stages.launch import pulse_ready

if TYPE_CHECKING:
    from lunarcity.model import LunarCity
    from lunarcity.stages.plan import Plan


@dataclass(frozen=True)
class Phase:
    """One stretch of the plan once producing, with the same outputs throughout.

    Attributes:
        plan: The plan for the labour left to it by the hauls, at today's robots.
        scale: How much the labour has grown by the phase's start (its rates are ``plan``'s
            times this).
        days: How long the phase lasts.
        growth: The rate (per day) at which it grows the labour
            (:func:`lunarcity.stages.plan.labour_growth`).
    """

    plan: Plan
    scale: float
    days: float
    growth: float


@dataclass(frozen=True)
class Later:
    """How the plan will use the Earth-only inputs once producing, phase by phase.

    Attributes:
        phases: The phases in order, from the switch to production.
    """

    phases: tuple[Phase, ...]

    def rates(self, per_day: Callable[[Plan], np.ndarray]) -> list[tuple[np.ndarray, float, float]]:
        """Each phase's rate at its start, its days and its growth, for ``per_day`` of a plan."""
        return [(p.scale * per_day(p.plan), p.days, p.growth) for p in self.phases]


def later_use(city: LunarCity, days: float) -> Later | None:
    """The plan's phases once producing, over the part of the next ``days`` from its switch.

    None when the plan switches to production only after them. Until the switch the city uses
    the Earth-only inputs at today's rate: a lander tops up for today's plan, and the landers
    nearer the switch, seeing a larger city, bring the rest (projected from far ahead, the
    first landers would carry years of salt instead of the parts the city grows by).
    """
    left = city.day + days - planning.producing_from(city)
    if left <= 0:
        return None
    labour = city.contributions.labour_supply()
    phases: list[Phase] = []
    scale = 1.0
    rail_done = city.rail_length() >= city.track.length_m - 1e-6
    pulse_done = pulse_ready(city)
    while left > 0:
        # One phase of the producing shares: until it has made what is left of its launcher
        # part (then the next part), or to the end.
        shares = planning.producing_shares(city, rail_done, pulse_done)
        kind, units, rail_done, pulse_done = _unfinished_output(city, shares, rail_done, pulse_done)
        planned = planning.production_plan(city, labour, shares)
        p = planning.production_plan(
            city, labour * assembling_share(city, planned, shares, labour), shares
        )
        growth = planning.labour_growth(city, p)
        days_in = left
        if kind is not None and p.rate is not None:
            rate = scale * float(p.rate[city.buildable.index(kind)])
            days_in = min(left, days_to_make(units, rate, growth))
        phases.append(Phase(p, scale, days_in, growth))
        scale *= math.exp(growth * days_in)
        left -= days_in
    return Later(tuple(phases))


def _unfinished_output(
    city: LunarCity, shares: dict[str, float], rail_done: bool, pulse_done: bool
) -> tuple[str | None, float, bool, bool]:
    """The launcher part the shares build until it is finished, and the units it still lacks.

    Returns:
        The kind (None when the shares build no unfinished part: the phase lasts to the end),
        the units of it still to make, and whether the track and the store are done once it is.
    """
    track = city.track
    if not rail_done and city.rail_kind in shares:
        segments = (track.length_m - city.rail_length()) / city.rail_meter.segment_m
        return city.rail_kind, segments, True, pulse_done
    if not pulse_done and track.pulse_kind is not None and track.pulse_kind in shares:
        units = track.pulse_units - city.fleet.working(track.pulse_kind)
        return track.pulse_kind, float(units), rail_done, True
    return None, 0.0, rail_done, pulse_done


def days_to_make(units: float, rate: float, growth: float) -> float:
    """Days for a rate of ``rate`` units a day, growing at ``growth`` a day, to make ``units``.

    The rate made ``(exp(growth t) - 1) / growth`` days of its first day's output by day
    ``t``; solved for ``t``. Infinite when nothing is made.
    """
    if units <= 0:
        return 0.0
    if rate <= 0:
        return math.inf
    if growth <= 0:
        return units / rate
    return math.log1p(growth * units / rate) / growth


def assembling_share(city: LunarCity, plan: Plan, shares: dict[str, float], labour: float) -> float:
    """The share of a plan's labour left to it once the robots have hauled (lunarcity/stages/labour.py).

    Args:
        city: The city (its distances, robots and learning).
        plan: The plan for ``labour`` robot-days.
        shares: Its mass shares by kind (practised crews haul by the mix they build).
        labour: The robot-days it plans for.
    """
    robot = city.unit_spec(city.robot_kind)
    if plan.rate is None or city.params.economy.unlimited_materials:
        dig_per_kg = haul_per_kg = regolith = 0.0
    else:
        regolith = math.fsum(
            r * city.costs[k].regolith_kg
            for k, r in zip(city.buildable, plan.rate.tolist(), strict=True)
        )
        dig_per_kg = 1.0 / max(robot.mining_kg_per_day, MIN_DIVISOR)
        haul_per_kg = labour_model.regolith_days_per_kg(city)
    return share_left_by_hauls(
        labour, regolith, dig_per_kg, haul_per_kg, labour_model.parts_haul_per_day(city, shares)
    )


def share_left_by_hauls(
    labour: float,
    regolith_kg: float,
    dig_days_per_kg: float,
    regolith_days_per_kg: float,
    parts_haul: float,
) -> float:
    """The share of a plan's labour left to it once the robots haul as well as dig.

    The plan spends ``labour`` robot-days on assembly ``A = labour - regolith_kg x
    dig_days_per_kg`` and on digging the rest. The city also hauls: the regolith to the fabs
    (``regolith_days_per_kg`` counts digging and hauling) and ``parts_haul`` robot-days of parts
    per assembly day. Digging keeps pace with assembly, so the assembly it gets, ``A'``, solves
    ``A' (1 + parts_haul) + regolith_kg (A' / A) regolith_days_per_kg = labour``; the plan's
    rates scale by ``A' / A``.

    Args:
        labour: The robot-days the plan plans for.
        regolith_kg: The regolith its builds take a day (kg).
        dig_days_per_kg: Robot-days to dig a kg, as the plan counts them.
        regolith_days_per_kg: Robot-days to dig a kg and haul it to the fabs.
        parts_haul: Robot-days hauling parts per robot-day of assembly.
    """
    assembly = labour - regolith_kg * dig_days_per_kg
    if assembly <= 0 or labour <= 0:
        return 1.0
    left = labour / (1.0 + parts_haul + regolith_kg * regolith_days_per_kg / assembly)
    return left / assembly

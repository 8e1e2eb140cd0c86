"""The labour pool: robots' working days split by task, and which robot does what today.

Today's robot-days go to repair, mining, hauling and assembly.

Robots' labour is a pool, not a schedule per robot: today's robot-days (duty fraction times
health, times the share of their power that was served) go first to repairs, then to mining and
hauling the regolith today's fab batches need (at most what the plan's mix implies), and the
rest to assembly, less the labour of hauling parts from the fabs to the build sites. Each robot
records a task only so the map and the inspector can show who does what (:class:`TaskBoard`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity import portable
from lunarcity.city.agents import Task
from lunarcity.constants import FLOAT_NOISE, KG_PER_T, MIN_DIVISOR
from lunarcity.stages.plan import Plan
from lunarcity.stages.wear import repair

if TYPE_CHECKING:
    from lunarcity.model import LunarCity


@dataclass(frozen=True)
class Labour:
    """The day's labour (robot-days) and what it was spent on.

    Attributes:
        available: Robot-days after the power cut (the pool times the served fraction).
        repair: Spent on repairs.
        mine: Spent digging regolith.
        haul: Spent hauling regolith to the fabs and parts to the build sites.
        assemble: Left for assembly: build jobs progress by this much.
        mined_kg: Regolith dug today.
    """

    available: float
    repair: float
    mine: float
    haul: float
    assemble: float
    mined_kg: float


def allocate(city: LunarCity, labour: float, plan: Plan, shares: dict[str, float]) -> Labour:
    """Repair first, then mining and hauling for today's batches, the rest to assembly.

    Mined regolith goes into stock (and the mass ledger) at once: today's recipes use it.

    Args:
        city: The city.
        labour: Robot-days available today (after the power cut).
        plan: Today's production plan (its batches decide the regolith wanted).
        shares: Today's mass shares by kind (practised crews haul by the mix they build).
    """
    robot = city.unit_spec(city.robot_kind)
    arrays = city.arrays
    repaired = repair(city, labour)
    left = labour - repaired
    mine = haul = kg = 0.0
    if not city.params.economy.unlimited_materials:
        # The stock as a Python float (``item``): a numpy scalar here made every figure of the
        # day's labour a numpy scalar, slower in each stage that reads them (the same doubles).
        want_kg = portable.dot(plan.batches, arrays.r_in[:, arrays.regolith]) - city.stock.item(
            arrays.regolith
        )
        want_kg = max(0.0, want_kg)
        per_kg = regolith_days_per_kg(city)
        # Mining competes with assembly: at most the share the plan's mix implies.
        mine_budget = min(left, want_kg * per_kg)
        kg = mine_budget / per_kg if per_kg > 0 else 0.0
        mine = kg / max(robot.mining_kg_per_day, MIN_DIVISOR)
        haul = mine_budget - mine
        city.stocks.mine(kg)
        left -= mine_budget
    assemble = left / (1.0 + parts_haul_per_day(city, shares))
    haul += left - assemble
    return Labour(
        available=labour,
        repair=repaired,
        mine=mine,
        haul=haul,
        assemble=assemble,
        mined_kg=kg,
    )


class TaskBoard:
    """Which robot does what today, written into the robots' ``task`` column when read.

    The day needs only how many robots each task takes; the column is filled the first time
    someone looks (the map, the inspector), so a run nobody watches never writes it.
    """

    #: The order in which working robots take tasks, row by row.
    ORDER = (Task.REPAIR, Task.MINE, Task.HAUL, Task.ASSEMBLE)

    def __init__(self) -> None:
        self._labour: Labour | None = None
        self._duty_fraction = 1.0
        self._written_day = -1

    def assign(self, labour: Labour, duty_fraction: float) -> None:
        """Today's labour split (a robot gives ``duty_fraction`` robot-days); kept, not counted.

        The robots each task takes (:attr:`counts`) are worked out only when someone reads
        them, like the column: a run nobody watches never needs them.
        """
        self._labour = labour
        self._duty_fraction = duty_fraction
        self._written_day = -1

    @property
    def counts(self) -> list[int]:
        """Robots needed for each task today, in :attr:`ORDER` (none before the first day)."""
        labour = self._labour
        if labour is None:
            return [0] * len(self.ORDER)
        per = self._duty_fraction
        return [
            math.ceil(x / per - FLOAT_NOISE) if x > 0 else 0
            for x in (labour.repair, labour.mine, labour.haul, labour.assemble)
        ]

    def column(self, city: LunarCity) -> np.ndarray:
        """Today's task of every robot (:class:`lunarcity.city.agents.Task` codes), by row.

        Working robots take repair, mining, hauling and assembly in row order as the day's
        labour split needs them; the rest idle; broken robots are ``BROKEN``.
        """
        t = city.fleet.tables[city.robot_kind]
        if self._written_day != city.day and t.n:
            codes = np.zeros(t.n, dtype=np.int8)
            working = np.flatnonzero(t["health"] > 0)
            start = 0
            for task, n in zip(self.ORDER, self.counts, strict=True):
                codes[working[start : start + n]] = task
                start += n
            codes[t["health"] <= 0] = Task.BROKEN
            t["task"][:] = codes
            self._written_day = city.day
        return t["task"]


def regolith_days_per_kg(city: LunarCity) -> float:
    """Robot-days to dig a kg of regolith and haul it to the raw-material fabs."""
    robot = city.unit_spec(city.robot_kind)
    d_mine = city.contributions.mean_distance_km(city.site.mine, city.arrays.raw_fabs)
    per_kg = 1.0 / max(robot.mining_kg_per_day, MIN_DIVISOR)
    if robot.haul_tkm_per_day > 0:
        per_kg += d_mine / KG_PER_T / robot.haul_tkm_per_day
    return per_kg


def parts_haul_per_day(city: LunarCity, shares: dict[str, float]) -> float:
    """Robot-days hauling parts from the fabs to the build sites per robot-day of assembly.

    Hauling costs labour in proportion to the distance from the fabs to the city centre.
    """
    robot = city.unit_spec(city.robot_kind)
    d_site = (
        city.contributions.mean_distance_km(city.site.centre, city.fab_kinds)
        if city.fab_kinds
        else 0.0
    )
    if robot.haul_tkm_per_day <= 0 or d_site <= 0:
        return 0.0
    kg_per_assembly_day = 86400.0 / city.catalog.assembly_s_per_kg
    per_day = kg_per_assembly_day / KG_PER_T * d_site / robot.haul_tkm_per_day
    if city.learning.on:
        # Practised crews assemble more kg a robot-day, and those kg are hauled too.
        units = city.catalog.units
        per_day /= city.learning.mix_factor(shares, {k: units[k].mass_kg for k in shares})
    return per_day

"""The city as two objects: what is fixed for the run, and what the days change.

:class:`RunConstants` is built once when the city is founded and never changes: the economy
compiled to arrays, each kind's costs and bill, the wear rates, the site (and its sunlight), the
track and the planner's basis. :class:`CityState` is everything a day changes: the stocks and
ledgers, the recipes as the day runs them (remelting follows the scrap pool), the units, the job
book, the repair queue, the robots' task board, the units' places, the generations and the
learning curve's counts, the energy in storage, today's shares and the day's results.

:class:`lunarcity.model.LunarCity` holds one of each (``m.constants``, ``m.state``); its flat
attributes (``m.arrays``, ``m.stocks``, ``m.shares``, ...) are views of these for the stages,
people and tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lunarcity.city.fleet import Fleet
    from lunarcity.city.site import SiteGrid
    from lunarcity.city.stocks import Stocks
    from lunarcity.stages.build_policy import UnitCost
    from lunarcity.stages.day import Day
    from lunarcity.stages.generations import Generations
    from lunarcity.stages.jobs import JobBook
    from lunarcity.stages.labour import TaskBoard
    from lunarcity.stages.launch import RailMeter, Track
    from lunarcity.stages.learning import LearningCurve
    from lunarcity.stages.placement import Placement
    from lunarcity.stages.plan import PlanBasis
    from lunarcity.stages.recipes import RecipeBook
    from lunarcity.stages.wear import RepairQueue, WearRates
    from lunarcity.world.economy_arrays import EconomyArrays


@dataclass(frozen=True)
class RunConstants:
    """What is fixed for the run, built once when the city is founded.

    Attributes:
        arrays: The economy compiled to arrays (read-only).
        costs: Each buildable kind's cost through the chain (LP).
        bom: Each kind's bill of materials as [(item, kg)].
        wear_rates: Failure and lifetime figures by kind.
        site: The site's grid and its sunlight by day.
        track: The mass driver's figures.
        plan_basis: The planner's run-long part (balanced mix, relief map).
    """

    arrays: EconomyArrays
    costs: dict[str, UnitCost]
    bom: dict[str, list[tuple[int, float]]]
    wear_rates: WearRates
    site: SiteGrid
    track: Track
    plan_basis: PlanBasis


@dataclass
class CityState:
    """What the days change.

    Attributes:
        stocks: Every kilogram held and both ledgers (:mod:`lunarcity.city.stocks`).
        recipe_book: The recipes as the day runs them (remelting follows the scrap pool).
        fleet: The units' tables by kind.
        jobs: The open build jobs and the starts banked.
        repairs: Broken units waiting for repair.
        tasks: The robots' task board.
        placement: Where units stand (cells used, track slots filled).
        rail_meter: The track laid, measured when rail changes.
        generations: The hardware generation being built.
        learning: The units built so far by kind (Wright's law).
        storage_kwh: Energy in storage, carried from day to day.
        prod_rate: Yesterday's gross production by item (kg/day).
        shares: Today's mass shares by kind.
        bottleneck: The constraint that bound the day (yesterday's, while a day is planned).
        today: The last day's stage results (None before the first day).
    """

    stocks: Stocks
    recipe_book: RecipeBook
    fleet: Fleet
    jobs: JobBook
    repairs: RepairQueue
    tasks: TaskBoard
    placement: Placement
    rail_meter: RailMeter
    generations: Generations
    learning: LearningCurve
    prod_rate: np.ndarray
    storage_kwh: float = 0.0
    shares: dict[str, float] = field(default_factory=dict)
    bottleneck: str = "none"
    today: Day | None = None

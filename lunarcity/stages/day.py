"""A day's result: what each stage of :meth:`lunarcity.model.LunarCity.step` returned.

The recorder writes the daily row from this and from the stocks, and the app and tools can read
the last day's results from ``model.today`` without reaching into the stages.
"""

from __future__ import annotations

from dataclasses import dataclass

from lunarcity.stages.bottleneck import Bottleneck
from lunarcity.stages.jobs import Completed, Starts
from lunarcity.stages.labour import Labour
from lunarcity.stages.landers import Landing
from lunarcity.stages.launch import Launches
from lunarcity.stages.plan import Plan
from lunarcity.stages.power import Dispatch
from lunarcity.stages.recipes import Production
from lunarcity.stages.wear import Wear


@dataclass(frozen=True)
class Day:
    """Every stage's result for one day, in the order the day runs them.

    Attributes:
        day: The day's number (1 on the first step).
        shares: Mass shares by kind the planner chose.
        plan: The production plan.
        power: Dispatch of generation and storage to the loads.
        labour: The labour pool and its split by task.
        starts: Build jobs opened.
        production: What the fabs made.
        completed: Build jobs finished.
        launches: Satellites launched.
        landing: The lander, if one was due.
        wear: Failures and scrapping.
        bottleneck: The constraint that bound the day.
    """

    day: int
    shares: dict[str, float]
    plan: Plan
    power: Dispatch
    labour: Labour
    starts: Starts
    production: Production
    completed: Completed
    launches: Launches
    landing: Landing
    wear: Wear
    bottleneck: Bottleneck

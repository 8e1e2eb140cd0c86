"""The same rules written the idiomatic Mesa way: one ``step()`` call per agent per day.

:class:`MesaReference` is a :class:`~lunarcity.model.LunarCity` whose per-unit quantities come
from the agents rather than from numpy columns. Every day each agent's ``step()`` works out its
own contribution (a robot its labour and energy draw, a fab its fab-hours and haul distances, a
solar plant its sunlight at its cell, a storage bank its capacity), and the model reduces them
with :meth:`mesa.AgentSet.agg` / ``groupby``, as a Mesa model would, and hands the model those
totals through its public hook for per-agent models (:mod:`lunarcity.stages.contributions`: the
agent classes and the six daily contributions, nothing else). The planner, recipes, build
jobs, placement, landers and metrics are the model's own code, run unchanged, so the two models
follow the same rules and, from the same seed, produce the same daily table (a test checks it).
The benchmark (``benchmarks/run.py``) times both from the same state to measure what the
vectorized columns buy.

Limits, and why:

- Failures off only (``economy.failures=False``). With failures on, each kind's failure draws
  come from one vector ``rng.random(n)`` in table-row order, and rows are reordered by scrapping,
  so a per-agent draw could not reproduce the model's random stream; with failures off health
  stays 1 and every unit lives through the run.
- The agents keep their own state as plain attributes (position, their kind's figures, health),
  as idiomatic Mesa agents do, rather than reading the model's table through the id map; that
  makes the reference as fast as the Mesa way reasonably gets, so the speed-up is not inflated.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from lunarcity.city.agents import AGENT_CLASS, Fab, PowerPlant, Robot, Unit
from lunarcity.model import LunarCity
from lunarcity.stages.contributions import (
    PARTS_PER_DAY,
    WHOLE_DAY,
    FleetContributions,
    Periods,
    fold_smaller_fabs,
    periods_of,
)
from lunarcity.world.scenario import Scenario


class RefRobot(Robot):
    """A robot that works out its own labour (robot-days) and energy draw (kWh) each day."""

    health: float = 1.0  # the agent's own state (shadows the table-backed property of Unit)

    def __init__(self, model: MesaReference, kind: str, pos: tuple[int, int]) -> None:
        super().__init__(model, kind, pos)
        spec = model.unit_spec(kind)
        self.duty = spec.duty_fraction
        self.power_kw = spec.power_kw
        self.health = 1.0
        self.labour = 0.0
        self.energy_kwh = 0.0
        self.step()  # a unit placed today works out today's contribution at once

    def step(self) -> None:
        """Today's labour and energy draw."""
        self.labour = self.duty * self.health
        self.energy_kwh = self.power_kw * 24.0 * self.duty * self.health


class RefFab(Fab):
    """A fab that works out its own fab-hours and its haul distances (cells) each day."""

    health: float = 1.0

    def __init__(self, model: MesaReference, kind: str, pos: tuple[int, int]) -> None:
        super().__init__(model, kind, pos)
        self.health = 1.0
        self.fab_hours = 0.0
        self.to_mine_km = 0.0
        self.to_centre_km = 0.0
        self.step()

    def step(self) -> None:
        """Today's fab-hours and distances to the mine and to the city centre."""
        site = self.model.site
        x, y = self.pos
        self.fab_hours = 24.0 * self.health
        self.to_mine_km = math.hypot(x - site.mine[0], y - site.mine[1]) * site.cell_m / 1000.0
        self.to_centre_km = (
            math.hypot(x - site.centre[0], y - site.centre[1]) * site.cell_m / 1000.0
        )


class RefPowerPlant(PowerPlant):
    """A power plant or storage bank that works out what it offers today."""

    health: float = 1.0

    def __init__(self, model: MesaReference, kind: str, pos: tuple[int, int]) -> None:
        super().__init__(model, kind, pos)
        spec = model.unit_spec(kind)
        self.role = spec.role
        self.solar = spec.role == "power" and spec.generation == "solar"
        self.generation_kw = spec.generation_kw
        self.storage_kwh = spec.storage_kwh
        self.health = 1.0
        self.sunlit = np.float32(0.0)
        self.generated_kwh = 0.0
        self.lit_parts: np.ndarray | None = None  # by part of the day, if its light changes
        self.capacity_kwh = 0.0
        self.step()

    def step(self) -> None:
        """Today's sunlight at its cell and energy generated, or its storage capacity.

        On a day its cell is lit part of the time, also its lit share in each part of the day.
        """
        self.lit_parts = None
        if self.role == "storage":
            self.capacity_kwh = self.storage_kwh if self.health > 0 else 0.0
        elif self.solar:
            x, y = self.pos
            self.sunlit = self.model.lit[y, x]  # float32, as the model's sunlight layer
            self.generated_kwh = self.generation_kw * 24.0 * self.health * float(self.sunlit)
            if WHOLE_DAY < self.sunlit < 1.0 - WHOLE_DAY and self.health > 0:
                site = self.model.site
                cell = (y, slice(x, x + 1))
                dark = site.dark_in_parts(
                    self.model.day, PARTS_PER_DAY, site.quality[cell], site.dark_phase[cell]
                )
                self.lit_parts = 1.0 - dark[0]
        else:
            self.generated_kwh = self.generation_kw * 24.0 * self.health


#: The reference's agent class by unit role (rail segments keep Mesa's no-op step).
REFERENCE_CLASS: dict[str, type[Unit]] = {
    # Roles with no daily contribution of their own (rail, pulse stores, any role added later)
    # keep the model's class.
    **AGENT_CLASS,
    "robot": RefRobot,
    "fab": RefFab,
    "power": RefPowerPlant,
    "storage": RefPowerPlant,
}


class AgentContributions:
    """The units' daily contributions summed over the agents' own ``step()`` results.

    This is the model's public hook for a per-agent model
    (:class:`lunarcity.stages.contributions.UnitContributions`): the six totals the day needs, and
    nothing else of the model overridden. While :attr:`MesaReference.active` is off it answers
    from the model's columns (:class:`lunarcity.stages.contributions.FleetContributions`).

    Args:
        city: The reference model.
    """

    def __init__(self, city: MesaReference) -> None:
        self.city = city
        self.columns = FleetContributions(city)
        self._stepped_day = -1

    def _agents_of(self, cls: type[Unit]) -> Any:
        return self.city.agents_by_type.get(cls, ())

    def _step_agents(self) -> None:
        """Each agent's ``step()``, once a day, the first time today's totals are needed."""
        if self._stepped_day != self.city.day:
            self.city.agents.do("step")
            self._stepped_day = self.city.day

    def _by_kind(self, cls: type[Unit], attribute: str) -> dict[str, float]:
        """Sum of an attribute over the agents of ``cls``, by kind (exact sums: math.fsum)."""
        agents = self._agents_of(cls)
        if not len(agents):
            return {}
        return agents.groupby("kind").agg(attribute, math.fsum)

    def generation_periods(self) -> Periods:
        """Energy generated today in periods: each plant's own figures, summed by kind."""
        if not self.city.active:
            return self.columns.generation_periods()
        self._step_agents()
        plants = self._agents_of(RefPowerPlant)
        generated = steady = 0.0
        changing: np.ndarray | None = None
        for kind in self.city.power_kinds:
            mine = [a for a in plants if a.kind == kind]
            if not mine:
                continue
            generated += math.fsum(a.generated_kwh for a in mine)
            steady += math.fsum(a.generated_kwh for a in mine if a.lit_parts is None)
            parts = [a for a in mine if a.lit_parts is not None]
            if parts:
                by_part = np.array(
                    [
                        math.fsum(a.generation_kw * 24.0 * a.health * a.lit_parts[k] for a in parts)
                        for k in range(PARTS_PER_DAY)
                    ]
                )
                changing = by_part if changing is None else changing + by_part
        return periods_of(generated, steady, changing)

    def storage_capacity(self) -> tuple[float, float]:
        """Storage in service (kWh), summed over the banks, and its round-trip efficiency."""
        if not self.city.active:
            return self.columns.storage_capacity()
        self._step_agents()
        by_kind = self._by_kind(RefPowerPlant, "capacity_kwh")
        capacity = 0.0
        rte = 1.0
        for kind in self.city.storage_kinds:
            rte = self.city.unit_spec(kind).round_trip_efficiency
            capacity += by_kind.get(kind, 0.0)
        return capacity, rte

    def robot_energy_kwh(self) -> float:
        """Energy the robots draw, summed over the robots."""
        if not self.city.active:
            return self.columns.robot_energy_kwh()
        self._step_agents()
        robots = self._agents_of(RefRobot)
        return robots.agg("energy_kwh", math.fsum) if len(robots) else 0.0

    def labour_supply(self) -> float:
        """Robot-days of labour, summed over the robots."""
        if not self.city.active:
            return self.columns.labour_supply()
        self._step_agents()
        robots = self._agents_of(RefRobot)
        return robots.agg("labour", math.fsum) if len(robots) else 0.0

    def fab_hours(self) -> dict[str, float]:
        """Fab-hours by kind, summed over the fabs."""
        if not self.city.active:
            return self.columns.fab_hours()
        self._step_agents()
        by_kind = self._by_kind(RefFab, "fab_hours")
        hours = {k: by_kind.get(k, 0.0) for k in self.city.fab_kinds if k in self.city.fleet.tables}
        return fold_smaller_fabs(hours, self.city.specs)

    def mean_distance_km(self, point: tuple[int, int], kinds: list[str]) -> float:
        """Mean distance from ``point`` to the fabs of ``kinds``, from the fabs' own figures."""
        if not self.city.active:
            return self.columns.mean_distance_km(point, kinds)
        self._step_agents()
        site = self.city.site
        wanted = set(kinds)
        fabs = [a for a in self._agents_of(RefFab) if a.kind in wanted]
        if not fabs:
            return 0.0
        if tuple(point) == tuple(site.mine):
            total = math.fsum(a.to_mine_km for a in fabs)
        elif tuple(point) == tuple(site.centre):
            total = math.fsum(a.to_centre_km for a in fabs)
        else:
            cell_km = site.cell_m / 1000.0
            total = math.fsum(
                math.hypot(a.pos[0] - point[0], a.pos[1] - point[1]) * cell_km for a in fabs
            )
        return total / len(fabs)


class MesaReference(LunarCity):
    """LunarCity with its per-unit quantities computed one ``step()`` per agent per day.

    It uses the model's two public hooks and nothing else: its agents are
    :data:`REFERENCE_CLASS` (:attr:`LunarCity.agent_classes`) and the day's totals come from
    :class:`AgentContributions` (:attr:`LunarCity.contributions_class`).

    Args:
        scenario: As for :class:`LunarCity`; ``economy.failures`` must be off.
        seed: As for :class:`LunarCity`.
        active: Whether the per-agent path is on. Off, the model's columns answer (the agents
            are still reference agents), which lets a benchmark reach a large state quickly and
            then time the Mesa way from it (set :attr:`active`).
        **overrides: As for :class:`LunarCity`.

    Raises:
        ValueError: the scenario has failures on (see the module's docstring).
    """

    agent_classes = REFERENCE_CLASS
    contributions_class = AgentContributions

    def __init__(
        self,
        scenario: str | Path | Scenario | None = None,
        seed: int | None = None,
        *,
        active: bool = True,
        **overrides: Any,
    ) -> None:
        self.active = active
        super().__init__(scenario, seed=seed, **overrides)
        if self.params.economy.failures:
            raise ValueError(
                "the Mesa reference needs economy.failures=False "
                "(per-agent failure draws cannot follow the model's random stream)"
            )

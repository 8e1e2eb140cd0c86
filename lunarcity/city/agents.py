"""The agents: every unit on the surface is a Mesa agent, a handle on its row of numpy state.

The day's work is done on whole columns at once (see :mod:`lunarcity.model`), not by calling each
agent; the agents are how a person (or the app's inspector, or Mesa's tools) looks at one unit.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

import mesa

if TYPE_CHECKING:
    from lunarcity.model import LunarCity


class Task(IntEnum):
    """A robot's task today, as stored (int8) in the robots' ``task`` column."""

    IDLE = 0
    MINE = 1
    HAUL = 2
    ASSEMBLE = 3
    REPAIR = 4
    BROKEN = 5


#: Task names by code, for display (``TASKS[code]``).
TASKS = tuple(t.name.lower() for t in Task)


class Unit(mesa.Agent):
    """A unit of the city: id, kind, position, birth day, builder and health.

    Args:
        model: The city.
        kind: Unit kind (a key of data/units.yaml).
        pos: (x, y) cell; units do not move once placed.
    """

    model: LunarCity

    def __init__(self, model: LunarCity, kind: str, pos: tuple[int, int]) -> None:
        super().__init__(model)
        self.kind = kind
        self.pos = pos

    @property
    def _row(self) -> int:
        code, row = self.model.fleet.id_map.lookup(self.unique_id)
        if row < 0:
            raise LookupError(f"unit {self.unique_id} is no longer in service")
        return row

    def _col(self, name: str) -> Any:
        return self.model.fleet.tables[self.kind][name][self._row]

    @property
    def birth_day(self) -> int:
        """Day the unit was completed or landed."""
        return int(self._col("born"))

    @property
    def age_days(self) -> int:
        """Days in service."""
        return self.model.day - self.birth_day

    @property
    def builder(self) -> int | None:
        """Id of the robot that built it, or None when it came from Earth or the seed."""
        b = int(self._col("builder"))
        return b if b > 0 else None

    @property
    def health(self) -> float:
        """1 when new, falling with wear; 0 while broken."""
        return float(self._col("health"))

    @property
    def imported_share(self) -> float:
        """Share of its mass that came from Earth (its own mass: a generation may be heavier)."""
        return float(self._col("imported_kg")) / float(self._col("mass_kg"))

    @property
    def task(self) -> str:
        """What it is doing today."""
        return "broken" if self.health <= 0 else "working"

    @property
    def output(self) -> str:
        """What it contributes today, in words."""
        return ""

    def describe(self) -> dict[str, Any]:
        """Everything the inspector shows about this unit."""
        return {
            "id": self.unique_id,
            "kind": self.kind,
            "class": type(self).__name__,
            "pos": tuple(int(v) for v in self.pos),
            "birth_day": self.birth_day,
            "age_days": self.age_days,
            "builder": self.builder,
            "health": round(self.health, 3),
            "task": self.task,
            "output": self.output,
            "imported_share": round(self.imported_share, 3),
        }


class Robot(Unit):
    """Mines, hauls, assembles and repairs; its labour is pooled and allocated by task each day."""

    @property
    def task(self) -> str:
        """Today's task from the robots' task column (the labour split, row by row)."""
        return TASKS[int(self.model.robot_tasks()[self._row])]

    @property
    def output(self) -> str:
        """Its labour today in robot-days and its task, for the inspector."""
        spec = self.model.unit_spec(self.kind)
        return f"{spec.duty_fraction * self.health:.2f} robot-days/day ({self.task})"


class Fab(Unit):
    """Runs its kind's recipes; output is shared over the kind's fabs by health."""

    @property
    def output(self) -> str:
        """Its share of its kind's output today, by health, for the inspector."""
        made = self.model.fab_output_today.get(self.kind, 0.0)
        total_health = self.model.fleet.health_total(self.kind) or 1.0
        return f"{made * self.health / total_health:,.0f} kg of product today"


class PowerPlant(Unit):
    """Generates (solar or fission) or stores energy."""

    @property
    def output(self) -> str:
        """Its generation today at its cell's sunlight (or its storage), for the inspector."""
        spec = self.model.unit_spec(self.kind)
        if spec.role == "storage":
            return f"stores up to {spec.storage_kwh * self.health:,.0f} kWh"
        x, y = self.pos
        lit = 1.0 if spec.generation == "constant" else float(self.model.lit[y, x])
        return f"{spec.generation_kw * self.health * lit:,.1f} kW today (sunlit {lit:.0%})"


class LaunchRail(Unit):
    """One segment of the mass driver's straight track."""

    @property
    def output(self) -> str:
        """Its place on the track, for the inspector."""
        return f"slot {int(self._col('slot'))} of {len(self.model.site.rail_cells) // 2 or 1} on the track"


class PulseStore(Unit):
    """Part of the mass driver's pulsed store: charges between shots, delivers each shot."""

    @property
    def output(self) -> str:
        """What the unit contributes: its share of the bank one shot needs."""
        store = self.model.thesis.store
        if store is None:
            return "no shot to deliver"
        share = self.model.unit_spec(self.kind).mass_kg / store.mass_kg
        return f"{share:.1%} of the bank one shot needs ({store.sized_by}-limited)"


#: Agent class by unit role.
AGENT_CLASS: dict[str, type[Unit]] = {
    "robot": Robot,
    "fab": Fab,
    "power": PowerPlant,
    "storage": PowerPlant,
    "rail": LaunchRail,
    "pulse": PulseStore,
}

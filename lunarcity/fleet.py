"""The fleet: per-kind tables of units in service and the Mesa agents that are their handles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lunarcity.agents import AGENT_CLASS, Unit
from lunarcity.tables import IdMap, Table

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

UNIT_COLUMNS = {
    "x": np.int16,
    "y": np.int16,
    "born": np.int32,
    "builder": np.int64,
    "health": np.float32,
    "imported_kg": np.float64,
    "task": np.int8,  # robots: index into agents.TASKS
    "job": np.int64,  # robots building their own copy: the job's id
    "slot": np.int32,  # rail: position on the track
}


class Fleet:
    """Units in service, one :class:`Table` per kind, sharing one id -> row map.

    Args:
        model: The city (agents register with it).
        kinds: Unit kinds that exist as agents (satellites do not: they are products).
    """

    def __init__(self, model: LunarCity, kinds: list[str], shape: tuple[int, int]) -> None:
        self.model = model
        self.kinds = kinds
        # Units per cell by kind, kept up to date on every birth and scrapping: the map and
        # the haul distances read these instead of every unit's position.
        self.cell_counts = {k: np.zeros(shape, dtype=np.int32) for k in kinds}
        self.id_map = IdMap()
        self.tables = {k: Table(UNIT_COLUMNS, self.id_map, code=i) for i, k in enumerate(kinds)}
        self.agents: list[Unit | None] = [None]  # by unique_id (Mesa starts ids at 1)

    def count(self, kind: str) -> int:
        return self.tables[kind].n

    def add(
        self,
        kind: str,
        xs: np.ndarray,
        ys: np.ndarray,
        day: int,
        builders: np.ndarray,
        imported_kg: np.ndarray,
        health: np.ndarray,
        slots: np.ndarray | None = None,
    ) -> np.ndarray:
        """Create agents for new units and append their rows; returns their ids.

        One agent per birth: the work is per event, never per unit in service.
        """
        cls = AGENT_CLASS[self.model.unit_spec(kind).role]
        ids = np.empty(len(xs), dtype=np.int64)
        for i in range(len(xs)):
            agent = cls(self.model, kind, (int(xs[i]), int(ys[i])))
            ids[i] = agent.unique_id
            while len(self.agents) <= agent.unique_id:
                self.agents.append(None)
            self.agents[agent.unique_id] = agent
        self.tables[kind].append(
            ids,
            x=xs,
            y=ys,
            born=day,
            builder=builders,
            health=health,
            imported_kg=imported_kg,
            task=0,
            job=0,
            slot=slots if slots is not None else -1,
        )
        np.add.at(
            self.cell_counts[kind],
            (np.asarray(ys, dtype=np.int64), np.asarray(xs, dtype=np.int64)),
            1,
        )
        return ids

    def remove(self, kind: str, rows: np.ndarray) -> None:
        """Scrap units: their agents leave the model, their rows are freed."""
        table = self.tables[kind]
        np.subtract.at(
            self.cell_counts[kind],
            (table["y"][rows].astype(np.int64), table["x"][rows].astype(np.int64)),
            1,
        )
        for uid in table["id"][rows]:
            agent = self.agents[int(uid)]
            if agent is not None:
                agent.remove()
                self.agents[int(uid)] = None
        table.remove_rows(rows)

    def agent(self, uid: int) -> Unit | None:
        """The agent with this id, if still in service."""
        return self.agents[uid] if 0 <= uid < len(self.agents) else None

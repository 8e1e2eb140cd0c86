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
        self._trackers: dict[str, tuple[set[str], np.ndarray, list[float]]] = {}
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
        born = [cls(self.model, kind, pos) for pos in zip(xs.tolist(), ys.tolist(), strict=True)]
        ids = np.fromiter((a.unique_id for a in born), dtype=np.int64, count=len(born))
        if len(born):
            top = int(ids.max()) + 1
            if top > len(self.agents):
                self.agents.extend([None] * (top - len(self.agents)))
            for uid, agent in zip(ids.tolist(), born, strict=True):
                self.agents[uid] = agent
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
        self._track(kind, xs, ys, +1.0)
        return ids

    def track(self, key: str, kinds: list[str], grid: np.ndarray) -> None:
        """Keep the sum of ``grid`` over the cells of ``kinds``' units up to date (per event).

        The haul distances read these sums: a mean distance to the mine or the centre costs
        nothing per day, and is exact.
        """
        total, count = 0.0, 0
        for k in kinds:
            t = self.tables[k]
            total += float(grid[t["y"].astype(np.int64), t["x"].astype(np.int64)].sum())
            count += t.n
        self._trackers[key] = (set(kinds), grid, [total, count])

    def tracked_mean(self, key: str) -> float | None:
        """Mean of a tracked grid over its kinds' units (None if untracked or no units)."""
        entry = self._trackers.get(key)
        if entry is None or entry[2][1] == 0:
            return None
        total, count = entry[2]
        return total / count

    def _track(self, kind: str, xs: np.ndarray, ys: np.ndarray, sign: float) -> None:
        for kinds, grid, acc in self._trackers.values():
            if kind in kinds and len(xs):
                cells = (np.asarray(ys, dtype=np.int64), np.asarray(xs, dtype=np.int64))
                acc[0] += sign * float(grid[cells].sum())
                acc[1] += int(sign) * len(xs)

    def remove(self, kind: str, rows: np.ndarray) -> None:
        """Scrap units: their agents leave the model, their rows are freed."""
        table = self.tables[kind]
        self._track(kind, table["x"][rows], table["y"][rows], -1.0)
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

"""The fleet: per-kind tables of units in service and the Mesa agents that are their handles."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.city import mesa_compat
from lunarcity.city.agents import AGENT_CLASS, Unit
from lunarcity.city.tables import IdMap, Table
from lunarcity.stages.placement import Slot

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
    "slot": np.int32,  # rail: position on the track; solar: rank of its cell, sunniest first
    "gen": np.int8,  # hardware generation (lunarcity/stages/generations.py): 1 landed, 2+ built
    "mass_kg": np.float64,  # the unit's own mass (a generation may be heavier than its kind)
}
#: Up to this many health changes, :meth:`Fleet._account` sums them in plain floats.
SMALL_CHANGE = 16
#: Below this many values np.add.reduce adds them one after another from -0.0 (numpy's pairwise
#: sum only splits longer runs), so :meth:`Fleet._track` adds as many in plain floats.
SHORT_REDUCE = 8


@functools.lru_cache(maxsize=4096)
def _copies_kg(mass: float, n: int) -> float:
    """``n`` units at ``mass`` kg, summed as :meth:`Fleet.add` sums its new rows' mass column.

    The reduction of ``n`` equal float64 values depends on them and ``n`` only, so it is kept:
    a day's births of a kind at its own mass are a few counts over the run.
    """
    return float(np.add.reduce(np.full(n, mass, dtype=np.float64)))


class Fleet:
    """Units in service, one :class:`Table` per kind, sharing one id -> row map.

    Every unit is a Mesa agent, made the first time anyone looks: a unit's id is issued at its
    birth from Mesa's own counter, and its agent (a handle on its row) is made and registered
    when the model's agents are next read (``model.agents``, ``agents_by_type``,
    :meth:`agent`). The day itself reads only the columns, so a run nobody inspects, such as
    a sweep's, makes none: a birth then costs no Python object.

    Args:
        model: The city (agents register with it).
        kinds: Unit kinds that exist as agents (satellites do not: they are products).
        agent_classes: The agent class made for each unit role (default
            :data:`lunarcity.city.agents.AGENT_CLASS`; a per-agent model passes its own).
    """

    def __init__(
        self,
        model: LunarCity,
        kinds: list[str],
        agent_classes: Mapping[str, type[Unit]] = AGENT_CLASS,
    ) -> None:
        self.model = model
        self.kinds = kinds
        self.agent_classes = agent_classes
        self.id_map = IdMap()
        self._trackers: dict[tuple, tuple[set[str], np.ndarray, list[float]]] = {}
        self.tables = {k: Table(UNIT_COLUMNS, self.id_map, code=i) for i, k in enumerate(kinds)}
        self.agents: list[Unit | None] = [None]  # by unique_id (Mesa starts ids at 1)
        self._unmade: list[tuple[str, np.ndarray]] = []  # births whose agents are not made yet
        # Bumped whenever a kind's units or their health change (the track's length is
        # measured again only then).
        self.version = dict.fromkeys(kinds, 0)
        # Per kind: total health, units not broken, and (for kinds grouped by slot) health by
        # slot, kept up to date per event. Health is float32 and totals float64, so a total
        # kept this way is exactly the sum of the column, in any order.
        self._health_sum = dict.fromkeys(kinds, 0.0)
        self._working = dict.fromkeys(kinds, 0)
        self._by_slot: dict[str, np.ndarray] = {}
        self._born_on = {k: np.zeros(0, dtype=np.int64) for k in kinds}
        # Per kind: the ids born on each day (a unit's end of life is its birth day's), so the
        # units whose life ends today are found without a pass over the kind's born column.
        self._ids_born: dict[str, dict[int, np.ndarray]] = {k: {} for k in kinds}
        # Per kind: mass in service, kept per event (births and scrapping).
        self._mass_sum = dict.fromkeys(kinds, 0.0)
        # Per kind: units scrapped (:meth:`remove`), and (day, births before it) as last
        # counted (:meth:`born_before`).
        self._scrapped = dict.fromkeys(kinds, 0)
        self._born_before = {k: (0, 0) for k in kinds}

    def mass_total(self, kind: str) -> float:
        """Mass of a kind's units in service (kg), each at its own mass."""
        return self._mass_sum[kind]

    def health_total(self, kind: str) -> float:
        """Sum of the health of a kind's units (a unit at full health counts 1)."""
        return self._health_sum[kind]

    def working(self, kind: str) -> int:
        """How many of a kind's units are not broken."""
        return self._working[kind]

    def group_by_slot(self, kind: str, slots: int) -> None:
        """Keep ``kind``'s health summed by its ``slot`` column (values 0 .. slots-1)."""
        t = self.tables[kind]
        self._by_slot[kind] = np.zeros(slots)
        np.add.at(self._by_slot[kind], t["slot"], t["health"].astype(np.float64))

    def health_by_slot(self, kind: str) -> np.ndarray:
        """Health of ``kind`` summed by slot (see :meth:`group_by_slot`); do not modify."""
        return self._by_slot[kind]

    def set_health(self, kind: str, health: np.ndarray) -> None:
        """Set a kind's working units to ``health`` (one value > 0 a row; broken units stay at 0).

        Health changes only here, in :meth:`fail` and :meth:`repair` (and births and scrapping).
        This is a whole kind at once (monthly wear): the total is summed again from the
        column, which gives the sum kept per event exactly (see ``_health_sum``) for a few
        passes over the column instead of gathers through a mask and np.add.at
        (benchmarks/run.py's `default_30y_s`). No unit breaks or comes back here (``health``
        is above 0 and broken units keep their 0), so the count working stands as kept.
        """
        t = self.tables[kind]
        column = t["health"]
        np.copyto(column, health, where=column > 0)
        self._health_sum[kind] = float(column.sum(dtype=np.float64))
        by_slot = self._by_slot.get(kind)
        if by_slot is not None:
            by_slot[:] = np.bincount(t["slot"], weights=column, minlength=len(by_slot))
        self.version[kind] += 1

    def fail(self, kind: str, rows: list[int]) -> list[int]:
        """Break the working units at ``rows`` (no repeats); returns their ids, in ``rows`` order.

        A hit on a broken unit changes nothing. A day's hits on a kind are a unit to a dozen, so
        they go one at a time in plain Python through the columns' memoryviews
        (:meth:`Table.scalars`), under numpy's cost per call (a tenth of the wear stage in a
        30-year run, benchmarks/run.py's `default_30y_s`); the totals are exact in any order
        (see ``_health_sum``).
        """
        t = self.tables[kind]
        health, ids = t.scalars("health"), t.scalars("id")  # plain numbers in and out
        by_slot = self._by_slot.get(kind)
        slot = t.scalars("slot") if by_slot is not None else None
        broke: list[int] = []
        lost = 0.0
        for r in rows:
            old = health[r]
            if old > 0:
                health[r] = 0.0
                lost += old
                broke.append(ids[r])
                if by_slot is not None:
                    by_slot[slot[r]] -= old
        self._health_sum[kind] -= lost
        self._working[kind] -= len(broke)
        self.version[kind] += 1
        return broke

    def repair(self, kind: str, rows: list[int], health: list[float]) -> None:
        """Bring broken units (health 0, ``rows`` without repeats) back at ``health`` > 0.

        The health column (float32) rounds ``health``; the totals take the rounded values. A
        day's repairs of a kind are a unit to a dozen: they go one at a time in plain Python, as
        in :meth:`fail`, under numpy's cost per call (benchmarks/run.py's `default_30y_s`). The
        rounded values as plain floats sum exactly (see ``_health_sum``) and add to the slots
        as np.add.at would, in ``rows`` order.
        """
        t = self.tables[kind]
        column = t.scalars("health")
        kept: list[float] = []
        for r, h in zip(rows, health, strict=True):
            column[r] = h
            kept.append(column[r])  # the float32 value, read back as a plain float
        self._health_sum[kind] += math.fsum(kept)
        self._working[kind] += len(kept)
        by_slot = self._by_slot.get(kind)
        if by_slot is not None:
            slot = t.scalars("slot")
            for r, h in zip(rows, kept, strict=True):
                by_slot[slot[r]] += h
        self.version[kind] += 1

    def _account(
        self, kind: str, rows: np.ndarray | list[int], change: np.ndarray, sign: int
    ) -> None:
        """Totals after ``rows``' health changed by ``change``: units come (``sign`` +1) or go (-1).

        Births (:meth:`add`) and scrapping (:meth:`remove`) come here; :meth:`fail`,
        :meth:`repair` and :meth:`set_health` keep their own totals. ``change`` holds float32
        values (health itself, or its negative): summed in float64 they are exact either way,
        and so in any order (see ``_health_sum``); the units working change by ``sign`` for
        each that is not 0. A day's births and scrapping of a kind are mostly a few units,
        where math.fsum over a list costs a fraction of a numpy reduction, and the list counts
        its zeros below np.count_nonzero's cost; a landing or a large cohort is thousands,
        where numpy costs less (benchmarks/run.py's `default_30y_s`). Both give the exact sum
        and count (tests/test_fleet_totals.py).
        """
        small = change.size <= SMALL_CHANGE
        if small:
            changes = change.tolist()
            self._health_sum[kind] += math.fsum(changes)
            working = len(changes) - changes.count(0.0)  # -0.0 too, as count_nonzero
        else:
            self._health_sum[kind] += float(change.sum(dtype=np.float64))
            working = int(np.count_nonzero(change))
        self._working[kind] += sign * working
        by_slot = self._by_slot.get(kind)
        if by_slot is None:
            return
        slot = self.tables[kind]["slot"]
        if small:
            # A few rows: added one at a time in order, the float64 additions np.add.at makes
            # (as Fleet.repair does), under its cost per call.
            slot_of = slot.item
            rows = rows.tolist() if isinstance(rows, np.ndarray) else rows
            for r, h in zip(rows, changes, strict=True):
                by_slot[slot_of(r)] += h
        else:
            # np.add.at touches only the rows' slots, where a bincount would pass over every
            # slot. set_health (a whole kind's monthly wear) sums the column again by bincount
            # instead, which is cheaper there than np.add.at.
            np.add.at(by_slot, slot[rows], change)

    def rows_born_on(self, kind: str, day: int) -> np.ndarray | None:
        """Rows, ascending, of a kind's units born on ``day`` still in service; None if none born.

        Read through the ids born that day (kept per birth) and the id -> row map: work per unit
        born that day, not a pass over the kind's born column (benchmarks/run.py's
        `default_30y_s`: tens of thousands of rows a kind by year 25). A unit gone (row -1) is
        left out.
        """
        ids = self._ids_born[kind].get(day)
        if ids is None:
            return None
        rows = self.id_map.rows[ids]
        if len(rows) > 1:
            rows.sort()  # (a copy: fancy indexing)
        return rows[rows >= 0] if rows[0] < 0 else rows

    def count(self, kind: str) -> int:
        """How many of a kind's units are in service (broken ones included)."""
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
        mass_kg: np.ndarray | None = None,
        gen: np.ndarray | int = 1,
    ) -> np.ndarray:
        """Append rows for new units, with ids issued now; returns their ids.

        ``mass_kg`` is each unit's own mass (its kind's by default); ``gen`` its hardware
        generation (1, Earth-made, by default).

        Their agents are made when someone next looks (:meth:`make_agents`); the work is per
        event, never per unit in service.
        """
        n = len(xs)
        if not n:
            return np.zeros(0, dtype=np.int64)
        self.version[kind] += 1
        counts = self._born_on[kind]
        if day >= len(counts):
            counts = np.concatenate(
                [counts, np.zeros(max(day + 1, 2 * len(counts)) - len(counts), dtype=np.int64)]
            )
            self._born_on[kind] = counts
        counts[day] += n
        ids = mesa_compat.reserve_ids(self.model, n)
        born = self._ids_born[kind]
        earlier = born.get(day)  # (a landing and a finished job the same day: rare)
        born[day] = ids if earlier is None else np.concatenate((earlier, ids))
        self._unmade.append((kind, ids))
        table = self.tables[kind]
        first = table.n
        mass = self.model.catalog.units[kind].mass_kg if mass_kg is None else mass_kg
        rows = table.append(
            ids,
            x=xs,
            y=ys,
            born=day,
            builder=builders,
            health=health,
            imported_kg=imported_kg,
            task=0,
            job=0,
            slot=slots if slots is not None else Slot.NONE,
            gen=gen,
            mass_kg=mass,
        )
        # The new rows' mass, summed as np.add.reduce sums the table's new rows (ndarray.sum's
        # reduction, without its Python wrapper); at the kind's own mass, kept by count.
        self._mass_sum[kind] += (
            _copies_kg(float(mass), n)
            if mass_kg is None
            else float(np.add.reduce(table["mass_kg"][first:]))
        )
        # The float32 health itself is the change (_account sums it in float64, exactly).
        health = np.asarray(health, dtype=np.float32)
        self._account(kind, rows, health, +1)
        self._track(kind, xs, ys, +1.0)
        return ids

    def track(self, key: tuple, kinds: list[str], grid: np.ndarray) -> None:
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

    def is_tracked(self, key: tuple) -> bool:
        """Whether :meth:`track` keeps a sum under ``key``."""
        return key in self._trackers

    def tracked_mean(self, key: tuple) -> float | None:
        """Mean of a tracked grid over its kinds' units (None if untracked or no units)."""
        entry = self._trackers.get(key)
        if entry is None or entry[2][1] == 0:
            return None
        total, count = entry[2]
        return total / count

    def _track(self, kind: str, xs: np.ndarray, ys: np.ndarray, sign: float) -> None:
        n = len(xs)
        if not n:
            return
        cells: list[tuple[int, int]] | None = None
        for kinds, grid, acc in self._trackers.values():
            if kind in kinds:
                if n < SHORT_REDUCE:
                    # A day's births or scrapping of a kind, mostly a unit or a few: the grid's
                    # values read as plain floats through a memoryview and added in order from
                    # -0.0, which is np.add.reduce's sum of fewer than 8 values, under the cost
                    # of a gather and a reduction (benchmarks/run.py's `default_30y_s`;
                    # tests/test_fleet_totals.py holds the two equal).
                    if cells is None:
                        cells = list(zip(ys.tolist(), xs.tolist(), strict=True))
                    values = memoryview(grid)
                    total = -0.0
                    for yx in cells:
                        total += values[yx]
                else:
                    # Any integer cells index the grid (int16 columns as they are, no
                    # conversion); np.add.reduce is ndarray.sum's reduction.
                    total = float(np.add.reduce(grid[ys, xs]))
                acc[0] += sign * total
                acc[1] += int(sign) * n

    def _keep(self, ids: np.ndarray, agents: list[Unit]) -> None:
        top = int(ids.max()) + 1
        if top > len(self.agents):
            self.agents.extend([None] * (top - len(self.agents)))
        for uid, agent in zip(ids.tolist(), agents, strict=True):
            self.agents[uid] = agent

    def make_agents(self) -> None:
        """Make and register the agents of units born since the last look (still in service)."""
        unmade, self._unmade = self._unmade, []
        for kind, ids in unmade:
            t = self.tables[kind]
            rows = self.id_map.rows[ids]
            alive = (rows >= 0) & (self.id_map.codes[ids] == t.code)
            ids, rows = ids[alive], rows[alive]
            if not len(ids):
                continue
            cls = self.agent_classes[self.model.unit_spec(kind).role]
            xs, ys = t["x"][rows].tolist(), t["y"][rows].tolist()
            places = [(kind, (x, y)) for x, y in zip(xs, ys, strict=True)]
            made = mesa_compat.make_agents(self.model, cls, ids.tolist(), places)
            self._keep(ids, made)

    def remove(self, kind: str, rows: np.ndarray) -> None:
        """Scrap units: their agents leave the model, their rows are freed."""
        table = self.tables[kind]
        self.version[kind] += 1
        self._scrapped[kind] += len(rows)
        old = table["health"][rows]
        self._account(kind, rows, -old, -1)
        self._mass_sum[kind] -= float(np.add.reduce(table["mass_kg"][rows]))  # ndarray.sum's
        self._track(kind, table["x"][rows], table["y"][rows], -1.0)
        agents = self.agents
        if len(agents) > 1:  # agents were made (a run nobody inspects makes none)
            for uid in table["id"][rows].tolist():
                agent = agents[uid] if uid < len(agents) else None
                if agent is not None:  # an agent nobody made needs no removal
                    agent.remove()
                    agents[uid] = None
        table.remove_rows(rows)

    def born_before(self, kind: str, day: int) -> int:
        """How many of a kind's units were ever born (built or landed) before ``day`` (<= today).

        Births before today are final, so the count is carried from the day asked last: a day
        later costs that day's births (renewal asks each day), not a sum over all days. A day
        after today is refused: today's births may not all have happened yet, and a count
        carried from there would miss them.

        Raises:
            ValueError: If ``day`` is after today.
        """
        if day > self.model.day:
            raise ValueError(f"born_before: day {day} is after today ({self.model.day})")
        counts = self._born_on[kind]
        at, total = self._born_before[kind]
        if day < at:  # an earlier day than last time: count from the start
            at, total = 0, 0
        top = min(day, len(counts))  # no births on days past the counts
        if top > at:
            # Mostly one day on from the last asked (renewal asks for each day in turn, every
            # kind every day: 56,525 calls in a 30-year default run): that day's count read
            # alone, under a slice's cost (benchmarks/run.py's `default_30y_s`).
            total += counts.item(at) if top == at + 1 else sum(counts[at:top].tolist())  # integers
            at = top
        self._born_before[kind] = (at, total)
        return total

    def scrapped(self, kind: str) -> int:
        """How many of a kind's units have left service through :meth:`remove`.

        Renewal takes every one of them as scrapped at the end of its life (its units due are
        those born by the last due day less these): :func:`lunarcity.stages.wear.scrap` of
        units whose life ended is :meth:`remove`'s only caller. A path that takes units out
        of service earlier must count them apart, or renewal undercounts the units due.
        """
        return self._scrapped[kind]

    def agent(self, uid: int) -> Unit | None:
        """The agent with this id, if still in service."""
        if self._unmade:
            self.make_agents()
        return self.agents[uid] if 0 <= uid < len(self.agents) else None

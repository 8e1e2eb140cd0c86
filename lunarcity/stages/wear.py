"""Wear, failure, repair and scrap: how units age, break, come back and leave.

- Wear: a unit's health follows its age, once a month, from 1 when new to ``1 - AGEING_LOSS``
  at the end of its life.
- Failure: each day Binomial(n, p) units of each kind are hit (p from the kind's failures per
  year); a hit unit's health drops to 0 and it joins its kind's repair queue.
- Repair: the labour pool repairs broken units first, power before storage, fabs, robots and
  rail (:func:`repair`, called from :func:`lunarcity.stages.labour.allocate`); a repair bigger than a
  day's spare labour is finished over several days. A repaired unit comes back at the health
  its age gives.
- Scrap: a unit reaches the end of its life on its birthday; its mass is recycled as scrap in
  the kind's ``recycle_fraction`` and the rest is waste (both in the mass ledger).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.constants import DAYS_PER_YEAR, FLOAT_NOISE
from lunarcity.stages import recipes
from lunarcity.world.catalog import UnitSpec
from lunarcity.world.scenario_sections import MAX_DAYS

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

#: A unit at the end of its life works at 70 % (assumption; see docs/MODEL.md).
AGEING_LOSS = 0.3
#: Health follows age in monthly steps: wear is slow, and a step per unit per day costs.
WEAR_EVERY_DAYS = 30
#: Repairs go to units of these roles in this order: power keeps everything else running.
REPAIR_ROLE_ORDER = ("power", "storage", "fab", "robot", "rail", "pulse")


@dataclass(frozen=True)
class WearRates:
    """Each agent kind's failure and lifetime figures, fixed for the run.

    Attributes:
        kinds: The agent kinds, in fleet order.
        fail_p_list: Failures per unit-day, by kind in ``kinds`` order, as plain floats (the day
            draws kind by kind).
        life_days: Age (days) at which a unit is scrapped, by kind.
        repair_order: Kinds in the order repairs reach them.
        repair_days: Robot-days to repair one unit, by kind.
        life_of: ``life_days`` by kind.
        health_at_age: Each kind's health by whole age in days (float32, the health column's
            type), from new to the first whole age at or past its life, where it stays: what
            monthly wear reads (:func:`health_table`).
        shortest_life: The least of ``life_days`` (inf without kinds): before that day no
            unit reaches the end of its life, and the day looks for none.
    """

    kinds: list[str]
    fail_p_list: list[float]
    life_days: list[float]
    repair_order: list[str]
    repair_days: dict[str, float]
    life_of: dict[str, float]
    health_at_age: dict[str, np.ndarray]
    shortest_life: float

    @classmethod
    def build(cls, kinds: list[str], specs: dict[str, UnitSpec]) -> WearRates:
        """The rates of ``kinds`` with figures ``specs``."""
        life_days = [specs[k].lifetime_years * DAYS_PER_YEAR for k in kinds]
        return cls(
            kinds=list(kinds),
            fail_p_list=[specs[k].failures_per_year / DAYS_PER_YEAR for k in kinds],
            life_days=life_days,
            repair_order=sorted(kinds, key=lambda k: REPAIR_ROLE_ORDER.index(specs[k].role)),
            repair_days={k: specs[k].repair_robot_days for k in kinds},
            life_of=dict(zip(kinds, life_days, strict=True)),
            health_at_age={k: health_table(life) for k, life in zip(kinds, life_days, strict=True)},
            shortest_life=min(life_days, default=math.inf),
        )


class RepairQueue:
    """Broken units waiting for repair, by kind (their ids, oldest first), and labour banked.

    The queues are lists: a day's failures and repairs of a kind are a few units, and a list
    grows and shrinks under the cost of a numpy call (benchmarks/run.py's default_30y_s).

    Args:
        kinds: The agent kinds.
    """

    def __init__(self, kinds: list[str]) -> None:
        self.broken_ids: dict[str, list[int]] = {k: [] for k in kinds}
        self.labour_done = dict.fromkeys(kinds, 0.0)  # labour put into each kind's next repair


@dataclass(frozen=True)
class Wear:
    """The day's failures and scrapping.

    Attributes:
        failed: Units that broke today.
        scrapped: Units that reached the end of their life today.
        scrapped_kg: (mass, imported kg inside) of each kind's units scrapped, in the order
            scrapped (they leave the installed base, for closure).
    """

    failed: int
    scrapped: int
    scrapped_kg: tuple[tuple[float, float], ...] = ()


def health_table(life: float) -> np.ndarray:
    """Health at each whole age 0 .. ceil(``life``) days: ``1 - AGEING_LOSS * min(1, age / life)``.

    No unit is older than the longest run (``MAX_DAYS``; births are on day 0 or later), so the
    table stops there for a longer life: a data file may give a unit a life of 10^9 years, which
    a table to its end could not hold.

    Ages are whole days (today less the birth day), so a unit's health is one of these values:
    monthly wear looks a whole kind's rows up in one gather instead of working the formula over
    them in five passes (benchmarks/run.py's `default_30y_s`: ~30,000 rows a kind by year 25).
    The last entry (an age at or past a life within ``MAX_DAYS``) is ``1 - AGEING_LOSS``, as is
    every older age (lookups clip there). Worked in float64 step by step as the formula is written, then
    rounded once to float32, the health column's type. Repairs work the same formula a unit at
    a time (:func:`aged_health`): a day's few lookups in a table out of cache cost more than
    the arithmetic (an in-run A/B of a 30-year run: repair ~3 % dearer reading it).
    """
    x = np.arange(min(math.ceil(life), MAX_DAYS) + 1, dtype=np.float64)  # whole ages, exact
    np.divide(x, life, out=x)
    np.minimum(x, 1.0, out=x)
    np.multiply(x, AGEING_LOSS, out=x)
    np.subtract(1.0, x, out=x)
    return x.astype(np.float32)


def health_by_age(city: LunarCity, kind: str, born: np.ndarray) -> np.ndarray:
    """Health of units of ``kind`` born on days ``born``, at today's age (float32)."""
    if not city.params.economy.failures:
        return np.ones(len(born), dtype=np.float32)
    # Ages past the table's end clip to its last entry, the health at and after the end of life.
    ages = np.subtract(city.day, born)
    return city.wear_rates.health_at_age[kind].take(ages, mode="clip")


def aged_health(day: int, life: float, born: Iterable[int]) -> list[float]:
    """:func:`health_table`'s formula in plain floats (float64: the health column rounds them).

    A day's repairs of a kind are a unit or two, which :func:`repair` writes one at a time: plain
    floats cost less than numpy calls there (tests/test_stages.py checks both agree bit for bit).
    """
    # min(1.0, age share) written out: a call per unit costs more than the comparison.
    return [1.0 - AGEING_LOSS * (a if (a := (day - b) / life) < 1.0 else 1.0) for b in born]


def repair(city: LunarCity, labour: float) -> float:
    """Repair broken units, power first, as far as ``labour`` allows; returns labour used."""
    queue_of = city.repairs.broken_ids
    done = city.repairs.labour_done
    fleet = city.fleet
    tables = fleet.tables
    rates = city.wear_rates
    repair_days, life_of = rates.repair_days, rates.life_of
    # Only the day's repaired units are looked up, one or two a kind, as plain numbers: under
    # the cost of a numpy call (benchmarks/run.py's `default_30y_s`; queues wait ~5 units long).
    # :func:`scrap` takes scrapped units out of the queue; a unit that left service by any
    # other path has row -1 (which would index the table's last row) and is skipped here.
    row_of = fleet.id_map.rows.item
    day = city.day
    used = 0.0
    for kind in rates.repair_order:
        queue = queue_of[kind]
        if not queue:
            continue
        cost = repair_days[kind]
        if cost <= 0:
            n = len(queue)
        else:
            # Repairs are worked on as labour allows; one bigger than a day's spare labour
            # is finished over several days. (min and max written out as comparisons, each
            # returning the same operand the builtin would: a call costs more.)
            free = labour - used
            if not free > 0.0:
                free = 0.0
            owed = len(queue) * cost - done[kind]
            spend = owed if owed < free else free
            if not spend > 0.0:
                spend = 0.0
            banked = done[kind] + spend
            n = int(banked / cost + FLOAT_NOISE)
            if n > len(queue):
                n = len(queue)
            left = banked - n * cost
            done[kind] = left if left > 0.0 else 0.0
            used += spend
        if n > 0:  # (none finished today: the queue waits as it is)
            fixed = list(map(row_of, queue[:n]))
            if -1 in fixed:  # (one scan in C; a unit gone is rare)
                fixed = [r for r in fixed if r >= 0]
            if fixed:
                born_of = tables[kind].scalars("born").__getitem__
                fleet.repair(kind, fixed, aged_health(day, life_of[kind], map(born_of, fixed)))
            del queue[:n]
    return used


def wear_and_scrap(city: LunarCity) -> Wear:
    """Monthly wear, today's failures, and the units whose life ends today.

    Each part goes over only the kinds it has work for: wear on a month's first day, failures
    for the kinds hit today, scrapping for the kinds old enough to have a cohort ending (none
    in a ten-year run). A kind's wear, failures and scrapping still come in that order, and
    each part takes the kinds in fleet order; the parts share no state across kinds, so the
    day is the one a pass kind by kind made (benchmarks/run.py's `default_run_s`).
    """
    if not city.params.economy.failures:
        return Wear(failed=0, scrapped=0)
    fleet = city.fleet
    tables = fleet.tables
    rates = city.wear_rates
    kinds = rates.kinds
    day = city.day
    # Binomial(n, p) units of each kind are hit today; a hit on a broken unit changes nothing.
    # A draw per kind in service takes the numbers one call over all kinds would (a kind
    # without units draws none) at a fraction of that call's checks (benchmarks/run.py's
    # default_30y_s).
    counts = [tables[k].n for k in kinds]
    binomial = city.rng.binomial
    hits = [binomial(n, p) if n else 0 for n, p in zip(counts, rates.fail_p_list, strict=True)]
    if day % WEAR_EVERY_DAYS == 0:  # wear is slow: health follows age once a month
        for kind, n in zip(kinds, counts, strict=True):
            if n:  # (broken units stay at 0)
                fleet.set_health(kind, health_by_age(city, kind, tables[kind]["born"]))
    failed = 0
    total_hits = sum(hits)  # integers
    if total_hits:
        # Where each hit lands, kind by kind in fleet order: one call draws the numbers that a
        # call per kind would (benchmarks/run.py's default_30y_s: ~4 kinds are hit a day).
        draws = city.rng.random(total_hits).tolist()
        drawn_to = 0
        queue = city.repairs.broken_ids
        fail = fleet.fail
        for kind, n, n_hits in zip(kinds, counts, hits, strict=True):
            if n_hits:
                # Sorted rows, each once (ids join the queue in row order).
                rows = sorted({int(u * n) for u in draws[drawn_to : drawn_to + n_hits]})
                drawn_to += n_hits
                broke = fail(kind, rows)
                if broke:
                    failed += len(broke)
                    queue[kind] += broke
    if day < rates.shortest_life:  # no unit can reach the end of its life yet
        return Wear(failed=failed, scrapped=0)
    scrapped = 0
    scrapped_kg: list[tuple[float, float]] = []
    recycled = False
    rows_born_on = fleet.rows_born_on
    for kind, n, life in zip(kinds, counts, rates.life_days, strict=True):
        # Units reach the end of their life on their birthday: those born on `cohort` (older
        # ones went on earlier days), found by their birth day's ids, not by a pass over the
        # kind's born column.
        if n and day >= life:  # (the same test as cohort >= 0)
            cohort = math.floor(city.day - life)
            old = rows_born_on(kind, cohort)
            if old is not None and len(old):
                mass, imported, recycled_kg = scrap(city, kind, old)
                scrapped_kg.append((mass, imported))
                scrapped += len(old)
                recycled = recycled or recycled_kg > 0
    if recycled:
        # The scrap pool's mix is read only by tomorrow's recipes: it is followed once, after
        # the day's last scrapping, not after each kind's (benchmarks/run.py's default_30y_s).
        recipes.remelt_follows_scrap(city)
    return Wear(failed=failed, scrapped=scrapped, scrapped_kg=tuple(scrapped_kg))


def scrap(city: LunarCity, kind: str, rows: np.ndarray) -> tuple[float, float, float]:
    """Scrap units of ``kind`` at table ``rows``: recycle what the kind allows, waste the rest.

    The remelt recipe follows the scrap pool's new mix only when the caller says so
    (:func:`lunarcity.stages.recipes.remelt_follows_scrap`), once after a day's scrapping.

    Returns:
        The units' mass, the imported kg inside them and the kg recycled into scrap.
    """
    spec = city.unit_spec(kind)
    t = city.fleet.tables[kind]
    if kind in city.generations.kinds:  # units of a generation have their own masses
        mass = float(np.add.reduce(t["mass_kg"][rows]))  # ndarray.sum without its wrapper
    else:
        mass = city.catalog.units[kind].mass_kg * len(rows)
    imported = float(np.add.reduce(t["imported_kg"][rows]))
    fraction = spec.recycle_fraction if "scrap" in city.index else 0.0
    # Only what remelting can return is kept (chips, the cells' silicon, ... are waste), and
    # remelting returns that mix, not a fixed alloy.
    recycled = city.stocks.scrap(city.kind_code[kind], mass, imported, fraction)
    city.placement.free(spec, t["x"][rows], t["y"][rows], t["slot"][rows])
    queue = city.repairs.broken_ids[kind]
    # Broken units scrapped while waiting leave the repair queue. A queued unit is broken
    # (health 0) and a day's scrapped units seldom are: the queue is filtered only then
    # (benchmarks/run.py's `default_30y_s`).
    if queue and not t["health"][rows].all():
        gone = set(t["id"][rows].tolist())
        city.repairs.broken_ids[kind] = [u for u in queue if u not in gone]
    if spec.role == "robot" and city.params.planner.crew == "own_copy":
        # A builder scrapped mid-job leaves its job to the next idle robot: release it.
        robots_jobs = t["job"][rows]
        robots_jobs = robots_jobs[robots_jobs > 0]
        if len(robots_jobs):
            jobs = city.jobs.table
            jobs["builder"][np.isin(jobs["id"], robots_jobs)] = 0
    city.fleet.remove(kind, rows)
    return mass, imported, recycled

"""Landers from Earth: when they come, whether they arrive, what they carry, where it goes.

A lander comes every ``earth.lander_interval_days`` from ``earth.first_lander_day`` (until
``earth.until_years``) and is lost with probability ``earth.lander_failure_prob``. Its cargo
(:func:`manifest`) is the scenario's fixed shares first, then units the mix wants that only
Earth makes, then what the city lacks: the items the plan needs over the interval and the
planner's stock days, less stock and what local fabs make meanwhile (local output replaces
imports as far as its capacity goes), scaled to the room left. Items go into stock, wholly
imported; whole units are placed near the city centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.placement import Slot

if TYPE_CHECKING:
    from lunarcity.model import LunarCity
    from lunarcity.plan import Plan


@dataclass(frozen=True)
class Landing:
    """Today's lander, if one was due.

    Attributes:
        due: A lander was due today.
        lost: It was lost on the way.
        landed_kg: Payload landed (items and units; rail with no track slot left is not landed).
        cargo: What it carried (kg by item or unit kind), empty when none landed.
        units_kg: The mass of each kind of unit landed whole, in the order landed (hardware
            in service from Earth, for closure).
    """

    due: bool
    lost: bool
    landed_kg: float
    cargo: dict[str, float]
    units_kg: tuple[float, ...] = ()


NO_LANDER = Landing(due=False, lost=False, landed_kg=0.0, cargo={})


def landers_due_by(day: int, first: int, interval: float) -> int:
    """How many landers are due by ``day`` (inclusive): lander n is due on first + n * interval.

    An integer count, so an interval longer than the run gives one lander (not one a day, as a
    test of "n * interval is a whole day" within 1e-9 did for an interval of 1e12), and at most
    one a day since the schema keeps the interval >= 1; the 1e-9 absorbs rounding in
    ``n * interval`` for intervals such as 7.3 days.
    """
    if day < first:
        return 0
    return math.floor((day - first) / interval + 1e-9) + 1


def lander_due(city: LunarCity) -> bool:
    """Whether a lander is scheduled today: the count due by today passes yesterday's."""
    e = city.params.earth
    if not e.imports or city.day < e.first_lander_day:
        return False
    if e.until_years is not None and city.day > e.until_years * DAYS_PER_YEAR:
        return False
    first, interval = e.first_lander_day, e.lander_interval_days
    return landers_due_by(city.day, first, interval) > landers_due_by(city.day - 1, first, interval)


def landers(city: LunarCity, plan: Plan, shares: dict[str, float]) -> Landing:
    """Today's lander (one is due, :func:`lander_due`): lost or landed, and what it brought.

    Args:
        city: The city (the cargo goes into its stocks and onto its ground).
        plan: The plan for the labour on hand when it lands (the cargo fills its gaps).
        shares: Today's mass shares by kind (units only Earth makes are carried by them).
    """
    lost = city.rng.random() < city.params.earth.lander_failure_prob
    city.stocks.count_lander(lost)
    if lost:
        return Landing(due=True, lost=True, landed_kg=0.0, cargo={})
    cargo = manifest(city, plan, shares)
    landed_kg, units_kg = unload(city, cargo)
    return Landing(due=True, lost=False, landed_kg=landed_kg, cargo=cargo, units_kg=units_kg)


def manifest(city: LunarCity, plan: Plan, shares: dict[str, float]) -> dict[str, float]:
    """What a lander carries (kg): the fixed shares, then what the city lacks.

    Args:
        city: The city (its stock, yesterday's production, the generation being built).
        plan: The plan for the labour on hand at landing: its needs over the lander interval.
        shares: Today's mass shares by kind.
    """
    e = city.params.earth
    arrays = city.arrays
    payload = e.lander_payload_t * 1000.0
    cargo = {name: share * payload for name, share in e.carries.items()}
    room = payload - math.fsum(cargo.values())
    horizon = e.lander_interval_days + city.params.planner.stock_days
    # Local output replaces imports as far as its capacity goes. An imported item is wanted
    # for all the plan consumes of it: the Earth-only inputs of the recipes that use it (salt,
    # anodes, chips, a kick stage's engine and fuel) and the bills of materials that hold it
    # directly (a pulse store's cells). The plan's need already holds both (a unit's cost
    # counts the imports its bill takes, lunarcity.planner.unit_costs), so adding the direct
    # parts again would land them twice.
    wanted = np.where(arrays.imported_mask, plan.need, plan.direct)
    want = np.maximum(0.0, wanted * horizon - city.stock - city.prod_rate * e.lander_interval_days)
    # A vitamins-only lander brings what only Earth makes, never parts the city could make.
    want = np.where(arrays.vitamins if e.vitamins_only else arrays.importable, want, 0.0)
    gens = city.generations
    share = gens.earth_share_now()
    if share > 0 and plan.rate is not None:
        # The generation being built takes part of its electronics Earth-made: that share is
        # a vitamin for now, landed even by a vitamins-only lander (lunarcity/generations.py).
        i = gens.part
        per_day = share * math.fsum(
            r * float(city.costs[k].bom[i])
            for k, r in zip(city.buildable, plan.rate.tolist(), strict=True)
            if k in gens.kinds
        )
        want[i] = max(want[i], per_day * horizon - city.stock_imp[i])
    # Units the mix wants that only Earth can make (e.g. fission units).
    for k, s in shares.items():
        if k not in city.costs and k in city.index:
            cargo[k] = cargo.get(k, 0.0) + s * room
    room = payload - math.fsum(cargo.values())
    total = float(want.sum())
    if total > 0 and room > 0:
        scale = min(1.0, room / total)
        for i in np.flatnonzero(want > 0):
            cargo[arrays.nodes[i]] = cargo.get(arrays.nodes[i], 0.0) + want[i] * scale
    return cargo


def supply_vitamins(city: LunarCity, plan: Plan) -> float:
    """Land every Earth-only input today's plan needs, at once (``earth.free_vitamins``).

    Each Earth-only item is topped up to what the plan consumes of it over a day and the
    planner's stock days, so no recipe or job waits for chips, salt or anodes: the footing on
    which the growth bound (lunarcity/growth.py) counts them free.

    Returns:
        The mass landed (kg).
    """
    arrays = city.arrays
    horizon = 1.0 + city.params.planner.stock_days
    wanted = np.where(arrays.imported_mask, plan.need, plan.direct)
    want = np.where(arrays.vitamins, np.maximum(0.0, wanted * horizon - city.stock), 0.0)
    for i in np.flatnonzero(want > 0):
        land_stock(city, arrays.nodes[i], float(want[i]))
    return float(want.sum())


def unload(city: LunarCity, cargo: dict[str, float]) -> tuple[float, tuple[float, ...]]:
    """Put a cargo into stock and onto the ground.

    Returns:
        The mass landed (kg), and the mass of each kind of unit landed whole.
    """
    landed = 0.0
    units_kg: list[float] = []
    cx, cy = city.site.centre
    for name, kg in cargo.items():
        if kg <= 0:
            continue
        if name in city.fleet.tables:
            n = int(kg // city.catalog.units[name].mass_kg)
            if n > 0:
                units_kg.append(land_units(city, name, np.full(n, cx), np.full(n, cy)))
                landed += units_kg[-1]
        else:
            land_stock(city, name, kg)
            landed += kg
    return landed, tuple(units_kg)


def land_seed(city: LunarCity) -> Landing:
    """The founding landing: the scenario's seed stocks, and its units around the centre."""
    landed = 0.0
    units_kg: list[float] = []
    for name, kg in city.params.seed.stocks_kg.items():
        land_stock(city, name, kg)
        landed += kg
    cx, cy = city.site.centre
    for kind, n in city.params.seed.units.items():
        if n > 0:
            offsets = city.rng.integers(-3, 4, size=(n, 2))
            units_kg.append(land_units(city, kind, cx + offsets[:, 0], cy + offsets[:, 1]))
            landed += units_kg[-1]
    cargo = dict(city.params.seed.stocks_kg) | {
        k: n * city.catalog.units[k].mass_kg for k, n in city.params.seed.units.items() if n > 0
    }
    return Landing(due=True, lost=False, landed_kg=landed, cargo=cargo, units_kg=tuple(units_kg))


def land_stock(city: LunarCity, name: str, kg: float) -> None:
    """Earth-made items into stock, wholly imported."""
    city.stocks.land(city.index[name], kg)


def land_units(city: LunarCity, kind: str, near_x: np.ndarray, near_y: np.ndarray) -> float:
    """Earth-made units placed near the given cells: built by nobody, wholly imported.

    Returns:
        The mass landed (kg); rail segments with no slot left on the track are not landed.
    """
    mass = city.catalog.units[kind].mass_kg
    xs, ys, slots = city.placement.place(city.unit_spec(kind), near_x, near_y)
    keep = np.flatnonzero(slots != Slot.NO_ROOM)
    n = len(keep)
    city.fleet.add(
        kind,
        xs[keep],
        ys[keep],
        city.day,
        np.zeros(n, dtype=np.int64),
        np.full(n, mass),
        np.ones(n, dtype=np.float32),
        slots[keep],
    )
    kg = n * mass
    city.stocks.land_units(city.kind_code[kind], kg)
    return kg

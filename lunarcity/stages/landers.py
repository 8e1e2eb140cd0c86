"""Landers from Earth: when they come, whether they arrive, what they carry, where it goes.

A launch window comes every ``earth.lander_interval_days`` from ``earth.first_lander_day`` (until
``earth.until_years``); with ``earth.cadence`` fixed a lander flies at every window, with
on_demand only when its manifest is full enough or an Earth-only input would run short
(:func:`flies`). A lander that flies is lost with probability ``earth.lander_failure_prob``. Its cargo
(:func:`manifest`) follows ``earth.manifest``: by default, first the Earth-only inputs the plan
consumes until the next lander plus the planner's stock days (or, before a known stop, for
``earth.stockpile_years`` past it, at the producing plan's rates phase by phase, grown with
its labour: lunarcity/stages/stockpile.py), then units the mix wants that only Earth makes, then the
parts the plan lacks (its needs less stock and what local fabs make meanwhile), each tier
scaled down only when the room is short; bulk fills the rest only if the policy asks. The
fixed-shares policy puts ``earth.carries`` first, as the model did before. Items go into stock, wholly
imported; whole units are placed near the city centre.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.constants import DAYS_PER_YEAR, FLOAT_NOISE, KG_PER_T
from lunarcity.stages.placement import Slot
from lunarcity.world.scenario import Cadence, EarthConfig, ManifestPolicy

if TYPE_CHECKING:
    from lunarcity.model import LunarCity
    from lunarcity.stages.plan import Plan
    from lunarcity.stages.stockpile import Later


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
    return math.floor((day - first) / interval + FLOAT_NOISE) + 1


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
    e = city.params.earth
    cargo = None
    if e.cadence == Cadence.ON_DEMAND:
        # The manifest first: whether the lander flies depends on what it would carry.
        cargo = manifest(city, plan, shares)
        use = np.where(city.arrays.imported_mask, plan.need, plan.direct)
        short = runs_short(city.stock, np.where(city.arrays.vitamins, use, 0.0), e)
        if not flies(
            math.fsum(cargo.values()), e.lander_payload_t * KG_PER_T, e.fill_threshold, short
        ):
            return NO_LANDER
    lost = city.rng.random() < e.lander_failure_prob
    city.stocks.count_lander(lost)
    if lost:
        return Landing(due=True, lost=True, landed_kg=0.0, cargo={})
    if cargo is None:
        cargo = manifest(city, plan, shares)
    landed_kg, units_kg = unload(city, cargo)
    return Landing(due=True, lost=False, landed_kg=landed_kg, cargo=cargo, units_kg=units_kg)


def runs_short(stock: np.ndarray, earth_only_per_day: np.ndarray, e: EarthConfig) -> bool:
    """Whether an Earth-only input would run short if this window's lander stayed home.

    Skipping it, the next lander lands a window later (``lander_interval_days``); the stock
    must last two windows, so one lost lander still leaves it a window to spare.
    """
    days = 2.0 * e.lander_interval_days
    used = earth_only_per_day > 0
    return bool(np.any(stock[used] < earth_only_per_day[used] * days))


def flies(load_kg: float, payload_kg: float, threshold: float, short: bool) -> bool:
    """Whether an on-demand lander flies: something would run short, or it is full enough."""
    return short or load_kg >= threshold * payload_kg


def manifest(city: LunarCity, plan: Plan, shares: dict[str, float]) -> dict[str, float]:
    """What a lander carries (kg), by the scenario's manifest policy (``earth.manifest``).

    Args:
        city: The city (its stock, yesterday's production, the generation being built).
        plan: The plan for the labour on hand at landing: its needs over the lander interval.
        shares: Today's mass shares by kind.
    """
    e = city.params.earth
    if e.manifest == ManifestPolicy.FIXED_SHARES:
        return _fixed_shares(city, plan, shares)
    payload = e.lander_payload_t * KG_PER_T
    horizon = e.lander_interval_days + city.params.planner.stock_days
    days = earth_only_horizon(e, city.day, horizon)
    later = None
    if days > horizon:
        # Stockpiling before a known stop: from the plan's switch to production the city uses
        # the Earth-only inputs at the producing plan's rates (chips for satellites, cells for
        # the launcher's store), not today's, grown with the labour it builds.
        from lunarcity.stages.stockpile import (
            later_use,  # it plans, and the plan imports the landers
        )

        later = later_use(city, days)
    earth_only, want = lacks(city, plan, horizon, days, later)
    # Units the mix wants that only Earth makes (e.g. fission units) share the room the
    # Earth-only items leave, as they did before.
    only_units = {k: s for k, s in shares.items() if k not in city.costs and k in city.index}
    first = np.where(earth_only, want, 0.0)
    then = np.where(earth_only, 0.0, want)
    bulk = None
    if e.manifest == ManifestPolicy.NEED_THEN_BULK:
        arrays = city.arrays
        use = np.where(arrays.importable & ~earth_only, plan.direct, 0.0)
        bulk = use if not e.vitamins_only and use.sum() > 0 else None
    return fill(city.arrays.nodes, payload, first, only_units, then, bulk)


def fill(
    nodes: list[str],
    payload: float,
    earth_only: np.ndarray,
    only_units: dict[str, float],
    parts: np.ndarray,
    bulk: np.ndarray | None = None,
) -> dict[str, float]:
    """A payload filled in order of need: each tier scaled down only if the room is short.

    Args:
        nodes: Item names, in the order of the arrays.
        payload: The lander's payload (kg).
        earth_only: kg wanted of each Earth-only input (first).
        only_units: Mass share of the room left by them for each unit kind only Earth makes.
        parts: kg wanted of each part that binds the plan (after them).
        bulk: Relative amounts to fill any room left with (none: the room stays empty).

    Returns:
        kg of each item or unit kind to carry.
    """
    cargo: dict[str, float] = {}
    room = payload
    room -= _load(cargo, nodes, earth_only, room)
    units_room = room
    for kind, share in only_units.items():
        cargo[kind] = cargo.get(kind, 0.0) + share * units_room
        room -= share * units_room
    room -= _load(cargo, nodes, parts, room)
    if bulk is not None and room > 0:
        _load(cargo, nodes, bulk * (room / float(bulk.sum())), room)
    return cargo


def _load(cargo: dict[str, float], nodes: list[str], want: np.ndarray, room: float) -> float:
    """Add ``want`` to the cargo, scaled to fit ``room``; return the kg added."""
    total = float(want.sum())
    if total <= 0 or room <= 0:
        return 0.0
    scale = min(1.0, room / total)
    for i in np.flatnonzero(want > 0):
        cargo[nodes[i]] = cargo.get(nodes[i], 0.0) + want[i] * scale
    return total * scale


def earth_only_horizon(e: EarthConfig, day: int, horizon: float) -> float:
    """Days of Earth-only inputs a lander brings: to the next lander and the safety stock.

    Before a known stop (``earth.until_years``), with ``earth.stockpile_years`` set, every
    lander tops the stock up to last until that many years past the stop (at the rates of use
    :func:`earth_only_need` projects; the last landers before the stop bring the most).

    Args:
        e: The scenario's Earth section.
        day: Today.
        horizon: Days to the next lander and the planner's stock days.
    """
    if e.until_years is None or e.stockpile_years <= 0:
        return horizon
    past_stop = e.until_years * DAYS_PER_YEAR - day + e.stockpile_years * DAYS_PER_YEAR
    return max(horizon, past_stop)


def earth_only_need(
    now: np.ndarray,
    days: float,
    later: Sequence[tuple[np.ndarray, float, float]] = (),
) -> np.ndarray:
    """The kg of each Earth-only input used over ``days``: at today's rate, then the later ones.

    Each later phase's rate grows with the labour at its growth per day from its start, so its
    days use ``(exp(growth * days) - 1) / growth`` days of its first day's rate.

    Args:
        now: Today's plan's use per day (kg).
        days: Days ahead the stock must last.
        later: The plan's phases within them (the last of the ``days``), if it changes: each
            one's use per day at its start (kg), its days and its growth.
    """
    total = now * (days - math.fsum(d for _, d, _ in later))
    for rate, d, growth in later:
        total = total + rate * (d if growth <= 0 else math.expm1(growth * d) / growth)
    return total


def lacks(
    city: LunarCity,
    plan: Plan,
    horizon: float,
    earth_only_days: float,
    later: Later | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """What the city lacks of each importable item over the horizon, and which are Earth-only.

    Args:
        city: The city.
        plan: Today's plan (its needs per day).
        horizon: Days of parts wanted (to the next lander and the planner's stock days).
        earth_only_days: Days of Earth-only inputs wanted (:func:`earth_only_horizon`).
        later: How the plan will use the items over those days, phase by phase
            (:func:`lunarcity.stages.stockpile.later_use`), when stockpiling before a known stop.

    Returns:
        A mask of the Earth-only items (those no local recipe makes, and the generation's
        Earth-made share of its part), and the kg wanted of each item.
    """
    e = city.params.earth
    arrays = city.arrays
    # Local output replaces imports as far as its capacity goes. An imported item is wanted
    # for all the plan consumes of it: the Earth-only inputs of the recipes that use it (salt,
    # anodes, chips, a kick stage's engine and fuel) and the bills of materials that hold it
    # directly (a pulse store's cells). The plan's need already holds both (a unit's cost
    # counts the imports its bill takes, lunarcity.stages.build_policy.unit_costs), so adding the direct
    # parts again would land them twice.
    earth_only = arrays.vitamins.copy()
    wanted = np.where(arrays.imported_mask, plan.need, plan.direct)
    then = (
        later.rates(lambda p: np.where(arrays.imported_mask, p.need, p.direct))
        if later is not None
        else []
    )
    total = np.where(
        earth_only,
        earth_only_need(wanted, earth_only_days, then),
        wanted * horizon,
    )
    want = np.maximum(0.0, total - city.stock - city.prod_rate * e.lander_interval_days)
    # A vitamins-only lander brings what only Earth makes, never parts the city could make.
    want = np.where(arrays.vitamins if e.vitamins_only else arrays.importable, want, 0.0)
    gens = city.generations
    share = gens.earth_share_now()
    if share > 0 and plan.rate is not None:
        # The generation being built takes part of its electronics Earth-made: that share is
        # a vitamin for now, landed even by a vitamins-only lander (lunarcity/stages/generations.py).
        i = gens.part

        def per_day(p: Plan) -> float:
            assert p.rate is not None
            return share * math.fsum(
                r * float(city.costs[k].bom[i])
                for k, r in zip(city.buildable, p.rate.tolist(), strict=True)
                if k in gens.kinds
            )

        part_later = (
            later.rates(lambda p: np.array([per_day(p)]))
            if later is not None and all(f.plan.rate is not None for f in later.phases)
            else []
        )
        part = earth_only_need(np.array([per_day(plan)]), earth_only_days, part_later)
        want[i] = max(want[i], float(part[0]) - city.stock_imp[i])
        earth_only[i] = True
    return earth_only, want


def _fixed_shares(city: LunarCity, plan: Plan, shares: dict[str, float]) -> dict[str, float]:
    """The fixed-shares manifest: ``earth.carries`` first, then what the city lacks, scaled.

    The model before issue 22, kept as an explicit policy: it lands a fixed share of chips
    whatever the satellite plan uses.
    """
    e = city.params.earth
    arrays = city.arrays
    payload = e.lander_payload_t * KG_PER_T
    cargo = {name: share * payload for name, share in e.carries.items()}
    room = payload - math.fsum(cargo.values())
    horizon = e.lander_interval_days + city.params.planner.stock_days
    _, want = lacks(city, plan, horizon, horizon)
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


def landed_summary(city: LunarCity) -> dict[str, object]:
    """Landed mass since founding by category, and what of it is unused in stock (t).

    Categories (they sum to the ledger's landed total): ``earth_only`` (items no local recipe
    makes, and units the city cannot build) and ``could_make`` (items and units the city could
    have made itself). ``unused`` is the landed mass of each item still in stock, imported: the
    imported kg in its stock, at most what was landed of it.
    """
    stocks = city.stocks
    arrays = city.arrays
    item = stocks.landed_item
    names = {code: kind for kind, code in city.kind_code.items()}
    earth_units = {
        names[c]: kg for c, kg in stocks.landed_unit.items() if names[c] not in city.costs
    }
    made_units = {names[c]: kg for c, kg in stocks.landed_unit.items() if names[c] in city.costs}
    unused = np.minimum(stocks.stock_imp, item)
    by_item = {arrays.nodes[i]: float(item[i]) / KG_PER_T for i in np.flatnonzero(item > 0)}
    return {
        "total_t": stocks.ledger.landed_kg / KG_PER_T,
        "earth_only_t": (math.fsum(item[arrays.vitamins]) + math.fsum(earth_units.values()))
        / KG_PER_T,
        "could_make_t": (math.fsum(item[~arrays.vitamins]) + math.fsum(made_units.values()))
        / KG_PER_T,
        "unused_t": math.fsum(unused) / KG_PER_T,
        "by_item_t": by_item | {names[c]: kg / KG_PER_T for c, kg in stocks.landed_unit.items()},
        "unused_by_item_t": {
            arrays.nodes[i]: float(unused[i]) / KG_PER_T for i in np.flatnonzero(unused > 0)
        },
    }


def supply_vitamins(city: LunarCity, plan: Plan) -> float:
    """Land every Earth-only input today's plan needs, at once (``earth.free_vitamins``).

    Each Earth-only item is topped up to what the plan consumes of it over a day and the
    planner's stock days, so no recipe or job waits for chips, salt or anodes: the footing on
    which the growth bound (lunarcity/world/growth_bound.py) counts them free.

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

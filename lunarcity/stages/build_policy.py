"""The planner: what the city builds each day, and how it divides its labour.

Three policies (a scenario choice and a sweep dimension):

- ``fixed_mix``: build mass in the scenario's fixed shares (or the balanced mix when none given).
- ``bottleneck_first``: half the growth mass to the balanced mix, half to whatever relieves
  yesterday's binding constraint (power -> power plants, labour -> robots, a material -> the fab
  that makes it, launch -> rail); output (satellites and rail) gets ``produce_share`` from day 0.
- ``grow_then_produce``: the balanced mix alone until ``produce_after_years``, then
  ``produce_share`` of build mass to output.

The balanced mix is the economy's own growth ray: the shares of robots, each fab kind, power and
storage whose capacities grow in step when the city reinvests everything it makes (a power
iteration over the per-unit requirements, as in von Neumann's balanced-growth model).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lunarcity.constants import DAYS_PER_YEAR, HOURS_PER_DAY, HOURS_PER_YEAR, MIN_DIVISOR
from lunarcity.world.economy import Economy
from lunarcity.world.economy_requirements import requirements

GROWTH_ROLES = ("robot", "fab", "power", "storage")
OUTPUT_ROLES = ("rail", "satellite")


@dataclass
class UnitCost:
    """What one unit of a kind costs through the whole chain (from the LP)."""

    gross: np.ndarray  # gross production of every node per unit (kg; units count)
    use: np.ndarray  # what the chain consumes of every node per unit (gross less surplus)
    bom: np.ndarray  # direct bill of materials per unit
    fab_hours: dict[str, float]
    energy_kwh: float
    regolith_kg: float
    imported: np.ndarray  # imported quantity per node per unit
    surplus: np.ndarray  # co-products left per unit (kg)
    assembly_days: float
    mass_kg: float


def unit_costs(econ: Economy, kinds: list[str], nodes: list[str]) -> dict[str, UnitCost]:
    """Solve the LP once per buildable kind (and per kg of kick stage)."""
    index = {n: i for i, n in enumerate(nodes)}
    out: dict[str, UnitCost] = {}
    for kind in kinds:
        req = requirements(econ, {kind: 1.0})
        gross = np.zeros(len(nodes))
        for n, v in req.production.items():
            gross[index[n]] = v
        imported = np.zeros(len(nodes))
        for n, v in req.imports.items():
            imported[index[n]] = v
        surplus = np.zeros(len(nodes))
        for n, v in req.surplus.items():
            surplus[index[n]] = v
        mass = econ.catalog.units[kind].mass_kg if kind in econ.catalog.units else 1.0
        bom = np.zeros(len(nodes))
        if kind in econ.catalog.units:
            for n, v in econ.catalog.units[kind].bom.items():
                bom[index[n]] = v
        else:
            bom[index[kind]] = 1.0
        out[kind] = UnitCost(
            gross=gross,
            # What the chain consumes: made locally (net of co-products) or landed from Earth.
            use=np.maximum(0.0, gross - surplus) + imported,
            bom=bom,
            fab_hours=req.fab_hours,
            energy_kwh=req.energy_kwh,
            regolith_kg=req.regolith_kg,
            imported=imported,
            surplus=surplus,
            assembly_days=req.assembly_robot_days,
            mass_kg=mass,
        )
    return out


def design_lit(lit_profile: np.ndarray, window: int = 30) -> float:
    """The sunlit share solar is sized for: the worst 30-day mean (size for winter)."""
    if len(lit_profile) <= window:
        return float(lit_profile.mean())
    c = np.cumsum(np.concatenate([[0.0], lit_profile]))
    return float(((c[window:] - c[:-window]) / window).min())


def storage_hours(lit_profile: np.ndarray) -> float:
    """Hours of storage per kW of steady demand that a sunlight profile needs.

    Solar is sized for the worst month (:func:`design_lit`); storage carries the longest run of
    cumulative shortfall against it: a day at lit share ``l`` gives ``l / design`` of the demand.
    """
    mean = design_lit(lit_profile)
    if mean <= 0:
        return 0.0
    run = best = 0.0
    for lit in lit_profile:
        run = max(0.0, run + (1.0 - lit / mean))
        best = max(best, run)
    return 24.0 * best


def balanced_mix(
    costs: dict[str, UnitCost],
    specs: dict,
    kinds: list[str],
    worst_month_lit: float,
    store_hours: float,
    robot_kind: str,
) -> dict[str, float]:
    """Mass shares of the growth kinds whose capacities grow in step (power iteration).

    Args:
        costs: Per-unit costs of every kind.
        specs: Effective unit specs by kind.
        kinds: The growth kinds that can be built here.
        worst_month_lit: The sunlit share solar is sized for: the worst 30-day mean of the
            cells solar takes first (:func:`design_lit`).
        store_hours: Storage hours needed per kW of steady demand.
        robot_kind: The robot kind.
    """
    shares = {k: 1.0 / len(kinds) for k in kinds}
    for _ in range(200):
        # Capacity each kg of mix needs, per year, in units of each kind's yearly capacity.
        need = dict.fromkeys(kinds, 0.0)
        energy = 0.0
        labour = 0.0
        for k, s in shares.items():
            c = costs[k]
            per_kg = s / c.mass_kg
            energy += per_kg * c.energy_kwh
            labour += per_kg * (
                c.assembly_days
                + c.regolith_kg / max(specs[robot_kind].mining_kg_per_day, MIN_DIVISOR)
            )
            for fab, hours in c.fab_hours.items():
                if fab in need:
                    spec = specs[fab]
                    need[fab] += (
                        per_kg * hours / (HOURS_PER_YEAR * spec.throughput_factor) * spec.mass_kg
                    )
        robot = specs[robot_kind]
        robot_mass = labour / (DAYS_PER_YEAR * robot.duty_fraction) * robot.mass_kg
        if robot_kind in need:  # without replication robots are not in the mix, but still work
            need[robot_kind] += robot_mass
        # Fabs idle while their cells are dark; storage carries the robots, not the fabs
        # (storage at tens of Wh/kg outweighs the extra fabs many times over).
        for fab in need:
            if specs[fab].role == "fab":
                need[fab] /= max(worst_month_lit, 1e-3)
        robot_kw = robot_mass / robot.mass_kg * robot.power_kw * robot.duty_fraction
        energy += robot_kw * HOURS_PER_YEAR
        avg_kw = energy / HOURS_PER_YEAR
        stores = [k for k in kinds if specs[k].role == "storage"]
        solar = [k for k in kinds if specs[k].role == "power" and specs[k].generation == "solar"]
        if stores and store_hours > 0:
            st = specs[stores[0]]
            kwh = robot_kw * store_hours
            need[stores[0]] += kwh / st.storage_kwh * st.mass_kg
            # Energy through storage comes back at the round-trip efficiency.
            avg_kw *= 1.0 + (store_hours / HOURS_PER_DAY / DAYS_PER_YEAR) * (
                1.0 / st.round_trip_efficiency - 1.0
            )
        if solar:
            sp = specs[solar[0]]
            need[solar[0]] += avg_kw / (sp.generation_kw * max(worst_month_lit, 1e-3)) * sp.mass_kg
        total = math.fsum(need.values())
        new = {k: v / total for k, v in need.items()}
        if max(abs(new[k] - shares[k]) for k in kinds) < 1e-12:
            shares = new
            break
        shares = new
    return shares


def policy_shares(
    policy: str,
    base: dict[str, float],
    fixed: dict[str, float],
    day: int,
    produce_after_days: float,
    produce_share: float,
    bottleneck: str,
    relief: dict[str, str],
    output_kinds: dict[str, str],
    rail_complete: bool,
) -> dict[str, float]:
    """Today's mass shares by unit kind.

    Args:
        policy: fixed_mix, bottleneck_first or grow_then_produce.
        base: The balanced growth mix (kinds that may be built).
        fixed: The scenario's fixed mix (may be empty).
        day: Today.
        produce_after_days: grow_then_produce's switch day.
        produce_share: Output share of build mass once producing.
        bottleneck: Yesterday's binding constraint.
        relief: Constraint -> unit kind that relieves it.
        output_kinds: ``{'rail': kind, 'satellite': kind}`` as available.
        rail_complete: Whether the track is long enough.
    """
    if policy == "fixed_mix" and fixed:
        total = math.fsum(fixed.values())
        return {k: v / total for k, v in fixed.items() if v > 0}
    growth = dict(base)
    output = 0.0
    if policy == "bottleneck_first":
        output = produce_share
        kind = relief.get(bottleneck)
        if kind and kind in growth:
            growth = {k: 0.5 * v for k, v in growth.items()}
            growth[kind] += 0.5
    elif policy == "grow_then_produce":
        output = produce_share if day >= produce_after_days else 0.0
    else:  # fixed_mix without a mix: balanced growth plus output
        output = produce_share
    if not growth:
        output = 1.0
    out_mix: dict[str, float] = {}
    rail, sat = output_kinds.get("rail"), output_kinds.get("satellite")
    if rail and sat:
        out_mix = {sat: 1.0} if rail_complete else {rail: 0.7, sat: 0.3}
    elif rail or sat:
        out_mix = {rail or sat: 1.0}
    if not out_mix:
        output = 0.0
    shares = {k: (1.0 - output) * v for k, v in growth.items()}
    for k, v in out_mix.items():
        shares[k] = shares.get(k, 0.0) + output * v
    total = math.fsum(shares.values())
    return {k: v / total for k, v in shares.items() if v > 0} if total > 0 else {}

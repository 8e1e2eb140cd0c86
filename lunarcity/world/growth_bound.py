"""The fastest balanced growth the city's own data allow (a von Neumann growth bound).

A city that reinvests everything grows fastest when every kind of machine grows at one rate:
the machines it holds, ``x`` (units of each kind), supply capacities (robot-days, fab-hours by
fab kind, energy) and building ``g x`` units a year must fit in them::

    g * N x + U x <= P x,    x >= 0,    mass . x = 1

where ``N[r, k]`` is capacity ``r`` one unit of kind ``k`` takes to build (through its whole
chain: :func:`lunarcity.stages.build_policy.unit_costs`, the same requirements the plan uses), ``U[r, k]``
the capacity a unit held uses up each year (a robot's power draw) and ``P[r, k]`` what a unit
held supplies each year. The largest feasible ``g`` is the balanced growth rate (continuous,
per year); its ``x`` is the growth mix. For a square system with one supplier per capacity it is
``1 / rho((P - U)^-1 N)`` (Perron-Frobenius); here it is found by bisection over a linear
feasibility programme (scipy's HiGHS), which also handles capacities several kinds supply
(smaller fabs working for a larger kind).

What the bound leaves out, on purpose, is what the run has and the bound does not: hauling
labour (it depends on the layout), repairs and failures, dark spells (energy comes at the
plants' yearly mean sunlight, fabs run around the clock and storage is not needed), stocks held
as buffers, the seed's own mix, and the planner's rule. Earth-only inputs (chips, salt, anodes)
cost the city nothing but the landing; :attr:`GrowthBound.earth_kg_per_kg` says how much of
them each kg grown takes, so :func:`earth_limited_mass_t` can say at what size the landers'
supply would bind instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linprog

from lunarcity import portable
from lunarcity.constants import DAYS_PER_YEAR, FLOAT_NOISE, HOURS_PER_YEAR, KG_PER_T, MIN_DIVISOR

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

#: Roles whose units supply a capacity growth needs. Storage is left out: the bound has no dark
#: spells for it to carry.
BOUND_ROLES = ("robot", "fab", "power")
#: Relative precision of the growth rate found by bisection: HiGHS's feasibility tolerance
#: (1e-7 on each row) blurs feasibility about this close to the bound.
RATE_TOLERANCE = 1e-5


@dataclass(frozen=True)
class GrowthProblem:
    """The capacities a city of given kinds needs and supplies, per unit of each kind.

    Attributes:
        kinds: The unit kinds that may be held and built.
        capacities: The capacities' names (rows).
        mass_kg: Mass of one unit of each kind.
        need: (rows, kinds) capacity taken to build one unit.
        upkeep: (rows, kinds) capacity a unit held uses each year.
        supply: (rows, kinds) capacity a unit held supplies each year.
        earth_kg: Earth-only kg one unit of each kind takes to build.
    """

    kinds: list[str]
    capacities: list[str]
    mass_kg: np.ndarray
    need: np.ndarray
    upkeep: np.ndarray
    supply: np.ndarray
    earth_kg: np.ndarray


@dataclass(frozen=True)
class GrowthBound:
    """The balanced growth rate and mix of a :class:`GrowthProblem`.

    Attributes:
        rate_per_year: Continuous growth rate g (per year; 0 if the kinds cannot grow).
        doubling_years: ln 2 / g (inf if g is 0).
        mix: Mass shares of each kind in the balanced city.
        binding: Capacities used to within 0.1 % at the bound.
        earth_kg_per_kg: Earth-only kg landed per kg of city grown at the mix.
        missing: Capacities some kind needs that no kind here supplies (the reason g is 0).
    """

    rate_per_year: float
    doubling_years: float
    mix: dict[str, float]
    binding: list[str]
    earth_kg_per_kg: float
    missing: list[str]

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready record (inf as None)."""
        return {
            "rate_per_year": self.rate_per_year,
            "doubling_years": self.doubling_years if math.isfinite(self.doubling_years) else None,
            "mix": self.mix,
            "binding": self.binding,
            "earth_kg_per_kg": self.earth_kg_per_kg,
            "missing": self.missing,
        }


def _feasible(p: GrowthProblem, g: float) -> np.ndarray | None:
    """A city mix that grows at ``g`` within its capacities, or None."""
    a_ub = g * p.need + p.upkeep - p.supply
    res = linprog(
        np.zeros(len(p.kinds)),
        A_ub=a_ub,
        b_ub=np.zeros(len(p.capacities)),
        A_eq=p.mass_kg[None, :],
        b_eq=[1.0],
        bounds=(0, None),
        method="highs",
    )
    return res.x if res.status == 0 else None


def _perron_rate(p: GrowthProblem) -> float | None:
    """``1 / rho((P - U)^-1 N)`` over the kinds that each supply one capacity alone.

    The closed form of the bound when every capacity has one supplier; None when the kinds do
    not pair off with the capacities that way (the bisection then finds the bound alone).
    """
    sole = [j for j in range(len(p.kinds)) if np.count_nonzero(p.supply[:, j]) == 1]
    rows = [int(np.flatnonzero(p.supply[:, j])[0]) for j in sole]
    if sorted(rows) != list(range(len(p.capacities))):
        return None
    net = (p.supply - p.upkeep)[np.ix_(rows, sole)]
    a = portable.solve(net, p.need[np.ix_(rows, sole)])
    if a is None:
        return None
    # A positive a (each kind needs some of every capacity's supplier) has a Perron root;
    # otherwise the bisection finds the bound alone.
    rho = portable.perron_root(a)
    return 1.0 / rho if rho else None


def balanced_growth(p: GrowthProblem) -> GrowthBound:
    """The largest ``g`` with a mix ``x`` such that ``g N x + U x <= P x`` (bisection over LPs).

    Raises:
        ValueError: the problem's shapes disagree.
    """
    shape = (len(p.capacities), len(p.kinds))
    if any(a.shape != shape for a in (p.need, p.upkeep, p.supply)):
        raise ValueError(f"need, upkeep and supply must all be {shape}")
    supplied = p.supply.sum(axis=1) > 0
    needed = p.need.sum(axis=1) > 0
    missing = [c for c, s, n in zip(p.capacities, supplied, needed, strict=True) if n and not s]
    x0 = _feasible(p, 0.0)
    if missing or x0 is None:
        return GrowthBound(0.0, math.inf, {}, [], 0.0, missing)
    lo, x_lo, hi = 0.0, x0, 1.0
    guess = _perron_rate(p)
    if guess is not None:
        # Bracket the eigenvalue's answer: two LPs instead of forty when it is the bound.
        below, above = guess * (1.0 - RATE_TOLERANCE), guess * (1.0 + RATE_TOLERANCE)
        if (x := _feasible(p, below)) is not None:
            lo, x_lo = below, x
            hi = above if _feasible(p, above) is None else max(2.0 * guess, 1.0)
            if hi == above:  # the closed form is the bound: report it, not the bracket's end
                lo = guess
    while (x := _feasible(p, hi)) is not None and hi < 1e6:
        lo, x_lo, hi = hi, x, hi * 2.0
    while hi - lo > 0.5 * RATE_TOLERANCE * hi:
        mid = 0.5 * (lo + hi)
        x = _feasible(p, mid)
        if x is None:
            hi = mid
        else:
            lo, x_lo = mid, x
    mass = x_lo * p.mass_kg
    used = portable.matrix_times_vector(lo * p.need + p.upkeep, x_lo)
    have = portable.matrix_times_vector(p.supply, x_lo)
    binding = [
        c for c, u, h in zip(p.capacities, used, have, strict=True) if h > 0 and u >= 0.999 * h
    ]
    return GrowthBound(
        rate_per_year=lo,
        doubling_years=math.log(2.0) / lo if lo > 0 else math.inf,
        mix={
            k: float(s) for k, s in zip(p.kinds, mass / mass.sum(), strict=True) if s > FLOAT_NOISE
        },
        binding=binding,
        earth_kg_per_kg=portable.dot(p.earth_kg, x_lo) / portable.dot(p.mass_kg, x_lo),
        missing=[],
    )


def city_problem(city: LunarCity) -> GrowthProblem:
    """The growth problem of a city's data and scenario (its kinds, costs, specs and sunlight).

    Capacities: robot-days (assembly, and mining unless materials are unlimited), fab-hours
    by fab kind (a smaller fab's hours count for the kind it works for in proportion to mass,
    as :func:`lunarcity.stages.contributions.fold_smaller_fabs` counts them), and energy from solar
    plants at their yearly mean sunlight (``city.sunlit_mean``; robots draw at their duty fraction).
    """
    sc = city.params
    specs = city.specs
    grows = city.plan_basis.growth_kinds
    kinds = [k for k in grows if specs[k].role in BOUND_ROLES]
    robot = specs[city.robot_kind]
    fabs = [f for f in city.fab_kinds if specs[f].fab_for is None]
    capacities = ["labour", *(f"fab:{f}" for f in fabs), "energy"]
    row = {c: i for i, c in enumerate(capacities)}
    n_r, n_k = len(capacities), len(kinds)
    need, upkeep, supply = np.zeros((n_r, n_k)), np.zeros((n_r, n_k)), np.zeros((n_r, n_k))
    earth = np.zeros(n_k)
    lit = city.sunlit_mean
    vitamins = city.arrays.vitamins
    for j, k in enumerate(kinds):
        c, s = city.costs[k], specs[k]
        mining = 0.0
        if not sc.economy.unlimited_materials:
            mining = c.regolith_kg / max(robot.mining_kg_per_day, MIN_DIVISOR)
        need[row["labour"], j] = c.assembly_days + mining
        need[row["energy"], j] = c.energy_kwh
        for fab, hours in c.fab_hours.items():
            parent = specs[fab].fab_for or fab
            if f"fab:{parent}" in row:
                need[row[f"fab:{parent}"], j] += hours
        earth[j] = float(c.imported[vitamins].sum())
        if s.role == "robot":
            supply[row["labour"], j] = DAYS_PER_YEAR * s.duty_fraction
            upkeep[row["energy"], j] = s.power_kw * s.duty_fraction * HOURS_PER_YEAR
        elif s.role == "fab":
            parent = s.fab_for or k
            share = s.mass_kg / specs[parent].mass_kg if s.fab_for else 1.0
            supply[row[f"fab:{parent}"], j] = HOURS_PER_YEAR * s.throughput_factor * share
        elif s.role == "power":
            sun = lit if s.generation == "solar" else 1.0
            supply[row["energy"], j] = s.generation_kw * sun * HOURS_PER_YEAR
    return GrowthProblem(
        kinds=kinds,
        capacities=capacities,
        mass_kg=np.array([specs[k].mass_kg for k in kinds]),
        need=need,
        upkeep=upkeep,
        supply=supply,
        earth_kg=earth,
    )


def earth_limited_mass_t(city: LunarCity, bound: GrowthBound) -> float | None:
    """The city's mass (t) at which the landers' yearly payload meets its Earth-only need.

    Growing at the bound, a city of mass M lands ``g * M * earth_kg_per_kg`` of Earth-only
    inputs a year; landers bring ``payload * (1 - loss) * 365 / interval``. Above this mass the
    landers, not the machines, bound growth. None when nothing Earth-only is needed or no lander
    comes.
    """
    e = city.params.earth
    need_per_kg = bound.rate_per_year * bound.earth_kg_per_kg  # Earth kg a year per kg held
    if not e.imports or need_per_kg <= 0:
        return None
    landed_kg = (
        (e.lander_payload_t * KG_PER_T * (1.0 - e.lander_failure_prob))
        * DAYS_PER_YEAR
        / e.lander_interval_days
    )
    return landed_kg / need_per_kg / KG_PER_T

"""Static analyses of an economy: total requirements, closure and production chains.

Total requirements solve a linear programme over recipe activities (scipy's HiGHS): the demand for
units and items must be met by recipe batches, mining of raw regolith and imports, with co-products
allowed to pile up as surplus; the cheapest plan in regolith is taken. Where every product has one
single-output recipe this is the Leontief inverse ``x = (I - A)^-1 d`` (:func:`leontief_gross`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from lunarcity import portable
from lunarcity.constants import DAYS_PER_YEAR, FLOAT_NOISE, HOURS_PER_YEAR, KG_PER_T, KW_PER_MW
from lunarcity.errors import InputError, unknown
from lunarcity.world.economy import Economy


@dataclass
class Requirements:
    """What a demand costs in total, through every upstream recipe.

    Attributes:
        activities: Batches of each process.
        production: Gross output of each node (kg, or count for units).
        regolith_kg: Raw regolith mined.
        energy_kwh: Process energy.
        imports: Imported quantity by node (kg; units imported whole count their mass).
        fab_hours: Fab-hours by fab kind.
        assembly_robot_days: Robot-days of assembly.
        mining_robot_days: Robot-days of mining.
        surplus: Co-products left over (kg).
    """

    activities: dict[str, float]
    production: dict[str, float]
    regolith_kg: float
    energy_kwh: float
    imports: dict[str, float]
    fab_hours: dict[str, float]
    assembly_robot_days: float
    mining_robot_days: float
    surplus: dict[str, float]

    @property
    def imported_kg(self) -> float:
        """Total imported mass."""
        return math.fsum(self.imports.values())

    @property
    def labour_robot_days(self) -> float:
        """Assembly plus mining labour (hauling depends on the city's layout and is left out)."""
        return self.assembly_robot_days + self.mining_robot_days


def _mass(econ: Economy, node: str) -> float:
    units = econ.catalog.units
    return units[node].mass_kg if node in units else 1.0


def _robot_spec(econ: Economy):
    for spec in econ.catalog.units.values():
        if spec.role == "robot":
            return spec
    raise InputError(
        "the data has no unit of role robot",
        field="units",
        valid="a unit kind in data/units.yaml with role: robot",
    )


def requirements(econ: Economy, demand: dict[str, float]) -> Requirements:
    """Total requirements of a demand (units by count, items by kg) by linear programming.

    Args:
        econ: The economy (site, enabled fabs, imports).
        demand: Node -> quantity wanted.

    Raises:
        InputError: a demanded node is unknown, or the demand cannot be met.
    """
    procs, nodes, a_in, a_out = econ.matrices()
    index = {n: i for i, n in enumerate(nodes)}
    for node in demand:
        if node not in index:
            raise unknown("item or unit", node, nodes, field="demand")
    n_r, n_n = len(procs), len(nodes)
    raw = [i for i, n in enumerate(nodes) if econ.graph.nodes[n]["kind"] == "raw"]
    imp = [i for i, n in enumerate(nodes) if n in econ.imported]
    # Variables: [activities (n_r) | mining (raw) | imports (imp) | surplus (n_n)]
    n_var = n_r + len(raw) + len(imp) + n_n
    a_eq = np.zeros((n_n, n_var))
    a_eq[:, :n_r] = (a_out - a_in).T
    for k, i in enumerate(raw):
        a_eq[i, n_r + k] = 1.0
    for k, i in enumerate(imp):
        a_eq[i, n_r + len(raw) + k] = 1.0
    a_eq[:, n_r + len(raw) + len(imp) :] = -np.eye(n_n)
    b_eq = np.zeros(n_n)
    for node, q in demand.items():
        b_eq[index[node]] = q
    cost = np.zeros(n_var)
    cost[n_r : n_r + len(raw)] = 1.0  # regolith mined
    cost[n_r + len(raw) : n_r + len(raw) + len(imp)] = [10.0 * _mass(econ, nodes[i]) for i in imp]
    energy = np.zeros(n_var)
    energy[:n_r] = [econ.processes[p].energy_kwh for p in procs]
    x = _cheapest_plan(cost, energy, a_eq, b_eq)
    act = x[:n_r]
    mining = x[n_r : n_r + len(raw)]
    imports = x[n_r + len(raw) : n_r + len(raw) + len(imp)]
    surplus = x[n_r + len(raw) + len(imp) :]
    robot = _robot_spec(econ)
    fab_hours: dict[str, float] = {}
    assembly = 0.0
    for r, name in enumerate(procs):
        p = econ.processes[name]
        if p.fab:
            fab_hours[p.fab] = fab_hours.get(p.fab, 0.0) + act[r] * p.time_h
        assembly += act[r] * p.labour_robot_days
    regolith = float(mining.sum())
    tiny = FLOAT_NOISE
    return Requirements(
        activities={p: float(a) for p, a in zip(procs, act, strict=True) if a > tiny},
        production={
            n: float(v)
            for n, v in zip(nodes, portable.vector_times_matrix(act, a_out), strict=True)
            if v > tiny
        },
        regolith_kg=regolith,
        energy_kwh=portable.dot(act, energy[:n_r]),
        imports={
            nodes[i]: float(v) * _mass(econ, nodes[i])
            for i, v in zip(imp, imports, strict=True)
            if v > tiny
        },
        fab_hours=fab_hours,
        assembly_robot_days=float(assembly),
        mining_robot_days=regolith / robot.mining_kg_per_day if robot.mining_kg_per_day else 0.0,
        surplus={nodes[i]: float(v) for i, v in enumerate(surplus) if v > 1e-6},
    )


#: Plans already solved in this process, keyed on the programme's exact numbers (its arrays'
#: bytes). Every run builds its unit costs from ~12 of these programmes (24 solves, about half a
#: run's start-up); the runs of a sweep after a worker's first mostly ask the same ones again
#: (benchmark row ``warm``). HiGHS gives the same plan for the same numbers, so a stored plan is
#: the one a fresh solve would give.
_PLANS: dict[bytes, np.ndarray | str] = {}
#: Programmes kept: a study's economies differ where it varies a recipe figure; the oldest go.
PLANS_KEPT = 256


def _cheapest_plan(
    cost: np.ndarray, energy: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray
) -> np.ndarray:
    """The least-cost plan, ties broken towards less energy (a copy of the memoised one).

    Ties (co-products give several plans of the same regolith and imports) are broken towards
    less energy in a second solve at that optimum: a tie-break folded into the first objective
    would sit below the solver's tolerance and pick a vertex by chance, so a doubled demand
    could take a different plan.

    Raises:
        InputError: the programme has no solution.
    """
    key = b"".join(
        (
            repr(a_eq.shape).encode(),
            cost.tobytes(),
            energy.tobytes(),
            a_eq.tobytes(),
            b_eq.tobytes(),
        )
    )
    plan = _PLANS.get(key)
    if plan is None:
        plan = _solve(cost, energy, a_eq, b_eq)
        if len(_PLANS) >= PLANS_KEPT:
            del _PLANS[next(iter(_PLANS))]
        _PLANS[key] = plan
    if isinstance(plan, str):
        raise InputError(
            f"the demand cannot be met: {plan}",
            field="demand",
            valid="inputs that a recipe makes or Earth can send (check enable_fabs and imports)",
        )
    return plan.copy()


def _solve(
    cost: np.ndarray, energy: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray
) -> np.ndarray | str:
    """Solve the two programmes: the plan, or the solver's message when there is none."""
    res = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status == 0:
        bound = res.fun * (1.0 + FLOAT_NOISE) + FLOAT_NOISE
        tie = linprog(
            energy,
            A_ub=cost[None, :],
            b_ub=[bound],
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=(0, None),
            method="highs",
        )
        if tie.status == 0:
            res = tie
    if res.status != 0:
        return str(res.message)
    return res.x


def leontief_gross(econ: Economy, demand: dict[str, float]) -> dict[str, float]:
    """Gross output ``x = (I - A)^-1 d`` where every product has exactly one single-output recipe.

    Raises:
        InputError: some product has several recipes or a recipe several outputs.
    """
    products: list[str] = []
    recipe_of: dict[str, str] = {}
    for p in econ.processes.values():
        if len(p.outputs) != 1:
            raise InputError(f"recipe '{p.name}' has several outputs: the Leontief form needs one")
        (out,) = p.outputs
        if out in recipe_of:
            raise InputError(f"'{out}' has several recipes: the Leontief form needs one")
        recipe_of[out] = p.name
        products.append(out)
    idx = {n: i for i, n in enumerate(products)}
    a = np.zeros((len(products), len(products)))
    for j, prod in enumerate(products):
        p = econ.processes[recipe_of[prod]]
        per_unit = p.outputs[prod]
        for item, q in p.inputs.items():
            if item in idx:
                a[idx[item], j] += q / per_unit
    d = np.array([[demand.get(n, 0.0)] for n in products])
    # Gaussian elimination in Python floats: the same digits on every machine, where LAPACK's
    # rounding follows the CPU's BLAS kernel (lunarcity/portable.py).
    x = portable.solve(np.eye(len(products)) - a, d)
    # The catalog refuses recipe cycles, so A is nilpotent and I - A never singular.
    assert x is not None, "I - A is singular: a recipe cycle passed the catalog's check"
    return {n: float(v) for n, v in zip(products, x[:, 0], strict=True) if abs(v) > 1e-12}


def unit_totals(econ: Economy, unit: str) -> dict[str, object]:
    """Totals for one unit.

    Mass, regolith, energy, imports, fab-hours, labour, bom_closure, and its vitamins
    (:func:`vitamins`).
    """
    spec = econ.catalog.units[unit]
    req = requirements(econ, {unit: 1.0})
    imported = min(req.imported_kg, spec.mass_kg)
    return {
        "mass_kg": spec.mass_kg,
        "regolith_kg": req.regolith_kg,
        "energy_kwh": req.energy_kwh,
        "imported_kg": imported,
        "fab_hours": math.fsum(req.fab_hours.values()),
        "labour_robot_days": req.labour_robot_days,
        "bom_closure": bom_closure(econ, {unit: 1.0}, req),
    } | vitamins(econ, unit, req)


def vitamin_summary(
    econ: Economy, nodes: list[str], costs: dict[str, object]
) -> dict[str, dict[str, object]]:
    """:func:`vitamins` for every buildable kind from a run's solved unit costs (no new LP).

    Args:
        econ: The economy.
        nodes: Node names in the order of the costs' vectors.
        costs: Kind -> :class:`lunarcity.stages.build_policy.UnitCost`.
    """
    out: dict[str, dict[str, object]] = {}
    for kind, c in costs.items():
        if kind not in econ.catalog.units:
            continue
        earth = {
            nodes[i]: float(c.imported[i])
            for i in np.flatnonzero(c.imported > FLOAT_NOISE)
            if earth_only(econ, nodes[i])
        }
        used = [
            nodes[i]
            for i in np.flatnonzero((c.gross > FLOAT_NOISE) | (c.imported > FLOAT_NOISE))
            if nodes[i] in econ.catalog.items and econ.graph.nodes[nodes[i]]["kind"] != "raw"
        ]
        out[kind] = {
            "vitamin_share_mass": math.fsum(earth.values()) / c.mass_kg,
            "vitamin_items": sorted(earth),
            "vitamin_share_count": len(earth) / len(used) if used else 0.0,
        }
    return out


def earth_only(econ: Economy, node: str) -> bool:
    """Whether only Earth makes ``node`` here: importable and no enabled local recipe."""
    attrs = econ.graph.nodes[node]
    return bool(attrs["importable"]) and not attrs["local"] and attrs["kind"] != "raw"


def vitamins(econ: Economy, unit: str, req: Requirements | None = None) -> dict[str, object]:
    """What one unit cannot be made without: the items of its whole bill that only Earth makes.

    Closure by mass hides that a robot's 20 kg of chips stop it as surely as 2 t of structure
    would: so the share is given by mass (kg of Earth-only items per kg of unit, consumables such
    as salt and anodes included) and by count (Earth-only items among every item its chain
    uses, raw regolith left out).

    Returns:
        vitamin_kg (by item), vitamin_share_mass, vitamin_items (sorted), items_in_bill,
        vitamin_share_count.
    """
    spec = econ.catalog.units[unit]
    req = req or requirements(econ, {unit: 1.0})
    used = {n for n in (*req.production, *req.imports) if n in econ.catalog.items}
    used = {n for n in used if econ.graph.nodes[n]["kind"] != "raw"}
    if unit in req.imports:  # landed whole: the unit is its own one item
        used.add(unit)
    earth = {n: kg for n, kg in req.imports.items() if earth_only(econ, n)}
    return {
        "vitamin_kg": dict(sorted(earth.items())),
        "vitamin_share_mass": math.fsum(earth.values()) / spec.mass_kg,
        "vitamin_items": sorted(earth),
        "items_in_bill": len(used),
        "vitamin_share_count": len(earth) / len(used) if used else 0.0,
    }


def bom_closure(econ: Economy, fleet: dict[str, float], req: Requirements | None = None) -> float:
    """Share of a fleet's bill-of-materials mass that can be made locally (mass-weighted).

    Args:
        econ: The economy.
        fleet: Unit kind -> count.
        req: Requirements of that fleet, if already solved.
    """
    mass = math.fsum(econ.catalog.units[u].mass_kg * n for u, n in fleet.items())
    if mass <= 0:
        return 1.0
    req = req or requirements(econ, fleet)
    return float(min(1.0, max(0.0, 1.0 - req.imported_kg / mass)))


def production_chain(econ: Economy, unit: str, per_year: float) -> dict[str, object]:
    """What it takes to make ``per_year`` units of a kind, as a Factorio-style calculator does.

    Fabs run around the clock; robots work their duty fraction; power is the yearly average of
    process energy plus the robots' draw. Hauling is left out (it depends on the layout).

    Returns:
        unit, per_year, fabs {kind: count (fractional)}, fabs_whole {kind: count}, robots,
        power_kw, regolith_t_per_yr, imports_t_per_yr, imports_by_item_t_per_yr,
        energy_mwh_per_yr.
    """
    if unit not in econ.catalog.units:
        units = econ.catalog.units
        raise unknown("unit kind", unit, units, field="--rate")
    if not per_year > 0:
        raise InputError("the rate must be positive", field="--rate", valid="KIND=N/yr with N > 0")
    req = requirements(econ, {unit: per_year})
    robot = _robot_spec(econ)
    fabs = {k: h / HOURS_PER_YEAR for k, h in req.fab_hours.items()}
    robots = req.labour_robot_days / (DAYS_PER_YEAR * robot.duty_fraction)
    power_kw = req.energy_kwh / HOURS_PER_YEAR + robots * robot.power_kw
    return {
        "unit": unit,
        "per_year": per_year,
        "fabs": fabs,
        "fabs_whole": {k: math.ceil(v - FLOAT_NOISE) for k, v in fabs.items()},
        "robots": robots,
        "power_kw": power_kw,
        "regolith_t_per_yr": req.regolith_kg / KG_PER_T,
        "imports_t_per_yr": req.imported_kg / KG_PER_T,
        "imports_by_item_t_per_yr": {k: v / KG_PER_T for k, v in req.imports.items()},
        "energy_mwh_per_yr": req.energy_kwh / KW_PER_MW,
    }

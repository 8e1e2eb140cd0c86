"""The production plan: what the city means to build today, and the fab batches that feed it.

Two parts, one fixed and one daily:

- :class:`PlanBasis`, built once per run: the kinds the city grows by, the balanced mix of them
  (:func:`lunarcity.stages.build_policy.balanced_mix`, sized for the worst month's sunlight), which kind
  relieves which bottleneck, and the plan's per-kind constants as arrays.
- :func:`todays_shares` and :func:`production_plan`, each day: the mass shares by kind the
  scenario's policy gives (:func:`lunarcity.stages.build_policy.policy_shares`), the build rate today's
  labour affords, the items that rate consumes, and the batches each fab should run to keep
  ``planner.stock_days`` of them in stock, scaled to the fab-hours there are.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from lunarcity import portable
from lunarcity.city.site import SiteGrid
from lunarcity.constants import DAYS_PER_YEAR, MIN_DIVISOR
from lunarcity.stages.build_policy import GROWTH_ROLES, UnitCost, balanced_mix, policy_shares
from lunarcity.stages.launch import pulse_ready
from lunarcity.world.catalog import UnitSpec
from lunarcity.world.economy_arrays import EconomyArrays
from lunarcity.world.scenario import Scenario

if TYPE_CHECKING:
    from lunarcity.model import LunarCity


@dataclass(frozen=True)
class PlanBasis:
    """What the planner knows for the whole run.

    Attributes:
        worst_month_lit: The worst 30-day mean sunlit share of the cells solar takes first
            (solar is sized for it; :func:`lunarcity.stages.build_policy.design_lit`).
        store_hours: Hours of storage per kW of steady demand that sunlight needs.
        growth_kinds: Buildable kinds the city grows by (robots, fabs, power, storage as the
            scenario allows).
        base_mix: The balanced mass shares of ``growth_kinds``.
        fixed_mix: The scenario's fixed mix, less what cannot be built here.
        relief: Bottleneck name -> the kind that relieves it.
        mass_kg: Mass of each buildable kind (in ``buildable`` order).
        days_per_kg: Robot-days per kg of each buildable kind (assembly, and mining unless
            materials are unlimited).
        use_bom: Per unit of each buildable kind: what the chain consumes of every item, then
            its direct bill of materials, side by side (a satellite with its kick stage).
        use_bom_rows: ``use_bom`` for the day's product with the build rate.
        sets_lot: Whether each buildable kind's bill sets the plan's floor of one bill of each
            part while a replacement waits for parts (storage does not: see
            :func:`production_plan`).
        shares_memo: Today's shares by (bottleneck, rail done, producing): the same inputs give
            the same mix, so it is worked out once per key.
        lot_memo: One unit's bill of each part, the largest over the kinds whose bill sets
            today's floor, by which kinds those are (a handful of masks in a run; read, never
            modified).
        share_terms: The plan's terms for the last shares planned for (one entry, key 0: a
            dict is the one slot this frozen basis can rewrite; see :func:`_share_terms`).
    """

    worst_month_lit: float
    store_hours: float
    growth_kinds: list[str]
    base_mix: dict[str, float]
    fixed_mix: dict[str, float]
    relief: dict[str, str]
    mass_kg: np.ndarray
    days_per_kg: np.ndarray
    use_bom: np.ndarray
    use_bom_rows: portable.FixedMatrix
    sets_lot: np.ndarray
    shares_memo: dict[tuple, dict[str, float]] = field(default_factory=dict)
    lot_memo: dict[bytes, np.ndarray] = field(default_factory=dict)
    share_terms: dict[int, _ShareTerms] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        sc: Scenario,
        units: dict[str, UnitSpec],
        specs: dict[str, UnitSpec],
        costs: dict[str, UnitCost],
        arrays: EconomyArrays,
        kinds: PlanKinds,
        worst_month_lit: float,
        store_hours: float,
        kick_kg: float,
    ) -> PlanBasis:
        """The run's plan constants.

        Args:
            sc: The scenario.
            units: The catalog's unit kinds (as the data gives them).
            specs: The unit kinds' figures with the scenario's overrides.
            costs: Per-unit costs of the buildable kinds (and the kick stage).
            arrays: The compiled economy.
            kinds: Which kinds are robots, rail, satellites, buildable.
            worst_month_lit: See :attr:`worst_month_lit`.
            store_hours: See :attr:`store_hours`.
            kick_kg: Kick stage launched with each satellite (kg).
        """
        buildable = kinds.buildable
        growth_kinds = [
            k
            for k in buildable
            if units[k].role in GROWTH_ROLES
            and (sc.planner.replicate or units[k].role not in ("robot", "fab"))
            and not (units[k].role == "storage" and store_hours <= 0)
        ]
        base_mix = (
            balanced_mix(costs, specs, growth_kinds, worst_month_lit, store_hours, kinds.robot)
            if growth_kinds
            else {}
        )
        if not sc.planner.replicate:
            # Builders do not build builders: the same balanced shares, minus robots and fabs.
            full = [k for k in buildable if units[k].role in GROWTH_ROLES]
            mix = balanced_mix(costs, specs, full, worst_month_lit, store_hours, kinds.robot)
            kept = {k: mix[k] for k in growth_kinds}
            total = math.fsum(kept.values())
            base_mix = {k: s / total for k, s in kept.items()} if total > 0 else {}
        relief = _relief_map(units, growth_kinds, kinds, arrays)
        # Without replication a fixed mix cannot make robots or fabs either.
        fixed_mix = {
            k: v
            for k, v in sc.planner.mix.items()
            if sc.planner.replicate or units[k].role not in ("robot", "fab")
        }
        robot = specs[kinds.robot]
        mass_kg = np.array([units[k].mass_kg for k in buildable])
        days_per_kg = np.array(
            [
                (
                    costs[k].assembly_days
                    + (
                        0.0
                        if sc.economy.unlimited_materials
                        else costs[k].regolith_kg / max(robot.mining_kg_per_day, MIN_DIVISOR)
                    )
                )
                / costs[k].mass_kg
                for k in buildable
            ]
        )
        # Per kind built per day: what the chain consumes (intermediates included), then the
        # parts the builders take, side by side; a satellite also takes its kick stage.
        use_bom = []
        for k in buildable:
            use, bom = costs[k].use.copy(), costs[k].bom.copy()
            if k == kinds.satellite and kick_kg > 0 and "kick_stage" in costs:
                use += kick_kg * costs["kick_stage"].use
                bom[arrays.index["kick_stage"]] += kick_kg
            use_bom.append(np.concatenate([use, bom]))
        n_nodes = len(arrays.nodes)
        use_bom_matrix = np.array(use_bom).reshape(len(buildable), 2 * n_nodes)
        return cls(
            worst_month_lit=worst_month_lit,
            store_hours=store_hours,
            growth_kinds=growth_kinds,
            base_mix=base_mix,
            fixed_mix=fixed_mix,
            relief=relief,
            mass_kg=mass_kg,
            days_per_kg=days_per_kg,
            use_bom=use_bom_matrix,
            use_bom_rows=portable.FixedMatrix(use_bom_matrix),
            sets_lot=np.array([units[k].role != "storage" for k in buildable], dtype=bool),
        )


@dataclass(frozen=True)
class PlanKinds:
    """The unit kinds the plan distinguishes.

    Attributes:
        robot: The robot kind.
        rail: The rail segment kind, if any can be built.
        satellite: The satellite kind, if any can be built.
        buildable: Kinds the city can assemble, in catalog order.
    """

    robot: str
    rail: str | None
    satellite: str | None
    buildable: list[str]


def _relief_map(
    units: dict[str, UnitSpec], growth_kinds: list[str], kinds: PlanKinds, arrays: EconomyArrays
) -> dict[str, str]:
    """Which kind relieves each bottleneck: solar for power, robots for labour, and so on."""
    relief = {}
    solar = next((k for k in growth_kinds if units[k].role == "power"), None)
    if solar:
        relief["power"] = solar
    if kinds.robot in growth_kinds:
        relief["labour"] = kinds.robot
    for r, fab in enumerate(arrays.r_fab):
        if fab in growth_kinds:
            for i in np.flatnonzero(arrays.r_out[r] > 0):
                relief.setdefault(f"material:{arrays.nodes[i]}", fab)
    if kinds.rail:
        relief["launch"] = kinds.rail
    return relief


def todays_shares(city: LunarCity) -> dict[str, float]:
    """Today's mass shares by unit kind, from the policy, yesterday's bottleneck and the track."""
    p = city.params.planner
    rail_done = city.rail_length() >= city.track.length_m - 1e-6
    pulse_done = pulse_ready(city)
    # The shares depend on the day only through the switch to production: the same inputs
    # give the same mix, kept rather than worked out again each day.
    key = (
        city.bottleneck,
        rail_done,
        pulse_done,
        city.day >= p.produce_after_years * DAYS_PER_YEAR,
    )
    epoch = _learning_epoch(city)
    if epoch:
        key = (*key, epoch)
    memo = city.plan_basis.shares_memo
    shares = memo.get(key)
    if shares is None:
        shares = memo[key] = _policy_shares(city, rail_done, pulse_done, epoch)
    return dict(shares)


def _learning_epoch(city: LunarCity) -> tuple[int, ...]:
    """Doublings of the count built of each growth kind (empty unless learning is on).

    The balanced mix is worked out again with each doubling, when each kind's assembly labour
    has fallen by a progress ratio: sized from the first unit's labour, it kept building the
    robots that labour no longer needed, and the city grew slower with learning than without.
    """
    learning = city.learning
    if not learning.on or not city.params.planner.replicate:
        return ()
    return tuple(int(math.log2(learning.built.get(k, 0) + 1)) for k in city.plan_basis.growth_kinds)


def learned_mix(city: LunarCity, epoch: tuple[int, ...]) -> dict[str, float]:
    """The balanced mix with each kind's assembly labour at the learning curve's next unit."""
    basis = city.plan_basis
    costs = {
        k: replace(c, assembly_days=city.learning.next_days(k)) if k in basis.growth_kinds else c
        for k, c in city.costs.items()
    }
    return balanced_mix(
        costs,
        city.specs,
        basis.growth_kinds,
        basis.worst_month_lit,
        basis.store_hours,
        city.robot_kind,
    )


def producing_from(city: LunarCity) -> float:
    """The day from which the plan produces: grow_then_produce's switch, or today.

    The other policies produce from day 0, as grow_then_produce does once past its switch.
    """
    p = city.params.planner
    if p.policy != "grow_then_produce":
        return float(city.day)
    return max(float(city.day), p.produce_after_years * DAYS_PER_YEAR)


def producing_shares(
    city: LunarCity, rail_done: bool | None = None, pulse_done: bool | None = None
) -> dict[str, float]:
    """The mass shares the plan will give once producing, from today's state.

    What :func:`todays_shares` gives on the switch day (``planner.produce_after_years``) with
    today's bottleneck, track and learning: the plan is a pure function of the city's state,
    so this reads nothing of the random future. A lander stockpiling before a known stop sizes
    the Earth-only inputs the city will use after the switch by it (lunarcity/stages/stockpile.py).

    Args:
        city: The city.
        rail_done: Whether the track is laid (None: as it stands today); the stockpile asks
            for the shares once it is.
        pulse_done: Whether the pulsed store is built (None: as it stands today).
    """
    p = city.params.planner
    if rail_done is None:
        rail_done = city.rail_length() >= city.track.length_m - 1e-6
    if pulse_done is None:
        pulse_done = pulse_ready(city)
    day = max(city.day, math.ceil(p.produce_after_years * DAYS_PER_YEAR))
    return _policy_shares(city, rail_done, pulse_done, _learning_epoch(city), day=day)


def labour_growth(city: LunarCity, p: Plan) -> float:
    """The rate (per day) at which a plan grows the city's labour: robots built over robots.

    A plan's rate of use of every item is proportional to the labour it plans for
    (:func:`production_plan`), so a plan kept for ``t`` days uses ``(exp(g t) - 1) / g`` days
    of today's rate at this growth rate ``g``. Zero when the plan builds no robots.
    """
    robots = city.fleet.health_total(city.robot_kind)
    if p.rate is None or robots <= 0 or city.robot_kind not in city.buildable:
        return 0.0
    return float(p.rate[city.buildable.index(city.robot_kind)]) / robots


def _policy_shares(
    city: LunarCity,
    rail_done: bool,
    pulse_done: bool,
    epoch: tuple[int, ...] = (),
    day: int | None = None,
) -> dict[str, float]:
    p = city.params.planner
    basis = city.plan_basis
    base = learned_mix(city, epoch) if epoch and basis.growth_kinds else basis.base_mix
    outputs = {}
    pulse = city.track.pulse_kind
    if city.rail_kind in city.buildable and city.track.fits and not rail_done:
        outputs["rail"] = city.rail_kind
    elif pulse in city.buildable and not pulse_done and (rail_done or not city.track.fits):
        # The launcher's second part: once the track is laid, its pulsed store.
        outputs["rail"] = pulse
    if city.sat_kind in city.buildable:
        outputs["satellite"] = city.sat_kind
    return policy_shares(
        p.policy,
        base,
        basis.fixed_mix,
        city.day if day is None else day,
        p.produce_after_years * DAYS_PER_YEAR,
        p.produce_share,
        city.bottleneck,
        basis.relief,
        outputs,
        rail_complete=(rail_done or not city.track.fits) and pulse_done,
    )


@dataclass(frozen=True)
class Plan:
    """Today's production plan (per item arrays in the compiled economy's node order).

    Attributes:
        need: Items the planned build rate consumes per day, intermediates included (kg).
        direct: Parts the builders take per day (kg).
        batches: Batches of each recipe to run today, within the fab-hours there are.
        rate: Units of each buildable kind (``city.buildable`` order) the labour builds per
            day at the first generation's mass (a heavier generation builds fewer, each
            taking as many more parts).
    """

    need: np.ndarray
    direct: np.ndarray
    batches: np.ndarray
    rate: np.ndarray | None = None


def production_plan(city: LunarCity, labour: float, shares: dict[str, float]) -> Plan:
    """Planned build rate by kind for ``labour`` robot-days, the parts it needs, the batches.

    Args:
        city: The city (its stock, fab-hours and learning; nothing is changed).
        labour: Robot-days to plan for.
        shares: Today's mass shares by kind (:func:`todays_shares`).
    """
    arrays = city.arrays
    basis = city.plan_basis
    terms = _share_terms(basis, city.buildable, shares)
    s = terms.s
    learning = city.learning
    if learning.on:
        # Learning: today's next unit of each kind takes less assembly than the first.
        per_kg = basis.days_per_kg + (
            np.array([learning.next_days(k) - learning.first[k] for k in city.buildable])
            / basis.mass_kg
        )
        days_per_kg = portable.dot(s, per_kg)
    else:
        days_per_kg = terms.days_per_kg
    mass_rate = labour / days_per_kg if days_per_kg > 0 else 0.0
    rate = s * mass_rate / basis.mass_kg
    # What the chain consumes per day (intermediates included) and the parts the builders
    # take per day: one product against both matrices side by side.
    nodes = len(arrays.nodes)
    both = basis.use_bom_rows.vector_times(rate)
    need, direct = both[:nodes], both[nodes:]
    if not city.params.economy.unlimited_materials and len(arrays.recipes):
        # Stock is kept for `stock_days` of the plan, and never below one unit's bill of each
        # part: a part that a kind uses little of (a robot's storage cells when no storage is
        # built) would otherwise stay a few kg short of one bill, and that kind never starts.
        # While a replacement waits for its parts (lunarcity/stages/renewal.py), storage's bill
        # does not set the floor: its 8.5 t of cells held the iron of metzger2013's only metal
        # works (5 t of cells sat unused while its robots aged out for want of 0.5 t of motors).
        # Storage keeps its share of the plan's need; dropping its floor for good delayed the
        # default city's first bank from day ~240 past year 2 (its share's 30 days of need
        # never add up to one bank's cells).
        lot = terms.lot(basis, city.jobs.renew_waiting, nodes)
        batches = _batches(city, need, lot)
    else:
        batches = np.zeros(len(arrays.recipes))
    return Plan(need=need, direct=direct, batches=batches, rate=rate)


def _batches(city: LunarCity, need: np.ndarray, lot: list[float]) -> np.ndarray:
    """Batches of each recipe to keep ``planner.stock_days`` of ``need`` (at least ``lot``).

    A recipe's batches are the largest of its outputs' gaps (target less stock, never below
    zero) times its batches per kg of that output, capped for recycled inputs by the scrap
    there is, then each fab kind's batches scaled down to the fab-hours it has. Worked in
    plain floats over each recipe's few outputs (the recipe book's ``plan_rows``), one pass
    over the recipes: the same products, maxima and sums, in the same order, as the arrays
    over every item gave.

    Args:
        city: The city (its stock, recipe book and fab-hours; nothing is changed).
        need: Items the plan consumes per day (kg).
        lot: One unit's bill of each part, the floor of the stock kept (kg).
    """
    book = city.recipe_book
    stock_days = city.params.planner.stock_days
    need_kg = need.tolist()
    stock = city.stock.tolist()
    fabs = city.arrays.fab_of_recipes
    want = [0.0] * len(fabs)
    batches = []
    for outs, k, hours_a_batch, recycled in book.plan_rows:
        b = 0.0
        for i, per_kg in outs:
            # The target, the larger of stock_days of need and one bill (both >= +0).
            gap = stock_days * need_kg[i]
            floor = lot[i]
            if gap < floor:
                gap = floor
            gap -= stock[i]
            if gap > 0.0:
                x = gap * per_kg
                if x > b:
                    b = x
        # Recipes fed by recycling run only on the scrap there is.
        for i, q in recycled:
            c = stock[i] / q
            if c < b:
                b = c
        batches.append(b)
        want[k] += b * hours_a_batch
    # Each fab kind's batches scaled down to the fab-hours it has: one factor per fab kind
    # whose hours fall short, applied to each of its recipes.
    hours = city.contributions.fab_hours()
    scale = None
    for k, (fab, wanted) in enumerate(zip(fabs, want, strict=True)):
        have = hours.get(fab, 0.0)
        if wanted > have:
            if scale is None:
                scale = [1.0] * len(fabs)
            scale[k] = have / wanted
    if scale is not None:
        batches = [b * scale[row[1]] for b, row in zip(batches, book.plan_rows, strict=True)]
    return np.array(batches)


class _ShareTerms:
    """What the plan takes from one set of shares, kept while the shares stay the same.

    Today's shares are the policy's memo for the day's key (:func:`todays_shares`): the same
    float objects day after day until the key changes, so the vector, its assembly days per kg
    and the floor of one bill of each part are worked out once per change of shares.

    Args:
        shares: The shares (a copy is kept: the caller's dict is not watched).
        s: The shares as a vector over the buildable kinds.
        days_per_kg: Robot-days per kg of the mix at first-unit labour (``s @ days_per_kg``).
    """

    def __init__(self, shares: dict[str, float], s: np.ndarray, days_per_kg: float) -> None:
        self.shares = dict(shares)
        self.s = s
        self.days_per_kg = days_per_kg
        self._lots: dict[bool, list[float]] = {}

    def same(self, shares: dict[str, float]) -> bool:
        """Whether ``shares`` holds the very float objects these terms were worked from."""
        return self.shares == shares and all(
            map(operator.is_, self.shares.values(), shares.values())
        )

    def lot(self, basis: PlanBasis, renew_waiting: bool, nodes: int) -> list[float]:
        """One unit's bill of each part, the largest over the kinds whose bill sets the floor.

        Args:
            basis: The plan's basis (its ``sets_lot`` flags and ``lot_memo``).
            renew_waiting: Whether a replacement waits for parts (storage then sets no floor).
            nodes: Items in the compiled economy.
        """
        lot = self._lots.get(renew_waiting)
        if lot is None:
            sets_lot = (self.s > 0) & basis.sets_lot if renew_waiting else self.s > 0
            key = sets_lot.tobytes()
            lot = basis.lot_memo.get(key)
            if lot is None:
                lot = basis.lot_memo[key] = basis.use_bom[sets_lot, nodes:].max(axis=0, initial=0.0)
            self._lots[renew_waiting] = lot = lot.tolist()
        return lot


def _share_terms(basis: PlanBasis, buildable: list[str], shares: dict[str, float]) -> _ShareTerms:
    """The plan's terms for ``shares``: the last ones kept, or worked out again."""
    terms = basis.share_terms.get(0)
    if terms is None or not terms.same(shares):
        get = shares.get
        # Shares as a vector over the buildable kinds: the plan is a few small matrix products.
        s = np.array([get(k, 0.0) for k in buildable])
        terms = basis.share_terms[0] = _ShareTerms(shares, s, portable.dot(s, basis.days_per_kg))
    return terms


def crest_profile(site: SiteGrid, sunny_order: np.ndarray) -> np.ndarray:
    """Daily mean sunlit share over a year of the (up to 400) cells solar plants take first."""
    best = sunny_order[: max(1, min(len(sunny_order), 400))]
    # The year as one block of days (SiteGrid.sunlit_days: a day's row is the same floats
    # however many days are asked for together), not 365 calls: ~11 ms less a run
    # (benchmarks/run.py's default_run_s).
    year = site.sunlit_days(0, 365, site.quality.ravel()[best], site.dark_phase.ravel()[best])
    return np.array([float(row.mean()) for row in year])

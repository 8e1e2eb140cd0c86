"""The LunarCity model: a self-replicating lunar industrial base, one day per step.

The day is :meth:`LunarCity.step`, read top to bottom:

sunlight -> power supply and dispatch -> labour and builds -> recipes -> build jobs -> launches ->
landers -> wear, failure, repair and scrap -> metrics (with the constraint that bound the day).

State lives in numpy arrays: stocks by node, one table per unit kind, a table of build jobs. A
step is a fixed number of vectorized operations plus work per event (a birth, a scrapping, a
lander); there is no Python loop over units.
"""

from __future__ import annotations

import functools
import itertools
import math
import weakref
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from lunarcity.catalog import Catalog, UnitSpec, default_catalog
from lunarcity.element_ledger import ElementLedger
from lunarcity.errors import InputError
from lunarcity.fleet import Fleet
from lunarcity.metrics import Recorder
from lunarcity.model_economy import scenario_economy
from lunarcity.placement import Placement
from lunarcity.planner import (
    GROWTH_ROLES,
    balanced_mix,
    design_lit,
    policy_shares,
    storage_hours,
    unit_costs,
)
from lunarcity.power import Dispatch, dispatch
from lunarcity.scenario import Scenario, resolve_scenario
from lunarcity.site import build_site
from lunarcity.tables import Table

G0 = 9.80665  # m/s^2
BACKLOG_DAYS = 3.0  # assembly work kept open, in days of today's assembly labour
AGEING_LOSS = 0.3  # a unit at the end of its life works at 70 % (assumption; see MODEL docs)
WEAR_EVERY_DAYS = 30  # health follows age in monthly steps

REPORTED = ("units_total", "industrial_mass_t", "power_mw", "closure", "compute_in_orbit_kw")


def _last(model: LunarCity, column: str) -> float:
    """A DataCollector reporter: the recorder's latest value of one column."""
    return model.recorder.last(column)


def _target_met(model: LunarCity) -> bool:
    return model.recorder.target_met


class _WeakIds(weakref.WeakKeyDictionary):
    """Mesa 3.3 counts agent ids per model in a dict that keeps every model alive (mesa#3179);
    this one forgets a model when it is gone. The last model's counter is kept beside it so a
    birth costs no weak-reference lookup."""

    _last: tuple[Any, Any] = (lambda: None, None)

    def __getitem__(self, model: Any) -> Any:
        ref, counter = self._last
        if ref() is model:
            return counter
        counter = self.get(model)
        if counter is None:
            counter = itertools.count(1)
            self[model] = counter
        self._last = (weakref.ref(model), counter)
        return counter


if not isinstance(mesa.Agent._ids, weakref.WeakKeyDictionary):
    mesa.Agent._ids = _WeakIds()

JOB_COLUMNS = {
    "kind": np.int16,
    "x": np.int16,
    "y": np.int16,
    "labour_left": np.float64,
    "started": np.int32,
    "seq": np.int64,
    "builder": np.int64,
    "mass": np.float64,
    "imported_kg": np.float64,
}


class LunarCity(mesa.Model):
    """A city of machines on the Moon that builds itself.

    Args:
        scenario: Preset name, path to a scenario YAML, a :class:`Scenario`, or None for the
            default ``ten_year_city``.
        seed: Overrides ``run.seed``; the model's only source of randomness is one numpy
            Generator from it.
        catalog: Reference data (the package's own by default).
        **overrides: Scenario parameters as flat keywords, ``__`` for dots
            (``earth__lander_interval_days=7``), as ``mesa.batch_run`` and app sliders pass them.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | None = None,
        seed: int | None = None,
        *,
        catalog: Catalog | None = None,
        **overrides: Any,
    ) -> None:
        sc = resolve_scenario(scenario, overrides, catalog=catalog)
        if seed is not None:
            sc = sc.model_copy(update={"run": sc.run.model_copy(update={"seed": int(seed)})})
        # The one place the seed becomes randomness: Mesa's rng (numpy Generator).
        super().__init__(rng=sc.run.seed)
        self.scenario = sc
        self.catalog = catalog or default_catalog()
        self.econ = scenario_economy(sc, self.catalog)
        self.day = 0
        self.days = sc.days
        self._specs = self._effective_specs()

        # -- economy as arrays ----------------------------------------------------------------
        econ = self.econ
        self.nodes = econ.node_names
        self.index = {n: i for i, n in enumerate(self.nodes)}
        order = [p for p in econ.recipe_order() if econ.processes[p].fab]
        self.recipes, _, self.r_in, self.r_out = econ.matrices(order)
        self.r_energy = np.array([econ.processes[p].energy_kwh for p in self.recipes])
        self.r_fab = [econ.processes[p].fab for p in self.recipes]
        self.r_time = np.array(
            [
                econ.processes[p].time_h / self._specs[f].throughput_factor
                for p, f in zip(self.recipes, self.r_fab, strict=True)
            ]
        )
        recycled = [self.index[n] for n, it in self.catalog.items.items() if it.recycled]
        self._recycled_recipes = [
            r for r in range(len(self.recipes)) if (self.r_in[r, recycled] > 0).any()
        ]
        # Earth-only inputs with the recipes that use them: (item, [(recipe, kg per batch)]).
        self._imported_inputs = [
            (int(i), [(int(r), float(self.r_in[r, i])) for r in np.flatnonzero(self.r_in[:, i])])
            for i in np.flatnonzero(self.r_in.sum(axis=0) > 0)
            if self.nodes[i] in econ.imported
        ]
        self._imported_mask = np.array([n in econ.imported for n in self.nodes])
        # Each recipe's inputs and outputs as [(item, kg per batch)], its fab and kg out per
        # batch: the daily loop touches only the items a recipe uses.
        self._recipe_io = [
            (
                [(int(i), float(self.r_in[r, i])) for i in np.flatnonzero(self.r_in[r])],
                [(int(i), float(self.r_out[r, i])) for i in np.flatnonzero(self.r_out[r])],
                self.r_fab[r],
                float(self.r_out[r].sum()),
            )
            for r in range(len(self.recipes))
        ]
        self.stock = np.zeros(len(self.nodes))
        self.stock_imp = np.zeros(len(self.nodes))  # imported kg inside each stock
        self.regolith = self.index[self._raw_item()]
        # The element ledger, and remelting that returns what was scrapped (not a fixed alloy).
        self.soil = econ.regolith or self.catalog.sites[sc.site.name].regolith
        remelt = [r for r, p in enumerate(self.recipes) if self.catalog.recipes[p].follows_scrap]
        self._remelt = remelt[0] if remelt else None
        self.elements = ElementLedger(
            self.catalog,
            self.soil,
            self.nodes,
            list(self.catalog.units),
            "scrap" if "scrap" in self.index else None,
            list(self.catalog.recipes[self.recipes[self._remelt]].outputs)
            if self._remelt is not None
            else [],
        )
        self.oxygen = self.index.get("oxygen")
        self.oxygen_made_kg = 0.0
        self.vented_kg = 0.0

        # -- unit kinds ------------------------------------------------------------------------
        units = self.catalog.units
        self.agent_kinds = [k for k, s in units.items() if s.role != "satellite"]
        self.kind_code = {k: i for i, k in enumerate(units)}
        self.kind_names = list(units)
        self.robot_kind = next(k for k in self.agent_kinds if units[k].role == "robot")
        self.fab_kinds = list(econ.enabled_fabs)
        self.rail_kind = next((k for k in units if units[k].role == "rail" and units[k].bom), None)
        self.sat_kind = next(
            (k for k in units if units[k].role == "satellite" and units[k].bom), None
        )
        self.buildable = [k for k in units if f"assemble:{k}" in econ.processes]
        self.costs = unit_costs(
            econ,
            [*self.buildable, *(["kick_stage"] if "kick_stage" in self.index else [])],
            self.nodes,
        )
        self.fleet = None
        self.jobs = Table(JOB_COLUMNS, indexed=False)  # oldest first; never looked up by id
        self._job_seq = 0
        self._carry = dict.fromkeys(self.kind_names, 0.0)
        # Each kind's bill of materials as [(item, kg)].
        self._bom = {
            k: [(int(i), float(c.bom[i])) for i in np.flatnonzero(c.bom)]
            for k, c in self.costs.items()
        }
        self._robot_served = 1.0
        self._rail_key = -1
        self._task_counts = [0, 0, 0, 0]
        self._tasks_day = -1
        self._rail_len = 0.0

        # -- site ------------------------------------------------------------------------------
        md = sc.mass_driver
        v = md.launch_speed_km_s * 1000.0
        self.track_m = v * v / (2.0 * md.max_accel_g * G0)
        self.site = build_site(self.catalog.sites[sc.site.name], self.rng, self.track_m)
        seg_len = units[self.rail_kind].segment_length_m if self.rail_kind else 0.0
        cells_per_seg = max(1, int(round(seg_len / self.site.cell_m))) if seg_len else 1
        # Whole segments covering the corridor: a track of an odd number of cells still fits.
        self.rail_slots = -(-len(self.site.rail_cells) // cells_per_seg)
        self.rail_fits = self.rail_slots * seg_len >= self.track_m - 1e-6
        self.placement = Placement(self.site, self.rng, self.rail_slots, cells_per_seg)
        self._lit_day = -1
        # Solar plants only ever stand on cells down the sunniest-first list and keep their
        # cell's rank (in ``slot``): a day's sunlight is computed on the ranks in use.
        sunny = self.placement.sunny_order
        self._sunny_quality = self.site.quality.ravel()[sunny]
        self._sunny_phase = self.site.dark_phase.ravel()[sunny]
        self.fleet = Fleet(self, self.agent_kinds)
        self._distance_grids: dict[tuple[int, int], np.ndarray] = {}
        self._raw_fabs = [k for k in self.fab_kinds if self._makes_from_raw(k)]
        self._power_kinds = [k for k in self.agent_kinds if self._specs[k].role == "power"]
        for k in self._power_kinds:
            if self._specs[k].generation == "solar":
                self.fleet.group_by_slot(k, len(sunny))
        # Per kind: failures per unit-day and the age (days) at which a unit is scrapped.
        self._fail_p = np.array(
            [self._specs[k].failures_per_year / 365.25 for k in self.agent_kinds]
        )
        self._life_days = [self._specs[k].lifetime_years * 365.25 for k in self.agent_kinds]
        self._broken_ids = {k: np.zeros(0, dtype=np.int64) for k in self.agent_kinds}
        self._repair_done = dict.fromkeys(self.agent_kinds, 0.0)  # labour put into the next repair
        roles = ("power", "storage", "fab", "robot", "rail")
        self._repair_order = sorted(
            self.agent_kinds, key=lambda k: roles.index(self._specs[k].role)
        )
        profile = self._crest_profile()
        self.mean_lit = design_lit(profile)
        self.store_hours = storage_hours(profile)
        self.kick_kg = md.kick_stage_kg
        mass_sat = units[self.sat_kind].mass_kg if self.sat_kind else 0.0
        self.launch_kwh = (mass_sat + self.kick_kg) * v * v / 2.0 / md.efficiency / 3.6e6

        # -- planner ---------------------------------------------------------------------------
        self.growth_kinds = [
            k
            for k in self.buildable
            if units[k].role in GROWTH_ROLES
            and (sc.planner.replicate or units[k].role not in ("robot", "fab"))
            and not (units[k].role == "storage" and self.store_hours <= 0)
        ]
        self.base_mix = (
            balanced_mix(
                self.costs,
                self._specs,
                self.growth_kinds,
                self.mean_lit,
                self.store_hours,
                self.robot_kind,
            )
            if self.growth_kinds
            else {}
        )
        if not sc.planner.replicate:
            # Builders do not build builders: the same balanced shares, minus robots and fabs.
            full = [k for k in self.buildable if units[k].role in GROWTH_ROLES]
            mix = balanced_mix(
                self.costs, self._specs, full, self.mean_lit, self.store_hours, self.robot_kind
            )
            kept = {k: mix[k] for k in self.growth_kinds}
            total = sum(kept.values())
            self.base_mix = {k: s / total for k, s in kept.items()} if total > 0 else {}
        self.relief = self._relief_map()
        # Without replication a fixed mix cannot make robots or fabs either.
        self._fixed_mix = {
            k: v
            for k, v in sc.planner.mix.items()
            if sc.planner.replicate or units[k].role not in ("robot", "fab")
        }
        # The production plan's constants, by buildable kind and by recipe.
        robot = self._specs[self.robot_kind]
        self._plan_mass = np.array([units[k].mass_kg for k in self.buildable])
        self._plan_days_per_kg = np.array(
            [
                (
                    self.costs[k].assembly_days
                    + (
                        0.0
                        if sc.economy.unlimited_materials
                        else self.costs[k].regolith_kg / max(robot.mining_kg_per_day, 1e-9)
                    )
                )
                / self.costs[k].mass_kg
                for k in self.buildable
            ]
        )
        # Per kind built per day: what the chain consumes (intermediates included), then the
        # parts the builders take, side by side; a satellite also takes its kick stage.
        use_bom = []
        for k in self.buildable:
            use, bom = self.costs[k].use.copy(), self.costs[k].bom.copy()
            if k == self.sat_kind and self.kick_kg > 0 and "kick_stage" in self.costs:
                use += self.kick_kg * self.costs["kick_stage"].use
                bom[self.index["kick_stage"]] += self.kick_kg
            use_bom.append(np.concatenate([use, bom]))
        self._plan_use_bom = np.array(use_bom).reshape(len(self.buildable), 2 * len(self.nodes))
        # Batches that fill an item's gap, per kg of gap: 1 / output (0 where not an output).
        with np.errstate(divide="ignore"):
            self._per_output = np.where(self.r_out > 0, 1.0 / self.r_out, 0.0)
        self._fab_of_recipes = sorted(set(self.r_fab))
        self._recipe_fab = np.array(
            [self._fab_of_recipes.index(f) for f in self.r_fab], dtype=np.int64
        )
        self._recipes_by_fab = [
            np.flatnonzero(self._recipe_fab == i) for i in range(len(self._fab_of_recipes))
        ]
        self._storage_kinds = [k for k in self.agent_kinds if self._specs[k].role == "storage"]
        self._importable = np.array(
            [
                econ.graph.nodes[n]["importable"]
                and econ.graph.nodes[n]["kind"] in ("material", "part")
                for n in self.nodes
            ]
        )
        # What only Earth makes (no enabled local recipe): all a vitamins-only lander brings.
        self._vitamin_mask = self._importable & np.array(
            [not econ.graph.nodes[n]["local"] for n in self.nodes]
        )
        self.shares: dict[str, float] = {}
        self._shares_by_key: dict[tuple, dict[str, float]] = {}
        self.bottleneck = "none"
        self.fab_output_today: dict[str, float] = {}
        self.prod_rate = np.zeros(len(self.nodes))  # yesterday's gross production (kg/day)
        self.storage_kwh = 0.0

        # -- ledgers ---------------------------------------------------------------------------
        self.mined_kg = 0.0
        self.landed_kg = 0.0
        self.launched_kg = 0.0
        self.waste_kg = 0.0  # scrap not recycled (slag stays in stock as an item)
        self.earth_only_at_stop: dict[str, float] | None = None
        self.satellites_launched = 0
        self.compute_in_orbit_kw = 0.0
        self.landers_arrived = 0
        self.landers_lost = 0

        self.recorder = Recorder(self)
        self._land_seed()
        self.recorder.record(None, {})
        # Cheap O(1) reporters (the recorder keeps the full daily table); named functions, not
        # lambdas, so the model pickles.
        self.datacollector = mesa.DataCollector(
            model_reporters={name: functools.partial(_last, column=name) for name in REPORTED}
            | {"target_met": functools.partial(_target_met)}
        )
        self.datacollector.collect(self)

    # ==========================================================================================
    # The day
    # ==========================================================================================
    def step(self) -> None:
        """Advance the city by one day."""
        if self.day >= self.days:
            self.running = False
            return
        self.day += 1
        blocked: dict[str, float] = {}

        # 1. Sunlight: computed at the cells that have solar plants (the whole layer on demand,
        # for maps, through the `lit` property).

        # 2. Power: what the plan would draw, served by priority from generation and storage.
        self.shares = self._plan_shares()
        labour_pool = self._labour_supply()
        plan = self._production_plan(labour_pool)
        launch_want = self._launches_possible()
        demand = {
            "robots": self._robot_energy(),
            "fabs": float(plan["batches"] @ self.r_energy),
            "launch": launch_want * self.launch_kwh,
        }
        power = self._dispatch(demand)

        # 3. Labour and builds: repair, mine, haul, then assemble; start new jobs.
        self._robot_served = power.fraction("robots")
        labour = labour_pool * self._robot_served
        assembly = self._allocate_labour(labour, plan)
        self._start_jobs(assembly, blocked)

        # 4. Fabs run their recipes, as far as power, fab-hours and inputs allow.
        made = self._run_recipes(plan["batches"] * power.fraction("fabs"), blocked)

        # 5. Build jobs progress; finished jobs become units near their builders.
        completed = self._progress_jobs(assembly)

        # 6. The mass driver launches.
        launches = self._launch(power.served.get("launch", 0.0))

        # 7. Landers arrive (some fail).
        landed = self._landers()

        # 8. Wear, failure and scrapping.
        self._wear_and_scrap()

        # 9. Metrics, with the constraint that bound the day.
        self.bottleneck = self._binding_constraint(power, blocked, assembly, launch_want, launches)
        self.recorder.record(
            power,
            {
                "made_kg": made,
                "completed": completed,
                "landed": landed,
                "launches": launches,
                "labour": labour,
                "assembly": assembly["total"],
            },
        )
        self.datacollector.collect(self)
        if self.day >= self.days:
            self.running = False

    # ==========================================================================================
    # 2. Power
    # ==========================================================================================
    def _dispatch(self, demand: dict[str, float]) -> Dispatch:
        if self.scenario.economy.unlimited_power:
            return dispatch(sum(demand.values()), demand, 0.0, 0.0, 1.0)
        capacity, rte = self._storage_capacity()
        d = dispatch(self._generation_kwh(), demand, self.storage_kwh, capacity, rte)
        self.storage_kwh = d.stored_after
        return d

    def _generation_kwh(self) -> float:
        """Energy generated today: solar by each plant's cell sunlight, fission steady."""
        generated = 0.0
        for kind in self._power_kinds:
            spec = self._specs[kind]
            t = self.fleet.tables[kind]
            if not t.n:
                continue
            if spec.generation == "solar":
                # Many plants share a cell: their health summed per cell (by the cell's rank in
                # the sunniest-first list), then each cell in use lit once.
                used = self.placement.sunny_used
                per_cell = self.fleet.health_by_slot(kind)[:used]
                lit = self.site.sunlit(
                    self.day, self._sunny_quality[:used], self._sunny_phase[:used]
                )
                # Not a BLAS dot: a threaded BLAS sums in an order that depends on the
                # machine's threads, and one seed must give one result.
                generated += spec.generation_kw * 24.0 * float((per_cell * lit).sum())
            else:
                generated += spec.generation_kw * 24.0 * self.fleet.health_total(kind)
        return generated

    def _storage_capacity(self) -> tuple[float, float]:
        """Storage in service (kWh) and its round-trip efficiency."""
        capacity = 0.0
        rte = 1.0
        for kind in self._storage_kinds:
            spec = self._specs[kind]
            rte = spec.round_trip_efficiency
            capacity += spec.storage_kwh * self.fleet.working(kind)
        return capacity, rte

    def _robot_energy(self) -> float:
        spec = self._specs[self.robot_kind]
        return spec.power_kw * 24.0 * spec.duty_fraction * self.fleet.health_total(self.robot_kind)

    # ==========================================================================================
    # 3. Labour and builds
    # ==========================================================================================
    def _labour_supply(self) -> float:
        spec = self._specs[self.robot_kind]
        return spec.duty_fraction * self.fleet.health_total(self.robot_kind)

    def _plan_shares(self) -> dict[str, float]:
        p = self.scenario.planner
        rail_done = self._rail_length() >= self.track_m - 1e-6
        # The shares depend on the day only through the switch to production: the same inputs
        # give the same mix, kept rather than worked out again each day.
        key = (self.bottleneck, rail_done, self.day >= p.produce_after_years * 365.25)
        shares = self._shares_by_key.get(key)
        if shares is None:
            shares = self._shares_by_key[key] = self._policy_shares(rail_done)
        return dict(shares)

    def _policy_shares(self, rail_done: bool) -> dict[str, float]:
        p = self.scenario.planner
        outputs = {}
        if self.rail_kind in self.buildable and self.rail_fits and not rail_done:
            outputs["rail"] = self.rail_kind
        if self.sat_kind in self.buildable:
            outputs["satellite"] = self.sat_kind
        return policy_shares(
            p.policy,
            self.base_mix,
            self._fixed_mix,
            self.day,
            p.produce_after_years * 365.25,
            p.produce_share,
            self.bottleneck,
            self.relief,
            outputs,
            rail_complete=rail_done or not self.rail_fits,
        )

    def _production_plan(self, labour: float) -> dict[str, Any]:
        """Planned build rate by kind, the parts it needs, and fab batches to make them."""
        # Shares as a vector over the buildable kinds: the plan is a few small matrix products.
        s = np.array([self.shares.get(k, 0.0) for k in self.buildable])
        days_per_kg = float(s @ self._plan_days_per_kg)
        mass_rate = labour / days_per_kg if days_per_kg > 0 else 0.0
        rate = s * mass_rate / self._plan_mass
        # What the chain consumes per day (intermediates included) and the parts the builders
        # take per day: one product against both matrices side by side.
        nodes = len(self.nodes)
        both = rate @ self._plan_use_bom
        need, direct = both[:nodes], both[nodes:]
        batches = np.zeros(len(self.recipes))
        if not self.scenario.economy.unlimited_materials and len(self.recipes):
            gap = np.maximum(0.0, self.scenario.planner.stock_days * need - self.stock)
            batches = (gap * self._per_output).max(axis=1)
            # Recipes fed by recycling run only on the scrap there is.
            stock = self.stock
            for r in self._recycled_recipes:
                inputs = self._recipe_io[r][0]
                batches[r] = min(batches[r], *(stock[i] / q for i, q in inputs))
            # Each fab kind's batches scaled down to the fab-hours it has.
            hours = self._fab_hours()
            want = np.bincount(
                self._recipe_fab, weights=batches * self.r_time, minlength=len(self._fab_of_recipes)
            ).tolist()
            for fab, wanted, sel in zip(
                self._fab_of_recipes, want, self._recipes_by_fab, strict=True
            ):
                have = hours.get(fab, 0.0)
                if wanted > have:
                    batches[sel] *= have / wanted
        return {"need": need, "direct": direct, "batches": batches}

    def _fab_hours(self) -> dict[str, float]:
        health = self.fleet.health_total
        return {k: 24.0 * health(k) for k in self.fab_kinds}

    def _allocate_labour(self, labour: float, plan: dict[str, Any]) -> dict[str, float]:
        """Repair first, then mining and hauling for today's batches, the rest to assembly."""
        robot = self._specs[self.robot_kind]
        repair = self._repair(labour)
        left = labour - repair
        mine = haul = 0.0
        if not self.scenario.economy.unlimited_materials:
            want_kg = (
                float(plan["batches"] @ self.r_in[:, self.regolith]) - self.stock[self.regolith]
            )
            want_kg = max(0.0, want_kg)
            d_mine = self._mean_distance_km(self.site.mine, self._raw_fabs)
            per_kg = 1.0 / max(robot.mining_kg_per_day, 1e-9)
            if robot.haul_tkm_per_day > 0:
                per_kg += d_mine / 1000.0 / robot.haul_tkm_per_day
            # Mining competes with assembly: at most the share the plan's mix implies.
            mine_budget = min(left, want_kg * per_kg)
            kg = mine_budget / per_kg if per_kg > 0 else 0.0
            mine = kg / max(robot.mining_kg_per_day, 1e-9)
            haul = mine_budget - mine
            self.stock[self.regolith] += kg
            self.mined_kg += kg
            self.elements.mined(self.regolith, kg)
            left -= mine_budget
        # Hauling parts from the fabs to the build sites costs labour in proportion to distance.
        d_site = self._mean_distance_km(self.site.centre, self.fab_kinds) if self.fab_kinds else 0.0
        parts_haul_per_day = 0.0
        if robot.haul_tkm_per_day > 0 and d_site > 0:
            kg_per_assembly_day = 86400.0 / self.catalog.assembly_s_per_kg
            parts_haul_per_day = kg_per_assembly_day / 1000.0 * d_site / robot.haul_tkm_per_day
        assemble = left / (1.0 + parts_haul_per_day)
        haul += left - assemble
        self._assign_tasks(repair, mine, haul, assemble, robot)
        return {"total": assemble, "repair": repair, "mine": mine, "haul": haul}

    def _makes_from_raw(self, fab: str) -> bool:
        return any(f == fab and self.r_in[r, self.regolith] > 0 for r, f in enumerate(self.r_fab))

    def _mean_distance_km(self, point: tuple[int, int], kinds: list[str]) -> float:
        """Mean distance from ``point`` to the units of ``kinds`` (km)."""
        return self._measure_distance_km(point, kinds)

    def _measure_distance_km(self, point: tuple[int, int], kinds: list[str]) -> float:
        # Sums kept up to date at every birth and scrapping (Fleet.track): exact and O(events).
        key = (point, *kinds)
        mean = self.fleet.tracked_mean(key)
        if mean is None and key not in self.fleet._trackers:
            self.fleet.track(key, list(kinds), self._distance_grid(point))
            mean = self.fleet.tracked_mean(key)
        return mean if mean is not None else 0.0

    def _distance_grid(self, point: tuple[int, int]) -> np.ndarray:
        """Distance (km) from ``point`` to every cell."""
        grid = self._distance_grids.get(point)
        if grid is None:
            ys, xs = np.mgrid[0 : self.site.height, 0 : self.site.width]
            grid = np.hypot(xs - point[0], ys - point[1]) * self.site.cell_m / 1000.0
            self._distance_grids[point] = grid
        return grid

    def _assign_tasks(
        self, repair: float, mine: float, haul: float, assemble: float, robot: UnitSpec
    ) -> None:
        # Robots needed for each task; the task column is written when someone reads it.
        per = robot.duty_fraction
        self._task_counts = [
            math.ceil(x / per - 1e-9) if x > 0 else 0 for x in (repair, mine, haul, assemble)
        ]
        self._tasks_day = -1

    def robot_tasks(self) -> np.ndarray:
        """Today's task of every robot (codes into :data:`lunarcity.agents.TASKS`), by row.

        Working robots take repair, mining, hauling and assembly in row order as the day's
        labour split needs them; the rest idle; broken robots are ``broken``.
        """
        t = self.fleet.tables[self.robot_kind]
        if self._tasks_day != self.day and t.n:
            codes = np.zeros(t.n, dtype=np.int8)
            working = np.flatnonzero(t["health"] > 0)
            start = 0
            for code, n in zip((4, 1, 2, 3), self._task_counts, strict=True):
                codes[working[start : start + n]] = code
                start += n
            codes[t["health"] <= 0] = 5
            t["task"][:] = codes
            self._tasks_day = self.day
        return t["task"]

    def _repair(self, labour: float) -> float:
        """Repair broken units, power first, as far as labour allows; returns labour used."""
        used = 0.0
        for kind in self._repair_order:
            queue = self._broken_ids[kind]
            if not len(queue):
                continue
            t = self.fleet.tables[kind]
            rows = t.rows_of(queue)
            alive = rows >= 0  # scrapped while waiting: nothing to repair
            queue, rows = queue[alive], rows[alive]
            cost = self._specs[kind].repair_robot_days
            free = max(0.0, labour - used)
            if cost <= 0:
                n = len(rows)
            else:
                # Repairs are worked on as labour allows; one bigger than a day's spare labour
                # is finished over several days.
                spend = min(free, len(rows) * cost - self._repair_done[kind])
                self._repair_done[kind] += max(0.0, spend)
                n = min(len(rows), int(self._repair_done[kind] / cost + 1e-9))
                self._repair_done[kind] = max(0.0, self._repair_done[kind] - n * cost)
                used += max(0.0, spend)
            if n > 0:
                self.fleet.repair(kind, rows[:n], self._health_by_age(kind, t["born"][rows[:n]]))
            self._broken_ids[kind] = queue[n:]
        return used

    def _start_jobs(self, assembly: dict[str, float], blocked: dict[str, float]) -> None:
        """Open build jobs for today's mix, as far as parts in stock allow."""
        labour = assembly["total"]
        crew_own = self.scenario.planner.crew == "own_copy"
        robots = self.fleet.tables[self.robot_kind]
        idle = None
        if crew_own:
            idle = np.flatnonzero((robots["job"] == 0) & (robots["health"] > 0))
            free_builders = len(idle)
        else:
            backlog = float(self.jobs["labour_left"].sum())
            want = max(0.0, BACKLOG_DAYS * labour - backlog)
        units = self.catalog.units
        # Growth comes first, the kind furthest behind its share of the installed base first;
        # output (satellites, rail) takes parts only after the builders.
        installed = {k: self.fleet.count(k) * units[k].mass_kg for k in self.growth_kinds}
        growth_mass = sum(installed.values())

        def lag(k: str) -> float:
            if k not in installed:
                return 0.0
            return installed[k] / (self.shares[k] * growth_mass + 1e-9)

        # The kind that relieves yesterday's bottleneck goes first, and parts are held back for
        # it when it cannot start: smaller jobs behind it must not keep eating the stock a
        # large unit (a fab) is waiting to collect.
        relief = self.relief.get(self.bottleneck)
        if relief not in self.shares or relief not in self.growth_kinds:
            relief = None
        order = sorted(
            self.shares, key=lambda k: (k != relief, k not in self.growth_kinds, lag(k), k)
        )
        labour_share = {
            k: self.shares[k] / units[k].mass_kg * self.costs[k].assembly_days
            for k in order
            if k in self.costs
        }
        total_ls = sum(labour_share.values())
        starts: list[tuple[str, int, float]] = []  # (kind, jobs, imported kg in their parts)
        # A bill of materials has a handful of items: plain floats, written back once.
        stock, stock_imp = self.stock.tolist(), self.stock_imp.tolist()
        reserved: dict[int, float] = {}
        unlimited = self.scenario.economy.unlimited_materials

        def take(kind: str, n: int, blocked: dict[str, float]) -> tuple[int, float]:
            """Take up to ``n`` units' parts from stock: how many, and the imported kg inside."""
            bom = self._bom[kind]
            if unlimited or not bom:
                return n, 0.0
            can, short = min((max(stock[i] - reserved.get(i, 0.0), 0.0) / q, i) for i, q in bom)
            n_ok = max(0, min(n, int(can + 1e-9)))
            if n_ok < n:
                name = self.nodes[short]
                blocked[name] = blocked.get(name, 0.0) + (n - n_ok) * units[kind].mass_kg
                if kind == relief:
                    for i, q in bom:
                        reserved[i] = reserved.get(i, 0.0) + q
            imported = 0.0
            for i, q in bom if n_ok else ():
                held, kg = stock[i], q * n_ok
                if held > 0:
                    imp = kg * (stock_imp[i] / held)
                    imported += imp
                    stock_imp[i] = max(stock_imp[i] - imp, 0.0)
                stock[i] = max(held - kg, 0.0)
            return n_ok, imported

        for k in labour_share:
            if crew_own:
                # Each idle robot starts one copy; kinds share the builders by labour.
                self._carry[k] += free_builders * labour_share[k] / total_ls if total_ls else 0.0
            else:
                self._carry[k] += (
                    (labour_share[k] / total_ls) * want / self.costs[k].assembly_days
                    if total_ls
                    else 0.0
                )
            # (7 * x) / x can be 6.999...: float noise must not hold a start back a day.
            n = int(self._carry[k] + 1e-9)
            if crew_own:
                n = min(n, free_builders - sum(c for _, c, _ in starts))
            if n <= 0:
                continue
            n_ok, imported = take(k, n, blocked)
            self._carry[k] -= n_ok
            if n_ok < n:  # do not bank starts that parts cannot back
                self._carry[k] = min(self._carry[k], 1.0)
            if n_ok:
                starts.append((k, n_ok, imported))
        if not crew_own:
            # Labour must not idle while a whole job waits for its fraction to add up: when
            # the open work is less than a day's labour, start the job nearest to due now
            # (its carry goes into debt and is paid back by the following days' shares).
            open_work = backlog + sum(n * self.costs[k].assembly_days for k, n, _ in starts)
            due = (
                sorted(labour_share, key=lambda k: (-self._carry[k], k))
                if open_work < labour
                else []
            )
            for k in due:
                if open_work >= labour or labour_share[k] <= 0:
                    break
                n_ok, imported = take(k, 1, {})
                if n_ok:
                    self._carry[k] -= 1.0
                    starts.append((k, 1, imported))
                    open_work += self.costs[k].assembly_days
        if starts:
            self.stock[:] = stock
            self.stock_imp[:] = stock_imp
            self._open_jobs(starts, idle)

    def _open_jobs(self, starts: list[tuple[str, int, float]], idle: np.ndarray | None) -> None:
        """Open today's jobs: (kind, how many, imported kg inside their parts) by kind."""
        units = self.catalog.units
        kind_col: list[int] = []
        labour_col: list[float] = []
        mass_col: list[float] = []
        imported_col: list[float] = []
        for kind, k, imported_kg in starts:
            if self.scenario.economy.unlimited_materials:
                c = self.costs[kind]
                # Parts appear from regolith (and imports) outside fab limits, mass kept exact.
                self.mined_kg += k * c.regolith_kg
                self.stock += k * c.surplus
                imported_kg = k * float(c.imported.sum())
                self.landed_kg += imported_kg
                self.elements.mined(self.regolith, k * c.regolith_kg)
                self.elements.landed_kg(k * c.imported)
            kind_col += [self.kind_code[kind]] * k
            labour_col += [self.costs[kind].assembly_days] * k
            mass_col += [units[kind].mass_kg] * k
            imported_col += [imported_kg / k] * k
        n = len(kind_col)
        robots = self.fleet.tables[self.robot_kind]
        if idle is not None:
            builder_rows = idle[:n]
        elif robots.n:
            builder_rows = self.rng.integers(0, robots.n, size=n)
        else:
            builder_rows = np.zeros(0, dtype=np.int64)
        if len(builder_rows):
            bx = robots["x"][builder_rows]
            by = robots["y"][builder_rows]
            builders = robots["id"][builder_rows]
        else:
            bx, by = self.site.centre
            builders = 0
        seq = np.arange(self._job_seq, self._job_seq + n)
        self._job_seq += n
        job_ids = seq + 1
        self.jobs.append(
            job_ids,
            kind=kind_col,
            x=bx,
            y=by,
            labour_left=labour_col,
            started=self.day,
            seq=seq,
            builder=builders,
            mass=mass_col,
            imported_kg=imported_col,
        )
        if idle is not None and len(builder_rows):
            robots["job"][builder_rows] = job_ids

    # ==========================================================================================
    # 4. Recipes
    # ==========================================================================================
    def _run_recipes(self, batches: np.ndarray, blocked: dict[str, float]) -> float:
        """Run planned batches in dependency order, capped by the inputs in stock."""
        # A recipe touches two or three of some twenty items: plain floats beat numpy calls on
        # arrays that small, and the day's stock goes back into the arrays once, at the end.
        batches = batches.tolist()
        stock, stock_imp = self.stock.tolist(), self.stock_imp.tolist()
        # Inputs only Earth supplies are shared fairly among the recipes that want them, rather
        # than going to whichever recipe comes first.
        for i, users in self._imported_inputs:
            want = sum(batches[r] * q for r, q in users)
            if want > stock[i] > 0:
                for r, _ in users:
                    batches[r] *= stock[i] / want
        made = 0.0
        prod = [0.0] * len(stock)
        by_fab: dict[str, float] = {}
        for b, (ins, outs, fab, out_total) in zip(batches, self._recipe_io, strict=True):
            if b <= 0:
                continue
            can, short = min((stock[i] / q, i) for i, q in ins)
            if can < b * (1.0 - 1e-9):  # a shortfall of rounding size is not a shortage
                name = self.nodes[short]
                blocked[name] = blocked.get(name, 0.0) + (b - can) * out_total
                b = can
            if b <= 0:
                continue
            imp_in = 0.0
            for i, q in ins:
                held = stock[i]
                take = q * b
                if held > 0:
                    imp = take * (stock_imp[i] / held)
                    imp_in += imp
                    stock_imp[i] -= imp
                stock[i] = max(held - take, 0.0)
            total_out = out_total * b
            for i, q in outs:
                out = q * b
                stock[i] += out
                prod[i] += out
                if imp_in > 0:
                    stock_imp[i] += out * (imp_in / total_out)
            made += total_out
            by_fab[fab] = by_fab.get(fab, 0.0) + total_out
        if self._remelt is not None and batches[self._remelt] > 0:
            self.elements.scrap_used(self.stock[self.index["scrap"]] - stock[self.index["scrap"]])
        self.stock[:] = stock
        self.stock_imp[:] = stock_imp
        self.prod_rate[:] = prod
        self.fab_output_today = by_fab
        if self.oxygen is not None:
            self.oxygen_made_kg += prod[self.oxygen]
            self._vent_oxygen()
        return made

    def _vent_oxygen(self) -> None:
        """Oxygen beyond what the plants' own tanks hold is let go (and counted as vented)."""
        i = self.oxygen
        cap = sum(
            self.fleet.count(k) * self._specs[k].oxygen_storage_kg
            for k in self.fab_kinds
            if self._specs[k].oxygen_storage_kg > 0
        )
        extra = self.stock[i] - cap
        if extra > 0:
            share = self.stock_imp[i] / self.stock[i]
            self.stock[i] = cap
            self.stock_imp[i] -= extra * share
            self.vented_kg += extra
            self.elements.vent(i, extra)

    # ==========================================================================================
    # 5. Build jobs
    # ==========================================================================================
    def _progress_jobs(self, assembly: dict[str, float]) -> int:
        jobs = self.jobs
        if not jobs.n:
            return 0
        if self.scenario.planner.crew == "own_copy":
            robots = self.fleet.tables[self.robot_kind]
            rows = robots.rows_of(jobs["builder"])
            ok = rows >= 0
            rate = np.zeros(jobs.n)
            spec = self._specs[self.robot_kind]
            rate[ok] = spec.duty_fraction * robots["health"][rows[ok]] * self._robot_served
            jobs["labour_left"][:] -= rate
            done = np.flatnonzero(jobs["labour_left"] <= 1e-9)
        else:
            # Pooled crews finish the oldest jobs first (the table keeps jobs oldest first).
            left = jobs["labour_left"]
            cum = np.cumsum(left)
            labour = assembly["total"]
            k = int(np.searchsorted(cum, labour + 1e-9, side="right"))  # jobs finished today
            if k < jobs.n:
                left[k] -= max(0.0, labour - (cum[k] - left[k]))
            left[:k] = 0.0
            done = np.arange(k)
        if not len(done):
            return 0
        self._complete(done)
        return len(done)

    def _complete(self, rows: np.ndarray) -> None:
        jobs = self.jobs
        kinds = jobs["kind"][rows]
        for code in np.unique(kinds):
            kind = self.kind_names[int(code)]
            sel = rows[kinds == code]
            imported = jobs["imported_kg"][sel].copy()
            mass = self.catalog.units[kind].mass_kg
            self.recorder.hardware_added(
                len(sel) * mass, float(imported.sum()), installed=kind != self.sat_kind
            )
            if kind == self.sat_kind:
                self.stock[self.index[kind]] += len(sel) * mass
                self.stock_imp[self.index[kind]] += float(imported.sum())
                continue
            xs, ys, slots = self.placement.place(self._specs[kind], jobs["x"][sel], jobs["y"][sel])
            keep = np.flatnonzero(slots >= -1)
            self.fleet.add(
                kind,
                xs[keep],
                ys[keep],
                self.day,
                jobs["builder"][sel][keep],
                imported[keep],
                np.ones(len(keep), dtype=np.float32),
                slots[keep],
            )
            if len(keep) < len(sel):  # rail segments with no slot left wait as parts in stock
                extra = len(sel) - len(keep)
                self.stock[self.index[kind]] += extra * mass
                self.stock_imp[self.index[kind]] += float(
                    imported[np.flatnonzero(slots < -1)].sum()
                )
        if self.scenario.planner.crew == "own_copy":
            robots = self.fleet.tables[self.robot_kind]
            rows_b = robots.rows_of(jobs["builder"][rows])
            ok = rows_b >= 0
            robots["job"][rows_b[ok]] = 0
        jobs.remove_rows(rows, keep_order=True)

    # ==========================================================================================
    # 6. Launches
    # ==========================================================================================
    def _rail_length(self) -> float:
        """Length of the track's longest run of complete, working segments (m)."""
        if not self.rail_kind or not self.rail_slots:
            return 0.0
        key = self.fleet.version[self.rail_kind]
        if key == self._rail_key:
            return self._rail_len
        self._rail_key = key
        self._rail_len = self._measure_rail()
        return self._rail_len

    def _measure_rail(self) -> float:
        t = self.fleet.tables[self.rail_kind]
        ok = np.zeros(self.rail_slots, dtype=np.int8)
        if t.n:
            ok[t["slot"][t["health"] > 0]] = 1
        # The longest run of working slots: edges of the runs in a zero-padded copy.
        edges = np.flatnonzero(np.diff(np.concatenate([[0], ok, [0]])))
        best = int((edges[1::2] - edges[::2]).max()) if len(edges) else 0
        return best * self.catalog.units[self.rail_kind].segment_length_m

    def mass_driver_operating(self) -> bool:
        """Whether the track is long enough for the launch speed at the payload's g-limit."""
        return self.rail_fits and self._rail_length() >= self.track_m - 1e-6

    def _launches_possible(self) -> int:
        if not self.sat_kind or not self.mass_driver_operating():
            return 0
        sats = int(
            self.stock[self.index[self.sat_kind]] // self.catalog.units[self.sat_kind].mass_kg
            + 1e-9
        )
        n = min(sats, int(self.scenario.mass_driver.max_launches_per_day))
        if self.kick_kg > 0:
            n = min(n, int(self.stock[self.index["kick_stage"]] // self.kick_kg + 1e-9))
        return max(0, n)

    def _launch(self, energy_kwh: float) -> int:
        want = self._launches_possible()
        n = min(want, int(energy_kwh // self.launch_kwh + 1e-9)) if self.launch_kwh > 0 else want
        if n <= 0:
            return 0
        spec = self.catalog.units[self.sat_kind]
        for node, kg in ((self.sat_kind, spec.mass_kg), ("kick_stage", self.kick_kg)):
            if kg <= 0:
                continue
            i = self.index[node]
            share = self.stock_imp[i] / self.stock[i] if self.stock[i] > 0 else 0.0
            self.stock[i] -= n * kg
            self.stock_imp[i] -= n * kg * share
            self.launched_kg += n * kg
            self.elements.launch(i, n * kg)
        self.satellites_launched += n
        self.compute_in_orbit_kw += n * self._specs[self.sat_kind].compute_kw
        return n

    # ==========================================================================================
    # 7. Landers
    # ==========================================================================================
    def _landers(self) -> float:
        e = self.scenario.earth
        if not e.imports or self.day < e.first_lander_day:
            return 0.0
        if e.until_years is not None and self.day > e.until_years * 365.25:
            return 0.0
        k = (self.day - e.first_lander_day) / e.lander_interval_days
        if abs(k - round(k)) > 1e-9 and math.floor(k) == math.floor(
            (self.day - 1 - e.first_lander_day) / e.lander_interval_days
        ):
            return 0.0
        if self.rng.random() < e.lander_failure_prob:
            self.landers_lost += 1
            return 0.0
        self.landers_arrived += 1
        return self._unload(self._manifest())

    def _manifest(self) -> dict[str, float]:
        """What a lander carries (kg): the fixed shares, then what the city lacks."""
        e = self.scenario.earth
        payload = e.lander_payload_t * 1000.0
        cargo = {name: share * payload for name, share in e.carries.items()}
        room = payload - sum(cargo.values())
        plan = self._production_plan(self._labour_supply())
        horizon = e.lander_interval_days + self.scenario.planner.stock_days
        # Local output replaces imports as far as its capacity goes.
        wanted = np.where(self._imported_mask, plan["need"], plan["direct"])
        want = np.maximum(
            0.0, wanted * horizon - self.stock - self.prod_rate * e.lander_interval_days
        )
        want = np.where(self._vitamin_mask if e.vitamins_only else self._importable, want, 0.0)
        # Units the mix wants that only Earth can make (e.g. fission units).
        for k, s in self.shares.items():
            if k not in self.costs and k in self.index:
                cargo[k] = cargo.get(k, 0.0) + s * room
        room = payload - sum(cargo.values())
        total = float(want.sum())
        if total > 0 and room > 0:
            scale = min(1.0, room / total)
            for i in np.flatnonzero(want > 0):
                cargo[self.nodes[i]] = cargo.get(self.nodes[i], 0.0) + want[i] * scale
        return cargo

    def _unload(self, cargo: dict[str, float]) -> float:
        landed = 0.0
        cx, cy = self.site.centre
        for name, kg in cargo.items():
            if kg <= 0:
                continue
            if name in self.fleet.tables:
                n = int(kg // self.catalog.units[name].mass_kg)
                if n > 0:
                    landed += self._land_units(name, np.full(n, cx), np.full(n, cy))
            else:
                self._land_stock(name, kg)
                landed += kg
        return landed

    def _land_seed(self) -> None:
        for name, kg in self.scenario.seed.stocks_kg.items():
            self._land_stock(name, kg)
        cx, cy = self.site.centre
        for kind, n in self.scenario.seed.units.items():
            if n > 0:
                offsets = self.rng.integers(-3, 4, size=(n, 2))
                self._land_units(kind, cx + offsets[:, 0], cy + offsets[:, 1])

    def _land_stock(self, name: str, kg: float) -> None:
        """Earth-made items into stock, wholly imported."""
        i = self.index[name]
        self.stock[i] += kg
        self.stock_imp[i] += kg
        self.landed_kg += kg
        self.elements.landed(i, kg)

    def _land_units(self, kind: str, near_x: np.ndarray, near_y: np.ndarray) -> float:
        """Earth-made units placed near the given cells: built by nobody, wholly imported.

        Returns:
            The mass landed (kg); rail segments with no slot left on the track are not landed.
        """
        mass = self.catalog.units[kind].mass_kg
        xs, ys, slots = self.placement.place(self._specs[kind], near_x, near_y)
        keep = np.flatnonzero(slots >= -1)
        n = len(keep)
        self.fleet.add(
            kind,
            xs[keep],
            ys[keep],
            self.day,
            np.zeros(n, dtype=np.int64),
            np.full(n, mass),
            np.ones(n, dtype=np.float32),
            slots[keep],
        )
        kg = n * mass
        self.recorder.hardware_added(kg, kg)
        self.landed_kg += kg
        self.elements.landed_units(self.kind_code[kind], kg)
        return kg

    # ==========================================================================================
    # 8. Wear, failure, repair and scrap
    # ==========================================================================================
    def _health_by_age(self, kind: str, born: np.ndarray) -> np.ndarray:
        if not self.scenario.economy.failures:
            return np.ones(len(born), dtype=np.float32)
        life = self._specs[kind].lifetime_years * 365.25
        if len(born) <= 16:  # a day's repairs: plain floats beat five numpy calls
            day = self.day
            return np.array(
                [1.0 - AGEING_LOSS * min(1.0, (day - b) / life) for b in born.tolist()],
                dtype=np.float32,
            )
        return (1.0 - AGEING_LOSS * np.minimum(1.0, (self.day - born) / life)).astype(np.float32)

    def _wear_and_scrap(self) -> None:
        if not self.scenario.economy.failures:
            return
        fleet = self.fleet
        monthly = self.day % WEAR_EVERY_DAYS == 0
        # k ~ Binomial(n, p) units of each kind are hit today (one draw for all kinds); a hit
        # on a broken unit changes nothing.
        counts = [fleet.tables[k].n for k in self.agent_kinds]
        hits = self.rng.binomial(counts, self._fail_p).tolist()
        for kind, n, k, life in zip(self.agent_kinds, counts, hits, self._life_days, strict=True):
            if not n:
                continue
            t = fleet.tables[kind]
            if monthly:  # wear is slow: health follows age once a month
                working = t["health"] > 0
                fleet.set_health(kind, working, self._health_by_age(kind, t["born"][working]))
            if k:
                health = t["health"]
                drawn = sorted({int(u * n) for u in self.rng.random(k).tolist()})
                hit = np.array([r for r in drawn if health[r] > 0], dtype=np.int64)
                fleet.fail(kind, hit)
                self._broken_ids[kind] = np.concatenate([self._broken_ids[kind], t["id"][hit]])
            # Units reach the end of their life on their birthday: those born on `cohort` (older
            # ones went on earlier days).
            cohort = math.floor(self.day - life)
            if cohort >= 0 and fleet.born_on(kind, cohort):
                old = np.flatnonzero(t["born"] <= cohort)
                if len(old):
                    self._scrap(kind, old)

    def _scrap(self, kind: str, rows: np.ndarray) -> None:
        spec = self._specs[kind]
        t = self.fleet.tables[kind]
        mass = self.catalog.units[kind].mass_kg * len(rows)
        imported = float(t["imported_kg"][rows].sum())
        fraction = spec.recycle_fraction if "scrap" in self.index else 0.0
        # Only the materials remelting can return are kept (chips, cells' silicon... are waste).
        recycled = float(self.elements.scrap_units(self.kind_code[kind], mass, fraction).sum())
        if recycled > 0:
            i = self.index["scrap"]
            self.stock[i] += recycled
            self.stock_imp[i] += imported * recycled / mass
            self._remelt_returns_scrap()
        self.waste_kg += mass - recycled
        self.recorder.scrapped(mass, imported)
        self.placement.free(spec, t["x"][rows], t["y"][rows], t["slot"][rows])
        robots_jobs = t["job"][rows] if spec.role == "robot" else None
        self.fleet.remove(kind, rows)
        if robots_jobs is not None and self.scenario.planner.crew == "own_copy":
            # A builder scrapped mid-job leaves its job to the next idle robot: release it.
            orphan = np.isin(self.jobs["id"], robots_jobs[robots_jobs > 0])
            self.jobs["builder"][orphan] = 0

    def _remelt_returns_scrap(self) -> None:
        """Remelting returns the scrap pool's own mix: the recipe's outputs follow it."""
        r = self._remelt
        if r is None:
            return
        per_batch = float(self.r_in[r].sum())
        out = self.elements.remelt_mix() * per_batch
        self.r_out[r] = out
        with np.errstate(divide="ignore"):
            self._per_output[r] = np.where(out > 0, 1.0 / out, 0.0)
        ins, _, fab, _ = self._recipe_io[r]
        outs = [(int(i), float(out[i])) for i in np.flatnonzero(out)]
        self._recipe_io[r] = (ins, outs, fab, float(out.sum()))

    # ==========================================================================================
    # 9. Metrics
    # ==========================================================================================
    def _binding_constraint(
        self,
        power: Dispatch,
        blocked: dict[str, float],
        assembly: dict[str, float],
        launch_want: int,
        launches: int,
    ) -> str:
        if power.total_demand > 0 and power.unserved > 0.01 * power.total_demand:
            return "power"
        if blocked:
            item = max(sorted(blocked), key=lambda k: blocked[k])
            # Follow the shortage upstream: a part short because its own input was short.
            for _ in range(8):
                upstream = [
                    n
                    for p in self.econ.makers(item)
                    for n in self.econ.processes[p].inputs
                    if n in blocked and n != item
                ]
                if not upstream:
                    break
                item = max(sorted(upstream), key=lambda k: blocked[k])
            node = self.econ.graph.nodes[item]
            if node.get("imported"):
                return "imports"
            if item == self.nodes[self.regolith]:
                return "labour"
            return f"material:{item}"
        if self.jobs.n and float(self.jobs["labour_left"].sum()) > assembly["total"] + 1e-9:
            return "labour"
        if (
            self.sat_kind
            and self.stock[self.index[self.sat_kind]] >= self.catalog.units[self.sat_kind].mass_kg
            and launches < max(1, launch_want)
        ):
            return "launch"
        if (
            self.sat_kind
            and self.stock[self.index[self.sat_kind]] > 0
            and not self.mass_driver_operating()
        ):
            return "launch"
        return "none"

    # ==========================================================================================
    # helpers
    # ==========================================================================================
    def _effective_specs(self) -> dict[str, UnitSpec]:
        specs = {}
        for kind, spec in self.catalog.units.items():
            override = self.scenario.units.get(kind)
            if override is not None:
                update = {
                    k: v
                    for k, v in override.model_dump(exclude={"source", "assumption"}).items()
                    if v is not None
                }
                spec = spec.model_copy(update=update)
            specs[kind] = spec
        return specs

    def unit_spec(self, kind: str) -> UnitSpec:
        """A unit kind's figures with the scenario's overrides applied."""
        return self._specs[kind]

    def _raw_item(self) -> str:
        for name, item in self.catalog.items.items():
            if item.kind == "raw":
                return name
        raise InputError(
            "the data has no raw item (regolith)",
            field="items",
            valid="an item in data/materials.yaml with kind: raw",
        )

    def _crest_profile(self) -> np.ndarray:
        """Daily mean sunlit share over a year of the cells solar plants take first."""
        sunny = self.placement.sunny_order
        best = sunny[: max(1, min(len(sunny), 400))]
        ys, xs = np.divmod(best, self.site.width)
        return np.array([float(self.site.lit_at(d, ys, xs).mean()) for d in range(365)])

    def _relief_map(self) -> dict[str, str]:
        units = self.catalog.units
        relief = {}
        solar = next((k for k in self.growth_kinds if units[k].role == "power"), None)
        if solar:
            relief["power"] = solar
        if self.robot_kind in self.growth_kinds:
            relief["labour"] = self.robot_kind
        for r, fab in enumerate(self.r_fab):
            if fab in self.growth_kinds:
                for i in np.flatnonzero(self.r_out[r] > 0):
                    relief.setdefault(f"material:{self.nodes[i]}", fab)
        if self.rail_kind:
            relief["launch"] = self.rail_kind
        return relief

    # -- public views --------------------------------------------------------------------------
    # Every unit is a Mesa agent; agents of units born since the last look are made when the
    # model's agents are read (see lunarcity.fleet.Fleet).
    @property
    def agents(self) -> mesa.AgentSet:
        """Every unit in service, as Mesa agents."""
        if self.fleet is not None:
            self.fleet.make_agents()
        return super().agents

    @agents.setter
    def agents(self, agents: Any) -> None:
        mesa.Model.agents.fset(self, agents)  # Mesa refuses, with its own message

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.AgentSet]:
        """Agents by class (Robot, Fab, PowerPlant, LaunchRail)."""
        if self.fleet is not None:
            self.fleet.make_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The agent classes in the model."""
        return list(self.agents_by_type)

    def remove_all_agents(self) -> None:
        """Remove every agent (Mesa's API; the units' rows stay)."""
        if self.fleet is not None:
            self.fleet.make_agents()
        super().remove_all_agents()

    @property
    def rail_filled(self) -> np.ndarray:
        """Which slots of the mass driver's track hold a segment."""
        return self.placement.rail_filled

    @property
    def lit(self) -> np.ndarray:
        """Today's sunlit share of every cell, a (height, width) layer (computed on demand)."""
        if self._lit_day != self.day:
            self._lit_layer = self.site.lit_fraction(self.day)
            self._lit_day = self.day
        return self._lit_layer

    def units_by_kind(self) -> dict[str, int]:
        """Units in service by kind."""
        return {k: self.fleet.count(k) for k in self.agent_kinds}

    def summary(self) -> dict[str, Any]:
        """The run's summary (see :mod:`lunarcity.metrics`)."""
        return self.recorder.summary()

    def daily(self):
        """The daily table as a polars DataFrame."""
        return self.recorder.frame()

    def wip_kg(self) -> float:
        """Mass in build jobs not yet complete."""
        return float(self.jobs["mass"].sum())

"""The LunarCity model: a self-replicating lunar industrial base, one day per step.

The day is :meth:`LunarCity.step`, read top to bottom; each stage lives in a module named for
what it decides and returns a frozen result (collected in :class:`lunarcity.stages.day.Day`):

1. :mod:`lunarcity.stages.plan`: today's mix by kind and the production plan it implies;
2. :mod:`lunarcity.stages.power`: generation and storage serve robots, the launcher and fabs;
3. :mod:`lunarcity.stages.labour`: repair (:mod:`lunarcity.stages.wear`), mining, hauling, assembly;
4. :mod:`lunarcity.stages.jobs`: which build jobs start, with the parts in stock;
5. :mod:`lunarcity.stages.recipes`: fabs run their batches;
6. :mod:`lunarcity.stages.jobs`: jobs progress; a finished job becomes a unit near its builder;
7. :mod:`lunarcity.stages.launch`: the mass driver launches satellites;
8. :mod:`lunarcity.stages.landers`: a lander from Earth arrives (or is lost);
9. :mod:`lunarcity.stages.wear`: wear, failure and scrap;
10. :mod:`lunarcity.stages.bottleneck`: the constraint that bound the day; then the recorder
    (:mod:`lunarcity.results.metrics`) writes the day's row and checks the ledgers.

What is fixed for the run (the economy compiled to arrays, the track, the planner's basis, the
wear rates) is built once here into one object (:class:`lunarcity.city.state.RunConstants`); what
changes each day (the stocks and ledgers of :mod:`lunarcity.city.stocks`, the fleet's tables, the job
book, the repair queue, the energy in storage) is another (:class:`lunarcity.city.state.CityState`). A step is a fixed number of
vectorized operations plus work per event (a birth, a scrapping, a lander); there is no Python
loop over units.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any, ClassVar

import mesa
import numpy as np

from lunarcity import portable
from lunarcity.city import mesa_compat
from lunarcity.city.agents import AGENT_CLASS, Unit
from lunarcity.city.element_ledger import ElementLedger
from lunarcity.city.fleet import Fleet
from lunarcity.city.mass_ledger import MassLedger
from lunarcity.city.mesa_compat import run_seed
from lunarcity.city.site import build_site
from lunarcity.city.state import CityState, RunConstants
from lunarcity.city.stocks import Stocks
from lunarcity.constants import KG_PER_T
from lunarcity.results.metrics import MAX_UNITS_RULE, ROW_AT, Recorder
from lunarcity.space.thesis import designed_catalog, plan_thesis
from lunarcity.stages import jobs, labour, landers, launch, plan, recipes, wear
from lunarcity.stages.bottleneck import binding_constraint
from lunarcity.stages.build_policy import design_lit, storage_hours, unit_costs
from lunarcity.stages.contributions import FleetContributions, UnitContributions
from lunarcity.stages.day import Day
from lunarcity.stages.generations import Generations
from lunarcity.stages.learning import LearningCurve
from lunarcity.stages.placement import Placement
from lunarcity.stages.power import supply
from lunarcity.world.catalog import Catalog, UnitSpec, default_catalog
from lunarcity.world.economy_arrays import EconomyArrays
from lunarcity.world.routes import scenario_catalog
from lunarcity.world.scenario import MAX_DAYS, Scenario, resolve_scenario
from lunarcity.world.scenario_economy import scenario_economy

#: Where the units in service sit in the recorder's row (the cap run.max_units reads it).
UNITS_AT = ROW_AT["units_total"]
#: Columns the DataCollector keeps (the recorder keeps the full daily table).
REPORTED = ("units_total", "industrial_mass_t", "power_mw", "closure", "compute_in_orbit_kw")


def _reported(at: int, model: LunarCity) -> float:
    """A DataCollector reporter: one column of the recorder's last row, by its place in the row.

    Read from the row as the day wrote it (:attr:`lunarcity.results.metrics.Recorder.row`), the
    double its column holds, not out of the column through :meth:`Recorder.last`: six reporters
    run every day, and the column's lookup and numpy scalar cost over a quarter of the
    collector's time (benchmarks/run.py's `default_30y_s`).
    """
    return float(model.recorder.row[at])


def _target_met(model: LunarCity) -> bool:
    """A DataCollector reporter: whether the target has been met."""
    return model.recorder.target_met


class LunarCity(mesa.Model):
    """A city of machines on the Moon that builds itself.

    Args:
        scenario: Preset name, path to a scenario YAML, a :class:`Scenario`, or None for the
            default ``ten_year_city``.
        rng: The same as ``seed`` (a whole number), under the name Mesa 3.5's ``batch_run``
            passes it.
        catalog: Reference data (the package's own by default).
        **overrides: ``seed=`` (overrides ``run.seed``; the model's only source of randomness is
            one numpy Generator from it), and scenario parameters as flat keywords, ``__`` for
            dots (``earth__lander_interval_days=7``), as ``mesa.batch_run`` and app sliders pass
            them. ``seed`` is a keyword here, not a named parameter, so that Mesa 3.5's
            ``batch_run`` does not overwrite a swept seed (:func:`lunarcity.city.mesa_compat.run_seed`).
    """

    #: Steps enough for any scenario (the longest run the schema allows, and the day it stops
    #: on). The model stops itself at its horizon; ``mesa.batch_run`` stops at its own
    #: ``max_steps`` (1,000 days by default), so pass ``max_steps=LunarCity.MAX_STEPS``.
    MAX_STEPS: ClassVar[int] = MAX_DAYS + 2

    #: The agent class made for each unit role. A per-agent model (the benchmark's Mesa
    #: reference) sets its own classes here.
    agent_classes: ClassVar[dict[str, type[Unit]]] = AGENT_CLASS
    #: Where the day's totals over the units come from (:mod:`lunarcity.stages.contributions`).
    #: A per-agent model sets a class that sums its agents' own ``step()`` results instead.
    contributions_class: ClassVar[type] = FleetContributions

    def __init__(
        self,
        scenario: str | Path | Scenario | None = None,
        *,
        rng: int | None = None,
        catalog: Catalog | None = None,
        **overrides: Any,
    ) -> None:
        seed = run_seed(overrides.pop("seed", None), rng)
        sc = resolve_scenario(scenario, overrides, catalog=catalog)
        if seed is not None:
            sc = sc.model_copy(update={"run": sc.run.model_copy(update={"seed": seed})})
        # The one place the seed becomes randomness: Mesa's rng (numpy Generator).
        super().__init__(rng=sc.run.seed)
        # The model's own copy, fixed: a parameter assigned mid-run would reach the stages that
        # read it daily and not those built from it below (errors.FixedParameterError).
        self.params = sc.model_copy(deep=True)
        self.params.fix()
        sc = self.params
        # The scenario's technology route and make-up figures (lunarcity/world/routes.py).
        base_catalog = scenario_catalog(sc, catalog or default_catalog())
        # The thesis (lunarcity/space/thesis.py): the satellite from its components, the trip, the
        # shot and its pulsed store; the satellite and its kick stage are built as designed.
        self.thesis = plan_thesis(sc, base_catalog)
        self.catalog = designed_catalog(self.thesis, base_catalog)
        self.econ = scenario_economy(sc, self.catalog)
        self.day = 0
        self.days = sc.days
        #: The rule that ended the run before its horizon (None while it runs to it).
        self.stopped_by: str | None = None
        self.specs = self._effective_specs()

        # -- run-long: the economy as arrays, the unit kinds ---------------------------------
        econ = self.econ
        units = self.catalog.units
        self.fab_kinds = list(econ.enabled_fabs)
        self.arrays = EconomyArrays.build(econ, self.catalog, self.specs, self.fab_kinds)
        self.nodes = self.arrays.nodes
        self.index = self.arrays.index
        self.agent_kinds = [k for k, s in units.items() if s.role != "satellite"]
        self.kind_code = {k: i for i, k in enumerate(units)}
        self.kind_names = list(units)
        self.robot_kind = next(k for k in self.agent_kinds if units[k].role == "robot")
        self.rail_kind = next((k for k in units if units[k].role == "rail" and units[k].bom), None)
        self.sat_kind = next(
            (k for k in units if units[k].role == "satellite" and units[k].bom), None
        )
        self.power_kinds = [k for k in self.agent_kinds if self.specs[k].role == "power"]
        self.storage_kinds = [k for k in self.agent_kinds if self.specs[k].role == "storage"]
        self.buildable = [k for k in units if f"assemble:{k}" in econ.processes]
        self.costs = unit_costs(
            econ,
            [*self.buildable, *(["kick_stage"] if "kick_stage" in self.index else [])],
            self.nodes,
        )
        # Each kind's bill of materials as [(item, kg)].
        self.bom = {
            k: [(int(i), float(c.bom[i])) for i in np.flatnonzero(c.bom)]
            for k, c in self.costs.items()
        }
        self.wear_rates = wear.WearRates.build(self.agent_kinds, self.specs)
        # Hardware generations (M13): heavier early units, Earth-made electronics by generation.
        self.generations = Generations(self.catalog, sc.generations.enabled, self.index)
        # Assembly labour per unit, falling with the count built (Wright's law; off at 1.0).
        self.learning = LearningCurve(
            {k: c.assembly_days for k, c in self.costs.items()}, sc.learning.progress_ratio
        )
        # The element ledger beside the mass ledger, at the soil this city mines.
        remelt = self.arrays.remelt
        elements = ElementLedger(
            self.catalog,
            econ.regolith or self.catalog.sites[sc.site.name].regolith,
            self.nodes,
            self.kind_names,
            "scrap" if "scrap" in self.index else None,
            list(self.catalog.recipes[self.arrays.recipes[remelt]].outputs)
            if remelt is not None
            else [],
        )

        # -- day state: stocks and ledgers, jobs, repairs, storage -----------------------------
        # Every kilogram held or moved, and both ledgers, in one object (lunarcity/city/stocks.py).
        self.stocks = Stocks(
            self.nodes, elements, self.arrays.regolith, self.arrays.oxygen, self.index.get("scrap")
        )
        # The recipes as the day runs them (remelting follows the scrap pool).
        self.recipe_book = recipes.RecipeBook(self.arrays)
        self.jobs = jobs.JobBook(self.kind_names)
        self.repairs = wear.RepairQueue(self.agent_kinds)
        self.tasks = labour.TaskBoard()
        self.fleet = None

        # -- site and track -------------------------------------------------------------------
        md = sc.mass_driver
        self.site = build_site(
            self.catalog.sites[sc.site.name],
            self.rng,
            launch.track_length_m(self.thesis.launch_km_s, md.max_accel_g),
        )
        rail = units[self.rail_kind] if self.rail_kind else None
        pulse = self.thesis.pulse_unit
        self.track = launch.Track.build(
            md,
            rail,
            units[self.sat_kind] if self.sat_kind else None,
            self.site,
            self.thesis,
            units[pulse] if pulse in self.buildable else None,
        )
        self.placement = Placement(
            self.site, self.rng, self.track.slots, self.track.cells_per_segment
        )
        self._lit_day = -1
        self.fleet = Fleet(self, self.agent_kinds, self.agent_classes)
        self.rail_meter = launch.RailMeter(
            self.fleet, self.rail_kind, self.track.slots, rail.segment_length_m if rail else 0.0
        )
        for k in self.power_kinds:
            if self.specs[k].generation == "solar":
                self.fleet.group_by_slot(k, len(self.placement.sunny_order))
        self.contributions: UnitContributions = self.contributions_class(self)

        # -- run-long: the planner's basis ----------------------------------------------------
        profile = plan.crest_profile(self.site, self.placement.sunny_order)
        # The yearly mean sunlight of those cells: the growth bound's energy (lunarcity/world/growth_bound.py).
        self.sunlit_mean = float(profile.mean())
        self.plan_basis = plan.PlanBasis.build(
            sc,
            units,
            self.specs,
            self.costs,
            self.arrays,
            plan.PlanKinds(self.robot_kind, self.rail_kind, self.sat_kind, self.buildable),
            worst_month_lit=design_lit(profile),
            store_hours=storage_hours(profile),
            kick_kg=self.track.kick_kg,
        )

        # The two objects: what is fixed for the run, and what the days change
        # (lunarcity/city/state.py); the attributes above are views of them.
        self.constants = RunConstants(
            arrays=self.arrays,
            costs=self.costs,
            bom=self.bom,
            wear_rates=self.wear_rates,
            site=self.site,
            track=self.track,
            plan_basis=self.plan_basis,
        )
        self.state = CityState(
            stocks=self.stocks,
            recipe_book=self.recipe_book,
            fleet=self.fleet,
            jobs=self.jobs,
            repairs=self.repairs,
            tasks=self.tasks,
            placement=self.placement,
            rail_meter=self.rail_meter,
            generations=self.generations,
            learning=self.learning,
            prod_rate=np.zeros(len(self.nodes)),
        )

        self.recorder = Recorder(self)
        seed = landers.land_seed(self)
        self.generations.begin(
            math.fsum(
                self.fleet.mass_total(k) for k in self.agent_kinds if k in self.generations.kinds
            )
        )
        self.seed_t = self.ledger.landed_kg / KG_PER_T  # the seed's landings, for the Earth ledger
        self.recorder.record(None, seed)
        # Cheap O(1) reporters (the recorder keeps the full daily table); named functions, not
        # lambdas, so the model pickles.
        self.datacollector = mesa.DataCollector(
            model_reporters={name: functools.partial(_reported, ROW_AT[name]) for name in REPORTED}
            | {"target_met": functools.partial(_target_met)}
        )
        self.datacollector.collect(self)

    # ==========================================================================================
    # The day
    # ==========================================================================================
    def step(self) -> None:
        """Advance the city by one day: every stage in order, then the day's record."""
        if self.day >= self.days or self.stopped_by is not None:
            self.running = False
            return
        self.day += 1
        contributions = self.contributions
        state = self.state

        # 1. Plan: today's mix, and the fab batches the labour on hand would need.
        state.shares = plan.todays_shares(self)
        labour_pool = contributions.labour_supply()
        production_plan = plan.production_plan(self, labour_pool, state.shares)
        if self.params.earth.free_vitamins:
            landers.supply_vitamins(self, production_plan)
        launch_want = launch.launches_ready(self)

        # 2. Power: what the plan would draw, served by priority from generation and storage.
        # The launcher's claim ahead of the fabs is the planner's lever (launch_power_share).
        demand = {
            "robots": contributions.robot_energy_kwh(),
            "launch": launch_want * self.track.launch_kwh,
            "fabs": portable.dot(production_plan.batches, self.arrays.r_energy),
        }
        power = supply(self, demand, {"launch": self.params.planner.launch_power_share})

        # 3. Labour: repair, mine, haul, then assemble (robots work as far as power allows).
        robot_served = power.fraction("robots")
        work = labour.allocate(self, labour_pool * robot_served, production_plan, state.shares)
        self.tasks.assign(work, self.specs[self.robot_kind].duty_fraction)

        # 4. New build jobs, as far as parts in stock allow. The parts are taken on the draft
        # the recipes then run on, committed once (a draft made and written back costs more
        # than the arithmetic of the day's takes: benchmarks/run.py's default_30y_s). Parts
        # that appear (unlimited materials) go into the stocks themselves as jobs open, where
        # nothing is taken: the recipes start from a draft of those.
        draft = self.stocks.draft()
        starts = jobs.start_jobs(self, work.assemble, state.shares, draft)
        if self.params.economy.unlimited_materials:
            draft = self.stocks.draft()

        # 5. Fabs run their recipes, as far as power, fab-hours and inputs allow.
        production = recipes.run_recipes(
            self, production_plan.batches * power.fraction("fabs"), draft
        )
        state.prod_rate = production.produced

        # 6. Build jobs progress; finished jobs become units near their builders.
        completed = jobs.progress_jobs(self, work.assemble, robot_served)

        # 7. The mass driver launches.
        launched = launch.launch(self, power.served.get("launch", 0.0), launch_want)

        # 8. Landers arrive (some fail). The cargo fills the gaps of a plan for the labour on
        # hand at landing: the morning's plan predates the units finished today.
        landing = landers.NO_LANDER
        if landers.lander_due(self):
            lander_plan = plan.production_plan(self, contributions.labour_supply(), state.shares)
            landing = landers.landers(self, lander_plan, state.shares)

        # 9. Wear, failure and scrapping.
        worn = wear.wear_and_scrap(self)

        # 10. The constraint that bound the day; the day's record.
        bottleneck = binding_constraint(
            self,
            power,
            [*starts.shortfalls, *production.shortfalls],
            work.assemble,
            launched,
            stalled=not starts.opened and not completed.count and not self.jobs.n,
        )
        state.bottleneck = bottleneck.name
        state.today = Day(
            day=self.day,
            shares=state.shares,
            plan=production_plan,
            power=power,
            labour=work,
            starts=starts,
            production=production,
            completed=completed,
            launches=launched,
            landing=landing,
            wear=worn,
            bottleneck=bottleneck,
        )
        self.recorder.record(state.today)
        self.datacollector.collect(self)
        if self.day >= self.days:
            self.running = False
        elif self.recorder.row[UNITS_AT] > self.params.run.max_units:
            # A city growing without bound (an idealisation such as unlimited materials) stops
            # here with its days kept, rather than be killed for memory with all of them lost.
            self.stopped_by = MAX_UNITS_RULE
            self.running = False

    # ==========================================================================================
    # Views for people and tools
    # ==========================================================================================
    # -- the day's state, by name (lunarcity/city/state.py) -------------------------------------------
    @property
    def shares(self) -> dict[str, float]:
        """Today's mass shares by kind."""
        return self.state.shares

    @shares.setter
    def shares(self, shares: dict[str, float]) -> None:
        self.state.shares = shares

    @property
    def bottleneck(self) -> str:
        """The constraint that bound the last day (power, labour, material:<item>, ...)."""
        return self.state.bottleneck

    @bottleneck.setter
    def bottleneck(self, name: str) -> None:
        self.state.bottleneck = name

    @property
    def today(self) -> Day | None:
        """The last day's stage results (None before the first day)."""
        return self.state.today

    @property
    def storage_kwh(self) -> float:
        """Energy in storage, carried from day to day (kWh)."""
        return self.state.storage_kwh

    @property
    def prod_rate(self) -> np.ndarray:
        """Yesterday's gross production by item (kg/day)."""
        return self.state.prod_rate

    @property
    def stock(self) -> np.ndarray:
        """The kg held of each item, by ``index`` (the stocks' own array: read, never assign)."""
        return self.stocks.stock

    @property
    def stock_imp(self) -> np.ndarray:
        """The imported kg inside each stock."""
        return self.stocks.stock_imp

    @property
    def ledger(self) -> MassLedger:
        """The mass ledger: flows across the city's boundary since founding."""
        return self.stocks.ledger

    @property
    def elements(self) -> ElementLedger:
        """The element ledger beside the mass ledger."""
        return self.stocks.elements

    def unit_spec(self, kind: str) -> UnitSpec:
        """A unit kind's figures with the scenario's overrides applied."""
        return self.specs[kind]

    def rail_length(self) -> float:
        """Length of the track's longest run of complete, working segments (m)."""
        return self.rail_meter.length_m()

    def mass_driver_operating(self) -> bool:
        """Whether the track is long enough for the launch speed at the payload's g-limit."""
        return self.track.fits and self.rail_length() >= self.track.length_m - 1e-6

    def launcher_ready(self) -> bool:
        """Whether the mass driver can fire: its track laid and its pulsed store built."""
        return self.mass_driver_operating() and launch.pulse_ready(self)

    def robot_tasks(self) -> np.ndarray:
        """Today's task of every robot (:class:`lunarcity.city.agents.Task` codes), by row."""
        return self.tasks.column(self)

    @property
    def fab_output_today(self) -> dict[str, float]:
        """Today's output by fab kind (kg)."""
        return self.today.production.by_fab if self.today is not None else {}

    def _effective_specs(self) -> dict[str, UnitSpec]:
        """The catalog's unit figures with the scenario's ``units`` overrides applied."""
        specs = {}
        for kind, spec in self.catalog.units.items():
            override = self.params.units.get(kind)
            if override is not None:
                update = {
                    k: v
                    for k, v in override.model_dump(exclude={"source", "assumption"}).items()
                    if v is not None
                }
                spec = spec.model_copy(update=update)
            specs[kind] = spec
        return specs

    # -- Mesa's views --------------------------------------------------------------------------
    # Every unit is a Mesa agent; agents of units born since the last look are made when the
    # model's agents are read (see lunarcity.city.fleet.Fleet).
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
        """The run's summary (see :mod:`lunarcity.results.metrics`)."""
        return self.recorder.summary()

    def daily(self):
        """The daily table as a polars DataFrame."""
        return self.recorder.frame()

    def wip_kg(self) -> float:
        """Mass in build jobs not yet complete."""
        return self.jobs.wip_kg()

    # -- saving and restoring ------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """The city's state, with the next unit id Mesa would issue (see :meth:`__setstate__`)."""
        state = self.__dict__.copy()
        state["_next_unit_id"] = mesa_compat.next_id(self)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled city; units born after it get ids after those it already issued.

        On Mesa 3.3 the id counter lives outside the model (lunarcity/city/mesa_compat.py), so a
        restored city would be issued ids from 1 again, and a unit born after the restore would
        share its id with one in service (its repairs and scrapping would reach the wrong row).

        Its parameters are fixed again: a pickle keeps them fixed, but ``copy.deepcopy`` of the
        city deep-copies them, and a deep copy of parameters is free to change
        (:class:`~lunarcity.world.schema_errors.Strict`), so the copied city's would not be.
        """
        upcoming = state.pop("_next_unit_id")
        self.__dict__.update(state)
        mesa_compat.resume_ids(self, upcoming)
        self.params.fix()

"""Daily metrics, the ledgers, target tracking and the run's summary.

Every day the recorder writes one row into preallocated arrays (no per-unit work) and checks the
two ledgers:

- mass: regolith mined + payload landed = stocks + work in progress + units in service +
  launched + waste (scrap not recycled; slag stays in stock);
- energy: generated = served + change in storage + losses + curtailed.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from lunarcity.city.mass_ledger import energy_balance_rel_error, mass_balance_rel_error
from lunarcity.constants import DAYS_PER_YEAR, KG_PER_T, KW_PER_MW
from lunarcity.results.co_products import co_products
from lunarcity.results.self_growth import StopRecord, self_sufficiency
from lunarcity.results.target import TargetTracker
from lunarcity.space.earth_ledger import COLUMNS as LEDGER_COLUMNS
from lunarcity.space.earth_ledger import earth_ledger, thesis_summary
from lunarcity.space.margin import horizon_verdict, margin_block
from lunarcity.space.thesis import earth_side
from lunarcity.stages.landers import landed_summary
from lunarcity.world.economy_requirements import vitamin_summary
from lunarcity.world.growth_bound import balanced_growth, city_problem, earth_limited_mass_t
from lunarcity.world.scenario import TARGET_METRICS

if TYPE_CHECKING:
    from lunarcity.model import LunarCity
    from lunarcity.stages.day import Day
    from lunarcity.stages.landers import Landing

BOTTLENECK_BASE = ["none", "power", "labour", "imports", "launch"]

FLOAT_COLUMNS = [
    "industrial_mass_t",
    "power_mw",
    "generated_mwh",
    "demand_mwh",
    "served_mwh",
    "unserved_mwh",
    "stored_mwh",
    "curtailed_mwh",
    "losses_mwh",
    "closure",
    "stock_closure",
    "earth_imported_t",
    "launched_t",
    "compute_in_orbit_kw",
    "compute_delivered_kw",
    "rail_length_m",
    "labour_robot_days",
    "assembly_robot_days",
    "regolith_mined_t",
    "stock_t",
    "wip_t",
    "waste_t",
    "launches_per_year",
    "doubling_time_years",
    "mass_balance_rel_error",
    "element_balance_rel_error",
    "energy_balance_rel_error",
    "oxygen_vented_t",
]
INT_COLUMNS = [
    "day",
    "units_total",
    "satellites_launched",
    "satellites_waiting",
    "launches",
    "mass_driver_operating",
    "jobs_open",
    "landers_arrived",
    "landers_lost",
]
#: Where each column sits in a day's row (:attr:`Recorder.row`): the float columns, then the
#: integer ones.
ROW_AT = {c: j for j, c in enumerate([*FLOAT_COLUMNS, *INT_COLUMNS])}
#: The rule named in a summary's ``stopped_by`` when the fleet passed its cap (the model's step).
MAX_UNITS_RULE = "run.max_units"


#: The recorder's attributes that are views of its row arrays (rebuilt, not pickled).
_COLUMN_VIEWS = ("f", "i", "_columns", "_launches", "_closure", "_mass_t")


class Recorder:
    """Preallocated daily columns for one run, the ledgers and the target.

    Args:
        model: The city being recorded.
    """

    def __init__(self, model: LunarCity) -> None:
        self.model = model
        self.stocks = model.stocks
        n = model.days + 1
        self.n = 0
        # One row per day; a day's row is written in one assignment, read back by column.
        self.rows_f = np.zeros((n, len(FLOAT_COLUMNS)))
        self.rows_i = np.zeros((n, len(INT_COLUMNS)), dtype=np.int64)
        self.kinds = list(model.agent_kinds)
        self._tables = [model.fleet.tables[k] for k in self.kinds]
        units = model.catalog.units
        self._mass_kg = [units[k].mass_kg for k in self.kinds]
        self._kind_codes = np.array([model.kind_code[k] for k in self.kinds], dtype=np.intp)
        # The kinds that generate, with their capacity (kW): the others add nothing to power.
        self._power_kw = [
            (j, float(model.unit_spec(k).generation_kw))
            for j, k in enumerate(self.kinds)
            if model.unit_spec(k).role == "power"
        ]
        # Fixed for the run: each kind's unit mass at its kind code, one row per kind, so that
        # counts @ masses is the mass by kind code in one product (each column holds one mass:
        # the product is count x mass, the double numpy's elementwise product gives).
        self._mass_at_code = np.zeros((len(self.kinds), len(model.kind_names)))
        self._mass_at_code[np.arange(len(self.kinds)), self._kind_codes] = self._mass_kg
        self.by_kind = np.zeros((n, len(self.kinds)), dtype=np.int64)
        self.bottleneck = np.zeros(n, dtype=np.int32)
        self.bottleneck_names: list[str] = list(BOTTLENECK_BASE)
        self._bottleneck_code = {name: j for j, name in enumerate(self.bottleneck_names)}
        # Hardware added (row 0) and the imported kg inside it (row 1) by day: the trailing
        # year of both summed in one reduction, each row as its own pairwise sum.
        self.hw = np.zeros((2, n))
        self._today_added = 0.0
        self._today_imported = 0.0
        self._year_launches = 0
        self.base_mass_kg = 0.0
        self.base_imported_kg = 0.0
        target = model.params.target
        self.parts = dict(target.parts)
        self.horizon_day = int(round(target.horizon_years * DAYS_PER_YEAR))
        self.target = TargetTracker(self.parts, self.horizon_day, target.sustain_days)
        self._bind_columns()
        for metric in self.target.metrics:
            self._column(metric)  # an unknown metric is refused here, naming the known ones
        # Where each target metric sits in a day's row.
        self._metric_at = [ROW_AT[m] for m in self.target.metrics]
        #: The last row written as the day's values, the float columns then the integer ones
        #: (:data:`ROW_AT`): each value is the one its column holds, as the integers and the
        #: doubles the day worked out, before numpy stored them.
        self.row: tuple[Any, ...] = ()
        # The self-sufficiency experiment: Earth-only stocks when the landers stop, and the day
        # each one runs out.
        until = model.params.earth.until_years
        self.stop_day = int(math.floor(until * DAYS_PER_YEAR)) if until is not None else None
        self._earth_only = [
            i for i, n in enumerate(model.nodes) if n in model.econ.imported and n in model.index
        ]
        self.earth_only_at_stop: dict[str, float] | None = None
        self.ran_out_day: dict[str, int | None] = {}

    # -- events --------------------------------------------------------------------------------
    def _hardware(self, today: Day | None, seed: Landing | None) -> None:
        """Take in the hardware the day's stages added and scrapped, in the order they did."""
        if seed is not None:
            for kg in seed.units_kg:
                self._hardware_added(kg, kg)
        if today is None:
            return
        for kg, imported_kg, installed in today.completed.hardware:
            self._hardware_added(kg, imported_kg, installed)
        for kg in today.landing.units_kg:  # landed whole: wholly imported
            self._hardware_added(kg, kg)
        for kg, imported_kg in today.wear.scrapped_kg:
            self._scrapped(kg, imported_kg)

    def _hardware_added(self, kg: float, imported_kg: float, installed: bool = True) -> None:
        """Hardware completed or landed today (for flow and stock closure)."""
        self._today_added += kg
        self._today_imported += imported_kg
        if installed:
            self.base_mass_kg += kg
            self.base_imported_kg += imported_kg

    def _scrapped(self, kg: float, imported_kg: float) -> None:
        """Units scrapped today leave the installed base."""
        self.base_mass_kg -= kg
        self.base_imported_kg -= imported_kg

    # -- the daily row ---------------------------------------------------------------------------
    def record(self, today: Day | None, seed: Landing | None = None) -> None:
        """Write today's row from the day's results and the stocks; check the target.

        Args:
            today: The day's stage results, or None for the founding row (day 0).
            seed: The founding landing (with the founding row).
        """
        m = self.model
        stocks = self.stocks
        ledger = stocks.ledger
        self._hardware(today, seed)
        d = self.n
        counts = [t.n for t in self._tables]
        by_kind = self.by_kind
        by_kind[d] = counts
        counts_arr = by_kind[d]
        units_kg = self._units_kg(counts_arr)
        # Per-kind products are the same doubles whether numpy or Python multiplies them, and
        # math.fsum rounds their exact sum, whatever its order.
        in_service_kg = math.fsum(units_kg.tolist())
        hw = self.hw
        hw[:, d] = (self._today_added, self._today_imported)
        self._today_added = self._today_imported = 0.0
        lo = max(0, d - 364)
        # np.add.reduce is what ndarray.sum calls (the same pairwise sum, row by row), without
        # its wrapper.
        added, imported = np.add.reduce(hw[:, lo : d + 1], 1).tolist()
        # Launches in the trailing year, counted as the window slides (whole numbers: exact).
        launches = today.launches.launched if today is not None else 0
        self._year_launches += launches
        if lo > 0:
            self._year_launches -= int(self._launches[lo - 1])
        if added > 0:
            closure = 1.0 - imported / added
        elif d:
            closure = self._closure[d - 1]
        else:
            closure = 0.0
        stock_kg = stocks.stock
        stock = float(np.add.reduce(stock_kg))
        jobs = m.jobs
        wip = jobs.wip_kg()
        el_error = stocks.elements.rel_error(stock_kg, jobs.wip_by_kind(), units_kg)
        mass_t = in_service_kg / KG_PER_T
        past = self._mass_t[lo] if lo < d else mass_t
        # Measured over a full year only: a start-up surge over a few weeks is not a doubling time.
        doubling = (
            (d - lo) / DAYS_PER_YEAR * math.log(2) / math.log(mass_t / past)
            if d - lo >= 364 and past > 0 and mass_t > past
            else math.inf
        )
        rail_m = m.rail_length()
        operating = int(m.mass_driver_operating())
        base_kg = self.base_mass_kg
        if today is not None:
            power, labour = today.power, today.labour
            labour_days, assembly_days = labour.available, labour.assemble
            generated = power.generated / KW_PER_MW
            demand = power.total_demand / KW_PER_MW
            served = power.total_served / KW_PER_MW
            unserved = power.unserved / KW_PER_MW
            curtailed = power.curtailed / KW_PER_MW
            losses = power.losses / KW_PER_MW
            energy_error = energy_balance_rel_error(power)
            stored = power.stored_after / KW_PER_MW
        else:  # day 0: nothing dispatched, nobody worked
            labour_days = assembly_days = generated = demand = served = unserved = 0.0
            curtailed = losses = energy_error = stored = 0.0
        # In FLOAT_COLUMNS order (a day's row is one assignment).
        row_f = (
            mass_t,
            # Each product the double numpy's would be; math.fsum rounds their exact sum.
            math.fsum([counts[j] * kw for j, kw in self._power_kw]) / KW_PER_MW,
            generated,
            demand,
            served,
            unserved,
            stored,
            curtailed,
            losses,
            closure,
            1.0 - self.base_imported_kg / base_kg if base_kg > 0 else 0.0,
            ledger.landed_kg / KG_PER_T,
            ledger.launched_kg / KG_PER_T,
            ledger.compute_in_orbit_kw,
            ledger.compute_delivered_kw,
            rail_m,
            labour_days,
            assembly_days,
            ledger.mined_kg / KG_PER_T,
            stock / KG_PER_T,
            wip / KG_PER_T,
            ledger.waste_kg / KG_PER_T,
            float(self._year_launches),
            doubling,
            mass_balance_rel_error(ledger, stock, wip, in_service_kg),
            el_error,
            energy_error,
            ledger.vented_kg / KG_PER_T,
        )
        self.rows_f[d] = row_f
        sat_kind = m.sat_kind
        waiting = (
            int(float(stock_kg[m.index[sat_kind]]) // m.catalog.units[sat_kind].mass_kg)
            if sat_kind
            else 0
        )
        day = today.day if today is not None else 0
        # In INT_COLUMNS order.
        row_i = (
            day,
            sum(counts),  # integers
            ledger.satellites_launched,
            waiting,
            launches,
            operating,
            jobs.n,
            ledger.landers_arrived,
            ledger.landers_lost,
        )
        self.rows_i[d] = row_i
        name = today.bottleneck.name if today is not None else "none"
        code = self._bottleneck_code.get(name)
        if code is None:
            code = self._bottleneck_code[name] = len(self.bottleneck_names)
            self.bottleneck_names.append(name)
        self.bottleneck[d] = code
        row = self.row = row_f + row_i
        self._check_target(row)
        self._check_earth_only(day)
        self.n = d + 1

    def _units_kg(self, counts: np.ndarray) -> np.ndarray:
        """Mass in service by unit kind, in the model's kind-code order."""
        if self.model.generations.on:  # units of a generation have their own masses
            out = np.zeros(len(self.model.kind_names))
            out[self._kind_codes] = [self.model.fleet.mass_total(k) for k in self.kinds]
            return out
        return np.dot(counts, self._mass_at_code)

    def _check_earth_only(self, day: int) -> None:
        """At the stop day, note the Earth-only stocks; after it, the day each runs out."""
        if self.stop_day is None or day < self.stop_day:
            return
        stock = self.stocks.stock
        if day == self.stop_day:
            held = {self.model.nodes[i]: float(stock[i]) for i in self._earth_only}
            self.earth_only_at_stop = {k: v for k, v in held.items() if v > 0}
            self.ran_out_day = dict.fromkeys(self.earth_only_at_stop)
            return
        for name, when in self.ran_out_day.items():
            if when is None and stock[self.model.index[name]] < 1.0:  # under a kilogram left
                self.ran_out_day[name] = day

    def _check_target(self, row: tuple[Any, ...]) -> None:
        """Today's values of the target's metrics, to the tracker (lunarcity/results/target.py).

        Args:
            row: Today's row as written, the float columns then the integer ones (each value
                the one its column holds: the integers are whole, the floats doubles).
        """
        self.target.update(self.model.day, [float(row[j]) for j in self._metric_at])

    @property
    def target_met(self) -> bool:
        """Whether every part has held together (``sustain_days`` running) within the horizon."""
        return self.target.met

    @property
    def target_day(self) -> int | None:
        """The day the target was met, or None."""
        return self.target.met_day

    @property
    def part_day(self) -> dict[str, int | None]:
        """The first day each part held (whether or not it holds now)."""
        return {name: s.first_day for name, s in self.target.parts.items()}

    def value(self, metric: str, d: int | None = None) -> float:
        """A target metric's value on row ``d`` (default: the last row written)."""
        return float(self._column(metric)[self.n - 1 if d is None else d])

    def _bind_columns(self) -> None:
        """Name each daily column: views into the two row arrays, which alone hold the data."""
        self.f = {c: self.rows_f[:, j] for j, c in enumerate(FLOAT_COLUMNS)}
        self.i = {c: self.rows_i[:, j] for j, c in enumerate(INT_COLUMNS)}
        self._columns = self.i | self.f
        self._launches = self.i["launches"]
        self._closure = self.f["closure"]
        self._mass_t = self.f["industrial_mass_t"]

    def __getstate__(self) -> dict[str, Any]:
        """The recorder without its column views, which it names again when restored.

        Pickle would copy each view apart from the rows the day writes, and a model restored
        mid-run would then record into rows no column reads.
        """
        state = self.__dict__.copy()
        for name in _COLUMN_VIEWS:
            del state[name]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore the recorder and name its columns again over the restored rows."""
        self.__dict__.update(state)
        self._bind_columns()

    def _column(self, metric: str) -> np.ndarray:
        """A target metric's daily column."""
        if metric in ("units_total", "satellites_launched", "mass_driver_operating"):
            return self.i[metric]
        if metric in self.f:
            return self.f[metric]
        raise KeyError(f"unknown metric {metric!r}; known: {sorted(TARGET_METRICS)}")

    def last(self, column: str) -> float:
        """The last recorded value of a column."""
        return float(self._columns[column][self.n - 1])

    # -- outputs ---------------------------------------------------------------------------------
    def frame(self) -> pl.DataFrame:
        """One row per day: every column, counts by kind and the day's bottleneck."""
        n = self.n
        data: dict[str, Any] = {"day": self.i["day"][:n]}
        for c in INT_COLUMNS[1:]:
            data[c] = self.i[c][:n]
        for c in FLOAT_COLUMNS:
            data[c] = self.f[c][:n]
        for j, k in enumerate(self.kinds):
            data[f"units_{k}"] = self.by_kind[:n, j]
        names = np.array(self.bottleneck_names, dtype=object)
        data["bottleneck"] = names[self.bottleneck[:n]].tolist()
        data["landers_dispatched"] = self.i["landers_arrived"][:n] + self.i["landers_lost"][:n]
        frame = pl.DataFrame(data)
        return frame.hstack(self._ledger(frame).select(LEDGER_COLUMNS))

    def _ledger(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The Earth ledger of the days in ``frame`` (lunarcity/space/earth_ledger.py)."""
        m = self.model
        return earth_ledger(frame, earth_side(m.params, m.seed_t), m.thesis.route)

    def ledger(self) -> pl.DataFrame:
        """The Earth ledger of every day so far (the thesis columns, without the rest of the table).

        What the app's thesis chart draws, each frame: four columns in, no full daily table.
        """
        n = self.n
        frame = pl.DataFrame(
            {
                "day": self.i["day"][:n],
                "landers_dispatched": self.i["landers_arrived"][:n] + self.i["landers_lost"][:n],
                "compute_delivered_kw": self.f["compute_delivered_kw"][:n],
                "earth_imported_t": self.f["earth_imported_t"][:n],
            }
        )
        return self._ledger(frame)

    def thesis(self) -> dict[str, Any]:
        """The summary's ``thesis`` block: both routes, per kW delivered, and the break-even."""
        m = self.model
        ledger = self.ledger()
        block = thesis_summary(
            ledger,
            destination=m.thesis.destination,
            satellite_w_per_kg=m.thesis.lunar.w_per_kg,
            direct_satellite_w_per_kg=m.thesis.direct.w_per_kg,
        )
        # The margin and the verdict over the run's horizon (lunarcity/space/margin.py).
        side = earth_side(m.params, m.seed_t)
        return (
            block
            | margin_block(m.thesis.marginal, side, m.thesis.destination)
            | {"verdict": horizon_verdict(ledger, block["breakeven_day"])}
        )

    def summary(self) -> dict[str, Any]:
        """The run's summary: target, state at the end, ledgers, the bottleneck of most days."""
        m = self.model
        n = self.n
        last = n - 1
        days_bound = Counter(self.bottleneck_names[b] for b in self.bottleneck[1:n])
        bottleneck = days_bound.most_common(1)[0][0] if days_bound else "none"
        chips = self._chip_cap()
        return (
            {
                "scenario": m.params.name,
                "seed": m.params.run.seed,
                "days_simulated": int(m.day),
                "horizon_years": m.params.target.horizon_years,
                "target_met": bool(self.target_met),
                "target_day": self.target_day,
                "years_to_target": round(self.target_day / DAYS_PER_YEAR, 4)
                if self.target_day is not None
                else None,
                # The first day each part held; ``target`` says whether they held together.
                "target_parts": self.part_day,
                "target": self.target.summary(),
                "units": m.units_by_kind(),
                "units_total": int(self.i["units_total"][last]),
                "industrial_mass_t": float(self.f["industrial_mass_t"][last]),
                "power_mw": float(self.f["power_mw"][last]),
                "closure": float(self.f["closure"][last]),
                "stock_closure": float(self.f["stock_closure"][last]),
                "earth_imported_t": float(self.f["earth_imported_t"][last]),
                "launched_t": float(self.f["launched_t"][last]),
                "satellites_launched": int(self.i["satellites_launched"][last]),
                "compute_in_orbit_kw": float(self.f["compute_in_orbit_kw"][last]),
                "satellite_cap_per_year_from_chips": chips,
                "thesis": self.thesis(),
                "rail_length_m": float(self.f["rail_length_m"][last]),
                "track_needed_m": float(m.track.length_m),
                "bottleneck": bottleneck,
                "bottleneck_days": dict(days_bound.most_common()),
                "landers_arrived": int(m.ledger.landers_arrived),
                "landers_lost": int(m.ledger.landers_lost),
                "mass_balance_rel_error": float(self.f["mass_balance_rel_error"][:n].max()),
                "element_balance_rel_error": float(self.f["element_balance_rel_error"][:n].max()),
                "energy_balance_rel_error": float(self.f["energy_balance_rel_error"][:n].max()),
                "regolith_mined_t": float(self.f["regolith_mined_t"][last]),
                "oxygen_made_t": m.ledger.oxygen_made_kg / KG_PER_T,
                "oxygen_vented_t": float(self.f["oxygen_vented_t"][last]),
                "assets_per_tonne_landed": self._assets_per_tonne(last),
                "assets_per_tonne_landed_at_target": (
                    self._assets_per_tonne(self.target_day) if self.target_day is not None else None
                ),
                # What each kind cannot be made without: the share of its bill only Earth makes.
                "vitamins": vitamin_summary(m.econ, m.nodes, m.costs),
                # What Earth landed, by category, and what of it lies unused (issue 22).
                "landed": landed_summary(m),
                # What recipes pulled for one output made of their others, and its energy.
                "co_products": co_products(m),
                "growth": self._growth(),
            }
            | ({"stopped_by": m.stopped_by} if m.stopped_by is not None else {})
            | ({"self_sufficiency": self._self_sufficiency()} if self.stop_day is not None else {})
            | ({"generations": self._generations()} if m.generations.on else {})
        )

    def _growth(self) -> dict[str, Any]:
        """The run's best doubling against its data's balanced growth bound (lunarcity/world/growth_bound.py).

        ``best_doubling_years`` is the shortest trailing-year doubling time of industrial mass;
        ``efficiency`` is the bound's doubling time over it (1 is the bound).
        """
        m = self.model
        bound = balanced_growth(city_problem(m))
        trailing = self.f["doubling_time_years"][: self.n]
        finite = trailing[np.isfinite(trailing)]
        best = float(finite.min()) if len(finite) else None
        limit = earth_limited_mass_t(m, bound)
        return {
            "bound_doubling_years": bound.as_dict()["doubling_years"],
            "bound_rate_per_year": bound.rate_per_year,
            "bound_mix": bound.mix,
            "bound_binding": bound.binding,
            "best_doubling_years": best,
            "efficiency": bound.doubling_years / best
            if best and math.isfinite(bound.doubling_years)
            else None,
            "earth_kg_per_kg": bound.earth_kg_per_kg,
            "earth_limited_mass_t": limit,
        }

    def _generations(self) -> dict[str, Any]:
        """The generation being built at the end, and the generational units in service by it."""
        m = self.model
        gens = m.generations
        cols = [m.fleet.tables[k]["gen"] for k in m.agent_kinds if k in gens.kinds]
        counts = np.bincount(np.concatenate(cols).astype(np.int64)) if cols else np.zeros(0)
        return {
            "building": gens.building,
            "units_by_generation": {str(g): int(c) for g, c in enumerate(counts) if c},
        }

    def _assets_per_tonne(self, d: int) -> float | None:
        """Industrial mass per tonne landed from Earth (seed included) on row ``d``."""
        landed = float(self.f["earth_imported_t"][d])
        return float(self.f["industrial_mass_t"][d]) / landed if landed > 0 else None

    def _self_sufficiency(self) -> dict[str, Any]:
        """Does the city keep growing once Earth stops (lunarcity/results/self_growth.py)?"""
        stock, index = self.model.stock, self.model.index
        return self_sufficiency(
            self.i["day"][: self.n],
            self.f["industrial_mass_t"][: self.n],
            StopRecord(
                until_years=self.model.params.earth.until_years,
                stop_day=self.stop_day,
                ran_out_day=dict(self.ran_out_day),
                held_at_stop=self.earth_only_at_stop,
                held_at_end={
                    k: float(stock[index[k]]) for k, d in self.ran_out_day.items() if d is None
                },
            ),
        )

    def _chip_cap(self) -> float | None:
        """Satellites a year that chips could equip if every lander carried only chips."""
        m = self.model
        e = m.params.earth
        if not m.sat_kind or "chips" not in m.index:
            return None
        per_sat = (
            float(m.costs[m.sat_kind].imported[m.index["chips"]]) if m.sat_kind in m.costs else 0.0
        )
        if per_sat <= 0 or not e.imports:
            return None
        landers = DAYS_PER_YEAR / e.lander_interval_days * (1.0 - e.lander_failure_prob)
        chips_kg = landers * e.lander_payload_t * KG_PER_T
        return chips_kg / per_sat

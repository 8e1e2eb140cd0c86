"""The scenario's field table: each section of a scenario, its fields, bounds and descriptions.

:class:`lunarcity.world.scenario.Scenario` gathers these sections into one run's parameters and
:mod:`lunarcity.world.scenario` loads and resolves them; the bounds here are what the app's sliders and
the schema (``lunarcity schema``) show.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal

import pydantic
from pydantic import Field, NonNegativeFloat

from lunarcity.constants import DAYS_PER_YEAR, FLOAT_NOISE
from lunarcity.errors import did_you_mean, one_of
from lunarcity.space.satellite import FigureOverrides
from lunarcity.space.trajectory import MAX_LAUNCH_KM_S
from lunarcity.world.catalog import MAX_FAILURES_PER_YEAR
from lunarcity.world.schema_errors import Strict

# -- bounds -----------------------------------------------------------------------------------
# Each physical field has an upper bound (and a lower one where 0 is absurd), with its reason in
# the field's description. The bounds are generous: they refuse values no hardware could reach, or
# that would overflow a run's arithmetic, never a value a study might want. The app builds its
# sliders from them (pydantic's ge/gt/le/lt in the field metadata).

#: The longest run (years); every span in years or days is bounded by it.
MAX_YEARS = 200
#: Keys that describe a scenario without making a city (a file of only these is empty).
DESCRIPTIVE_KEYS = {"name", "description", "source", "assumption"}
#: The longest run in days.
MAX_DAYS = int(MAX_YEARS * DAYS_PER_YEAR)
#: Seeds are stored as int64 in sweep tables and Parquet (sweeps spawn 63-bit seeds).
MAX_SEED = 2**63 - 1
#: Units of one kind in a seed: 10^5 of the lightest unit (1.3 t) is 130 kt, over a thousand
#: landings of ~100 t (SX26); a seed is one or a few landings.
MAX_SEED_UNITS = 100_000
#: kg of one item in a seed: 10^8 kg is 100 kt, a thousand landings of ~100 t (SX26).
MAX_SEED_STOCK_KG = 1e8
#: Units in service past which a run stops (run.max_units' default). Assumption: memory, not
#: physics. The unit tables take ~0.22 kB a unit (benchmarks/run.py: 260 MB at 85,604 units,
#: 379 MB at 622,153), so 10^7 units is ~2.5 GB before any Mesa agent is made: inside a laptop,
#: and 75 times the largest fleet a shipped preset or study reaches in 30 years (~134,000). Only
#: an idealisation gets there (economy.unlimited_materials: metzger2013 passed 10^6 units in its
#: first year and was killed for memory in its third; capped, it stops on day 381 at 10.1
#: million units at a 1.4 GB peak: the estimate above errs high).
DEFAULT_MAX_UNITS = 10_000_000
#: The highest cap a scenario may set: 10^9 units would be ~220 GB of tables.
MAX_UNITS_CAP = 1_000_000_000
#: A relative share in the planner's mix: ratios up to 10^6 to 1 (beyond that a kind is absent).
MAX_MIX_SHARE = 1e6

SeedCount = Annotated[int, Field(ge=0, le=MAX_SEED_UNITS)]
SeedStock = Annotated[float, Field(ge=0, le=MAX_SEED_STOCK_KG)]
MixShare = Annotated[float, Field(ge=0, le=MAX_MIX_SHARE)]
#: A share of a whole (a lander's payload).
Share = Annotated[float, Field(ge=0, le=1)]


class Section(Strict):
    """A scenario section; ``source`` and ``assumption`` say where its numbers come from."""

    source: str | None = Field(
        None,
        description="Where the numbers come from: a key of docs/SOURCES.md and the figures taken",
    )
    assumption: str | None = Field(None, description="Numbers that are our assumption, and why")


#: Metrics a target part can name, with what each means (reported daily by the model).
TARGET_METRICS: dict[str, str] = {
    "industrial_mass_t": "mass of units in service on the surface (t)",
    "power_mw": "installed generating capacity (MW)",
    "closure": "flow closure: local share of hardware mass completed or landed in the last 365 days",
    "stock_closure": "local share of the installed base's mass",
    "launches_per_year": "mass-driver launches in the last 365 days",
    "satellites_launched": "AI satellites launched since day 0",
    "compute_in_orbit_kw": "compute of launched AI satellites (kW)",
    "units_total": "units in service",
    "rail_length_m": "length of the mass driver's straight, complete track (m)",
    "mass_driver_operating": "1 when the track is long enough for the launch speed, else 0",
    "doubling_time_years": "doubling time of industrial mass over the last 365 days (years; inf "
    "before day 364 and on every day the mass did not grow over the year before)",
}


class SiteConfig(Section):
    """Where the city grows."""

    name: str = Field(
        "polar_ridge", description="A site in data/sites.yaml: polar_ridge or equator"
    )
    regolith: str | None = Field(
        None, description="Regolith kind from data/sites.yaml (default: the site's own)"
    )


class SeedConfig(Section):
    """What the first landing puts on the surface on day 0."""

    # Counts up to 10^5 and stocks up to 10^8 kg: a seed is one or a few landings (SX26).
    units: dict[str, SeedCount] = Field(default_factory=dict, description="Unit kind -> count")
    stocks_kg: dict[str, SeedStock] = Field(default_factory=dict, description="Item -> kg")


class ManifestPolicy(StrEnum):
    """What a lander's payload is filled with (lunarcity/stages/landers.py).

    NEED: the Earth-only inputs the plan consumes until the next lander plus a safety stock,
    then the parts that bind the plan; the rest of the payload stays empty. NEED_THEN_BULK: the
    same, then the rest filled with the parts the plan uses, in proportion. FIXED_SHARES: the
    fixed shares of ``earth.carries`` first, then what the city lacks scaled to the room left
    (the model before issue 22).
    """

    NEED = "need"
    NEED_THEN_BULK = "need_then_bulk"
    FIXED_SHARES = "fixed_shares"


class Cadence(StrEnum):
    """When a lander flies (lunarcity/stages/landers.py).

    FIXED: at every launch window (``lander_interval_days`` apart, SX26's ~10 days), whatever
    it carries. ON_DEMAND: at a window only when its manifest fills ``fill_threshold`` of the
    payload or an Earth-only input would otherwise run short.
    """

    FIXED = "fixed"
    ON_DEMAND = "on_demand"


class EarthConfig(Section):
    """Supply from Earth: landers on a schedule, some of which fail."""

    imports: bool = Field(True, description="Whether Earth sends anything after the seed")
    # 0.01-1000 t: below 10 kg a lander carries no unit and no useful stock; 1000 t is ten
    # Starship payloads of ~100 t (SX26).
    lander_payload_t: float = Field(
        100.0, ge=0.01, le=1000.0, description="Payload landed per lander (t)"
    )
    # At least a day: the model steps in days, so landers cannot come more often than one a day.
    # At most the longest run: a longer interval means one lander, the first.
    lander_interval_days: float = Field(
        10.0, ge=1.0, le=MAX_DAYS, description="Days between landers"
    )
    # At most the longest run (a later first lander never comes).
    first_lander_day: int = Field(
        10, ge=0, le=MAX_DAYS, description="Day of the first lander after the seed"
    )
    lander_failure_prob: float = Field(0.05, ge=0, le=1, description="Chance a lander is lost")
    # At most the longest run (later is never).
    until_years: float | None = Field(
        None, ge=0, le=MAX_YEARS, description="Landers stop after this many years"
    )
    manifest: ManifestPolicy = Field(
        ManifestPolicy.NEED,
        description="What fills a lander: need (Earth-only inputs, then parts that bind the "
        "plan), need_then_bulk (then parts the plan uses), fixed_shares (earth.carries first)",
    )
    cadence: Cadence = Field(
        Cadence.FIXED,
        description="When a lander flies: fixed (every window) or on_demand (when its manifest "
        "is full enough or the city would run short)",
    )
    fill_threshold: float = Field(
        0.8,
        ge=0,
        le=1,
        description="With cadence on_demand, the share of the payload a manifest must fill for "
        "the lander to fly when nothing would run short (assumption: a lander flies nearly full)",
    )
    # Each share in [0, 1] (the Share type); their sum at most 1 (checked below).
    carries: dict[str, Share] = Field(
        default_factory=dict,
        description="Fixed share of each payload by item or unit kind, with manifest "
        "fixed_shares; the rest fills what the city lacks",
    )
    # At most the longest run.
    stockpile_years: float = Field(
        0.0,
        ge=0,
        le=MAX_YEARS,
        description="Before a known stop (until_years), landers bring the Earth-only inputs "
        "the city will use for this many years past it (0: only until the next lander)",
    )
    vitamins_only: bool = Field(
        False,
        description="Landers bring only what only Earth makes (chips, salt, anodes, Earth-only "
        "units), never parts the city could make itself",
    )
    free_vitamins: bool = Field(
        False,
        description="Every Earth-only input (chips, salt, anodes) appears in stock each morning "
        "as the day's plan needs it, landed at once and at no cost, with or without landers: "
        "the footing of the growth bound (lunarcity/world/growth_bound.py); with earth.imports=false the "
        "city gets nothing else from Earth",
    )
    force_imports: list[str] = Field(
        default_factory=list, description="Items imported even when a local fab could make them"
    )
    # None: from physics (lunarcity.space.earth_ledger.tankers_needed); a count overrides it.
    tankers_per_landing: float | None = Field(
        None,
        ge=0,
        le=30,
        description="Tanker launches that refuel each lander in Earth orbit; unset: the "
        "lander's propellant for its trip over a tanker's payload to LEO (Musk 2021: 4-8; "
        "GAO21: a depot and 14 tankers, 15 with the depot; NASA23: 'high teens' of launches)",
    )
    # 50-300 t: Starship's dry mass is not published; Musk's stated goal is ~100 t and flown
    # vehicles are reported heavier.
    lander_dry_t: float = Field(
        120.0,
        ge=50,
        le=300,
        description="The lander's dry mass (t): assumption, Starship's is not published (a "
        "~100 t goal; flown vehicles heavier)",
    )
    # 300-480 s: methalox vacuum engines; 480 s is beyond hydrogen-oxygen's best.
    lander_isp_s: float = Field(
        380.0,
        ge=300,
        le=480,
        description="The lander's vacuum specific impulse (s; SPX: Raptor ~380)",
    )
    # 0-20 km/s: 20 is far beyond any cislunar trip.
    lander_trip_km_s: float = Field(
        6.18,
        ge=0,
        le=20,
        description="Delta-v of a lander's one-way trip from LEO to the surface (km/s; AA20 tab. "
        "4 with 5 % reserve: LEO to TLI 3.28 + TLI to surface 2.90)",
    )
    payload_to_leo_t: float = Field(
        100.0,
        gt=0,
        le=1000,
        description="What one Earth launch puts in low Earth orbit (t): a tanker's propellant, "
        "a lander's flight, a direct flight's satellites (Starship, reusable: 100-150 t)",
    )

    @pydantic.field_validator("carries")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if math.fsum(value.values()) > 1 + FLOAT_NOISE:
            raise ValueError(f"shares sum to {math.fsum(value.values()):g}, more than 1")
        return value

    @pydantic.model_validator(mode="after")
    def _shares_need_their_policy(self) -> EarthConfig:
        if self.carries and self.manifest != ManifestPolicy.FIXED_SHARES:
            raise ValueError(
                f"carries (fixed shares) apply only with manifest: fixed_shares, not "
                f"{self.manifest.value}; drop carries or set manifest: fixed_shares"
            )
        return self


class UnitOverride(Section):
    """Operating figures of a unit kind that a scenario may change (masses stay with the data)."""

    # Upper bounds are per unit. The data's heaviest unit is 50 t; each bound is at least a
    # hundred times the data's value and beyond what any machine of that mass reaches.

    # 100 MW: 2 kW/kg for a 50 t unit, over a hundred times the 1980 seed's 1.7 MW per 100 t
    # (AASM80 tab 5.1).
    power_kw: float | None = Field(None, ge=0, le=1e5, description="Power drawn (kW)")
    duty_fraction: float | None = Field(None, gt=0, le=1)
    # 1000 t/day: the daily load of the largest mining trucks on Earth, ~400x the 2.2 t robot's
    # own mass (AASM80 tab 5.1).
    mining_kg_per_day: float | None = Field(
        None, ge=0, le=1e6, description="Regolith mined per robot-day (kg)"
    )
    # 1e5 t km: a 400 t truck driving 250 km a day loaded.
    haul_tkm_per_day: float | None = Field(
        None, ge=0, le=1e5, description="Haulage per robot-day (t km)"
    )
    # More than 0: a plant of 0 kW is no plant, and the planner sizes power by dividing by it
    # (switch a kind off with enabled: false). At most 100 MW: 2 kW/kg for a 50 t unit, about
    # ten times the specific power of the best space solar arrays.
    generation_kw: float | None = Field(
        None, gt=0, le=1e5, description="Generating capacity per unit (kW)"
    )
    # 10 GWh: 200 kWh/kg for a 50 t unit, above the specific energy of any fuel (gasoline
    # ~13 kWh/kg).
    storage_kwh: float | None = Field(None, ge=0, le=1e7, description="Energy stored (kWh)")
    round_trip_efficiency: float | None = Field(None, gt=0, le=1)
    # 100 MW: 50 kW/kg for the data's 2 t satellite, 500 times SX26's ~100 W/kg system level.
    compute_kw: float | None = Field(None, ge=0, le=1e5, description="Compute per satellite (kW)")
    # 1000 years: five times the longest run (a unit that never wears out).
    lifetime_years: float | None = Field(None, gt=0, le=1000, description="Service life (years)")
    failures_per_year: float | None = Field(
        None, ge=0, le=MAX_FAILURES_PER_YEAR, description="Random failures per unit-year"
    )
    # At most the longest run.
    repair_robot_days: float | None = Field(
        None, ge=0, le=MAX_DAYS, description="Robot-days to repair one failure"
    )
    recycle_fraction: float | None = Field(None, ge=0, le=1)
    # 1e6 s/kg (11.6 days per kg): ~3000x the data's 300 s/kg (AASM80 app. 5G: 28-31 s per part).
    assembly_s_per_kg: float | None = Field(
        None, gt=0, le=1e6, description="Robot assembly time per kg of unit (s/kg)"
    )
    # 1000: beyond it a fab would make many times its own mass every day.
    throughput_factor: float | None = Field(
        None,
        gt=0,
        le=1000,
        description="Fab kinds: multiplies the recipe rate (1 = the data's fab throughput)",
    )
    enabled: bool | None = None


class MassDriverConfig(Section):
    """The electromagnetic launcher: track length follows L = v^2 / 2a."""

    # 0.1-20 km/s: lunar escape is 2.376 km/s (DERIVED) and 20 km/s leaves the solar system
    # from the Moon's distance; below 0.1 km/s the track is under one rail segment (5 m at 100 g).
    # None: the speed the satellites' destination needs (data/destinations.yaml).
    launch_speed_km_s: float | None = Field(
        None, ge=0.1, le=MAX_LAUNCH_KM_S, description="Speed at the muzzle (km/s)"
    )
    # 1 g to 1e5 g: at 1 g escape speed needs 288 km of track (L = v^2 / 2a, DERIVED); 1e5 g is
    # several times what gun-hardened electronics survive (~2e4 g).
    max_accel_g: float = Field(
        100.0, ge=1.0, le=1e5, description="Acceleration the payload tolerates (g)"
    )
    # 1 % at least: the first coilguns and railguns reached a few per cent; below it a shot
    # draws over a hundred times its kinetic energy (and at 1e-300 an infinite store).
    efficiency: float = Field(0.9, ge=0.01, le=1, description="Electrical to kinetic energy")
    # 100 t: fifty times the data's 2 t satellite. None: sized by the rocket equation for the
    # destination; a smaller one delivers no compute there.
    kick_stage_kg: float | None = Field(
        None, ge=0, le=1e5, description="Kick stage launched with each satellite (kg)"
    )
    # Ten shots a second: O'Neill's mass-driver bucket rate (Kolm 1980, KOL80).
    max_launches_per_day: float = Field(
        500.0, gt=0, le=864_000, description="Shots per day the launcher's cycle allows"
    )


class SatelliteConfig(Section):
    """Where the AI satellites go, how they get there, and their design's figures.

    The satellite's mass and W/kg come from its components (data/satellites.yaml) at the
    destination (data/destinations.yaml); the fields here change the figures a study varies.
    """

    destination: str = Field(
        "heliocentric",
        description="Where satellites go (data/destinations.yaml): lunar_orbit, earth_moon_l1, "
        "earth_moon_l2, geo, heliocentric or leo",
    )
    kick_propellant: str = Field(
        "lox_ch4",
        description="The kick stage's propellant (data/destinations.yaml): lox_ch4 or lox_lh2 "
        "burn lunar oxygen; storable and solid are all Earth-made",
    )
    compute_kw: float | None = Field(
        None,
        gt=0,
        le=1e5,
        description="Accelerator power per satellite (kW; default from the data); at most 100 MW",
    )
    lunar: FigureOverrides = Field(
        default_factory=FigureOverrides, description="Changes to the lunar-built figures"
    )
    earth: FigureOverrides = Field(
        default_factory=FigureOverrides,
        description="Changes to the Earth-built (direct route) figures",
    )


class EconomyConfig(Section):
    """What can be made locally, and idealisations for tests and teaching."""

    enable_fabs: list[str] | None = Field(
        None, description="Fab kinds allowed (default: those the data enables)"
    )
    unlimited_power: bool = Field(False, description="Power never binds (idealisation)")
    unlimited_materials: bool = Field(
        False, description="Parts never bind: fabs and mining are not limited (idealisation)"
    )
    failures: bool = Field(True, description="Random failures and ageing")
    route: str | None = Field(
        None,
        description="A technology route of data/recipes.yaml (recipes' 'route:', e.g. salt_free: "
        "iron structure and wire, no salt cell) made in place of the recipes it replaces",
    )
    make_up: dict[str, NonNegativeFloat] = Field(
        default_factory=dict,
        description="Input item -> kg per batch of the recipe that consumes it, inside the "
        "range data/recipes.yaml gives (e.g. calcium_chloride: 4.5 to 30 kg per t of slag)",
    )


class PlannerConfig(Section):
    """How the city decides what to build."""

    policy: Literal["fixed_mix", "bottleneck_first", "grow_then_produce"] = Field(
        "grow_then_produce",
        description="How the city chooses what to build: fixed_mix, bottleneck_first or "
        "grow_then_produce",
    )
    # Shares are relative: each at most 1e6 (a ratio of a million to one).
    mix: dict[str, MixShare] = Field(
        default_factory=dict,
        description="Unit kind -> share of build mass (fixed_mix, and the base mix)",
    )
    replicate: bool = Field(True, description="Whether robots build robots and fabs build fabs")
    crew: Literal["pooled", "own_copy"] = Field(
        "pooled",
        description="pooled: all labour is one pool and a finished unit joins it at once; "
        "own_copy: each builder builds its own copy, which works only once complete",
    )
    # At most 1000 years: anything past the longest run means never.
    produce_after_years: float = Field(
        3.0,
        ge=0,
        le=1000,
        description="grow_then_produce: when satellites and the mass driver take priority",
    )
    produce_share: float = Field(
        0.5, ge=0, le=1, description="Share of build mass for output once producing"
    )
    # A decision, not physics: how the day's energy is split between launching satellites
    # already built and fab work that makes more (lunarcity/stages/power.py, docs/MODEL.md "Power").
    launch_power_share: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of the day's energy (after the robots) the mass driver may take "
        "ahead of the fabs; the rest of its demand waits for what the fabs leave (1: satellites "
        "built fly first; 0: the launcher gets only what the fabs leave)",
    )
    # At most the longest run (1e308 overflowed the lander manifest to inf).
    stock_days: float = Field(
        30.0, gt=0, le=MAX_DAYS, description="Days of parts the fabs keep ahead of the builders"
    )
    # At most 1000 years: anything past the longest lifetime means always.
    renew_margin_years: float = Field(
        2.0,
        ge=0,
        le=1000,
        description="How long before a unit's end of life its replacement starts, beyond one "
        "robot's time to assemble it (lunarcity/stages/renewal.py)",
    )


class LearningConfig(Section):
    """Learning by doing: Wright's law on robot assembly labour (lunarcity/stages/learning.py)."""

    # 0.5-1: 1 is no learning; 0.5 halves labour with every doubling of the count built,
    # beyond any published progress ratio (WRI36: 0.8 for airframe labour; industrial ratios
    # cluster around 0.7-0.9). Above 1 labour would grow with practice (forgetting), which the
    # model does not represent.
    progress_ratio: float = Field(
        1.0,
        ge=0.5,
        le=1.0,
        description="Wright's law on assembly labour: the labour of a unit at twice the count "
        "of its kind built, over today's (1 = no learning; 0.8 = airframes, WRI36)",
    )


class GenerationsConfig(Section):
    """Hardware generations (M13; data/units.yaml ``generations``, lunarcity/stages/generations.py)."""

    enabled: bool = Field(
        False,
        description="Units built in early generations are heavier and take part of their "
        "electronics Earth-made (M13: 1.5x, then 90-100 % local electronics at generations 3-6)",
    )


class TargetPart(Section):
    """One part of the target: a metric at least (or at most) a value."""

    metric: str
    at_least: float | None = None
    at_most: float | None = None
    why: str = ""

    @pydantic.model_validator(mode="after")
    def _one_bound(self) -> TargetPart:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least or at_most")
        if self.metric not in TARGET_METRICS:
            raise ValueError(
                f"unknown metric '{self.metric}'{did_you_mean(self.metric, TARGET_METRICS)}; "
                f"valid: {one_of(TARGET_METRICS)}"
            )
        return self


class TargetConfig(Section):
    """What 'a self-growing city' means for this scenario, and by when."""

    # At most the longest run.
    horizon_years: float = Field(
        10.0, gt=0, le=MAX_YEARS, description="Years by which the target should be met"
    )
    parts: dict[str, TargetPart] = Field(default_factory=dict)
    # At most the longest run: a run of days the city could never finish is refused.
    sustain_days: int = Field(
        1,
        ge=1,
        le=int(MAX_YEARS * 366),
        description="Days running on which every part must hold together for the city to be "
        "complete, on the last of them (1: the first day on which all hold)",
    )


class RunConfig(Section):
    """How long to run and with which seed."""

    # At most 200 years: long past any target (the brief's is ten), and a bound on run time.
    years: float = Field(10.0, gt=0, le=MAX_YEARS, description="Years to simulate")
    # 0 to 2^63-1: numpy refuses negative seeds; sweep tables store seeds as int64.
    seed: int = Field(1, ge=0, le=MAX_SEED, description="Random seed (one seed, one result)")
    max_units: int = Field(
        DEFAULT_MAX_UNITS,
        ge=1,
        le=MAX_UNITS_CAP,
        description="Stop the run at the end of the first day with more units in service than "
        "this (a bound on memory for runs that grow without limit, such as unlimited materials)",
    )

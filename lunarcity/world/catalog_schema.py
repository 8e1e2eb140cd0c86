"""The schema of the reference data in data/: one pydantic model per file and per entry.

Each model checks its own fields (types, bounds, one-of-these); what spans entries or files
(names that must exist, recipes that must balance) is checked by :class:`lunarcity.world.catalog.Catalog`
when it loads them.
"""

from __future__ import annotations

import math
from typing import Literal

import pydantic
from pydantic import Field, NonNegativeFloat, PositiveFloat

from lunarcity.constants import FLOAT_NOISE
from lunarcity.world import chemistry
from lunarcity.world.schema_errors import Strict

Role = Literal["robot", "fab", "power", "storage", "rail", "pulse", "satellite"]
MASS_TOLERANCE = FLOAT_NOISE  # relative: recipes and boms must balance to rounding


class Item(Strict):
    """A raw material, refined material or part."""

    kind: Literal["raw", "material", "part"]
    importable: bool = True
    waste: bool = False
    recycled: bool = False
    elements: dict[str, PositiveFloat] | None = None
    description: str = ""
    source: str | None = None
    assumption: str | None = None

    @pydantic.field_validator("elements")
    @classmethod
    def _fractions(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is not None and abs(math.fsum(value.values()) - 1.0) > 1e-6:
            raise ValueError(
                f"element fractions must sum to 1, they sum to {math.fsum(value.values()):g}"
            )
        return value


class Extract(Strict):
    """The share of one element of a recipe's feed that it takes out, and the item it goes to."""

    item: str
    fraction: float = Field(gt=0, le=1)


class InputRange(Strict):
    """The published range of one input a recipe consumes per batch (its make-up).

    ``spent``: the output the consumed input leaves as (what is worn or lost), which follows the
    input kg for kg, so a scenario's figure inside the range keeps the recipe's mass balance.
    """

    low: NonNegativeFloat
    high: NonNegativeFloat
    spent: str


class Recipe(Strict):
    """A process run by a fab kind.

    Its outputs are fixed (``outputs``: every output then has the composition of the input mix,
    less any output of fixed composition), or follow the feed's elements (``extract``: the named
    elements leave the feed, as metal if they were oxides, their oxygen going to ``oxygen_to``;
    what is left of every input is the ``remainder``, composed element by element).
    ``follows_scrap``: the outputs listed are typical; in a run the recipe returns what was
    scrapped.
    """

    fab: str
    description: str = ""
    inputs: dict[str, PositiveFloat]
    outputs: dict[str, PositiveFloat] = {}
    extract: dict[str, Extract] = {}
    feed: str | None = None
    oxygen_to: str | None = None
    remainder: str | None = None
    follows_scrap: bool = False
    energy_kwh: NonNegativeFloat = 0.0
    energy_kwh_per_kg: dict[str, NonNegativeFloat] = {}
    time_h: PositiveFloat
    # A technology route (lunarcity/world/routes.py): a recipe with a ``route`` runs only when a
    # scenario chooses that route (``economy.route``), in place of the recipe it ``replaces``;
    # ``mass_factor`` kg of its product do the work of one kg of the replaced recipe's.
    route: str | None = None
    replaces: str | None = None
    mass_factor: PositiveFloat = 1.0
    ranges: dict[str, InputRange] = {}
    source: str | None = None
    assumption: str | None = None


#: Random failures per unit-year at most: the model steps in days, so one failure a day (a
#: unit's chance of failing on a day must stay a probability). data/units.yaml and ``--set`` alike.
MAX_FAILURES_PER_YEAR = 365.0


class UnitSpec(Strict):
    """A kind of machine: what it weighs, what it is made of, what it does."""

    role: Role
    description: str = ""
    # 10,000 t at most: the heaviest land machines (bucket-wheel excavators) are ~14,000 t on
    # Earth, and a lander brings at most a few hundred tonnes; daily tables count kg as integers.
    mass_kg: float = Field(gt=0, le=1e7)
    bom: dict[str, PositiveFloat] = {}
    enabled: bool = True
    assembly_s_per_kg: PositiveFloat | None = None
    power_kw: NonNegativeFloat = 0.0
    duty_fraction: float = Field(default=1.0, gt=0, le=1)
    mining_kg_per_day: NonNegativeFloat = 0.0
    haul_tkm_per_day: NonNegativeFloat = 0.0
    generation: Literal["solar", "constant"] | None = None
    generation_kw: NonNegativeFloat = 0.0
    storage_kwh: NonNegativeFloat = 0.0
    round_trip_efficiency: float = Field(default=1.0, gt=0, le=1)
    segment_length_m: NonNegativeFloat = 0.0
    compute_kw: NonNegativeFloat = 0.0
    oxygen_storage_kg: NonNegativeFloat = 0.0
    footprint_m2: NonNegativeFloat = 0.0
    throughput_factor: PositiveFloat = 1.0
    #: A smaller fab that runs another fab kind's recipes: its fab-hours count for that kind in
    #: proportion to its mass (a 1 t plant does a tenth of what a 10 t plant of the kind does).
    fab_for: str | None = None
    generations: bool = False
    lifetime_years: PositiveFloat = 20.0
    failures_per_year: float = Field(default=0.0, ge=0, le=MAX_FAILURES_PER_YEAR)
    repair_robot_days: NonNegativeFloat = 0.0
    recycle_fraction: float = Field(default=0.0, ge=0, le=1)
    source: str | None = None
    assumption: str | None = None

    @property
    def local(self) -> bool:
        """Whether robots can assemble it (it has a bill of materials)."""
        return bool(self.bom)

    @pydantic.model_validator(mode="after")
    def _ground(self) -> UnitSpec:
        # Solar plants are placed by their panels' area (plants per cell = cell area / footprint).
        if self.generation == "solar" and self.footprint_m2 <= 0:
            raise ValueError("a solar plant needs ground: footprint_m2 (its panels' area) above 0")
        return self


class Regolith(Strict):
    """Regolith of one kind: oxide weight percentages, or element mass fractions summing to one.

    ``composition`` (element fractions) is derived from ``oxides`` when those are given.
    """

    oxides: dict[str, NonNegativeFloat] | None = None
    composition: dict[str, float] = {}
    source: str | None = None
    assumption: str | None = None

    @pydantic.model_validator(mode="after")
    def _elements(self) -> Regolith:
        if self.oxides is not None:
            try:
                derived = chemistry.oxides_to_elements(self.oxides)
            except ValueError as exc:
                raise ValueError(str(exc)) from None
            if self.composition and self.composition != derived:
                raise ValueError("give oxides or composition, not both")
            if not self.composition:
                self.composition = derived
        value = self.composition
        if not value:
            raise ValueError("a regolith needs oxides (wt %) or composition (element fractions)")
        if any(v < 0 or v > 1 for v in value.values()):
            raise ValueError("each mass fraction must be between 0 and 1")
        if abs(math.fsum(value.values()) - 1.0) > 1e-6:
            raise ValueError(
                f"mass fractions must sum to 1, they sum to {math.fsum(value.values()):.6f}"
            )
        return self


class Sunlight(Strict):
    """How a site's sunlight varies: a polar ridge or the equatorial day and night."""

    profile: Literal["polar", "equatorial"]
    # 1 to 100 days: the Moon's month is 29.53 days; a cycle longer than a hundred days is no
    # lunar day, and beyond it the sunlight's phase loses precision (NaN at 1e300).
    synodic_days: float = Field(default=29.53, ge=1, le=100)
    day_fraction: float = Field(default=0.5, gt=0, le=1)
    crest_lit_mean: float = Field(default=0.85, ge=0, le=1)
    crest_lit_seasonal_amplitude: float = Field(default=0.15, ge=0, le=1)
    flank_lit_min: float = Field(default=0.35, ge=0, le=1)
    season_days: PositiveFloat = 346.62
    dark_spells_per_month: int = Field(default=1, ge=1, le=10)
    source: str | None = None
    assumption: str | None = None


class Grid(Strict):
    """The site grid: width x height cells of cell_m metres."""

    width: int = Field(ge=20, le=2000)
    height: int = Field(ge=20, le=2000)
    # 1 m to 1 km: 2000 cells of 1 km span 2000 km, more than the Moon's radius (1737 km).
    cell_m: float = Field(ge=1, le=1000)
    crest_area_km2: NonNegativeFloat = 0.0
    source: str | None = None
    assumption: str | None = None


class Site(Strict):
    """A place on the Moon: its regolith, sunlight and grid."""

    description: str = ""
    regolith: str
    sunlight: Sunlight
    grid: Grid


class Generation(Strict):
    """One hardware generation (M13): its units' mass factor and Earth-made share of a part."""

    generation: int = Field(ge=1, le=100)
    mass_factor: float = Field(gt=0, le=10)
    earth_share: float = Field(ge=0, le=1)


class Generations(Strict):
    """Hardware generations (data/units.yaml's ``generations``), off by default.

    A scenario turns them on (``generations.enabled``); :mod:`lunarcity.stages.generations` applies them.
    """

    part: str
    table: list[Generation]
    source: str | None = None
    assumption: str | None = None


class UnitDefaults(Strict):
    """Figures shared by every unit kind (data/units.yaml's ``defaults``), with their source."""

    assembly_s_per_kg: PositiveFloat
    source: str | None = None
    assumption: str | None = None


class _MaterialsFile(Strict):
    items: dict[str, Item]


class _RecipesFile(Strict):
    recipes: dict[str, Recipe]


class _UnitsFile(Strict):
    defaults: UnitDefaults
    generations: Generations | None = None
    units: dict[str, UnitSpec]


class _SitesFile(Strict):
    regolith: dict[str, Regolith]
    sites: dict[str, Site]


FILES = {
    "materials.yaml": _MaterialsFile,
    "recipes.yaml": _RecipesFile,
    "units.yaml": _UnitsFile,
    "sites.yaml": _SitesFile,
}

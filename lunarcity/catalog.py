"""The reference data in data/: items, recipes, unit kinds and sites, as validated objects.

A :class:`Catalog` is what the YAML files say, checked field by field (pydantic) and across files
(every name a recipe or unit refers to exists; every recipe balances its mass). The economy graph
(:mod:`lunarcity.economy`) is built from a catalog and a site.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Literal

import pydantic
from pydantic import Field, NonNegativeFloat, PositiveFloat

from lunarcity import chemistry
from lunarcity.datafile import load_data_file
from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.resources import data_dir
from lunarcity.validation import Strict
from lunarcity.yamlio import LineMap, line_of

Role = Literal["robot", "fab", "power", "storage", "rail", "pulse", "satellite"]
MASS_TOLERANCE = 1e-9  # relative: recipes and boms must balance to rounding


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
    # A technology route (lunarcity/routes.py): a recipe with a ``route`` runs only when a
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

    A scenario turns them on (``generations.enabled``); :mod:`lunarcity.generations` applies them.
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


class Catalog:
    """Everything in data/, validated.

    Attributes:
        items: Items (raw, materials, parts) by name.
        recipes: Process recipes by name (outputs may follow a site's regolith).
        units: Unit kinds by name.
        regolith: Regolith compositions by name.
        sites: Sites by name.
        assembly_s_per_kg: Default robot assembly time per kg of unit.
        folder: Where the files were read from.
    """

    def __init__(self, folder: Path, parsed: dict[str, tuple[pydantic.BaseModel, LineMap]]):
        self.folder = folder
        self._lines = {name: lines for name, (_, lines) in parsed.items()}
        self.items: dict[str, Item] = parsed["materials.yaml"][0].items
        self.recipes: dict[str, Recipe] = parsed["recipes.yaml"][0].recipes
        units_file = parsed["units.yaml"][0]
        self.units: dict[str, UnitSpec] = units_file.units
        self.assembly_s_per_kg: float = units_file.defaults.assembly_s_per_kg
        self.generations: Generations | None = units_file.generations
        sites_file = parsed["sites.yaml"][0]
        self.regolith: dict[str, Regolith] = sites_file.regolith
        self.sites: dict[str, Site] = sites_file.sites
        self._chemistry: dict[str, Chemistry] = {}
        self._check_references()

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: str | Path | None = None) -> Catalog:
        """Read and validate the data folder (the package's own when ``folder`` is None).

        Raises:
            InputError: a file is missing, malformed or inconsistent.
        """
        folder = Path(folder) if folder is not None else data_dir()
        if not folder.is_dir():
            raise InputError("not a folder of data files", file=str(folder), valid=one_of(FILES))
        parsed = {}
        for name, schema in FILES.items():
            parsed[name] = load_data_file(name, schema, folder)
        return cls(folder, parsed)

    def error(
        self, file: str, path: tuple[str, ...], message: str, valid: str | None = None
    ) -> InputError:
        """An :class:`InputError` at ``path`` in one of the data files, with its line.

        Args:
            file: The data file's name, e.g. ``recipes.yaml``.
            path: The keys down to the field at fault, e.g. ``("recipes", "wire", "inputs")``.
            message: What is wrong.
            valid: What would be valid instead.
        """
        return InputError(
            message,
            file=str(self.folder / file),
            line=line_of(self._lines.get(file, {}), path),
            field=".".join(path),
            valid=valid,
        )

    _error = error

    def _check_references(self) -> None:
        names = set(self.items) | set(self.units)
        clash = sorted(set(self.items) & set(self.units))
        if clash:
            raise self._error(
                "units.yaml", ("units", clash[0]), "a unit kind has the name of an item"
            )
        fab_kinds = self.fab_kinds
        full_fabs = [k for k in fab_kinds if self.units[k].fab_for is None]
        for name, unit in self.units.items():
            if unit.fab_for is not None and (unit.role != "fab" or unit.fab_for not in full_fabs):
                raise self._error(
                    "units.yaml",
                    ("units", name, "fab_for"),
                    f"'{unit.fab_for}' is not a fab kind this {unit.role} can work for"
                    f"{did_you_mean(unit.fab_for, full_fabs)}",
                    f"a full-size fab kind: {one_of(full_fabs)}",
                )
        for rname, recipe in self.recipes.items():
            base = ("recipes", rname)
            if recipe.fab not in fab_kinds:
                raise self._error(
                    "recipes.yaml",
                    (*base, "fab"),
                    f"unknown fab kind '{recipe.fab}'{did_you_mean(recipe.fab, fab_kinds)}",
                    one_of(fab_kinds),
                )
            for section in ("inputs", "outputs"):
                for item in getattr(recipe, section):
                    if item not in self.items:
                        raise self._error(
                            "recipes.yaml",
                            (*base, section, item),
                            f"unknown item '{item}'{did_you_mean(item, names)}",
                            one_of(self.items),
                        )
            for element, rec in recipe.extract.items():
                if rec.item not in self.items:
                    raise self._error(
                        "recipes.yaml",
                        (*base, "extract", element, "item"),
                        f"unknown item '{rec.item}'{did_you_mean(rec.item, self.items)}",
                        one_of(self.items),
                    )
            for key in ("remainder", "oxygen_to", "feed"):
                name = getattr(recipe, key)
                known = recipe.inputs if key == "feed" else self.items
                if name is not None and name not in known:
                    raise self._error(
                        "recipes.yaml",
                        (*base, key),
                        f"unknown item '{name}'{did_you_mean(name, known)}",
                        one_of(known),
                    )
            if recipe.extract and not recipe.remainder:
                raise self._error(
                    "recipes.yaml",
                    (*base, "remainder"),
                    "a recipe that extracts elements needs a remainder item",
                )
            if not recipe.outputs and not recipe.extract:
                raise self._error("recipes.yaml", (*base, "outputs"), "a recipe needs outputs")
            for item in recipe.energy_kwh_per_kg:
                produced = {r.item for r in recipe.extract.values()} | {recipe.oxygen_to}
                if item not in set(recipe.outputs) | produced:
                    raise self._error(
                        "recipes.yaml",
                        (*base, "energy_kwh_per_kg", item),
                        f"'{item}' is not an output of this recipe",
                    )
            if not recipe.extract:
                self._check_balance(rname, recipe.inputs, recipe.outputs)
        for uname, unit in self.units.items():
            base = ("units", uname)
            for item in unit.bom:
                if item not in self.items:
                    raise self._error(
                        "units.yaml",
                        (*base, "bom", item),
                        f"unknown item '{item}'{did_you_mean(item, names)}",
                        one_of(self.items),
                    )
            if unit.bom:
                total = math.fsum(unit.bom.values())
                if abs(total - unit.mass_kg) > MASS_TOLERANCE * unit.mass_kg:
                    raise self._error(
                        "units.yaml",
                        (*base, "bom"),
                        f"bill of materials sums to {total:g} kg but mass_kg is {unit.mass_kg:g}",
                        "parts whose masses add up to mass_kg",
                    )
            if unit.role in ("power",) and not unit.generation:
                raise self._error(
                    "units.yaml",
                    (*base, "generation"),
                    "a power unit needs a generation kind",
                    "solar, constant",
                )
        self._check_generations()
        for sname, site in self.sites.items():
            if site.regolith not in self.regolith:
                raise self._error(
                    "sites.yaml",
                    ("sites", sname, "regolith"),
                    f"unknown regolith '{site.regolith}'{did_you_mean(site.regolith, self.regolith)}",
                    one_of(self.regolith),
                )
        # Every recipe at every soil: compositions derived, no element made, mass balanced.
        for regolith in self.regolith:
            chem = self.chemistry(regolith)
            for rname, recipe in self.recipes.items():
                if recipe.route is None:
                    self._check_balance(rname, recipe.inputs, chem.outputs[rname])
        # Each technology route and input range, and each route's catalog checked as above.
        from lunarcity.routes import check_routes  # routes.py builds on this module

        check_routes(self)

    def _check_generations(self) -> None:
        """Generations numbered 1, 2, 3, ... with a part that the generational units hold."""
        gens = self.generations
        for uname, unit in self.units.items():
            if unit.generations and (gens is None or not unit.bom):
                raise self._error(
                    "units.yaml",
                    ("units", uname, "generations"),
                    "only a unit with a bom can have generations, and the file needs a "
                    "'generations' table",
                    "false, or a bom and a top-level 'generations' table",
                )
        if gens is None:
            return
        if gens.part not in self.items:
            raise self._error(
                "units.yaml",
                ("generations", "part"),
                f"unknown item '{gens.part}'{did_you_mean(gens.part, self.items)}",
                one_of(self.items),
            )
        numbers = [g.generation for g in gens.table]
        if numbers != list(range(1, len(numbers) + 1)):
            raise self._error(
                "units.yaml",
                ("generations", "table"),
                f"generations are numbered {numbers}",
                "rows for generations 1, 2, 3, ... in order (1 is the Earth-made seed)",
            )

    def _check_balance(
        self, name: str, inputs: dict[str, float], outputs: dict[str, float]
    ) -> None:
        mass_in, mass_out = math.fsum(inputs.values()), math.fsum(outputs.values())
        if abs(mass_in - mass_out) > MASS_TOLERANCE * max(mass_in, mass_out):
            raise self._error(
                "recipes.yaml",
                ("recipes", name),
                f"recipe does not conserve mass: inputs {mass_in:g} kg, outputs {mass_out:g} kg",
                "outputs (waste included) that add up to the inputs",
            )

    # -- queries -----------------------------------------------------------------------------
    @property
    def fab_kinds(self) -> list[str]:
        """Unit kinds whose role is fab, in file order."""
        return [name for name, unit in self.units.items() if unit.role == "fab"]

    def recipe_outputs(
        self, recipe: Recipe, site: str, regolith: str | None = None
    ) -> dict[str, float]:
        """A recipe's outputs (kg per batch) at ``site``: fixed, or following its regolith.

        Args:
            recipe: The recipe.
            site: The site (its regolith unless ``regolith`` is given).
            regolith: A regolith kind that overrides the site's own.
        """
        chem = self.chemistry(regolith or self.sites[site].regolith)
        name = next(n for n, r in self.recipes.items() if r is recipe)
        return dict(chem.outputs[name])

    def chemistry(self, regolith: str) -> Chemistry:
        """Every item's element composition and every recipe's outputs for one soil (cached).

        Raises:
            InputError: a recipe makes an element its inputs do not hold, an item would get two
                different compositions, or an input's composition cannot be derived.
        """
        if regolith not in self._chemistry:
            self._chemistry[regolith] = _derive_chemistry(self, regolith)
        return self._chemistry[regolith]

    def unit_elements(self, unit: str, regolith: str) -> dict[str, float]:
        """Element mass fractions of one unit kind.

        Its bill of materials mixed; Earth-made units without a bill are of unrecorded
        composition (:data:`lunarcity.chemistry.EARTH`).
        """
        spec = self.units[unit]
        if not spec.bom:
            return {chemistry.EARTH: 1.0}
        comps = self.chemistry(regolith).compositions
        return chemistry.normalised(chemistry.mix((comps[i], kg) for i, kg in spec.bom.items()))

    def recipe_energy(self, recipe: Recipe, outputs: dict[str, float]) -> float:
        """Energy (kWh) of one batch given its outputs."""
        return recipe.energy_kwh + math.fsum(
            k * outputs.get(item, 0.0) for item, k in recipe.energy_kwh_per_kg.items()
        )

    def assembly_robot_days(self, unit: str) -> float:
        """Robot-days of assembly labour for one unit."""
        spec = self.units[unit]
        per_kg = spec.assembly_s_per_kg or self.assembly_s_per_kg
        return spec.mass_kg * per_kg / 86400.0


class Chemistry:
    """One soil's chemistry: each item's element fractions and each recipe's outputs.

    Attributes:
        regolith: The soil kind.
        compositions: Item -> element mass fractions (summing to one).
        outputs: Recipe -> outputs (kg per batch).
    """

    def __init__(self, regolith: str) -> None:
        self.regolith = regolith
        self.compositions: dict[str, dict[str, float]] = {}
        self.outputs: dict[str, dict[str, float]] = {}

    def elements_of(self, quantities: dict[str, float]) -> dict[str, float]:
        """Element masses (kg) of items given in kg."""
        return chemistry.mix((self.compositions[i], kg) for i, kg in quantities.items())


def _derive_chemistry(cat: Catalog, regolith: str) -> Chemistry:
    """Compositions and outputs, recipe by recipe in the order their inputs become known."""
    chem = Chemistry(regolith)
    comps = chem.compositions
    fixed = {name for name, item in cat.items.items() if item.elements}
    for name, item in cat.items.items():
        if item.kind == "raw":
            comps[name] = dict(cat.regolith[regolith].composition)
        elif item.elements:
            comps[name] = dict(item.elements)
    where: dict[str, str] = {}  # item -> the recipe that set its composition

    def fail(rname: str, key: str, message: str) -> InputError:
        return cat.error("recipes.yaml", ("recipes", rname, key), f"{message} ({regolith} soil)")

    def assign(rname: str, item: str, vector: dict[str, float]) -> None:
        comp = chemistry.normalised(vector)
        if item in fixed:
            # A fixed composition is the item's own: the recipe must make exactly that.
            same = all(
                abs(comp.get(e, 0.0) - q) < 1e-6 for e, q in cat.items[item].elements.items()
            )
            if not same or set(comp) - set(cat.items[item].elements):
                raise fail(rname, "outputs", f"makes '{item}' of another composition than its own")
            return
        if item in comps and item in where:
            old = comps[item]
            if any(abs(comp.get(e, 0.0) - old.get(e, 0.0)) > 1e-6 for e in set(comp) | set(old)):
                raise fail(
                    rname,
                    "outputs",
                    f"makes '{item}' of another composition than recipe '{where[item]}'",
                )
            return
        comps[item] = comp
        where[item] = rname

    def run(rname: str, recipe: Recipe) -> None:
        inputs_el = chem.elements_of(recipe.inputs)
        mass_in = math.fsum(recipe.inputs.values())
        out: dict[str, float] = {}
        if recipe.extract:
            feed = recipe.feed or next(iter(recipe.inputs))
            feed_el = chemistry.scale(comps[feed], recipe.inputs[feed])
            fractions: dict[str, dict[str, float]] = {}
            for element, ex in recipe.extract.items():
                fractions.setdefault(ex.item, {})[element] = ex.fraction
            taken: dict[str, float] = {}
            made: dict[str, dict[str, float]] = {}
            oxygen = 0.0
            for item, frac in fractions.items():
                if recipe.oxygen_to:
                    try:
                        metal, o = chemistry.reduce(feed_el, frac)
                    except ValueError as exc:
                        raise fail(rname, "extract", str(exc)) from None
                    oxygen += o
                else:  # the elements are already metal (e.g. silicon out of an alloy)
                    metal = {e: feed_el.get(e, 0.0) * f for e, f in frac.items()}
                made[item] = metal
                chemistry.add(taken, metal)
            rest = dict(inputs_el)
            chemistry.add(rest, taken, -1.0)
            if recipe.oxygen_to:
                rest["O"] = rest.get("O", 0.0) - oxygen
                made.setdefault(recipe.oxygen_to, {})
                chemistry.add(made[recipe.oxygen_to], {"O": oxygen})
            for item, kg in recipe.outputs.items():
                if item not in comps:
                    raise fail(rname, "outputs", f"output '{item}' needs a fixed composition")
                vec = chemistry.scale(comps[item], kg)
                chemistry.add(rest, vec, -1.0)
                made.setdefault(item, {})
                chemistry.add(made[item], vec)
            bad = chemistry.negative_elements(rest, mass_in)
            if bad:
                raise fail(
                    rname, "extract", f"takes out more {', '.join(bad)} than its inputs hold"
                )
            rest = {e: q for e, q in rest.items() if q > chemistry.TOLERANCE * mass_in}
            if chemistry.total(rest) > 0:
                made[recipe.remainder] = chemistry.add(made.get(recipe.remainder, {}), rest)
            for item, vec in made.items():
                kg = chemistry.total(vec)
                if kg > 0:
                    out[item] = kg
                    if item not in recipe.outputs:
                        assign(rname, item, vec)
        else:
            out = dict(recipe.outputs)
            rest = dict(inputs_el)
            loose = []
            for item, kg in out.items():
                if item in fixed:
                    chemistry.add(rest, comps[item], -kg)
                else:
                    loose.append(item)
            bad = chemistry.negative_elements(rest, mass_in)
            if bad or (not loose and chemistry.total(rest) > chemistry.TOLERANCE * mass_in):
                raise fail(rname, "outputs", f"outputs do not hold the inputs' elements ({bad})")
            for item in loose:  # a mixing process: each product is of the mix left
                assign(rname, item, rest)
        chem.outputs[rname] = out

    # A route's recipes make the same items another way: they are derived in the catalog that
    # chooses the route (lunarcity/routes.py), where they stand in for the recipes they replace.
    pending = [n for n, r in cat.recipes.items() if not r.follows_scrap and r.route is None]
    while pending:
        ready = [n for n in pending if all(i in comps for i in cat.recipes[n].inputs)]
        if not ready:
            rname = pending[0]
            missing = [i for i in cat.recipes[rname].inputs if i not in comps]
            made_here = {
                i
                for n in pending
                for i in [
                    *cat.recipes[n].outputs,
                    *(e.item for e in cat.recipes[n].extract.values()),
                ]
            }
            if missing[0] in made_here:
                # Recipes that wait on each other: a cycle, which the economy names in full.
                for n in pending:
                    chem.outputs[n] = dict(cat.recipes[n].outputs)
                break
            raise fail(
                rname,
                "inputs",
                f"the composition of '{missing[0]}' cannot be derived: no recipe makes it and "
                "materials.yaml gives no elements",
            )
        for n in ready:
            run(n, cat.recipes[n])
        pending = [n for n in pending if n not in ready]
    # Scrap is whatever was scrapped: its typical composition is that of what remelting returns.
    for rname, recipe in cat.recipes.items():
        if recipe.follows_scrap:
            missing = [i for i in recipe.outputs if i not in comps]
            if missing:
                raise fail(rname, "outputs", f"the composition of '{missing[0]}' is unknown")
            vec = chem.elements_of(recipe.outputs)
            for item in recipe.inputs:
                assign(rname, item, vec)
            chem.outputs[rname] = dict(recipe.outputs)
    return chem


@cache
def default_catalog() -> Catalog:
    """The package's own data, loaded once per process."""
    return Catalog.load()

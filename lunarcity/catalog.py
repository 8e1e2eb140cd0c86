"""The reference data in data/: items, recipes, unit kinds and sites, as validated objects.

A :class:`Catalog` is what the YAML files say, checked field by field (pydantic) and across files
(every name a recipe or unit refers to exists; every recipe balances its mass). The economy graph
(:mod:`lunarcity.economy`) is built from a catalog and a site.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import pydantic
from pydantic import Field, NonNegativeFloat, PositiveFloat

from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.resources import data_dir
from lunarcity.validation import Strict, to_input_error
from lunarcity.yamlio import LineMap, line_of, load_yaml

Role = Literal["robot", "fab", "power", "storage", "rail", "pulse", "satellite"]
MASS_TOLERANCE = 1e-9  # relative: recipes and boms must balance to rounding


class Item(Strict):
    """A raw material, refined material or part."""

    kind: Literal["raw", "material", "part"]
    importable: bool = True
    waste: bool = False
    recycled: bool = False
    description: str = ""


class Recovery(Strict):
    """The share of one element of the regolith that a recipe recovers as an item."""

    item: str
    fraction: float = Field(gt=0, le=1)


class Recipe(Strict):
    """A process run by a fab kind; outputs fixed, or following the site's regolith."""

    fab: str
    description: str = ""
    inputs: dict[str, PositiveFloat]
    outputs: dict[str, PositiveFloat] = {}
    recovery: dict[str, Recovery] = {}
    remainder: str | None = None
    energy_kwh: NonNegativeFloat = 0.0
    energy_kwh_per_kg: dict[str, NonNegativeFloat] = {}
    time_h: PositiveFloat
    source: str | None = None
    assumption: str | None = None


class UnitSpec(Strict):
    """A kind of machine: what it weighs, what it is made of, what it does."""

    role: Role
    description: str = ""
    mass_kg: PositiveFloat
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
    footprint_m2: NonNegativeFloat = 0.0
    throughput_factor: PositiveFloat = 1.0
    lifetime_years: PositiveFloat = 20.0
    failures_per_year: NonNegativeFloat = 0.0
    repair_robot_days: NonNegativeFloat = 0.0
    recycle_fraction: float = Field(default=0.0, ge=0, le=1)
    source: str | None = None
    assumption: str | None = None

    @property
    def local(self) -> bool:
        """Whether robots can assemble it (it has a bill of materials)."""
        return bool(self.bom)


class Regolith(Strict):
    """Regolith of one kind: element mass fractions summing to one."""

    composition: dict[str, float]
    source: str | None = None
    assumption: str | None = None

    @pydantic.field_validator("composition")
    @classmethod
    def _sums_to_one(cls, value: dict[str, float]) -> dict[str, float]:
        if any(v < 0 or v > 1 for v in value.values()):
            raise ValueError("each mass fraction must be between 0 and 1")
        if abs(sum(value.values()) - 1.0) > 1e-6:
            raise ValueError(f"mass fractions must sum to 1, they sum to {sum(value.values()):.6f}")
        return value


class Sunlight(Strict):
    """How a site's sunlight varies: a polar ridge or the equatorial day and night."""

    profile: Literal["polar", "equatorial"]
    synodic_days: PositiveFloat = 29.53
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
    cell_m: PositiveFloat
    crest_area_km2: NonNegativeFloat = 0.0
    source: str | None = None
    assumption: str | None = None


class Site(Strict):
    """A place on the Moon: its regolith, sunlight and grid."""

    description: str = ""
    regolith: str
    sunlight: Sunlight
    grid: Grid


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
        sites_file = parsed["sites.yaml"][0]
        self.regolith: dict[str, Regolith] = sites_file.regolith
        self.sites: dict[str, Site] = sites_file.sites
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
            path = folder / name
            data, lines = load_yaml(path)
            if not isinstance(data, dict):
                raise InputError(
                    "expected a mapping at the top of the file",
                    file=str(path),
                    valid=f"top-level keys {one_of(schema.model_fields)}",
                )
            try:
                parsed[name] = (schema.model_validate(data), lines)
            except pydantic.ValidationError as exc:
                raise to_input_error(exc, schema, file=str(path), lines=lines) from None
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
            for element, rec in recipe.recovery.items():
                if rec.item not in self.items:
                    raise self._error(
                        "recipes.yaml",
                        (*base, "recovery", element, "item"),
                        f"unknown item '{rec.item}'{did_you_mean(rec.item, self.items)}",
                        one_of(self.items),
                    )
            if recipe.recovery and not recipe.remainder:
                raise self._error(
                    "recipes.yaml",
                    (*base, "remainder"),
                    "a recipe with recovery needs a remainder item",
                )
            if recipe.remainder and recipe.remainder not in self.items:
                raise self._error(
                    "recipes.yaml",
                    (*base, "remainder"),
                    f"unknown item '{recipe.remainder}'{did_you_mean(recipe.remainder, self.items)}",
                    one_of(self.items),
                )
            if not recipe.outputs and not recipe.recovery:
                raise self._error("recipes.yaml", (*base, "outputs"), "a recipe needs outputs")
            for item in recipe.energy_kwh_per_kg:
                if item not in set(recipe.outputs) | {r.item for r in recipe.recovery.values()}:
                    raise self._error(
                        "recipes.yaml",
                        (*base, "energy_kwh_per_kg", item),
                        f"'{item}' is not an output of this recipe",
                    )
            if not recipe.recovery:
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
                total = sum(unit.bom.values())
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
        for sname, site in self.sites.items():
            if site.regolith not in self.regolith:
                raise self._error(
                    "sites.yaml",
                    ("sites", sname, "regolith"),
                    f"unknown regolith '{site.regolith}'{did_you_mean(site.regolith, self.regolith)}",
                    one_of(self.regolith),
                )
            comp = self.regolith[site.regolith].composition
            for rname, recipe in self.recipes.items():
                for element in recipe.recovery:
                    if element not in comp:
                        raise self._error(
                            "recipes.yaml",
                            ("recipes", rname, "recovery", element),
                            f"element '{element}' is not in regolith '{site.regolith}'",
                            one_of(comp),
                        )
        for rname, recipe in self.recipes.items():
            for site in self.sites:
                outputs = self.recipe_outputs(recipe, site)
                self._check_balance(rname, recipe.inputs, outputs)

    def _check_balance(
        self, name: str, inputs: dict[str, float], outputs: dict[str, float]
    ) -> None:
        mass_in, mass_out = sum(inputs.values()), sum(outputs.values())
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
        if not recipe.recovery:
            return dict(recipe.outputs)
        comp = self.regolith[regolith or self.sites[site].regolith].composition
        feed = sum(q for item, q in recipe.inputs.items() if self.items[item].kind == "raw")
        out: dict[str, float] = dict(recipe.outputs)
        for element, rec in recipe.recovery.items():
            out[rec.item] = out.get(rec.item, 0.0) + feed * comp[element] * rec.fraction
        rest = sum(recipe.inputs.values()) - sum(out.values())
        out[recipe.remainder] = out.get(recipe.remainder, 0.0) + rest
        return out

    def recipe_energy(self, recipe: Recipe, outputs: dict[str, float]) -> float:
        """Energy (kWh) of one batch given its outputs."""
        return recipe.energy_kwh + sum(
            k * outputs.get(item, 0.0) for item, k in recipe.energy_kwh_per_kg.items()
        )

    def assembly_robot_days(self, unit: str) -> float:
        """Robot-days of assembly labour for one unit."""
        spec = self.units[unit]
        per_kg = spec.assembly_s_per_kg or self.assembly_s_per_kg
        return spec.mass_kg * per_kg / 86400.0


@cache
def default_catalog() -> Catalog:
    """The package's own data, loaded once per process."""
    return Catalog.load()

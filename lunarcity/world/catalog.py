"""The reference data in data/: items, recipes, unit kinds and sites, as validated objects.

A :class:`Catalog` is what the YAML files say, checked field by field (pydantic) and across files
(every name a recipe or unit refers to exists; every recipe balances its mass). The schema is
:mod:`lunarcity.world.catalog_schema`, the chemistry at a soil :mod:`lunarcity.world.catalog_chemistry`.
The economy graph (:mod:`lunarcity.world.economy`) is built from a catalog and a site.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pydantic

from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.resources import data_dir
from lunarcity.world import chemistry
from lunarcity.world.catalog_chemistry import Chemistry, derive_chemistry
from lunarcity.world.catalog_schema import (
    FILES,
    MASS_TOLERANCE,
    MAX_FAILURES_PER_YEAR,
    Extract,
    Generation,
    Generations,
    Grid,
    Item,
    Recipe,
    Regolith,
    Role,
    Site,
    Sunlight,
    UnitDefaults,
    UnitSpec,
)
from lunarcity.world.datafile import load_data_file
from lunarcity.world.yamlio import LineMap, line_of

#: The schema's names, importable from here as before the schema had a module of its own.
__all__ = [
    "FILES",
    "MASS_TOLERANCE",
    "MAX_FAILURES_PER_YEAR",
    "Catalog",
    "Chemistry",
    "Extract",
    "Generation",
    "Generations",
    "Grid",
    "Item",
    "Recipe",
    "Regolith",
    "Role",
    "Site",
    "Sunlight",
    "UnitDefaults",
    "UnitSpec",
    "default_catalog",
]


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
        from lunarcity.world.routes import check_routes  # routes.py builds on this module

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
            self._chemistry[regolith] = derive_chemistry(self, regolith)
        return self._chemistry[regolith]

    def unit_elements(self, unit: str, regolith: str) -> dict[str, float]:
        """Element mass fractions of one unit kind.

        Its bill of materials mixed; Earth-made units without a bill are of unrecorded
        composition (:data:`lunarcity.world.chemistry.EARTH`).
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


@cache
def default_catalog() -> Catalog:
    """The package's own data, loaded once per process."""
    return Catalog.load()

"""A catalog's chemistry at one soil: each item's composition and each recipe's outputs.

The stoichiometry is :mod:`lunarcity.world.chemistry`'s; this module walks the catalog's recipes in
the order their inputs become known and checks that each makes only what its inputs hold
(:meth:`lunarcity.world.catalog.Catalog.chemistry` caches the result per soil).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from lunarcity.errors import InputError
from lunarcity.world import chemistry

if TYPE_CHECKING:
    from lunarcity.world.catalog import Catalog
    from lunarcity.world.catalog_schema import Recipe


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


def derive_chemistry(cat: Catalog, regolith: str) -> Chemistry:
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
    # chooses the route (lunarcity/world/routes.py), where they stand in for the recipes they
    # replace.
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

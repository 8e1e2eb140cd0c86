"""A scenario's process choices applied to the data: technology routes and make-up figures.

Two kinds of choice reach the recipes through the scenario rather than through code:

- A *technology route* (``economy.route``, a lever): data/recipes.yaml tags some recipes with
  ``route: <name>`` and ``replaces: <recipe>``. Choosing the route puts each such recipe in the
  place of the one it replaces (under that recipe's name, so every item keeps one recipe and one
  composition in a run), and a unit's bill of materials carries ``mass_factor`` kg of the
  product for each kg it held of the replaced one (the same duty from a weaker or heavier
  material). Recipes of routes not chosen do not exist for the run.
- A *make-up* figure (``economy.make_up``, an uncertainty): a recipe's ``ranges`` give the
  published range of an input it consumes per batch (the salt cell's calcium chloride and
  anodes); a scenario may set the input anywhere inside it, and the output it is spent as
  follows kg for kg, so the recipe still balances.

:func:`scenario_catalog` is the catalog a run sees (before the thesis designs its satellite);
:func:`check_routes` checks the data's routes and ranges when the catalog loads.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING

from lunarcity.errors import InputError, did_you_mean, one_of, unknown

if TYPE_CHECKING:
    from lunarcity.world.catalog import Catalog, Recipe, UnitSpec
    from lunarcity.world.scenario import Scenario


def route_names(catalog: Catalog) -> list[str]:
    """The technology routes data/recipes.yaml offers, in file order."""
    names: list[str] = []
    for recipe in catalog.recipes.values():
        if recipe.route is not None and recipe.route not in names:
            names.append(recipe.route)
    return names


def ranged_inputs(catalog: Catalog) -> dict[str, str]:
    """Each input with a published range -> the one recipe that gives it (``economy.make_up``)."""
    return {item: name for name, r in catalog.recipes.items() for item in r.ranges}


def scenario_catalog(scenario: Scenario, catalog: Catalog) -> Catalog:
    """``catalog`` as ``scenario`` chooses it: its route in place, its make-up figures set.

    With no route and no make-up figure the recipes are the data's, less every route's own.

    Raises:
        InputError: the scenario names a route the data lacks, or a make-up figure for an input
            with no range or outside it.
    """
    return routed_catalog(
        catalog, scenario.economy.route, scenario.economy.make_up, field="economy"
    )


def routed_catalog(
    catalog: Catalog,
    route: str | None,
    make_up: dict[str, float] | None = None,
    *,
    field: str = "economy",
) -> Catalog:
    """A copy of ``catalog`` with ``route`` chosen and ``make_up`` set (see the module).

    Args:
        catalog: The data.
        route: A route named in data/recipes.yaml, or None for the default recipes.
        make_up: Input item -> kg per batch, inside the range its recipe gives.
        field: The scenario section named in errors.
    """
    routes = route_names(catalog)
    if route is not None and route not in routes:
        raise unknown(
            "technology route",
            route,
            routes,
            field=f"{field}.route",
            valid=one_of(routes) if routes else "none: data/recipes.yaml names no route",
        )
    recipes: dict[str, Recipe] = {n: r for n, r in catalog.recipes.items() if r.route is None}
    factors: dict[str, float] = {}  # product -> kg per kg of the replaced product
    for recipe in catalog.recipes.values():
        if route is None or recipe.route != route:
            continue
        # The route's recipe runs under the replaced recipe's name.
        recipes[recipe.replaces] = recipe.model_copy(
            update={"route": None, "replaces": None, "mass_factor": 1.0}
        )
        for item in recipe.outputs:
            factors[item] = recipe.mass_factor
    owners = ranged_inputs(catalog)
    for item, kg in (make_up or {}).items():
        rname = owners.get(item)
        if rname is None:
            raise InputError(
                f"no recipe gives a range for '{item}'",
                field=f"{field}.make_up.{item}",
                valid=one_of(owners) if owners else "none: no recipe in the data has ranges",
            )
        rng = catalog.recipes[rname].ranges[item]
        if not rng.low <= kg <= rng.high:
            raise InputError(
                f"{kg:g} kg of '{item}' per batch of '{rname}' is outside its published range",
                field=f"{field}.make_up.{item}",
                valid=f"{rng.low:g} to {rng.high:g} (data/recipes.yaml, {rname}.ranges)",
            )
        recipes[rname] = _with_make_up(recipes[rname], item, kg)
    out = copy.copy(catalog)
    out.recipes = recipes
    out.units = {k: _scaled(spec, factors) for k, spec in catalog.units.items()}
    # Compositions follow the recipes chosen: the copy must not share the data's cache.
    out._chemistry = {}
    return out


def _with_make_up(recipe: Recipe, item: str, kg: float) -> Recipe:
    """``recipe`` consuming ``kg`` of ``item`` per batch, its spent output following."""
    spent = recipe.ranges[item].spent
    delta = kg - recipe.inputs[item]
    inputs = {**recipe.inputs, item: kg}
    outputs = {**recipe.outputs, spent: recipe.outputs[spent] + delta}
    # An input of 0 kg is no input (quantities are positive): the recipe then needs none.
    inputs = {k: v for k, v in inputs.items() if v > 0}
    outputs = {k: v for k, v in outputs.items() if v > 0}
    return recipe.model_copy(update={"inputs": inputs, "outputs": outputs})


def _scaled(spec: UnitSpec, factors: dict[str, float]) -> UnitSpec:
    """``spec`` whose bill carries each routed product times its mass factor."""
    if not spec.bom or not factors.keys() & spec.bom.keys():
        return spec
    bom = {k: v * factors.get(k, 1.0) for k, v in spec.bom.items()}
    return spec.model_copy(
        update={
            "bom": bom,
            "mass_kg": spec.mass_kg + math.fsum(bom.values()) - math.fsum(spec.bom.values()),
        }
    )


def check_routes(catalog: Catalog) -> None:
    """Check the data's routes and ranges; each route's catalog must derive and balance.

    Raises:
        InputError: at the recipe's field in data/recipes.yaml.
    """
    replaced: dict[str, set[str]] = {}
    for name, recipe in catalog.recipes.items():
        base = ("recipes", name)
        if (recipe.route is None) != (recipe.replaces is None):
            raise catalog.error(
                "recipes.yaml",
                (*base, "route" if recipe.route is None else "replaces"),
                "a route's recipe needs both 'route' and 'replaces'",
                "both, or neither for a recipe every city runs",
            )
        if recipe.route is None and recipe.mass_factor != 1.0:
            raise catalog.error(
                "recipes.yaml", (*base, "mass_factor"), "only a route's recipe has a mass factor"
            )
        if recipe.replaces is not None:
            target = catalog.recipes.get(recipe.replaces)
            defaults = [n for n, r in catalog.recipes.items() if r.route is None]
            if target is None or target.route is not None:
                raise catalog.error(
                    "recipes.yaml",
                    (*base, "replaces"),
                    f"'{recipe.replaces}' is not a recipe every city runs"
                    f"{did_you_mean(recipe.replaces, defaults)}",
                    one_of(defaults),
                )
            if set(recipe.outputs) != set(target.outputs) or recipe.extract or target.extract:
                raise catalog.error(
                    "recipes.yaml",
                    (*base, "outputs"),
                    f"a route's recipe makes what '{recipe.replaces}' makes, and no more",
                    one_of(target.outputs),
                )
            seen = replaced.setdefault(recipe.route, set())
            if recipe.replaces in seen:
                raise catalog.error(
                    "recipes.yaml",
                    (*base, "replaces"),
                    f"route '{recipe.route}' replaces '{recipe.replaces}' twice",
                )
            seen.add(recipe.replaces)
        for item, rng in recipe.ranges.items():
            where = (*base, "ranges", item)
            if item not in recipe.inputs or rng.spent not in recipe.outputs:
                raise catalog.error(
                    "recipes.yaml",
                    where,
                    f"'{item}' must be an input and '{rng.spent}' an output of this recipe",
                )
            if not rng.low <= recipe.inputs[item] <= rng.high:
                raise catalog.error(
                    "recipes.yaml",
                    where,
                    f"the data's {recipe.inputs[item]:g} kg lies outside {rng.low:g}-{rng.high:g}",
                )
            if recipe.outputs[rng.spent] < recipe.inputs[item]:
                raise catalog.error(
                    "recipes.yaml",
                    (*base, "outputs", rng.spent),
                    f"'{rng.spent}' must hold at least the {recipe.inputs[item]:g} kg of "
                    f"'{item}' it is spent from",
                )
    owners: dict[str, str] = {}
    for name, recipe in catalog.recipes.items():
        for item in recipe.ranges:
            if item in owners:
                raise catalog.error(
                    "recipes.yaml",
                    ("recipes", name, "ranges", item),
                    f"'{item}' has a range in '{owners[item]}' already",
                )
            owners[item] = name
    for route in route_names(catalog):
        routed = routed_catalog(catalog, route)
        for regolith in catalog.regolith:
            chem = routed.chemistry(regolith)
            for rname, recipe in routed.recipes.items():
                catalog._check_balance(rname, recipe.inputs, chem.outputs[rname])

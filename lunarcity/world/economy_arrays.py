"""The economy compiled to arrays once per run: recipes as matrices, items by index.

The economy (:mod:`lunarcity.world.economy`) is a graph, good for reading and for analyses; the day
needs the same facts as numbers it can multiply. :class:`EconomyArrays` is that translation,
built once when the city is founded and never changed during the run (its arrays are
read-only), so every stage that runs recipes, plans production or imports reads one fixed
picture of the economy. The one recipe that changes, remelting (its outputs follow what was
scrapped), is day state: :class:`lunarcity.stages.recipes.RecipeBook`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lunarcity.errors import InputError
from lunarcity.world.catalog import Catalog, UnitSpec
from lunarcity.world.economy import Economy

#: One recipe as the day runs it: inputs [(item, kg per batch)], outputs [(item, kg per
#: batch)], its fab kind and the kg it puts out per batch. A recipe touches two or three of
#: some twenty items, so the daily loop walks these short lists rather than matrix rows.
RecipeIO = tuple[list[tuple[int, float]], list[tuple[int, float]], str, float]


@dataclass(frozen=True)
class EconomyArrays:
    """Items, recipes and their flows as arrays, fixed for the run.

    Attributes:
        nodes: Item and unit names; every per-item array is indexed in this order.
        index: Name -> position in ``nodes``.
        regolith: Index of the raw item (what robots mine).
        recipes: Recipe names that run on a fab, in dependency order (upstream first).
        r_in: (recipes, nodes) kg in per batch.
        r_out: (recipes, nodes) kg out per batch.
        r_energy: kWh per batch.
        r_fab: The fab kind each recipe runs on.
        r_time: Fab-hours per batch (the recipe's time over its fab's throughput factor).
        recipe_io: Each recipe as :data:`RecipeIO` (remelting with the data's typical mix; the
            day runs :class:`lunarcity.stages.recipes.RecipeBook`'s copy).
        per_output: Batches per kg of each output (1 / kg out per batch; 0 where no output).
        fab_of_recipes: The fab kinds that run recipes, sorted.
        recipe_fab: Each recipe's fab, as an index into ``fab_of_recipes``.
        recycled_recipes: Recipes fed by recycled items (they run on the scrap there is).
        imported_inputs: Earth-only inputs with the recipes that use them:
            (item, [(recipe, kg per batch)]).
        imported_mask: Items only Earth supplies.
        importable: Materials and parts a lander may carry.
        vitamins: Importable items no enabled local recipe makes (what only Earth makes).
        remelt: The recipe whose outputs follow the scrap it remelts, or None.
        oxygen: Index of the oxygen item, or None.
        raw_fabs: Fab kinds whose recipes take regolith (robots haul regolith to them).
    """

    nodes: list[str]
    index: dict[str, int]
    regolith: int
    recipes: list[str]
    r_in: np.ndarray
    r_out: np.ndarray
    r_energy: np.ndarray
    r_fab: list[str]
    r_time: np.ndarray
    recipe_io: tuple[RecipeIO, ...]
    per_output: np.ndarray
    fab_of_recipes: list[str]
    recipe_fab: np.ndarray
    recycled_recipes: list[int]
    imported_inputs: list[tuple[int, list[tuple[int, float]]]]
    imported_mask: np.ndarray
    importable: np.ndarray
    vitamins: np.ndarray
    remelt: int | None
    oxygen: int | None
    raw_fabs: list[str]

    @classmethod
    def build(
        cls,
        econ: Economy,
        catalog: Catalog,
        specs: dict[str, UnitSpec],
        fab_kinds: list[str],
    ) -> EconomyArrays:
        """Compile ``econ`` for a run whose units have the figures ``specs``.

        Args:
            econ: The scenario's economy.
            catalog: Reference data (which items are raw, which recycled).
            specs: Unit kinds' figures with the scenario's overrides.
            fab_kinds: The fab kinds enabled in this scenario.
        """
        nodes = econ.node_names
        index = {n: i for i, n in enumerate(nodes)}
        order = [p for p in econ.recipe_order() if econ.processes[p].fab]
        recipes, _, r_in, r_out = econ.matrices(order)
        r_energy = np.array([econ.processes[p].energy_kwh for p in recipes])
        r_fab = [econ.processes[p].fab for p in recipes]
        r_time = np.array(
            [
                econ.processes[p].time_h / specs[f].throughput_factor
                for p, f in zip(recipes, r_fab, strict=True)
            ]
        )
        recycled = [index[n] for n, it in catalog.items.items() if it.recycled]
        recycled_recipes = [r for r in range(len(recipes)) if (r_in[r, recycled] > 0).any()]
        imported_inputs = [
            (int(i), [(int(r), float(r_in[r, i])) for r in np.flatnonzero(r_in[:, i])])
            for i in np.flatnonzero(r_in.sum(axis=0) > 0)
            if nodes[i] in econ.imported
        ]
        imported_mask = np.array([n in econ.imported for n in nodes])
        recipe_io = tuple(
            (
                [(int(i), float(r_in[r, i])) for i in np.flatnonzero(r_in[r])],
                [(int(i), float(r_out[r, i])) for i in np.flatnonzero(r_out[r])],
                r_fab[r],
                float(r_out[r].sum()),
            )
            for r in range(len(recipes))
        )
        regolith = index[_raw_item(catalog)]
        with np.errstate(divide="ignore"):
            per_output = np.where(r_out > 0, 1.0 / r_out, 0.0)
        fab_of_recipes = sorted(set(r_fab))
        recipe_fab = np.array([fab_of_recipes.index(f) for f in r_fab], dtype=np.int64)
        importable = np.array(
            [
                econ.graph.nodes[n]["importable"]
                and econ.graph.nodes[n]["kind"] in ("material", "part")
                for n in nodes
            ]
        )
        vitamins = importable & np.array([not econ.graph.nodes[n]["local"] for n in nodes])
        remelt = next((r for r, p in enumerate(recipes) if catalog.recipes[p].follows_scrap), None)
        raw_fabs = [
            k
            for k in fab_kinds
            if any(f == k and r_in[r, regolith] > 0 for r, f in enumerate(r_fab))
        ]
        for fixed in (r_in, r_out, r_energy, r_time, per_output, imported_mask):
            fixed.flags.writeable = False  # fixed for the run: day state lives elsewhere
        return cls(
            nodes=nodes,
            index=index,
            regolith=regolith,
            recipes=recipes,
            r_in=r_in,
            r_out=r_out,
            r_energy=r_energy,
            r_fab=r_fab,
            r_time=r_time,
            recipe_io=recipe_io,
            per_output=per_output,
            fab_of_recipes=fab_of_recipes,
            recipe_fab=recipe_fab,
            recycled_recipes=recycled_recipes,
            imported_inputs=imported_inputs,
            imported_mask=imported_mask,
            importable=importable,
            vitamins=vitamins,
            remelt=remelt,
            oxygen=index.get("oxygen"),
            raw_fabs=raw_fabs,
        )


def _raw_item(catalog: Catalog) -> str:
    """The raw item robots mine (regolith); the data must name one."""
    for name, item in catalog.items.items():
        if item.kind == "raw":
            return name
    raise InputError(
        "the data has no raw item (regolith)",
        field="items",
        valid="an item in data/materials.yaml with kind: raw",
    )

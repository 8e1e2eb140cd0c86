"""The element ledger: the mass ledger written once per element, every day.

mined + landed = stocks + scrap + work in progress + units in service + launched + waste +
vented, for O, Si, Al, Fe, Ca, Mg, Ti, the minor oxides (``other``) and whatever Earth-made
items carry (Cl, Sn, ``earth`` for hardware the data does not break down).

Every item has one composition at the run's soil (:meth:`lunarcity.world.catalog.Catalog.chemistry`),
every unit kind the composition of its bill of materials. Scrap is the exception: it is whatever
was scrapped, so its materials are kept as a pool (kg by item) and remelting returns that pool's
mix, not a fixed alloy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from lunarcity import portable
from lunarcity.world import chemistry

if TYPE_CHECKING:
    from lunarcity.world.catalog import Catalog


class ElementLedger:
    """Element masses in and where they are, for one run.

    Args:
        catalog: Reference data.
        regolith: The soil the city mines.
        nodes: The model's item and unit names, in its stock order.
        kinds: Unit kind names, in the model's kind-code order.
        scrap: The scrap item's name, or None if the data has none.
        remelt_outputs: Items remelting returns (scrap keeps only those; the rest is waste).
    """

    def __init__(
        self,
        catalog: Catalog,
        regolith: str,
        nodes: list[str],
        kinds: list[str],
        scrap: str | None,
        remelt_outputs: list[str],
    ) -> None:
        chem = catalog.chemistry(regolith)
        comps: dict[str, dict[str, float]] = {}
        for n in nodes:
            if n in chem.compositions:
                comps[n] = chem.compositions[n]
            elif n in catalog.units:
                comps[n] = catalog.unit_elements(n, regolith)
        unit_comps = [catalog.unit_elements(k, regolith) for k in kinds]
        names = sorted({e for c in [*comps.values(), *unit_comps] for e in c})
        self.elements = names
        col = {e: j for j, e in enumerate(names)}

        def row(comp: dict[str, float]) -> np.ndarray:
            r = np.zeros(len(names))
            for e, q in comp.items():
                r[col[e]] = q
            return r

        # Element fractions of each node (zero where a node has no composition of its own).
        self.node = np.array([row(comps.get(n, {})) for n in nodes]).reshape(len(nodes), -1)
        self.unit = np.array([row(c) for c in unit_comps]).reshape(len(kinds), -1)
        self.scrap = nodes.index(scrap) if scrap in nodes else None
        if self.scrap is not None:
            self.node[self.scrap] = 0.0  # scrap is counted from its pool
        self.index = {n: i for i, n in enumerate(nodes)}
        # The day's balance in one product: stock and scrap pool by the nodes' fractions, then
        # jobs and units in service by the kinds' (:meth:`held`).
        self._holdings = portable.FixedMatrix(
            np.vstack([self.node, self.node, self.unit, self.unit])
        )
        self._node_rows = portable.FixedMatrix(self.node)
        # Per unit kind, kg of each recoverable material in one kg of the unit.
        keep = [self.index[i] for i in remelt_outputs if i in self.index]
        self.recoverable = np.zeros((len(kinds), len(nodes)))
        for k, kind in enumerate(kinds):
            base = _materials(catalog, kind)
            for item, kg in base.items():
                if self.index.get(item) in keep:
                    self.recoverable[k, self.index[item]] = kg / catalog.units[kind].mass_kg
        self.pool = np.zeros(len(nodes))  # kg of each material inside the scrap stock
        self.inflow = np.zeros(len(names))  # mined + landed
        self.launched = np.zeros(len(names))
        self.waste = np.zeros(len(names))  # scrapped and not recycled
        self.vented = np.zeros(len(names))

    # -- flows in --------------------------------------------------------------------------------
    def mined(self, node: int, kg: float) -> None:
        """Raw regolith dug up."""
        self.inflow += kg * self.node[node]

    def landed(self, node: int, kg: float) -> None:
        """Earth-made items landed into stock."""
        self.inflow += kg * self.node[node]

    def landed_kg(self, kg_by_node: np.ndarray) -> None:
        """Earth-made items landed into stock, a vector over nodes."""
        self.inflow += self._node_rows.vector_times(kg_by_node)

    def landed_units(self, kind: int, kg: float) -> None:
        """Earth-made units landed whole."""
        self.inflow += kg * self.unit[kind]

    # -- flows out -------------------------------------------------------------------------------
    def launch(self, node: int, kg: float) -> None:
        """Satellites and kick stages leaving the Moon."""
        self.launched += kg * self.node[node]

    def vent(self, node: int, kg: float) -> None:
        """Gas let go (oxygen with nowhere to be stored)."""
        self.vented += kg * self.node[node]

    def scrap_units(self, kind: int, mass_kg: float, fraction: float) -> np.ndarray:
        """Units scrapped: ``fraction`` of their recoverable materials goes to the scrap pool.

        Returns:
            kg by node added to the scrap pool (the rest of the mass is waste).
        """
        into = fraction * mass_kg * self.recoverable[kind]
        self.pool += into
        self.waste += mass_kg * self.unit[kind] - self._node_rows.vector_times(into)
        return into

    def remelt_mix(self) -> np.ndarray:
        """The kg of each material per kg of scrap remelted now (the pool's own mix)."""
        total = self.pool.sum()
        return self.pool / total if total > 0 else self.pool

    def scrap_used(self, kg: float) -> None:
        """Scrap remelted: the pool shrinks by ``kg`` in its own proportions."""
        total = self.pool.sum()
        if total > 0:
            self.pool *= max(0.0, 1.0 - kg / total)

    # -- the balance -----------------------------------------------------------------------------
    def held(
        self, stock: np.ndarray, wip_by_kind: np.ndarray, units_by_kind: np.ndarray
    ) -> np.ndarray:
        """Element masses on the Moon and gone: stocks, scrap, jobs, units, launched, waste."""
        # Stock, pool, jobs and units as one vector against their four matrices stacked: each
        # element's holdings added row by row in that order (lunarcity/portable.py), then the
        # rest added in place, left to right.
        held = self._holdings.vector_times(
            np.concatenate((stock, self.pool, wip_by_kind, units_by_kind))
        )
        held += self.launched
        held += self.waste
        held += self.vented
        return held

    def rel_error(
        self, stock: np.ndarray, wip_by_kind: np.ndarray, units_by_kind: np.ndarray
    ) -> float:
        """The largest element's |in - held|, relative to all mass in (at least 1 kg)."""
        gap = self.held(stock, wip_by_kind, units_by_kind)
        inflow = self.inflow
        # |in - held| in place; the ufuncs' reductions are what ndarray.max and ndarray.sum
        # call, without their Python wrappers; the quotient of the two doubles as Python floats.
        np.subtract(inflow, gap, out=gap)
        np.abs(gap, out=gap)
        return float(np.maximum.reduce(gap)) / max(float(np.add.reduce(inflow)), 1.0)


def _materials(catalog: Catalog, item: str) -> dict[str, float]:
    """The kg of base materials in one of ``item`` (a unit: its bill; a part: its mixing recipe).

    Base materials are items of kind material and items of fixed composition (Earth-made
    chips, anodes): what a part is made of stops there.
    """
    if item in catalog.units:
        out: dict[str, float] = {}
        for part, kg in catalog.units[item].bom.items():
            chemistry.add(out, _materials(catalog, part), kg)
        return out
    spec = catalog.items[item]
    if spec.kind != "part" or spec.elements:
        return {item: 1.0}
    for recipe in catalog.recipes.values():
        if (
            item in recipe.outputs
            and not recipe.extract
            and not recipe.follows_scrap
            and recipe.route is None
        ):
            per_kg = 1.0 / math.fsum(recipe.inputs.values())
            out = {}
            for part, kg in recipe.inputs.items():
                chemistry.add(out, _materials(catalog, part), kg * per_kg)
            return out
    return {item: 1.0}

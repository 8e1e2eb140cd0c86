"""The materials economy as a networkx graph: items and units, and the recipes between them.

The graph is bipartite: item and unit nodes (``type='item'`` or ``'unit'``), recipe nodes
(``type='recipe'``); an edge item -> recipe carries the input quantity, recipe -> item the output.
Fab recipes come from data/recipes.yaml; each buildable unit has an assembly recipe done by robot
labour. An :class:`Economy` is the catalog at one site with one set of enabled fab kinds and
forced imports: a scenario's view of what can be made here and what Earth must send.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from lunarcity.errors import InputError, unknown
from lunarcity.world.catalog import Catalog


def recipe_node(name: str) -> str:
    """The graph node of a recipe (recipes may share a name with the item they make)."""
    return f"recipe:{name}"


@dataclass(frozen=True)
class Process:
    """One recipe at a site: a batch's inputs and outputs (kg; units count 1 each).

    Attributes:
        name: Recipe name (``assemble:<unit>`` for a unit's assembly).
        fab: The fab kind that runs it, or None for robot assembly.
        inputs: Quantities consumed per batch.
        outputs: Quantities produced per batch.
        energy_kwh: Energy per batch.
        time_h: Fab-hours per batch (0 for assembly).
        labour_robot_days: Robot-days per batch (assembly only).
    """

    name: str
    fab: str | None
    inputs: dict[str, float]
    outputs: dict[str, float]
    energy_kwh: float
    time_h: float
    labour_robot_days: float = 0.0


@dataclass
class Economy:
    """What can be made at a site, from what, and what must be imported.

    Args:
        catalog: The reference data.
        site: A site name from data/sites.yaml.
        enabled_fabs: Fab kinds that may exist here; None means every fab kind the data enables.
        forced_imports: Items the scenario imports even though a local recipe exists.
        assembly_s_per_kg: Robot assembly seconds per kg by unit kind, where a scenario
            overrides the data.
    """

    catalog: Catalog
    site: str
    enabled_fabs: Iterable[str] | None = None
    forced_imports: Iterable[str] = ()
    disabled_units: Iterable[str] = ()
    regolith: str | None = None
    assembly_s_per_kg: dict[str, float] = field(default_factory=dict)
    graph: nx.DiGraph = field(init=False)
    processes: dict[str, Process] = field(init=False)
    imported: set[str] = field(init=False)

    def __post_init__(self) -> None:
        cat = self.catalog
        if self.site not in cat.sites:
            raise unknown("site", self.site, cat.sites, field="site.name")
        if self.enabled_fabs is None:
            self.enabled_fabs = [k for k in cat.fab_kinds if cat.units[k].enabled]
        self.enabled_fabs = list(self.enabled_fabs)
        for kind in self.enabled_fabs:
            if kind not in cat.fab_kinds:
                raise unknown("fab kind", kind, cat.fab_kinds, field="economy.enable_fabs")
        self.forced_imports = list(self.forced_imports)
        for item in self.forced_imports:
            if item not in self.node_names:
                raise unknown("item", item, self.node_names, field="earth.force_imports")
            if not self._importable(item):
                raise InputError(
                    f"'{item}' cannot be imported",
                    field="earth.force_imports",
                    valid="items marked importable in data/materials.yaml, or unit kinds",
                )
        self._build()
        self.validate()

    # -- construction ------------------------------------------------------------------------
    @property
    def node_names(self) -> list[str]:
        """Every item and unit kind, in data order."""
        return list(self.catalog.items) + list(self.catalog.units)

    def _importable(self, name: str) -> bool:
        if name in self.catalog.items:
            return self.catalog.items[name].importable
        return True

    def _build(self) -> None:
        cat = self.catalog
        forced = set(self.forced_imports)
        processes: dict[str, Process] = {}
        for name, recipe in cat.recipes.items():
            # A route's recipe runs only in a catalog that chose it (lunarcity/world/routes.py).
            if recipe.fab not in self.enabled_fabs or recipe.route is not None:
                continue
            outputs = cat.recipe_outputs(recipe, self.site, self.regolith)
            if forced & set(outputs) and not (set(outputs) - forced):
                continue  # every output is imported by choice: the recipe is not run here
            processes[name] = Process(
                name=name,
                fab=recipe.fab,
                inputs=dict(recipe.inputs),
                outputs=outputs,
                energy_kwh=cat.recipe_energy(recipe, outputs),
                time_h=recipe.time_h,
            )
        disabled = set(self.disabled_units)
        for unit, spec in cat.units.items():
            if not spec.bom or unit in forced or unit in disabled:
                continue
            if spec.role == "fab" and unit not in self.enabled_fabs:
                continue
            processes[f"assemble:{unit}"] = Process(
                name=f"assemble:{unit}",
                fab=None,
                inputs=dict(spec.bom),
                outputs={unit: 1.0},
                energy_kwh=0.0,
                time_h=0.0,
                labour_robot_days=(
                    spec.mass_kg * self.assembly_s_per_kg[unit] / 86400.0
                    if unit in self.assembly_s_per_kg
                    else cat.assembly_robot_days(unit)
                ),
            )
        self.processes = processes
        made = {item for p in processes.values() for item in p.outputs}
        g = nx.DiGraph()
        for name, item in cat.items.items():
            g.add_node(
                name, type="item", kind=item.kind, importable=item.importable, waste=item.waste
            )
        for name, spec in cat.units.items():
            g.add_node(name, type="unit", kind="unit", role=spec.role, importable=True, waste=False)
        for p in processes.values():
            node = recipe_node(p.name)
            g.add_node(
                node,
                type="recipe",
                name=p.name,
                fab=p.fab,
                energy_kwh=p.energy_kwh,
                time_h=p.time_h,
            )
            for item, q in p.inputs.items():
                g.add_edge(item, node, quantity=q)
            for item, q in p.outputs.items():
                g.add_edge(node, item, quantity=q)
        self.imported = {
            n
            for n in self.node_names
            if self._importable(n)
            and (n in forced or n not in made)
            and g.nodes[n]["kind"] != "raw"
        }
        for n in self.node_names:
            g.nodes[n]["imported"] = n in self.imported
            g.nodes[n]["local"] = n in made
        self.graph = g

    # -- validation --------------------------------------------------------------------------
    def validate(self) -> None:
        """Check the graph: no recipe cycle, every input obtainable, positive quantities.

        Raises:
            InputError: naming the recipe or the cycle's nodes.
        """
        try:
            cycle = nx.find_cycle(self.graph)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            nodes = [u for u, _ in cycle] + [cycle[-1][1]]
            # Point at the first recipe of the cycle; every member is named in the message.
            first = next(self.graph.nodes[n]["name"] for n in nodes if n.startswith("recipe:"))
            raise self.catalog.error(
                "recipes.yaml",
                ("recipes", first),
                "recipe cycle: " + " -> ".join(nodes),
                "recipes whose inputs never depend on their own outputs",
            )
        for p in self.processes.values():
            for item, q in {**p.inputs, **p.outputs}.items():
                if not q > 0:
                    raise InputError(
                        f"quantity of '{item}' must be positive", field=f"recipes.{p.name}"
                    )
            for item in p.inputs:
                node = self.graph.nodes[item]
                if node["local"] or node["imported"] or node["kind"] == "raw":
                    continue
                if item in self.catalog.items and self.catalog.items[item].recycled:
                    continue
                # Assembly processes come from a unit's bom in units.yaml, not from recipes.yaml.
                unit = p.name.removeprefix("assemble:") if p.fab is None else None
                raise self.catalog.error(
                    "units.yaml" if unit else "recipes.yaml",
                    ("units", unit, "bom", item) if unit else ("recipes", p.name, "inputs", item),
                    f"input '{item}' of recipe '{p.name}' has no enabled recipe and cannot be imported",
                    "enable a fab that makes it, or mark it importable",
                )

    # -- queries -----------------------------------------------------------------------------
    def layers(self) -> dict[str, int]:
        """A layer per item and unit for drawing: raw 0, materials 1, parts 2, units 3."""
        order = {"raw": 0, "material": 1, "part": 2, "unit": 3}
        return {n: order[self.graph.nodes[n]["kind"]] for n in self.node_names}

    def recipe_order(self) -> list[str]:
        """Process names in dependency order (suppliers before users)."""
        nodes = self.graph.nodes
        return [
            nodes[n]["name"]
            for n in nx.topological_sort(self.graph)
            if nodes[n]["type"] == "recipe"
        ]

    def matrices(
        self, order: list[str] | None = None
    ) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
        """Input and output matrices ``IN[r, n]``, ``OUT[r, n]`` over processes and nodes.

        Returns:
            (process names, node names, IN, OUT).
        """
        procs = list(self.processes) if order is None else order
        nodes = self.node_names
        index = {n: i for i, n in enumerate(nodes)}
        a_in = np.zeros((len(procs), len(nodes)))
        a_out = np.zeros((len(procs), len(nodes)))
        for r, name in enumerate(procs):
            p = self.processes[name]
            for item, q in p.inputs.items():
                a_in[r, index[item]] = q
            for item, q in p.outputs.items():
                a_out[r, index[item]] = q
        return procs, nodes, a_in, a_out

    @cached_property
    def recipe_inputs(self) -> dict[str, list[list[str]]]:
        """By item, the inputs of each recipe that makes it, in process order.

        Fixed once the economy is built, so worked once: the bottleneck's search upstream reads
        it on every stalled day (issue 27).
        """
        recipes: dict[str, list[list[str]]] = {}
        for p in self.processes.values():
            for out in p.outputs:
                recipes.setdefault(out, []).append(list(p.inputs))
        return recipes

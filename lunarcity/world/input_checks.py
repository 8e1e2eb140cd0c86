"""Checks ``lunarcity validate`` makes beyond the schema.

Provenance of data, and scenarios that validate but cannot work as written.

The schema refuses values no run can use. Some inputs are valid field by field and still wrong as
a whole: a number in data/ with no source, a unit kind that only Earth makes but that no lander
can carry, a seed with no robots. ``validate`` reports these, so they are found before a run
quietly produces a city that cannot grow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lunarcity.constants import DAYS_PER_YEAR, KG_PER_T
from lunarcity.errors import InputError, unknown
from lunarcity.world.catalog import Catalog
from lunarcity.world.routes import scenario_catalog
from lunarcity.world.scenario import Scenario
from lunarcity.world.scenario_economy import scenario_economy
from lunarcity.world.yamlio import line_of, load_yaml

#: Keys that vouch for the numbers at and below them (``source``, ``assumption``,
#: ``source_mass``, ...).
PROVENANCE_PREFIXES = ("source", "assumption")


def _has_source(mapping: dict[Any, Any]) -> bool:
    return any(str(k).startswith(PROVENANCE_PREFIXES) for k in mapping)


def unsourced_numbers(doc: Any) -> list[str]:
    """Dotted paths of numbers with no ``source``/``assumption`` key at or above them.

    The file's top level is a collection (``units:``, ``recipes:``): a ``source`` there vouches
    only for the numbers written directly beside it, or one line would cover a whole file.
    """
    found: list[str] = []

    def walk(node: Any, path: tuple[str, ...], covered: bool) -> None:
        if isinstance(node, dict):
            here = covered or (bool(path) and _has_source(node))
            top_sourced = not path and _has_source(node)
            for key, value in node.items():
                scalar = not isinstance(value, dict | list)
                walk(value, (*path, str(key)), here or (top_sourced and scalar))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, str(i)), covered)
        elif isinstance(node, int | float) and not isinstance(node, bool) and not covered:
            found.append(".".join(path) or "<root>")

    walk(doc, (), False)
    return found


def check_data_sources(folder: Path) -> None:
    """Refuse a data folder with a number that names no source and is not marked an assumption.

    Raises:
        InputError: naming the first such number's file, line and path, and how many more.
    """
    missing: list[tuple[Path, str, int | None]] = []
    for path in sorted(folder.glob("*.yaml")):
        data, lines = load_yaml(path)
        for dotted in unsourced_numbers(data):
            missing.append((path, dotted, line_of(lines, dotted.split("."))))
    if missing:
        path, dotted, line = missing[0]
        more = f" ({len(missing) - 1} more in {folder})" if len(missing) > 1 else ""
        raise InputError(
            f"a number with no source: or assumption: at or above it{more}",
            file=str(path),
            line=line,
            field=dotted,
            valid="add source: (a key from docs/MODEL.md) or assumption: (and why)",
        )


def check_data_as_run(folder: Path, catalog: Catalog) -> None:
    """Read every file of ``folder`` as a run does and build the default city on it.

    satellites.yaml, destinations.yaml and pulse_stores.yaml are read by a run through the same
    loaders (their schemas, the stages and figure sets a run needs); the items they name must be
    in materials.yaml; and the satellite, its kick stage and the pulsed store are sized at every
    destination with the default scenario, and the default city is built at every site (the
    planner's costs through the chain), so data no run can use fail here, not in a run.

    Raises:
        InputError: naming the file, the field and what would be valid.
    """
    from lunarcity.space.pulse import kind_for_bom, load_pulse_stores
    from lunarcity.space.satellite import SATELLITES_FILE, load_satellites
    from lunarcity.space.thesis import plan_thesis
    from lunarcity.space.trajectory import DESTINATIONS_FILE, load_destinations
    from lunarcity.world.scenario import resolve_scenario

    sats = load_satellites(folder)
    trips = load_destinations(folder)
    load_pulse_stores(folder)
    # A store's cells need be an item only when a unit is built of them (kind_for_bom below);
    # the satellite's components are its recipe's inputs in every run.
    for name, figures in sats.figure_sets.items():
        for part, comp in figures.components.items():
            if comp.item not in catalog.items:
                raise unknown(
                    "item",
                    comp.item,
                    catalog.items,
                    file=str(folder / SATELLITES_FILE),
                    field=f"figure_sets.{name}.components.{part}.item",
                    valid="an item of materials.yaml",
                )
    for unit in catalog.units.values():
        if unit.role == "pulse" and unit.bom:
            kind_for_bom(unit.bom, folder)
    # The default city built at every site: the planner's costs through the chain and the
    # launcher's store are worked out as a run's first day needs them.
    from lunarcity.model import LunarCity

    def where(exc: InputError, file: Path, what: str) -> InputError:
        # The run's own error, said of the data: which file and what was being built.
        return InputError(
            f"{what}: {exc.message}",
            file=exc.file or str(file),
            line=exc.line,
            field=exc.field,
            valid=exc.valid,
        )

    for site in catalog.sites:
        try:
            LunarCity(resolve_scenario(None, {"site.name": site}, catalog=catalog), catalog=catalog)
        except InputError as exc:
            raise where(exc, folder, f"the default city at site {site}") from None
    for name in trips.destinations:
        try:
            plan_thesis(
                resolve_scenario(None, {"satellite.destination": name}, catalog=catalog), catalog
            )
        except InputError as exc:
            raise where(exc, folder / DESTINATIONS_FILE, f"at destination {name}") from None


def scenario_notes(scenario: Scenario, catalog: Catalog) -> list[str]:
    """What a valid scenario will go without, one line each (information, not a fault).

    A unit kind the city cannot build (no bill of materials, or its fab is off) and that no
    lander can bring (imports are off, or it is heavier than a lander's payload): the city has
    only the seed's units of it, or none, and grows with the kinds it has. The presets do this on
    purpose (Metzger's pilot plants are seed hardware), so it is said as information. And a run
    longer than ``run.years`` because Earth stops (``earth.until_years``): it says so.
    """
    out: list[str] = []
    asked = int(round(scenario.run.years * DAYS_PER_YEAR))
    if scenario.days > asked:
        out.append(
            f"earth.until_years: the run goes on to {scenario.days:,} days, not run.years' "
            f"{asked:,}: it continues five years past the last lander "
            f"(year {scenario.earth.until_years:g}) so growth without Earth can be seen"
        )
    econ = scenario_economy(scenario, scenario_catalog(scenario, catalog))
    earth = scenario.earth
    payload_kg = earth.lander_payload_t * KG_PER_T
    for kind, spec in catalog.units.items():
        override = scenario.units.get(kind)
        enabled = override.enabled if override and override.enabled is not None else spec.enabled
        if not enabled or spec.role == "satellite" or f"assemble:{kind}" in econ.processes:
            continue
        why = "has no bill of materials" if not spec.local else "needs a fab kind that is off"
        # What is seeded exists; no more can come.
        seeded = scenario.seed.units.get(kind, 0)
        if seeded:
            why += f" (only the seed's {seeded} will ever exist)"
        if not earth.imports:
            out.append(
                f"units.{kind}: can be neither built nor landed: it {why}, so only Earth makes "
                "it, and earth.imports is false"
            )
        elif spec.mass_kg > payload_kg:
            out.append(
                f"units.{kind}: can be neither built nor landed: it {why}, so only Earth makes "
                f"it, and at {spec.mass_kg / KG_PER_T:g} t it is heavier than a lander's "
                f"{earth.lander_payload_t:g} t payload (earth.lander_payload_t)"
            )
    return out


def scenario_warnings(scenario: Scenario, catalog: Catalog) -> list[str]:
    """Ways a valid scenario cannot work as written, one line each (empty when none).

    A seed with no robots: no labour, so nothing is mined, hauled or built. No target parts:
    nothing to complete, so no run is ever complete.
    """
    out: list[str] = []
    earth = scenario.earth
    robots = [k for k, s in catalog.units.items() if s.role == "robot"]
    landed = earth.imports and any(earth.carries.get(k, 0) > 0 for k in robots)
    if not landed and not any(scenario.seed.units.get(k, 0) for k in robots):
        out.append(
            "seed.units: the seed lands no robot: with no labour nothing is mined, hauled or "
            f"built, so the city cannot grow (add e.g. {robots[0] if robots else 'robot'}: 6)"
        )
    if not scenario.target.parts:
        out.append(
            "target.parts: no target parts (the default): the city can never be complete (add "
            "e.g. industrial_mass: {metric: industrial_mass_t, at_least: 40000})"
        )
    return out

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

from lunarcity.catalog import Catalog
from lunarcity.errors import InputError
from lunarcity.model_economy import scenario_economy
from lunarcity.scenario import Scenario
from lunarcity.yamlio import line_of, load_yaml

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


def scenario_warnings(scenario: Scenario, catalog: Catalog) -> list[str]:
    """Ways a valid scenario cannot work as written, one line each (empty when none).

    - a unit kind the city cannot build (no bill of materials, or its fab is off) and that no
      lander can bring: imports are off, or the kind is heavier than a lander's payload;
    - a seed with no robots: no labour, so nothing is mined, hauled or built.
    """
    out: list[str] = []
    econ = scenario_economy(scenario, catalog)
    earth = scenario.earth
    payload_kg = earth.lander_payload_t * 1000.0
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
                f"it, and at {spec.mass_kg / 1000:g} t it is heavier than a lander's "
                f"{earth.lander_payload_t:g} t payload (earth.lander_payload_t)"
            )
    robots = [k for k, s in catalog.units.items() if s.role == "robot"]
    landed = earth.imports and any(earth.carries.get(k, 0) > 0 for k in robots)
    if not landed and not any(scenario.seed.units.get(k, 0) for k in robots):
        out.append(
            "seed.units: the seed lands no robot: with no labour nothing is mined, hauled or "
            f"built, so the city cannot grow (add e.g. {robots[0] if robots else 'robot'}: 6)"
        )
    return out

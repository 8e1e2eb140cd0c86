"""The reference data: every number sourced, every recipe balanced, every bill of materials whole.

These tests read the YAML files themselves (not only through :class:`lunarcity.catalog.Catalog`),
so a loader bug cannot hide a data error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from lunarcity.catalog import Catalog

REPO = Path(__file__).resolve().parent.parent
YAML_FILES = sorted(
    [
        *(REPO / "data").glob("*.yaml"),
        *(REPO / "models").glob("*.yaml"),
        *(REPO / "models" / "sweeps").glob("*.yaml"),
    ]
)
REL_TOL = 1e-9


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _has_source(mapping: dict[Any, Any]) -> bool:
    return any(str(k).startswith(("source", "assumption")) for k in mapping)


def unsourced_numbers(doc: Any) -> list[str]:
    """Dotted paths of numbers with no ``source``/``assumption`` key at or above them.

    The document's root is the file's top-level collection (``recipes:``, ``units:``, or a
    scenario's sections): a ``source`` there vouches for the numbers written directly beside it
    (a sweep spec's ``years``), not for everything nested below, or one line would cover a file.
    """
    found: list[str] = []

    def walk(node: Any, path: tuple[str, ...], covered: bool) -> None:
        if isinstance(node, dict):
            here = covered or (bool(path) and _has_source(node))
            root_sourced = not path and _has_source(node)
            for key, value in node.items():
                is_scalar = not isinstance(value, dict | list)
                walk(value, (*path, str(key)), here or (root_sourced and is_scalar))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, str(i)), covered)
        elif isinstance(node, int | float) and not isinstance(node, bool) and not covered:
            found.append(".".join(path) or "<root>")

    walk(doc, (), False)
    return found


def test_yaml_files_found() -> None:
    names = {p.name for p in YAML_FILES}
    assert {"materials.yaml", "recipes.yaml", "units.yaml", "sites.yaml"} <= names
    assert "ten_year_city.yaml" in names


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_number_has_a_source_or_assumption(path: Path) -> None:
    missing = unsourced_numbers(_read(path))
    assert not missing, (
        f"{path.relative_to(REPO)}: numbers with no source: or assumption: at or above them: "
        f"{', '.join(missing)}"
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"units": {"robot": {"mass_kg": 2200}}}, ["units.robot.mass_kg"]),
        ({"units": {"robot": {"mass_kg": 2200, "source": "AASM80"}}}, []),
        ({"units": {"robot": {"mass_kg": 2200, "assumption_mass": "ours"}}}, []),
        ({"source": "the whole file", "run": {"years": 10}}, ["run.years"]),
        (
            {"run": {"years": 10, "assumption": "x"}, "seed": {"units": {"robot": 3}}},
            ["seed.units.robot"],
        ),
        (
            {"sites": {"a": {"grid": {"w": 1.5, "source": "x"}, "lit": [0.5, 0.9]}}},
            ["sites.a.lit.0", "sites.a.lit.1"],
        ),
        ({"a": {"enabled": True, "name": "x"}}, []),
        ({"sweep": {"values": [1, 2], "source": "x"}}, []),
        ({"n": 3}, ["n"]),
        (
            {"assumption": "a test sweep", "years": 1, "design": {"replicates": 2}},
            ["design.replicates"],
        ),
    ],
)
def test_unsourced_numbers_walker(doc: Any, expected: list[str]) -> None:
    # The check above must be able to fail: a number with no source is found, one with it is not.
    assert unsourced_numbers(doc) == expected


# -- recipes conserve mass at every site -------------------------------------------------------
#: The element each refined material is (for checking recoveries element by element).
ELEMENT_OF = {"oxygen": "O", "iron": "Fe", "aluminium": "Al", "silicon": "Si", "titanium": "Ti"}


def _recipe_outputs_by_hand(
    recipe: dict[str, Any], composition: dict[str, float], raw: set[str]
) -> dict[str, float]:
    """A recipe's outputs per batch, computed from the YAML alone (no Catalog)."""
    outputs = dict(recipe.get("outputs", {}))
    if recipe.get("recovery"):
        feed = sum(q for item, q in recipe["inputs"].items() if item in raw)
        # Element by element: what is recovered goes to its item, the rest of every element
        # (unrecovered shares, and elements with no recovery at all) to the remainder. The
        # remainder is built from the elements, not as inputs minus outputs, so the mass
        # balance below is a check and not a definition.
        left = 0.0
        for element, share in composition.items():
            held = feed * share
            rec = recipe["recovery"].get(element)
            if rec is None:
                left += held
                continue
            # Chemistry by hand: a recovered item is the element it is named for.
            assert ELEMENT_OF.get(rec["item"]) == element, f"{element} recovered as {rec['item']}"
            got = held * rec["fraction"]
            assert got <= held, f"{element}: recovered more than the feed holds"
            outputs[rec["item"]] = outputs.get(rec["item"], 0.0) + got
            left += held - got
        outputs[recipe["remainder"]] = outputs.get(recipe["remainder"], 0.0) + left
    return outputs


def _recipes_at_sites() -> list[tuple[str, str]]:
    recipes = _read(REPO / "data" / "recipes.yaml")["recipes"]
    sites = _read(REPO / "data" / "sites.yaml")["sites"]
    return [(r, s) for r in recipes for s in sites]


@pytest.mark.parametrize(("recipe_name", "site"), _recipes_at_sites())
def test_recipe_conserves_mass_at_site(recipe_name: str, site: str) -> None:
    recipe = _read(REPO / "data" / "recipes.yaml")["recipes"][recipe_name]
    sites_file = _read(REPO / "data" / "sites.yaml")
    items = _read(REPO / "data" / "materials.yaml")["items"]
    composition = sites_file["regolith"][sites_file["sites"][site]["regolith"]]["composition"]
    raw = {name for name, item in items.items() if item["kind"] == "raw"}
    outputs = _recipe_outputs_by_hand(recipe, composition, raw)
    if recipe.get("recovery"):
        # No refined material leaves with more of its element than the feed brought in.
        feed = sum(q for item, q in recipe["inputs"].items() if item in raw)
        for item, element in ELEMENT_OF.items():
            if item in outputs:
                assert outputs[item] <= feed * composition[element], f"{item} at {site}"
    mass_in, mass_out = sum(recipe["inputs"].values()), sum(outputs.values())
    assert mass_in > 0
    assert mass_out == pytest.approx(mass_in, rel=REL_TOL), f"{recipe_name} at {site}"
    # A remainder made to balance must not be negative: recovery cannot exceed the feed.
    assert all(q > 0 for q in outputs.values()), f"{recipe_name} at {site}: {outputs}"
    # The loader agrees with the hand calculation.
    catalog = Catalog.load(REPO / "data")
    loaded = catalog.recipe_outputs(catalog.recipes[recipe_name], site)
    assert loaded.keys() == outputs.keys()
    for item, q in outputs.items():
        assert loaded[item] == pytest.approx(q, rel=REL_TOL)


def test_regolith_recovery_matches_facts_oxygen_yield() -> None:
    # MRE studies report 20-30 kg O2 per 100 kg regolith (GZ23); both sites must stay inside that range.
    catalog = Catalog.load(REPO / "data")
    recipe = catalog.recipes["regolith_electrolysis"]
    for site in catalog.sites:
        oxygen = catalog.recipe_outputs(recipe, site)["oxygen"]
        feed = recipe.inputs["regolith"]
        assert 0.20 <= oxygen / feed <= 0.30, site


# -- units ---------------------------------------------------------------------------------------
def _units() -> dict[str, dict[str, Any]]:
    return _read(REPO / "data" / "units.yaml")["units"]


@pytest.mark.parametrize("unit", list(_units()))
def test_unit_bom_sums_to_mass(unit: str) -> None:
    spec = _units()[unit]
    assert spec["mass_kg"] > 0
    if "bom" not in spec:
        return  # landed whole from Earth (e.g. the fission unit)
    assert sum(spec["bom"].values()) == pytest.approx(spec["mass_kg"], rel=REL_TOL), unit
    items = _read(REPO / "data" / "materials.yaml")["items"]
    assert set(spec["bom"]) <= set(items), f"{unit}: bom names unknown items"


def test_regolith_compositions_sum_to_one() -> None:
    for name, reg in _read(REPO / "data" / "sites.yaml")["regolith"].items():
        assert sum(reg["composition"].values()) == pytest.approx(1.0, abs=1e-9), name

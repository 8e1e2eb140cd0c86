"""The reference data: every number sourced, every recipe balanced, every bill of materials whole.

These tests read the YAML files themselves (not only through :class:`lunarcity.world.catalog.Catalog`),
so a loader bug cannot hide a data error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from lunarcity.world.catalog import Catalog
from lunarcity.world.input_checks import unsourced_numbers
from lunarcity.world.routes import routed_catalog

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


# -- recipes conserve mass and every element at every soil ---------------------------------------
def _recipes_at_soils() -> list[tuple[str, str]]:
    recipes = _read(REPO / "data" / "recipes.yaml")["recipes"]
    soils = _read(REPO / "data" / "sites.yaml")["regolith"]
    return [(r, s) for r in recipes for s in soils]


@pytest.mark.parametrize(("recipe_name", "soil"), _recipes_at_soils())
def test_recipe_makes_no_element_and_balances_mass(recipe_name: str, soil: str) -> None:
    """Every recipe at every soil: each element out equals the same element in (none is made,
    none lost), every output is positive, and the outputs' masses add up to the inputs'."""
    catalog = Catalog.load(REPO / "data")
    recipe = catalog.recipes[recipe_name]
    if recipe.route is not None:
        # A route's recipe is derived in the catalog that chooses it, under the name it replaces.
        catalog = routed_catalog(catalog, recipe.route)
        recipe_name = recipe.replaces
        recipe = catalog.recipes[recipe_name]
    chem = catalog.chemistry(soil)
    outputs = chem.outputs[recipe_name]
    assert all(q > 0 for q in outputs.values()), f"{recipe_name} at {soil}: {outputs}"
    mass_in, mass_out = sum(recipe.inputs.values()), sum(outputs.values())
    assert mass_out == pytest.approx(mass_in, rel=REL_TOL), f"{recipe_name} at {soil}"
    # Element by element, from the items' compositions (each sums to one).
    for item in [*recipe.inputs, *outputs]:
        assert sum(chem.compositions[item].values()) == pytest.approx(1.0, abs=1e-9), item
    el_in = chem.elements_of(recipe.inputs)
    el_out = chem.elements_of(outputs)
    for element in set(el_in) | set(el_out):
        assert el_out.get(element, 0.0) == pytest.approx(
            el_in.get(element, 0.0), rel=1e-9, abs=1e-9 * mass_in
        ), f"{recipe_name} at {soil}: {element}"


def test_electrolysis_worked_by_hand_against_gz23() -> None:
    """MRE of 1,000 kg of Apollo 16 soil (LSB91 tab 7.15), all FeO and 69 % of SiO2 reduced.

    By hand: FeO 5.1 % holds 51 x 55.845/71.844 = 39.64 kg Fe and frees 39.64 x 15.999/55.845
    = 11.36 kg O; SiO2 45.0 % holds 450 x 28.086/60.084 = 210.35 kg Si, 69 % of it 145.14 kg,
    freeing 145.14 x 31.998/28.086 = 165.36 kg O. O2 176.72 kg, alloy 184.78 kg (78.5 % Si),
    slag the other 638.50 kg. GZ23's plant: 23.9 t O2 to 25 t FeSi (0.956; ours 0.956), alloy
    ~78 % Si. FACTS' MRE yield 20-30 kg O2 per 100 kg counts all oxygen a cell can free; this
    recipe frees only what the FeSi product carries (CH92: Al, Ca, Mg stay in the slag).
    """
    catalog = Catalog.load(REPO / "data")
    out = catalog.chemistry("highland").outputs["regolith_electrolysis"]
    assert out["oxygen"] == pytest.approx(176.72, abs=0.05)
    assert out["ferrosilicon"] == pytest.approx(184.78, abs=0.05)
    assert out["slag"] == pytest.approx(638.50, abs=0.05)
    assert out["oxygen"] / out["ferrosilicon"] == pytest.approx(23.9 / 25.0, rel=0.01)
    si = catalog.chemistry("highland").compositions["ferrosilicon"]["Si"]
    assert si == pytest.approx(0.785, abs=0.005)


def test_plant_rate_follows_gz23_without_its_power_and_excavation() -> None:
    """By hand: GZ23's 6,776 kg less 1,001 kg of power and 302 kg of excavation leaves 5,473 kg
    treating 135.2 t of regolith a year; our 10 t plant: 247.1 t/yr = 28.19 kg/h, 35.47 h/t."""
    catalog = Catalog.load(REPO / "data")
    recipe = catalog.recipes["regolith_electrolysis"]
    plant = catalog.units["regolith_plant"].mass_kg
    regolith_per_year = 23_900 / 0.17672
    core = 6_776 - 1_001 - 302
    kg_per_h = plant * regolith_per_year / core / 8_766
    assert recipe.time_h == pytest.approx(1_000 / kg_per_h, rel=2e-3)


def test_aluminium_only_from_salt_reduction_with_earth_consumables() -> None:
    """No recipe but molten-salt reduction makes aluminium; it needs salt and anodes that no
    local recipe makes (vitamins)."""
    catalog = Catalog.load(REPO / "data")
    makers = [
        n
        for n, r in catalog.recipes.items()
        if r.route is None  # a route's recipes make the route's parts (test_routes.py)
        and "aluminium" in catalog.chemistry("highland").outputs[n]
        and not r.follows_scrap
    ]
    assert makers == ["salt_reduction"]
    local = {i for out in catalog.chemistry("highland").outputs.values() for i in out}
    for consumable in ("calcium_chloride", "anode"):
        assert consumable in catalog.recipes["salt_reduction"].inputs
        assert consumable not in local


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
    catalog = Catalog.load(REPO / "data")
    for name, reg in catalog.regolith.items():
        assert sum(reg.composition.values()) == pytest.approx(1.0, abs=1e-9), name
    # By hand (LSB91 Apollo 16): SiO2 45.0 % is 45.0 x 28.086/60.084 = 21.04 % Si.
    assert catalog.regolith["highland"].composition["Si"] == pytest.approx(0.21035, abs=1e-4)

"""Technology routes and make-up ranges (lunarcity/world/routes.py, issue 24 item 3).

The salt cell's calcium chloride and anode make-up is a sourced range a scenario samples
(``economy.make_up``, an uncertainty), and the salt-free route (``economy.route: salt_free``, a
lever) makes the city's aluminium parts of iron and silicon, so a city on it lands no salt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from lunarcity.errors import InputError
from lunarcity.model import LunarCity
from lunarcity.space.thesis import plan_thesis
from lunarcity.world.catalog import default_catalog
from lunarcity.world.roles import Role, role_of
from lunarcity.world.routes import routed_catalog, scenario_catalog
from lunarcity.world.scenario import resolve_scenario
from lunarcity.world.scenario_economy import scenario_economy


def test_route_recipes_worked_by_hand() -> None:
    """Each salt-free recipe balances and carries the aluminium recipe's duty, by hand.

    Structure: members sized by stiffness and buckling weigh as density / sqrt(E): iron
    7,870 / sqrt(211) = 541.8, aluminium 2,700 / sqrt(70) = 322.7, ratio 1.679 -> 1.68.
    Wire at equal resistance weighs as resistivity x density: 9.71e-8 x 7,870 = 7.642e-4 against
    2.65e-8 x 2,700 = 7.155e-5, ratio 10.68 -> 10.7.
    Storage cells: 300 kg of aluminium cases become 1.68 x 300 = 504 kg of iron, so 1,000 kg of
    the aluminium cells' duty weighs 500 + 504 + 100 + 100 = 1,204 kg; per 1,000 kg of the new
    cells: iron 1,004 / 1.204 = 833.9, silicon and glass 100 / 1.204 = 83.06 (the data rounds the
    two to 83.05 so the recipe sums to 1,000).
    Electronics: the same 504 kg of iron housings: 1,204 kg; the chips per board stay 100 kg:
    83.06 kg per 1,000 kg x 1.204 = 100.0.
    """
    recipes = default_catalog().recipes
    stiff = 7870 / math.sqrt(211) / (2700 / math.sqrt(70))
    assert recipes["structure_iron"].mass_factor == pytest.approx(stiff, abs=0.005)
    conductor = 9.71e-8 * 7870 / (2.65e-8 * 2700)
    assert recipes["wire_iron"].mass_factor == pytest.approx(conductor, abs=0.05)
    cells = recipes["storage_cells_iron"]
    assert cells.mass_factor == pytest.approx((500 + 1.68 * 300 + 100 + 100) / 1000)
    assert cells.inputs["iron"] == pytest.approx(1004 / 1.204, abs=0.05)
    assert cells.inputs["silicon"] == pytest.approx(100 / 1.204, abs=0.02)
    boards = recipes["electronics_iron"]
    assert boards.inputs["chips"] * boards.mass_factor / 1000 == pytest.approx(0.1, rel=1e-3)
    for name in (
        "structure_iron",
        "wire_iron",
        "storage_cells_iron",
        "solar_cells_iron",
        "electronics_iron",
        "compute_module_silicon",
    ):
        recipe = recipes[name]
        assert recipe.route == "salt_free"
        assert math.fsum(recipe.inputs.values()) == pytest.approx(1000, abs=1e-6), name
        assert math.fsum(recipe.outputs.values()) == pytest.approx(1000, abs=1e-6), name
        assert "aluminium" not in recipe.inputs, name


def test_salt_free_catalog_scales_a_robot_by_hand() -> None:
    """The robot's bill (data/units.yaml: structure 1,200, motors 500, electronics 200, wire
    150, bearings 100, storage cells 50) on the salt-free route: 1,200 x 1.68 = 2,016 +
    500 + 200 x 1.204 = 240.8 + 150 x 10.7 = 1,605 + 100 + 50 x 1.204 = 60.2 = 4,522 kg, against
    2,200 kg; its chips stay 200 x 0.1 = 20 kg = 240.8 x 0.08306."""
    base = default_catalog()
    routed = routed_catalog(base, "salt_free")
    robot = routed.units["robot"]
    assert robot.mass_kg == pytest.approx(4522.0)
    assert robot.bom["structure"] == pytest.approx(2016.0)
    assert robot.bom["wire"] == pytest.approx(1605.0)
    assert base.units["robot"].mass_kg == 2200  # the data itself is untouched
    assert robot.bom["electronics"] * routed.recipes["electronics"].inputs["chips"] / 1000 == (
        pytest.approx(20.0, abs=0.01)
    )
    # The route's recipe runs under the replaced recipe's name; no route recipe is left over.
    assert routed.recipes["structure"].inputs == {"iron": 1000.0}
    assert all(r.route is None for r in routed.recipes.values())
    # Nothing the salt-free city runs takes aluminium in, so the salt cell is never pulled.
    econ = scenario_economy(resolve_scenario("ten_year_city"), routed)
    takers = [p.name for p in econ.processes.values() if "aluminium" in p.inputs]
    assert takers == []


def test_make_up_is_a_sampled_uncertainty_inside_its_range() -> None:
    """``--set economy.make_up.calcium_chloride=4.5`` (the range's low end, KD14's 15 kg per t
    of metal x 0.3 t of alloy per t of slag) gives the salt cell 1,000 + 4.5 + 3 = 1,007.5 kg in,
    and 4.5 kg of spent salt out: the recipe still balances."""
    assert role_of("economy.make_up.calcium_chloride") is Role.UNCERTAINTY
    assert role_of("economy.route") is Role.LEVER
    sc = resolve_scenario("ten_year_city", sets=["economy.make_up.calcium_chloride=4.5"])
    cell = scenario_catalog(sc, default_catalog()).recipes["salt_reduction"]
    assert cell.inputs == {"slag": 1000, "calcium_chloride": 4.5, "anode": 3}
    assert cell.outputs == {"spent_salt": 4.5, "spent_anode": 3}
    assert math.fsum(cell.inputs.values()) == pytest.approx(1007.5)
    # A run takes the figure: its economy's salt cell consumes 4.5 kg per batch.
    m = LunarCity(sc, run__years=0.01)
    assert m.econ.processes["salt_reduction"].inputs["calcium_chloride"] == 4.5


@pytest.mark.parametrize(
    ("sets", "field"),
    [
        (["economy.make_up.calcium_chloride=40"], "economy.make_up.calcium_chloride"),
        (["economy.make_up.slag=10"], "economy.make_up.slag"),
        (["economy.route=salt_freee"], "economy.route"),
    ],
)
def test_bad_route_or_make_up_is_one_line(sets: list[str], field: str) -> None:
    """Outside the published range, an input with no range, an unknown route: one clear line."""
    with pytest.raises(InputError) as err:
        resolve_scenario("ten_year_city", sets=sets)
    assert err.value.field == field
    assert "\n" not in err.value.render()


@dataclass
class TwoYears:
    """A two-year city, its industrial mass after day 1, and each day's recipes planned with
    no output the plan needs."""

    city: LunarCity
    day1_t: float
    unpulled: list[tuple[int, str]]


def _two_years(route: str | None) -> TwoYears:
    m = LunarCity("ten_year_city", seed=1, run__years=2, economy__route=route)
    m.step()
    day1_t = m.summary()["industrial_mass_t"]
    unpulled: list[tuple[int, str]] = []
    outputs = [np.flatnonzero(row > 0) for row in m.arrays.r_out]
    while m.running:
        m.step()
        plan = m.today.plan
        for r in np.flatnonzero(plan.batches > 0):
            if not (plan.need[outputs[r]] > 0).any():
                unpulled.append((m.day, m.arrays.recipes[r]))
    return TwoYears(m, day1_t, unpulled)


@pytest.fixture(scope="module")
def default_two_years() -> TwoYears:
    """The default city for two years, shared by the tests below (one run)."""
    return _two_years(None)


def test_salt_free_city_lands_no_calcium_chloride(default_two_years: TwoYears) -> None:
    """Two years of the default city on each route: the salt-free city lands no calcium
    chloride or anodes and still grows; the default city does land salt (so this can fail)."""
    landed = {}
    for route, run in ((None, default_two_years), ("salt_free", _two_years("salt_free"))):
        m = run.city
        salt, anode = (m.stocks.landed_item[m.index[i]] for i in ("calcium_chloride", "anode"))
        landed[route] = (salt, anode, m.summary()["industrial_mass_t"] / run.day1_t)
        assert run.unpulled == [], route
    assert landed[None][0] > 0
    assert landed["salt_free"][:2] == (0.0, 0.0)
    assert landed["salt_free"][2] > 2  # the city more than doubles in two years on iron


def test_no_recipe_runs_for_outputs_nobody_pulls(default_two_years: TwoYears) -> None:
    """Every day, each recipe the plan runs has an output today's plan needs (lunarcity/stages/plan.py:
    batches come from the gap between the stock kept and the stock held, output by output)."""
    assert default_two_years.unpulled == []
    assert sum(default_two_years.city.recipe_book.ran) > 0  # the plan did run recipes


def test_co_products_reported_with_their_energy(default_two_years: TwoYears) -> None:
    """Silicon refining, pulled for iron, piles up silicon; the summary reports it and what its
    making cost: the recipe's 1,500 kWh per t of ferrosilicon shared by mass between the silicon
    s kg and the iron (1,000 - s) kg it gives is 1,500 x s / 1,000 kWh for s kg of silicon,
    1.5 MWh per t of silicon whatever the soil, so the surplus costs 1.5 MWh per t."""
    block = default_two_years.city.summary()["co_products"]
    silicon = block["items"]["silicon"]
    assert silicon["surplus_t"] > 100  # a pile, not rounding
    assert silicon["surplus_t"] <= silicon["stock_t"] <= silicon["made_t"]
    assert silicon["energy_mwh"] == pytest.approx(1.5 * silicon["surplus_t"], rel=1e-9)
    assert block["energy_mwh"] == pytest.approx(
        math.fsum(v["energy_mwh"] for v in block["items"].values())
    )
    assert 0 < block["share_of_fab_energy"] < 1
    # Waste (spent salt, kerf, swarf) is not a co-product: nothing would use it.
    assert not {"spent_salt", "spent_anode", "salt_residue"} & set(block["items"])


def test_one_more_satellite_needs_no_salt_on_the_salt_free_route() -> None:
    """The thesis's marginal satellite (lunarcity/space/margin.py) is costed in the route's catalog:
    its Earth-made kg hold calcium chloride on the default route and none on salt_free."""
    salt = {}
    for sets in ([], ["economy.route=salt_free"]):
        sc = resolve_scenario("ten_year_city", sets=sets)
        salt[bool(sets)] = plan_thesis(sc, scenario_catalog(sc, default_catalog())).marginal.salt_kg
    assert salt[False] > 0
    assert salt[True] == 0

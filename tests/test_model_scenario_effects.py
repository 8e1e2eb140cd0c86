"""Scenario settings the growth laws depend on reach the running model.

Each of these was once accepted by the schema and silently ignored (or crashed the model):
a unit's assembly time per kg, ``enabled: false`` on a unit that is not a fab,
``planner.replicate: false``, and a mass-driver track whose length is an odd number of cells.
"""

from __future__ import annotations

import pytest

from lunarcity.model import LunarCity
from lunarcity.world.catalog import default_catalog


def test_assembly_time_per_kg_sets_every_units_labour() -> None:
    units = default_catalog().units
    m = LunarCity(
        "ten_year_city",
        units__robot__assembly_s_per_kg=600.0,
        units__solar_plant__assembly_s_per_kg=30.0,
    )
    base = LunarCity("ten_year_city")
    assert m.costs["robot"].assembly_days == pytest.approx(units["robot"].mass_kg * 600 / 86400)
    assert m.costs["solar_plant"].assembly_days == pytest.approx(
        units["solar_plant"].mass_kg * 30 / 86400
    )
    assert m.costs["metal_works"].assembly_days == base.costs["metal_works"].assembly_days


def test_a_disabled_unit_is_never_built() -> None:
    # AASM80's factory had no night-time storage: the preset disables storage banks.
    m = LunarCity("aasm1980_lmf", run__years=0.3)
    assert "storage_bank" not in m.buildable and "storage_bank" not in m.plan_basis.growth_kinds
    assert "storage_bank" not in m.plan_basis.base_mix
    while m.running:
        m.step()
    assert int(m.daily()["units_storage_bank"].max()) == 0


@pytest.mark.parametrize("policy", ["grow_then_produce", "bottleneck_first", "fixed_mix"])
def test_a_city_that_does_not_replicate_still_plans(policy: str) -> None:
    m = LunarCity("ten_year_city", run__years=0.1, planner__replicate=False, planner__policy=policy)
    assert m.plan_basis.growth_kinds and all(
        m.unit_spec(k).role not in ("robot", "fab") for k in m.plan_basis.growth_kinds
    )
    assert sum(m.plan_basis.base_mix.values()) == pytest.approx(1.0)
    while m.running:
        m.step()
    # Built here (builder != 0; landed units have none): no robot or fab, but other units.
    built = {k: int((m.fleet.tables[k]["builder"] != 0).sum()) for k in m.agent_kinds}
    roles = {k: m.unit_spec(k).role for k in m.agent_kinds}
    assert all(n == 0 for k, n in built.items() if roles[k] in ("robot", "fab")), built
    assert built["solar_plant"] >= 10, built  # 36 days of ~10 robot-days at 4.5 per plant


# Worked by hand: L = v^2 / 2a at a = 100 g = 980.665 m/s^2, and 100 m segments
# (data/units.yaml rail_segment), so ceil(L / 100) segments make the track:
#   0.1 km/s:     10,000 / 1,961.33 =     5.10 m ->  1 segment (the schema's slowest)
#   0.5 km/s:    250,000 / 1,961.33 =   127.46 m ->  2
#   1.0 km/s:  1,000,000 / 1,961.33 =   509.86 m ->  6
#   1.5 km/s:  2,250,000 / 1,961.33 = 1,147.18 m -> 12
#   2.0 km/s:  4,000,000 / 1,961.33 = 2,039.43 m -> 21
#   2.376 km/s: 5,645,376 / 1,961.33 = 2,878.34 m -> 29
#   2.4 km/s:  5,760,000 / 1,961.33 = 2,936.78 m -> 30
TRACKS = [
    (0.1, 5.10, 1), (0.5, 127.46, 2), (1.0, 509.86, 6), (1.5, 1147.18, 12),
    (2.0, 2039.43, 21), (2.376, 2878.34, 29), (2.4, 2936.78, 30),
]  # fmt: skip


@pytest.mark.parametrize(("speed_km_s", "track_m", "segments"), TRACKS)
def test_any_track_that_fits_the_site_can_be_completed(
    speed_km_s: float, track_m: float, segments: int
) -> None:
    def city(n: int) -> LunarCity:
        # The segments landed with the seed, so the track is complete (or one short) on day 1.
        m = LunarCity(
            "ten_year_city", run__years=0.01, mass_driver__launch_speed_km_s=speed_km_s,
            seed__units__rail_segment=n,
        )  # fmt: skip
        m.step()
        return m

    m = city(segments)
    assert m.track.length_m == pytest.approx(track_m, abs=0.01)
    assert m.track.slots == segments  # no more slots than the track needs
    d = m.daily()
    assert int(d["mass_driver_operating"][-1]) == 1
    assert float(d["rail_length_m"][-1]) == 100.0 * segments
    # One segment short, the driver does not run.
    short = city(segments - 1).daily()
    assert int(short["mass_driver_operating"][-1]) == 0
    assert float(short["rail_length_m"][-1]) == 100.0 * (segments - 1)


def test_a_short_track_launches_satellites() -> None:
    m = LunarCity(
        "ten_year_city",
        seed=2,
        run__years=1.0,  # long enough to lay the track and then build its pulsed store
        mass_driver__launch_speed_km_s=0.1,  # a 5 m track: one segment
        planner__produce_after_years=0.0,
        economy__unlimited_materials=True,
        economy__unlimited_power=True,
    )
    while m.running:
        m.step()
    d = m.daily()
    assert int(d["mass_driver_operating"].max()) == 1
    assert m.ledger.satellites_launched > 0 and m.ledger.launched_kg > 0
    assert float(d["mass_balance_rel_error"].max()) < 1e-9

"""Scenario settings the growth laws depend on reach the running model.

Each of these was once accepted by the schema and silently ignored (or crashed the model):
a unit's assembly time per kg, ``enabled: false`` on a unit that is not a fab,
``planner.replicate: false``, and a mass-driver track whose length is an odd number of cells.
"""

from __future__ import annotations

import pytest

from lunarcity.catalog import default_catalog
from lunarcity.model import LunarCity


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


@pytest.mark.parametrize("speed_km_s", [0.05, 0.5, 1.0, 1.5, 2.0, 2.376, 2.4])
def test_any_track_that_fits_the_site_can_be_completed(speed_km_s: float) -> None:
    m = LunarCity("ten_year_city", mass_driver__launch_speed_km_s=speed_km_s)
    seg = m.catalog.units[m.rail_kind].segment_length_m
    assert m.track.fits
    assert m.track.slots * seg >= m.track.length_m
    assert (m.track.slots - 1) * seg < m.track.length_m  # no more segments than the track needs


def test_a_short_track_launches_satellites() -> None:
    m = LunarCity(
        "ten_year_city",
        seed=2,
        run__years=0.4,
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

"""The mass driver's pulsed store: a shot's energy and peak power, sizing, and the launch limit."""

from __future__ import annotations

import pytest

from lunarcity.errors import InputError
from lunarcity.space.pulse import Shot, shots_possible, size_store, store_kind


def test_shot_by_hand() -> None:
    # FACTS: 2 t at 2.5 km/s is 6.25 GJ; at 100 g the shot lasts ~2.5 s, ~5 GW at the muzzle.
    s = Shot(mass_kg=2000, speed_km_s=2.5, accel_g=100, efficiency=1.0)
    assert s.energy_kj == pytest.approx(0.5 * 2000 * 2500**2 / 1000)
    assert s.energy_kj == pytest.approx(6.25e6)
    assert s.duration_s == pytest.approx(2500 / (100 * 9.80665))
    assert s.peak_kw == pytest.approx(2000 * 100 * 9.80665 * 2500 / 1000)
    assert s.peak_kw == pytest.approx(4.9e6, rel=0.01)
    # Mean power is half the peak at constant acceleration.
    assert s.energy_kj / s.duration_s == pytest.approx(s.peak_kw / 2)
    # Losses come out of the store.
    assert Shot(2000, 2.5, 100, 0.5).energy_kj == pytest.approx(2 * s.energy_kj)


def test_store_sized_by_the_larger_of_energy_and_power() -> None:
    kind = store_kind("supercapacitor")
    s = Shot(mass_kg=2000, speed_km_s=2.5, accel_g=100, efficiency=0.9)
    # Supercapacitor cells 21.5 kJ/kg and 5.9 kW/kg (MXW), 70 % of a bank's mass.
    by_e = 0.5 * 2000 * 2500**2 / 0.9 / 1000 / (21.5 * 0.7)
    by_p = 2000 * 100 * 9.80665 * 2500 / 0.9 / 1000 / (5.9 * 0.7)
    sized = size_store(s, kind)
    assert sized.by_energy_kg == pytest.approx(by_e)
    assert sized.by_power_kg == pytest.approx(by_p)
    assert sized.mass_kg == pytest.approx(max(by_e, by_p))
    assert sized.sized_by == "power"  # a 2.5 s shot: power, not energy, decides the bank
    assert sized.earth_kg == pytest.approx(0.7 * sized.mass_kg)
    # A gentle shot (10 g, 25 s on the track) is sized by its energy instead.
    assert size_store(Shot(2000, 2.5, 10, 0.9), kind).sized_by == "energy"


def test_the_mass_driver_cannot_fire_faster_than_its_store_recharges() -> None:
    kind = store_kind("supercapacitor")
    s = Shot(mass_kg=2000, speed_km_s=2.4, accel_g=100, efficiency=0.9)
    bank = size_store(s, kind).mass_kg
    shot_kwh = 0.5 * 2000 * 2400**2 / 0.9 / 3.6e6  # 1,778 kWh
    # A day's charge of 2.5 shots' energy fires 2, whatever is waiting.
    assert shots_possible(bank, kind, s, 2.5 * shot_kwh, wanted=100) == 2
    assert shots_possible(bank, kind, s, 10 * shot_kwh, wanted=3) == 3
    assert shots_possible(bank, kind, s, 0.99 * shot_kwh, wanted=100) == 0
    # A bank too small for one shot's peak power fires nothing, however much charge it gets.
    assert shots_possible(0.99 * bank, kind, s, 100 * shot_kwh, wanted=100) == 0
    assert shots_possible(bank, kind, s, 100 * shot_kwh, wanted=0) == 0


def test_unknown_store_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown pulse store 'supercap'"):
        store_kind("supercap")

"""The thesis's fixed figures worked by hand: the direct route's satellite and the slow launch.

Each expected value is computed here from the figures in data/satellites.yaml and
data/destinations.yaml (the working in comments); the plan is reached through
``lunarcity.space.thesis.plan_thesis`` for a resolved scenario, with no model run.
"""

from __future__ import annotations

import math

import pytest

from lunarcity.space.thesis import plan_thesis
from lunarcity.world.catalog import default_catalog
from lunarcity.world.scenario import resolve_scenario

SIGMA = 5.670374419e-8  # W m^-2 K^-4
G0 = 9.80665  # m/s^2


def _plan(**overrides: object):  # noqa: ANN202
    return plan_thesis(resolve_scenario("ten_year_city", overrides), default_catalog())


def test_direct_route_flies_the_earth_built_satellite_and_its_transfer_stage() -> None:
    # To lunar orbit (worst-case sink 288 K over the dayside, data/destinations.yaml; 4.21 km/s
    # beyond LEO), 40 kW built on Earth for a 5 g launch: bus 40 / 0.95 x 1.03 = 43.368 kW of
    # heat; at 310 K a two-sided panel of emissivity 0.9 rejects 2 x 0.9 x sigma x (310^4 -
    # 288^4) = 0.2404 kW/m^2, so 180.4 m^2 at 7 kg/m^2.
    # Boards 4 kg/kW (160 kg), power electronics 1 kg/kW of bus (43.4), shielding 40, bus 100.
    # Eclipse (data/destinations.yaml): 0.78 h dark of a 1.963 h orbit. Batteries run the bus
    # through it at 30 % depth of discharge: 43.368 x 0.78 / 0.3 = 112.76 kWh at 120 Wh/kg, 939.6
    # kg. Arrays run the bus and recharge at 90 % round trip in the 1.183 h of sunlight:
    # 43.368 x (1 + 0.78 / (0.9 x 1.183)) = 75.14 kW at 100 W/kg, 751.4 kg. Structure 10 % of
    # all that at 5 g.
    plan = _plan(satellite__destination="lunar_orbit")
    bus = 40 / 0.95 * 1.03
    area = bus / (2 * 0.9 * SIGMA * (310**4 - 288**4) / 1000)
    battery = bus * 0.78 / 0.3 * 1000 / 120
    arrays = bus * (1 + 0.78 / (0.9 * (1.963 - 0.78))) * 1000 / 100
    carried = 40 * 4.0 + bus * 1.0 + arrays + battery + area * 7 + 40 * 1.0 + 100
    mass = carried * 1.10
    assert area == pytest.approx(180.4, abs=0.05)
    assert battery == pytest.approx(939.6, abs=0.1)
    assert arrays == pytest.approx(751.4, abs=0.1)
    assert mass == pytest.approx(3626.8, abs=0.1)
    assert plan.direct.mass_kg == pytest.approx(mass, rel=1e-9)
    assert plan.direct.w_per_kg == pytest.approx(40_000 / mass, rel=1e-9)  # 11.03 W/kg
    assert plan.direct.earth_kg == pytest.approx(mass, rel=1e-9)  # all of it made on Earth
    # Its transfer stage (LOX/methane, 380 s, 12 % dry): R = exp(4,210 / (9.80665 x 380)) =
    # 3.0948; k = 0.12 / 0.88; propellant (R - 1) M / (1 - (R - 1) k) = 2.9326 M.
    ratio = math.exp(4210 / (G0 * 380))
    k = 0.12 / 0.88
    propellant = (ratio - 1) * mass / (1 - (ratio - 1) * k)
    assert propellant / mass == pytest.approx(2.9326, abs=1e-4)
    stage = propellant * (1 + k)
    assert plan.route.direct_kg_per_kw == pytest.approx((mass + stage) / 40, rel=1e-9)


def test_a_slow_launch_leaves_the_shortfall_to_the_kick_stage() -> None:
    # To lunar orbit the mass driver must give 1.703 km/s and the kick stage 0.073 km/s. Launched
    # at 1.403 km/s, the kick stage must also make up the 0.300 km/s the track did not give:
    # 0.373 km/s. LOX/methane at 380 s, 12 % dry (data/destinations.yaml lunar_kick):
    # R = exp(dv / (g0 Isp)), propellant (R - 1) M / (1 - (R - 1) k), dry k x propellant.
    at_speed = _plan(satellite__destination="lunar_orbit")
    slow = _plan(satellite__destination="lunar_orbit", mass_driver__launch_speed_km_s=1.403)
    k = 0.12 / 0.88
    for plan, dv in ((at_speed, 0.073), (slow, 0.373)):
        payload = plan.lunar.mass_kg  # the lunar satellite (its budget: test_satellite.py)
        ratio = math.exp(dv * 1000 / (G0 * 380))
        propellant = (ratio - 1) * payload / (1 - (ratio - 1) * k)
        assert plan.kick.delta_v_km_s == pytest.approx(dv, rel=1e-12)
        assert plan.kick.propellant_kg == pytest.approx(propellant, rel=1e-9)
        assert plan.kick_kg == pytest.approx(propellant * (1 + k), rel=1e-9)
        assert plan.reaches
        # The shot carries the satellite and its stage at the track's speed.
        assert plan.shot.mass_kg == pytest.approx(payload + propellant * (1 + k), rel=1e-12)
    assert slow.launch_km_s == pytest.approx(1.403) and at_speed.launch_km_s == 1.703
    # 0.373 / 0.073 of the delta-v: over five times the stage (2.25 % of the satellite's mass
    # at speed, 12.14 % launched slow: the rocket equation grows faster than the delta-v).
    assert at_speed.kick_kg / at_speed.lunar.mass_kg == pytest.approx(0.02254, abs=1e-5)
    assert slow.kick_kg / slow.lunar.mass_kg == pytest.approx(0.12137, abs=1e-5)

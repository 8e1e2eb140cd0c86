"""Tankers from physics (issue 22): the lander's propellant for its trip over a tanker's payload."""

from __future__ import annotations

import pytest

from lunarcity.space.earth_ledger import lander_propellant_t, tankers_needed
from lunarcity.space.thesis import earth_side
from lunarcity.world.scenario import EarthConfig, resolve_scenario


def test_tanker_launches_fall_when_the_tanker_payload_rises() -> None:
    # By hand: a 120 t lander with 100 t of cargo, LEO to the surface 3.28 + 2.90 = 6.18 km/s
    # (AA20), Isp 380 s: v_e = 380 x 9.80665 = 3726.53 m/s, 6180 / 3726.53 = 1.65838,
    # e^1.65838 = 5.25080, so 220 x 4.25080 = 935.18 t of propellant. A tanker lifting 100 t to
    # LEO: 9.3518 tankers a landing; 150 t: 6.2345.
    assert lander_propellant_t(120.0, 100.0, 6.18, 380.0) == pytest.approx(935.176, rel=1e-5)
    at_100 = tankers_needed(EarthConfig(payload_to_leo_t=100.0))
    at_150 = tankers_needed(EarthConfig(payload_to_leo_t=150.0))
    assert at_100 == pytest.approx(9.35176, rel=1e-5)
    assert at_150 == pytest.approx(6.23451, rel=1e-5)
    assert at_150 < at_100


def test_a_stated_tanker_count_overrides_the_physics() -> None:
    # The ten-year city states GAO21's 15 (a depot and 14 tankers); the physics gives 9.35 for a
    # one-way cargo landing (no crew return, no boil-off).
    assert tankers_needed(EarthConfig(tankers_per_landing=15.0)) == 15.0
    sc = resolve_scenario("equator_site", {"earth__tankers_per_landing": None})
    assert earth_side(sc, 93.4).tankers_per_landing == pytest.approx(9.35176, rel=1e-5)

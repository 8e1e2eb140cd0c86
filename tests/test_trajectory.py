"""Destinations' delta-v budgets worked by hand, the rocket equation, and launch windows."""

from __future__ import annotations

import math

import pytest

from lunarcity.errors import InputError
from lunarcity.space.trajectory import (
    G0,
    Window,
    in_launch_window,
    load_destinations,
    propellant,
    size_stage,
    v_inf_km_s,
)

MU_MOON = 4902.8  # km^3/s^2
R_MOON = 1737.4  # km
MU_EARTH = 398600.0
R_MOON_ORBIT = 384400.0
V_ESC = math.sqrt(2 * MU_MOON / R_MOON)  # 2.376 km/s
V_MOON = math.sqrt(MU_EARTH / R_MOON_ORBIT)  # 1.018 km/s
OMEGA = 2.6617e-6  # rad/s, the Moon's orbital rate


def _from_moon_to_earth_orbit(perigee_km: float, plane_deg: float) -> tuple[float, float]:
    """Launch speed and perigee burn for a transfer from the Moon's distance to a perigee."""
    a = (perigee_km + R_MOON_ORBIT) / 2
    v_apo = math.sqrt(MU_EARTH * (2 / R_MOON_ORBIT - 1 / a))
    v_per = math.sqrt(MU_EARTH * (2 / perigee_km - 1 / a))
    t = math.radians(plane_deg)
    v_inf = math.sqrt(V_MOON**2 + v_apo**2 - 2 * V_MOON * v_apo * math.cos(t))
    return math.sqrt(V_ESC**2 + v_inf**2), v_per - math.sqrt(MU_EARTH / perigee_km)


def _collinear_point_km(beyond_the_moon: bool) -> float:
    """Distance from the Moon of the Earth-Moon L1 (or L2) point: the restricted three-body
    problem's collinear root, gamma^5 -/+ (3 - mu) gamma^4 + (3 - 2 mu) gamma^3 - mu gamma^2
    +/- 2 mu gamma - mu = 0 (upper signs L1), found by bisection."""
    mu = MU_MOON / (MU_EARTH + MU_MOON)
    s = 1.0 if beyond_the_moon else -1.0

    def f(g: float) -> float:
        return g**5 + s * (3 - mu) * g**4 + (3 - 2 * mu) * g**3 - mu * g**2 - s * 2 * mu * g - mu

    lo, hi = 0.1, 0.2  # f changes sign once between them for the Earth-Moon mu
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if f(lo) * f(mid) <= 0 else (mid, hi)
    return lo * R_MOON_ORBIT


def test_the_lagrange_points_sit_where_the_three_body_problem_puts_them() -> None:
    # L1 is 58,020 km toward Earth (326,400 km from Earth), not the Hill sphere's 61,300 km
    # ((mu / 3)^(1/3) of the distance), which places L1 and L2 alike; L2 is 64,500 km beyond.
    assert _collinear_point_km(beyond_the_moon=False) == pytest.approx(58_020, abs=20)
    assert _collinear_point_km(beyond_the_moon=True) == pytest.approx(64_500, abs=20)
    hill = (MU_MOON / (MU_EARTH + MU_MOON) / 3) ** (1 / 3) * R_MOON_ORBIT
    assert hill == pytest.approx(61_300, abs=100)
    described = {n: d.description for n, d in load_destinations().destinations.items()}
    assert "~58,020 km from the Moon" in described["earth_moon_l1"]
    assert "~64,500 km beyond the Moon" in described["earth_moon_l2"]


def _hand_budget(name: str) -> tuple[float, float]:
    """(launch speed, kick delta-v before trim) each destination needs, by patched conics."""
    if name == "lunar_orbit":
        r_a = R_MOON + 100
        v_p = math.sqrt(2 * MU_MOON * r_a / (R_MOON * (R_MOON + r_a)))
        return v_p, math.sqrt(MU_MOON / r_a) - v_p * R_MOON / r_a
    if name in ("earth_moon_l1", "earth_moon_l2"):
        r = _collinear_point_km(beyond_the_moon=name.endswith("l2"))
        return math.sqrt(2 * MU_MOON * (1 / R_MOON - 1 / r)), OMEGA * r
    if name == "geo":
        return _from_moon_to_earth_orbit(42164, 28.6)
    if name == "leo":
        return _from_moon_to_earth_orbit(6378 + 550, 28.6)
    if name == "heliocentric":
        v_inf = math.sqrt(2 * MU_EARTH / R_MOON_ORBIT) - V_MOON
        return math.sqrt(V_ESC**2 + v_inf**2), 0.0
    raise AssertionError(f"no hand budget for {name}")


def test_every_destination_in_data_has_a_hand_budget_that_its_data_meet() -> None:
    dests = load_destinations().destinations
    assert set(dests) == {
        "lunar_orbit",
        "earth_moon_l1",
        "earth_moon_l2",
        "geo",
        "heliocentric",
        "leo",
    }
    for name, dest in dests.items():
        launch, kick = _hand_budget(name)
        # The launch speed is the one the trip needs (to 5 m/s) ...
        assert dest.from_moon.launch_km_s == pytest.approx(launch, abs=0.005), name
        # ... and the kick covers the burn at the far end, with at most 0.06 km/s of trim.
        assert kick <= dest.from_moon.kick_km_s + 0.005, name
        assert dest.from_moon.kick_km_s - kick <= 0.06, name


def test_hand_budgets_agree_with_the_published_figures() -> None:
    # FACTS (patched conics): GEO launch ~2.44 coplanar then ~1.05 km/s; LEO ~2.52 then ~3.05.
    assert _from_moon_to_earth_orbit(42164, 0)[0] == pytest.approx(2.44, abs=0.01)
    assert _from_moon_to_earth_orbit(42164, 0)[1] == pytest.approx(1.05, abs=0.01)
    assert _from_moon_to_earth_orbit(6928, 0)[0] == pytest.approx(2.52, abs=0.01)
    assert _from_moon_to_earth_orbit(6928, 0)[1] == pytest.approx(3.05, abs=0.01)
    assert _hand_budget("heliocentric")[0] == pytest.approx(2.41, abs=0.005)


def test_beyond_escape_destinations_leave_the_moon() -> None:
    dests = load_destinations().destinations
    for name in ("geo", "heliocentric", "leo"):
        assert v_inf_km_s(dests[name].from_moon.launch_km_s) > 0.4, name
    assert v_inf_km_s(dests["lunar_orbit"].from_moon.launch_km_s) == 0.0


def test_direct_route_beyond_leo_by_hand() -> None:
    dests = load_destinations().destinations
    # Escape from a 550 km LEO: sqrt(2 mu / r) - sqrt(mu / r).
    r = 6378 + 550
    escape = math.sqrt(2 * MU_EARTH / r) - math.sqrt(MU_EARTH / r)
    assert dests["heliocentric"].from_earth.beyond_leo_km_s == pytest.approx(escape, abs=0.01)
    assert dests["leo"].from_earth.beyond_leo_km_s == 0.0
    # AA20: LEO to TLI 3.28; LOI = (TLI to surface 2.90) - (surface to LLO 1.97).
    assert dests["lunar_orbit"].from_earth.beyond_leo_km_s == pytest.approx(3.28 + 2.90 - 1.97)


def test_rocket_equation_by_hand() -> None:
    stages = load_destinations().stages
    prop = propellant("lox_ch4")
    s = size_stage(1000.0, 1.05, prop, stages["lunar_kick"])
    ratio = math.exp(1050 / (G0 * 380))
    k = 0.12 / 0.88
    prop_kg = (ratio - 1) * 1000 / (1 - (ratio - 1) * k)
    assert s.propellant_kg == pytest.approx(prop_kg, rel=1e-12)
    assert s.dry_kg == pytest.approx(k * prop_kg, rel=1e-12)
    # The rocket equation holds: m0 / m1 = exp(dv / ve).
    m0 = 1000 + s.dry_kg + s.propellant_kg
    assert m0 / (1000 + s.dry_kg) == pytest.approx(ratio, rel=1e-12)
    # FACTS: 330-440 kg of propellant per tonne delivered at 1.05 km/s.
    assert 330 <= s.propellant_kg <= 440
    # Lunar oxygen is 78 % of it; the methane (22 %) and a fifth of the dry mass are Earth-made.
    assert s.oxidiser_kg == pytest.approx(0.78 * prop_kg)
    assert s.earth_kg == pytest.approx(0.22 * prop_kg + 0.2 * k * prop_kg)
    solid = size_stage(1000.0, 1.05, propellant("solid"), stages["lunar_kick"])
    assert solid.earth_kg == pytest.approx(solid.propellant_kg + 0.2 * solid.dry_kg)


def test_a_stage_that_cannot_reach_its_delta_v_is_an_input_error() -> None:
    stages = load_destinations().stages
    with pytest.raises(InputError, match="cannot give 20 km/s"):
        size_stage(1000.0, 20.0, propellant("solid"), stages["lunar_kick"])
    with pytest.raises(InputError, match="unknown propellant 'lox_ch'.*lox_ch4"):
        propellant("lox_ch")


def test_launch_windows() -> None:
    always = Window(every_days=1, open_days=1)
    assert all(in_launch_window(d, always) for d in range(100))
    monthly = Window(every_days=27.32, open_days=1)
    assert in_launch_window(0, monthly)
    assert not in_launch_window(1, monthly)
    assert not in_launch_window(27, monthly)  # 27 < 27.32: not yet
    assert in_launch_window(28, monthly)  # 0.68 days into the second window
    # Each one-day window holds exactly one whole day: 14 windows start in 365 days.
    assert sum(in_launch_window(d, monthly) for d in range(365)) == 14
    geo = load_destinations().destinations["geo"].window
    assert geo.every_days == pytest.approx(27.32) and geo.open_days == 1

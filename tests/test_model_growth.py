"""Growth laws the model must reproduce, and energy per kW following the sunlight.

The test city has no imports, unlimited power and materials, no failures, and a seed of robots
only that build robots (``fixed_mix``, ``{robot: 1}``). A robot gives ``duty_fraction`` robot-days
of labour a day and a copy costs ``assembly_days`` robot-days, so a fleet makes its own mass in
``tau = assembly_days / duty_fraction`` days. With the duty set to 1 and the assembly time per kg
chosen, tau is a round number of days.

- ``crew=pooled`` (a finished unit works at once): the daily update is
  ``N[t+1] = N[t] + (labour done so far) / tau`` in whole units, i.e. ``N0 (1 + 1/tau)^t`` in the
  continuum, the daily-step form of ``N0 e^(t/tau)``.
- ``crew=own_copy`` (a copy works only once complete): whole generations,
  ``N0 * 2^floor(t / tau)`` (AASM80's ``2^(T-1)`` for ``N0 = 1`` in generation ``T``).
- ``planner.replicate=false``: the robots build other things at a constant rate: linear growth.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lunarcity.model import LunarCity
from lunarcity.world.catalog import default_catalog

ROBOT_KG = default_catalog().units["robot"].mass_kg


def _overrides(tau_days: float, n0: int, crew: str, days: int, **extra: Any) -> dict[str, Any]:
    """A robots-only city whose robots make their own mass in ``tau_days``."""
    o: dict[str, Any] = {
        "economy__unlimited_power": True,
        "economy__unlimited_materials": True,
        "economy__failures": False,
        "earth__imports": False,
        "seed__units": {"robot": n0},
        "seed__stocks_kg": {},
        "planner__policy": "fixed_mix",
        "planner__mix": {"robot": 1.0},
        "planner__crew": crew,
        "units__robot__duty_fraction": 1.0,
        "units__robot__assembly_s_per_kg": tau_days * 86400.0 / ROBOT_KG,
        "run__years": days / 365.25,
    }
    o.update(extra)
    return o


def _robots_by_day(m: LunarCity) -> np.ndarray:
    while m.running:
        m.step()
    return m.daily()["units_robot"].to_numpy()


def test_the_replication_overrides_reach_the_model() -> None:
    m = LunarCity("ten_year_city", seed=1, **_overrides(10.0, 8, "pooled", 30))
    assert m.unit_spec("robot").duty_fraction == 1.0
    assert m.costs["robot"].assembly_days == pytest.approx(10.0, rel=1e-12)
    assert m.econ.processes["assemble:robot"].labour_robot_days == pytest.approx(10.0, rel=1e-12)
    assert m.days == 30
    # Everything the robots do is assembly: no mining, hauling or repair in the test city.
    robots = _robots_by_day(m)
    d = m.daily()
    assert np.allclose(d["assembly_robot_days"][1:], robots[:-1])


@pytest.mark.parametrize("tau", [8.0, 20.0, 50.0])
def test_pooled_crews_grow_as_n0_e_to_the_t_over_tau(tau: float) -> None:
    n0 = 64
    days = int(min(200, 5 * tau))
    m = LunarCity("ten_year_city", seed=2, **_overrides(tau, n0, "pooled", days))
    n = _robots_by_day(m).astype(float)
    t = np.arange(len(n), dtype=float)
    tau = m.costs["robot"].assembly_days  # the model's own figure (= tau to ~1e-15)

    # 1. The discrete law. Units complete whole: N[t] = N0 + floor(sum_{s<t} N[s] / tau), while
    # the continuum M[t] = N0 (1 + 1/tau)^t drops the floor. The deficit d = M - N obeys
    # d[t] <= 1 + sum_{s<t} d[s] / tau, so 0 <= d[t] <= (1 + 1/tau)^(t-1) = M[t] / (N0 (1 + 1/tau)):
    # whole-unit rounding costs at most a share 1/N0 of the fleet.
    law = n0 * (1.0 + 1.0 / tau) ** t
    assert (n <= law + 1e-6).all()
    assert (law - n <= law / (n0 * (1.0 + 1.0 / tau)) + 1e-6).all()

    # 2. The continuum law N0 e^(t/tau). A daily step compounds at ln(1 + 1/tau) a day, and
    # x - x^2/2 <= ln(1 + x) <= x, so the exponent lags t/tau by at most t / (2 tau^2); rounding
    # adds at most -ln(1 - 1/N0). Over 5 tau that is 5/(2 tau) + 1/N0 in the exponent.
    exponent = np.log(n / n0)
    assert (exponent <= t / tau + 1e-9).all()
    assert (exponent >= t / tau - t / (2 * tau**2) + math.log(1.0 - 1.0 / n0) - 1e-9).all()
    assert n[-1] > n0 * math.exp(0.9 * days / tau)  # days / tau e-folds, less the lag

    # 3. The e-folding time a log-linear fit reads off the run is tau + 1/2 day (the daily
    # step's lag: 1 / ln(1 + 1/tau) = tau + 1/2 - 1/(12 tau) + ...), within 2 %.
    late = t >= tau  # past the first e-fold, where a unit of rounding is under 1/N0 e
    slope = np.polyfit(t[late], np.log(n[late]), 1)[0]
    assert 1.0 / slope == pytest.approx(tau + 0.5, rel=0.02)


@settings(max_examples=8, deadline=None, derandomize=True)
@given(
    tau=st.integers(4, 40).map(lambda k: k / 2),  # 2 to 20 days in half days
    n0=st.integers(1, 12),
    generations=st.integers(3, 8),  # at most 12 * 2^8 robots: the run stays small
    extra=st.floats(0.0, 0.99),
)
def test_own_copies_grow_by_whole_generations(
    tau: float, n0: int, generations: int, extra: float
) -> None:
    days = int((generations + extra) * math.ceil(tau))
    m = LunarCity("ten_year_city", seed=3, **_overrides(tau, n0, "own_copy", days))
    n = _robots_by_day(m)
    labour = m.costs["robot"].assembly_days
    # A builder works one robot-day a day, so a copy takes tau days, rounded up to whole days
    # (the daily step); parent and copy then start the next generation together. Exact.
    generation = math.ceil(labour - 1e-9)
    t = np.arange(len(n))
    assert (n == n0 * 2 ** (t // generation)).all()
    if n0 == 1:
        # AASM80: in generation T (T = 1 while the seed builds its first copy) there are
        # 2^(T-1) units.
        big_t = t // generation + 1
        assert (n == 2 ** (big_t - 1)).all()


def test_pooled_is_faster_than_own_copy_for_the_same_tau() -> None:
    pooled = _robots_by_day(LunarCity(seed=1, **_overrides(10.0, 16, "pooled", 60)))
    own = _robots_by_day(LunarCity(seed=1, **_overrides(10.0, 16, "own_copy", 60)))
    # e-fold every ~10.5 days against doubling every 10 days: e^(60/10.5) ~ 300 against 2^6.
    assert pooled[-1] > 3 * own[-1]
    assert own[-1] == 16 * 2**6


def test_without_replication_growth_is_linear() -> None:
    n0, days = 64, 120
    m = LunarCity(
        "ten_year_city",
        seed=4,
        **_overrides(
            10.0,
            n0,
            "pooled",
            days,
            planner__replicate=False,
            planner__mix={"solar_plant": 1.0},
        ),
    )
    _robots_by_day(m)
    d = m.daily()
    robots = d["units_robot"].to_numpy()
    solar = d["units_solar_plant"].to_numpy()
    assert (robots == n0).all()
    # N0 robot-days a day buy N0 / tau_s plants a day; whole plants complete as the pooled
    # labour adds up: plants(t) = floor(N0 t / tau_s), to one plant of float rounding.
    tau_s = m.costs["solar_plant"].assembly_days
    t = np.arange(days + 1)
    assert np.abs(solar - np.floor(n0 * t / tau_s + 1e-9)).max() <= 1
    steps = np.diff(solar)
    rate = n0 / tau_s
    assert steps.min() >= math.floor(rate) - 1 and steps.max() <= math.ceil(rate) + 1
    assert np.polyfit(t, solar, 2)[0] == pytest.approx(0.0, abs=1e-3)


def test_without_replication_no_builder_builds_a_builder() -> None:
    # A fixed mix naming robots and fabs cannot make them when replication is off.
    mixed = LunarCity(
        "ten_year_city",
        seed=5,
        **_overrides(
            10.0,
            32,
            "pooled",
            60,
            planner__replicate=False,
            planner__mix={"robot": 1.0, "metal_works": 1.0, "solar_plant": 1.0},
        ),
    )
    _robots_by_day(mixed)
    d = mixed.daily()
    assert (d["units_robot"] == 32).all() and (d["units_metal_works"] == 0).all()
    assert d["units_solar_plant"][-1] > 100
    # The full model with its balanced mix: no robots or fabs beyond the seed.
    m = LunarCity("ten_year_city", seed=5, run__years=0.5, planner__replicate=False)
    seed = m.units_by_kind()
    while m.running:
        m.step()
    d = m.daily()
    for kind in m.agent_kinds:
        if m.unit_spec(kind).role in ("robot", "fab"):
            assert int(d[f"units_{kind}"].max()) <= seed[kind], kind
    assert int(d["units_total"][-1]) > sum(seed.values())


def _energy_per_kw(site: str) -> tuple[float, float, LunarCity]:
    """kWh per installed kW over a year of 20 solar plants, and their cells' mean sunlit share."""
    m = LunarCity(
        "ten_year_city",
        seed=6,
        site__name=site,
        seed__units={"solar_plant": 20},
        seed__stocks_kg={},
        earth__imports=False,
        economy__failures=False,
        run__years=1.0,
    )
    while m.running:
        m.step()
    t = m.fleet.tables["solar_plant"]
    ys, xs = t["y"].astype(np.int64), t["x"].astype(np.int64)
    # Computed apart from the model's power step: the whole sunlight layer, day by day.
    lit = np.mean([m.site.lit_fraction(d)[ys, xs].mean() for d in range(1, m.days + 1)])
    installed_kw = t.n * m.unit_spec("solar_plant").generation_kw
    kwh_per_kw = float(m.daily()["generated_mwh"][1:].sum()) * 1000.0 / installed_kw
    return kwh_per_kw, float(lit), m


def test_energy_per_kw_follows_the_sunlight_at_equator_and_pole() -> None:
    eq, lit_eq, m_eq = _energy_per_kw("equator")
    pole, lit_pole, m_pole = _energy_per_kw("polar_ridge")
    days = m_eq.days
    # Each site: every kW gives 24 kWh per fully lit day (float32 sunlight: 1e-6).
    assert eq == pytest.approx(24.0 * days * lit_eq, rel=1e-6)
    assert pole == pytest.approx(24.0 * days * lit_pole, rel=1e-6)
    # Between the sites: the ratio of their sunlight profiles at the plants' cells.
    assert eq / pole == pytest.approx(lit_eq / lit_pole, rel=1e-6)
    # And the profiles are the physical ones: the equator is lit half of each synodic month
    # (a year is 12.4 months, so the partial month shifts the mean by < 1/(2 * 12.4));
    # the ridge crest, where plants go first, is lit 70-100 % of the time.
    day_fraction = m_eq.site.site.sunlight.day_fraction
    assert abs(lit_eq - day_fraction) < 0.5 / (365 / m_eq.site.site.sunlight.synodic_days)
    assert 0.7 <= lit_pole <= 1.0
    assert pole > 1.3 * eq


def test_a_small_pooled_fleet_follows_the_same_law() -> None:
    n0, tau, days = 3, 20.0, 60  # 3 days of the fleet's labour: 9 of the 20 robot-days a copy needs
    n = _robots_by_day(LunarCity(seed=1, **_overrides(tau, n0, "pooled", days))).astype(float)
    t = np.arange(len(n), dtype=float)
    law = n0 * (1.0 + 1.0 / tau) ** t
    assert (law - n <= law / (n0 * (1.0 + 1.0 / tau)) + 1e-6).all()

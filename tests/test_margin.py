"""The thesis at the margin: one more satellite's Earth-made kg from the economy, worked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from lunarcity.space.margin import (
    Marginal,
    horizon_verdict,
    lifted_per_landed,
    margin_block,
    salt_limit_words,
)
from lunarcity.space.thesis import earth_side, plan_thesis
from lunarcity.world.catalog import default_catalog
from lunarcity.world.scenario import resolve_scenario

G0 = 9.80665
SIGMA = 5.670374419e-8


def _kick(payload_kg: float, dv_km_s: float) -> float:
    """A kick stage by hand: 12 % dry, LOX/methane at 380 s, pushing ``payload_kg`` by ``dv``.

    m0 / m1 = R with m0 = M + s and m1 = M + 0.12 s, so s = M (R - 1) / (1 - 0.12 R).
    """
    r = math.exp(dv_km_s * 1000 / (G0 * 380))
    return payload_kg * (r - 1) / (1 - 0.12 * r)


def _lunar_satellite_kg() -> dict[str, float]:
    """The lunar-built 40 kW satellite at a deep-space sink (3 K), 100 g, by hand (kg)."""
    bus_kw = 40 / 0.95 * 1.03  # conversion losses and housekeeping
    area = bus_kw / (2 * 0.9 * SIGMA * (310**4 - 3**4) / 1000)  # m2, two-sided at 310 K
    carried = {
        "compute": 40 * 4.0,
        "power_electronics": bus_kw * 1.0,
        "arrays": bus_kw * 1000 / 77,
        "radiators": area * 10,
        "shielding": 40 * 1.0,
        "bus": 100.0,
    }
    structure = 0.10 * math.sqrt(100 / 5) * sum(carried.values())  # 10 % at 5 g, sqrt growth
    return carried | {"structure": structure}


#: Aluminium per kg of slag from highland soil (LSB91: SiO2 45.0, Al2O3 27.3, CaO 15.7, FeO 5.1,
#: MgO 5.7, TiO2 0.54 wt %, 0.66 minor). Electrolysis takes all the FeO and 69 % of the silicon
#: (with their oxygen) out of a tonne, leaving slag of 273 + 450 x 0.31 + 157 + 57 + 5.4 + 6.6
#: = 638.5 kg holding Al 273 x 53.96 / 101.96, Si 139.5 x 28.086 / 60.084 and Ti
#: 5.4 x 47.867 / 79.866 kg; the salt cell turns 90 % of those into aluminium alloy.
AL_PER_KG_SLAG = (
    0.9
    * (273 * 53.963 / 101.961 + 139.5 * 28.086 / 60.084 + 5.4 * 47.867 / 79.866)
    / (273 + 139.5 + 157 + 57 + 5.4 + 6.6)
)


def _earth_kg(kick_kg: float) -> dict[str, float]:
    """Earth-made kg one more lunar satellite with a ``kick_kg`` kick stage consumes, by hand."""
    sat = _lunar_satellite_kg()
    electronics = sat["power_electronics"] + sat["bus"]
    compute = sat["compute"]
    solar = sat["arrays"]
    structure = sat["radiators"] + sat["structure"] + sat["shielding"]
    # The kick stage: 12 % dry (a fifth of it the Earth-made engine, the rest lunar structure),
    # 88 % propellant, 78 % of it lunar oxygen and 22 % Earth methane.
    engine, kick_structure = 0.12 * 0.2 * kick_kg, 0.12 * 0.8 * kick_kg
    fuel = 0.88 * 0.22 * kick_kg
    # Aluminium (data/recipes.yaml): structure 80 %, wire 100 %, solar cells 5 %, electronics
    # 30 % (and 30 % wire), compute modules 30 % (and 20 % wire).
    wire = 0.3 * electronics + 0.2 * compute
    aluminium = (
        0.8 * (structure + kick_structure) + wire + 0.05 * solar + 0.3 * electronics + 0.3 * compute
    )
    slag_t = aluminium / AL_PER_KG_SLAG / 1000
    return {
        # Chips: compute modules are half chips, electronics a tenth.
        "chips": 0.5 * compute + 0.1 * electronics,
        # The salt cell's make-up: 30 kg of calcium chloride and 3 kg of anode per t of slag.
        "calcium_chloride": 30 * slag_t,
        "anode": 3 * slag_t,
        "kick_engine": engine,
        "kick_fuel": fuel,
    }


def _plan(**mass_driver: float):
    sc = resolve_scenario("ten_year_city", {"mass_driver": mass_driver} if mass_driver else {})
    return sc, plan_thesis(sc, default_catalog())


def test_heliocentric_steady_marginal_by_hand() -> None:
    sc, plan = _plan()
    assert plan.destination == "heliocentric"
    # Heliocentric needs 2.413 km/s at launch, which the mass driver gives; the kick stage adds
    # 0.05 km/s of trim to the whole satellite.
    kick = _kick(sum(_lunar_satellite_kg().values()), 0.05)  # ~30.4 kg
    hand = _earth_kg(kick)
    # chips 94.3, calcium chloride 108.5, anode 10.9, engine 0.73, methane 5.89: 220.3 kg.
    assert plan.marginal.earth_kg == pytest.approx(hand, rel=1e-3)
    # Landed at 15 tankers + 1 lander of 100 t to LEO per 100 t landed: 16 t lifted per t landed.
    lifted = lifted_per_landed(earth_side(sc, 0.0))
    assert lifted == 16
    steady = sum(hand.values()) * 16 / 40  # per kW of the 40 kW satellite
    assert steady == pytest.approx(88.1, abs=0.1)
    assert plan.marginal.steady(lifted) == pytest.approx(steady, rel=1e-3)
    # The break-even limits: the direct route lifts 85.64 kg/kW (its own hand test is in
    # test_satellite.py; here it is the figure the limits are taken against).
    direct = plan.route.direct_kg_per_kw
    assert plan.marginal.max_lifted_per_landed == pytest.approx(
        direct / (sum(hand.values()) / 40), rel=1e-3
    )
    # 85.64 / (220.3 / 40) = 15.55 < 16: at the margin the lunar route loses, in words.
    block = margin_block(plan.marginal, earth_side(sc, 0.0), plan.destination)
    assert block["margin_verdict"] == (
        "at the margin the lunar route loses at heliocentric: it wins while Earth lifts fewer "
        "than 15.55 t per landed t; the run lifts 16"
    )
    # Make-up m wins while (rest + slag_t x m) x 16 / 40 < direct: m < (direct x 40 / 16 - rest)
    # / slag_t, with the rest everything but the calcium chloride.
    slag_t = hand["calcium_chloride"] / 30
    rest = sum(hand.values()) - hand["calcium_chloride"]
    assert plan.marginal.max_salt_make_up_kg_per_t(16) == pytest.approx(
        (direct * 40 / 16 - rest) / slag_t, rel=1e-3
    )


def test_the_salt_limit_in_words_says_none_where_no_make_up_wins() -> None:
    # A 40 kW satellite whose chain lands 100 kg of chips and 60 kg of calcium chloride made up
    # for 2 t of feed; the direct route lifts 50 kg/kW, so Earth may land 50 x 40 / lifted kg.
    marginal = Marginal(
        earth_kg={"chips": 100.0, "calcium_chloride": 60.0},
        compute_kw=40.0,
        direct_kg_per_kw=50.0,
        salt_kg=60.0,
        feed_t=2.0,
    )
    # 16 t lifted per t landed: room 2,000 / 16 = 125 kg, less the 100 kg of chips leaves 25 kg
    # for 2 t of feed: 12.5 kg per t.
    assert marginal.max_salt_make_up_kg_per_t(16) == pytest.approx(12.5)
    assert salt_limit_words(marginal.max_salt_make_up_kg_per_t(16)) == "12.5"
    # 25 t: room 80 kg, below the chips' 100 even with no salt: (80 - 100) / 2 = -10, "none".
    assert marginal.max_salt_make_up_kg_per_t(25) == pytest.approx(-10.0)
    assert salt_limit_words(marginal.max_salt_make_up_kg_per_t(25)) == "none"
    assert salt_limit_words(0.0) == "none"  # exactly none: the route only ties
    assert salt_limit_words(None) == "-"  # no salt cell in the chain


def test_a_slow_mass_driver_leaves_the_shortfall_to_the_kick_stage() -> None:
    sc, base = _plan()
    slow_sc, slow = _plan(launch_speed_km_s=2.2)
    # 2.2 km/s against the 2.413 heliocentric needs: the kick stage gives the 0.213 km/s
    # shortfall besides its 0.05 of trim (a lower bound below escape speed).
    payload = sum(_lunar_satellite_kg().values())
    kick = _kick(payload, 0.05 + (2.413 - 2.2))  # ~147 kg against ~30
    assert slow.kick_kg == pytest.approx(kick, rel=1e-6)
    hand = _earth_kg(kick)
    assert slow.marginal.earth_kg == pytest.approx(hand, rel=1e-3)
    lifted = lifted_per_landed(earth_side(slow_sc, 0.0))
    rise = (sum(hand.values()) - sum(_earth_kg(_kick(payload, 0.05)).values())) * lifted / 40
    assert rise > 5  # more engine, more methane, more salt for the stage's structure
    assert slow.marginal.steady(lifted) - base.marginal.steady(lifted) == pytest.approx(
        rise, rel=1e-3
    )


def _ledger(lunar: list[float], direct: float = 100.0) -> pl.DataFrame:
    days = [0, *range(365, 365 * len(lunar), 365)]
    return pl.DataFrame(
        {"day": days, "earth_kg_per_kw": lunar, "direct_earth_kg_per_kw": [direct] * len(lunar)}
    )


def test_horizon_verdict_in_words() -> None:
    assert horizon_verdict(_ledger([500.0, 90.0]), 365) == "breaks even on day 365 (year 1.0)"
    # Thousands are grouped.
    assert horizon_verdict(_ledger([150_000.0, 2_000.0]), None) == (
        "never within 1 year: the cumulative ratio is falling from 1,500.00 to 20.00"
    )
    # Seven years of ratios (lunar / direct): the trend is read over the last five years,
    # from year 2 (3.0) to year 7 (1.5): falling.
    falling = _ledger([900.0, 500.0, 300.0, 250.0, 200.0, 180.0, 160.0, 150.0])
    assert horizon_verdict(falling, None) == (
        "never within 7 years: the cumulative ratio is falling from 3.00 to 1.50"
    )
    rising = _ledger([200.0, 150.0, 160.0, 170.0, 180.0, 190.0, 200.0])
    # From year 1 (1.5) to year 6 (2.0): rising.
    assert horizon_verdict(rising, None) == (
        "never within 6 years: the cumulative ratio is rising to 2.00"
    )
    flat = _ledger([300.0, 300.0, 300.4])
    assert (
        horizon_verdict(flat, None) == "never within 2 years: the cumulative ratio is flat at 3.00"
    )
    none = _ledger([math.nan, math.nan])
    assert horizon_verdict(none, None) == "never within 1 year: no compute delivered"


def test_the_runs_thesis_line_states_the_margin_and_the_verdict() -> None:
    from lunarcity.results.report import thesis_line

    t = {
        "destination": "heliocentric",
        "compute_delivered_kw": 50_000.0,
        "earth_kg_per_kw": 11_555.0,
        "marginal_steady": 88.1,
        "direct_earth_kg_per_kw": 85.6,
        "margin_verdict": "at the margin the lunar route loses at heliocentric",
        "verdict": "never within 10 years: the cumulative ratio is falling from 3.00 to 1.50",
        "breakeven_day": None,
    }
    line = thesis_line({"thesis": t})
    assert "(one more satellite 88) against 86 launching from Earth" in line
    # The verdict reads as a clause after "over the run it": what never happens is said.
    assert "over the run it never breaks even within 10 years: the cumulative ratio" in line
    assert line.endswith("at the margin the lunar route loses at heliocentric.")
    t["verdict"], t["breakeven_day"] = "breaks even on day 365 (year 1.0)", 365
    assert "over the run it breaks even on day 365 (year 1.0); at the margin" in thesis_line(
        {"thesis": t}
    )


def test_the_verdicts_form_is_decided_by_the_break_even_day_not_its_words() -> None:
    # The thesis line once matched margin's wording ("never within") in results/report.py; the
    # form is now margin's Horizon, read from the summary's breakeven_day.
    from lunarcity.results import report
    from lunarcity.space.margin import Horizon, verdict_clause

    assert Horizon.of(None) is Horizon.NOT_WITHIN and Horizon.of(0) is Horizon.BREAKS_EVEN
    never = horizon_verdict(_ledger([150_000.0, 2_000.0]), None)
    assert verdict_clause({"verdict": never, "breakeven_day": None}) == (
        "never breaks even within 1 year: the cumulative ratio is falling from 1,500.00 to 20.00"
    )
    even = horizon_verdict(_ledger([500.0, 90.0]), 365)
    assert verdict_clause({"verdict": even, "breakeven_day": 365}) == even
    # No reader outside margin depends on the verdict's wording.
    source = Path(report.__file__).read_text()
    assert "never within" not in source and "breaks even on" not in source


def test_eclipse_batteries_are_earth_made_kg_at_the_margin() -> None:
    # In low lunar orbit (0.78 h dark of 1.963 h, data/destinations.yaml) the lunar satellite
    # carries Earth-made batteries: bus 40 / 0.95 x 1.03 = 43.368 kW for 0.78 h at 30 % depth of
    # discharge is 112.76 kWh, at 120 Wh/kg 939.6 kg. No recipe makes them, so the economy's
    # requirements LP counts every kilogram among one more satellite's Earth-made kg; in deep
    # space (heliocentric, never dark) there are none.
    params = resolve_scenario("ten_year_city", {"satellite__destination": "lunar_orbit"})
    plan = plan_thesis(params, default_catalog())
    battery_kg = 40 / 0.95 * 1.03 * 0.78 / 0.3 / 0.120
    assert battery_kg == pytest.approx(939.6, abs=0.1)
    assert plan.lunar.masses_kg["batteries"] == pytest.approx(battery_kg, rel=1e-9)
    assert plan.marginal.earth_kg["satellite_batteries"] == pytest.approx(battery_kg, rel=1e-6)
    deep = plan_thesis(resolve_scenario("ten_year_city", {}), default_catalog())
    assert deep.lunar.masses_kg["batteries"] == 0.0
    assert deep.marginal.earth_kg.get("satellite_batteries", 0.0) == pytest.approx(0.0, abs=1e-9)

"""The study's statistics against answers worked by hand: Wilson, Kaplan-Meier, PRIM, the
convergence rule, screening and the post-processing of a run's record."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import lunarcity
from lunarcity.space.earth_ledger import EarthSide, RouteFigures
from lunarcity.study.analysis import Screened, spread
from lunarcity.study.convergence import compare, sobol_with_convergence
from lunarcity.study.earth import (
    RunRecord,
    drawn_side,
    earth_route_ledger,
    ledger_outcomes,
    per_run,
    process_runs,
    self_sufficiency,
)
from lunarcity.study.prim import prim
from lunarcity.study.report import _screening
from lunarcity.study.screening import Why, dropped_by_cap, select_inputs
from lunarcity.study.spec import load_study
from lunarcity.study.success import wilson
from lunarcity.study.survival import kaplan_meier
from lunarcity.sweeps.worker import thin_daily


# -- Wilson ----------------------------------------------------------------------------------
def test_wilson_interval_of_8_in_10_by_hand() -> None:
    # p = 0.8, z = 1.959964, z^2 = 3.841459, n = 10:
    # centre = (0.8 + 3.841459/20) / (1 + 3.841459/10) = 0.992073 / 1.384146 = 0.716740
    # half = 1.959964 * sqrt(0.8*0.2/10 + 3.841459/400) / 1.384146
    #      = 1.959964 * sqrt(0.016 + 0.009604) / 1.384146 = 1.959964 * 0.160011 / 1.384146
    #      = 0.226576 -> [0.490164, 0.943316]
    p = wilson(8, 10)
    assert p.share == 0.8
    assert p.low == pytest.approx(0.490164, abs=2e-6)
    assert p.high == pytest.approx(0.943316, abs=2e-6)
    assert p.level == pytest.approx(0.95, abs=1e-6)


def test_wilson_interval_at_the_edges_is_not_empty() -> None:
    # 0 of 10: the interval is [0, z^2/(n + z^2)] = [0, 3.841459/13.841459] = [0, 0.277533].
    none = wilson(0, 10)
    assert none.low == 0.0
    assert none.high == pytest.approx(0.277533, abs=2e-6)
    every = wilson(10, 10)
    assert every.high == 1.0
    assert every.low == pytest.approx(1 - 0.277533, abs=2e-6)
    with pytest.raises(ValueError):
        wilson(3, 0)
    with pytest.raises(ValueError):
        wilson(11, 10)


# -- Kaplan-Meier ----------------------------------------------------------------------------
def test_kaplan_meier_by_hand() -> None:
    # Six runs: met at 2, 3, 5 years; censored at 3 (a run that stopped), 6 and 6 (the horizon).
    # t=2: 6 at risk, 1 event -> S = 5/6 = 0.833333
    # t=3: 5 at risk, 1 event (1 censored) -> S = 5/6 * 4/5 = 0.666667
    # t=5: 3 at risk, 1 event -> S = 0.666667 * 2/3 = 0.444444 (the median: first S <= 0.5)
    # t=6: 2 at risk, 0 events, 2 censored -> S stays 0.444444
    # Greenwood at t=5: S^2 * (1/(6*5) + 1/(5*4) + 1/(3*2)) = 0.197531 * 0.25 = 0.049383
    times = np.array([2, 3, 3, 5, 6, 6], dtype=float)
    events = np.array([1, 1, 0, 1, 0, 0], dtype=bool)
    km = kaplan_meier(times, events)
    t = km.table
    assert t["time"].to_list() == [2.0, 3.0, 5.0, 6.0]
    assert t["at_risk"].to_list() == [6, 5, 3, 2]
    assert t["events"].to_list() == [1, 1, 1, 0]
    assert t["censored"].to_list() == [0, 1, 0, 2]
    assert t["survival"].to_list() == pytest.approx([5 / 6, 2 / 3, 4 / 9, 4 / 9])
    assert km.median == 5.0
    assert km.events == 3 and km.n == 6 and km.horizon == 6.0
    assert km.at(4.0) == pytest.approx(2 / 3)
    assert km.at(1.0) == 1.0
    # The log(-log) interval at t=5: se = sqrt(0.25) / |ln 0.444444| = 0.5 / 0.810930 = 0.616576
    # ln(-ln S) = ln(0.810930) = -0.209573; S bounds = exp(-exp(-0.209573 +- 1.959964*0.616576))
    se = 0.5 / 0.810930
    lo = math.exp(-math.exp(-0.209573 + 1.959964 * se))
    hi = math.exp(-math.exp(-0.209573 - 1.959964 * se))
    row = t.row(2, named=True)
    assert row["low"] == pytest.approx(lo, abs=1e-5)
    assert row["high"] == pytest.approx(hi, abs=1e-5)
    assert row["low"] < row["survival"] < row["high"]


def test_kaplan_meier_all_censored_has_no_median() -> None:
    km = kaplan_meier(np.full(5, 10.0), np.zeros(5, dtype=bool))
    assert km.median is None
    assert km.table["survival"].to_list() == [1.0]
    with pytest.raises(ValueError):
        kaplan_meier(np.array([1.0, math.inf]), np.array([True, False]))


# -- PRIM ------------------------------------------------------------------------------------
def synthetic(n: int = 2000, flip: float = 0.0, seed: int = 1) -> tuple[pl.DataFrame, np.ndarray]:
    """Success exactly inside 0.3 < x0 < 0.7, x1 > 0.5, c != 'c'; x2 and x3 are noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, 4))
    cat = rng.choice(["a", "b", "c"], n)
    y = (x[:, 0] > 0.3) & (x[:, 0] < 0.7) & (x[:, 1] > 0.5) & (cat != "c")
    y = y ^ (rng.random(n) < flip)
    df = pl.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2], "x3": x[:, 3], "c": cat})
    return df, y


@pytest.mark.parametrize("flip", [0.0, 0.05])
def test_prim_recovers_a_known_box(flip: float) -> None:
    x, y = synthetic(flip=flip)
    result = prim(x, y, alpha=0.05, min_mass=0.05, min_coverage=0.5)
    box = result.chosen
    assert set(box.restricted) == {"x0", "x1", "c"}
    assert box.limit("x0").low == pytest.approx(0.3, abs=0.05)
    assert box.limit("x0").high == pytest.approx(0.7, abs=0.05)
    assert box.limit("x1").low == pytest.approx(0.5, abs=0.05)
    assert box.limit("c").categories == ("a", "b")
    assert box.density >= (0.99 if flip == 0 else 0.9)
    assert box.coverage >= 0.5
    lo, hi = result.density_interval()
    assert lo <= box.density <= hi


def test_prim_trajectory_starts_whole_and_shrinks() -> None:
    x, y = synthetic(n=600, flip=0.05, seed=3)
    result = prim(x, y, alpha=0.1, min_mass=0.1)
    traj = result.trajectory
    assert traj[0].mass == 1.0 and traj[0].coverage == 1.0 and traj[0].restricted == ()
    assert traj[0].density == pytest.approx(y.mean())
    masses = [b.mass for b in traj]
    assert masses == sorted(masses, reverse=True) and len(set(masses)) == len(masses)
    assert min(masses) >= 0.1
    coverage = [b.coverage for b in traj]
    assert coverage == sorted(coverage, reverse=True)
    table = result.trajectory_table()
    assert table.height == len(traj) and table["chosen"].sum() == 1


def test_prim_rejects_mismatched_input() -> None:
    x, y = synthetic(n=10)
    with pytest.raises(ValueError):
        prim(x, y[:5])


# -- convergence -----------------------------------------------------------------------------
def sobol_table(st: dict[str, float]) -> pl.DataFrame:
    ranked = sorted(st, key=lambda p: -st[p])
    return pl.DataFrame(
        {
            "outcome": ["y"] * len(st),
            "parameter": ranked,
            "ST": [st[p] for p in ranked],
            "rank": list(range(1, len(st) + 1)),
        }
    )


def test_convergence_rule() -> None:
    full = sobol_table({"a": 0.6, "b": 0.3, "c": 0.1, "d": 0.01})
    ok = compare(full, sobol_table({"a": 0.62, "b": 0.27, "c": 0.12, "d": 0.05}))
    assert ok["converged"].to_list() == [True]
    assert ok["max_st_change"][0] == pytest.approx(0.04)
    # d moves by 0.08 > 0.05 though the top three hold: not converged.
    below = compare(full, sobol_table({"a": 0.6, "b": 0.3, "c": 0.1, "d": 0.09}))
    assert below["ranks_hold"].to_list() == [True]
    assert below["converged"].to_list() == [False]
    # Ranks below the top three may swap (d and e), as long as nothing moves by > 0.05.
    five = sobol_table({"a": 0.6, "b": 0.3, "c": 0.1, "d": 0.02, "e": 0.01})
    swapped = compare(five, sobol_table({"a": 0.6, "b": 0.3, "c": 0.1, "d": 0.01, "e": 0.03}))
    assert swapped["converged"].to_list() == [True]
    swap = compare(full, sobol_table({"a": 0.3, "b": 0.32, "c": 0.1, "d": 0.01}))
    assert swap["ranks_hold"].to_list() == [False] and swap["converged"].to_list() == [False]
    move = compare(full, sobol_table({"a": 0.66, "b": 0.3, "c": 0.1, "d": 0.01}))
    assert move["ranks_hold"].to_list() == [True] and move["converged"].to_list() == [False]
    assert move["max_st_change"][0] == pytest.approx(0.06)


def _saltelli(problem: dict, n: int, f) -> tuple[dict, np.ndarray, pl.DataFrame]:
    from SALib.sample import sobol as sobol_sample

    x = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=3)
    y = np.array([f(row) for row in x])
    info = {
        "design": {"method": "saltelli", "samples": n, "problem": problem},
        "outcomes": ["y"],
    }
    results = pl.DataFrame({"point": np.arange(len(x)), "status": "done", "y": y})
    return info, x, results


def test_sobol_converges_on_a_linear_model_and_not_on_a_tiny_sample() -> None:
    problem = {"num_vars": 4, "names": ["a", "b", "c", "d"], "bounds": [[0, 1]] * 4}

    # y = 4a + 2b + c: variances 16/12, 4/12, 1/12, 0 -> ST = 16/21, 4/21, 1/21, 0.
    def linear(r: np.ndarray) -> float:
        return 4 * r[0] + 2 * r[1] + r[2]

    full, _, verdict, _ = sobol_with_convergence(*_saltelli(problem, 1024, linear), ["y"])
    st = dict(zip(full["parameter"], full["ST"], strict=True))
    assert st["a"] == pytest.approx(16 / 21, abs=0.05)
    assert st["b"] == pytest.approx(4 / 21, abs=0.05)
    assert verdict["converged"].to_list() == [True]
    assert verdict["top_full"][0].to_list() == ["a", "b", "c"]

    def ishigami(r: np.ndarray) -> float:
        x1, x2, x3 = (np.pi * (2 * v - 1) for v in r[:3])
        return math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)

    _, _, tiny, _ = sobol_with_convergence(*_saltelli(problem, 8, ishigami), ["y"])
    assert tiny["converged"].to_list() == [False]


# -- screening -------------------------------------------------------------------------------
def test_screening_keeps_large_effects_and_a_floor() -> None:
    morris = pl.DataFrame(
        {
            "outcome": ["y"] * 4 + ["z"] * 4,
            "parameter": ["a", "b", "c", "d"] * 2,
            "importance": [1.0, 0.05, 0.02, 0.3, 0.1, 1.0, 0.01, 0.0],
        }
    )
    kept, table = select_inputs(morris, ["a", "b", "c", "d"], keep_share=0.2, min_keep=2)
    # a (1.0), b (1.0 for z) and d (0.3) reach 0.2; c (0.02 at most) does not.
    assert kept == ["a", "b", "d"]
    assert table.filter(pl.col("parameter") == "c")["kept"].to_list() == [False]
    kept, _ = select_inputs(morris, ["a", "b", "c", "d"], keep_share=0.99, min_keep=3)
    assert kept == ["a", "b", "d"]  # the three largest, whatever their share
    # At most two: a and b (1.0 each, ties in spec order) go on; d (0.3) reaches the share but
    # not the bound.
    kept, table = select_inputs(
        morris, ["a", "b", "c", "d"], keep_share=0.2, min_keep=2, max_keep=2
    )
    assert kept == ["a", "b"]
    assert table.filter(pl.col("parameter") == "d")["kept"].to_list() == [False]
    # d is dropped by the cap, not by the rule, and the table says so; c is below the rule.
    why = dict(zip(table["parameter"], table["why"], strict=True))
    assert why == {
        "a": Why.THRESHOLD,
        "b": Why.THRESHOLD,
        "d": Why.CAPPED,
        "c": Why.BELOW,
    }
    assert dropped_by_cap(table) == ["d"]
    # Without a cap every input past the threshold goes on: nothing is dropped by one.
    _, uncapped = select_inputs(morris, ["a", "b", "c", "d"], keep_share=0.2, min_keep=2)
    assert dropped_by_cap(uncapped) == []
    # A floor input below the threshold says why it went on.
    _, floor = select_inputs(morris, ["a", "b", "c", "d"], keep_share=0.99, min_keep=3)
    assert dict(zip(floor["parameter"], floor["why"], strict=True))["d"] == Why.FLOOR


def test_the_report_states_the_cap_and_what_it_dropped() -> None:
    """Issue 29: Morris passed two inputs the cap then dropped; the report must name them."""
    spec = load_study("smoke_study")
    names = list(spec.parameters)  # three inputs
    # The three inputs' mu* over the largest: 1.0, 0.58, 0.13, all past the 0.1 threshold.
    morris = pl.DataFrame(
        {"outcome": ["y"] * 3, "parameter": names, "importance": [1.0, 0.58, 0.13]}
    )
    spec.study.screening.keep_share = 0.1
    spec.study.screening.min_keep = 2
    spec.study.screening.max_keep = 2
    kept, table = select_inputs(morris, names, 0.1, 2, 2)
    text = "\n".join(_screening(spec, Screened(morris, table, kept), {"morris": "m.png"}))
    assert "at most 2, the spec's cap" in text
    assert f"**Dropped by the cap, not by the rule**: `{names[2]}` passed the 0.1 threshold" in text
    spec.study.screening.max_keep = None
    kept, table = select_inputs(morris, names, 0.1, 2, None)
    assert kept == names
    text = "\n".join(_screening(spec, Screened(morris, table, kept), {"morris": "m.png"}))
    assert "no cap: every input past the threshold goes on" in text
    assert "Dropped by the cap" not in text


# -- post-processing of a run's record -------------------------------------------------------
def daily(
    launched: list[float], arrived: list[int], lost: list[int], mass: list[float]
) -> pl.DataFrame:
    n = len(launched)
    return pl.DataFrame(
        {
            "day": [30 * i for i in range(n)],
            "launched_t": launched,
            "landers_arrived": arrived,
            "landers_lost": lost,
            "industrial_mass_t": mass,
        }
    )


def test_earth_ledger_by_hand() -> None:
    # Kept days 0, 30, 60, 90; landers dispatched 0, 1, 2, 3; the seed's 100 t at 100 t a landing
    # is one more landing: 1, 2, 3, 4 landings. Compute delivered 0, 0, 100, 20,000 kW.
    table = pl.DataFrame(
        {
            "day": [0, 30, 60, 90],
            "landers_dispatched": [0, 1, 2, 3],
            "compute_delivered_kw": [0.0, 0.0, 100.0, 20_000.0],
            # The seed's 100 t, then 100 t a lander (read by the trailing-year marginal only).
            "earth_imported_t": [100.0, 200.0, 300.0, 400.0],
        }
    )
    route = RouteFigures(lunar_earth_kg_per_kw=10.0, direct_kg_per_kw=200.0)
    # 4 tankers: 5 launches a landing of 100 t each, 500 t lifted per landing: 2,000 t by day 90,
    # 2,000,000 kg / 20,000 kW = 100 kg/kW; day 60: 1,500,000 / 100 = 15,000. Direct: 200 kg/kW,
    # 20,000 kW x 200 kg = 4,000 t. Breaks even on day 90 (100 <= 200); ratio 4,000 / 2,000.
    out = ledger_outcomes(table, EarthSide(4, 100, 100, 100), route)
    assert out["lunar_earth_kg_per_kw"] == pytest.approx(100.0)
    assert out["direct_earth_kg_per_kw"] == pytest.approx(200.0)
    assert out["break_even_ratio"] == pytest.approx(2.0)
    assert out["breaks_even"] is True
    assert out["break_even_years_censored"] == pytest.approx(90 / 365.25)
    # 9 tankers: 10 launches, 4,000 t by day 90: 200 kg/kW, equal to the direct route's; at or
    # below breaks even (issue 13), ratio 1.
    even = ledger_outcomes(table, EarthSide(9, 100, 100, 100), route)
    assert even["lunar_earth_kg_per_kw"] == pytest.approx(200.0)
    assert even["breaks_even"] is True
    assert even["break_even_ratio"] == pytest.approx(1.0)
    # 12 tankers: 13 launches, 5,200 t: 260 kg/kW > 200: never; censored at the last kept day.
    late = ledger_outcomes(table, EarthSide(12, 100, 100, 100), route)
    assert late["breaks_even"] is False
    assert late["break_even_ratio"] == pytest.approx(4000 / 5200)
    assert late["break_even_years_censored"] == pytest.approx(90 / 365.25)
    # Nothing delivered: no per-kW figures, a ratio of 0 and no break-even.
    none = ledger_outcomes(
        table.with_columns(pl.lit(0.0).alias("compute_delivered_kw")),
        EarthSide(4, 100, 100, 100),
        route,
    )
    assert none["lunar_earth_kg_per_kw"] is None and none["direct_earth_kg_per_kw"] is None
    assert none["break_even_ratio"] == 0.0 and none["breaks_even"] is False


@pytest.fixture(scope="module")
def short_run() -> tuple[RunRecord, dict]:
    """A four-year run that turns to satellites after a year (its first compute flies in year
    four), kept every 30 days."""
    params = {"planner.produce_after_years": 1.0}
    base = lunarcity.resolve_scenario("ten_year_city", {"run.years": 4})
    result = lunarcity.run(base, **{k.replace(".", "__"): v for k, v in params.items()})
    record = RunRecord(
        0, params, {}, thin_daily(result.daily, 30), scenario=base.model_dump(mode="json")
    )
    return record, result.summary["thesis"]


def test_earth_ledger_of_a_run_is_the_runs_own_at_its_own_figures(short_run) -> None:
    # At the scenario's own tankers (15) and payload to LEO (100 t), the processor reads the
    # same ledger the run wrote into its summary: one definition, not a second one.
    record, thesis = short_run
    assert thesis["compute_delivered_kw"] > 0
    out = earth_route_ledger(record, {"tankers_per_landing": 15, "payload_to_leo_t": 100})
    assert out["lunar_earth_kg_per_kw"] == pytest.approx(thesis["earth_kg_per_kw"], rel=1e-12)
    assert out["direct_earth_kg_per_kw"] == pytest.approx(
        thesis["direct_earth_kg_per_kw"], rel=1e-12
    )
    assert out["breaks_even"] is (thesis["breakeven_day"] is not None)
    # Fewer tankers lift less for the same compute.
    fewer = earth_route_ledger(record, {"tankers_per_landing": 4, "payload_to_leo_t": 100})
    assert fewer["lunar_earth_kg_per_kw"] == pytest.approx(out["lunar_earth_kg_per_kw"] * 5 / 16)


def test_a_draws_tanker_count_follows_from_its_physical_inputs(short_run) -> None:
    # One draw by hand: a 100 t dry lander with the ten-year city's 100 t of cargo, Isp 350 s,
    # its trip 6.18 km/s (the scenario's, AA20), tankers lifting 150 t to LEO.
    # v_e = 350 x 9.80665 = 3432.33 m/s; 6180 / 3432.33 = 1.80053; e^1.80053 = 6.05284;
    # propellant (100 + 100) x 5.05284 = 1010.57 t; 1010.57 / 150 = 6.7371 tankers a landing,
    # though the scenario states GAO21's 15: drawn physics decide the count.
    record, _ = short_run
    draw = {"payload_to_leo_t": 150.0, "lander_dry_t": 100.0, "lander_isp_s": 350.0}
    sc = lunarcity.resolve_scenario("ten_year_city", {})
    assert sc.earth.tankers_per_landing == 15
    side = drawn_side(sc, 93.4, draw)
    assert side.tankers_per_landing == pytest.approx(6.7371, rel=1e-4)
    assert side.payload_to_leo_t == 150.0 and side.payload_landed_t == 100.0
    # The ledger at that draw is the ledger at the count it derives (the old specs' form).
    out = earth_route_ledger(record, draw)
    count = {"tankers_per_landing": side.tankers_per_landing, "payload_to_leo_t": 150.0}
    assert out == earth_route_ledger(record, count)
    # A heavier lander burns more: 200 t dry at 380 s needs (200 + 100) x 4.25080 = 1275.24 t
    # (e^(6180 / 3726.53) = 5.25080, as in tests/test_tankers.py), 8.5016 tankers of 150 t.
    heavy = drawn_side(sc, 93.4, {"payload_to_leo_t": 150.0, "lander_dry_t": 200.0})
    assert heavy.tankers_per_landing == pytest.approx(8.5016, rel=1e-4)


def test_earth_ledger_needs_the_daily_table_from_day_0() -> None:
    record = RunRecord(0, {}, {}, pl.DataFrame({"day": [30], "earth_imported_t": [1.0]}))
    with pytest.raises(ValueError, match="day 0"):
        earth_route_ledger(record, {"tankers_per_landing": 4, "payload_to_leo_t": 100})


def test_self_sufficiency_reads_the_run_and_the_scenario() -> None:
    # Rows every 30 days: days 0, 30, ..., 600 (21 rows).
    grows = [10.0 + i for i in range(21)]
    table = daily([0] * 21, [0] * 21, [0] * 21, grows)
    # Earth stops after 60 / 365.25 years -> row 2 (day 60): mass 12; end 30 -> 30/12. The last
    # year is days 235..600: its first kept row is day 240 (>= 60), mass 18 -> 30: it grew.
    run = RunRecord(0, {"earth.until_years": 60 / 365.25}, {}, table)
    out = self_sufficiency(run, {})
    assert out["self_sufficient"] is True
    assert out["growth_after_earth"] == pytest.approx(30 / 12)
    # From the scenario (not swept): stops at day 90 -> mass 13 -> 30/13.
    scen = RunRecord(0, {}, {}, table, scenario={"earth": {"until_years": 90 / 365.25}})
    assert self_sufficiency(scen, {})["growth_after_earth"] == pytest.approx(30 / 13)
    never = RunRecord(0, {}, {}, table, scenario={"earth": {"until_years": None}})
    assert self_sufficiency(never, {}) == {"self_sufficient": None, "growth_after_earth": None}
    # Spends its stocks: grows until day 120 after a stop at day 30, then frozen. Mass at the
    # end (16) is above the mass at the stop (11), but over the last year (from day 240) it
    # did not grow: not self-sufficient.
    spends = [10, 11, 13, 15, 16] + [16] * 16
    frozen = daily([0] * 21, [0] * 21, [0] * 21, spends)
    out = self_sufficiency(RunRecord(0, {"earth.until_years": 30 / 365.25}, {}, frozen), {})
    assert out["self_sufficient"] is False
    assert out["growth_after_earth"] == pytest.approx(16 / 11)
    # A stop at day 300: the run ends 300 days later, less than a year: not measured.
    late = RunRecord(0, {"earth.until_years": 300 / 365.25}, {}, table)
    assert self_sufficiency(late, {})["self_sufficient"] is None


def test_processing_every_run_at_every_draw_and_averaging(short_run) -> None:
    record, _ = short_run
    shrink = RunRecord(8, {"earth.until_years": 0.5}, {}, record.daily, scenario=record.scenario)
    records = [record, shrink]
    draws = pl.DataFrame({"tankers_per_landing": [4.0, 15.0], "payload_to_leo_t": [100.0, 100.0]})
    table = process_runs(records, ["earth_ledger", "self_sufficiency"], draws)
    assert table.height == 4
    assert table["draw"].to_list() == [0, 1, 0, 1]
    ratios = table["break_even_ratio"].to_list()
    # 16 launches a landing against 5: the lunar route lifts 16/5 as much, the ratio is 5/16.
    assert ratios[1] == pytest.approx(ratios[0] * 5 / 16)
    means = per_run(table, ["earth_ledger", "self_sufficiency"])
    assert means["break_even_ratio"][0] == pytest.approx((ratios[0] + ratios[1]) / 2)
    # The city's own flag does not depend on the draw: its mean is the run's flag.
    assert means["self_sufficient"].to_list()[1] in (0.0, 1.0)


def test_spread_of_an_outcome_by_hand() -> None:
    # 21 runs with values 1..21, plus a run without a value. Percentiles interpolate linearly
    # between order statistics at (n - 1) * q: index 1 -> 2 (5 %), index 10 -> 11 (median),
    # index 19 -> 20 (95 %); the largest is 21. Draw 1 repeats the city's own outcome with
    # another Earth-side figure: an outcome that does not depend on it counts each run once.
    values = [float(v) for v in range(1, 22)] + [None]
    rows = pl.DataFrame(
        {
            "point": list(range(22)) * 2,
            "draw": [0] * 22 + [1] * 22,
            "industrial_mass_t": values + [1000.0] * 22,
        }
    )
    s = spread(rows, "industrial_mass_t")
    assert (s.n, s.low, s.median, s.high, s.largest) == (21, 2.0, 11.0, 20.0, 21.0)
    assert (
        spread(rows.with_columns(pl.lit(None).alias("industrial_mass_t")), "industrial_mass_t")
        is None
    )


def test_the_size_a_pilot_reads_by_hand() -> None:
    # Intervals shrink as 1 / sqrt(N): +-0.2 at N = 8 becomes +-0.05 at 8 x (0.2 / 0.05)^2 =
    # 8 x 16 = 128, a power of two already; +-0.3 at 16 asks 16 x 36 = 576, rounded up to
    # 1,024; an interval already within the tolerance asks nothing more.
    from lunarcity.study.convergence import size_needed

    assert size_needed(0.2, 8, 0.05) == 128
    assert size_needed(0.3, 16, 0.05) == 1024
    assert size_needed(0.04, 8, 0.05) == 8

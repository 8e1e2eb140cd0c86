"""The Earth ledger from a daily table, with the issue's definitions worked by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from lunarcity.errors import InputError
from lunarcity.space.earth_ledger import (
    COLUMNS,
    EarthSide,
    RouteFigures,
    breakeven_day,
    earth_ledger,
    thesis_summary,
)

DAILY = pl.DataFrame(
    {
        "day": [0, 1, 2, 3, 4],
        "landers_dispatched": [0, 0, 1, 1, 2],
        "compute_delivered_kw": [0.0, 0.0, 40.0, 40_000.0, 400_000.0],
        "earth_imported_t": [150.0, 150.0, 250.0, 250.0, 350.0],
    }
)


def test_ledger_by_hand() -> None:
    # GAO21-like: 15 tankers per landing; 100 t to LEO and 100 t landed; a 150 t seed (2 landings).
    side = EarthSide(tankers_per_landing=15, payload_to_leo_t=100, payload_landed_t=100, seed_t=150)
    route = RouteFigures(lunar_earth_kg_per_kw=5.0, direct_kg_per_kw=80.0)
    led = earth_ledger(DAILY, side, route)
    assert set(COLUMNS) <= set(led.columns)
    # Lunar launches: (15 + 1) x (landers + 2 seed landings).
    assert led["earth_launches"].to_list() == [32, 32, 48, 48, 64]
    assert led["earth_lifted_t"].to_list() == [3200, 3200, 4800, 4800, 6400]
    # Direct: 80 kg/kW; 40 kW is 3.2 t (one launch), 40 MW is 3,200 t (32), 400 MW 32,000 t (320).
    assert led["direct_earth_lifted_t"].to_list() == pytest.approx([0, 0, 3.2, 3200, 32000])
    assert led["direct_earth_launches"].to_list() == [0, 0, 1, 32, 320]
    # Per kW: NaN until compute is delivered (the summary says null).
    assert all(math.isnan(v) for v in led["earth_kg_per_kw"].to_list()[:2])
    assert all(math.isnan(v) for v in led["direct_earth_kg_per_kw"].to_list()[:2])
    assert led["earth_kg_per_kw"][2] == pytest.approx(4800e3 / 40)
    assert led["earth_kg_per_kw"][4] == pytest.approx(6400e3 / 400_000)  # 16 kg/kW
    assert led["direct_earth_kg_per_kw"][4] == pytest.approx(80.0)
    # Marginal: the trailing year's landed kg x 16 t lifted per t landed over the kW delivered
    # in it; every day is within a year of day 0, so the year is the whole run. Days 0-1 deliver
    # nothing (NaN); day 2: 100 t landed x 16 / 40 kW = 40,000 kg/kW; day 3: 100 t x 16 / 40 MW
    # = 40 kg/kW; day 4: 200 t x 16 / 400 MW = 8 kg/kW.
    marginal = led["earth_kg_per_kw_marginal"].to_list()
    assert all(math.isnan(v) for v in marginal[:2])
    assert marginal[2:] == pytest.approx([40_000.0, 40.0, 8.0])
    # Day 3: 4,800 t / 40 MW = 120 kg/kW > 80; day 4: 16 <= 80: break-even on day 4.
    assert breakeven_day(led) == 4


def test_ledger_by_hand_with_payload_to_leo_unlike_payload_landed() -> None:
    # A rocket lifting 150 t to LEO whose lander sets down 60 t (so that swapping the two, or
    # dividing the wrong way, shows): 4 tankers per landing, a 150 t seed.
    side = EarthSide(tankers_per_landing=4, payload_to_leo_t=150, payload_landed_t=60, seed_t=150)
    led = earth_ledger(DAILY, side, RouteFigures(lunar_earth_kg_per_kw=5.0, direct_kg_per_kw=80.0))
    # The seed takes ceil(150 / 60) = 3 landings (by what a lander lands, not what reaches LEO).
    assert side.seed_landings == 3
    # Each landing takes 4 + 1 = 5 launches: landings 3, 3, 4, 4, 5 by day.
    assert led["earth_launches"].to_list() == [15, 15, 20, 20, 25]
    # Every launch lifts a full payload to LEO: 150 t each.
    assert led["earth_lifted_t"].to_list() == [2250, 2250, 3000, 3000, 3750]
    # Direct: 3.2 t, 3,200 t and 32,000 t in launches of 150 t: 1, ceil(21.3) = 22, ceil(213.3)
    # = 214.
    assert led["direct_earth_launches"].to_list() == [0, 0, 1, 22, 214]
    # Marginal: the trailing year's landed kg x the tonnes lifted per tonne landed (5 launches x
    # 150 t lifted / 60 t landed = 12.5) over the kW delivered in it. Day 2: 100 t x 12.5 / 40 kW
    # = 31,250 kg/kW; day 3: 100 t x 12.5 / 40 MW = 31.25; day 4: 200 t x 12.5 / 400 MW = 6.25.
    marginal = led["earth_kg_per_kw_marginal"].to_list()
    assert all(math.isnan(v) for v in marginal[:2])
    assert marginal[2:] == pytest.approx([31_250.0, 31.25, 6.25])
    # Day 3: 3,000 t / 40 MW = 75 kg/kW <= 80: break-even on day 3; day 4: 3,750 t / 400 MW.
    assert led["earth_kg_per_kw"][3] == pytest.approx(75.0)
    assert led["earth_kg_per_kw"][4] == pytest.approx(9.375)
    assert breakeven_day(led) == 3


def test_earth_side_changes_without_rerunning() -> None:
    route = RouteFigures(lunar_earth_kg_per_kw=5.0, direct_kg_per_kw=80.0)
    musk = EarthSide(tankers_per_landing=4, payload_to_leo_t=100, payload_landed_t=100, seed_t=100)
    led = earth_ledger(DAILY, musk, route)
    assert led["earth_launches"].to_list() == [5, 5, 10, 10, 15]
    # Day 3: 1,000 t / 40 MW = 25 kg/kW <= 80: the break-even comes a day sooner.
    assert breakeven_day(led) == 3
    never = RouteFigures(lunar_earth_kg_per_kw=5.0, direct_kg_per_kw=1.0)
    assert breakeven_day(earth_ledger(DAILY, musk, never)) is None


def test_seed_landings_round_up() -> None:
    side = EarthSide(15, 100, 100, seed_t=100)
    assert side.seed_landings == 1
    assert EarthSide(15, 100, 100, seed_t=100.5).seed_landings == math.ceil(100.5 / 100)
    assert EarthSide(15, 100, 100, seed_t=0).seed_landings == 0


def test_summary_block_has_exactly_the_issue_keys() -> None:
    side = EarthSide(15, 100, 100, 150)
    led = earth_ledger(DAILY, side, RouteFigures(5.0, 80.0))
    block = thesis_summary(
        led, destination="geo", satellite_w_per_kg=20.0, direct_satellite_w_per_kg=33.0
    )
    assert list(block) == [
        "destination",
        "satellite_w_per_kg",
        "direct_satellite_w_per_kg",
        "compute_delivered_kw",
        "earth_launches",
        "direct_earth_launches",
        "earth_lifted_t",
        "earth_kg_per_kw",
        "earth_kg_per_kw_marginal",
        "direct_earth_kg_per_kw",
        "breakeven_day",
    ]
    assert block["earth_launches"] == 64
    assert block["breakeven_day"] == 4


def test_bad_input() -> None:
    with pytest.raises(InputError, match="no column landers_dispatched"):
        earth_ledger(
            DAILY.drop("landers_dispatched"), EarthSide(15, 100, 100, 0), RouteFigures(1, 1)
        )
    with pytest.raises(InputError, match="payload_to_leo_t must be positive"):
        earth_ledger(DAILY, EarthSide(15, 0, 100, 0), RouteFigures(1, 1))


def test_summary_before_any_compute_is_delivered_says_null() -> None:
    daily = DAILY.with_columns(pl.lit(0.0).alias("compute_delivered_kw"))
    led = earth_ledger(daily, EarthSide(15, 100, 100, 150), RouteFigures(5.0, 80.0))
    block = thesis_summary(
        led, destination="geo", satellite_w_per_kg=20.0, direct_satellite_w_per_kg=33.0
    )
    assert block["earth_kg_per_kw"] is None and block["direct_earth_kg_per_kw"] is None
    assert block["breakeven_day"] is None
    assert block["earth_lifted_t"] == 16 * 4 * 100  # 2 seed landings and 2 landers, 16 launches


def test_the_marginal_reads_the_trailing_year_only() -> None:
    # Rows 200-300 days apart, 16 t lifted per t landed (15 tankers + 1, 100 t each way).
    daily = pl.DataFrame(
        {
            "day": [0, 200, 400, 700],
            "landers_dispatched": [0, 1, 2, 2],
            "compute_delivered_kw": [0.0, 40.0, 80.0, 120.0],
            "earth_imported_t": [100.0, 200.0, 300.0, 300.0],
        }
    )
    led = earth_ledger(daily, EarthSide(15, 100, 100, 100), RouteFigures(5.0, 80.0))
    marginal = led["earth_kg_per_kw_marginal"].to_list()
    # Day 0: nothing delivered (NaN). Day 200: the year back to day 0 landed 100 t for 40 kW:
    # 100,000 x 16 / 40 = 40,000 kg/kW. Day 400: the year from day 35 starts at the day-200 row:
    # 100 t for 40 kW, 40,000 again. Day 700: the year from day 335 starts at the day-400 row:
    # nothing landed for 40 kW delivered, 0 (the whole run would say 200 t / 120 kW = 26,667).
    assert math.isnan(marginal[0])
    assert marginal[1:] == pytest.approx([40_000.0, 40_000.0, 0.0])

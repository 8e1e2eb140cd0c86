"""What the plan and the recipe book keep between days gives what working afresh gives.

The speed work (issue 27) keeps a few things from day to day instead of working them out again:
the plan's terms for one set of shares, each recipe's few outputs (the batches worked in plain
floats over them). Each is checked here against the same figure worked out from scratch (or by
the arrays over every item, as before), bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.model import LunarCity
from lunarcity.stages.plan import _batches, production_plan, todays_shares


@pytest.fixture()
def city() -> LunarCity:
    return LunarCity("ten_year_city", seed=1, run__years=1)


def _array_batches(city: LunarCity, need: np.ndarray, lot: np.ndarray) -> np.ndarray:
    """The batches as the arrays over every item worked them before (plan.py at 09b349b)."""
    arrays = city.arrays
    stock = city.stock
    gap = np.maximum(city.params.planner.stock_days * need, lot)
    np.subtract(gap, stock, out=gap)
    np.maximum(0.0, gap, out=gap)
    batches = np.maximum.reduce(gap * city.recipe_book.per_output, axis=1)
    for r in arrays.recycled_recipes:
        b = batches[r]
        for i, q in arrays.recipe_io[r][0]:
            b = min(b, stock[i] / q)
        batches[r] = b
    hours = city.contributions.fab_hours()
    want = np.bincount(
        arrays.recipe_fab, weights=batches * arrays.r_time, minlength=len(arrays.fab_of_recipes)
    ).tolist()
    scale = [
        hours.get(fab, 0.0) / w if w > hours.get(fab, 0.0) else 1.0
        for fab, w in zip(arrays.fab_of_recipes, want, strict=True)
    ]
    return batches * np.array(scale)[arrays.recipe_fab]


def _random_day(city: LunarCity, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stock, a need and a floor drawn at random, some items with none of each."""
    rng = np.random.default_rng(seed)
    n = len(city.nodes)
    city.stock[:] = rng.uniform(0.0, 2000.0, n) * (rng.random(n) < 0.7)
    need = rng.uniform(0.0, 50.0, n) * (rng.random(n) < 0.8)
    lot = rng.uniform(0.0, 300.0, n) * (rng.random(n) < 0.5)
    return need, lot


def test_batches_in_plain_floats_equal_the_arrays_over_every_item(city: LunarCity) -> None:
    scaled = 0
    for seed in range(40):
        need, lot = _random_day(city, seed)
        got = _batches(city, need, lot.tolist())
        expect = _array_batches(city, need, lot)
        assert got.tobytes() == expect.tobytes(), seed
        scaled += bool((expect < np.maximum.reduce(_gap_rows(city, need, lot), axis=1)).any())
    assert scaled  # some days' fab-hours fell short (the scaling was exercised)


def _gap_rows(city: LunarCity, need: np.ndarray, lot: np.ndarray) -> np.ndarray:
    gap = np.maximum(0.0, np.maximum(city.params.planner.stock_days * need, lot) - city.stock)
    return gap * city.recipe_book.per_output


def test_a_recipes_batches_by_hand(city: LunarCity) -> None:
    # Regolith electrolysis's first output the only gap: 30 days x 2 kg/day = 60 kg with none
    # in stock; each recipe making it (electrolysis and salt reduction both give oxygen) is
    # asked for 60 kg over its kg a batch, and no other recipe for any; plenty of fab-hours.
    arrays = city.arrays
    r = arrays.recipes.index("regolith_electrolysis")
    i = int(np.flatnonzero(arrays.r_out[r])[0])
    city.stock[:] = 1e9
    city.stock[i] = 0.0
    need = np.zeros(len(city.nodes))
    need[i] = 2.0
    assert city.params.planner.stock_days == 30
    got = _batches(city, need, [0.0] * len(need))
    assert city.nodes[i] == "oxygen"
    makers = np.flatnonzero(arrays.r_out[:, i])
    assert [arrays.recipes[m] for m in makers] == ["regolith_electrolysis", "salt_reduction"]
    for m in makers:
        assert got[m] == pytest.approx(60.0 / arrays.r_out[m, i], rel=1e-15)
    assert np.count_nonzero(got) == len(makers)


def test_a_remelt_mix_of_more_items_is_planned_for(city: LunarCity) -> None:
    # The scrap pool's mix decides remelting's outputs: the recipe book's row follows a mix of
    # more items than any recipe had, and the batches still equal the arrays' over every item.
    book = city.recipe_book
    r = city.arrays.remelt
    wide = np.zeros(len(city.nodes))
    wide[:8] = np.arange(1.0, 9.0)
    book.per_output[r] = wide
    book.output_rows(r)
    assert book.plan_rows[r][0] == [(k, k + 1.0) for k in range(8)]
    for seed in range(10):
        need, lot = _random_day(city, seed)
        got = _batches(city, need, lot.tolist())
        assert got.tobytes() == _array_batches(city, need, lot).tobytes(), seed


def test_the_plan_for_changed_shares_is_worked_again(city: LunarCity) -> None:
    shares = todays_shares(city)
    first = production_plan(city, 40.0, shares)
    # The same dict changed in place (new float objects), then other shares, then the first
    # ones: each plan equals one worked with nothing kept.
    shares["robot"] = shares.get("robot", 0.0) + 0.25
    for today in (shares, {"robot": 1.0}, todays_shares(city)):
        kept = production_plan(city, 40.0, today)
        city.plan_basis.share_terms.clear()
        fresh = production_plan(city, 40.0, dict(today))
        for field in ("need", "direct", "batches", "rate"):
            assert getattr(kept, field).tobytes() == getattr(fresh, field).tobytes(), field
    changed = production_plan(city, 40.0, shares)
    assert changed.rate.tobytes() != first.rate.tobytes()

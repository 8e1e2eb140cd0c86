"""What the plan, the recipes and dispatch keep between days gives what working afresh gives.

The speed work (issue 27) keeps a few things from day to day instead of working them out again:
the plan's terms for one set of shares, each recipe's few outputs for the row max of the stock
gap. Each is checked here against the same figure worked out from scratch, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.model import LunarCity
from lunarcity.stages.plan import production_plan, todays_shares


@pytest.fixture()
def city() -> LunarCity:
    return LunarCity("ten_year_city", seed=1, run__years=1)


def _full_row_max(city: LunarCity, gap: np.ndarray) -> np.ndarray:
    """Each recipe's largest gap times batches per kg over every item (the unpadded rule)."""
    return np.maximum.reduce(gap * city.recipe_book.per_output, axis=1)


def test_recipe_rows_give_the_full_rows_maximum(city: LunarCity) -> None:
    book = city.recipe_book
    rng = np.random.default_rng(5)
    gap = rng.uniform(0.0, 100.0, len(city.nodes))
    gap[rng.random(len(gap)) < 0.3] = 0.0  # items with no gap (their product is +0)
    rows = np.maximum.reduce(gap[book.out_cols] * book.out_per, axis=1)
    assert rows.tobytes() == _full_row_max(city, gap).tobytes()
    # By hand for one recipe: regolith electrolysis's batches are its largest output's gap
    # over that output's kg a batch.
    r = city.arrays.recipes.index("regolith_electrolysis")
    outs = np.flatnonzero(city.arrays.r_out[r])
    expect = max(gap[i] / city.arrays.r_out[r, i] for i in outs)
    assert rows[r] == pytest.approx(expect, rel=1e-15)


def test_a_remelt_mix_of_more_items_widens_the_rows(city: LunarCity) -> None:
    # The scrap pool's mix decides remelting's outputs: one of more items than any recipe had
    # before makes the rows wider, and every row still gives the full row's maximum.
    book = city.recipe_book
    r = city.arrays.remelt
    width = book.out_cols.shape[1]
    wide = np.zeros(len(city.nodes))
    wide[: width + 2] = np.arange(1, width + 3, dtype=float)
    book.per_output[r] = wide
    book.output_rows(r)
    assert book.out_cols.shape[1] == width + 2
    gap = np.linspace(1.0, 47.0, len(city.nodes))
    rows = np.maximum.reduce(gap[book.out_cols] * book.out_per, axis=1)
    assert rows.tobytes() == _full_row_max(city, gap).tobytes()
    # Item k (0-based, k < width + 2) has gap 1 + k and k + 1 batches per kg: the last one wins.
    k = width + 1
    assert rows[r] == (1.0 + k) * (k + 1)


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

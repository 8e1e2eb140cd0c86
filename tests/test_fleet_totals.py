"""The fleet's health total is the exact sum of the health column on both of its sum paths."""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.city.fleet import SMALL_CHANGE
from lunarcity.model import LunarCity


@pytest.mark.parametrize("n", [SMALL_CHANGE, SMALL_CHANGE + 1])
def test_births_add_the_same_exact_total_on_both_paths(n: int) -> None:
    # Up to SMALL_CHANGE (16) births are summed by math.fsum over a list, 17 and more by a
    # numpy float64 reduction. Healths alternate float32(0.7) and float32(0.85): as float64,
    # float32(0.7) = 11744051 / 2^24 and float32(0.85) = 14260634 / 2^24, so any few of them
    # add exactly, whatever the order. n = 16: 8 of each; n = 17: 9 of 0.7 and 8 of 0.85.
    assert SMALL_CHANGE == 16
    seventy, eighty_five = np.float32(0.7), np.float32(0.85)
    assert float(seventy) == 11744051 / 2**24 and float(eighty_five) == 14260634 / 2**24
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    fleet = m.fleet
    assert fleet.health_total("robot") == 10.0  # the seed's 10 robots, new
    health = np.array([seventy, eighty_five] * 9, dtype=np.float32)[:n]
    fleet.add(
        "robot",
        xs=np.zeros(n, dtype=np.int16),
        ys=np.zeros(n, dtype=np.int16),
        day=0,
        builders=np.zeros(n, dtype=np.int64),
        imported_kg=np.zeros(n),
        health=health,
    )
    n_70, n_85 = (n + 1) // 2, n // 2
    by_hand = 10.0 + (n_70 * 11744051 + n_85 * 14260634) / 2**24
    assert fleet.health_total("robot") == by_hand
    t = fleet.tables["robot"]
    assert fleet.health_total("robot") == float(t["health"][: t.n].sum(dtype=np.float64))
    assert fleet.working("robot") == 10 + n

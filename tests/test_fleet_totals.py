"""The fleet's kept totals (health, mass) equal the sums of their columns on every sum path."""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.city.fleet import SHORT_REDUCE, SMALL_CHANGE, Fleet
from lunarcity.city.tables import filled
from lunarcity.model import LunarCity
from lunarcity.stages.placement import Slot


def _born_robots(
    fleet: Fleet,
    health: np.ndarray,
    xs: np.ndarray | None = None,
    mass_kg: np.ndarray | None = None,
) -> None:
    """Robots born on day 0 with ``health``, built by nobody, all Moon-made, at ``xs`` (else
    cell 0) on the grid's first row, each of ``mass_kg`` (else the kind's mass)."""
    n = len(health)
    fleet.add(
        "robot",
        xs=np.zeros(n, dtype=np.int16) if xs is None else xs,
        ys=np.zeros(n, dtype=np.int16),
        day=0,
        builders=np.zeros(n, dtype=np.int64),
        imported_kg=np.zeros(n),
        health=health,
        mass_kg=mass_kg,
    )


def test_births_at_the_kinds_mass_add_what_the_column_reduction_adds() -> None:
    """A kind's mass in service after births at its own mass (the kept sum) equals the same
    births with the masses given row by row (summed from the new rows of the column)."""
    kept, given = (LunarCity("aasm1980_lmf", seed=1, run__years=1) for _ in range(2))
    mass = kept.catalog.units["robot"].mass_kg
    assert given.fleet.mass_total("robot") == kept.fleet.mass_total("robot")
    for n in (1, 3, 7, 12, 30):
        _born_robots(kept.fleet, filled(1.0, n, np.float32))
        _born_robots(given.fleet, filled(1.0, n, np.float32), mass_kg=np.full(n, mass))
        assert kept.fleet.mass_total("robot") == given.fleet.mass_total("robot")
    t = kept.fleet.tables["robot"]
    assert bool(np.all(t["mass_kg"] == mass)) and bool(np.all(t["slot"] == Slot.NONE))


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
    _born_robots(fleet, health)
    n_70, n_85 = (n + 1) // 2, n // 2
    by_hand = 10.0 + (n_70 * 11744051 + n_85 * 14260634) / 2**24
    assert fleet.health_total("robot") == by_hand
    t = fleet.tables["robot"]
    assert fleet.health_total("robot") == float(t["health"][: t.n].sum(dtype=np.float64))
    assert fleet.working("robot") == 10 + n


@pytest.mark.parametrize("n", [SMALL_CHANGE, SMALL_CHANGE + 1])
def test_broken_units_born_and_scrapped_count_as_not_working_on_both_paths(n: int) -> None:
    # Healths alternate 0.5 and 0 (a broken unit): n = 16 holds 8 working units, n = 17
    # holds 9; scrapping them all takes the same back, the -0.0 of a negated 0 included.
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    fleet = m.fleet
    assert fleet.working("robot") == 10 and fleet.health_total("robot") == 10.0
    health = np.array([0.5, 0.0] * 9, dtype=np.float32)[:n]
    _born_robots(fleet, health)
    working = (n + 1) // 2
    assert fleet.working("robot") == 10 + working
    assert fleet.health_total("robot") == 10.0 + 0.5 * working
    fleet.remove("robot", np.arange(10, 10 + n))  # the rows just appended
    assert fleet.working("robot") == 10 and fleet.health_total("robot") == 10.0


@pytest.mark.parametrize(("n", "by_hand"), [(7, 1.0), (8, 1.0 + 3 * 2.0**-52)])
def test_tracked_sums_add_as_the_numpy_reduction_on_both_paths(n: int, by_hand: float) -> None:
    # Fewer than SHORT_REDUCE (8) births add their cells' values in plain floats, one after
    # another; 8 and more go to np.add.reduce, which adds 8 values in pairs. The values 1 and
    # then tiny ones t = 2^-53 tell the orders apart: 1 + t rounds to 1 (a tie, to even), so
    # one after another gives 1 for any count; in pairs, ((1 + t) + (t + t)) + ((t + t) + (t +
    # t)) = (1 + 2^-52) + 2^-51 = 1 + 3 * 2^-52, exactly.
    assert SHORT_REDUCE == 8
    tiny = 2.0**-53
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    fleet = m.fleet
    grid = np.zeros((m.site.height, m.site.width))
    grid[0, 0] = 1.0
    grid[0, 1:8] = tiny
    assert float(np.add.reduce(grid[0, :n])) == by_hand  # numpy's own order
    seed = fleet.count("robot")
    assert seed > 0 and not np.any(grid[fleet.tables["robot"]["y"], fleet.tables["robot"]["x"]])
    fleet.track(("test",), ["robot"], grid)
    _born_robots(fleet, np.ones(n, dtype=np.float32), xs=np.arange(n, dtype=np.int16))
    assert fleet.tracked_mean(("test",)) == by_hand / (seed + n)
    # Scrapping takes the same values off, read from the int16 columns.
    fleet.remove("robot", np.arange(seed, seed + n))  # the rows just appended
    assert fleet.tracked_mean(("test",)) == (by_hand - by_hand) / seed

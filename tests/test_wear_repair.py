"""Repair never reaches a unit that left service while it waited in the repair queue."""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.model import LunarCity
from lunarcity.stages import wear


def _seed_with_two_broken_robots() -> LunarCity:
    """The AASM80 seed (10 robots, ids 1-10, born day 0, health 1) on day 1,826, ids 3, 5 broken."""
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    m.day = 1826
    broke = m.fleet.fail("robot", [2, 4])
    m.repairs.broken_ids["robot"] += broke
    assert broke == [3, 5]
    return m


@pytest.mark.parametrize("leave", ["scrap", "fleet_remove"])
def test_a_unit_that_leaves_while_queued_is_never_repaired(leave: str) -> None:
    m = _seed_with_two_broken_robots()
    t = m.fleet.tables["robot"]
    row = int(t.rows_of(np.array([3]))[0])
    if leave == "scrap":  # the end-of-life path, which prunes the queue
        wear.scrap(m, "robot", np.array([row]))
    else:  # any other way out of service leaves the id queued
        m.fleet.remove("robot", np.array([row]))
        assert m.repairs.broken_ids["robot"] == [3, 5]
    # Left: 9 robots, 8 at health 1 and robot 5 at 0.
    assert t.n == 9
    assert m.fleet.health_total("robot") == 8.0
    before = dict(zip(t["id"][: t.n].tolist(), t["health"][: t.n].tolist(), strict=True))
    # Ten robot-days of labour, a robot-day a repair: both queued repairs are paid for.
    wear.repair(m, 10.0)
    after = dict(zip(t["id"][: t.n].tolist(), t["health"][: t.n].tolist(), strict=True))
    # Robot 5 (born day 0, life 3,652.5 days) comes back at 1 - 0.3 * 1826 / 3652.5 = 0.85003...
    # in float32; robot 3 is gone, and every other robot keeps its health of 1.
    repaired = np.float32(1.0 - 0.3 * 1826 / 3652.5)
    assert 3 not in after
    assert after[5] == repaired
    assert {u: h for u, h in after.items() if u != 5} == {u: h for u, h in before.items() if u != 5}
    assert m.repairs.broken_ids["robot"] == []
    assert m.fleet.working("robot") == 9
    assert m.fleet.health_total("robot") == 8.0 + float(repaired)

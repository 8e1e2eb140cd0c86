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


def test_a_repair_bigger_than_a_days_labour_is_finished_over_days() -> None:
    # Robots 3 and 5 wait, a robot repair costs 1 robot-day (data/units.yaml). With 0.75
    # robot-days a day: day 1 banks 0.75 (nothing finished); day 2 owes 2 - 0.75 = 1.25 and
    # spends 0.75, banking 1.5: robot 3 is back, 0.5 carried; day 3 owes 1 - 0.5 = 0.5 and
    # spends only that, banking 1.0: robot 5 is back, nothing carried; day 4 has nothing to do.
    m = _seed_with_two_broken_robots()
    queue, done = m.repairs.broken_ids, m.repairs.labour_done
    assert wear.repair(m, 0.75) == 0.75
    assert queue["robot"] == [3, 5] and done["robot"] == 0.75
    assert wear.repair(m, 0.75) == 0.75
    assert queue["robot"] == [5] and done["robot"] == 0.5
    assert m.fleet.working("robot") == 9
    assert wear.repair(m, 0.75) == 0.5
    assert queue["robot"] == [] and done["robot"] == 0.0
    assert m.fleet.working("robot") == 10
    assert wear.repair(m, 0.75) == 0.0
    # No labour (or none left) spends nothing and banks nothing.
    m = _seed_with_two_broken_robots()
    assert wear.repair(m, 0.0) == 0.0
    assert wear.repair(m, -1.0) == 0.0
    assert m.repairs.broken_ids["robot"] == [3, 5] and m.repairs.labour_done["robot"] == 0.0


def test_scrapping_working_units_leaves_the_repair_queue_as_it_was() -> None:
    # Scrap filters the queue only when a scrapped unit is broken (a queued unit always is):
    # scrapping working robots 1 and 4 (rows 0 and 3) keeps robots 3 and 5 waiting, in order.
    m = _seed_with_two_broken_robots()
    queue = m.repairs.broken_ids["robot"]
    wear.scrap(m, "robot", np.array([0, 3]))
    assert m.repairs.broken_ids["robot"] is queue and queue == [3, 5]
    assert m.fleet.count("robot") == 8 and m.fleet.working("robot") == 6
    # A broken one among them is taken out of the queue.
    t = m.fleet.tables["robot"]
    row = int(t.rows_of(np.array([5]))[0])
    wear.scrap(m, "robot", np.array([row]))
    assert m.repairs.broken_ids["robot"] == [3]

"""Stage rules checked by hand: wear by age, the bottleneck's order, the task board, the ledger."""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity import wear
from lunarcity.agents import TASKS, Task
from lunarcity.ledgers import MassLedger, mass_balance_rel_error
from lunarcity.model import LunarCity
from lunarcity.placement import Slot
from lunarcity.power import dispatch


@pytest.fixture(scope="module")
def city() -> LunarCity:
    m = LunarCity("ten_year_city", seed=3, run__years=0.1)
    while m.running:
        m.step()
    return m


def test_health_by_age_worked_by_hand(city: LunarCity) -> None:
    # A robot lives 10 years (3652.5 days) and loses 30 % of its health over its life:
    # born 1826.25 days before today it is half-way, 1 - 0.3 * 0.5 = 0.85.
    life = city.unit_spec("robot").lifetime_years * 365.25
    assert life == 3652.5
    born = np.array([city.day, city.day - 1826, city.day - 4000], dtype=np.int32)
    got = wear.health_by_age(city, "robot", born)
    expect = [1.0, 1.0 - 0.3 * 1826 / 3652.5, 0.7]
    np.testing.assert_allclose(got, np.array(expect, dtype=np.float32), rtol=0, atol=0)


def test_health_by_age_small_and_large_batches_agree_bit_for_bit(city: LunarCity) -> None:
    # The plain-float path (up to SMALL_BATCH rows) and the numpy path are one formula.
    rng = np.random.default_rng(0)
    born = rng.integers(city.day - 5000, city.day + 1, size=wear.SMALL_BATCH + 1).astype(np.int32)
    small = wear.health_by_age(city, "robot", born[: wear.SMALL_BATCH])
    large = wear.health_by_age(city, "robot", born)
    assert small.dtype == large.dtype == np.float32
    assert small.tobytes() == large[: wear.SMALL_BATCH].tobytes()


def test_task_codes_and_slot_flags() -> None:
    assert TASKS[Task.REPAIR] == "repair" and TASKS[Task.BROKEN] == "broken"
    assert int(Slot.NONE) == -1 and int(Slot.NO_ROOM) == -2


def test_task_board_counts_robots_by_labour(city: LunarCity) -> None:
    # Each robot gives duty_fraction robot-days: today's split, rounded up, is the count.
    labour = city.today.labour
    duty = city.unit_spec("robot").duty_fraction
    board = city.tasks.counts
    for n, robot_days in zip(
        board, (labour.repair, labour.mine, labour.haul, labour.assemble), strict=True
    ):
        assert n == (int(np.ceil(robot_days / duty - 1e-9)) if robot_days > 0 else 0)
    tasks = city.robot_tasks()
    assert int((tasks == Task.ASSEMBLE).sum()) == min(board[3], max(0, len(tasks) - sum(board[:3])))


def test_mass_balance_rel_error_worked_by_hand() -> None:
    ledger = MassLedger(mined_kg=900.0, landed_kg=100.0, launched_kg=50.0, waste_kg=25.0)
    # In 1000 kg; held 400 + 100 + 420 and out 50 + 25 = 995: 5 kg missing of 1000.
    assert mass_balance_rel_error(ledger, 400.0, 100.0, 420.0) == pytest.approx(0.005)


def test_dispatch_serves_by_priority_and_stores_the_rest() -> None:
    # 100 kWh generated, 50 stored (capacity 100, round trip 0.5): robots want 120, fabs 60.
    d = dispatch(100.0, {"robots": 120.0, "fabs": 60.0}, 50.0, 100.0, 0.5)
    assert d.served == {"robots": 120.0, "fabs": 30.0}  # 150 available, robots first
    assert d.discharged == 50.0 and d.charged == 0.0 and d.stored_after == 0.0
    assert d.balance_error() == 0.0


def test_a_day_records_every_stage(city: LunarCity) -> None:
    day = city.today
    assert day.day == city.day
    assert day.bottleneck.name == city.bottleneck
    assert city.recorder.last("labour_robot_days") == day.labour.available
    assert city.recorder.last("launches") == day.launches.launched

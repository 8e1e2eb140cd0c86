"""Pooled crews put a day's labour into the oldest open jobs first; finished jobs become units."""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.model import LunarCity
from lunarcity.stages.jobs import progress_jobs


def _city_with_robot_jobs(labour: list[float]) -> LunarCity:
    """The AASM80 seed before its first day, with robot jobs needing ``labour`` robot-days."""
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    assert m.params.planner.crew != "own_copy" and m.jobs.n == 0
    n = len(labour)
    cx, cy = m.site.centre
    m.jobs.table.append(
        np.arange(1, n + 1),
        kind=m.kind_code["robot"],
        x=cx,
        y=cy,
        labour_left=labour,
        started=0,
        seq=np.arange(n),
        builder=0,
        mass=m.catalog.units["robot"].mass_kg,
        imported_kg=0.0,
        gen=0,
    )
    return m


@pytest.mark.parametrize(
    ("labour", "assembly", "finished", "left"),
    [
        # 4 robot-days: the oldest job takes its 2, the next the other 2 of its 3 (1 left),
        # the youngest none.
        ([2.0, 3.0, 4.0], 4.0, 1, [1.0, 4.0]),
        # Exactly the two jobs' 2 + 2: both finish, nothing is left open.
        ([2.0, 2.0], 4.0, 2, []),
        # Half a robot-day into a 2-day job: 1.5 left, none finished.
        ([2.0], 0.5, 0, [1.5]),
        # More labour than the open work: every job finishes (the rest idles).
        ([0.25, 0.5], 3.0, 2, []),
    ],
)
def test_oldest_jobs_take_the_days_labour_first(
    labour: list[float], assembly: float, finished: int, left: list[float]
) -> None:
    m = _city_with_robot_jobs(labour)
    robots = m.fleet.count("robot")
    health = m.fleet.health_total("robot")
    done = progress_jobs(m, assembly, 1.0)
    assert done.count == finished
    assert m.jobs.table["labour_left"].tolist() == left
    # Each finished job is a new robot at full health, built here (no imported kg inside).
    assert m.fleet.count("robot") == robots + finished
    assert m.fleet.health_total("robot") == health + finished
    mass = m.catalog.units["robot"].mass_kg
    assert done.hardware == (((finished * mass, 0.0, True),) if finished else ())

"""The relief kind and output share scarce parts by the planner's shares (stages/jobs.py)."""

from __future__ import annotations

import pytest

from lunarcity.stages.jobs import JobBook, relief_first, settle_relief

# A small state: a solar plant (1,300 kg, 800 kg of solar cells) relieves power, a satellite
# (1,977 kg, 563 kg of cells) is the output; the planner gives them 0.1 and 0.5 of build mass.
# Each day 2,000 kg of cells are in stock, the satellite's labour asks for 3 starts and the
# plant's for 1: together 3 x 563 + 800 = 2,489 kg, more than there is, so parts are scarce.
PLANT, SAT = "solar_plant", "ai_satellite"
MASS = {PLANT: 1300.0, SAT: 1977.0}
CELLS = {PLANT: 800.0, SAT: 563.0}
WANT = {PLANT: 1, SAT: 3}
SHARES = {PLANT: 0.1, SAT: 0.5}


def _day(book: JobBook) -> tuple[list[str], dict[str, float]]:
    """One scarce day: the kinds in the rule's order take cells, then the balance is settled."""
    order = [PLANT, SAT] if relief_first(book, PLANT, [SAT]) else [SAT, PLANT]
    stock = 2000.0
    started = {}
    for k in order:
        n = min(WANT[k], int(stock // CELLS[k]))
        stock -= n * CELLS[k]
        started[k] = n * MASS[k]
    settle_relief(book, PLANT, [SAT], SHARES, started)
    return order, started


def test_relief_and_output_take_turns_by_the_planners_shares() -> None:
    book = JobBook([PLANT, SAT])
    # Day 1: nothing owed either way (a tie): output first. 3 satellites take 1,689 kg, the
    # 311 kg left cannot back a plant. Started 5,931 kg; the plant's part is 0.1/0.6 of it,
    # 988.5 kg, all owed to it.
    order, started = _day(book)
    assert order == [SAT, PLANT] and started == {SAT: 5931.0, PLANT: 0.0}
    assert book.relief_owed[PLANT] == pytest.approx(988.5)
    # Day 2: the plant is owed, so it goes first (800 kg) and 1,200 kg back 2 satellites.
    # Started 1,300 + 3,954 = 5,254; its part 875.667, it got 1,300: owed 988.5 - 424.333.
    order, started = _day(book)
    assert order == [PLANT, SAT] and started == {PLANT: 1300.0, SAT: 3954.0}
    assert book.relief_owed[PLANT] == pytest.approx(564.1667, abs=1e-3)
    # Day 3: still owed, first again: 564.167 - 424.333 = 139.833.
    order, _ = _day(book)
    assert order[0] == PLANT
    assert book.relief_owed[PLANT] == pytest.approx(139.8333, abs=1e-3)
    # Day 4: first once more, and now it has had more than its part: 139.833 - 424.333.
    order, _ = _day(book)
    assert order[0] == PLANT
    assert book.relief_owed[PLANT] == pytest.approx(-284.5, abs=1e-3)
    # Day 5: output is owed: it goes first.
    order, _ = _day(book)
    assert order[0] == SAT
    # Over the five days the plant started 3 plants (3,900 kg) and the satellites
    # 3 + 2 + 2 + 2 + 3 = 12 (23,724 kg): 0.141 of the pair's mass against its 1/6 = 0.167,
    # where output first every day would have given it none, and it first every day 0.247.
    assert book.relief_owed[PLANT] == pytest.approx(-284.5 + 988.5)


def test_without_a_relief_kind_or_output_nothing_changes_order() -> None:
    book = JobBook([PLANT, SAT])
    book.relief_owed[PLANT] = -1e6
    assert relief_first(book, None, [SAT])
    assert relief_first(book, PLANT, [])
    assert not relief_first(book, PLANT, [SAT])

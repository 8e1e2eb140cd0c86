"""The relief kind and output share scarce parts by the planner's shares (stages/jobs.py)."""

from __future__ import annotations

import pytest

from lunarcity.stages.jobs import JobBook
from lunarcity.stages.relief import relief_first, settle_relief

# A small state: a solar plant (1,300 kg, 800 kg of solar cells) relieves power, a satellite
# (1,977 kg, 563 kg of cells) is the output; the planner gives them 0.1 and 0.5 of build mass.
# Each day 2,000 kg of cells are in stock, the satellite's labour asks for 3 starts and the
# plant's for 1: together 3 x 563 + 800 = 2,489 kg, more than there is, so cells are short.
PLANT, SAT = "solar_plant", "ai_satellite"
CELLS = {PLANT: 800.0, SAT: 563.0}
WANT = {PLANT: 1, SAT: 3}
# What the shares ask of the short part per kg built: share x cells per kg of the kind.
# Plant: 0.1 x 800 / 1,300 = 0.0615385; satellite: 0.5 x 563 / 1,977 = 0.1423874.
# The plant's part of the cells taken: 0.0615385 / (0.0615385 + 0.1423874) = 0.301769.
CLAIMS = {PLANT: 0.1 * 800 / 1300, SAT: 0.5 * 563 / 1977}


def _day(book: JobBook) -> tuple[list[str], dict[str, float]]:
    """One scarce day: the kinds in the rule's order take cells, then the balance is settled."""
    order = [PLANT, SAT] if relief_first(book, PLANT, [SAT]) else [SAT, PLANT]
    stock = 2000.0
    taken = {}
    for k in order:
        n = min(WANT[k], int(stock // CELLS[k]))
        stock -= n * CELLS[k]
        taken[k] = n * CELLS[k]
    settle_relief(book, PLANT, CLAIMS, taken)
    return order, taken


def test_relief_and_output_take_turns_by_the_planners_shares() -> None:
    book = JobBook([PLANT, SAT])
    # Day 1: nothing owed either way (a tie): output first. 3 satellites take 1,689 kg of
    # cells, the 311 kg left cannot back a plant. The plant's part: 0.301769 x 1,689 = 509.687,
    # all owed to it.
    order, taken = _day(book)
    assert order == [SAT, PLANT] and taken == {SAT: 1689.0, PLANT: 0.0}
    assert book.relief_owed[PLANT] == pytest.approx(509.687, abs=1e-3)
    # Day 2: the plant is owed, so it goes first (800 kg) and 1,200 kg back 2 satellites
    # (1,126 kg). Its part of 1,926 kg is 581.207; it took 800: 509.687 - 218.793 = 290.894.
    order, taken = _day(book)
    assert order == [PLANT, SAT] and taken == {PLANT: 800.0, SAT: 1126.0}
    assert book.relief_owed[PLANT] == pytest.approx(290.894, abs=1e-3)
    # Day 3: still owed, first again: 290.894 - 218.793 = 72.100 (to the gram: 72.1004).
    order, _ = _day(book)
    assert order[0] == PLANT
    assert book.relief_owed[PLANT] == pytest.approx(72.100, abs=1e-3)
    # Day 4: first once more, and now it has had more than its part: 72.100 - 218.793.
    order, _ = _day(book)
    assert order[0] == PLANT
    assert book.relief_owed[PLANT] == pytest.approx(-146.693, abs=1e-3)
    # Day 5: output is owed: it goes first, and the plant is owed again: -146.693 + 509.687.
    order, _ = _day(book)
    assert order[0] == SAT
    assert book.relief_owed[PLANT] == pytest.approx(362.994, abs=1e-3)
    # Over the five days the plant took 3 x 800 = 2,400 kg of the 9,156 kg of cells taken
    # (0.262 against its 0.302), where output first every day would have left it none, and
    # the plant first every day would have given it 800 / 1,926 = 0.415.


def test_without_a_relief_kind_or_output_the_relief_order_is_kept() -> None:
    book = JobBook([PLANT, SAT])
    book.relief_owed[PLANT] = -1e6
    assert relief_first(book, None, [SAT])
    assert relief_first(book, PLANT, [])
    assert not relief_first(book, PLANT, [SAT])


def test_no_claim_on_the_short_parts_settles_nothing() -> None:
    # Neither kind's bill holds the short part: nothing to share, the balance stays.
    book = JobBook([PLANT, SAT])
    settle_relief(book, PLANT, {PLANT: 0.0, SAT: 0.0}, {PLANT: 0.0, SAT: 0.0})
    assert book.relief_owed[PLANT] == 0.0


def test_a_scarce_day_on_which_neither_started_moves_no_balance() -> None:
    # What start_jobs relies on to skip settling when neither the relief kind nor output
    # started: with claims on the short part but nothing taken, the balance moves by the
    # plant's part of no kg (0.301769 x 0) less none: exactly zero, whatever it was.
    for owed in (509.68712, -146.693, 0.0):
        book = JobBook([PLANT, SAT])
        book.relief_owed[PLANT] = owed
        settle_relief(book, PLANT, CLAIMS, {PLANT: 0.0, SAT: 0.0})
        assert book.relief_owed[PLANT] == owed

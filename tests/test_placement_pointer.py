"""The sunny search's pointer stands where its windows leave it, whatever reads a window's cells.

The sunny search keeps no set of cells freed behind its pointer (cells freed by other units wait
for a solar plant's scrapping to move it back), so where the pointer stands decides what later
claims find, and moving it differently changes a run. A claim reads its first window, ``need +
64`` cells from the pointer, then windows that double; met in a window, the pointer stands at that
window's first cell with room before the claim; not met, past the window.
"""

from __future__ import annotations

import pytest

from lunarcity.model import LunarCity


@pytest.mark.parametrize(
    ("room_at", "n", "ranks", "pointer"),
    [
        # One place at rank 3, two at rank 12: a claim of 3 is met inside its first window
        # (ranks 0-66), so the pointer stands at rank 3, its first cell with room (now full),
        # not past the cells read one at a time.
        ({3: 1, 12: 2}, 3, [3, 12, 12], 3),
        # One place at rank 3, the rest at rank 70, past the first window (ranks 0-66): the
        # pointer leaves it at 67, and the second window (67-200) is met at rank 70.
        ({3: 1, 70: 2}, 3, [3, 70, 70], 70),
        # Two places at rank 5 meet a claim of 2 there.
        ({5: 2}, 2, [5, 5], 5),
    ],
)
def test_sunny_pointer_after_a_claim(
    room_at: dict[int, int], n: int, ranks: list[int], pointer: int
) -> None:
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    p, site = m.placement, m.site
    area = m.unit_spec("solar_plant").footprint_m2
    cap = site.cell_area_m2
    assert cap == 2 * area  # two solar plants to a cell
    layer = site.used_m2.reshape(-1)
    order = p.sunny_order
    layer[order[:200]] = cap  # the 200 sunniest cells full ...
    for rank, places in room_at.items():  # ... but for room left at a few ranks
        layer[order[rank]] = cap - places * area
    p._sunny_ptr = 0
    _, _, got = p._sunniest(n, area)
    assert got.tolist() == ranks
    assert p._sunny_ptr == pointer

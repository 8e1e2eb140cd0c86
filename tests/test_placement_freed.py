"""The nearest-the-centre search's pointer and freed-cell set claim what a walk from the start would."""

from __future__ import annotations

import math

import numpy as np

from lunarcity.constants import FLOAT_NOISE
from lunarcity.model import LunarCity


def _walk_from_start(
    used: list[float], order: list[int], n: int, area: float, cap: float
) -> list[int]:
    """The search without shortcuts: every claim walks ``order`` from its first cell."""
    out: list[int] = []
    need = n
    for c in order:
        room = math.floor((cap - used[c]) / area + FLOAT_NOISE)
        if room > 0:
            k = min(room, need)
            for _ in range(k):
                used[c] += area
            out += [c] * k
            need -= k
            if not need:
                break
    if need:  # the whole site full: the surplus crowds the last cell
        last = order[-1]
        out += [last] * need
        used[last] += need * area
    return out


def test_random_claims_and_frees_match_a_walk_from_the_start() -> None:
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    placement, site = m.placement, m.site
    layer = site.used_m2.reshape(-1)
    ref = layer.tolist()  # the seed's ground use, walked by the reference alone from here
    order = placement.centre_order.tolist()
    cap = site.cell_area_m2
    # Three footprints (400, 300 and a whole 2,500 m^2 cell), so the pointers and sets of
    # three areas are kept at once over the same ground.
    specs = [m.unit_spec(k) for k in ("regolith_plant", "electronics_fab", "chip_fab")]
    assert [s.footprint_m2 for s in specs] == [400.0, 300.0, 2500.0] and cap == 2500.0
    live: list[list[int]] = [[], [], []]  # each spec's placed units, by cell
    rng = np.random.default_rng(7)
    behind = 0  # places found behind a pointer, among the freed cells
    for _ in range(400):
        s = int(rng.integers(3))
        spec, area = specs[s], specs[s].footprint_m2
        if rng.random() < 0.6 or not live[s]:
            n = int(rng.integers(1, 9))
            ptr = placement._centre_ptr.get(area, 0)
            got = placement._nearest_centre(n, area)
            assert got == _walk_from_start(ref, order, n, area, cap)
            behind += sum(placement.centre_rank[c] < ptr for c in got)
            live[s] += got
        else:
            k = int(rng.integers(1, min(10, len(live[s])) + 1))
            picked = sorted(rng.choice(len(live[s]), size=k, replace=False).tolist())
            cells = np.array([live[s][i] for i in picked], dtype=np.int64)
            live[s] = [c for i, c in enumerate(live[s]) if i not in set(picked)]
            ys, xs = np.divmod(cells, site.width)
            placement.free(spec, xs, ys, np.full(k, -1, dtype=np.int64))
            for c in cells.tolist():
                ref[c] -= area
        assert np.array(ref).tobytes() == layer.tobytes()
        # Each area's freed ranks, kept between claims as a heap and a set of the same ranks,
        # all behind its pointer, the smallest on top.
        for area, (heap, freed) in placement._centre_freed.items():
            assert sorted(heap) == sorted(freed)
            assert all(heap[0] <= r < placement._centre_ptr[area] for r in heap)
    assert behind > 0  # the freed-cell set was used, not only the walk past the pointer

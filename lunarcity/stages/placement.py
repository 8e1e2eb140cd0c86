"""Where new units stand on the site.

Power goes on the sunniest free cells, rail on its track, the rest near their builders, and
the free cells nearest the centre when a neighbourhood is full.

Ground is the site's ``used_m2`` layer (m^2 taken per cell); a unit takes its footprint in one
cell. Searches down a fixed order of cells (sunniest first, or nearest the centre first) keep a
pointer past the cells known to be full and the set of cells freed behind it since, so placing
costs work per unit placed or scrapped, not per cell.
"""

from __future__ import annotations

import math
from enum import IntEnum
from heapq import heappop, heappush

import numpy as np

from lunarcity.city.site import SiteGrid
from lunarcity.city.tables import filled
from lunarcity.constants import FLOAT_NOISE
from lunarcity.world.catalog import UnitSpec

PLACE_TRIES = 2  # random tries near the builder before the nearest free cell to the centre
WALK_CELLS = 8  # cells a claim reads one at a time from its pointer before numpy's windows


class Slot(IntEnum):
    """Flags in a unit's ``slot`` column (a slot is otherwise a track place or a sunny rank)."""

    NONE = -1  # the kind takes no slot (neither rail nor solar)
    NO_ROOM = -2  # a rail segment with no place left on the track (it waits in stock)


# Plain ints: an enum member converts to numpy slowly.
_NO_SLOT, _NO_ROOM = Slot.NONE.value, Slot.NO_ROOM.value


class Placement:
    """The site's ground and the mass driver's track, as units are placed and scrapped.

    Args:
        site: The site's layers (``used_m2`` is updated in place).
        rng: The model's generator (placement near builders is random).
        rail_slots: Segments the track holds.
        cells_per_segment: Cells of the corridor one rail segment covers.

    Attributes:
        sunny_order: Cells (flat indices), sunniest first.
        sunny_rank: Each cell's position in ``sunny_order``; a solar plant keeps it as its slot.
        sunny_used: Ranks below this may hold solar plants (the sunlight to compute each day).
        rail_filled: Which track slots hold a segment.
    """

    def __init__(
        self,
        site: SiteGrid,
        rng: np.random.Generator,
        rail_slots: int,
        cells_per_segment: int,
    ) -> None:
        self.site = site
        self.rng = rng
        quality = site.quality.ravel()
        ys, xs = np.divmod(np.arange(site.width * site.height), site.width)
        dist2 = (xs - site.centre[0]) ** 2 + (ys - site.centre[1]) ** 2
        # Sunniest first; where sunlight ties (the flat equator, the clipped crest) the cell
        # nearest the city first, so solar plants gather round the city instead of filling the
        # site's first rows (lexsort's last key is the primary one; both keys are stable).
        self.sunny_order = np.lexsort((dist2, -quality))
        self.sunny_rank = np.empty(len(quality), dtype=np.int64)
        self.sunny_rank[self.sunny_order] = np.arange(len(quality))
        self.sunny_used = 0
        self._sunny_ptr = 0
        self.centre_order = np.argsort(dist2, kind="stable")
        self.centre_rank = np.empty_like(self.centre_order)
        self.centre_rank[self.centre_order] = np.arange(len(self.centre_order))
        self._centre_ptr: dict[float, int] = {}
        # By area, like the pointers: the ranks freed behind each pointer, as a heap (smallest
        # first) and a set of the same ranks (a rank freed again is not pushed twice).
        self._centre_freed: dict[float, tuple[list[int], set[int]]] = {}
        self.rail_filled = np.zeros(rail_slots, dtype=bool)
        self._cells_per_segment = cells_per_segment

    def place(
        self, spec: UnitSpec, bx: np.ndarray, by: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cells for new units of ``spec`` built at (bx, by).

        ``bx`` and ``by`` are integer arrays (cells: the job table's int16 columns, a lander's
        int64 offsets from the centre): the tries near the builder read them as plain ints.

        Returns:
            x, y and the slot: the place on the track for rail (:attr:`Slot.NO_ROOM` when no
            slot is left), the cell's sunniest-first rank for solar plants,
            :attr:`Slot.NONE` for the others (a read-only array, kept between calls).
        """
        n = len(bx)
        site = self.site
        if spec.role == "rail":
            free = np.flatnonzero(~self.rail_filled)
            k = min(n, len(free))
            slots = np.full(n, _NO_ROOM, dtype=np.int64)
            slots[:k] = free[:k]
            self.rail_filled[free[:k]] = True
            cells = (
                site.rail_cells[
                    np.minimum(slots[:k] * self._cells_per_segment, len(site.rail_cells) - 1)
                ]
                if k
                else np.zeros((0, 2), dtype=np.int64)
            )
            xs = np.full(n, site.centre[0], dtype=np.int64)
            ys = np.full(n, site.centre[1], dtype=np.int64)
            xs[:k], ys[:k] = cells[:, 0], cells[:, 1]
            return xs, ys, slots
        area = spec.footprint_m2
        if spec.role == "power" and spec.generation == "solar":
            return self._sunniest(n, area)
        # Kinds that take no slot: a kept read-only column of Slot.NONE (no array built a call).
        slots = filled(_NO_SLOT, n, np.int64)
        if area <= 0:
            return bx.astype(np.int64), by.astype(np.int64), slots
        # A random cell near the builder (a normal spread that widens on each try), taken if
        # it has room. The tries are drawn and kept on the map for all units at once; whether
        # each has room depends on the units placed before it, so that check is a plain loop
        # (a day's births are a handful per kind) over a memoryview of the ground-use layer,
        # which reads and writes one element at a fraction of numpy's cost.
        used = memoryview(site.used_m2.reshape(-1))
        cap, width = site.cell_area_m2, site.width
        x_max, y_max = width - 1, site.height - 1
        bx0, by0 = bx.tolist(), by.tolist()  # plain ints (the builders' int16 cells)
        px, py = bx0.copy(), by0.copy()
        rest = list(range(n))
        sd = 2.0
        for _ in range(PLACE_TRIES):
            # rng.normal(0, sd) draws loc + sd * z from the same stream of z as
            # standard_normal, so sd * z rounds to the same cells (0 + x is x, but for -0.0
            # which rounds to 0 too), at a third less than normal's argument checks. The
            # product and the rounding are worked per unit in plain floats: the same IEEE
            # product, and round() rounds half to even as np.rint does, for a day's few units
            # under the cost of three numpy calls.
            dx, dy = self.rng.standard_normal((2, len(rest))).tolist()
            left = []
            # Clipped to the site in plain ints, by comparisons: np.clip costs more than a
            # day's few units, and min() and max() calls several times the comparisons.
            for j, zx, zy in zip(rest, dx, dy, strict=True):
                x = bx0[j] + round(zx * sd)
                x = 0 if x < 0 else x_max if x > x_max else x
                y = by0[j] + round(zy * sd)
                y = 0 if y < 0 else y_max if y > y_max else y
                cell = y * width + x
                after = used[cell] + area
                if after <= cap:
                    used[cell] = after
                    px[j], py[j] = x, y
                else:
                    left.append(j)
            rest = left
            if not rest:
                break
            sd *= 3.0
        if rest:  # a crowded neighbourhood: the free cells nearest the city centre
            for j, cell in zip(rest, self._nearest_centre(len(rest), area), strict=True):
                py[j], px[j] = divmod(cell, width)
        return np.array(px, dtype=np.int64), np.array(py, dtype=np.int64), slots

    def free(self, spec: UnitSpec, xs: np.ndarray, ys: np.ndarray, slots: np.ndarray) -> None:
        """Give back the ground (or track slots) of scrapped units of ``spec``."""
        if spec.role == "rail":
            self.rail_filled[slots] = False
            return
        if spec.footprint_m2 <= 0 or not len(xs):
            return
        # A day's scrapping of a kind is a cohort of some units to tens: their cells, the ground
        # given back and the cells' ranks in plain ints and floats, a few operations a unit,
        # under the numpy calls (an index, np.subtract.at, two gathers) it would take
        # (benchmarks/run.py's `default_30y_s`). The ground use is given back one unit at a
        # time, in order: the same float subtractions np.subtract.at makes.
        width, area = self.site.width, spec.footprint_m2
        cells = [y * width + x for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
        used = memoryview(self.site.used_m2.reshape(-1))
        for c in cells:
            used[c] -= area
        # Freed cells can be reused. The sunny search starts again no later than the first
        # solar plant's cell (cells freed by other units wait for that). Every scrapping
        # frees cells for the searches nearest the centre, which look at the freed cells behind
        # their pointers first: the pointers stay, since the cells between are still full (in
        # a 30-year default run a third of the claims read them again, up to 15,000 cells).
        if spec.role == "power" and spec.generation == "solar":
            rank_of = self.sunny_rank.item
            self._sunny_ptr = min(self._sunny_ptr, min([rank_of(c) for c in cells]))
        rank_of = self.centre_rank.item
        ranks = [rank_of(c) for c in cells]
        freed = self._centre_freed
        for area, ptr in self._centre_ptr.items():
            heap, kept = freed[area]
            for r in ranks:
                if r < ptr and r not in kept:
                    kept.add(r)
                    heappush(heap, r)

    def _nearest_centre(self, n: int, area: float) -> list[int]:
        """Claim ``n`` places for ``area`` in the free cells nearest the centre (flat indices)."""
        freed = self._centre_freed.get(area)
        if freed is None:  # (not setdefault: its default would be built on every call)
            freed = self._centre_freed[area] = ([], set())
        heap, kept = freed
        cells, self._centre_ptr[area] = self._claim_in_order(
            self.centre_order, self._centre_ptr.get(area, 0), heap, kept, n, area
        )
        return cells

    def _sunniest(self, n: int, area: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The next ``n`` places down the list of sunniest cells with room, and their ranks."""
        claimed, self._sunny_ptr = self._claim_in_order(
            self.sunny_order, self._sunny_ptr, [], set(), n, area
        )
        # A claim is a few cells: their ranks and places in plain ints, three arrays built.
        rank_of, width = self.sunny_rank.item, self.site.width
        ranks = [rank_of(c) for c in claimed]
        if ranks:
            top = max(ranks) + 1
            if top > self.sunny_used:
                self.sunny_used = top
        xs = [c % width for c in claimed]
        ys = [c // width for c in claimed]
        return (
            np.array(xs, dtype=np.int64),
            np.array(ys, dtype=np.int64),
            np.array(ranks, dtype=np.int64),
        )

    def _claim_in_order(
        self, order: np.ndarray, ptr: int, heap: list[int], freed: set[int], n: int, area: float
    ) -> tuple[list[int], int]:
        """Claim ``n`` places for ``area`` in the first cells of ``order`` with room.

        Before ``ptr`` only the ranks in ``freed`` (updated here, with ``heap``, the same ranks
        as a heap) can have room, so they are looked at first, then ``order`` is walked from
        ``ptr``. The pointer only moves past full cells, so a later search starts where this
        one left off. When the whole list is full the surplus crowds its last cell (the map
        shows it).

        A claim is a few places, so the cells with room are claimed one at a time in plain
        Python over a memoryview of the ground-use layer (a fraction of numpy's cost per call;
        the sums are the same sequential float additions); numpy only finds, window by
        window, the cells with room among the full ones the walk crosses.

        Returns:
            The claimed cells (flat indices, plain ints) and the new pointer.
        """
        layer = self.site.used_m2.reshape(-1)
        used = memoryview(layer)
        cap = self.site.cell_area_m2
        floor, noise = math.floor, FLOAT_NOISE  # read per cell
        out: list[int] = []
        need = n
        if heap and need > 0:
            # In order until the need is met: a cell left without room leaves the set (a
            # scrapping puts it back); one not reached stays, and holds no place before the
            # pointer that a later claim would not find first anyway. The heap is kept between
            # claims, so a claim reads the first few ranks without ordering the set again: in
            # a 30-year run it holds hundreds of cells (benchmarks/run.py's `default_30y_s`).
            kept: list[int] = []  # read and still with room: back on the heap after
            while heap:
                r = heappop(heap)
                c = order.item(r)
                room = floor((cap - used[c]) / area + noise)
                if room > 0:
                    need -= _fill(used, c, room if room < need else need, area, out)
                    room = floor((cap - used[c]) / area + noise)
                if room <= 0:
                    freed.discard(r)
                else:
                    kept.append(r)
                if not need:
                    break
            for r in kept:
                heappush(heap, r)
        size = need + 64
        # The first window's first cells one at a time: the pointer stands at or just before a
        # cell with room (where the last claim stopped), so most claims are met within a few
        # cells, below the cost of a numpy window; numpy reads the rest of the window (from
        # ``lo``). The pointer moves as whole windows move it: the sunny search keeps no freed
        # set, so later claims depend on where it stands. The walk is a second path to the
        # cells the windows find (tests/test_placement_pointer.py holds them equal), kept for
        # benchmarks/run.py's default_run_s: place took 10.6-11.1 % of a ten-year run without
        # it (WALK_CELLS = 0) and 8.9-9.4 % with it, three runs each, results identical.
        lo, first, item, stop = ptr, -1, order.item, min(ptr + WALK_CELLS, len(order))
        while need > 0 and lo < stop:
            c = item(lo)
            room = floor((cap - used[c]) / area + noise)
            if room > 0:
                need -= _fill(used, c, room if room < need else need, area, out)
                first = lo if first < 0 else first
            lo += 1
        if not need and first >= 0:  # met by the walk
            ptr = first
        while need > 0 and ptr < len(order):
            window = order[lo : ptr + size]
            # floor(x) > 0 exactly when x >= 1: the cells with room for one more place.
            hits = np.flatnonzero((cap - layer[window]) / area + noise >= 1.0)
            for c in window[hits].tolist():
                room = floor((cap - used[c]) / area + noise)
                need -= _fill(used, c, room if room < need else need, area, out)
                if not need:
                    break
            if need > 0:
                ptr = lo = min(ptr + size, len(order))
                first = -1
                # Units placed near their builders can fill a long run of cells ahead of the
                # pointer: windows that double cross it in a few steps (the places taken are
                # the first with room in order, whatever the windows).
                size *= 2
            else:
                # The full cells before the first with room need not be read again.
                ptr = first if first >= 0 else lo + int(hits[0])
        if need > 0:
            last = int(order[-1])
            out.extend([last] * need)
            used[last] += need * area
        return out, ptr


def _fill(used: memoryview, cell: int, k: int, area: float, out: list[int]) -> int:
    """Take ``k`` places of ``area`` in ``cell``, recorded in ``out``; returns ``k``.

    One addition per place: the ground-use layer's running sum as it has always been added, so
    the layer stays bit for bit whatever order the claims come in.
    """
    u = used[cell]
    for _ in range(k):
        u += area
    used[cell] = u
    out.extend([cell] * k)
    return k

"""Learning by doing (Wright's law) on robot assembly labour.

Wright (1936) found that the labour to build an airframe falls by a fixed fraction each time the
cumulative number built doubles: the n-th unit takes ``T1 * n ** log2(p)`` of the first unit's
``T1``, where ``p`` is the progress ratio (0.8: every doubling takes 80 % of the labour). This is
the unit form of the law (the n-th unit's own labour); the cumulative labour of the first N units
is the sum of those terms, and a test checks both forms by hand.

Only assembly labour learns. Published progress ratios describe people getting better at a task
on Earth; a regolith plant's fab-hours are set by its reactor and the energy it is fed, not by
practice, so recipes keep their times. The count is of units of a kind assembled on the Moon
(build jobs opened): an Earth-made unit landed by a lander teaches the lunar crews nothing.

A job's labour is fixed when it opens (:func:`lunarcity.stages.jobs.start_jobs`): the n-th job of a kind
gets ``T1 * n ** log2(p)``. The planner reads the next unit's labour
(:meth:`LearningCurve.next_days`) so that it plans as many units as the labour on hand builds
today. With ``p = 1`` (the default) every factor is exactly 1.0 and nothing changes.
"""

from __future__ import annotations

import math

import numpy as np

from lunarcity import portable


class LearningCurve:
    """Assembly labour per unit of each kind, falling with the count of that kind built.

    Args:
        first_unit_days: Robot-days to assemble the first unit, by kind.
        progress_ratio: Labour of a unit at twice the cumulative count, over today's (0.5-1].
    """

    def __init__(self, first_unit_days: dict[str, float], progress_ratio: float) -> None:
        self.first = dict(first_unit_days)
        self.progress_ratio = progress_ratio
        # log2(p): 0 for p = 1 (no learning), -0.3219 for p = 0.8.
        self.exponent = math.log2(progress_ratio)
        self.on = self.exponent != 0.0
        self.built = dict.fromkeys(first_unit_days, 0)  # units of each kind started so far
        # Robot-days the next unit of each kind will take, kept as units open (read by the
        # planner and the job starts every day, changed only by :meth:`open`).
        self.next = dict(self.first)

    def next_days(self, kind: str) -> float:
        """Robot-days the next unit of ``kind`` will take (its count so far plus one)."""
        return self.next[kind]

    def open(self, kind: str, count: int) -> list[float]:
        """Robot-days for the next ``count`` units of ``kind``; they count as built from now.

        A list: the jobs a day opens go into the job table in one conversion, and most days
        open one or two units of a kind (:func:`lunarcity.stages.jobs.start_jobs`).
        """
        n0 = self.built[kind]
        self.built[kind] = n0 + count
        if not self.on:
            return [self.first[kind]] * count
        self.next[kind] = self.first[kind] * (n0 + count + 1) ** self.exponent
        n = np.arange(n0 + 1, n0 + count + 1, dtype=np.float64)
        return (self.first[kind] * portable.power(n, self.exponent)).tolist()

    def mix_factor(self, shares: dict[str, float], mass_kg: dict[str, float]) -> float:
        """Assembly labour per kg of today's mix, next units over first units (1.0 if off).

        The parts hauled to the build sites follow the mass built, not the labour: when a
        robot-day assembles more kg, it needs more parts hauled (:func:`lunarcity.stages.labour.allocate`).
        """
        if not self.on:
            return 1.0
        first = math.fsum(
            s * self.first[k] / mass_kg[k] for k, s in shares.items() if k in self.first
        )
        now = math.fsum(
            s * self.next_days(k) / mass_kg[k] for k, s in shares.items() if k in self.first
        )
        return now / first if first > 0 else 1.0

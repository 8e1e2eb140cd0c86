"""Relief and output sharing scarce parts: which starts first, and what each is owed.

The kind that relieves yesterday's bottleneck (a solar plant when power bound) and the output
kinds (satellites, rail) need some of the same parts. On a day those parts are short, the one
owed more of its share of them starts first (:func:`relief_first`), and the day's takes settle
the balance (:func:`settle_scarce`, :func:`settle_relief`), so that over scarce days each gets
the share of the parts the planner's mass shares ask for and neither starves the other. Called
from :func:`lunarcity.stages.jobs.start_jobs`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lunarcity.model import LunarCity
    from lunarcity.stages.jobs import JobBook


def relief_first(book: JobBook, relief: str | None, outputs: list[str]) -> bool:
    """Whether the relief kind starts before output today.

    Both need some of the same parts (a solar plant and a satellite both take solar cells and
    electronics), and whichever starts first takes what the other would have used. Either kind
    first every day starves the other once parts bind every day: the relief first built no
    satellite after year 10 of the default city (power bound every day), output first no solar
    plant after year 5. So the one owed more of its share of the parts that were short goes
    first (:func:`settle_relief`). On a tie (a relief kind that has not yet competed) output
    goes first: its share is what the plan produces for, and the relief kind still goes before
    the growth kinds and holds its parts when it cannot start.

    Args:
        book: The job book (its ``relief_owed`` is read).
        relief: The kind that relieves yesterday's bottleneck (None: none can be built).
        outputs: The output kinds in today's mix.
    """
    return relief is None or not outputs or book.relief_owed[relief] > 0.0


def settle_relief(
    book: JobBook,
    relief: str,
    claims: dict[str, float],
    taken: dict[str, float],
) -> None:
    """Credit the relief kind and output with their shares of the scarce parts taken today.

    The planner's mass shares say how much of each kind to build, and so how much of the
    parts that were short each asks for (``claims``). The kg of those parts the relief kind
    and output took today are split in proportion to the claims, and what the relief kind
    took less than its part is owed to it (its balance; output's is the negative). The one
    owed goes first next time (:func:`relief_first`), so over scarce days each gets its share
    of the parts both need, and neither starves the other. Counting only the parts that were
    short keeps a 50 t rail segment, mostly magnets and structure in ample stock, from
    counting as 50 t taken from a solar plant.

    Args:
        book: The job book (``relief_owed`` is updated).
        relief: Today's relief kind.
        claims: kg of the short parts per kg of build mass the plan asks of each of the relief
            kind and the output kinds (mass share times the parts in one kg of the kind).
        taken: kg of the short parts each of them took today.
    """
    total_claim = math.fsum(claims.values())
    if total_claim <= 0.0:
        return
    book.relief_owed[relief] += (
        claims[relief] / total_claim * math.fsum(taken.values()) - taken[relief]
    )


def settle_scarce(
    city: LunarCity,
    relief: str,
    outputs: list[str],
    shares: dict[str, float],
    scarce: set[int],
    starts: list[tuple[str, int, float, int, float]],
) -> None:
    """Work out today's claims and takes of the short parts and settle them (:func:`settle_relief`).

    Args:
        city: The city (bills of materials, unit masses, job book).
        relief: Today's relief kind.
        outputs: The output kinds in today's mix.
        shares: Today's mass shares by kind.
        scarce: Node indices of the items that held a start back today.
        starts: Today's starts: (kind, how many, imported kg, generation, mass factor).
    """
    units = city.catalog.units
    pair = [relief, *outputs]
    if not any(s[0] in pair for s in starts):
        return  # none took any short part: the balance would move by exactly zero
    # kg of the short parts in one unit of each kind (first generation's bill).
    per_unit: dict[str, float] = {}
    claims: dict[str, float] = {}
    taken: dict[str, float] = {}
    for k in pair:
        per_unit[k] = kg = math.fsum([q for i, q in city.bom[k] if i in scarce])
        claims[k] = shares[k] / units[k].mass_kg * kg
        taken[k] = 0.0
    for k, n_ok, _, _, factor in starts:
        if k in taken:  # a heavier generation's bill is scaled by its mass factor
            taken[k] += n_ok * factor * per_unit[k]
    settle_relief(city.jobs, relief, claims, taken)

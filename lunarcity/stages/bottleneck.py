"""The constraint that bound the day: power, labour, a material, imports, launch, or none.

Checked in this order, the first that holds names the day:

0. ``imports`` when no build job could start or progress (none opened, none open, none
   finished) and the shortage of step 2 cannot be made without an Earth-only input that is
   gone (under a kilogram in stock), followed through every recipe that makes it: no power
   would relieve it, however much the fabs draw for outputs nothing can use (a city cut off
   from Earth with its calcium chloride spent; the item names the input).
1. ``power``: more than 1 % of the day's demand went unserved.
   ``labour`` when no robot is in service: nothing is mined, hauled or built, so nothing grows
   (such a city opens no job and would otherwise report ``none`` every day).
2. A shortage: the item whose shortfalls held back the most mass today, followed upstream to
   the input that was itself short; it names ``imports`` when that item comes from Earth,
   ``labour`` when it is regolith (robots did not dig enough), else ``material:<item>``.
3. ``labour``: the open jobs need more than today's assembly labour.
4. ``launch``: a satellite waits while the mass driver launched fewer than it could, or the
   track is not long enough yet.
5. ``none``.

Tomorrow's planner reads the answer (the policy ``bottleneck_first`` builds what relieves it).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lunarcity.constants import FLOAT_NOISE
from lunarcity.stages.generations import EARTH_MADE
from lunarcity.stages.launch import Launches
from lunarcity.stages.power import Dispatch

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

#: How far a shortage is followed upstream (the economy's chains are a few steps deep).
UPSTREAM_STEPS = 8

#: Answers of :func:`_gone_import` kept per city, by (item, which items hold a kilogram).
#: Nothing else goes into an answer (the economy is fixed for the run), and a stalled city asks
#: the same few questions day after day: the 30-year default run asks 5,869 times, 28 distinct
#: (issue 27). Weakly keyed, so a city's answers go with it.
_GONE_ANSWERS: weakref.WeakKeyDictionary[LunarCity, dict[tuple[str, bytes], str | None]] = (
    weakref.WeakKeyDictionary()
)
#: Answers kept per city at most (the memo is emptied when full: a bound, never reached by the
#: default run, for a city whose stocks wander through many states).
GONE_ANSWERS_MAX = 1024


@dataclass(frozen=True)
class Bottleneck:
    """The day's binding constraint.

    Attributes:
        name: ``power``, ``labour``, ``material:<item>``, ``imports``, ``launch`` or ``none``.
        item: The short item the name was traced to, when a shortage bound the day.
    """

    name: str
    item: str | None = None


# The answers that name no item, made once: a frozen answer is shared, not built each day.
POWER = Bottleneck("power")
LABOUR = Bottleneck("labour")
LAUNCH = Bottleneck("launch")
NONE = Bottleneck("none")


def binding_constraint(
    city: LunarCity,
    power: Dispatch,
    shortfalls: Iterable[tuple[str, float]],
    assembly: float,
    launches: Launches,
    stalled: bool = False,
) -> Bottleneck:
    """The constraint that bound today (see the module's docstring for the order).

    Args:
        city: The city at the end of the day's work.
        power: Today's dispatch.
        shortfalls: (item, kg held back) from every stage, in the order they happened.
        assembly: Today's assembly labour (robot-days).
        launches: Today's launches.
        stalled: No build job started, was open or finished today.
    """
    # The shortfalls are tallied only when a check reads them: on most days power binds, and
    # unless the builds stalled, the checks before power need no tally (benchmarks/run.py's
    # default_30y_s).
    short: dict[str, float] | None = None
    robots = city.fleet.count(city.robot_kind)
    if stalled and robots > 0:
        short = _tally(shortfalls)
        if short:
            gone = _gone_import(city, max(sorted(short), key=short.__getitem__))
            if gone is not None:
                return Bottleneck("imports", gone)
    if power.total_demand > 0 and power.unserved > 0.01 * power.total_demand:
        return POWER
    if robots == 0:
        return LABOUR
    if short is None:
        short = _tally(shortfalls)
    if short:
        item = max(sorted(short), key=short.__getitem__)
        if item.startswith(EARTH_MADE):  # a generation's Earth-made share ran short
            return Bottleneck("imports", item.removeprefix(EARTH_MADE))
        imported, recipes = city.econ.imported, city.econ.recipe_inputs
        # Follow the shortage upstream: a part short because its own input was short.
        for _ in range(UPSTREAM_STEPS):
            upstream = [
                n for inputs in recipes.get(item, ()) for n in inputs if n in short and n != item
            ]
            if not upstream:
                break
            item = max(sorted(upstream), key=short.__getitem__)
        if item in imported:
            return Bottleneck("imports", item)
        if item == city.arrays.nodes[city.arrays.regolith]:
            return Bottleneck("labour", item)
        return Bottleneck(f"material:{item}", item)
    if city.jobs.n and city.jobs.labour_left() > assembly + FLOAT_NOISE:
        return LABOUR
    if city.sat_kind:
        waiting_kg = city.stock[city.index[city.sat_kind]]
        if waiting_kg >= city.catalog.units[city.sat_kind].mass_kg and launches.launched < max(
            1, launches.wanted
        ):
            return LAUNCH
        if waiting_kg > 0 and not city.launcher_ready():
            return LAUNCH
    return NONE


def _tally(shortfalls: Iterable[tuple[str, float]]) -> dict[str, float]:
    """The kg held back by item, added in the order the shortfalls happened."""
    short: dict[str, float] = {}
    for name, kg in shortfalls:
        short[name] = short.get(name, 0.0) + kg
    return short


def _gone_import(city: LunarCity, item: str) -> str | None:
    """The Earth-only input, out of stock, without which ``item`` cannot be made, or None.

    An Earth-only item is gone when under a kilogram is left; a local item cannot be made when
    every recipe that makes it needs an input that cannot be had (followed ``UPSTREAM_STEPS``
    deep); an item no recipe makes (scrap) cannot be had when none is in stock, regolith always
    can (robots mine it). None unless an Earth-only input is among what blocks every recipe.
    """
    stock = city.stock
    # The walk below reads the stocks only through ``stock[i] >= 1.0``: the same mask, the same
    # answer.
    key = (item, (stock >= 1.0).tobytes())
    answers = _GONE_ANSWERS.get(city)
    if answers is None:
        answers = _GONE_ANSWERS[city] = {}
    elif key in answers:
        return answers[key]
    if len(answers) >= GONE_ANSWERS_MAX:
        answers.clear()
    imported, recipes = city.econ.imported, city.econ.recipe_inputs
    regolith = city.arrays.nodes[city.arrays.regolith]
    index = city.index
    seen: dict[str, str | None] = {}

    def gone(node: str, depth: int) -> str | None:
        """The gone import blocking ``node``, ``_BLOCKED`` for another block, or None."""
        if node in seen:
            return seen[node]
        seen[node] = None  # a loop in the economy does not block by itself
        i = index.get(node)
        in_stock = i is not None and stock[i] >= 1.0
        if node in imported:
            found = None if in_stock else node
        elif node == regolith or depth >= UPSTREAM_STEPS:
            found = None
        elif node not in recipes:
            found = None if in_stock else _BLOCKED
        else:
            # Every recipe is asked in turn; within one, its inputs until the first that blocks.
            every = True
            named = None
            for inputs in recipes[node]:
                block = None
                for n in inputs:
                    block = gone(n, depth + 1)
                    if block:
                        break
                if not block:
                    every = False
                elif named is None and block != _BLOCKED:
                    named = block
            found = (named if named is not None else _BLOCKED) if every else None
        seen[node] = found
        return found

    found = gone(item, 0)
    answer = answers[key] = None if found == _BLOCKED else found
    return answer


#: What :func:`_gone_import` says of an input that cannot be had for another reason than Earth.
_BLOCKED = "\0blocked"

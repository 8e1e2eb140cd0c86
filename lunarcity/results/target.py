"""The target: complete only when every part holds on the same day.

Each part of a scenario's target (``target.parts``) is a metric at least (or at most) a goal.
A part *holds* on a day when that day's value meets its goal; the city is *complete* on the
first day on which every part has held together for ``target.sustain_days`` days running (one
day by default), within the horizon. A part that held once and then stopped holding does not
count: the parts must hold at once.

:class:`TargetTracker` is the one code path: the recorder feeds it each day's values and the
summary, the command line, the app's target panel and the recordings read its states. It keeps,
per part, the first day it held, its latest spell, the days it held in all, and today's value;
for the whole target, the first day all held together, the days all held together and whether
all hold now. :func:`headline_parts` says in words how the parts held when they never held
together, so no line can call a part met beside a value below its goal.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.world.scenario import TargetPart


class PartState(enum.Enum):
    """Where a target part stands today."""

    HOLDING = "holding now"
    HELD_BEFORE = "held before"
    NOT_YET = "not yet"


def holds(part: TargetPart, value: float) -> bool:
    """Whether ``value`` meets the part's goal (at least, or at most)."""
    if part.at_least is not None:
        return value >= part.at_least
    assert part.at_most is not None  # the schema gives exactly one
    return value <= part.at_most


def goal(part: TargetPart) -> float:
    """The part's goal, whichever side it bounds."""
    value = part.at_least if part.at_least is not None else part.at_most
    assert value is not None  # the schema gives exactly one
    return value


@dataclass
class PartStatus:
    """One part's record so far.

    Attributes:
        name: The part's name in the scenario.
        part: Its metric and goal.
        value: Its value on the latest day.
        holding: Whether it holds on the latest day.
        first_day: The first day it held, or None.
        days_held: Days it held in all.
        spell_start: The first day of its latest run of days held, or None.
        last_held: The last day it held, or None.
    """

    name: str
    part: TargetPart
    value: float = math.nan
    holding: bool = False
    first_day: int | None = None
    days_held: int = 0
    spell_start: int | None = None
    last_held: int | None = None

    @property
    def state(self) -> PartState:
        """Holding now, held before but not now, or not yet."""
        if self.holding:
            return PartState.HOLDING
        return PartState.HELD_BEFORE if self.first_day is not None else PartState.NOT_YET

    @property
    def goal(self) -> float:
        """The part's goal."""
        return goal(self.part)

    def words(self, forecast_day: int | None = None) -> str:
        """The state in words, with its days (:func:`state_words`)."""
        return state_words(self.summary(), forecast_day)

    def summary(self) -> dict[str, Any]:
        """The summary's record of this part."""
        return {
            "metric": self.part.metric,
            "goal": self.goal,
            "goal_is_floor": self.part.at_least is not None,
            "first_day": self.first_day,
            "state": self.state.value,
            "holds_at_end": self.holding,
            "value_at_end": self.value,
            "days_held": self.days_held,
            "last_spell": [self.spell_start, self.last_held]
            if self.first_day is not None
            else None,
        }


def _day(day: int) -> str:
    return f"day {day:,} (year {day / DAYS_PER_YEAR:.1f})"


def state_words(p: Mapping[str, Any], forecast_day: int | None = None) -> str:
    """A part's state in words, with its days: 'holding now (since day 1,390, year 3.8)'.

    'held before (from day 1,579 (year 4.3) to day 1,850 (year 5.1)) but not now', or 'not
    yet' (with the year it would hold at today's rate, when known).

    Args:
        p: The part's record (:meth:`PartStatus.summary`, or the summary's
            ``target.parts[name]``).
        forecast_day: For a part not held yet, the day it would hold at today's rate.
    """
    state = PartState(p["state"])
    spell = p["last_spell"]
    if state is PartState.HOLDING:
        return f"{state.value} (since {_day(spell[0])})"
    if state is PartState.HELD_BEFORE:
        return f"{state.value} (from {_day(spell[0])} to {_day(spell[1])}) but not now"
    if forecast_day is not None:
        return f"{state.value} (at today's rate, about year {forecast_day / DAYS_PER_YEAR:.1f})"
    return state.value


class TargetTracker:
    """The target's parts, day by day: which hold, and when all held together.

    Args:
        parts: The scenario's target parts by name.
        horizon_day: The last day on which completing counts.
        sustain_days: Days running on which every part must hold together (1: a single day).
    """

    def __init__(
        self, parts: Mapping[str, TargetPart], horizon_day: int, sustain_days: int = 1
    ) -> None:
        self.parts = {name: PartStatus(name, part) for name, part in parts.items()}
        #: The metrics the parts name, in the order :meth:`update` takes their values.
        self.metrics: tuple[str, ...] = tuple(sorted({p.metric for p in parts.values()}))
        # Each part with where its metric's value sits in a day's values (no dict a day).
        self._checks = [(s, self.metrics.index(s.part.metric)) for s in self.parts.values()]
        self.horizon_day = horizon_day
        self.sustain_days = sustain_days
        self.first_day_all: int | None = None
        self.days_all = 0
        self.all_holding = False
        self.run_all = 0  # days running on which all parts held, up to today
        self.met_day: int | None = None

    @property
    def met(self) -> bool:
        """Whether the target was met within the horizon."""
        return self.met_day is not None

    def update(self, day: int, values: Sequence[float]) -> None:
        """Record one day: each part's value and whether all hold together.

        Day 0 (the landing) is never counted: the target is what the city grows into.

        Args:
            day: The day.
            values: The day's value of each metric in :attr:`metrics`, in that order (floats).
        """
        if day <= 0 or not self._checks:
            return
        every = True
        for status, j in self._checks:
            value = values[j]
            status.value = value
            ok = holds(status.part, value)
            if ok:
                if not status.holding:
                    status.spell_start = day
                if status.first_day is None:
                    status.first_day = day
                status.days_held += 1
                status.last_held = day
            status.holding = ok
            every &= ok
        self.all_holding = every
        self.run_all = self.run_all + 1 if every else 0
        if every:
            self.days_all += 1
            if self.first_day_all is None:
                self.first_day_all = day
        if self.met_day is None and self.run_all >= self.sustain_days and day <= self.horizon_day:
            self.met_day = day

    def summary(self) -> dict[str, Any]:
        """The summary's ``target`` block: the whole target and each part."""
        return {
            "sustain_days": self.sustain_days,
            "met_day": self.met_day,
            "first_day_all_held": self.first_day_all,
            "days_all_held": self.days_all,
            "all_hold_at_end": self.all_holding,
            "parts": {name: s.summary() for name, s in self.parts.items()},
        }

    @classmethod
    def over_table(
        cls,
        parts: Mapping[str, TargetPart],
        columns: Mapping[str, Any],
        horizon_day: int,
        sustain_days: int = 1,
    ) -> TargetTracker:
        """A tracker fed a whole daily table (columns by name, with ``day``), row by row."""
        tracker = cls(parts, horizon_day, sustain_days)
        days = list(columns["day"])
        metrics = tracker.metrics
        for row, day in enumerate(days):
            tracker.update(int(day), [float(columns[m][row]) for m in metrics])
        return tracker


def _years(start: int, end: int | None) -> str:
    a = f"{start / DAYS_PER_YEAR:.1f}"
    if end is None:
        return f"from year {a}"
    b = f"{end / DAYS_PER_YEAR:.1f}"
    return f"in year {a}" if a == b else f"in years {a}-{b}"


def part_spans(block: Mapping[str, Any]) -> str:
    """How the parts held, when they did not hold together: the words after the headline.

    The parts not holding at the end with the years they last held (or "never held"), then the
    part holding now whose spell began last: "closure held in years 4.3-5.1, launches from year
    6.2".

    Args:
        block: The summary's ``target`` block (:meth:`TargetTracker.summary`).
    """
    said = []
    latest: tuple[int, str] | None = None
    for name, p in block["parts"].items():
        label = name.replace("_", " ")
        spell = p["last_spell"]
        if p["holds_at_end"]:
            assert spell is not None
            again = "again " if p["days_held"] > spell[1] - spell[0] + 1 else ""
            if latest is None or spell[0] > latest[0]:
                latest = (spell[0], f"{label} {again}{_years(spell[0], None)}")
        elif spell is None:
            said.append(f"{label} never held")
        else:
            # One spell: "held"; several: the latest, "last held".
            once = p["days_held"] == spell[1] - spell[0] + 1
            said.append(f"{label} {'held' if once else 'last held'} {_years(*spell)}")
    if latest is not None:
        said.append(latest[1])
    return ", ".join(said)

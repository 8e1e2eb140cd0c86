"""Each run's record, processed afterwards: figures that do not change the city.

Some assumptions do not change what happens on the Moon: how many tanker flights refuel one
lander in Earth orbit, or how much one launch lifts to low Earth orbit. Sweeping them as runs
would repeat identical cities; instead a study runs the city once per design point and applies
them to the run's record afterwards, at ``draws`` values each (the same values for every run:
common random numbers again). Other processors derive outcomes from the daily table without
Earth-side figures (did the city keep growing after Earth stopped?).

The hook is :data:`PROCESSORS`: a name -> :class:`Processor`, whose function takes one run's
:class:`RunRecord` and the Earth-side values and returns new outcomes. A ledger computed from
the daily table elsewhere in the package plugs in as one more entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from lunarcity.constants import DAYS_PER_YEAR


@dataclass(frozen=True)
class RunRecord:
    """What a processor reads of one finished run.

    Attributes:
        run_id: The run.
        params: Its swept parameter values (dotted paths).
        outcomes: Its outcome row (summary fields and derived ones).
        daily: Its daily table (thinned as the study keeps it), or None.
        scenario: The study's base scenario (plain data), before the run's parameters.
    """

    run_id: int
    params: Mapping[str, Any]
    outcomes: Mapping[str, Any]
    daily: pl.DataFrame | None
    scenario: Mapping[str, Any] = field(default_factory=dict)

    def setting(self, path: str) -> Any:
        """The run's value of a scenario path: its parameter if swept, else the base value."""
        if path in self.params:
            return self.params[path]
        node: Any = self.scenario
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node


@dataclass(frozen=True)
class Processor:
    """A post-processing of each run's record.

    Attributes:
        func: ``func(record, earth) -> {outcome: value}``; ``earth`` maps each Earth-side
            parameter name to one drawn value.
        outcomes: The outcomes it adds and their types (``bool`` or ``float``).
        earth: The Earth-side parameters it reads (each study gives their ranges).
        needs_daily: Whether it reads the daily table (the study must keep one).
        doc: One line for the report.
    """

    func: Callable[[RunRecord, Mapping[str, float]], dict[str, Any]]
    outcomes: dict[str, str]
    earth: tuple[str, ...] = ()
    needs_daily: bool = True
    doc: str = ""


def earth_launches(record: RunRecord, earth: Mapping[str, float]) -> dict[str, Any]:
    """Earth launches of the lunar route against launching the same satellites from Earth.

    Lunar route: every landing on the Moon (the seed's, then each lander, lost ones too) is
    one lander launch plus ``tankers_per_landing`` tanker launches to refuel it in Earth orbit.
    Direct route: the mass the mass driver launched, lifted from Earth at ``payload_to_leo_t``
    per launch. Both routes then deliver the same satellites, so the same compute; the lunar
    route breaks even on the first day its cumulative launches are no more than the direct
    route's. The direct route is charged only to low Earth orbit (its destination's further
    delta-v is left out), which favours Earth.

    Returns:
        ``lunar_route_launches`` and ``direct_route_launches`` at the end of the run,
        ``breaks_even`` (within the run) and ``break_even_years`` (censored at the run's end).
    """
    daily = record.daily
    if daily is None:
        raise ValueError("earth_launches needs the run's daily table (keep_daily_every)")
    tankers = float(earth["tankers_per_landing"])
    leo = float(earth["payload_to_leo_t"])
    landings = 1 + daily["landers_arrived"].to_numpy() + daily["landers_lost"].to_numpy()
    lunar = landings * (1.0 + tankers)
    direct = daily["launched_t"].to_numpy() / leo
    day = daily["day"].to_numpy()
    even = (direct > 0) & (lunar <= direct)
    end_years = float(day[-1] + 1) / DAYS_PER_YEAR
    first = float(day[np.argmax(even)] + 1) / DAYS_PER_YEAR if even.any() else None
    return {
        "lunar_route_launches": float(lunar[-1]),
        "direct_route_launches": float(direct[-1]),
        "breaks_even": bool(even.any()),
        "break_even_years_censored": first if first is not None else end_years,
    }


def self_sufficiency(record: RunRecord, earth: Mapping[str, float]) -> dict[str, Any]:
    """Whether the city kept growing after Earth stopped sending landers.

    ``earth.until_years`` (the run's, or the scenario's) is when landers stop. The city is
    self-sufficient when its industrial mass at the end of the run exceeds its mass on the
    day Earth stopped; ``growth_after_earth`` is the ratio of the two. Runs in which Earth
    never stops, or stops on or after the last day kept, have neither (null).
    """
    del earth  # no Earth-side figure: the city's own record decides
    daily = record.daily
    if daily is None:
        raise ValueError("self_sufficiency needs the run's daily table (keep_daily_every)")
    until = record.setting("earth.until_years")
    day = daily["day"].to_numpy()
    if until is None or not math.isfinite(float(until)):
        return {"self_sufficient": None, "growth_after_earth": None}
    stop = float(until) * DAYS_PER_YEAR
    after = np.nonzero(day >= stop)[0]
    if after.size == 0 or after[0] == day.size - 1:
        return {"self_sufficient": None, "growth_after_earth": None}
    mass = daily["industrial_mass_t"].to_numpy()
    at_stop = float(mass[after[0]])
    ratio = float(mass[-1]) / at_stop if at_stop > 0 else None
    return {"self_sufficient": bool(ratio is not None and ratio > 1.0), "growth_after_earth": ratio}


#: The post-processors a study may name.
PROCESSORS: dict[str, Processor] = {
    "earth_launches": Processor(
        func=earth_launches,
        outcomes={
            "lunar_route_launches": "float",
            "direct_route_launches": "float",
            "breaks_even": "bool",
            "break_even_years_censored": "float",
        },
        earth=("tankers_per_landing", "payload_to_leo_t"),
        doc="Earth launches: each landing costs a lander and its tankers; the direct route "
        "lifts the launched satellites' mass to low Earth orbit",
    ),
    "self_sufficiency": Processor(
        func=self_sufficiency,
        outcomes={"self_sufficient": "bool", "growth_after_earth": "float"},
        doc="self-sufficient: industrial mass at the end above its mass when Earth stopped",
    ),
}


def post_outcome_types(names: list[str]) -> dict[str, str]:
    """The outcomes added by the named processors, with their types."""
    out: dict[str, str] = {}
    for name in names:
        out.update(PROCESSORS[name].outcomes)
    return out


def process_runs(
    records: list[RunRecord],
    names: list[str],
    draws: pl.DataFrame,
) -> pl.DataFrame:
    """Apply the processors to every run at every Earth-side draw.

    Args:
        records: The finished runs.
        names: Processor names.
        draws: One row per draw, one column per Earth-side parameter (a frame with one row and
            no columns when the study has none).

    Returns:
        One row per run and draw: ``run_id``, ``draw``, the Earth-side values, the outcomes.
    """
    types = post_outcome_types(names)
    earth_cols = list(draws.columns)
    rows = []
    for record in records:
        for k, earth in enumerate(draws.iter_rows(named=True)):
            row: dict[str, Any] = {"run_id": record.run_id, "draw": k, **earth}
            for name in names:
                row.update(PROCESSORS[name].func(record, earth))
            rows.append(row)
    schema: dict[str, Any] = {"run_id": pl.Int64, "draw": pl.Int64}
    schema.update({c: pl.Float64 for c in earth_cols})
    schema.update({c: pl.Boolean if t == "bool" else pl.Float64 for c, t in types.items()})
    return pl.DataFrame(rows, schema=schema)


def per_run(table: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Each run's post-processed outcomes over its draws: shares for flags, means otherwise."""
    types = post_outcome_types(names)
    if not types:
        return table.select("run_id").unique().sort("run_id")
    return (
        table.group_by("run_id")
        .agg([pl.col(c).cast(pl.Float64).mean().alias(c) for c in types])
        .sort("run_id")
    )

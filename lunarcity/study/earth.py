"""Each run's record, processed afterwards: figures that do not change the city.

Some assumptions do not change what happens on the Moon: how much one launch lifts to low Earth
orbit, or the lander's dry mass and specific impulse, which with its trip's delta-v decide how
many tanker flights refuel it in Earth orbit (issue 13's Earth ledger,
:mod:`lunarcity.space.earth_ledger`, prices both routes with them; issue 22 derives the tankers by the
rocket equation, so a study draws the physical inputs, not both ends of that one relation). Sweeping them as runs
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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.results.self_growth import self_growth
from lunarcity.space.earth_ledger import EarthSide, RouteFigures, breakeven_day, earth_ledger
from lunarcity.space.thesis import earth_side, plan_thesis
from lunarcity.world.catalog import default_catalog
from lunarcity.world.routes import scenario_catalog
from lunarcity.world.scenario import Scenario, resolve_scenario


@dataclass(frozen=True)
class RunRecord:
    """What a processor reads of one finished run.

    Attributes:
        run_id: The run.
        params: Its swept parameter values (dotted paths).
        outcomes: Its outcome row (summary fields and derived ones).
        daily: Its daily table (thinned as the study keeps it), or None.
        scenario: The study's base scenario (plain data), before the run's parameters.
        memo: What processors computed once for the run (its route figures).
    """

    run_id: int
    params: Mapping[str, Any]
    outcomes: Mapping[str, Any]
    daily: pl.DataFrame | None
    scenario: Mapping[str, Any] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

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
        earth: The Earth-side parameters it may read (each study gives their ranges).
        earth_required: Those a study must draw (the rest keep the run's values).
        needs_daily: Whether it reads the daily table (the study must keep one).
        doc: One line for the report.
    """

    func: Callable[[RunRecord, Mapping[str, float]], dict[str, Any]]
    outcomes: dict[str, str]
    earth: tuple[str, ...] = ()
    earth_required: tuple[str, ...] = ()
    needs_daily: bool = True
    doc: str = ""


def ledger_outcomes(daily: pl.DataFrame, side: EarthSide, route: RouteFigures) -> dict[str, Any]:
    """The lunar route against the direct one over a daily table, by issue 13's Earth ledger.

    :func:`lunarcity.space.earth_ledger.earth_ledger` gives each day's Earth-lifted kg per kW delivered
    by both routes and :func:`~lunarcity.space.earth_ledger.breakeven_day` the first day the lunar
    route's cumulative figure is at or below the direct one; this reads their last day and the
    break-even day, and adds nothing to their definitions.

    Args:
        daily: The run's daily table (``day``, ``landers_dispatched``, ``compute_delivered_kw``,
            ``earth_imported_t``).
        side: The Earth-side figures of this draw.
        route: The run's per-kW figures of the two routes.

    Returns:
        ``lunar_earth_kg_per_kw`` and ``direct_earth_kg_per_kw`` on the last day (None while no
        compute has been delivered); ``break_even_ratio``: the direct route's Earth-lifted tonnes
        over the lunar route's on the last day, so the two per-kW figures' ratio (1 or more: the
        lunar route lifts no more per kW; 0 when nothing was delivered); ``breaks_even``;
        ``break_even_years_censored``: the break-even day in years, else the last day's.
    """
    ledger = earth_ledger(daily, side, route)
    last = ledger.row(ledger.height - 1, named=True)
    day = breakeven_day(ledger)

    def per_kw(key: str) -> float | None:
        value = float(last[key])
        return value if math.isfinite(value) else None

    lifted = float(last["earth_lifted_t"])
    return {
        "lunar_earth_kg_per_kw": per_kw("earth_kg_per_kw"),
        "direct_earth_kg_per_kw": per_kw("direct_earth_kg_per_kw"),
        "break_even_ratio": float(last["direct_earth_lifted_t"]) / lifted if lifted > 0 else None,
        "breaks_even": day is not None,
        "break_even_years_censored": float(day if day is not None else last["day"]) / DAYS_PER_YEAR,
    }


def run_route(record: RunRecord) -> tuple[Scenario, RouteFigures, float]:
    """A run's scenario, its per-kW route figures and the seed's landed mass (t).

    The scenario is resolved as the sweep's worker resolved it (the base scenario and the run's
    parameters), and the route figures come from :func:`lunarcity.space.thesis.plan_thesis`, as in the
    run itself. The seed's mass is the Earth-imported mass of the daily table's day 0, which the
    model records right after landing the seed. Computed once per run.
    """
    if "route" not in record.memo:
        daily = record.daily
        if daily is None or daily.height == 0 or int(daily["day"][0]) != 0:
            raise ValueError("the earth ledger needs the run's daily table from day 0")
        sc = resolve_scenario(dict(record.scenario), dict(record.params))
        route = plan_thesis(sc, scenario_catalog(sc, default_catalog())).route
        record.memo["route"] = (sc, route, float(daily["earth_imported_t"][0]))
    return record.memo["route"]


#: The physical inputs of the tanker count a study may draw (``earth.<name>`` in the scenario):
#: a tanker's payload to LEO, the lander's dry mass, specific impulse and trip delta-v.
TANKER_PHYSICS = ("payload_to_leo_t", "lander_dry_t", "lander_isp_s", "lander_trip_km_s")

#: The tanker count drawn directly, as specs before issue 22 did (their results stay readable).
TANKER_COUNT = "tankers_per_landing"


def drawn_side(sc: Scenario, seed_t: float, earth: Mapping[str, float]) -> EarthSide:
    """The Earth side of a run at one draw: the draw's physical inputs replace the run's.

    The tanker count then follows from them by the function the run uses
    (:func:`lunarcity.space.thesis.earth_side`, :func:`lunarcity.space.earth_ledger.tankers_needed`), even
    where the scenario fixes a count: a drawn tanker payload with a fixed count would be both
    ends of one relation. A draw of ``tankers_per_landing`` itself (a spec from before issue
    22) replaces the count as it did then. The payload landed per lander stays the run's (it
    changes the city).

    Args:
        sc: The run's scenario.
        seed_t: The seed's landed mass (t).
        earth: The draw: values of :data:`TANKER_PHYSICS`, or of the old count and payload.
    """
    if TANKER_COUNT in earth:
        side = earth_side(sc, seed_t)
        return replace(
            side,
            tankers_per_landing=float(earth[TANKER_COUNT]),
            payload_to_leo_t=float(earth.get("payload_to_leo_t", side.payload_to_leo_t)),
        )
    update: dict[str, Any] = {k: float(earth[k]) for k in TANKER_PHYSICS if k in earth}
    e = sc.earth.model_copy(update={**update, TANKER_COUNT: None})
    return earth_side(sc.model_copy(update={"earth": e}), seed_t)


def earth_route_ledger(record: RunRecord, earth: Mapping[str, float]) -> dict[str, Any]:
    """Issue 13's Earth ledger of one run at one Earth-side draw (see :func:`ledger_outcomes`).

    The draw's physical inputs give the tankers per landing and the payload to LEO
    (:func:`drawn_side`); the route figures stay the run's (they change the city).
    """
    sc, route, seed_t = run_route(record)
    side = drawn_side(sc, seed_t, earth)
    assert record.daily is not None  # run_route checked it
    return ledger_outcomes(record.daily, side, route)


def self_sufficiency(record: RunRecord, earth: Mapping[str, float]) -> dict[str, Any]:
    """Whether the city kept growing after Earth stopped sending landers.

    ``earth.until_years`` (the run's, or the scenario's) is when landers stop. The city is
    self-sufficient when its industrial mass grew over the run's last year and that year began
    after Earth stopped: the run summary's definition (lunarcity/results/self_growth.py), counted from
    the stop day because the kept table has no stocks (the summary counts from the day the last
    Earth-only input ran out). A city that only finishes its work and spends its stocks
    freezes within months and is not self-sufficient. ``growth_after_earth`` is the ratio of
    the mass at the end to the mass on the day Earth stopped. Runs in which Earth never
    stops, or stops on or after the last day kept, have neither (null); runs that end less
    than a year after the stop have no ``self_sufficient`` (null).
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
    growth = self_growth(day, mass, int(math.floor(stop)))
    return {"self_sufficient": growth.kept_growing, "growth_after_earth": ratio}


#: The post-processors a study may name.
PROCESSORS: dict[str, Processor] = {
    "earth_ledger": Processor(
        func=earth_route_ledger,
        outcomes={
            "lunar_earth_kg_per_kw": "float",
            "direct_earth_kg_per_kw": "float",
            "break_even_ratio": "float",
            "breaks_even": "bool",
            "break_even_years_censored": "float",
        },
        earth=(*TANKER_PHYSICS, TANKER_COUNT),
        earth_required=("payload_to_leo_t",),
        doc="issue 13's Earth ledger (lunarcity/space/earth_ledger.py): Earth-lifted kg per kW "
        "delivered by the lunar route (the seed and every lander with its tankers since day 0; "
        "the tankers from the drawn tanker payload to LEO and the lander's dry mass and Isp, by "
        "the rocket equation) "
        "and by the direct route (the Earth-built satellite and its transfer stage); it breaks "
        "even on the first kept day the lunar figure is at or below the direct one",
    ),
    "self_sufficiency": Processor(
        func=self_sufficiency,
        outcomes={"self_sufficient": "bool", "growth_after_earth": "float"},
        doc="self-sufficient: industrial mass grew over the run's last year, which began after "
        "Earth stopped (lunarcity/results/self_growth.py)",
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

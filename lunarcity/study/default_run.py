"""The study's default run: the scenario's own figures, run once beside the sampled runs.

Issue 29: the opening places the default run ("complete in year 6.2") in the study's range. Its
inputs come from the scenario (with the spec's ``fixed:`` values), or where the scenario leaves a
figure to the data (a unit's rate, the lunar satellite's figures), from data/; it is run once at
the sampled runs' seed (common random numbers), and post-processed as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from functools import cache
from typing import TYPE_CHECKING, Any

import polars as pl

from lunarcity.errors import InputError
from lunarcity.resources import data_dir
from lunarcity.study.analysis import base_rows, rows_for
from lunarcity.study.earth import RunRecord, process_runs
from lunarcity.study.findings import DefaultPlace, bindings, default_place, year_spread
from lunarcity.study.records import Phase
from lunarcity.sweeps.designs import run_seed
from lunarcity.sweeps.spec import DEFAULT_OUTCOMES
from lunarcity.sweeps.worker import RunTask, execute_run
from lunarcity.world.yamlio import load_yaml

if TYPE_CHECKING:
    from lunarcity.study.spec import StudySpec

#: A fab's throughput factor left unset is the data's rate (UnitOverride: "1 = the data's fab
#: throughput").
DATA_RATE = 1.0


@cache
def _data(name: str) -> dict[str, Any]:
    return load_yaml(data_dir() / name)[0]


def _walk(node: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def default_value(path: str, scenario: Mapping[str, Any]) -> Any:
    """An input's value in the default run: the scenario's, else data/'s (None: unset, never).

    ``earth.until_years`` unset is None: Earth never stops.
    """
    parts = path.split(".")
    value = _walk(scenario, parts)
    if value is not None or path == "earth.until_years":
        return value
    if parts[0] == "units" and len(parts) == 3:
        kind, name = parts[1], parts[2]
        found = _walk(_data("units.yaml"), ["units", kind, name])
        if found is None:
            found = _walk(_data("units.yaml"), ["defaults", name])
        if found is None and name == "throughput_factor":
            found = DATA_RATE
        return found
    if parts[0] == "satellite" and len(parts) == 3:
        return _walk(_data("satellites.yaml"), ["figure_sets", parts[1], parts[2]])
    if parts[:2] == ["economy", "make_up"] and len(parts) == 3:
        # Unset, a make-up is the recipe's own input (data/recipes.yaml), whose range it lies in.
        for recipe in (_data("recipes.yaml").get("recipes") or {}).values():
            if parts[2] in (recipe.get("ranges") or {}):
                return recipe["inputs"][parts[2]]
    return None


def default_scenario(spec: StudySpec, kept: list[str]) -> dict[str, Any]:
    """The scenario every run of the Sobol phase starts from (fixed values and years applied)."""
    return spec.sweep_spec("sobol", kept).base_scenario().model_dump(mode="json")


def run_default(spec: StudySpec, kept: list[str], draws: pl.DataFrame) -> float | None:
    """The default run's deciding outcome (its Earth-side outcome averaged over the draws).

    Raises:
        InputError: The default run failed.
    """
    outcome = spec.study.sobol.outcomes[0]
    scenario = default_scenario(spec, kept)
    task = RunTask(
        run_id=-1,
        point=-1,
        replicate=0,
        # The sampled runs' seed: with common seeds it follows the replicate (0), else the run.
        seed=run_seed(spec.seed, 0),
        params={},
        scenario=scenario,
        outcomes=list(DEFAULT_OUTCOMES),
        daily_every=spec.keep_daily_every,
    )
    out = execute_run(task)
    if out.status != "done":
        raise InputError(f"{spec.name}: the default run failed: {out.error}")
    if outcome in out.outcomes:
        value = out.outcomes[outcome]
        return None if value is None else float(value)
    record = RunRecord(-1, {}, out.outcomes, out.daily, scenario)
    table = process_runs([record], spec.study.post, draws)
    if outcome not in table.columns:
        return None
    values = table[outcome].drop_nulls().cast(pl.Float64)
    return float(values.mean()) if values.len() else None


def place_default(
    spec: StudySpec, phase: Phase, kept: list[str], default_outcome: float | None
) -> DefaultPlace:
    """The default run against the Sobol phase's independent (A and B) runs."""
    outcome = spec.study.sobol.outcomes[0]
    rows = rows_for(base_rows(phase), outcome).filter(pl.col(outcome).is_not_null())
    scenario = default_scenario(spec, kept)
    ranges: dict[str, Any] = {}
    for name in kept:
        p = spec.parameters[name]
        values = getattr(p, "values", None)
        ranges[name] = list(values) if values is not None else (p.low, p.high, p.log)
    return default_place(
        {name: default_value(name, scenario) for name in kept},
        ranges,
        {name: rows[name].to_list() for name in kept},
        rows[outcome].cast(pl.Float64).to_list(),
        default_outcome,
    )


def findings(spec: StudySpec, phase: Phase, kept: list[str], draws: pl.DataFrame) -> dict[str, Any]:
    """The summary's findings: the default run's place, the years of success, the constraints.

    Counted over the Sobol phase's independent (A and B) runs, as the success share is.
    """
    base = base_rows(phase)
    q = spec.study.questions
    out: dict[str, Any] = {}
    if q.survival_time and q.survival_event:
        rows = rows_for(base, q.survival_time).filter(
            pl.col(q.survival_time).is_not_null() & pl.col(q.survival_event).is_not_null()
        )
        spread = year_spread(rows[q.survival_time].to_list(), rows[q.survival_event].to_list())
        if spread is not None:
            out["success_years"] = asdict(spread)
    if "bottleneck" in base.columns:
        runs = base.filter(pl.col("draw") == 0)["bottleneck"].to_list()
        out["binding"] = [asdict(b) for b in bindings(runs)]
    if kept:
        place = place_default(spec, phase, kept, run_default(spec, kept, draws))
        out["default_run"] = {
            "outcome": place.outcome,
            "percentile": place.percentile,
            "corner": place.corner.value,
            "inputs": [asdict(i) for i in place.inputs],
        }
    return out

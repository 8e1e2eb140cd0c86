"""Sweep specs: which scenario, which parameters over which values, which design, what to keep.

A spec is a YAML file (models/sweeps/*.yaml), validated like scenarios: pydantic models deriving
from :class:`~lunarcity.world.schema_errors.Strict`, and every error one :class:`~lunarcity.errors.InputError`
naming the file, the line and the field. Parameter paths are the scenario's dotted override paths;
each is checked against the schema and tried in a full resolve of the scenario before any run
starts, so a typo costs a second, not a sweep.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt

from lunarcity.errors import InputError, did_you_mean, one_of, unknown
from lunarcity.world.scenario import Scenario, resolve_scenario
from lunarcity.world.scenario_overrides import check_path, find_scenario_file
from lunarcity.world.schema_errors import Strict, annotation_at, to_input_error
from lunarcity.world.yamlio import LineMap, line_of, load_yaml

METHODS = ("grid", "lhs", "sobol", "saltelli", "morris", "policies")

#: Scalar fields of a run's summary (the model's contract) a sweep keeps by default, with their
#: Parquet types; ``str`` columns hold text, ``bool`` flags, ``int`` counts and days.
SUMMARY_OUTCOMES: dict[str, str] = {
    "target_met": "bool",
    "target_day": "int",
    "years_to_target": "float",
    "industrial_mass_t": "float",
    "power_mw": "float",
    "closure": "float",
    "stock_closure": "float",
    "earth_imported_t": "float",
    "launched_t": "float",
    "satellites_launched": "int",
    "compute_in_orbit_kw": "float",
    "bottleneck": "str",
    "mass_balance_rel_error": "float",
    "energy_balance_rel_error": "float",
    "days_simulated": "int",
    "units_total": "int",
    "rail_length_m": "float",
    "track_needed_m": "float",
    "landers_arrived": "int",
    "landers_lost": "int",
    "satellite_cap_per_year_from_chips": "float",
    # The thesis block (lunarcity/space/earth_ledger.py): both routes per kW delivered.
    "thesis.destination": "str",
    "thesis.satellite_w_per_kg": "float",
    "thesis.direct_satellite_w_per_kg": "float",
    "thesis.compute_delivered_kw": "float",
    "thesis.earth_launches": "float",
    "thesis.direct_earth_launches": "float",
    "thesis.earth_lifted_t": "float",
    "thesis.earth_kg_per_kw": "float",
    "thesis.earth_kg_per_kw_marginal": "float",
    "thesis.direct_earth_kg_per_kw": "float",
    "thesis.breakeven_day": "int",
}

#: Outcomes derived from the summary so that every run has a value, even one that never met
#: the target (survival-style censoring at the horizon).
DERIVED_OUTCOMES: dict[str, str] = {
    "met_within_horizon": "bool",
    "years_to_target_censored": "float",
}

#: Summary fields that are mappings; ``units.robot`` or ``target_parts.power`` picks one entry.
MAPPING_OUTCOMES: dict[str, str] = {"units": "int", "target_parts": "int", "bottleneck_days": "int"}

DEFAULT_OUTCOMES: list[str] = [*SUMMARY_OUTCOMES, *DERIVED_OUTCOMES]


def outcome_type(name: str) -> str:
    """The column type of an outcome: ``bool``, ``int``, ``float`` or ``str``."""
    if name in SUMMARY_OUTCOMES:
        return SUMMARY_OUTCOMES[name]
    if name in DERIVED_OUTCOMES:
        return DERIVED_OUTCOMES[name]
    return MAPPING_OUTCOMES[name.split(".", 1)[0]]


class _Sourced(Strict):
    source: str | None = Field(None, description="Where the values come from")
    assumption: str | None = Field(None, description="Values that are our assumption, and why")


#: Runs one sweep may hold: each has a row in the manifest and a file on disk, and 10^7 runs of
#: ~1 s are four months of one core; the shipped feasibility sweep has 832.
MAX_RUNS = 10_000_000


class RangeParameter(_Sourced):
    """A continuous parameter between two bounds (sampled uniformly, or log-uniformly)."""

    low: float
    high: float
    log: bool = Field(False, description="Sample uniformly in log10 space (bounds > 0)")
    steps: PositiveInt | None = Field(
        None,
        le=10_000,
        description="Grid design: points from low to high (default: design.samples); at most "
        "10,000 (a finer axis is a sampling design's job, and the axis is built in memory)",
    )

    @pydantic.model_validator(mode="after")
    def _bounds(self) -> RangeParameter:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError("bounds must be finite numbers")
        if self.low >= self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.log and self.low <= 0:
            raise ValueError(f"log: true needs low > 0 (got {self.low:g})")
        return self


def _a_scalar(value: Any) -> Any:
    """A value a run can take, or one error saying what is wanted.

    Checked before the union below: a NaN, an infinity, a null or a list would otherwise fail
    all four types and be reported by the first, "Input should be a valid boolean".
    """
    bad_float = isinstance(value, float) and not math.isfinite(value)
    if bad_float or not isinstance(value, bool | int | float | str):
        raise ValueError("a value must be a finite number, a word or true/false")
    return value


# Strict types: in lax mode pydantic would read the value 1 as True.
Scalar = Annotated[
    pydantic.StrictBool | pydantic.StrictInt | pydantic.StrictFloat | pydantic.StrictStr,
    pydantic.Field(union_mode="left_to_right"),
    pydantic.BeforeValidator(_a_scalar),
]


class ValuesParameter(_Sourced):
    """A parameter taking each of a list of values (levels of a grid, or categories)."""

    values: list[Scalar] = Field(min_length=1)

    @pydantic.field_validator("values")
    @classmethod
    def _one_kind(cls, values: list[Any]) -> list[Any]:
        kinds = {_kind(v) for v in values}
        if len(kinds) > 1:
            raise ValueError(f"values mix kinds ({', '.join(sorted(kinds))}); use one kind")
        if len(set(map(repr, values))) < len(values):
            raise ValueError("values repeat")
        return values


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "text"


class Design(_Sourced):
    """How the parameter space is sampled."""

    method: Literal["grid", "lhs", "sobol", "saltelli", "morris", "policies"] = Field(
        description="grid (every combination), lhs (Latin hypercube), sobol (scrambled "
        "quasi-random), saltelli (for Sobol indices), morris (for elementary effects), policies "
        "(every combination of the list parameters, each over one shared Latin hypercube of the "
        "ranges: EMA Workbench's policies x scenarios)"
    )
    samples: PositiveInt | None = Field(
        None,
        le=2**20,
        description="At most 2^20 (1,048,576). "
        "lhs/sobol: points; saltelli: base sample N (a power of two; N*(D+2) points, "
        "N*(2D+2) with second_order); morris: trajectories (N*(D+1) points); grid: points per "
        "range parameter without its own steps; policies: draws of the ranges every combination "
        "of the lists runs on",
    )
    replicates: PositiveInt = Field(
        1, le=10_000, description="Runs per design point, each with its own seed (at most 10,000)"
    )
    levels: int = Field(4, ge=2, description="morris: grid levels per parameter")
    second_order: bool = Field(False, description="saltelli: also second-order Sobol indices")
    common_seeds: bool = Field(
        False,
        description="Common random numbers: replicate r has the same seed at every design point, "
        "so two points differ by their parameters, not by their luck",
    )


def _design_from_text(value: Any) -> Any:
    return {"method": value} if isinstance(value, str) else value


def _without_prose(value: Any) -> Any:
    """``fixed`` without its ``source:``/``assumption:`` keys: they say why, they set nothing."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in ("source", "assumption")}
    return value


#: Fixed overrides: dotted path -> value, with an optional source or assumption beside them.
Fixed = Annotated[dict[str, Scalar], pydantic.BeforeValidator(_without_prose)]


def _parameter_from_list(value: Any) -> Any:
    return {"values": value} if isinstance(value, list) else value


#: A parameter: a continuous range, or a list of values.
Parameter = RangeParameter | ValuesParameter


class SweepSpec(_Sourced):
    """A sweep: one scenario, parameters over values, a design, a root seed, outcomes to keep."""

    name: str = Field("", description="Name of the sweep (default: the file's stem)")
    description: str = ""
    scenario: str = Field("ten_year_city", description="Preset name or scenario file")
    years: PositiveFloat | None = Field(None, le=200, description="Years per run (run.years)")
    seed: NonNegativeInt = Field(0, description="Root seed; per-run seeds are spawned from it")
    design: Annotated[Design, pydantic.BeforeValidator(_design_from_text)]
    parameters: dict[
        str,
        Annotated[Parameter, pydantic.BeforeValidator(_parameter_from_list)],
    ] = Field(min_length=1)
    fixed: Fixed = Field(
        default_factory=dict,
        description="Dotted paths -> values set in every run (the scenario as the sweep sees it)",
    )
    outcomes: list[str] | None = Field(
        None, description="Summary fields to keep (default: every scalar plus derived ones)"
    )
    keep_daily_every: PositiveInt | None = Field(
        None, description="Keep each run's daily table, every N days (omit to keep none)"
    )

    # Set by load_spec/validate_spec: where the spec came from, to resolve relative paths.
    _file: str | None = pydantic.PrivateAttr(None)
    _base: Path | None = pydantic.PrivateAttr(None)

    @property
    def file(self) -> str | None:
        """The file the spec was read from, if any."""
        return self._file

    def outcome_names(self) -> list[str]:
        """The outcomes every run records, in column order.

        The derived outcomes are always kept: the summary, the plots and the sensitivity
        analysis read them.
        """
        if self.outcomes is None:
            return list(DEFAULT_OUTCOMES)
        return [*self.outcomes, *(d for d in DERIVED_OUTCOMES if d not in self.outcomes)]

    def scenario_ref(self) -> str | Path:
        """The scenario as a preset name or a path (relative paths: beside the spec first)."""
        ref = self.scenario
        if self._base is not None and not Path(ref).is_absolute():
            beside = self._base / ref
            if beside.is_file():
                return beside
        return ref

    def base_scenario(self) -> Scenario:
        """The scenario every run starts from, with ``years`` applied."""
        overrides: dict[str, Any] = dict(self.fixed)
        if self.years is not None:
            overrides["run.years"] = self.years
        return resolve_scenario(self.scenario_ref(), overrides)

    def n_points(self) -> int:
        """Design points (runs before replicates)."""
        from lunarcity.sweeps.designs import n_points

        return n_points(self)

    def n_runs(self) -> int:
        """Runs in the sweep: design points times replicates."""
        return self.n_points() * self.design.replicates


def parameter_is_integer(path: str) -> bool:
    """Whether the scenario field at ``path`` takes whole numbers (sampled values are rounded)."""
    current = annotation_at(Scenario, path.split("."))
    return isinstance(current, type) and issubclass(current, int) and current is not bool


def _fail(
    message: str, spec: SweepSpec, lines: LineMap, loc: tuple[str, ...], valid: str | None = None
) -> InputError:
    return InputError(
        message, file=spec.file, line=line_of(lines, loc), field=".".join(loc), valid=valid
    )


def odd_levels(levels: int) -> tuple[str, str] | None:
    """What is wrong with a Morris grid of ``levels`` levels, and what would be valid; None if even.

    MOR91's step, p / (2 (p - 1)) of the range, is a whole number of the grid's steps (p / 2 of
    them) only for an even p: with an odd p it lands between levels, and SALib only warns that
    the sample "may be biased" (raw warning text in the user's terminal).
    """
    if levels % 2 == 0:
        return None
    return (
        f"morris needs an even number of levels (got {levels}): with p levels its step, "
        "p / (2 (p - 1)) of the range, lands on the grid's levels only when p is even",
        f"e.g. {levels - 1} or {levels + 1}",
    )


def _check_design(spec: SweepSpec, lines: LineMap) -> None:
    design = spec.design
    loc = ("design", "samples")
    if design.method != "grid" and design.samples is None:
        raise _fail(f"the {design.method} design needs samples", spec, lines, ("design",))
    if design.method in ("sobol", "saltelli"):
        n = design.samples or 0
        if n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            raise _fail(
                f"{design.method} needs a power of two for samples (got {n})",
                spec,
                lines,
                loc,
                valid=f"e.g. {lower} or {lower * 2}",
            )
    if design.method == "grid":
        for path, param in spec.parameters.items():
            if isinstance(param, RangeParameter) and param.steps is None and not design.samples:
                raise _fail(
                    "a grid needs steps for a range parameter (or design.samples)",
                    spec,
                    lines,
                    ("parameters", path),
                )
    if design.method == "morris" and (odd := odd_levels(design.levels)) is not None:
        raise _fail(odd[0], spec, lines, ("design", "levels"), valid=odd[1])
    if design.method in ("saltelli", "morris") and len(spec.parameters) < 2:
        raise _fail(f"{design.method} needs at least two parameters", spec, lines, ("parameters",))


def _check_outcomes(spec: SweepSpec, lines: LineMap) -> None:
    if spec.outcomes is None:
        return
    known = [*DEFAULT_OUTCOMES, *(f"{m}.<name>" for m in MAPPING_OUTCOMES)]
    for i, name in enumerate(spec.outcomes):
        head, _, rest = name.partition(".")
        if name in SUMMARY_OUTCOMES or name in DERIVED_OUTCOMES:
            continue
        if head in MAPPING_OUTCOMES and rest:
            continue
        raise _fail(
            f"unknown outcome '{name}'{did_you_mean(name, DEFAULT_OUTCOMES)}",
            spec,
            lines,
            ("outcomes", str(i)),
            valid=one_of(known, limit=30),
        )
    if len(set(spec.outcomes)) < len(spec.outcomes):
        raise _fail("outcomes repeat", spec, lines, ("outcomes",))


def trial_values(spec: SweepSpec, path: str) -> list[Any]:
    """Values of one parameter tried before the sweep starts: every listed value, or the bounds."""
    param = spec.parameters[path]
    if isinstance(param, ValuesParameter):
        return list(param.values)
    values: list[Any] = [param.low, param.high]
    if parameter_is_integer(path):
        values = [int(round(v)) for v in values]
    return values


def _check_fixed(spec: SweepSpec, lines: LineMap) -> None:
    for path in spec.fixed:
        loc = ("fixed", path)
        try:
            check_path(path)
        except InputError as exc:
            raise _fail(exc.message, spec, lines, loc, valid=exc.valid) from None
        if path in spec.parameters or path in ("run.years", "run.seed", "name"):
            raise _fail(
                f"'{path}' is set by the sweep itself (a parameter, years or seed)",
                spec,
                lines,
                loc,
            )
        try:
            resolve_scenario(spec.scenario_ref(), {path: spec.fixed[path]})
        except InputError as exc:
            if exc.field != path:
                continue  # the scenario itself is at fault: reported with the scenario
            raise _fail(
                f"value {spec.fixed[path]!r} is rejected: {exc.message}",
                spec,
                lines,
                loc,
                valid=exc.valid,
            ) from None


def _check_parameters(spec: SweepSpec, lines: LineMap, base: Scenario) -> None:
    base_data = base.model_dump(mode="json")
    for path in spec.parameters:
        loc = ("parameters", path)
        try:
            check_path(path)
        except InputError as exc:
            raise _fail(exc.message, spec, lines, loc, valid=exc.valid) from None
        if path in ("run.years", "run.seed", "name"):
            raise _fail(
                f"'{path}' is set by the sweep itself", spec, lines, loc, valid="use years or seed"
            )
        for value in trial_values(spec, path):
            try:
                resolve_scenario(base_data, {path: value})
            except InputError as exc:
                raise _fail(
                    f"value {value!r} is rejected: {exc.message}", spec, lines, loc, valid=exc.valid
                ) from None


def validate_spec(data: Any, *, file: str | None = None, lines: LineMap | None = None) -> SweepSpec:
    """Validate raw spec data: the schema, the design, the outcomes and every parameter.

    Args:
        data: The parsed YAML (a mapping).
        file: The file it came from, for error messages and relative scenario paths.
        lines: The YAML line map of the file.

    Returns:
        The validated spec.

    Raises:
        InputError: naming the file, line and field at fault.
    """
    lines = lines or {}
    if not isinstance(data, dict):
        raise InputError(
            "a sweep spec must be a mapping", file=file, valid=one_of(SweepSpec.model_fields)
        )
    try:
        spec = SweepSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _spec_error(exc, data, file, lines) from None
    spec._file = file
    spec._base = Path(file).resolve().parent if file else None
    if not spec.name:
        spec.name = Path(file).stem if file else "sweep"
    _check_design(spec, lines)
    if spec.n_runs() > MAX_RUNS:
        raise _fail(
            f"the sweep has {spec.n_runs():,} runs, more than {MAX_RUNS:,}",
            spec,
            lines,
            ("design",),
            valid="fewer samples, steps or replicates, or several sweeps",
        )
    _check_outcomes(spec, lines)
    _check_fixed(spec, lines)
    try:
        if not isinstance(spec.scenario_ref(), Path):
            find_scenario_file(spec.scenario_ref())
        base = spec.base_scenario()
    except InputError as exc:
        if exc.file:
            raise
        raise InputError(
            exc.message,
            file=file,
            line=line_of(lines, ("scenario",)),
            field="scenario" if exc.field in (None, "scenario") else exc.field,
            valid=exc.valid,
        ) from None
    _check_parameters(spec, lines, base)
    return spec


def _spec_error(
    exc: pydantic.ValidationError, data: dict[str, Any], file: str | None, lines: LineMap
) -> InputError:
    """A pydantic error as an InputError; a parameter's union error names the field plainly."""
    errors = exc.errors(include_url=False)
    loc = errors[0]["loc"]
    branches = {"RangeParameter": RangeParameter, "ValuesParameter": ValuesParameter}

    def tag(err: Any) -> str | None:
        # pydantic tags a union member's errors with its name ('function-after[..., Name]').
        if len(err["loc"]) < 3 or err["loc"][0] != "parameters":
            return None
        return next((b for b in branches if b in str(err["loc"][2])), None)

    if tag(errors[0]) is None:
        return to_input_error(exc, SweepSpec, file=file, lines=lines)
    # Report the shape the user meant (a 'values' key means a list) and drop the tag.
    name = str(loc[1])
    params = data.get("parameters")
    given = params.get(name) if isinstance(params, dict) else None
    if isinstance(given, list):
        given = {"values": given}
    if not isinstance(given, dict):
        full = ("parameters", name)
        return InputError(
            f"a parameter is a list of values, {{low, high}} or {{values: [...]}} (got {given!r})",
            file=file,
            line=line_of(lines, full),
            field=".".join(full),
        )
    branch = "ValuesParameter" if "values" in given else "RangeParameter"
    first = next((e for e in errors if tag(e) == branch), errors[0])
    rest = tuple(str(p) for p in first["loc"][3:])
    full = ("parameters", name, *rest)
    if first["type"] == "extra_forbidden":
        names = list(branches[branch].model_fields)
        return unknown(
            "field",
            rest[-1],
            names,
            file=file,
            line=line_of(lines, full),
            field=".".join(full[:-1]),
        )
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        msg = "required field is missing"
    elif not isinstance(first.get("input"), dict | list):
        msg = f"{msg} (got {first.get('input')!r})"
    return InputError(msg, file=file, line=line_of(lines, full), field=".".join(full))


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep spec file.

    Args:
        path: A YAML file, or the name of a spec in the package's models/sweeps/.

    Returns:
        The validated spec, with ``.scenario`` and ``.n_runs()``.

    Raises:
        InputError: naming the file, line and field at fault.
    """
    path = find_spec_file(path)
    data, lines = load_yaml(path)
    return validate_spec(data, file=str(path), lines=lines)


def find_spec_file(ref: str | Path) -> Path:
    """A path to a spec, or the name of one in models/sweeps/.

    Raises:
        InputError: neither exists.
    """
    from lunarcity.resources import models_dir

    path = Path(ref)
    if path.is_file():
        return path
    shipped = {p.stem: p for p in sorted((models_dir() / "sweeps").glob("*.yaml"))}
    if str(ref) in shipped:
        return shipped[str(ref)]
    raise InputError(
        f"no sweep spec '{ref}'{did_you_mean(str(ref), shipped)}",
        field="spec",
        valid=one_of(shipped) + ", or a path to a .yaml file",
    )

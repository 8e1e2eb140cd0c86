"""Study specs: a sweep spec's scenario and parameters, plus how the study analyses them.

A study spec (``models/sweeps/*.yaml`` with a ``study:`` section) names the scenario, the
assumptions with their ranges and sources, and the analysis: Morris screening, then Sobol
indices on the inputs that matter, Earth-side figures applied to each run's record afterwards,
and the questions asked of the runs (the probability of success, the years to target, the PRIM
boxes). Its two phases are ordinary sweeps, validated and run by :mod:`lunarcity.sweeps`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt

from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.space.trajectory import load_destinations
from lunarcity.study.earth import PROCESSORS, post_outcome_types
from lunarcity.study.policies import check_roles
from lunarcity.sweeps.spec import (
    DEFAULT_OUTCOMES,
    Fixed,
    RangeParameter,
    SweepSpec,
    ValuesParameter,
    find_spec_file,
    odd_levels,
    outcome_type,
    validate_spec,
)
from lunarcity.world.schema_errors import Strict, to_input_error
from lunarcity.world.yamlio import LineMap, line_of, load_yaml

#: Why a policies phase's lever values are there: they are chosen, not drawn (world/roles.py).
LEVER_NOTE = "a lever: each value is a policy compared, not a chance (lunarcity/world/roles.py)"

#: The scenario path a study per destination fixes.
DESTINATION_PATH = "satellite.destination"


class _Sourced(Strict):
    source: str | None = Field(None, description="Where the values come from")
    assumption: str | None = Field(None, description="Values that are our assumption, and why")


def _parameter_from_list(value: Any) -> Any:
    return {"values": value} if isinstance(value, list) else value


class Screening(_Sourced):
    """Morris screening: which inputs go on to the Sobol phase."""

    trajectories: PositiveInt = Field(description="Morris trajectories (runs: r * (D + 1))")
    levels: int = Field(4, ge=2, description="Grid levels per input")
    keep_share: float = Field(
        0.1, gt=0, le=1, description="Keep inputs whose mu* is at least this share of the largest"
    )
    min_keep: PositiveInt = Field(3, description="Keep at least this many inputs (by mu*)")
    max_keep: PositiveInt | None = Field(
        None,
        description="Keep at most this many inputs (by mu*), so the Sobol phase's size, "
        "N x (k + 2) runs, has a bound the spec can be sized by",
    )
    outcomes: list[str] = Field(min_length=1, description="Outcomes screened")


class SobolPhase(_Sourced):
    """Sobol indices (Saltelli design) over the inputs kept by screening."""

    samples: PositiveInt = Field(description="Base sample N, a power of two (runs: N * (k + 2))")
    outcomes: list[str] = Field(min_length=1, description="Outcomes analysed; the first decides")
    surrogate: bool = Field(
        False,
        description="Also fit a polynomial chaos surrogate to the deciding outcome over the "
        "same runs (lunarcity/study/surrogate.py): its Sobol indices, read when its held-out "
        "Q^2 is at least 0.9, beside the sampling estimates",
    )
    best_policy_samples: PositiveInt | None = Field(
        None,
        description="With levers: also a Sobol phase of this base sample N (a power of two) under "
        "the policy comparison's best policy, when it is not the default, so both policies' "
        "indices are known (runs: N * (k + 2))",
    )


class EarthSide(_Sourced):
    """Figures applied to each run's record afterwards, at ``draws`` values each."""

    draws: PositiveInt = Field(16, description="Values of the Earth-side figures per run")
    parameters: dict[str, RangeParameter] = Field(default_factory=dict)


class Questions(_Sourced):
    """What the study asks of its runs."""

    success: str = Field("met_within_horizon", description="A flag: the run succeeded")
    survival_time: str | None = Field(
        "years_to_target_censored", description="Years to success, censored at the horizon"
    )
    survival_event: str | None = Field(
        "met_within_horizon", description="The flag saying the time is an event, not censoring"
    )
    prim: list[str] = Field(default_factory=list, description="Flags whose region PRIM finds")
    prim_alpha: float = Field(0.05, gt=0, lt=0.5, description="Share peeled per PRIM step")
    prim_min_mass: float = Field(0.05, gt=0, lt=1, description="Smallest PRIM box (share of runs)")
    prim_min_coverage: float = Field(
        0.5, gt=0, le=1, description="The reported box keeps at least this share of successes"
    )


class Chance(_Sourced):
    """Replicates at a few points: how much of the outcome's spread is the seed's, not the inputs'."""

    points: PositiveInt = Field(le=1_000, description="Draws of the ranges (a Latin hypercube)")
    seeds: int = Field(ge=2, le=1_000, description="Seeds run at each draw (shared by the draws)")


class StudyBody(_Sourced):
    """The ``study:`` section."""

    screening: Screening
    sobol: SobolPhase
    replicates: PositiveInt = Field(1, description="Runs per design point, seeds shared")
    common_seeds: bool = Field(True, description="The same seeds at every design point")
    post: list[str] = Field(default_factory=list, description="Post-processors of each record")
    earth_side: EarthSide = Field(default_factory=EarthSide)
    questions: Questions = Field(default_factory=Questions)
    chance: Chance | None = Field(
        None,
        description="Several seeds at a few draws of the uncertainties (the default policy): the "
        "share of the deciding outcome's variance that is chance (lunarcity/study/chance.py)",
    )
    convergence_top: PositiveInt = Field(3, description="Inputs whose rank must hold")
    convergence_tolerance: float = Field(
        0.05, gt=0, description="Largest move of a total-order index between N/2 and N"
    )


class StudySpec(_Sourced):
    """A study: the sweep's scenario and parameters, and the ``study:`` section."""

    name: str = ""
    description: str = ""
    scenario: str = "ten_year_city"
    years: PositiveFloat | None = Field(None, le=200)
    seed: NonNegativeInt = 0
    fixed: Fixed = Field(default_factory=dict)
    parameters: dict[
        str,
        Annotated[RangeParameter | ValuesParameter, pydantic.BeforeValidator(_parameter_from_list)],
    ] = Field(min_length=2)
    keep_daily_every: PositiveInt | None = None
    destinations: list[str] | Literal["all"] | None = Field(
        None,
        description="Run the whole study once per satellite destination (data/destinations.yaml):"
        " a list of names, or all of them",
    )
    study: StudyBody
    # Issue 22: levers (choices) kept apart from uncertainties (lunarcity/world/roles.py).
    levers: dict[str, list[Any]] = Field(
        default_factory=dict,
        description="Policies compared over one shared sample of the uncertainties: each "
        "lever's values, every combination a policy (a full grid)",
    )

    @pydantic.field_validator("levers", mode="before")
    @classmethod
    def _levers_without_their_sources(cls, value: Any) -> Any:
        # The lever values are choices, yet numbers: a `source:` or `assumption:` in the mapping
        # says why these values (tests/test_data.py asks it of every number); it is no lever.
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k not in ("source", "assumption")}
        return value

    uncertainties: list[str] = Field(
        default_factory=list,
        description="The parameters (ranges) that are uncertainties: the policy comparison "
        "samples them uniformly",
    )
    policy_samples: PositiveInt = Field(
        8, le=10_000, description="Draws of the uncertainties every policy is run on"
    )
    policy_outcome: str = Field(
        "industrial_mass_t",
        description="The policy comparison's deciding outcome (larger is better)",
    )

    _file: str | None = pydantic.PrivateAttr(None)

    @property
    def file(self) -> str | None:
        """The file the spec was read from."""
        return self._file

    def destination_names(self) -> list[str]:
        """The destinations the study is run for (empty: one study, the scenario's own)."""
        if self.destinations is None:
            return []
        if self.destinations == "all":
            return list(load_destinations().destinations)
        return list(self.destinations)

    def for_destination(self, destination: str) -> StudySpec:
        """The study at one destination: ``satellite.destination`` fixed, one study, no list."""
        sub = self.model_copy(deep=True)
        sub.fixed = {**self.fixed, DESTINATION_PATH: destination}
        sub.destinations = None
        sub.name = f"{self.name}-{destination}"
        sub._file = self._file
        return sub

    def for_policy(self, levers: dict[str, Any]) -> StudySpec:
        """The study under one policy: its levers fixed, the best policy's Sobol size, no grid."""
        sub = self.model_copy(deep=True)
        sub.fixed = {**self.fixed, **levers}
        sub.levers = {}
        sub.study.sobol.samples = self.study.sobol.best_policy_samples or self.study.sobol.samples
        sub._file = self._file
        return sub

    def post_outcomes(self) -> dict[str, str]:
        """Outcomes the post-processors add, with their types."""
        return post_outcome_types(self.study.post)

    def outcome_kind(self, name: str) -> str:
        """The type of any outcome the study knows."""
        post = self.post_outcomes()
        return post[name] if name in post else outcome_type(name)

    def sweep_data(self, phase: str, parameters: list[str] | None = None) -> dict[str, Any]:
        """The sweep spec (raw data) of one phase: ``screen``, ``sobol``, ``policies``, ``chance``.

        Args:
            phase: ``screen`` (Morris), ``sobol`` (Saltelli; also the best policy's ``best``),
                ``policies`` (every combination of the levers over one shared sample of the
                uncertainties: lunarcity/study/policies.py) or ``chance`` (several seeds at a
                few draws of the uncertainties: lunarcity/study/chance.py).
            parameters: The inputs the Sobol phase varies (the rest stay at the scenario's
                values).
        """
        names = list(self.parameters) if parameters is None else parameters
        study = self.study
        if phase in ("policies", "chance"):
            names = list(self.uncertainties) or names
        if phase == "screen":
            design: dict[str, Any] = {
                "method": "morris",
                "samples": study.screening.trajectories,
                "levels": study.screening.levels,
            }
        elif phase == "policies":
            design = {"method": "policies", "samples": self.policy_samples}
        else:
            design = {"method": "saltelli", "samples": study.sobol.samples}
        design.update(replicates=study.replicates, common_seeds=study.common_seeds)
        if phase == "chance" and study.chance is not None:
            # Seeds shared by the draws, so a draw's spread over seeds is chance alone.
            design = {
                "method": "lhs",
                "samples": study.chance.points,
                "replicates": study.chance.seeds,
                "common_seeds": True,
            }
        data: dict[str, Any] = {
            "name": f"{self.name}-{phase}",
            "description": self.description,
            "scenario": self.scenario,
            "seed": self.seed,
            "design": design,
            "parameters": {
                n: self.parameters[n].model_dump(exclude_none=True, exclude_defaults=True)
                for n in names
            },
            "fixed": dict(self.fixed),
            "keep_daily_every": self.keep_daily_every,
        }
        if phase == "policies":
            data["parameters"] |= {
                path: {"values": list(values), "assumption": LEVER_NOTE}
                for path, values in self.levers.items()
            }
        if self.years is not None:
            data["years"] = self.years
        return data

    def sweep_spec(self, phase: str, parameters: list[str] | None = None) -> SweepSpec:
        """The validated sweep spec of one phase (relative scenario paths beside the study)."""
        return validate_spec(self.sweep_data(phase, parameters), file=self._file)


def _check(spec: StudySpec, lines: LineMap) -> None:
    def fail(msg: str, loc: tuple[str, ...], valid: str | None = None) -> InputError:
        return InputError(
            msg, file=spec.file, line=line_of(lines, loc), field=".".join(loc), valid=valid
        )

    if spec.destinations is not None:
        known_dest = load_destinations().destinations
        if isinstance(spec.destinations, list):
            if not spec.destinations:
                raise fail(
                    "lists no destination", ("destinations",), valid=f"all, or {one_of(known_dest)}"
                )
            for i, name in enumerate(spec.destinations):
                if name not in known_dest:
                    raise fail(
                        f"unknown destination '{name}'{did_you_mean(name, known_dest)}",
                        ("destinations", str(i)),
                        valid=f"all, or {one_of(known_dest)}",
                    )
        for where in ("parameters", "fixed"):
            if DESTINATION_PATH in getattr(spec, where):
                raise fail(
                    f"{DESTINATION_PATH} is set by destinations: (one study per destination)",
                    (where, DESTINATION_PATH),
                    valid="leave it out here, or drop destinations:",
                )
    body = spec.study
    for i, name in enumerate(body.post):
        if name not in PROCESSORS:
            raise fail(
                f"unknown post-processor '{name}'{did_you_mean(name, PROCESSORS)}",
                ("study", "post", str(i)),
                valid=one_of(PROCESSORS),
            )
        proc = PROCESSORS[name]
        if proc.needs_daily and not spec.keep_daily_every:
            raise fail(
                f"post-processor '{name}' reads each run's daily table: set keep_daily_every",
                ("keep_daily_every",),
                valid="a whole number of days, e.g. 30",
            )
        for param in proc.earth_required:
            if param not in body.earth_side.parameters:
                raise fail(
                    f"post-processor '{name}' needs the Earth-side figure '{param}'",
                    ("study", "earth_side", "parameters"),
                    valid=one_of(proc.earth),
                )
    _check_policies(spec, fail)  # after the post-processors: it reads their outcomes
    drawn = body.earth_side.parameters
    both = [p for p in ("lander_dry_t", "lander_isp_s", "lander_trip_km_s") if p in drawn]
    if "tankers_per_landing" in drawn and both:
        raise fail(
            f"tankers_per_landing follows from {both[0]} (the rocket equation): drawing both "
            f"samples the two ends of one relation",
            ("study", "earth_side", "parameters", "tankers_per_landing"),
            valid="the physical inputs (payload_to_leo_t, lander_dry_t, lander_isp_s), "
            "without tankers_per_landing",
        )
    wanted = {p for n in body.post for p in PROCESSORS[n].earth}
    for param in body.earth_side.parameters:
        if param not in wanted:
            raise fail(
                f"no post-processor reads the Earth-side figure '{param}'",
                ("study", "earth_side", "parameters", param),
                valid=one_of(sorted(wanted)) if wanted else "none (no post-processor reads one)",
            )
    known = [*DEFAULT_OUTCOMES, *spec.post_outcomes()]
    lists = {
        ("study", "screening", "outcomes"): body.screening.outcomes,
        ("study", "sobol", "outcomes"): body.sobol.outcomes,
        ("study", "questions", "prim"): body.questions.prim,
    }
    for loc, names in lists.items():
        for i, name in enumerate(names):
            if name not in known:
                raise fail(
                    f"unknown outcome '{name}'{did_you_mean(name, known)}",
                    (*loc, str(i)),
                    valid=one_of(known, limit=30),
                )
    q = body.questions
    flags = [("success", q.success), ("survival_event", q.survival_event)]
    flags += [(f"prim.{i}", n) for i, n in enumerate(q.prim)]
    for field, name in flags:
        if name is None:
            continue
        if name not in known or spec.outcome_kind(name) != "bool":
            raise fail(
                f"'{name}' is not a flag (a true/false outcome)",
                ("study", "questions", *field.split(".")),
                valid=one_of([n for n in known if spec.outcome_kind(n) == "bool"]),
            )
    if (q.survival_time is None) != (q.survival_event is None):
        raise fail(
            "survival_time and survival_event go together", ("study", "questions", "survival_time")
        )
    if q.survival_time is not None and (
        q.survival_time not in known or spec.outcome_kind(q.survival_time) != "float"
    ):
        raise fail(
            f"'{q.survival_time}' is not a time (a number of years)",
            ("study", "questions", "survival_time"),
        )
    s = body.screening
    if (odd := odd_levels(s.levels)) is not None:
        raise fail(odd[0], ("study", "screening", "levels"), valid=odd[1])
    if s.max_keep is not None and s.max_keep < max(2, s.min_keep):
        raise fail(
            f"max_keep ({s.max_keep}) is below min_keep ({s.min_keep}) or 2 (a Sobol design "
            "needs two inputs)",
            ("study", "screening", "max_keep"),
            valid=f"at least {max(2, s.min_keep)}",
        )
    for key, n in (
        ("samples", body.sobol.samples),
        ("best_policy_samples", body.sobol.best_policy_samples),
    ):
        if n is not None and (n < 4 or n & (n - 1)):
            raise fail(
                f"sobol.{key} must be a power of two, at least 4 (got {n}): the convergence "
                "check compares N/2 with N",
                ("study", "sobol", key),
                valid="e.g. 8, 16, 32, 64",
            )


def validate_study(
    data: Any, *, file: str | None = None, lines: LineMap | None = None
) -> StudySpec:
    """Validate raw study data: its schema, its analysis, and both phases as sweeps.

    Raises:
        InputError: naming the file, line and field at fault.
    """
    lines = lines or {}
    if not isinstance(data, dict):
        raise InputError(
            "a study spec must be a mapping", file=file, valid=one_of(StudySpec.model_fields)
        )
    if "study" not in data:
        raise InputError(
            "has no study: section (a sweep spec? run it with `lunarcity sweep`)",
            file=file,
            field="study",
        )
    try:
        spec = StudySpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise to_input_error(exc, StudySpec, file=file, lines=lines) from None
    spec._file = file
    if not spec.name:
        spec.name = Path(file).stem if file else "study"
    _check(spec, lines)
    # Both phases are sweeps: the sweep's own checks try every parameter in the scenario.
    screen = spec.sweep_data("screen")
    validate_spec(screen, file=file, lines=lines)
    return spec


def _check_policies(spec: StudySpec, fail: Any) -> None:
    """Levers and uncertainties in their roles; uncertainties drawn from the spec's ranges."""
    for path, values in spec.levers.items():
        if not values:
            raise fail(f"lever {path} has no values", ("levers", path), valid="a list of values")
    for i, path in enumerate(spec.uncertainties):
        if not isinstance(spec.parameters.get(path), RangeParameter):
            raise fail(
                f"uncertainty {path} is not a range in parameters:",
                ("uncertainties", str(i)),
                valid=one_of(
                    [p for p, v in spec.parameters.items() if isinstance(v, RangeParameter)]
                ),
            )
    try:
        check_roles(spec.levers, dict.fromkeys(spec.uncertainties), spec.name or "study")
    except InputError as exc:
        loc = tuple((exc.field or "levers").split(".", 1))
        raise fail(exc.message, loc, valid=exc.valid) from None
    if spec.levers:
        from lunarcity.study.policies import default_levers

        for path, value in default_levers(spec).items():
            if value not in spec.levers[path]:
                raise fail(
                    f"lever {path} leaves out the scenario's own value {value!r}, so the default "
                    "policy would not be compared",
                    ("levers", path),
                    valid=f"a list with {value!r} among its values",
                )
    known = [*DEFAULT_OUTCOMES, *spec.post_outcomes()]
    if spec.levers and spec.policy_outcome not in known:
        raise fail(
            f"unknown policy_outcome '{spec.policy_outcome}'",
            ("policy_outcome",),
            valid=one_of(known),
        )


def load_study(path: str | Path) -> StudySpec:
    """Read and validate a study spec: a YAML file, or the name of one in models/sweeps/.

    Raises:
        InputError: naming the file, line and field at fault.
    """
    path = find_spec_file(path)
    data, lines = load_yaml(path)
    return validate_study(data, file=str(path), lines=lines)

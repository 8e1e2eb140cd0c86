"""The schema of a study's summary.json, as far as the README's answer reads it.

``lunarcity study --answer`` writes README.md and docs/MODEL.md from two summaries; a garbled or
hand-edited one (a list, a share of 1.5, a NaN) must be refused in one line naming the file and
the field, before either document is touched. Fields the answer does not read are let through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field

from lunarcity.errors import InputError
from lunarcity.world.schema_errors import to_input_error

#: A share of runs or of a range.
Share = Annotated[float, Field(ge=0, le=1)]


class _Part(pydantic.BaseModel):
    # Extra fields pass (the summary holds more than the answer reads); numbers must be finite.
    model_config = pydantic.ConfigDict(extra="allow", allow_inf_nan=False)


class Interval(_Part):
    """The share of runs with the success flag and its 95 % interval."""

    share: Share
    low: Share
    high: Share
    n: int = Field(ge=0)


class Spread(_Part):
    """The deciding outcome over the ranges."""

    n: int = Field(ge=0)
    low: float
    median: float
    high: float
    largest: float


class Ranked(_Part):
    """One input's Sobol indices."""

    parameter: str
    ST: float
    ST_conf: float = Field(ge=0)


class Survival(_Part):
    """When half the runs meet the target (None: fewer than half do)."""

    median_years: float | None = Field(None, ge=0)


class Box(_Part):
    """PRIM's region where the flag holds."""

    density: Share
    coverage: Share
    limits: list[str]


class YearSpread(_Part):
    """The year among the runs that succeed."""

    successes: int = Field(ge=0)
    runs: int = Field(ge=0)
    median: float = Field(ge=0)
    low: float = Field(ge=0)
    high: float = Field(ge=0)


class Binding(_Part):
    """A constraint and the share of runs it bound most days in."""

    name: str
    runs: int = Field(ge=0)
    share: Share


class InputPlace(_Part):
    """One sampled input's default against its range."""

    parameter: str
    value: float | str | None = None
    position: Share | None = None
    favourable: bool | None = None


class DefaultRun(_Part):
    """The default run placed in the study's range."""

    corner: Literal["favourable", "unfavourable", "mixed", "middle"]
    percentile: Share | None = None
    inputs: list[InputPlace] = []


class PolicyShare(_Part):
    """One policy's levers and share meeting the flag."""

    levers: dict[str, Any]
    share: Share


class Policies(_Part):
    """The best policy found against the default policy."""

    count: int = Field(ge=1)
    best: PolicyShare
    default: PolicyShare
    best_is_default: bool


class StudySummary(_Part):
    """One study's (or one destination's) summary.json."""

    name: str
    converged: bool = False
    reduced: str | None = None
    kept: list[str] = []
    screened_out: list[str] = []
    top_inputs: list[Ranked] = []
    deciding_outcome: str | None = None
    deciding_spread: Spread | None = None
    success: Interval | None = None
    survival: Survival = Survival()
    prim: dict[str, Box | None] = {}
    success_years: YearSpread | None = None
    binding: list[Binding] = []
    default_run: DefaultRun | None = None
    policies: Policies | None = None


class CitySummary(StudySummary):
    """The city study: the answer counts its inputs, kept and screened out."""

    kept: list[str]
    screened_out: list[str]


class RouteSummary(StudySummary):
    """The route study: one summary per destination, or its own."""

    destinations: dict[str, StudySummary] | None = None


def read_summary(path: Path, schema: type[StudySummary]) -> dict[str, Any]:
    """Read and check a summary.json; returns it as read.

    Raises:
        InputError: not JSON, not an object, or a field missing, of the wrong type, out of range
            or not finite (NaN), naming the file and the field.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"cannot be read as JSON: {exc}", file=str(path), valid="a study's summary.json"
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f"holds a {type(data).__name__}, not a JSON object",
            file=str(path),
            valid="a study's summary.json",
        )
    try:
        schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise to_input_error(exc, schema, file=str(path)) from None
    return data

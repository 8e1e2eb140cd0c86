"""The app's steerable parameters: which scenario fields get a slider, their ranges and labels.

Labels and units come from the scenario schema's field descriptions, so the app says what the
command line's ``--set`` and the YAML files mean. Ranges are teaching ranges, wider than the
schema allows where that is instructive: a value the schema refuses is reported beside its
control (an :class:`~lunarcity.errors.InputError` message), never a crash.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any

from lunarcity.errors import InputError
from lunarcity.overrides import preset_paths
from lunarcity.scenario import Scenario, resolve_scenario


@dataclass(frozen=True)
class Param:
    """One control: a dotted scenario path and how to show it.

    Attributes:
        path: Dotted scenario path, e.g. ``earth.lander_interval_days``.
        lo, hi, step: Slider range (numbers); ignored for choices.
        choices: For a field with a fixed set of values (a select instead of a slider).
        integer: Whether the value is an integer.
        text: Description to use where the schema has none.
    """

    path: str
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    choices: tuple[str, ...] = ()
    integer: bool = False
    text: str = ""  # used where the schema gives the field no description

    @property
    def keyword(self) -> str:
        """The flat ``__`` keyword that LunarCity(...) and mesa.batch_run take."""
        return self.path.replace(".", "__")

    @property
    def description(self) -> str:
        """The schema's description of the field (or :attr:`text` where it has none)."""
        return field_info(self.path)[1] or self.text

    @property
    def label(self) -> str:
        """A short label: the description without its unit, the unit in brackets."""
        text = self.description or self.path.split(".")[-1].replace("_", " ")
        unit = self.unit
        text = re.sub(r"\s*\([^)]*\)\s*$", "", text)
        return f"{text} [{unit}]" if unit else text

    @property
    def unit(self) -> str:
        """The unit the description ends with in brackets, e.g. 't' for '(t)'."""
        found = re.search(r"\(([^)]*)\)\s*$", self.description or "")
        return found.group(1) if found else ""


#: The key parameters, in the order the app shows them.
PARAMS: tuple[Param, ...] = (
    Param("earth.lander_interval_days", 1, 60, 1),
    Param("earth.lander_payload_t", 0, 300, 10),
    Param("earth.lander_failure_prob", 0, 1, 0.01),
    Param("mass_driver.max_accel_g", 0, 1000, 10),
    Param("mass_driver.launch_speed_km_s", 0.5, 3.0, 0.001),
    Param(
        "planner.policy",
        choices=("fixed_mix", "bottleneck_first", "grow_then_produce"),
        text="Planner policy",
    ),
    Param("planner.produce_after_years", 0, 10, 0.5),
    Param("planner.produce_share", 0, 1, 0.05),
    Param("run.years", 1, 30, 1, text="Years to simulate (years)"),
)


def field_info(path: str) -> tuple[Any, str]:
    """(annotation, description) of a scenario field given by its dotted path."""
    model: Any = Scenario
    field = None
    for part in path.split("."):
        field = model.model_fields[part]
        model = field.annotation
    assert field is not None
    return field.annotation, field.description or ""


def choices_of(path: str) -> tuple[str, ...]:
    """The allowed values of a Literal field (e.g. the planner policies)."""
    annotation, _ = field_info(path)
    return tuple(str(a) for a in typing.get_args(annotation))


def scenario_names() -> list[str]:
    """Every preset in models/, by name."""
    return list(preset_paths())


def current_values(scenario: str) -> dict[str, Any]:
    """The values of :data:`PARAMS` in a preset as the model would run it."""
    sc = resolve_scenario(scenario)
    out: dict[str, Any] = {}
    for p in PARAMS:
        value: Any = sc
        for part in p.path.split("."):
            value = getattr(value, part)
        out[p.path] = value
    return out


def check(scenario: str, values: dict[str, Any]) -> dict[str, str]:
    """Errors by path for the values the schema refuses (empty when all are fine).

    Each value is checked on its own first, so the message sits beside the right control;
    then all together (a combination may be refused even when each value is fine).
    """
    errors: dict[str, str] = {}
    for path, value in values.items():
        try:
            resolve_scenario(scenario, {path: value})
        except InputError as exc:
            errors[path] = exc.render()
    if not errors and values:
        try:
            resolve_scenario(scenario, dict(values))
        except InputError as exc:
            errors[exc.field or "scenario"] = exc.render()
    return errors

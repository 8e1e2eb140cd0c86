"""The app's steerable parameters: which scenario fields get a slider, their stops and labels.

Honest controls: a slider's ends come from the scenario schema's own constraints (pydantic's
``gt``/``ge``/``lt``/``le``, read generically, so a bound added to :mod:`lunarcity.world.scenario`
reaches the slider with no change here), and its stops include every preset's value, so loading
a preset or pressing Reset never moves a value. A slider moves through a list of stops (round
teaching values, the schema's closed ends and the presets' values); the number box beside it
takes any value the schema accepts, and a value outside the slider's stops is shown as such.
Refusals are written in plain words, never a file path or a validation library's wording.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from lunarcity.errors import InputError
from lunarcity.space.trajectory import load_destinations
from lunarcity.world.scenario import Scenario, check_seed, resolve_scenario
from lunarcity.world.scenario_overrides import preset_paths

from . import words


@dataclass(frozen=True)
class Bounds:
    """A numeric field's limits from the schema (None where it has none)."""

    lo: float | None = None
    lo_open: bool = False
    hi: float | None = None
    hi_open: bool = False

    def admits(self, value: float) -> bool:
        """Whether the schema's limits let ``value`` through."""
        if self.lo is not None and (value <= self.lo if self.lo_open else value < self.lo):
            return False
        if self.hi is not None and (value >= self.hi if self.hi_open else value > self.hi):
            return False
        return math.isfinite(value)

    def words(self, unit: str = "") -> str:
        """'more than 0 t', 'between 0 and 1', 'at most 200 years' ..."""
        u = f" {unit}" if unit else ""
        if self.lo is not None and self.hi is not None and not (self.lo_open or self.hi_open):
            return f"between {self.lo:g} and {self.hi:g}{u}"
        parts = []
        if self.lo is not None:
            parts.append(
                f"more than {self.lo:g}{u}" if self.lo_open else f"at least {self.lo:g}{u}"
            )
        if self.hi is not None:
            parts.append(f"less than {self.hi:g}{u}" if self.hi_open else f"at most {self.hi:g}{u}")
        return " and ".join(parts) or "a number"


@dataclass(frozen=True)
class Param:
    """One control: a dotted scenario path and how to show it.

    Attributes:
        path: Dotted scenario path, e.g. ``earth.lander_interval_days``.
        stops: Round values the slider offers (teaching values; the schema's limits and the
            presets' values are added, values the schema refuses are dropped).
        integer: Whether the value is a whole number.
        name: A short friendly label ("" takes the schema's description).
        text: Description to use where the schema has none.
        unit_name: The unit as shown beside the number ("" takes the schema's).
        choices_from: For a text field whose values the data list (not the schema): reads them
            (a select instead of a slider).
    """

    path: str
    stops: tuple[float, ...] = ()
    integer: bool = False
    name: str = ""
    text: str = ""  # used where the schema gives the field no description
    unit_name: str = ""
    choices_from: Callable[[], tuple[str, ...]] | None = None

    @property
    def keyword(self) -> str:
        """The flat ``__`` keyword that LunarCity(...) and mesa.batch_run take."""
        return self.path.replace(".", "__")

    @property
    def description(self) -> str:
        """The schema's description of the field (or :attr:`text` where it has none)."""
        return field_info(self.path)[1] or self.text

    @property
    def _first_clause(self) -> str:
        """The description up to its first ';' (what the field is; the rest says why its limits)."""
        return (self.description or "").split(";")[0].strip()

    @property
    def label(self) -> str:
        """A short label: the friendly name, or the description's first clause without its unit."""
        if self.name:
            return self.name
        text = self._first_clause or self.path.split(".")[-1].replace("_", " ")
        if "(" in text and text.endswith(")"):
            text = text[: text.rindex("(")].rstrip()
        return text

    @property
    def unit(self) -> str:
        """The unit the description's first clause ends with in brackets: 't' for '(t)'."""
        text = self._first_clause
        if text.endswith(")") and "(" in text:
            return text[text.rindex("(") + 1 : -1]
        return ""

    @property
    def shown_unit(self) -> str:
        """The unit as the page writes it beside the number."""
        return self.unit_name or self.unit

    @property
    def choices(self) -> tuple[str, ...]:
        """For a field with a fixed set of values (a select instead of a slider)."""
        if self.choices_from is not None:
            return self.choices_from()
        return choices_of(self.path)

    @property
    def bounds(self) -> Bounds:
        """The schema's limits of this field."""
        return bounds_of(self.path)

    @property
    def lo(self) -> float:
        """The slider's first stop."""
        return slider_values(self)[0]

    @property
    def hi(self) -> float:
        """The slider's last stop."""
        return slider_values(self)[-1]

    def fmt(self, value: float) -> str:
        """The value as the number box shows it (no float noise)."""
        return f"{int(round(value))}" if self.integer else f"{value:g}"


def _range(lo: float, hi: float, step: float) -> tuple[float, ...]:
    n = int(round((hi - lo) / step))
    return tuple(round(lo + i * step, 10) for i in range(n + 1))


def destinations() -> tuple[str, ...]:
    """Every destination in data/destinations.yaml, in the file's order."""
    return tuple(load_destinations().destinations)


#: The key parameters, in the order the app shows them.
PARAMS: tuple[Param, ...] = (
    Param(
        "earth.lander_interval_days",
        (1, 2, 3, 5, 7, 10, 14, 20, 30, 45, 60, 90, 120, 180, 365, 730),
        unit_name="days",
    ),
    Param(
        "earth.lander_payload_t",
        (0.5, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500),
        name="Payload per lander",
        unit_name="t",
    ),
    Param("earth.lander_failure_prob", _range(0, 1, 0.05), name="Chance a lander is lost"),
    Param(
        "mass_driver.max_accel_g",
        (1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000),
        name="Launch acceleration",
        unit_name="g",
    ),
    # The tanker count follows from physics unless a scenario states it (issue 22): the knob is
    # the physical input, what one tanker lifts to LEO.
    Param(
        "earth.payload_to_leo_t",
        (25, 50, 75, 100, 125, 150, 200, 300, 500, 1000),
        name="Tanker payload to low Earth orbit",
        unit_name="t",
    ),
    Param(
        "satellite.destination",
        name="Where the satellites go",
        choices_from=destinations,
    ),
    Param("planner.policy", text="Planner policy", name="How the city chooses what to build"),
    Param(
        "planner.produce_after_years",
        (*_range(0, 10, 0.5), 15, 20, 30, 50, 100),
        name="Start making satellites after",
        unit_name="years",
    ),
    Param(
        "planner.produce_share", _range(0, 1, 0.05), name="Share of building spent on satellites"
    ),
    Param(
        "run.years",
        (*_range(1, 30, 1), 40, 50, 100),
        integer=False,
        name="Years to run",
        text="Years to simulate (years)",
        unit_name="years",
    ),
)


def field_info(path: str) -> tuple[Any, str]:
    """(annotation, description) of a scenario field given by its dotted path."""
    field = _field(path)
    return field.annotation, field.description or ""


def _field(path: str) -> Any:
    model: Any = Scenario
    field = None
    for part in path.split("."):
        field = model.model_fields[part]
        model = field.annotation
    assert field is not None
    return field


@cache
def bounds_of(path: str) -> Bounds:
    """The schema's numeric limits of a field, read from its pydantic constraints.

    Reads every constraint object pydantic keeps in the field's metadata (``annotated_types``'
    ``Gt``, ``Ge``, ``Lt``, ``Le`` and ``Interval``, whether they came from ``Field(ge=...)`` or
    from a type such as ``PositiveFloat``), so a bound added to the schema reaches the slider.
    """
    lo = hi = None
    lo_open = hi_open = False
    for item in _field(path).metadata:
        for attr, is_lo, is_open in (
            ("gt", True, True),
            ("ge", True, False),
            ("lt", False, True),
            ("le", False, False),
        ):
            value = getattr(item, attr, None)
            if not isinstance(value, int | float):
                continue
            value = float(value)
            if is_lo and (lo is None or value > lo or (value == lo and is_open)):
                lo, lo_open = value, is_open
            elif not is_lo and (hi is None or value < hi or (value == hi and is_open)):
                hi, hi_open = value, is_open
    return Bounds(lo, lo_open, hi, hi_open)


def choices_of(path: str) -> tuple[str, ...]:
    """The allowed values of a Literal field (e.g. the planner policies); () for a number."""
    annotation, _ = field_info(path)
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    return ()


def scenario_names() -> list[str]:
    """Every preset in models/, by name."""
    return list(preset_paths())


@cache
def preset_values() -> dict[str, dict[str, Any]]:
    """Every preset's value of every parameter, by preset then path."""
    return {name: current_values(name) for name in scenario_names()}


@cache
def slider_values(param: Param) -> tuple[float, ...]:
    """The slider's stops: teaching values, the schema's closed ends and every preset's value.

    Only values the schema admits are kept, so the slider never offers a value the model
    refuses, and every preset's value is a stop, so loading a preset never moves the slider.
    """
    b = param.bounds
    values = set(param.stops)
    values.update(v for v in (b.lo, b.hi) if v is not None)
    for preset in preset_values().values():
        value = preset.get(param.path)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values.add(float(value))
    return tuple(sorted(float(v) for v in values if b.admits(float(v))))


def nearest_stop(param: Param, value: float) -> int:
    """Index of the stop nearest ``value`` (where the slider's knob stands)."""
    stops = slider_values(param)
    return min(range(len(stops)), key=lambda i: (abs(stops[i] - value), i))


def off_slider(param: Param, value: float) -> str:
    """'' when ``value`` is one of the slider's stops; else a note saying where it lies.

    A typed value the schema takes but the slider cannot show (outside its ends, or between two
    of its stops, where the knob stands at the nearest) is kept as typed, and said so.
    """
    stops = slider_values(param)
    if any(math.isclose(value, s, rel_tol=1e-9, abs_tol=1e-12) for s in stops):
        return ""
    u = f" {param.shown_unit}" if param.shown_unit else ""
    v = f"{param.fmt(value)}{u}"
    if value < stops[0] or value > stops[-1]:
        return (
            f"{v} is outside the slider ({param.fmt(stops[0])} to {param.fmt(stops[-1])}{u}); "
            "kept as typed"
        )
    hi = next(i for i, s in enumerate(stops) if s > value)
    return (
        f"{v} is between the slider's marks ({param.fmt(stops[hi - 1])} and "
        f"{param.fmt(stops[hi])}{u}); kept as typed"
    )


def parse(param: Param, text: str) -> tuple[float | None, str]:
    """A number typed in a parameter's box: (value, '') or (None, what is wrong, in words)."""
    u = f" {param.shown_unit}" if param.shown_unit else ""
    want = param.bounds.words(param.shown_unit)
    try:
        value = float(str(text).strip().replace(",", ""))
    except ValueError:
        return None, f"Type a number ({want})."
    if not param.bounds.admits(value):
        return (
            None,
            f"{param.fmt(value) if math.isfinite(value) else text}{u} is not allowed: {want}.",
        )
    if param.integer and value != round(value):
        return None, f"{value:g}{u} is not allowed: a whole number, {want}."
    return value, ""


def parse_seed(text: str) -> tuple[int | None, str]:
    """The seed box: a whole number 0 or more, else (None, why, in words).

    Checked by the schema's own :func:`lunarcity.world.scenario.check_seed` (its range), and said in
    words a class can read.
    """
    try:
        return check_seed(str(text)), ""
    except InputError as exc:
        return None, f"{exc.message}: the seed must be a whole number, 0 or more (for example 1)."


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


def plain(exc: InputError, param: Param | None = None) -> str:
    """A refusal in words: the schema's limits for a known field, else the model's own message."""
    if param is not None and not param.choices:
        return f"Not allowed: {param.label.lower()} must be {param.bounds.words(param.shown_unit)}."
    text = exc.message
    return f"Not allowed: {text}" + (f" ({exc.valid})" if exc.valid else "")


def check(scenario: str, values: dict[str, Any]) -> dict[str, str]:
    """Errors by path, in plain words, for the values the schema refuses (empty when all fine).

    Each value is checked on its own first, so the message sits beside the right control;
    then all together (a combination may be refused even when each value is fine).
    """
    by_path = {p.path: p for p in PARAMS}
    errors: dict[str, str] = {}
    for path, value in values.items():
        try:
            resolve_scenario(scenario, {path: value})
        except InputError as exc:
            errors[path] = plain(exc, by_path.get(path))
    if not errors and values:
        try:
            resolve_scenario(scenario, dict(values))
        except InputError as exc:
            errors[exc.field or "scenario"] = plain(exc)
    return errors


def choice_label(param: Param, value: str) -> str:
    """A choice as the select shows it (planner policies and destinations in words)."""
    if param.path == "planner.policy":
        return words.POLICIES.get(value, value)
    if param.path == "satellite.destination":
        return words.destination(value)
    return value


#: The controls that only matter when Earth sends landers after the seed.
LANDER_PATHS = (
    "earth.lander_interval_days",
    "earth.lander_payload_t",
    "earth.lander_failure_prob",
    "earth.payload_to_leo_t",
)


def not_applicable(scenario: str) -> dict[str, str]:
    """Controls that do nothing in a preset, by path, each with the reason in words.

    A preset that lands nothing after the seed (``earth.imports: false``, the auxons) has no
    landers to space, load or lose: their controls are shown disabled, with this word why.
    """
    if resolve_scenario(scenario).earth.imports:
        return {}
    why = "Not used here: this preset gets nothing from Earth after the first landing."
    return dict.fromkeys(LANDER_PATHS, why)


def changed_labels(scenario: str, values: dict[str, Any]) -> list[str]:
    """The labels of the controls whose values differ from the preset's own (edits not run)."""
    base = current_values(scenario)
    return [p.label.lower() for p in PARAMS if values.get(p.path) != base.get(p.path)]


def preset_switch_note(old: str, values: dict[str, Any], new: str) -> str:
    """What the page says when the preset changes: Reset runs it, and any edits it sets aside.

    Args:
        old: The preset the controls were showing.
        values: The controls' values (possibly typed edits of ``old``'s).
        new: The preset chosen.
    """
    note = "Press Reset to run this preset."
    lost = changed_labels(old, values)
    if lost and new != old:
        note += (
            f" Your changes ({', '.join(lost)}) were set aside: each preset brings its own "
            "values. Change them again to apply them to this preset."
        )
    return note


def changes_text(overrides: dict[str, Any]) -> str:
    """Changed values in words, 'payload per lander 42 t, ...' ('none' when nothing changed).

    What the page says it applied: the controls' labels, never the scenario's field names.
    """
    by_path = {p.path: p for p in PARAMS}
    parts = []
    for path, value in overrides.items():
        param = by_path.get(path)
        if param is None:
            parts.append(f"{path.rsplit('.', 1)[-1].replace('_', ' ')} {value}")
        elif param.choices:
            parts.append(f"{param.label.lower()}: {choice_label(param, str(value))}")
        else:
            unit = f" {param.shown_unit}" if param.shown_unit else ""
            parts.append(f"{param.label.lower()} {param.fmt(float(value))}{unit}")
    return ", ".join(parts) or "none"

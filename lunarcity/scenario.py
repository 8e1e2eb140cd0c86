"""Scenarios: one validated set of parameters for one run.

A scenario file (models/*.yaml) holds what differs from the data defaults. Overrides are dotted
paths (``earth.lander_interval_days=7``) given with ``--set`` on the command line, in sweep specs,
or as flat Python keywords with ``__`` for the dots (``earth__lander_interval_days=7``);
:func:`resolve_scenario` is the one place all of them are applied. Precedence: command line >
overrides > file > data defaults.
"""

from __future__ import annotations

import copy
import typing
from pathlib import Path
from typing import Any, Literal

import pydantic
import yaml
from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveFloat

from lunarcity.catalog import Catalog, default_catalog
from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.resources import models_dir
from lunarcity.validation import Strict, annotation_at, fields_at, to_input_error
from lunarcity.yamlio import LineMap, line_of, load_yaml, parse_yaml


class Section(Strict):
    """A scenario section; ``source`` and ``assumption`` say where its numbers come from."""

    source: str | None = Field(
        None, description="Where the numbers come from (a FACTS.md key or citation)"
    )
    assumption: str | None = Field(None, description="Numbers that are our assumption, and why")


#: Metrics a target part can name, with what each means (reported daily by the model).
TARGET_METRICS: dict[str, str] = {
    "industrial_mass_t": "mass of units in service on the surface (t)",
    "power_mw": "installed generating capacity (MW)",
    "closure": "flow closure: local share of hardware mass completed or landed in the last 365 days",
    "stock_closure": "local share of the installed base's mass",
    "launches_per_year": "mass-driver launches in the last 365 days",
    "satellites_launched": "AI satellites launched since day 0",
    "compute_in_orbit_kw": "compute of launched AI satellites (kW)",
    "units_total": "units in service",
    "rail_length_m": "length of the mass driver's straight, complete track (m)",
    "mass_driver_operating": "1 when the track is long enough for the launch speed, else 0",
    "doubling_time_years": "doubling time of industrial mass over the last 365 days (years)",
}


class SiteConfig(Section):
    """Where the city grows."""

    name: str = Field(
        "polar_ridge", description="A site in data/sites.yaml: polar_ridge or equator"
    )
    regolith: str | None = Field(
        None, description="Regolith kind from data/sites.yaml (default: the site's own)"
    )


class SeedConfig(Section):
    """What the first landing puts on the surface on day 0."""

    units: dict[str, NonNegativeInt] = Field(default_factory=dict, description="Unit kind -> count")
    stocks_kg: dict[str, NonNegativeFloat] = Field(default_factory=dict, description="Item -> kg")


class EarthConfig(Section):
    """Supply from Earth: landers on a schedule, some of which fail."""

    imports: bool = Field(True, description="Whether Earth sends anything after the seed")
    lander_payload_t: PositiveFloat = Field(100.0, description="Payload landed per lander (t)")
    lander_interval_days: PositiveFloat = Field(10.0, description="Days between landers")
    first_lander_day: NonNegativeInt = Field(
        10, description="Day of the first lander after the seed"
    )
    lander_failure_prob: float = Field(0.05, ge=0, le=1, description="Chance a lander is lost")
    until_years: NonNegativeFloat | None = Field(
        None, description="Landers stop after this many years"
    )
    carries: dict[str, float] = Field(
        default_factory=dict,
        description="Fixed share of each payload by item or unit kind; the rest fills what the city lacks",
    )
    vitamins_only: bool = Field(
        False,
        description="Landers bring only what only Earth makes (chips, salt, anodes, Earth-only "
        "units), never parts the city could make itself",
    )
    force_imports: list[str] = Field(
        default_factory=list, description="Items imported even when a local fab could make them"
    )

    @pydantic.field_validator("carries")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if any(v < 0 or v > 1 for v in value.values()):
            raise ValueError("each share must be between 0 and 1")
        if sum(value.values()) > 1 + 1e-9:
            raise ValueError(f"shares sum to {sum(value.values()):g}, more than 1")
        return value


class UnitOverride(Section):
    """Operating figures of a unit kind that a scenario may change (masses stay with the data)."""

    power_kw: NonNegativeFloat | None = None
    duty_fraction: float | None = Field(None, gt=0, le=1)
    mining_kg_per_day: NonNegativeFloat | None = None
    haul_tkm_per_day: NonNegativeFloat | None = None
    generation_kw: NonNegativeFloat | None = None
    storage_kwh: NonNegativeFloat | None = None
    round_trip_efficiency: float | None = Field(None, gt=0, le=1)
    compute_kw: NonNegativeFloat | None = None
    lifetime_years: PositiveFloat | None = None
    failures_per_year: NonNegativeFloat | None = None
    repair_robot_days: NonNegativeFloat | None = None
    recycle_fraction: float | None = Field(None, ge=0, le=1)
    assembly_s_per_kg: PositiveFloat | None = None
    throughput_factor: PositiveFloat | None = Field(
        None, description="Fab kinds: multiplies the recipe rate (1 = the data's fab throughput)"
    )
    enabled: bool | None = None


class MassDriverConfig(Section):
    """The electromagnetic launcher: track length follows L = v^2 / 2a."""

    launch_speed_km_s: PositiveFloat = Field(2.376, description="Speed at the muzzle (km/s)")
    max_accel_g: PositiveFloat = Field(100.0, description="Acceleration the payload tolerates (g)")
    efficiency: float = Field(0.9, gt=0, le=1, description="Electrical to kinetic energy")
    kick_stage_kg: NonNegativeFloat = Field(
        0.0, description="Kick stage launched with each satellite (kg)"
    )
    max_launches_per_day: PositiveFloat = Field(
        500.0, description="Shots per day the launcher's cycle allows"
    )


class EconomyConfig(Section):
    """What can be made locally, and idealisations for tests and teaching."""

    enable_fabs: list[str] | None = Field(
        None, description="Fab kinds allowed (default: those the data enables)"
    )
    unlimited_power: bool = Field(False, description="Power never binds (idealisation)")
    unlimited_materials: bool = Field(
        False, description="Parts never bind: fabs and mining are not limited (idealisation)"
    )
    failures: bool = Field(True, description="Random failures and ageing")


class PlannerConfig(Section):
    """How the city decides what to build."""

    policy: Literal["fixed_mix", "bottleneck_first", "grow_then_produce"] = Field(
        "grow_then_produce",
        description="How the city chooses what to build: fixed_mix, bottleneck_first or "
        "grow_then_produce",
    )
    mix: dict[str, NonNegativeFloat] = Field(
        default_factory=dict,
        description="Unit kind -> share of build mass (fixed_mix, and the base mix)",
    )
    replicate: bool = Field(True, description="Whether robots build robots and fabs build fabs")
    crew: Literal["pooled", "own_copy"] = Field(
        "pooled",
        description="pooled: all labour is one pool and a finished unit joins it at once; "
        "own_copy: each builder builds its own copy, which works only once complete",
    )
    produce_after_years: NonNegativeFloat = Field(
        3.0, description="grow_then_produce: when satellites and the mass driver take priority"
    )
    produce_share: float = Field(
        0.5, ge=0, le=1, description="Share of build mass for output once producing"
    )
    stock_days: PositiveFloat = Field(
        30.0, description="Days of parts the fabs keep ahead of the builders"
    )


class TargetPart(Section):
    """One part of the target: a metric at least (or at most) a value."""

    metric: str
    at_least: float | None = None
    at_most: float | None = None
    why: str = ""

    @pydantic.model_validator(mode="after")
    def _one_bound(self) -> TargetPart:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least or at_most")
        if self.metric not in TARGET_METRICS:
            raise ValueError(
                f"unknown metric '{self.metric}'{did_you_mean(self.metric, TARGET_METRICS)}; "
                f"valid: {one_of(TARGET_METRICS)}"
            )
        return self


class TargetConfig(Section):
    """What 'a self-growing city' means for this scenario, and by when."""

    horizon_years: PositiveFloat = 10.0
    parts: dict[str, TargetPart] = Field(default_factory=dict)


class RunConfig(Section):
    """How long to run and with which seed."""

    years: PositiveFloat = Field(10.0, le=200, description="Years to simulate")
    seed: NonNegativeInt = Field(1, description="Random seed (one seed, one result)")


class Scenario(Strict):
    """One run's parameters. Every section has defaults; a file gives what differs."""

    name: str = "custom"
    description: str = ""
    source: str | None = None
    assumption: str | None = None
    site: SiteConfig = Field(default_factory=SiteConfig)
    seed: SeedConfig = Field(default_factory=SeedConfig)
    earth: EarthConfig = Field(default_factory=EarthConfig)
    units: dict[str, UnitOverride] = Field(default_factory=dict)
    mass_driver: MassDriverConfig = Field(default_factory=MassDriverConfig)
    economy: EconomyConfig = Field(default_factory=EconomyConfig)
    planner: PlannerConfig = Field(default_factory=PlannerConfig)
    target: TargetConfig = Field(default_factory=TargetConfig)
    run: RunConfig = Field(default_factory=RunConfig)

    @property
    def days(self) -> int:
        """Days to simulate: the run's years, and at least five years past the last lander
        when Earth stops (``earth.until_years``), so that growth without Earth can be seen."""
        years = self.run.years
        if self.earth.until_years is not None:
            years = max(years, self.earth.until_years + 5.0)
        return int(round(years * 365.25))


# -- presets ---------------------------------------------------------------------------------
def preset_paths() -> dict[str, Path]:
    """Preset name -> file, for every models/*.yaml."""
    return {p.stem: p for p in sorted(models_dir().glob("*.yaml"))}


def find_scenario_file(ref: str | Path) -> Path:
    """A preset name or a path to a scenario file.

    Raises:
        InputError: neither a preset nor an existing file.
    """
    presets = preset_paths()
    if str(ref) in presets:
        return presets[str(ref)]
    path = Path(ref)
    if path.is_file():
        return path
    raise InputError(
        f"no preset or file '{ref}'{did_you_mean(str(ref), presets)}",
        field="scenario",
        valid=one_of(presets) + ", or a path to a .yaml file",
    )


# -- overrides ----------------------------------------------------------------------------------
def kwargs_to_paths(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Python keywords with ``__`` for dots (``earth__lander_interval_days``) as dotted paths."""
    return {key.replace("__", "."): value for key, value in kwargs.items()}


def parse_set(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``path=value`` strings from ``--set`` as a dict; values are read as YAML scalars.

    Raises:
        InputError: an item has no '='.
    """
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise InputError(
                f"'{item}' is not path=value",
                field="--set",
                valid="e.g. earth.lander_interval_days=7",
            )
        path, _, text = item.partition("=")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        out[path.strip()] = value
    return out


def check_path(path: str) -> None:
    """Raise :class:`InputError` unless ``path`` names a field of the scenario schema."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise InputError(
            f"'{path}' is not a dotted parameter path",
            field="override",
            valid="e.g. earth.lander_interval_days",
        )
    for depth in range(1, len(parts) + 1):
        loc = tuple(parts[:depth])
        names = fields_at(Scenario, loc)
        if names and loc[-1] not in names:
            raise InputError(
                f"unknown parameter '{path}'{did_you_mean(loc[-1], names)}",
                field=".".join(loc[:-1]) or None,
                valid=one_of(names),
            )
        if not names and depth < len(parts) and _is_leaf(loc):
            raise InputError(
                f"unknown parameter '{path}': '{'.'.join(loc)}' has no fields", field=".".join(loc)
            )


def _is_leaf(loc: tuple[str, ...]) -> bool:
    """Whether ``loc`` is a scalar field (no named sub-fields, not a free mapping)."""
    current = annotation_at(Scenario, loc)
    if current is None:
        return True
    is_model = isinstance(current, type) and issubclass(current, pydantic.BaseModel)
    return not (is_model or typing.get_origin(current) is dict)


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Set dotted paths in a scenario's raw data (a copy); every path is checked first."""
    out = copy.deepcopy(data)
    for path, value in overrides.items():
        check_path(path)
        node = out
        parts = path.split(".")
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = {}
                node[part] = nxt
            node = nxt
        node[parts[-1]] = value
    return out


# -- resolution --------------------------------------------------------------------------------
def _sections(data: Any, file: str | None) -> dict[str, Any]:
    """A scenario's top level: a mapping of sections (an empty file is an empty one)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            "a scenario must be a mapping of sections",
            file=file,
            valid=f"sections {one_of(Scenario.model_fields)}",
        )
    return data


def validate_scenario_data(
    data: Any,
    *,
    file: str | None = None,
    lines: LineMap | None = None,
    catalog: Catalog | None = None,
) -> Scenario:
    """Validate raw scenario data against the schema and the catalog.

    Raises:
        InputError: naming the file, line and field.
    """
    data = _sections(data, file)
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        raise to_input_error(exc, Scenario, file=file, lines=lines) from None
    check_against_catalog(scenario, catalog or default_catalog(), file=file, lines=lines or {})
    return scenario


def check_against_catalog(
    scenario: Scenario, catalog: Catalog, *, file: str | None = None, lines: LineMap | None = None
) -> None:
    """Check the names a scenario uses exist in the data."""
    lines = lines or {}

    def fail(loc: tuple[str, ...], message: str, valid: str) -> InputError:
        return InputError(
            message, file=file, line=line_of(lines, loc), field=".".join(loc), valid=valid
        )

    units = catalog.units
    nodes = list(catalog.items) + list(units)
    if scenario.site.regolith is not None and scenario.site.regolith not in catalog.regolith:
        raise fail(
            ("site", "regolith"),
            f"unknown regolith '{scenario.site.regolith}'"
            f"{did_you_mean(scenario.site.regolith, catalog.regolith)}",
            one_of(catalog.regolith),
        )
    if scenario.site.name not in catalog.sites:
        raise fail(
            ("site", "name"),
            f"unknown site '{scenario.site.name}'{did_you_mean(scenario.site.name, catalog.sites)}",
            one_of(catalog.sites),
        )
    checks: list[tuple[tuple[str, ...], list[str], dict[str, Any] | list[str]]] = [
        (("seed", "units"), list(units), scenario.seed.units),
        (("seed", "stocks_kg"), list(catalog.items), scenario.seed.stocks_kg),
        (("earth", "carries"), nodes, scenario.earth.carries),
        (("earth", "force_imports"), nodes, scenario.earth.force_imports),
        (("units",), list(units), scenario.units),
        (("planner", "mix"), list(units), scenario.planner.mix),
        (("economy", "enable_fabs"), catalog.fab_kinds, scenario.economy.enable_fabs or []),
    ]
    for loc, valid, names in checks:
        for name in names:
            if name not in valid:
                kind = "unit kind" if valid is not catalog.items else "item"
                raise fail(
                    (*loc, name),
                    f"unknown {kind} '{name}'{did_you_mean(name, valid)}",
                    one_of(valid),
                )
    for name in scenario.earth.carries:
        if name in catalog.items and not catalog.items[name].importable:
            raise fail(
                ("earth", "carries", name),
                f"'{name}' cannot be imported",
                "importable items and unit kinds",
            )
    for name, count in scenario.seed.units.items():
        if units[name].role == "satellite" and count:
            raise fail(
                ("seed", "units", name),
                "satellites are not landed as seed hardware",
                "robot, fab, power, storage or rail units",
            )


def resolve_scenario(
    scenario: str | Path | Scenario | dict[str, Any] | None = None,
    overrides: dict[str, Any] | None = None,
    sets: list[str] | tuple[str, ...] = (),
    *,
    catalog: Catalog | None = None,
) -> Scenario:
    """The one resolver of a run's parameters.

    Args:
        scenario: A preset name, a path to a YAML file, a Scenario, raw data, or None for the
            default preset ``ten_year_city``.
        overrides: Dotted paths -> values (keywords with ``__`` are converted first).
        sets: ``path=value`` strings from the command line; they win over ``overrides``.
        catalog: The data to check names against (the package's own by default).

    Returns:
        The validated scenario.

    Raises:
        InputError: naming the file, line and field at fault.
    """
    file: str | None = None
    lines: LineMap = {}
    if scenario is None:
        scenario = "ten_year_city"
    if isinstance(scenario, Scenario):
        data: Any = scenario.model_dump(exclude_unset=True)
    elif isinstance(scenario, dict):
        data = scenario
    else:
        path = find_scenario_file(scenario)
        file = str(path)
        data, lines = load_yaml(path)
    merged = kwargs_to_paths(dict(overrides or {}))
    merged.update(parse_set(list(sets)))
    if merged:
        data = _sections(data, file)
        # A bad override path is the override's fault, not the file's: no file is named.
        data = apply_overrides(data, merged)
    return validate_scenario_data(data, file=file, lines=lines, catalog=catalog)


def load_scenario_text(
    text: str, source: str = "<text>", catalog: Catalog | None = None
) -> Scenario:
    """Parse and validate a scenario from YAML text (used by tests and the app's editor)."""
    data, lines = parse_yaml(text, source)
    return validate_scenario_data(data, file=source, lines=lines, catalog=catalog)


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "LunarCity scenario"
    return schema

"""Scenarios: one validated set of parameters for one run.

A scenario file (models/*.yaml) holds what differs from the data defaults. Overrides are dotted
paths (``earth.lander_interval_days=7``) given with ``--set`` on the command line, in sweep specs,
or as flat Python keywords with ``__`` for the dots (``earth__lander_interval_days=7``);
:func:`resolve_scenario` is the one place all of them are applied. Precedence: command line >
overrides > file > data defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
from pydantic import Field

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.space.trajectory import load_destinations
from lunarcity.world.catalog import Catalog, default_catalog
from lunarcity.world.routes import scenario_catalog
from lunarcity.world.scenario_overrides import (
    apply_overrides,
    find_scenario_file,
    kwargs_to_paths,
    parse_set,
)
from lunarcity.world.scenario_sections import (
    DESCRIPTIVE_KEYS,
    MAX_DAYS,
    MAX_MIX_SHARE,
    MAX_SEED,
    MAX_SEED_STOCK_KG,
    MAX_SEED_UNITS,
    MAX_YEARS,
    TARGET_METRICS,
    Cadence,
    EarthConfig,
    EconomyConfig,
    GenerationsConfig,
    LearningConfig,
    ManifestPolicy,
    MassDriverConfig,
    MixShare,
    PlannerConfig,
    RunConfig,
    SatelliteConfig,
    Section,
    SeedConfig,
    SeedCount,
    SeedStock,
    Share,
    SiteConfig,
    TargetConfig,
    TargetPart,
    UnitOverride,
)
from lunarcity.world.schema_errors import Strict, to_input_error
from lunarcity.world.yamlio import LineMap, line_of, load_yaml, parse_yaml

#: The sections' names, importable from here as before they had a module of their own.
__all__ = [
    "Cadence",
    "DESCRIPTIVE_KEYS",
    "EarthConfig",
    "EconomyConfig",
    "GenerationsConfig",
    "LearningConfig",
    "MAX_DAYS",
    "MAX_MIX_SHARE",
    "MAX_SEED",
    "MAX_SEED_STOCK_KG",
    "MAX_SEED_UNITS",
    "MAX_YEARS",
    "ManifestPolicy",
    "MassDriverConfig",
    "MixShare",
    "PlannerConfig",
    "RunConfig",
    "SatelliteConfig",
    "Scenario",
    "Section",
    "SeedConfig",
    "SeedCount",
    "SeedStock",
    "Share",
    "SiteConfig",
    "TARGET_METRICS",
    "TargetConfig",
    "TargetPart",
    "UnitOverride",
    "check_against_catalog",
    "check_seed",
    "json_schema",
    "load_scenario_text",
    "resolve_scenario",
    "seed_problem",
    "validate_scenario_data",
]


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
    satellite: SatelliteConfig = Field(default_factory=SatelliteConfig)
    economy: EconomyConfig = Field(default_factory=EconomyConfig)
    planner: PlannerConfig = Field(default_factory=PlannerConfig)
    learning: LearningConfig = Field(default_factory=LearningConfig)
    generations: GenerationsConfig = Field(default_factory=GenerationsConfig)
    target: TargetConfig = Field(default_factory=TargetConfig)
    run: RunConfig = Field(default_factory=RunConfig)

    @property
    def days(self) -> int:
        """Days to simulate.

        The run's years, and at least five years past the last lander when Earth stops
        (``earth.until_years``), so that growth without Earth can be seen.
        """
        years = self.run.years
        if self.earth.until_years is not None:
            years = max(years, min(self.earth.until_years + 5.0, MAX_YEARS))
        return int(round(years * DAYS_PER_YEAR))


def check_seed(value: Any, field: str = "seed") -> int:
    """A seed as an int, checked against the schema's range (for seed boxes and flags).

    Raises:
        InputError: naming the value and the valid range (numpy refuses a negative seed with a
            ValueError; this says so first, in words).
    """
    valid = f"a whole number from 0 to {MAX_SEED}"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"seed {value!r} is not a whole number", field=field, valid=valid)
    try:
        seed = int(value)
    except (ValueError, OverflowError):
        raise InputError(
            f"seed {value!r} is not a whole number", field=field, valid=valid
        ) from None
    if seed != value and str(seed) != str(value).strip():
        raise InputError(f"seed {value!r} is not a whole number", field=field, valid=valid)
    if not 0 <= seed <= MAX_SEED:
        raise InputError(f"seed {seed} is out of range", field=field, valid=valid)
    return seed


def seed_problem(value: Any) -> str | None:
    """What is wrong with a seed, in one line for a message beside its box; None if nothing."""
    try:
        check_seed(value)
    except InputError as exc:
        return exc.message + (f" (valid: {exc.valid})" if exc.valid else "")
    return None


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
    trips = load_destinations(catalog.folder)
    for field, table in (
        ("destination", trips.destinations),
        ("kick_propellant", trips.propellants),
    ):
        name = getattr(scenario.satellite, field)
        if name not in table:
            raise fail(
                ("satellite", field),
                f"unknown {field.replace('_', ' ')} '{name}'{did_you_mean(name, table)}",
                one_of(table),
            )
    try:  # the route and make-up figures exist in the data, the figures inside their ranges
        scenario_catalog(scenario, catalog)
    except InputError as exc:
        raise fail(tuple(exc.field.split(".")), exc.message, exc.valid or "") from None
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
        if data is None or (isinstance(data, dict) and not set(data) - DESCRIPTIVE_KEYS):
            # Defaults alone are a city of no units that runs and says nothing: refuse it.
            raise InputError(
                "the scenario file is empty: a scenario needs a seed"
                if not data
                else f"the scenario file holds only {', '.join(data)}: a scenario needs a seed",
                file=file,
                valid="sections such as seed: {units: {robot: 12, regolith_plant: 2, ...}}",
            )
    merged = kwargs_to_paths(dict(overrides or {}))
    merged.update(parse_set(list(sets)))
    if merged:
        data = _sections(data, file)
        # A bad override path is the override's fault, not the file's: no file is named.
        data = apply_overrides(data, merged)
    try:
        sc = validate_scenario_data(data, file=file, lines=lines, catalog=catalog)
    except InputError as exc:
        if exc.field is not None and any(
            p == exc.field or p.startswith(exc.field + ".") for p in merged
        ):
            # The value came from an override (--set, --seed, a keyword), not from the file's
            # line that the same key may also have.
            raise InputError(exc.message, field=exc.field, valid=exc.valid) from None
        raise
    if sc.days < 1:
        # A run of no day would end at once and report "held back by none".
        raise InputError(
            f"{sc.run.years:g} years (--years or run.years) is less than a day: nothing to "
            "simulate",
            field="run.years",
            valid=f"at least one day, {1 / DAYS_PER_YEAR:.5f} years",
        )
    return sc


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

"""Which scenario fields are levers and which are uncertainties (issue 22).

Exploratory modelling (EMA Workbench's XLRM frame) keeps *levers*, what a decision-maker
chooses (the planner's policy, the manifest, the cadence, when production starts), apart from
*uncertainties*, what nature and technology decide (rates, failures, site figures, vehicle
performance). A study then asks which policy works across the uncertainties, not only which
random assumption mattered. Two more roles keep the table total: *settings* frame the question
rather than answer it (the target, the run's length and seed, what-if switches such as unlimited
power), and *notes* carry no number (names, sources, reasons).

The table is kept here, one entry per field of each scenario section, rather than spread over
the schema's Field calls: ``tests/test_roles.py`` walks the schema and fails on any field the
table leaves out, so a new field must say which it is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, get_args

import pydantic


class Role(StrEnum):
    """What a scenario field is to a study."""

    LEVER = "lever"
    UNCERTAINTY = "uncertainty"
    SETTING = "setting"
    NOTE = "note"


L, U, S, N = Role.LEVER, Role.UNCERTAINTY, Role.SETTING, Role.NOTE

#: Every section's own ``source`` and ``assumption`` say where its numbers come from.
_NOTES = {"source": N, "assumption": N}

#: Section class name -> field -> role. Fields holding a section (or a mapping of sections)
#: are not listed: the walk goes into them.
ROLES: dict[str, dict[str, Role]] = {
    "Scenario": {"name": N, "description": N, **_NOTES},
    "SiteConfig": {**_NOTES, "name": L, "regolith": U},
    "SeedConfig": {**_NOTES, "units": L, "stocks_kg": L},
    "EarthConfig": {
        **_NOTES,
        "imports": L,
        "lander_payload_t": U,
        "lander_interval_days": L,
        "first_lander_day": L,
        "lander_failure_prob": U,
        # When Earth stops sending is decided for the city, not by it.
        "until_years": U,
        "manifest": L,
        "cadence": L,
        "fill_threshold": L,
        "carries": L,
        "stockpile_years": L,
        "vitamins_only": L,
        "force_imports": L,
        "tankers_per_landing": U,
        "lander_dry_t": U,
        "lander_isp_s": U,
        "lander_trip_km_s": U,
        "payload_to_leo_t": U,
        # An experiment's footing (the growth bound's), not a choice Earth could make.
        "free_vitamins": S,
    },
    "UnitOverride": {
        **_NOTES,
        "power_kw": U,
        "duty_fraction": U,
        "mining_kg_per_day": U,
        "haul_tkm_per_day": U,
        "generation_kw": U,
        "storage_kwh": U,
        "round_trip_efficiency": U,
        "compute_kw": U,
        "lifetime_years": U,
        "failures_per_year": U,
        "repair_robot_days": U,
        "recycle_fraction": U,
        "assembly_s_per_kg": U,
        "throughput_factor": U,
        # Whether the city uses a kind at all is its choice.
        "enabled": L,
    },
    "MassDriverConfig": {
        **_NOTES,
        "launch_speed_km_s": U,
        "max_accel_g": L,
        "efficiency": U,
        "kick_stage_kg": U,
        "max_launches_per_day": L,
    },
    "SatelliteConfig": {
        **_NOTES,
        "destination": L,
        "kick_propellant": L,
        "compute_kw": L,
    },
    "FigureOverrides": {
        "board_kg_per_kw": U,
        "array_w_per_kg": U,
        "radiator_kg_per_m2": U,
        "radiator_temperature_k": U,
        "structure_exponent": U,
        "shielding_kg_per_kw": U,
    },
    "EconomyConfig": {
        **_NOTES,
        "enable_fabs": L,
        "unlimited_power": S,
        "unlimited_materials": S,
        "failures": S,
        # How the city makes its parts is its choice; what the salt cell loses is nature's.
        "route": L,
        "make_up": U,
    },
    "PlannerConfig": {
        **_NOTES,
        "policy": L,
        "mix": L,
        "replicate": L,
        "crew": L,
        "produce_after_years": L,
        "produce_share": L,
        "launch_power_share": L,
        "stock_days": L,
        "renew_margin_years": L,
    },
    "LearningConfig": {**_NOTES, "progress_ratio": U},
    "GenerationsConfig": {**_NOTES, "enabled": L},
    # What "complete" asks, like the horizon: part of the question, not a choice or a fact.
    "TargetConfig": {**_NOTES, "horizon_years": S, "sustain_days": S},
    "TargetPart": {**_NOTES, "metric": S, "at_least": S, "at_most": S, "why": N},
    "RunConfig": {**_NOTES, "years": S, "seed": S, "max_units": S},
}


def _sections(annotation: Any) -> list[type[pydantic.BaseModel]]:
    """The section classes an annotation holds (itself, or inside a list, mapping or union)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _sections(arg)]


def fields(root: type[pydantic.BaseModel]) -> dict[str, tuple[str, str]]:
    """Every leaf field under ``root``: dotted path (``*`` for a mapping key) -> (class, field).

    A field holding a section is walked into, not listed; each class is walked once per path.
    """
    out: dict[str, tuple[str, str]] = {}

    def walk(model: type[pydantic.BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            subs = _sections(info.annotation)
            if not subs:
                out[prefix + name] = (model.__name__, name)
                continue
            keyed = "dict" in str(info.annotation)
            for sub in subs:
                walk(sub, f"{prefix}{name}.{'*.' if keyed else ''}")

    walk(root, "")
    return out


def role_of(path: str) -> Role:
    """The role of a scenario field by dotted path (``earth.manifest``, ``units.robot.power_kw``).

    Raises:
        KeyError: No scenario field has that path.
    """
    from lunarcity.world.scenario import Scenario  # the schema imports nothing from here

    parts = path.split(".")
    table = fields(Scenario)
    # A key inside a mapping of numbers (earth.carries.chips, seed.units.robot) is its field's.
    for n in (len(parts), len(parts) - 1):
        for pattern, (cls, name) in table.items():
            want = pattern.split(".")
            if len(want) == n and all(w in ("*", p) for w, p in zip(want, parts, strict=False)):
                return ROLES[cls][name]
    raise KeyError(path)


def by_role(role: Role) -> list[str]:
    """The dotted paths of the scenario's fields in ``role`` (``*`` for a mapping's key)."""
    from lunarcity.world.scenario import Scenario

    return [p for p, (cls, name) in fields(Scenario).items() if ROLES[cls][name] == role]

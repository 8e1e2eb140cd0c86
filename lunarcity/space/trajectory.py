"""Destinations, the trip there, and when a fixed track can launch toward them.

data/destinations.yaml gives each destination's launch speed and kick delta-v from the lunar
surface, its delta-v beyond low Earth orbit for the direct route, its radiator sink and its launch
window. Kick and transfer stages follow the rocket equation, dv = g0 Isp ln(m0 / m1), with a dry
fraction; the oxidiser of a LOX stage can be lunar oxygen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pydantic
from pydantic import Field, NonNegativeFloat, PositiveFloat

from lunarcity.constants import M_PER_KM
from lunarcity.errors import InputError, unknown
from lunarcity.resources import data_dir
from lunarcity.world.datafile import load_data_file
from lunarcity.world.schema_errors import Strict
from lunarcity.world.yamlio import line_of

#: Standard gravity (m/s^2): Isp in seconds times g0 is the exhaust speed.
G0 = 9.80665
#: Lunar escape speed at the surface (km/s): sqrt(2 GM / R), GM 4902.8 km^3/s^2, R 1737.4 km.
LUNAR_ESCAPE_KM_S = math.sqrt(2.0 * 4902.8 / 1737.4)

DESTINATIONS_FILE = "destinations.yaml"
#: Launch speed at most (km/s): 20 km/s leaves the solar system from the Moon's distance.
MAX_LAUNCH_KM_S = 20.0
#: A stage's delta-v at most (km/s): three times LEO to solar escape (~8.8 km/s), beyond any
#: chemical stage (the rocket equation's mass ratio would be e^15 at 450 s).
MAX_STAGE_DV_KM_S = 30.0


class _Sourced(Strict):
    source: str | None = None
    assumption: str | None = None


class FromMoon(_Sourced):
    """The lunar route: the mass driver's muzzle speed, then the kick stage."""

    launch_km_s: float = Field(
        gt=0, le=MAX_LAUNCH_KM_S, description="Launch speed at the surface (km/s)"
    )
    kick_km_s: float = Field(
        ge=0, le=MAX_STAGE_DV_KM_S, description="Kick stage delta-v after launch (km/s)"
    )


class FromEarth(_Sourced):
    """The direct route: a rocket to LEO, then a transfer stage."""

    beyond_leo_km_s: float = Field(
        ge=0, le=MAX_STAGE_DV_KM_S, description="Delta-v beyond LEO (km/s)"
    )


class Window(_Sourced):
    """Launches are possible for ``open_days`` of every ``every_days``."""

    every_days: PositiveFloat
    open_days: PositiveFloat


class Eclipse(_Sourced):
    """The longest shadow a satellite at the destination passes through, once per orbit.

    The satellite carries batteries to run its bus through ``eclipse_h`` at ``depth_of_discharge``
    and arrays large enough to run the bus and recharge them in the sunlit rest of ``orbit_h``
    (lunarcity/space/satellite.py).
    """

    orbit_h: PositiveFloat = Field(description="The orbit's period (h)")
    eclipse_h: NonNegativeFloat = Field(description="The longest shadow in one orbit (h)")
    depth_of_discharge: float | None = Field(
        None, gt=0, le=1, description="Share of the battery's energy used in one eclipse"
    )

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> Eclipse:
        if self.eclipse_h >= self.orbit_h:
            raise ValueError(
                f"eclipse_h ({self.eclipse_h:g}) must be shorter than orbit_h ({self.orbit_h:g})"
            )
        if self.eclipse_h > 0 and self.depth_of_discharge is None:
            raise ValueError("an orbit with an eclipse needs depth_of_discharge (0 to 1)")
        return self


class Destination(_Sourced):
    """A place the satellites go."""

    description: str = ""
    from_moon: FromMoon
    from_earth: FromEarth
    sink_k: NonNegativeFloat = Field(description="The radiators' effective heat sink (K)")
    eclipse: Eclipse
    window: Window


class Propellant(_Sourced):
    """A stage's propellant; lunar oxygen can be its oxidiser when ``oxidiser_local``."""

    description: str = ""
    isp_s: PositiveFloat
    oxidiser_fraction: float = Field(ge=0, le=1, description="Oxidiser share of the propellant")
    oxidiser_local: bool
    fuel_local: bool


class Stage(_Sourced):
    """A stage's build: dry fraction and the Earth-made share of its dry mass."""

    dry_fraction: float = Field(gt=0, lt=1, description="dry / (dry + propellant)")
    dry_earth_share: float = Field(ge=0, le=1)
    propellant: str | None = Field(None, description="Its propellant, when the data fix it")


class DestinationsFile(Strict):
    """data/destinations.yaml."""

    destinations: dict[str, Destination]
    propellants: dict[str, Propellant]
    stages: dict[str, Stage]


@cache
def _load(folder: Path | None) -> DestinationsFile:
    data, lines = load_data_file(DESTINATIONS_FILE, DestinationsFile, folder)
    file = str((folder or data_dir()) / DESTINATIONS_FILE)
    for needed in ("lunar_kick", "earth_transfer"):
        if needed not in data.stages:
            raise InputError(
                f"no stage '{needed}'",
                file=file,
                line=line_of(lines, ["stages"]),
                field="stages",
                valid="stages lunar_kick and earth_transfer",
            )
    for name, stage in data.stages.items():
        if stage.propellant is not None and stage.propellant not in data.propellants:
            raise unknown(
                "propellant",
                stage.propellant,
                data.propellants,
                file=file,
                line=line_of(lines, ["stages", name, "propellant"]),
                field=f"stages.{name}.propellant",
            )
    if not data.destinations or not data.propellants:
        raise InputError(
            "needs at least one destination and one propellant",
            file=file,
            field="destinations" if not data.destinations else "propellants",
        )
    return data


def load_destinations(folder: Path | None = None) -> DestinationsFile:
    """data/destinations.yaml, validated (read once per process and folder)."""
    return _load(folder)


def _named(table: dict, name: str, what: str, field: str):  # noqa: ANN001, ANN202
    if name not in table:
        raise unknown(what, name, table, field=field)
    return table[name]


def destination(name: str, folder: Path | None = None) -> Destination:
    """A destination by name.

    Raises:
        InputError: no such destination.
    """
    return _named(load_destinations(folder).destinations, name, "destination", "destination")


def propellant(name: str, folder: Path | None = None) -> Propellant:
    """A propellant by name.

    Raises:
        InputError: no such propellant.
    """
    return _named(load_destinations(folder).propellants, name, "propellant", "kick_propellant")


def v_inf_km_s(launch_km_s: float) -> float:
    """Hyperbolic excess speed after leaving the Moon (0 below escape speed)."""
    return math.sqrt(max(0.0, launch_km_s**2 - LUNAR_ESCAPE_KM_S**2))


@dataclass(frozen=True)
class StageSizing:
    """A stage sized by the rocket equation for one payload.

    Attributes:
        delta_v_km_s: What it gives the payload.
        isp_s: Its propellant's specific impulse.
        payload_kg: What it pushes.
        propellant_kg: Propellant burnt.
        dry_kg: Tanks, structure and engine.
        oxidiser_kg: The oxidiser within the propellant.
        fuel_kg: The fuel within the propellant.
        local_oxidiser_kg: Oxidiser the Moon supplies (lunar oxygen), else 0.
        local_fuel_kg: Fuel the Moon supplies, else 0.
        dry_earth_kg: The Earth-made part of the dry mass.
    """

    delta_v_km_s: float
    isp_s: float
    payload_kg: float
    propellant_kg: float
    dry_kg: float
    oxidiser_kg: float
    fuel_kg: float
    local_oxidiser_kg: float
    local_fuel_kg: float
    dry_earth_kg: float

    @property
    def propellant_earth_kg(self) -> float:
        """Propellant made on Earth (kg)."""
        return self.propellant_kg - self.local_oxidiser_kg - self.local_fuel_kg

    @property
    def earth_kg(self) -> float:
        """The part of the loaded stage made on Earth (kg)."""
        return self.propellant_earth_kg + self.dry_earth_kg

    @property
    def mass_kg(self) -> float:
        """The loaded stage (kg)."""
        return self.propellant_kg + self.dry_kg


def size_stage(
    payload_kg: float, delta_v_km_s: float, prop: Propellant, stage: Stage
) -> StageSizing:
    """The stage that gives ``payload_kg`` a ``delta_v_km_s`` (rocket equation with dry mass).

    With R = exp(dv / (g0 Isp)) and k = dry / propellant = f / (1 - f), the propellant is
    (R - 1) payload / (1 - (R - 1) k).

    Raises:
        InputError: no stage of this dry fraction reaches the delta-v.
    """
    exponent = delta_v_km_s * M_PER_KM / (G0 * prop.isp_s)
    # Past e^709 a float overflows; no stage of any dry fraction gets near it (refused below).
    ratio = math.exp(exponent) if exponent < 709.0 else math.inf
    k = stage.dry_fraction / (1.0 - stage.dry_fraction)
    denom = 1.0 - (ratio - 1.0) * k
    if denom <= 0:
        raise InputError(
            f"a stage of dry fraction {stage.dry_fraction:g} at {prop.isp_s:g} s cannot give "
            f"{delta_v_km_s:g} km/s",
            field="kick_propellant",
            valid="a higher-Isp propellant, a lower dry fraction or a nearer destination",
        )
    prop_kg = (ratio - 1.0) * payload_kg / denom
    dry = k * prop_kg
    ox = prop_kg * prop.oxidiser_fraction
    fuel = prop_kg - ox
    return StageSizing(
        delta_v_km_s=delta_v_km_s,
        isp_s=prop.isp_s,
        payload_kg=payload_kg,
        propellant_kg=prop_kg,
        dry_kg=dry,
        oxidiser_kg=ox,
        fuel_kg=fuel,
        local_oxidiser_kg=ox if prop.oxidiser_local else 0.0,
        local_fuel_kg=fuel if prop.fuel_local else 0.0,
        dry_earth_kg=stage.dry_earth_share * dry,
    )


def in_launch_window(day: int, window: Window) -> bool:
    """Whether day ``day`` falls in the destination's launch window.

    The window opens at day 0 and every ``every_days`` after, for ``open_days``; a window at
    least as long as its period is always open.
    """
    if window.open_days >= window.every_days:
        return True
    return (day % window.every_days) < window.open_days

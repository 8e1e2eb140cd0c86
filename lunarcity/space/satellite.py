"""An AI satellite designed from its components: compute, power, radiators, structure, shielding.

The satellite's W/kg (compute watts per kg of satellite) comes out of this budget; it is never
given. One component model, several figure sets (data/satellites.yaml): ``lunar`` for the
satellite the city builds and the mass driver flings, ``earth`` for the same compute built on
Earth and launched by rocket (the direct route).

The heat budget: every watt the bus draws (compute, conversion losses, housekeeping) ends as heat
that the radiators reject; a two-sided panel at temperature T with emissivity e, facing a sink at
T_sink, rejects 2 e sigma (T^4 - T_sink^4) per m^2 (Stefan-Boltzmann). The solar arrays shed their
own waste heat and are not in it.

The power budget through an eclipse (the destination's longest shadow, data/destinations.yaml):
batteries run the bus through the shadow, ``bus_kw x eclipse_h / depth_of_discharge`` kWh at the
pack's Wh/kg, and the arrays are oversized to run the bus and recharge them in the sunlit rest of
the orbit: ``array_kw x sunlit_h = bus_kw x sunlit_h + bus_kw x eclipse_h / charge_efficiency``
(only the eclipse's energy passes through the battery).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pydantic
from pydantic import Field, NonNegativeFloat, PositiveFloat

from lunarcity.constants import W_PER_KW
from lunarcity.errors import InputError, unknown
from lunarcity.resources import data_dir
from lunarcity.world.datafile import load_data_file
from lunarcity.world.schema_errors import Strict
from lunarcity.world.yamlio import line_of

#: Stefan-Boltzmann constant (W m^-2 K^-4).
SIGMA = 5.670374419e-8

#: The components every figure set names, in the order a bill of materials lists them.
COMPONENTS: tuple[str, ...] = (
    "compute",
    "power_electronics",
    "arrays",
    "batteries",
    "radiators",
    "structure",
    "shielding",
    "bus",
)

SATELLITES_FILE = "satellites.yaml"
#: Radiator temperature at most (K): beyond the 1,700 K of tungsten-lined refractory radiators
#: studied for nuclear-electric craft; T^4 also stays far from overflow (scenario and data alike).
MAX_RADIATOR_K = 2000.0
#: Structure grows as (a / a_ref) ** exponent: buckling-limited members go as the square root
#: (0.5, the data's), strength-limited ones linearly (1); 2 bounds any sizing rule, and keeps
#: (1e5 g / 1 g) ** exponent finite.
MAX_STRUCTURE_EXPONENT = 2.0
#: The figure sets a run reads: the satellite built on the Moon and the one built on Earth.
FIGURE_SETS = ("lunar", "earth")


class Component(Strict):
    """What a component is made of and how much of its mass is made on Earth."""

    item: str = Field(description="The item of data/materials.yaml the component is made of")
    earth_share: float = Field(ge=0, le=1, description="Share of its mass made on Earth")


class Figures(Strict):
    """The figures one satellite design is built from (one set per place it is built)."""

    description: str = ""
    board_w: PositiveFloat = Field(description="Power of one accelerator board (W)")
    board_kg_per_kw: PositiveFloat = Field(description="Board mass per kW of compute (kg/kW)")
    conversion_efficiency: float = Field(gt=0, le=1, description="Bus power to compute power")
    housekeeping_fraction: NonNegativeFloat = Field(
        description=(
            "Power for avionics, pumps and heaters, as a share of what the compute draws from the "
            "bus: bus power = compute / conversion_efficiency x (1 + this)"
        )
    )
    power_electronics_kg_per_kw: NonNegativeFloat = Field(description="kg per kW of bus power")
    array_w_per_kg: PositiveFloat = Field(description="Solar array W per kg (end of life)")
    battery_wh_per_kg: PositiveFloat = Field(description="Battery pack Wh per kg")
    charge_efficiency: float = Field(
        gt=0, le=1, description="Battery round trip: energy out over energy in"
    )
    radiator_temperature_k: float = Field(
        gt=0, le=MAX_RADIATOR_K, description="Radiator surface temperature (K)"
    )
    radiator_emissivity: float = Field(gt=0, le=1, description="Radiator emissivity")
    radiator_kg_per_m2: PositiveFloat = Field(description="Radiator areal mass (kg/m^2)")
    structure_fraction_ref: NonNegativeFloat = Field(
        description="Structure mass over the mass it carries, at the reference acceleration"
    )
    # 1 g to 1e5 g, the range of mass_driver.max_accel_g.
    structure_ref_accel_g: float = Field(ge=1, le=1e5, description="The reference acceleration (g)")
    structure_exponent: float = Field(
        ge=0,
        le=MAX_STRUCTURE_EXPONENT,
        description="How structure grows with acceleration: (a / a_ref) ** exponent",
    )
    shielding_kg_per_kw: NonNegativeFloat = Field(description="Shielding kg per kW of compute")
    bus_kg: NonNegativeFloat = Field(description="Avionics, attitude control, station keeping")
    components: dict[str, Component]
    source: str | None = None
    assumption: str | None = None

    @pydantic.field_validator("components")
    @classmethod
    def _all_components(cls, value: dict[str, Component]) -> dict[str, Component]:
        missing = [c for c in COMPONENTS if c not in value]
        extra = [c for c in value if c not in COMPONENTS]
        if missing or extra:
            raise ValueError(
                f"components must be exactly {', '.join(COMPONENTS)}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unknown {', '.join(extra)}" if extra else "")
            )
        return value

    def parts(self) -> dict[str, Component]:
        """The components in :data:`COMPONENTS` order."""
        return {c: self.components[c] for c in COMPONENTS}


class DesignDefaults(Strict):
    """The satellite's size: its accelerators' power (the rest is sized from it)."""

    compute_kw: PositiveFloat
    source: str | None = None
    assumption: str | None = None


class EarthLaunch(Strict):
    """The acceleration a rocket launch puts on the Earth-built satellite."""

    accel_g: PositiveFloat
    source: str | None = None
    assumption: str | None = None


class SatellitesFile(Strict):
    """data/satellites.yaml."""

    design: DesignDefaults
    figure_sets: dict[str, Figures]
    earth_launch: EarthLaunch


class FigureOverrides(Strict):
    """A scenario's changes to one figure set (each ``None`` keeps the data's figure)."""

    board_kg_per_kw: PositiveFloat | None = Field(
        None, description="Board kg per kW of compute (assumption 4; server level is 11-13)"
    )
    array_w_per_kg: PositiveFloat | None = Field(None, description="Solar array W/kg")
    radiator_kg_per_m2: PositiveFloat | None = Field(
        None, description="Radiator kg/m^2 (MS08: metal 7-10, carbon-carbon goal ~2)"
    )
    radiator_temperature_k: float | None = Field(
        None, gt=0, le=MAX_RADIATOR_K, description="Radiator K"
    )
    structure_exponent: float | None = Field(
        None,
        ge=0,
        le=MAX_STRUCTURE_EXPONENT,
        description="Structure growth with acceleration, (a / a_ref) ** exponent",
    )
    shielding_kg_per_kw: NonNegativeFloat | None = Field(None, description="Shielding kg/kW")

    def apply(self, figures: Figures) -> Figures:
        """``figures`` with the overrides that are set."""
        return figures.model_copy(update=self.model_dump(exclude_none=True))


@cache
def _load(folder: Path | None) -> SatellitesFile:
    data, lines = load_data_file(SATELLITES_FILE, SatellitesFile, folder)
    for needed in FIGURE_SETS:
        if needed not in data.figure_sets:
            raise InputError(
                f"no figure set '{needed}'",
                file=str((folder or data_dir()) / SATELLITES_FILE),
                line=line_of(lines, ["figure_sets"]),
                field="figure_sets",
                valid=f"figure sets {' and '.join(FIGURE_SETS)} (where the satellite is built)",
            )
    return data


def load_satellites(folder: Path | None = None) -> SatellitesFile:
    """data/satellites.yaml, validated (read once per process and folder)."""
    return _load(folder)


def figure_set(name: str, folder: Path | None = None) -> Figures:
    """One figure set by name.

    Raises:
        InputError: no such set.
    """
    sets = load_satellites(folder).figure_sets
    if name not in sets:
        raise unknown("satellite figure set", name, sets, field="figure_sets")
    return sets[name]


def radiator_flux_kw_per_m2(temperature_k: float, sink_k: float, emissivity: float) -> float:
    """Net heat a two-sided radiator rejects per m^2 of panel (kW/m^2).

    Raises:
        InputError: the sink is as warm as the radiator (no heat can be rejected).
    """
    if sink_k >= temperature_k:
        raise InputError(
            f"a radiator at {temperature_k:g} K cannot reject heat to a sink at {sink_k:g} K",
            field="radiator_temperature_k",
            valid=f"a temperature above {sink_k:g} K",
        )
    return 2.0 * emissivity * SIGMA * (temperature_k**4 - sink_k**4) / W_PER_KW


@dataclass(frozen=True)
class SatelliteDesign:
    """One satellite's budget, component by component.

    Attributes:
        figure_set: The figures it was built from (``lunar``, ``earth``).
        compute_kw: Accelerator power (kW): what the satellite delivers.
        bus_kw: Electrical power the bus draws (kW).
        array_kw: Power the arrays supply in sunlight (kW): the bus plus the batteries' recharge.
        battery_kwh: The batteries' capacity (kW h): the bus through the longest eclipse.
        heat_kw: Heat the radiators reject (kW): the whole bus power.
        radiator_flux_kw_per_m2: Net flux per m^2 of two-sided panel at the destination.
        radiator_area_m2: Panel area.
        accel_g: The launch acceleration its structure is built for.
        boards: Accelerator boards aboard.
        masses_kg: Component -> kg (keys of :data:`COMPONENTS`).
        bom_kg: Item -> kg: the bill of materials.
        earth_kg: Kg of it made on Earth.
    """

    figure_set: str
    compute_kw: float
    bus_kw: float
    array_kw: float
    battery_kwh: float
    heat_kw: float
    radiator_flux_kw_per_m2: float
    radiator_area_m2: float
    accel_g: float
    boards: float
    masses_kg: dict[str, float]
    bom_kg: dict[str, float]
    earth_kg: float

    @property
    def mass_kg(self) -> float:
        """The whole satellite (kg)."""
        return math.fsum(self.masses_kg.values())

    @property
    def w_per_kg(self) -> float:
        """Compute watts per kg of satellite."""
        return self.compute_kw * W_PER_KW / self.mass_kg

    @property
    def rejects_kw(self) -> float:
        """Heat the radiators can reject at their design temperature (kW)."""
        return self.radiator_area_m2 * self.radiator_flux_kw_per_m2


def design_satellite(
    figures: Figures,
    *,
    compute_kw: float,
    sink_k: float,
    accel_g: float,
    name: str = "",
    eclipse_h: float = 0.0,
    orbit_h: float = 1.0,
    depth_of_discharge: float = 1.0,
) -> SatelliteDesign:
    """A satellite's components sized for ``compute_kw`` at a destination with sink ``sink_k``.

    Args:
        figures: The figure set (lunar- or Earth-built).
        compute_kw: Accelerator power (kW).
        sink_k: The destination's effective heat-sink temperature (K).
        accel_g: The launch acceleration its structure must survive (g).
        name: The figure set's name, for the record.
        eclipse_h: The destination's longest shadow in one orbit (h); 0 for none.
        orbit_h: The orbit's period (h), longer than ``eclipse_h``.
        depth_of_discharge: Share of the batteries' energy one eclipse uses.

    Raises:
        InputError: the radiator cannot reject heat at this sink, or the eclipse is no shorter
            than the orbit.
    """
    if not 0.0 <= eclipse_h < orbit_h:
        raise InputError(
            f"an eclipse of {eclipse_h:g} h does not fit an orbit of {orbit_h:g} h",
            field="eclipse.eclipse_h",
            valid=f"0 <= eclipse_h < orbit_h ({orbit_h:g})",
        )
    bus_kw = compute_kw / figures.conversion_efficiency * (1.0 + figures.housekeeping_fraction)
    sunlit_h = orbit_h - eclipse_h
    # With no eclipse the arrays carry the bus alone and no battery flies (exactly: the recharge
    # is 0, so the arrays' mass is bit for bit what it was before eclipses were modelled).
    recharge_kw = bus_kw * eclipse_h / figures.charge_efficiency / sunlit_h
    array_kw = bus_kw + recharge_kw
    battery_kwh = bus_kw * eclipse_h / depth_of_discharge
    flux = radiator_flux_kw_per_m2(
        figures.radiator_temperature_k, sink_k, figures.radiator_emissivity
    )
    area = bus_kw / flux
    carried = {
        "compute": compute_kw * figures.board_kg_per_kw,
        "power_electronics": bus_kw * figures.power_electronics_kg_per_kw,
        "arrays": array_kw * W_PER_KW / figures.array_w_per_kg,
        "batteries": battery_kwh * W_PER_KW / figures.battery_wh_per_kg,
        "radiators": area * figures.radiator_kg_per_m2,
        "shielding": compute_kw * figures.shielding_kg_per_kw,
        "bus": figures.bus_kg,
    }
    # Buckling-limited members grow as a power of the load they carry (the exponent).
    scale = (accel_g / figures.structure_ref_accel_g) ** figures.structure_exponent
    structure = figures.structure_fraction_ref * scale * math.fsum(carried.values())
    masses = {c: (structure if c == "structure" else carried[c]) for c in COMPONENTS}
    bom: dict[str, float] = {}
    earth = 0.0
    for c, part in figures.parts().items():
        bom[part.item] = bom.get(part.item, 0.0) + masses[c]
        earth += masses[c] * part.earth_share
    return SatelliteDesign(
        figure_set=name,
        compute_kw=compute_kw,
        bus_kw=bus_kw,
        array_kw=array_kw,
        battery_kwh=battery_kwh,
        heat_kw=bus_kw,
        radiator_flux_kw_per_m2=flux,
        radiator_area_m2=area,
        accel_g=accel_g,
        boards=compute_kw * W_PER_KW / figures.board_w,
        masses_kg=masses,
        bom_kg=bom,
        earth_kg=earth,
    )

"""Pulsed power for the mass driver: the store that charges between shots and delivers each one.

A shot of mass m to speed v at a constant acceleration a lasts v / a; it needs E = m v^2 / 2 at
the muzzle and a power that rises with speed to m a v at the end of the track (twice the mean).
The store is sized by the larger of the energy and the peak power its kind can deliver
(data/pulse_stores.yaml), and a day's shots are limited by the energy that charges it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from lunarcity.constants import FLOAT_NOISE, J_PER_KJ, M_PER_KM, W_PER_KW
from lunarcity.errors import InputError, unknown
from lunarcity.resources import data_dir
from lunarcity.world.datafile import load_data_file
from lunarcity.world.schema_errors import Strict

G0 = 9.80665
PULSE_FILE = "pulse_stores.yaml"
#: The least usable energy (kJ/kg) and power (kW/kg) per kg of cells a store may have.
MIN_KJ_PER_KG = 0.1
MIN_KW_PER_KG = 0.1


class StoreKind(Strict):
    """A kind of pulsed energy store."""

    description: str = ""
    # Floors a store can be built to: 0.1 kJ/kg is a tenth of packaged film capacitors' ~1-2
    # (the least energy-dense store used for pulses), 0.1 kW/kg a sixtieth of the supercapacitor's
    # 5.9. Below them one shot needs a store so heavy the city never builds it, and the mass
    # driver never fires (at 1e-300 kJ/kg, 255 stores and no launch in 7 years).
    specific_energy_kj_per_kg: float = Field(
        ge=MIN_KJ_PER_KG, description="Usable energy per kg of cells"
    )
    specific_power_kw_per_kg: float = Field(
        ge=MIN_KW_PER_KG, description="Usable power per kg of cells"
    )
    cells_fraction: float = Field(gt=0, le=1, description="Cells' share of a bank's mass")
    item: str = Field(description="The cells' item in data/materials.yaml (made on Earth)")
    source: str | None = None
    assumption: str | None = None

    @property
    def kj_per_kg(self) -> float:
        """Usable energy per kg of the whole bank (racks included)."""
        return self.specific_energy_kj_per_kg * self.cells_fraction

    @property
    def kw_per_kg(self) -> float:
        """Usable power per kg of the whole bank (racks included)."""
        return self.specific_power_kw_per_kg * self.cells_fraction


class PulseFile(Strict):
    """data/pulse_stores.yaml."""

    stores: dict[str, StoreKind]


@cache
def _load(folder: Path | None) -> PulseFile:
    data, _ = load_data_file(PULSE_FILE, PulseFile, folder)
    return data


def load_pulse_stores(folder: Path | None = None) -> PulseFile:
    """data/pulse_stores.yaml, validated (read once per process and folder)."""
    return _load(folder)


def kind_for_bom(bom: dict[str, float], folder: Path | None = None) -> tuple[str, StoreKind]:
    """The store kind whose cells a unit's bill of materials holds.

    Raises:
        InputError: the bill holds no store kind's cells.
    """
    stores = _load(folder).stores
    for name, kind in stores.items():
        if kind.item in bom:
            return name, kind
    raise InputError(
        "a pulse unit's bill of materials holds no pulse store's cells",
        file=str((folder or data_dir()) / PULSE_FILE),
        field="stores",
        valid="a store whose item is in the pulse unit's bom: "
        + (", ".join(k.item for k in stores.values()) or "none here"),
    )


def store_kind(name: str, folder: Path | None = None) -> StoreKind:
    """A pulsed store kind by name.

    Raises:
        InputError: no such kind.
    """
    stores = _load(folder).stores
    if name not in stores:
        raise unknown("pulse store", name, stores, field="mass_driver.pulse_store")
    return stores[name]


@dataclass(frozen=True)
class Shot:
    """One mass-driver shot, drawn from the store (electrical figures include the driver's losses).

    Attributes:
        mass_kg: Satellite and kick stage.
        speed_km_s: Muzzle speed.
        accel_g: Constant acceleration along the track.
        efficiency: Electrical to kinetic energy.
    """

    mass_kg: float
    speed_km_s: float
    accel_g: float
    efficiency: float

    @property
    def kinetic_kj(self) -> float:
        """Kinetic energy at the muzzle (kJ)."""
        return 0.5 * self.mass_kg * (self.speed_km_s * M_PER_KM) ** 2 / J_PER_KJ

    @property
    def energy_kj(self) -> float:
        """Electrical energy the store delivers (kJ)."""
        return self.kinetic_kj / self.efficiency

    @property
    def energy_kwh(self) -> float:
        """The same in kWh."""
        return self.energy_kj / 3600.0

    @property
    def duration_s(self) -> float:
        """Time on the track (s)."""
        return self.speed_km_s * M_PER_KM / (self.accel_g * G0)

    @property
    def peak_kw(self) -> float:
        """Electrical power at the muzzle, m a v / efficiency (kW)."""
        return (
            self.mass_kg
            * self.accel_g
            * G0
            * self.speed_km_s
            * M_PER_KM
            / self.efficiency
            / W_PER_KW
        )


@dataclass(frozen=True)
class StoreSizing:
    """The store one shot needs.

    Attributes:
        kind: The store kind's name.
        by_energy_kg: Bank mass that holds the shot's energy.
        by_power_kg: Bank mass that delivers its peak power.
        mass_kg: The larger of the two.
        sized_by: Which one decided.
        earth_kg: The part of it made on Earth (the cells).
    """

    kind: str
    by_energy_kg: float
    by_power_kg: float
    mass_kg: float
    sized_by: Literal["energy", "power"]
    earth_kg: float


def size_store(shot: Shot, kind: StoreKind, name: str = "") -> StoreSizing:
    """The bank of ``kind`` that delivers ``shot``: the larger of its energy and its peak power."""
    by_e = shot.energy_kj / kind.kj_per_kg
    by_p = shot.peak_kw / kind.kw_per_kg
    mass = max(by_e, by_p)
    return StoreSizing(
        kind=name,
        by_energy_kg=by_e,
        by_power_kg=by_p,
        mass_kg=mass,
        sized_by="energy" if by_e >= by_p else "power",
        earth_kg=mass * kind.cells_fraction,
    )


def shots_possible(
    bank_kg: float, kind: StoreKind, shot: Shot, charge_kwh: float, wanted: int
) -> int:
    """Shots today, as far as the pulsed store and the energy that recharges it allow.

    None unless the bank can deliver one shot's energy and peak power; then as many as the
    energy that charged it covers, one full recharge per shot, up to ``wanted``.

    Args:
        bank_kg: Mass of the working pulse stores.
        kind: Their kind.
        shot: The shot.
        charge_kwh: Energy the grid gave the stores today.
        wanted: Shots the satellites waiting (and the launcher's cycle) allow.
    """
    if wanted <= 0 or bank_kg * kind.kj_per_kg < shot.energy_kj * (1 - 1e-12):
        return 0
    if bank_kg * kind.kw_per_kg < shot.peak_kw * (1 - 1e-12):
        return 0
    return min(wanted, int(math.floor(charge_kwh / shot.energy_kwh + FLOAT_NOISE)))

"""The mass driver: how long its track must be, how long it is, and how many satellites it flings.

A payload accelerated at ``a`` to speed ``v`` needs a track of L = v^2 / 2a; each shot takes
m v^2 / 2 / efficiency of energy, for the satellite and its kick stage. The track is fixed for
the run (:class:`Track`); what is built of it changes as segments are laid, fail and are
scrapped (:class:`RailMeter`); :func:`launch` is the day's stage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.city.fleet import Fleet
from lunarcity.constants import FLOAT_NOISE, G0, J_PER_KWH, M_PER_KM
from lunarcity.space.trajectory import Window, in_launch_window
from lunarcity.world.scenario import MassDriverConfig

if TYPE_CHECKING:
    from lunarcity.city.site import SiteGrid
    from lunarcity.model import LunarCity
    from lunarcity.space.thesis import ThesisPlan
    from lunarcity.world.catalog import UnitSpec


def track_length_m(launch_km_s: float, max_accel_g: float) -> float:
    """The track a launch speed needs at the payload's acceleration limit: v^2 / 2a (m)."""
    v = launch_km_s * M_PER_KM
    return v * v / (2.0 * max_accel_g * G0)


@dataclass(frozen=True)
class Track:
    """The mass driver's fixed figures for the run.

    Attributes:
        length_m: Track needed for the launch speed (m).
        slots: Rail segments the site's corridor holds (whole segments covering it).
        cells_per_segment: Corridor cells one segment covers.
        fits: Whether the corridor holds the whole track.
        kick_kg: Kick stage launched with each satellite (kg).
        launch_kwh: Energy per shot, satellite and kick stage (kWh).
        pulse_kind: The unit kind of the pulsed store (role pulse), if the city can build one.
        pulse_units: Working units of it that one shot needs (0 without a pulse kind).
        window: When the track can launch toward the destination.
    """

    length_m: float
    slots: int
    cells_per_segment: int
    fits: bool
    kick_kg: float
    launch_kwh: float
    pulse_kind: str | None = None
    pulse_units: int = 0
    window: Window | None = None

    @classmethod
    def build(
        cls,
        md: MassDriverConfig,
        rail: UnitSpec | None,
        satellite: UnitSpec | None,
        site: SiteGrid,
        thesis: ThesisPlan,
        pulse: UnitSpec | None = None,
    ) -> Track:
        """The track of mass driver ``md`` with segments ``rail`` on ``site``'s corridor.

        The launch speed and kick stage are the destination's (``thesis``); ``pulse`` is the
        pulsed store's unit kind when the city can build one.
        """
        length = track_length_m(thesis.launch_km_s, md.max_accel_g)
        seg_len = rail.segment_length_m if rail else 0.0
        cells_per_seg = max(1, int(round(seg_len / site.cell_m))) if seg_len else 1
        # Whole segments covering the corridor: a track of an odd number of cells still fits.
        slots = -(-len(site.rail_cells) // cells_per_seg)
        v = thesis.launch_km_s * M_PER_KM
        mass_sat = satellite.mass_kg if satellite else 0.0
        kick = thesis.kick_kg
        store = thesis.store
        return cls(
            length_m=length,
            slots=slots,
            cells_per_segment=cells_per_seg,
            fits=slots * seg_len >= length - 1e-6,
            kick_kg=kick,
            launch_kwh=(mass_sat + kick) * v * v / 2.0 / md.efficiency / J_PER_KWH,
            pulse_kind=thesis.pulse_unit if pulse is not None and store is not None else None,
            pulse_units=(
                math.ceil(store.mass_kg / pulse.mass_kg - FLOAT_NOISE)
                if pulse is not None and store is not None
                else 0
            ),
            window=thesis.dest.window,
        )


class RailMeter:
    """The length of track laid: the longest run of working segments, measured when it changes.

    Args:
        fleet: The units (the rail kind's table and its version counter).
        rail_kind: The rail segment kind, or None when the data has none.
        slots: Segments the track holds.
        segment_m: Length of one segment (m).
    """

    def __init__(self, fleet: Fleet, rail_kind: str | None, slots: int, segment_m: float) -> None:
        self.fleet = fleet
        self.rail_kind = rail_kind
        self.slots = slots
        self.segment_m = segment_m
        self._version = -1
        self._length = 0.0

    def length_m(self) -> float:
        """Length of the track's longest run of complete, working segments (m)."""
        if not self.rail_kind or not self.slots:
            return 0.0
        version = self.fleet.version[self.rail_kind]
        if version != self._version:  # measured again only when rail units changed
            self._version = version
            self._length = self._measure()
        return self._length

    def _measure(self) -> float:
        t = self.fleet.tables[self.rail_kind]
        ok = np.zeros(self.slots, dtype=np.int8)
        if t.n:
            ok[t["slot"][t["health"] > 0]] = 1
        # The longest run of working slots: edges of the runs in a zero-padded copy.
        edges = np.flatnonzero(np.diff(np.concatenate([[0], ok, [0]])))
        best = int((edges[1::2] - edges[::2]).max()) if len(edges) else 0
        return best * self.segment_m


@dataclass(frozen=True)
class Launches:
    """The day's launches.

    Attributes:
        wanted: Satellites ready to go (stock, kick stages and the daily cap allowing).
        launched: Satellites launched (as far as the energy served allowed).
    """

    wanted: int
    launched: int


#: A day that wanted no launch and launched none.
NO_LAUNCHES = Launches(wanted=0, launched=0)


def pulse_ready(city: LunarCity) -> bool:
    """Whether the working pulsed store can deliver one shot (always, without a pulse kind)."""
    kind = city.track.pulse_kind
    return kind is None or city.fleet.working(kind) >= city.track.pulse_units


def launches_ready(city: LunarCity) -> int:
    """Satellites the mass driver could launch today, if it had the energy.

    None unless the track is laid and its pulsed store can deliver a shot, and none outside the
    destination's launch window (a fixed track points one way).
    """
    sat_kind = city.sat_kind
    if not sat_kind or not city.launcher_ready():
        return 0
    track = city.track
    window = track.window
    if window is not None and not in_launch_window(city.day, window):
        return 0
    stock = city.stock
    index = city.index
    sats = int(stock[index[sat_kind]] // city.catalog.units[sat_kind].mass_kg + FLOAT_NOISE)
    n = min(sats, int(city.params.mass_driver.max_launches_per_day))
    kick_kg = track.kick_kg
    if kick_kg > 0:
        n = min(n, int(stock[index["kick_stage"]] // kick_kg + FLOAT_NOISE))
    return max(0, n)


def launch(city: LunarCity, energy_kwh: float, wanted: int) -> Launches:
    """Launch what is ready, as far as ``energy_kwh`` (served to the launcher today) allows.

    Args:
        city: The city (stocks and ledger are updated).
        energy_kwh: Energy dispatch served to the mass driver today.
        wanted: What the day's demand was sized for (recorded for the bottleneck).
    """
    per_shot = city.track.launch_kwh
    if per_shot > 0:
        # Energy for no shot (most days: none was wanted) launches nothing, whatever is ready.
        shots = int(energy_kwh // per_shot + FLOAT_NOISE)
        n = min(launches_ready(city), shots) if shots > 0 else 0
    else:
        n = launches_ready(city)
    if n <= 0:
        # Most days launch nothing and wanted nothing: one frozen result serves them all.
        return NO_LAUNCHES if wanted == 0 else Launches(wanted=wanted, launched=0)
    spec = city.catalog.units[city.sat_kind]
    stocks = city.stocks
    for node, kg in ((city.sat_kind, spec.mass_kg), ("kick_stage", city.track.kick_kg)):
        if kg > 0:
            stocks.launch(city.index[node], n, kg)
    # A kick stage that reaches the destination delivers the compute.
    stocks.count_launches(n, city.unit_spec(city.sat_kind).compute_kw, city.thesis.reaches)
    return Launches(wanted=wanted, launched=n)

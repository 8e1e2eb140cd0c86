"""What the units give the day: labour, energy drawn and generated, storage, fab-hours, distances.

Every stage that needs a total over the units in service asks one object for it, through the
small protocol :class:`UnitContributions`. The model's own implementation,
:class:`FleetContributions`, reads whole numpy columns and the per-kind totals the fleet keeps
per event, so a day costs the same at 10 units as at 10^6. A per-agent model (the benchmark's
Mesa reference, ``benchmarks/mesa_reference.py``) supplies the same six figures from its agents'
``step()`` instead, and runs every other rule of the day unchanged: it sets
:attr:`lunarcity.model.LunarCity.contributions_class` to its own class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from lunarcity.constants import HOURS_PER_DAY, M_PER_KM

if TYPE_CHECKING:
    from lunarcity.model import LunarCity
    from lunarcity.world.catalog import UnitSpec


# Sunlight for the power stage is worked up to LIT_BLOCK_DAYS days ahead at once, over
# LIT_SPARE_CELLS cells beyond those in use, a block of at most LIT_BLOCK_CELLS cell-days
# (FleetContributions._lit_row). A block's float32 temporaries stay within a core's cache
# (128 kB each): measured on the 30-year run's cell counts (250 to 12,500), 32,768 cell-days
# cost 3-34 us a day against 17-51 us a day worked one day at a time, and twice as many
# cell-days cost more, not less.
LIT_BLOCK_DAYS = 32
LIT_SPARE_CELLS = 64
LIT_BLOCK_CELLS = 32_768

#: A day whose dark share at a plant's cell is within this of 0 or 1 is wholly lit or wholly dark
#: there (0.09 s of a day): a whole day in a spell comes out of the float32 overlap within a
#: few ulps of 0 (and a whole lit day of 1), which must not make the day one of parts.
WHOLE_DAY = 1e-6
#: A day on which sunlight changes at some plant's cell is dispatched in this many equal parts
#: (3 hours each), in time order (:func:`lunarcity.stages.power.supply`): the darkness of a
#: partly lit day falls in the parts it covers, where storage must carry the loads. Assumption:
#: the resolution (3 hours places the start and the end of darkness within an hour and a half,
#: against dark spells of a day and a half or more).
PARTS_PER_DAY = 8

#: The day's generation in periods, in time order: (share of the day, kWh generated in it).
Periods = list[tuple[float, float]]


def periods_of(generated: float, steady_kwh: float, changing_kwh: np.ndarray | None) -> Periods:
    """The day's periods from its generation (the protocol's :meth:`generation_periods`).

    Args:
        generated: The day's whole generation (kWh), every plant at its day's lit share.
        steady_kwh: The day's generation of the plants whose light does not change during it
            (fission, and solar plants on cells lit, or dark, all day): spread evenly.
        changing_kwh: Per part, the kWh a day the plants on cells lit part of the day would give
            at each part's lit share; None when there are none.

    Returns:
        One period, the whole day, when no plant's light changes during it (its generation as
        worked for the whole day); else :data:`PARTS_PER_DAY` equal parts, those in a row with
        the same generation joined.
    """
    if changing_kwh is None:
        return [(1.0, generated)]
    # Parts in a row that generate the same (all their plants lit throughout, or dark) are one
    # period: nothing changes between them.
    share = 1.0 / PARTS_PER_DAY
    periods: Periods = []
    last, run = 0.0, 0
    for kwh in changing_kwh.tolist():
        if run and kwh == last:
            run += 1
            continue
        if run:
            periods.append((share * run, (steady_kwh + last) * share * run))
        last, run = kwh, 1
    periods.append((share * run, (steady_kwh + last) * share * run))
    return periods


class UnitContributions(Protocol):
    """The units' daily contributions: what a per-agent model must supply to run the day.

    Each method is called at most a few times a day, after the day's births are known; the
    totals are sums over the units in service, health-weighted (a broken unit gives nothing).
    """

    def generation_periods(self) -> Periods:
        """Energy generated today in periods (:func:`periods_of`): solar by each plant's sunlight.

        Fission is steady; a solar plant gives its day's lit share evenly over the day, or, on a
        cell lit part of the day, each part's share in that part.
        """
        ...

    def storage_capacity(self) -> tuple[float, float]:
        """Storage in service (kWh) and its round-trip efficiency."""
        ...

    def robot_energy_kwh(self) -> float:
        """Energy the robots draw at their duty fraction (kWh)."""
        ...

    def labour_supply(self) -> float:
        """Robot-days of labour before power limits (duty fraction times health)."""
        ...

    def fab_hours(self) -> dict[str, float]:
        """Fab-hours by enabled fab kind (24 h times the kind's health)."""
        ...

    def mean_distance_km(self, point: tuple[int, int], kinds: list[str]) -> float:
        """Mean distance (km) from the cell ``point`` to the units of ``kinds`` (0 if none)."""
        ...


class FleetContributions:
    """The contributions read from the fleet's columns and per-kind totals (the model's way).

    Args:
        city: The city whose fleet, site and unit figures are read.
    """

    def __init__(self, city: LunarCity) -> None:
        self.city = city
        # Solar plants only ever stand on cells down the sunniest-first list and keep their
        # cell's rank (in ``slot``): a day's sunlight is computed on the ranks in use.
        sunny = city.placement.sunny_order
        self._sunny_quality = city.site.quality.ravel()[sunny]
        self._sunny_phase = city.site.dark_phase.ravel()[sunny]
        # Sunlight worked a block of days ahead on the ranks in use and a few more (see
        # _lit_row): the block (days by ranks) and its first day.
        self._lit_block = np.empty((0, 0))
        self._changing_block = np.empty((0, 0), dtype=bool)
        self._lit_first = 0
        self._distance_grids: dict[tuple[int, int], np.ndarray] = {}
        # Each power kind's kWh a day per unit at full health (and full sun), worked as the
        # day did, ``generation_kw * HOURS_PER_DAY`` first, and whether it is solar.
        self._generators = [
            (
                kind,
                city.unit_spec(kind).generation_kw * HOURS_PER_DAY,
                city.unit_spec(kind).generation == "solar",
            )
            for kind in city.power_kinds
        ]

    def generation_periods(self) -> Periods:
        """Energy generated today in periods (:func:`periods_of`).

        Solar plants by their cells' sunlight (many plants share a cell: their health is summed
        per cell, by the cell's rank in the sunniest-first list, and each cell in use is lit
        once), fission steady. A cell lit part of the day (:data:`WHOLE_DAY`) has its darkness
        placed in the day's parts (:meth:`lunarcity.city.site.SiteGrid.dark_in_parts`).
        """
        city = self.city
        fleet = city.fleet
        tables = fleet.tables
        generated = 0.0
        steady = 0.0
        changing: np.ndarray | None = None
        for kind, kwh_per_unit, solar in self._generators:
            if not tables[kind].n:
                continue
            if not solar:
                kwh = kwh_per_unit * fleet.health_total(kind)
                generated += kwh
                steady += kwh
                continue
            used = city.placement.sunny_used
            per_cell = fleet.health_by_slot(kind)[:used]
            lit = self._lit_row(city.day, used)
            # Not a BLAS dot: a threaded BLAS sums in an order that depends on the machine's
            # threads, and one seed must give one result. (np.add.reduce is what ndarray.sum
            # calls, without its Python wrapper.)
            weighted = per_cell * lit
            day_kwh = kwh_per_unit * float(np.add.reduce(weighted))
            generated += day_kwh
            # A cell whose plants are all broken (or gone) gives none: only cells with health.
            cells = self._changing_cells(city.day, per_cell)
            if len(cells):
                health = per_cell[cells]
                weighted[cells] = 0.0  # the cells lit all day (or dark) are the steady part
                dark = city.site.dark_in_parts(
                    city.day, PARTS_PER_DAY, self._sunny_quality[cells], self._sunny_phase[cells]
                )
                lit_parts = np.subtract(1.0, dark, out=dark)
                lit_parts *= health[:, None]
                # Each part's sum down its column, cell by cell in rank order: the same doubles
                # on any machine (an axis-0 reduction adds the rows one after another).
                by_part = kwh_per_unit * np.add.reduce(lit_parts, axis=0)
                changing = by_part if changing is None else changing + by_part
                day_kwh = kwh_per_unit * float(np.add.reduce(weighted))
            steady += day_kwh
        return periods_of(generated, steady, changing)

    def _lit_row(self, day: int, used: int) -> np.ndarray:
        """Sunlight on ``day`` of the first ``used`` cells down the sunniest-first list.

        The site's sunlight is a function of the day and the cell only, so it is worked a block
        of days at a time (a dozen numpy calls a block instead of a day), over the ranks in use
        and ``LIT_SPARE_CELLS`` more: plants take new cells about one a day, so a block mostly
        lasts its days. A day's row is the same values as one day worked alone
        (:meth:`lunarcity.city.site.SiteGrid.sunlit_days`' float32s, held as float64).
        """
        block = self._lit_block
        row = day - self._lit_first
        if not 0 <= row < block.shape[0] or used > block.shape[1]:
            cells = min(len(self._sunny_quality), used + LIT_SPARE_CELLS)
            days = max(1, min(LIT_BLOCK_DAYS, LIT_BLOCK_CELLS // max(cells, 1)))
            # Kept as float64 (exact: every float32 is a float64): the day's product with the
            # float64 health by cell then runs on one type, where a float32 row was cast
            # element by element each day (~3 us a day less in a 30-year run).
            block = self._lit_block = self.city.site.sunlit_days(
                day, days, self._sunny_quality[:cells], self._sunny_phase[:cells]
            ).astype(np.float64)
            # Which cells are lit only part of each day (WHOLE_DAY), found once a block: the
            # day's generation asks every day.
            self._changing_block = (block > WHOLE_DAY) & (block < 1.0 - WHOLE_DAY)
            self._lit_first = day
            row = 0
        return block[row, :used]

    def _changing_cells(self, day: int, per_cell: np.ndarray) -> np.ndarray:
        """The ranks lit only part of ``day`` whose plants' health ``per_cell`` is above 0.

        ``per_cell`` is by rank, over the ranks in use (call :meth:`_lit_row` first). One pass
        over the ranks in use finds both: from year ten of a 30-year run about half the ranks in
        use hold no working plant (cells other units took, plants broken or scrapped), and so
        do about half the cells lit part of a day (benchmarks/run.py's default_30y_s).
        """
        changing = self._changing_block[day - self._lit_first, : len(per_cell)]
        return np.flatnonzero(np.greater(per_cell, 0.0) & changing)

    def storage_capacity(self) -> tuple[float, float]:
        """Storage in service (kWh) and its round-trip efficiency."""
        city = self.city
        capacity = 0.0
        rte = 1.0
        for kind in city.storage_kinds:
            spec = city.unit_spec(kind)
            rte = spec.round_trip_efficiency
            capacity += spec.storage_kwh * city.fleet.working(kind)
        return capacity, rte

    def robot_energy_kwh(self) -> float:
        """Energy the robots draw at their duty fraction (kWh)."""
        city = self.city
        spec = city.unit_spec(city.robot_kind)
        return (
            spec.power_kw
            * HOURS_PER_DAY
            * spec.duty_fraction
            * city.fleet.health_total(city.robot_kind)
        )

    def labour_supply(self) -> float:
        """Robot-days of labour before power limits."""
        city = self.city
        spec = city.unit_spec(city.robot_kind)
        return spec.duty_fraction * city.fleet.health_total(city.robot_kind)

    def fab_hours(self) -> dict[str, float]:
        """Fab-hours by enabled fab kind."""
        health = self.city.fleet.health_total
        hours = {k: HOURS_PER_DAY * health(k) for k in self.city.fab_kinds}
        return fold_smaller_fabs(hours, self.city.specs)

    def mean_distance_km(self, point: tuple[int, int], kinds: list[str]) -> float:
        """Mean distance from ``point`` to the units of ``kinds`` (km)."""
        # Sums kept up to date at every birth and scrapping (Fleet.track): exact and O(events).
        fleet = self.city.fleet
        key = (point, *kinds)
        mean = fleet.tracked_mean(key)
        if mean is None and not fleet.is_tracked(key):
            fleet.track(key, list(kinds), self._distance_grid(point))
            mean = fleet.tracked_mean(key)
        return mean if mean is not None else 0.0

    def _distance_grid(self, point: tuple[int, int]) -> np.ndarray:
        """Distance (km) from ``point`` to every cell."""
        grid = self._distance_grids.get(point)
        if grid is None:
            site = self.city.site
            ys, xs = np.mgrid[0 : site.height, 0 : site.width]
            grid = np.hypot(xs - point[0], ys - point[1]) * site.cell_m / M_PER_KM
            self._distance_grids[point] = grid
        return grid


def fold_smaller_fabs(hours: dict[str, float], specs: dict[str, UnitSpec]) -> dict[str, float]:
    """Fab-hours by kind with each smaller fab's hours moved to the kind it works for.

    A fab with ``fab_for`` runs that kind's recipes; its hours count in proportion to its mass,
    so fab-hours stay a measure of the full-size kind's capacity.

    Args:
        hours: Fab-hours by fab kind, each kind's own.
        specs: The unit kinds' figures (with the scenario's overrides).
    """
    out = dict(hours)
    for kind, h in hours.items():
        parent = specs[kind].fab_for
        if parent is not None:
            out[kind] = 0.0
            out[parent] = out.get(parent, 0.0) + h * specs[kind].mass_kg / specs[parent].mass_kg
    return out

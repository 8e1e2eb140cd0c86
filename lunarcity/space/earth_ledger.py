"""The Earth ledger: what each route to compute in space costs in Earth launches and Earth mass.

Computed from a run's daily record and the Earth-side parameters, so a study can vary tankers per
landing, payload to LEO or payload landed without rerunning the city. Definitions (issue 13):

- Lunar route launches: (tankers per landing + 1) for every lander dispatched, lost ones included,
  plus those that landed the seed: ceil(seed mass / payload per landing) landings, each with its
  tankers.
- Direct route launches: the Earth-built satellites and their transfer stages beyond LEO, divided
  by the payload to LEO per launch (rounded up: a part-filled launch is a launch).
- ``earth_lifted_t``: tonnes put into LEO from Earth's surface. Every lunar-route launch (tanker or
  lander) lifts a full payload to LEO; the direct route lifts its satellites and stages.
- ``earth_kg_per_kw``: all Earth-lifted mass of the lunar route since day 0 over the compute
  delivered; ``direct_earth_kg_per_kw``: the direct route's lifted mass for the same compute;
  ``earth_kg_per_kw_marginal``: what the run consumed from Earth over the trailing year (the
  Earth-made kg landed, times the tonnes lifted per tonne landed) per kW delivered that year
  (the steady figure for one more satellite is :mod:`lunarcity.space.margin`'s); ``breakeven_day``: the first day the lunar
  cumulative figure is at or below the direct one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from lunarcity.constants import DAYS_PER_YEAR, FLOAT_NOISE, G0, KG_PER_T, M_PER_KM
from lunarcity.errors import InputError

if TYPE_CHECKING:
    from lunarcity.world.scenario import EarthConfig

#: The daily columns the ledger reads.
NEEDS = ("day", "landers_dispatched", "compute_delivered_kw", "earth_imported_t")

#: The columns it adds, in order.
COLUMNS = (
    "earth_launches",
    "direct_earth_launches",
    "earth_lifted_t",
    "direct_earth_lifted_t",
    "earth_kg_per_kw",
    "earth_kg_per_kw_marginal",
    "direct_earth_kg_per_kw",
)


def lander_propellant_t(dry_t: float, payload_t: float, trip_km_s: float, isp_s: float) -> float:
    """Propellant a lander burns on its trip (t), by the rocket equation.

    ``m_prop = (dry + payload) * (exp(dv / (Isp g0)) - 1)``: the lander leaves LEO full and
    arrives empty with its payload (a one-way cargo landing).
    """
    return (dry_t + payload_t) * math.expm1(trip_km_s * M_PER_KM / (isp_s * G0))


def tankers_needed(e: EarthConfig) -> float:
    """Tanker launches per landing: the scenario's count, or else from physics.

    The lander's propellant for its trip (:func:`lander_propellant_t`) over what one tanker
    lifts to LEO (``payload_to_leo_t``): a heavier tanker payload means fewer tankers. Averaged
    over landings (a depot pools part-loads), so not rounded up; the lander reaches LEO with
    its payload and no propellant to spare, and boil-off and transfer losses are left out.
    """
    if e.tankers_per_landing is not None:
        return e.tankers_per_landing
    prop = lander_propellant_t(
        e.lander_dry_t, e.lander_payload_t, e.lander_trip_km_s, e.lander_isp_s
    )
    return prop / e.payload_to_leo_t


@dataclass(frozen=True)
class EarthSide:
    """The Earth-side parameters of a study.

    Attributes:
        tankers_per_landing: Tanker launches that refuel each lander in Earth orbit.
        payload_to_leo_t: What one launch puts in LEO (t).
        payload_landed_t: What one landing puts on the Moon (t).
        seed_t: The seed's mass (t), landed before day 0.
    """

    tankers_per_landing: float
    payload_to_leo_t: float
    payload_landed_t: float
    seed_t: float

    @property
    def seed_landings(self) -> int:
        """Landings that put the seed down."""
        return (
            math.ceil(self.seed_t / self.payload_landed_t - FLOAT_NOISE) if self.seed_t > 0 else 0
        )

    @property
    def launches_per_landing(self) -> float:
        """Earth launches per landing: the tankers and the lander."""
        return self.tankers_per_landing + 1.0

    @property
    def lifted_per_landed(self) -> float:
        """Tonnes lifted to LEO per tonne landed on the Moon."""
        return self.launches_per_landing * self.payload_to_leo_t / self.payload_landed_t


@dataclass(frozen=True)
class RouteFigures:
    """What one kW delivered costs each route, from the satellite designs and their stages.

    Attributes:
        lunar_earth_kg_per_kw: Earth-made kg landed per kW in one more lunar satellite and its
            kick stage, its whole chain's imports (:mod:`lunarcity.space.margin`).
        direct_kg_per_kw: Kg lifted to LEO per kW by the direct route: the Earth-built satellite
            and its transfer stage beyond LEO.
    """

    lunar_earth_kg_per_kw: float
    direct_kg_per_kw: float


def earth_ledger(daily: pl.DataFrame, side: EarthSide, route: RouteFigures) -> pl.DataFrame:
    """The thesis columns for each day of a run.

    Args:
        daily: A run's daily table with ``day``, ``landers_dispatched`` (cumulative, lost ones
            included) and ``compute_delivered_kw`` (cumulative).
        side: The Earth-side parameters.
        route: Per-kW figures of the two routes.

    Returns:
        ``day``, ``compute_delivered_kw`` and the columns of :data:`COLUMNS` (per-kW figures
        NaN while no compute has been delivered: every column stays a plain float).

    Raises:
        InputError: the table lacks a column the ledger reads, or a parameter is not positive.
    """
    missing = [c for c in NEEDS if c not in daily.columns]
    if missing:
        raise InputError(
            f"the daily table has no column {missing[0]}", field="daily", valid=", ".join(NEEDS)
        )
    for name in ("payload_to_leo_t", "payload_landed_t"):
        if getattr(side, name) <= 0:
            raise InputError(f"{name} must be positive", field=f"earth.{name}")
    if side.tankers_per_landing < 0:
        raise InputError("tankers_per_landing must not be negative", field="earth")
    landings = pl.col("landers_dispatched") + side.seed_landings
    kw = pl.col("compute_delivered_kw")
    direct_t = kw * route.direct_kg_per_kw / KG_PER_T
    has = kw > 0
    frame = daily.select(
        "day",
        kw.alias("compute_delivered_kw"),
        (landings * side.launches_per_landing).alias("earth_launches"),
        pl.when(direct_t > 0)
        .then((direct_t / side.payload_to_leo_t - FLOAT_NOISE).ceil())
        .otherwise(0.0)
        .alias("direct_earth_launches"),
        (landings * side.launches_per_landing * side.payload_to_leo_t).alias("earth_lifted_t"),
        direct_t.alias("direct_earth_lifted_t"),
    )
    return frame.with_columns(
        pl.when(has)
        .then(pl.col("earth_lifted_t") * KG_PER_T / kw)
        .otherwise(math.nan)
        .alias("earth_kg_per_kw"),
        pl.Series(trailing_marginal(daily, side.lifted_per_landed), dtype=pl.Float64).alias(
            "earth_kg_per_kw_marginal"
        ),
        pl.when(has)
        .then(pl.col("direct_earth_lifted_t") * KG_PER_T / kw)
        .otherwise(math.nan)
        .alias("direct_earth_kg_per_kw"),
    )


def trailing_marginal(daily: pl.DataFrame, lifted: float) -> np.ndarray:
    """Each day's marginal: Earth-lifted kg of the trailing year per kW delivered that year.

    What the run actually consumed from Earth over the year before each day (the Earth-made kg
    landed, times ``lifted`` t lifted per t landed) over the compute it delivered in that year;
    NaN while that year delivered nothing. Rows need not be daily (a study keeps every k-th
    day): the year is found by day, not by row.
    """
    day = daily["day"].to_numpy()
    landed = daily["earth_imported_t"].to_numpy()
    kw = daily["compute_delivered_kw"].to_numpy()
    start = np.searchsorted(day, day - DAYS_PER_YEAR, side="left")
    d_kw = kw - kw[start]
    out = np.full(day.shape, math.nan)
    has = d_kw > 0
    out[has] = (landed - landed[start])[has] * KG_PER_T * lifted / d_kw[has]
    return out


def breakeven_day(ledger: pl.DataFrame) -> int | None:
    """The first day the lunar route's cumulative kg per kW is at or below the direct one."""
    lunar, direct = pl.col("earth_kg_per_kw"), pl.col("direct_earth_kg_per_kw")
    hit = ledger.filter(
        lunar.is_not_null() & lunar.is_not_nan() & direct.is_not_nan() & (lunar <= direct)
    )
    return int(hit["day"][0]) if hit.height else None


def thesis_summary(
    ledger: pl.DataFrame,
    *,
    destination: str,
    satellite_w_per_kg: float,
    direct_satellite_w_per_kg: float,
) -> dict[str, Any]:
    """The summary's ``thesis`` block: the last day's figures and the break-even day."""
    last = ledger.row(ledger.height - 1, named=True) if ledger.height else {}

    def num(key: str) -> float | None:
        value = last.get(key)
        return None if value is None or math.isnan(value) else float(value)

    return {
        "destination": destination,
        "satellite_w_per_kg": satellite_w_per_kg,
        "direct_satellite_w_per_kg": direct_satellite_w_per_kg,
        "compute_delivered_kw": num("compute_delivered_kw") or 0.0,
        "earth_launches": num("earth_launches") or 0.0,
        "direct_earth_launches": num("direct_earth_launches") or 0.0,
        "earth_lifted_t": num("earth_lifted_t") or 0.0,
        "earth_kg_per_kw": num("earth_kg_per_kw"),
        "earth_kg_per_kw_marginal": num("earth_kg_per_kw_marginal"),
        "direct_earth_kg_per_kw": num("direct_earth_kg_per_kw"),
        "breakeven_day": breakeven_day(ledger),
    }

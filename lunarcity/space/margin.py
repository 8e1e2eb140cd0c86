"""The thesis at the margin: the Earth-made kilograms one more satellite consumes, and the verdicts.

One more lunar satellite at its destination costs Earth whatever its whole chain imports: the
economy's total requirements (:func:`lunarcity.world.economy_requirements.requirements`, the LP ``lunarcity graph``
uses) of the satellite and the kick stage it is launched with, so the chips, the kick stage's
engine and Earth fuel, and the process consumables its aluminium eats in the salt cell (calcium
chloride and anodes). Landed on the Moon, each of those kilograms cost Earth the tonnes it lifts
per tonne landed (:func:`lifted_per_landed`), so the steady marginal is

    marginal_steady = Earth-only kg per satellite x lifted per landed / kW per satellite.

Against the direct route's kg lifted per kW this gives the break-even limits per destination:
the lunar route wins at the margin only while Earth lifts fewer than
``direct kg/kW / (Earth-only kg/kW landed)`` tonnes per landed tonne, and only while the salt
make-up (calcium chloride per tonne of slag, the anode wear held) stays below the figure at
which the two routes cost the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import polars as pl

from lunarcity.constants import DAYS_PER_YEAR, KG_PER_T
from lunarcity.space.earth_ledger import EarthSide
from lunarcity.world.economy import Economy
from lunarcity.world.economy_requirements import requirements

#: The recipe whose salt make-up is the unsourced figure the verdict turns on, its salt, and the
#: feed the make-up is written per tonne of.
SALT_RECIPE = "salt_reduction"
SALT_ITEM = "calcium_chloride"
SALT_FEED = "slag"

#: Years over which the cumulative ratio's trend is read for the verdict.
TREND_YEARS = 5

#: A relative change of the cumulative ratio over the trend years below which it is "flat".
FLAT = 0.01

#: The head of the verdict when the run does not break even, as the summary words it, and the
#: same as a clause after "it" (the run's thesis line), which must say what never happens.
NEVER = "never within"
NEVER_CLAUSE = "never breaks even within"


class Horizon(Enum):
    """Whether the lunar route breaks even within the run: which form the verdict takes.

    Read from the break-even day (the summary's ``thesis.breakeven_day``), never from the
    verdict's words, so rewording them cannot change which form a reader picks.
    """

    BREAKS_EVEN = "breaks_even"
    NOT_WITHIN = "not_within"

    @classmethod
    def of(cls, breakeven_day: int | None) -> Horizon:
        """The form for a run whose Earth ledger breaks even on ``breakeven_day`` (None: never)."""
        return cls.NOT_WITHIN if breakeven_day is None else cls.BREAKS_EVEN


def lifted_per_landed(side: EarthSide) -> float:
    """Tonnes Earth lifts to LEO per tonne landed on the Moon: the one place the thesis reads it.

    The Earth ledger owns how that figure is made (tankers per landing today); everything at
    the margin reads it through here, so a change there flows into every figure below.
    """
    return float(side.lifted_per_landed)


@dataclass(frozen=True)
class Marginal:
    """The Earth-made kilograms one more lunar satellite consumes, from the economy.

    Attributes:
        earth_kg: Item -> Earth-made kg the satellite's whole chain imports, kick stage included.
        compute_kw: Compute the satellite delivers (kW).
        direct_kg_per_kw: The direct route's kg lifted to LEO per kW.
        salt_kg: kg of the salt make-up among ``earth_kg`` (0 when the chain has no salt cell).
        feed_t: Tonnes of the salt cell's feed the satellite's chain treats (0 likewise).
    """

    earth_kg: dict[str, float]
    compute_kw: float
    direct_kg_per_kw: float
    salt_kg: float
    feed_t: float

    @property
    def earth_kg_total(self) -> float:
        """All Earth-made kg in one more satellite and its kick stage."""
        return math.fsum(self.earth_kg.values())

    @property
    def landed_kg_per_kw(self) -> float:
        """Earth-made kg landed per kW delivered."""
        return self.earth_kg_total / self.compute_kw

    def steady(self, lifted: float) -> float:
        """Earth-lifted kg per kW of one more satellite at ``lifted`` t lifted per t landed."""
        return self.landed_kg_per_kw * lifted

    @property
    def max_lifted_per_landed(self) -> float:
        """The tonnes lifted per tonne landed below which the lunar route wins at the margin."""
        return self.direct_kg_per_kw / self.landed_kg_per_kw

    def max_salt_make_up_kg_per_t(self, lifted: float) -> float | None:
        """The salt make-up (kg per t of feed) below which the lunar route wins at the margin.

        The make-up enters linearly: the chain treats ``feed_t`` tonnes whatever the make-up,
        so the Earth-made kg are the rest plus ``feed_t`` times the make-up. Negative when even
        no salt would not win; None when the chain has no salt cell.
        """
        if self.feed_t <= 0:
            return None
        room_kg = self.direct_kg_per_kw * self.compute_kw / lifted
        return (room_kg - (self.earth_kg_total - self.salt_kg)) / self.feed_t


def salt_limit_words(kg_per_t: float | None) -> str:
    """The salt make-up limit as people read it (THESIS.md's table, the thesis notebook).

    Args:
        kg_per_t: :meth:`Marginal.max_salt_make_up_kg_per_t`.

    Returns:
        The limit to 0.1 kg per t of feed; "none" when it is zero or below (the route loses
        even with no salt lost, so no make-up is low enough); "-" when the chain has no salt cell.
    """
    if kg_per_t is None:
        return "-"
    return "none" if kg_per_t <= 0 else f"{kg_per_t:.1f}"


def satellite_marginal(
    econ: Economy, satellite: str, kick_kg: float, compute_kw: float, direct_kg_per_kw: float
) -> Marginal:
    """What one more ``satellite`` launched with ``kick_kg`` of kick stage imports, by the LP.

    Args:
        econ: The run's economy (its recipes, with the satellite and kick stage as designed).
        satellite: The satellite unit kind.
        kick_kg: The kick stage each satellite is launched with (kg).
        compute_kw: Compute per satellite (kW).
        direct_kg_per_kw: The direct route's kg lifted per kW.
    """
    demand = {satellite: 1.0}
    if kick_kg > 0 and "kick_stage" in econ.catalog.items:
        demand["kick_stage"] = kick_kg
    req = requirements(econ, demand)
    salt_kg = req.imports.get(SALT_ITEM, 0.0)
    recipe = econ.processes.get(SALT_RECIPE)
    feed_t = 0.0
    if recipe is not None and salt_kg > 0:
        feed_t = req.activities.get(SALT_RECIPE, 0.0) * recipe.inputs.get(SALT_FEED, 0.0) / KG_PER_T
    return Marginal(
        earth_kg=dict(sorted(req.imports.items())),
        compute_kw=compute_kw,
        direct_kg_per_kw=direct_kg_per_kw,
        salt_kg=salt_kg,
        feed_t=feed_t,
    )


def margin_words(destination: str, limit: float, lifted: float) -> str:
    """The verdict at the margin in words, per destination."""
    wins = "wins" if lifted < limit else "loses"
    return (
        f"at the margin the lunar route {wins} at {destination}: it wins while Earth lifts "
        f"fewer than {limit:.2f} t per landed t; the run lifts {lifted:g}"
    )


def horizon_verdict(ledger: pl.DataFrame, breakeven: int | None) -> str:
    """The verdict over the run's horizon: the break-even day, or where the ratio is going.

    "breaks even on day D (year Y)", or "never within N years: the cumulative ratio is rising
    to / flat at / falling from R", R the lunar route's cumulative kg per kW over the direct
    route's on the last day and the trend read over the last :data:`TREND_YEARS` years.
    """
    if Horizon.of(breakeven) is Horizon.BREAKS_EVEN:
        return f"breaks even on day {breakeven} (year {breakeven / DAYS_PER_YEAR:.1f})"
    day = ledger["day"].to_numpy()
    years = float(day[-1]) / DAYS_PER_YEAR if day.size else 0.0
    never = f"{NEVER} {years:.0f} year{'' if round(years) == 1 else 's'}"
    lunar = ledger["earth_kg_per_kw"].to_numpy()
    direct = ledger["direct_earth_kg_per_kw"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = lunar / direct
    ok = np.flatnonzero(np.isfinite(ratio))
    if ok.size == 0:
        return f"{never}: no compute delivered"
    last = float(ratio[ok[-1]])
    since = day[ok[-1]] - TREND_YEARS * DAYS_PER_YEAR
    first = float(ratio[ok[np.searchsorted(day[ok], since, side="left")]])
    change = (last - first) / first if first > 0 else 0.0
    if change > FLAT:
        trend = f"rising to {last:,.2f}"
    elif change < -FLAT:
        trend = f"falling from {first:,.2f} to {last:,.2f}"
    else:
        trend = f"flat at {last:,.2f}"
    return f"{never}: the cumulative ratio is {trend}"


def verdict_clause(thesis: Mapping[str, Any]) -> str:
    """The summary's verdict over the run (:func:`horizon_verdict`) as a clause after "it".

    The break-even form is one already ("breaks even on day D (year Y)"); the other,
    "never within N years: ...", does not say what never happens, so it reads "never breaks even
    within N years: ...". The form is :class:`Horizon`'s, from ``breakeven_day``; the summary
    keeps its own words (the golden digests and the docs hold them).

    Args:
        thesis: The summary's ``thesis`` block (``verdict`` and ``breakeven_day``).
    """
    words = thesis["verdict"]
    if Horizon.of(thesis["breakeven_day"]) is Horizon.BREAKS_EVEN:
        return words
    return NEVER_CLAUSE + words.removeprefix(NEVER)


def margin_block(marginal: Marginal, side: EarthSide, destination: str) -> dict[str, Any]:
    """The summary's margin figures for the run's destination (merged into ``thesis``)."""
    lifted = lifted_per_landed(side)
    limit = marginal.max_lifted_per_landed
    return {
        "marginal_steady": marginal.steady(lifted),
        "marginal_earth_kg": marginal.earth_kg,
        "max_lifted_per_landed": limit,
        "lifted_per_landed": lifted,
        "max_salt_make_up_kg_per_t": marginal.max_salt_make_up_kg_per_t(lifted),
        "margin_verdict": margin_words(destination, limit, lifted),
    }

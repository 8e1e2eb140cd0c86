"""Power dispatch: serve loads in priority order from generation, then storage; store the rest.

A day on which sunlight changes at some plant's cell is dispatched part by part, in time order
(:data:`lunarcity.stages.contributions.PARTS_PER_DAY` parts): loads run all day, so in a dark part
they draw on storage, which the lit parts before it charged, through the banks' round trip.
Any other day is one period: its generation serves its loads whenever they fall.

Energy balance of a day, by construction: generated = served + change in storage + losses +
curtailed, where losses are the round-trip loss on what was charged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lunarcity.model import LunarCity
    from lunarcity.stages.contributions import Periods


@dataclass(frozen=True)
class Dispatch:
    """One day's dispatch (all kWh).

    Attributes:
        generated: Energy generated.
        demand: Requested by load, in priority order.
        served: Served by load.
        charged: Taken from the bus into storage.
        discharged: Drawn from storage to the bus.
        losses: Round-trip loss on the charged energy.
        curtailed: Generated but neither used nor stored.
        stored_before: Energy in storage at the start of the day.
        stored_after: Energy in storage at the end of the day.
    """

    generated: float
    demand: dict[str, float]
    served: dict[str, float] = field(default_factory=dict)
    charged: float = 0.0
    discharged: float = 0.0
    losses: float = 0.0
    curtailed: float = 0.0
    stored_before: float = 0.0
    stored_after: float = 0.0

    def fraction(self, load: str) -> float:
        """Share of a load's demand that was served (1 when it asked for nothing)."""
        want = self.demand.get(load, 0.0)
        return 1.0 if want <= 0 else self.served.get(load, 0.0) / want

    # The two totals are read some five times a day each (the record, the bottleneck, the
    # energy balance): kept on first read, as a day's dispatch is never changed once made
    # (frozen, and no stage writes its dicts).
    @cached_property
    def total_demand(self) -> float:
        """Energy asked for by all loads."""
        return math.fsum(self.demand.values())

    @cached_property
    def total_served(self) -> float:
        """Energy served to all loads."""
        return math.fsum(self.served.values())

    @property
    def unserved(self) -> float:
        """Demand not served (the day was short of power if this is large)."""
        return self.total_demand - self.total_served

    def balance_error(self) -> float:
        """Generated - (served + change in storage + losses + curtailed), in kWh."""
        return self.generated - (
            self.total_served
            + (self.stored_after - self.stored_before)
            + self.losses
            + self.curtailed
        )


def dispatch(
    generated: float,
    demand: dict[str, float],
    stored: float,
    capacity: float,
    round_trip: float,
    claims: Mapping[str, float] | None = None,
) -> Dispatch:
    """Serve ``demand`` (ordered by priority) from ``generated`` and storage, as one period.

    A load with a claim share s below 1 takes, at its turn, at most s of the energy still
    available; the rest of its demand waits until every load has had its turn, and is then
    served from what they left, in the same order. A load without a claim takes all it wants
    at its turn (s = 1), so with no claims this is plain priority order.

    Args:
        generated: Energy generated today (kWh).
        demand: Load -> kWh wanted, highest priority first.
        stored: Energy in storage at the start of the day.
        capacity: Storage capacity today (what is in service).
        round_trip: Round-trip efficiency, applied when charging.
        claims: Load -> share (0-1) of the energy left at its turn it may take ahead of the
            loads after it (1 when absent).
    """
    return dispatch_day([(1.0, generated)], demand, stored, capacity, round_trip, claims)


def dispatch_day(
    periods: Periods,
    demand: dict[str, float],
    stored: float,
    capacity: float,
    round_trip: float,
    claims: Mapping[str, float] | None = None,
) -> Dispatch:
    """The day's dispatch (:func:`dispatch`'s rule), period by period in time order.

    Each period serves its share of every load's demand (loads run all day) from its own
    generation and what storage holds after the periods before it; what is left charges
    storage. The day's figures are the periods' sums, its storage the last period's. A day of
    one period (share 1) is served whole. The periods' figures are kept as plain floats, not a
    :class:`Dispatch` each: a partly lit day has eight (benchmarks/run.py's default_run_s).

    Args:
        periods: (share of the day, kWh generated in it), in time order
            (:func:`lunarcity.stages.contributions.periods_of`); the shares sum to 1.
        demand: Load -> kWh wanted over the day, highest priority first.
        stored: Energy in storage at the start of the day.
        capacity: Storage capacity today.
        round_trip: Round-trip efficiency, applied when charging.
        claims: As for :func:`dispatch`, in every period.
    """
    claims = claims or {}
    loads = [(load, want, claims.get(load, 1.0)) for load, want in demand.items()]
    # Energy held by banks that failed or were scrapped is lost with them.
    lost = max(0.0, stored - capacity)
    stored_before = stored
    stored -= lost
    served_by: dict[str, list[float]] = {load: [] for load in demand}
    generated_by: list[float] = []
    charged_by: list[float] = []
    discharged_by: list[float] = []
    curtailed_by: list[float] = []
    for share_of_day, generated in periods:
        available = generated + stored
        served: dict[str, float] = {}
        waiting: dict[str, float] = {}
        for load, day_want, share in loads:
            want = day_want * share_of_day
            got = min(want, available) if share >= 1.0 else min(want, share * available)
            served[load] = got
            available -= got
            if got < want and share < 1.0:
                waiting[load] = want - got
        for load, rest in waiting.items():
            got = min(rest, available)
            served[load] += got
            available -= got
        used = math.fsum(served.values())
        discharged = max(0.0, used - generated)
        surplus = max(0.0, generated - used)
        room = max(0.0, capacity - (stored - discharged))
        charged = min(surplus, room / round_trip) if round_trip > 0 else 0.0
        stored = stored - discharged + charged * round_trip
        for load, got in served.items():
            served_by[load].append(got)
        generated_by.append(generated)
        charged_by.append(charged)
        discharged_by.append(discharged)
        curtailed_by.append(surplus - charged)
    charged = math.fsum(charged_by)
    return Dispatch(
        generated=math.fsum(generated_by),
        demand=dict(demand),
        served={load: math.fsum(got) for load, got in served_by.items()},
        charged=charged,
        discharged=math.fsum(discharged_by),
        losses=math.fsum([c * (1.0 - round_trip) for c in charged_by]) + lost,
        curtailed=math.fsum(curtailed_by),
        stored_before=stored_before,
        stored_after=stored,
    )


def supply(
    city: LunarCity, demand: dict[str, float], claims: Mapping[str, float] | None = None
) -> Dispatch:
    """The day's power stage: generation and storage in service serve ``demand`` by priority.

    ``claims`` limit what a load takes at its turn (see :func:`dispatch`). With
    ``economy.unlimited_power`` every load is served in full and nothing is stored.
    The energy in storage is carried to tomorrow in ``city.state.storage_kwh``.
    """
    if city.params.economy.unlimited_power:
        return dispatch(math.fsum(demand.values()), demand, 0.0, 0.0, 1.0, claims)
    contributions = city.contributions
    capacity, rte = contributions.storage_capacity()
    d = dispatch_day(
        contributions.generation_periods(), demand, city.state.storage_kwh, capacity, rte, claims
    )
    city.state.storage_kwh = d.stored_after
    return d

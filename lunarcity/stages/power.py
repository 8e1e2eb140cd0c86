"""Power dispatch: serve loads in priority order from generation, then storage; store the rest.

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
    """Serve ``demand`` (ordered by priority) from ``generated`` and storage.

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
    claims = claims or {}
    served: dict[str, float] = {}
    # Energy held by banks that failed or were scrapped is lost with them.
    lost = max(0.0, stored - capacity)
    stored_before = stored
    stored -= lost
    available = generated + stored
    waiting: dict[str, float] = {}
    for load, want in demand.items():
        share = claims.get(load, 1.0)
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
    return Dispatch(
        generated=generated,
        demand=dict(demand),
        served=served,
        charged=charged,
        discharged=discharged,
        losses=charged * (1.0 - round_trip) + lost,
        curtailed=surplus - charged,
        stored_before=stored_before,
        stored_after=stored - discharged + charged * round_trip,
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
    d = dispatch(
        contributions.generation_kwh(), demand, city.state.storage_kwh, capacity, rte, claims
    )
    city.state.storage_kwh = d.stored_after
    return d

"""Power dispatch: serve loads in priority order from generation, then storage; store the rest.

Energy balance of a day, by construction: generated = served + change in storage + losses +
curtailed, where losses are the round-trip loss on what was charged.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
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

    @property
    def total_demand(self) -> float:
        return float(sum(self.demand.values()))

    @property
    def total_served(self) -> float:
        return float(sum(self.served.values()))

    @property
    def unserved(self) -> float:
        return self.total_demand - self.total_served

    def balance_error(self) -> float:
        """generated - (served + change in storage + losses + curtailed), in kWh."""
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
) -> Dispatch:
    """Serve ``demand`` (ordered by priority) from ``generated`` and storage.

    Args:
        generated: Energy generated today (kWh).
        demand: Load -> kWh wanted, highest priority first.
        stored: Energy in storage at the start of the day.
        capacity: Storage capacity today (what is in service).
        round_trip: Round-trip efficiency, applied when charging.
    """
    d = Dispatch(generated=generated, demand=dict(demand), stored_before=stored)
    # Energy held by banks that failed or were scrapped is lost with them.
    lost = max(0.0, stored - capacity)
    stored -= lost
    available = generated + stored
    for load, want in demand.items():
        got = min(want, available)
        d.served[load] = got
        available -= got
    used = d.total_served
    d.discharged = max(0.0, used - generated)
    surplus = max(0.0, generated - used)
    room = max(0.0, capacity - (stored - d.discharged))
    d.charged = min(surplus, room / round_trip) if round_trip > 0 else 0.0
    d.losses = d.charged * (1.0 - round_trip) + lost
    d.curtailed = surplus - d.charged
    d.stored_after = stored - d.discharged + d.charged * round_trip
    return d

"""The run's ledgers as types: the mass that entered and left the city, and the tallies beside it.

Mass is conserved: regolith mined + payload landed = material stocks + work in progress + units
in service + launched + waste + vented. The same holds for every element
(:class:`lunarcity.city.element_ledger.ElementLedger`, kept beside this one). Both are written only
by :class:`lunarcity.city.stocks.Stocks`, whose actions move a kilogram (a robot mines, a lander
lands, a satellite is launched, a unit is scrapped) in the stocks and both ledgers at once; the
recorder reads the fields every day and checks the balance with :func:`mass_balance_rel_error`.
Energy balances within each day (:class:`lunarcity.stages.power.Dispatch`);
:func:`energy_balance_rel_error` is that check in the recorder's terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from lunarcity.stages.power import Dispatch


@dataclass(slots=True)
class MassLedger:
    """Mass flows across the city's boundary since founding (kg), and what left for orbit.

    Attributes:
        mined_kg: Regolith dug (the city's own source of mass).
        landed_kg: Payload landed from Earth (stock and whole units).
        launched_kg: Satellites and kick stages flung off by the mass driver.
        waste_kg: Scrap not recycled (slag stays in stock as an item).
        vented_kg: Gas let go (oxygen beyond what the plants' tanks hold).
        oxygen_made_kg: Oxygen the fabs made (kept, used or vented).
        satellites_launched: Satellites launched.
        compute_in_orbit_kw: Compute those satellites carry.
        compute_delivered_kw: The part of it launched with a kick stage that reaches the
            destination (counted once, never decremented).
        landers_arrived: Landers that landed.
        landers_lost: Landers lost on the way.
    """

    mined_kg: float = 0.0
    landed_kg: float = 0.0
    launched_kg: float = 0.0
    waste_kg: float = 0.0
    vented_kg: float = 0.0
    oxygen_made_kg: float = 0.0
    satellites_launched: int = 0
    compute_in_orbit_kw: float = 0.0
    compute_delivered_kw: float = 0.0
    landers_arrived: int = 0
    landers_lost: int = 0

    def mass_in(self) -> float:
        """Everything that entered the city: mined + landed (kg)."""
        return self.mined_kg + self.landed_kg


def mass_balance_rel_error(
    ledger: MassLedger, stock_kg: float, wip_kg: float, in_service_kg: float
) -> float:
    """|in - held - out| relative to what came in (at least 1 kg), for the day's check.

    Args:
        ledger: The run's flows.
        stock_kg: Items in stock (materials, parts, satellites waiting).
        wip_kg: Mass in build jobs not yet complete.
        in_service_kg: Units in service.
    """
    lhs = ledger.mass_in()
    rhs = (
        stock_kg + wip_kg + in_service_kg + ledger.launched_kg + ledger.waste_kg + ledger.vented_kg
    )
    return abs(lhs - rhs) / max(lhs, 1.0)


def energy_balance_rel_error(power: Dispatch) -> float:
    """The day's energy balance error relative to the larger of generation and service."""
    scale = max(power.generated, power.total_served, 1.0)
    return abs(power.balance_error()) / scale

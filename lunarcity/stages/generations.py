"""Hardware generations (M13): heavier early hardware, electronics made locally by generation.

M13 grows its industry in generations: the hardware landed from Earth is generation 1, and each
generation is built by the one before it, lighter and with more of its electronics made locally
(90, 95, 99 and 100 % at generations 3 to 6). Our labour is a pool and our parts come from
shared stocks, so no unit is built by one particular machine of one generation (the builder a
job records is one robot of a pooled crew, drawn at random): the generation is the whole
fleet's, as M13 counts it for the whole industry. The rule, one counter and a few sums per day:

- The seed, and every unit landed from Earth, is generation 1.
- While generation g is being built, a job of a generational kind opened is generation g.
- Generation g + 1 begins once the generation-g hardware started weighs as much as the
  generational hardware that was in service (or being built) when generation g began: the
  fleet has copied itself once, and what it builds next is built by that copy.

So with steady doubling, generation g is the g - 1-th doubling of the seed, as in M13 and
AASM80's replication cycles, and landers or scrapping that change the fleet between cycles
change the next cycle's size with it.

A unit of a kind with ``generations: true`` (data/units.yaml) built at generation g weighs
``mass_factor[g]`` times its kind's mass: its whole bill of materials and its assembly labour
(300 s per kg, AASM80) are scaled, while what it does (power, labour, fab-hours) is not, so
heavier hardware is simply dearer. ``earth_share[g]`` of its ``part`` (electronics) must come
from Earth-made stock (:attr:`LunarCity.stock_imp`), the rest from any stock; the landers bring
that share (:func:`lunarcity.stages.landers.manifest`), vitamins-only landers included. Earth-made and
lunar-made boards are counted as the same item, with the lunar board's element make-up, so a
unit's composition per kg does not change with its generation and the element ledger holds.
Rail, the pulsed store and satellites have no generations: their masses size the track, the
shot and the launch, which the thesis designs once.
"""

from __future__ import annotations

from collections.abc import Callable

from lunarcity.world.catalog import Catalog

#: Prefix of a shortfall of Earth-made stock of an item (a generation's Earth-made share); the
#: bottleneck stage names such a day ``imports``.
EARTH_MADE = "earth:"


class Generations:
    """The generation being built now and what a unit of it weighs and holds.

    Args:
        catalog: Reference data (its ``generations`` table and the kinds that have them).
        enabled: Whether the scenario applies them (``generations.enabled``).
        index: The model's item index (the generations' part must be a stock item).
    """

    def __init__(self, catalog: Catalog, enabled: bool, index: dict[str, int]) -> None:
        table = catalog.generations
        self.on = bool(enabled and table is not None and table.part in index)
        self.kinds = {k for k, u in catalog.units.items() if u.generations} if self.on else set()
        rows = table.table if self.on else []
        self.mass_factor = [1.0, *(g.mass_factor for g in rows)]  # by generation, 1-based
        self.earth_share = [1.0, *(g.earth_share for g in rows)]
        self.part = index[table.part] if self.on else -1
        self.last = len(rows)
        self.building = 2  # the seed is generation 1; the first built are generation 2
        self.reference_kg = 0.0  # generational mass there was when this generation began
        self.started_kg = 0.0  # mass of this generation's jobs opened so far

    def begin(self, in_service_kg: float) -> None:
        """Generation 2 begins with the seed in service (called once the seed has landed)."""
        self.reference_kg = in_service_kg

    def factor(self, kind: str) -> float:
        """Mass (and assembly labour) of a unit of ``kind`` started now, over its kind's."""
        if kind not in self.kinds:
            return 1.0
        return self.mass_factor[min(self.building, self.last)]

    def earth_kg(self, kind: str, part_kg: float) -> float:
        """Kg of the generations' part a unit of ``kind`` started now must take Earth-made."""
        if kind not in self.kinds:
            return 0.0
        return part_kg * self.earth_share[min(self.building, self.last)]

    def generation(self, kind: str) -> int:
        """The generation of a unit of ``kind`` started now (0 when off or not generational)."""
        return self.building if kind in self.kinds else 0

    def opened(self, kind: str, kg: float, fleet_kg: Callable[[], float]) -> None:
        """Jobs of ``kind`` weighing ``kg`` were opened; start the next generation if due.

        Args:
            kind: The kind opened.
            kg: Their mass (generation factor included).
            fleet_kg: Generational mass in service and in open jobs now (the next
                generation's reference; asked only when a generation begins).
        """
        if kind not in self.kinds:
            return
        self.started_kg += kg
        if self.started_kg >= self.reference_kg:
            self.building += 1
            self.reference_kg = fleet_kg()
            self.started_kg = 0.0

    def earth_share_now(self) -> float:
        """Share of the part that units started now must take Earth-made (0 when off)."""
        return self.earth_share[min(self.building, self.last)] if self.on else 0.0

    def bom(self, kind: str, bom: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """A kind's bill of materials at the generation being built (kg scaled by its factor)."""
        f = self.factor(kind)
        return bom if f == 1.0 else [(i, q * f) for i, q in bom]

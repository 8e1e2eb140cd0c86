"""Every kilogram the city holds or moves, in one place: stock, imported stock and both ledgers.

A movement of mass touches four records at once: the stock of the item, the imported kg inside
that stock (for closure), the mass ledger (what crossed the city's boundary) and the element
ledger (the same, element by element). :class:`Stocks` owns all four, and its named actions are
the only code that writes them (``tests/test_stocks.py`` checks the package for it):

- in: :meth:`Stocks.mine` (regolith dug), :meth:`Stocks.land` (Earth-made items into stock),
  :meth:`Stocks.land_units` (Earth-made units landed whole), :meth:`Stocks.appear` (parts that
  appear for a job when ``economy.unlimited_materials`` is on);
- within: :meth:`Draft.take` (a job's parts), :meth:`Draft.make` (a recipe's batches),
  :meth:`Stocks.put` (a finished satellite, a rail segment with no slot);
- out: :meth:`Stocks.launch` (satellites and kick stages), :meth:`Stocks.vent` (oxygen beyond
  the tanks), :meth:`Stocks.scrap` (units at the end of their life: recycled or waste);
  remelting scrap (:meth:`Draft.make` of the remelt recipe) shrinks the scrap pool as it goes.

A stage that moves many small amounts (the fabs' recipes, a day's job starts) works on a
:class:`Draft`, the stocks as plain floats, and commits it once: numpy calls on arrays of some
twenty items cost more than the arithmetic. A day's job starts and recipes share one draft
(:meth:`lunarcity.model.LunarCity.step`), committed after the recipes. An action that would
take more than the stock holds raises :class:`StockError`: a negative stock is a bug, not a
shortage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lunarcity.city.mass_ledger import MassLedger

if TYPE_CHECKING:
    from lunarcity.city.element_ledger import ElementLedger
    from lunarcity.stages.build_policy import UnitCost

#: How far past the stock a take may reach before it counts as taking more than there is (kg
#: per kg taken, at least per kg): the stages cap what they take by what is held, up to the
#: 1e-9 they allow for float noise.
ROUNDING = 1e-6


class StockError(RuntimeError):
    """An action would take more of an item than its stock holds (a bug in the stage)."""


def _too_much(kg: float, held: float) -> bool:
    """Whether taking ``kg`` from ``held`` would leave a negative stock (beyond rounding)."""
    return kg - held > ROUNDING * (kg if kg > 1.0 else 1.0)


def _refuse(name: str, kg: float, held: float) -> StockError:
    """The error for taking ``kg`` of ``name`` from a stock of ``held`` kg."""
    return StockError(f"taking {kg!r} kg of {name} from a stock of {held!r} kg")


class Stocks:
    """The city's stocks and the two ledgers of every kilogram in and out.

    Args:
        nodes: Item and unit names; the stocks are indexed in this order.
        elements: The element ledger at the run's soil.
        regolith: Index of the raw item robots mine.
        oxygen: Index of the oxygen item (the fabs' oxygen made is tallied), or None.
        scrap: Index of the scrap item (its element pool shrinks as it is remelted), or None.

    Attributes:
        stock: kg held of each item (and of satellites waiting for launch).
        stock_imp: The imported kg inside each stock.
        ledger: The mass ledger: flows across the city's boundary since founding.
        elements: The element ledger beside it.
        landed_item: kg of each item landed from Earth since founding (the seed, landers, the
            imports inside parts that appear), for the landed summary by category.
        landed_unit: kg of each unit kind (by code) landed whole since founding.
    """

    def __init__(
        self,
        nodes: list[str],
        elements: ElementLedger,
        regolith: int,
        oxygen: int | None = None,
        scrap: int | None = None,
    ) -> None:
        self.nodes = nodes
        self.stock = np.zeros(len(nodes))
        self.stock_imp = np.zeros(len(nodes))
        self.ledger = MassLedger()
        self.landed_item = np.zeros(len(nodes))
        self.landed_unit: dict[int, float] = {}
        self.elements = elements
        self.regolith = regolith
        self.oxygen = oxygen
        self.scrap_item = scrap

    # -- in --------------------------------------------------------------------------------------
    def mine(self, kg: float) -> None:
        """Regolith dug: into stock and into both ledgers as mined."""
        r = self.regolith
        self.stock[r] += kg
        self.ledger.mined_kg += kg
        self.elements.mined(r, kg)

    def land(self, i: int, kg: float) -> None:
        """Earth-made items landed into stock, wholly imported (a lander's cargo, the seed)."""
        self.stock[i] += kg
        self.stock_imp[i] += kg
        self.ledger.landed_kg += kg
        self.landed_item[i] += kg
        self.elements.landed(i, kg)

    def land_units(self, kind: int, kg: float) -> None:
        """Earth-made units landed whole (they go into service, not stock).

        Args:
            kind: The unit kind's code (the element ledger's unit row).
            kg: Their mass.
        """
        self.ledger.landed_kg += kg
        self.landed_unit[kind] = self.landed_unit.get(kind, 0.0) + kg
        self.elements.landed_units(kind, kg)

    def appear(self, units: float, cost: UnitCost) -> float:
        """The parts of ``units`` units appear from regolith and imports, outside fab limits.

        What ``economy.unlimited_materials`` means: the regolith the chain would dig is mined,
        its Earth-only inputs landed, and its co-products left in stock; the parts themselves go
        straight into the job.

        Returns:
            The imported kg inside those parts.
        """
        ledger = self.ledger
        ledger.mined_kg += units * cost.regolith_kg
        self.stock += units * cost.surplus
        imported_kg = units * float(cost.imported.sum())
        ledger.landed_kg += imported_kg
        self.landed_item += units * cost.imported
        self.elements.mined(self.regolith, units * cost.regolith_kg)
        self.elements.landed_kg(units * cost.imported)
        return imported_kg

    # -- within ----------------------------------------------------------------------------------
    def put(self, i: int, kg: float, imported_kg: float) -> None:
        """Something the city made goes into stock (a finished satellite, a spare rail segment)."""
        self.stock[i] += kg
        self.stock_imp[i] += imported_kg

    def draft(self) -> Draft:
        """The stocks as plain floats, for a stage that moves many small amounts."""
        return Draft(self)

    # -- out -------------------------------------------------------------------------------------
    def launch(self, i: int, n: int, kg: float) -> None:
        """``n`` of item ``i`` (``kg`` each: a satellite, a kick stage) leave the Moon."""
        stock, stock_imp = self.stock, self.stock_imp
        if _too_much(n * kg, float(stock[i])):
            raise _refuse(self.nodes[i], n * kg, float(stock[i]))
        share = stock_imp[i] / stock[i] if stock[i] > 0 else 0.0
        stock[i] -= n * kg
        stock_imp[i] -= n * kg * share
        self.ledger.launched_kg += n * kg
        self.elements.launch(i, n * kg)

    def count_launches(self, n: int, compute_kw: float, delivered: bool) -> None:
        """Tally ``n`` satellites launched, each with ``compute_kw`` of compute.

        Args:
            n: Satellites launched.
            compute_kw: Compute each carries.
            delivered: Their kick stage reaches the destination (the compute is delivered).
        """
        ledger = self.ledger
        ledger.satellites_launched += n
        ledger.compute_in_orbit_kw += n * compute_kw
        if delivered:
            ledger.compute_delivered_kw += n * compute_kw

    def vent(self, i: int, keep_kg: float) -> float:
        """Let go what stock of gas ``i`` holds beyond ``keep_kg``; returns the kg vented."""
        stock = self.stock
        extra = float(stock[i]) - keep_kg
        if extra <= 0:
            return 0.0
        share = self.stock_imp[i] / stock[i]
        stock[i] = keep_kg
        self.stock_imp[i] -= extra * share
        self.ledger.vented_kg += extra
        self.elements.vent(i, extra)
        return extra

    def scrap(self, kind: int, mass_kg: float, imported_kg: float, fraction: float) -> float:
        """Units scrapped: what remelting can return goes into the scrap stock, the rest is waste.

        Args:
            kind: The unit kind's code.
            mass_kg: The scrapped units' mass.
            imported_kg: The imported kg inside them (the scrap keeps its share).
            fraction: Share of the recoverable materials recycled (0 without a scrap item).

        Returns:
            The kg recycled into the scrap stock.
        """
        # np.add.reduce: ndarray.sum's reduction (the same pairwise sum) without its wrapper.
        recycled = float(np.add.reduce(self.elements.scrap_units(kind, mass_kg, fraction)))
        if recycled > 0:
            i = self.scrap_item
            self.stock[i] += recycled
            self.stock_imp[i] += imported_kg * recycled / mass_kg
        self.ledger.waste_kg += mass_kg - recycled
        return recycled

    # -- tallies beside the mass -----------------------------------------------------------------
    def count_lander(self, lost: bool) -> None:
        """Tally a lander that arrived or was lost."""
        if lost:
            self.ledger.landers_lost += 1
        else:
            self.ledger.landers_arrived += 1


class Draft:
    """The stocks as plain floats while a stage moves many small amounts; :meth:`commit` once.

    A recipe touches two or three of some twenty items and a bill of materials a handful:
    plain floats beat numpy calls on arrays that small.

    Attributes:
        stock: kg held of each item (read it to cap what a stage takes).
        stock_imp: Imported kg inside each stock.
        made: kg each recipe run on this draft has put out, by item.
    """

    def __init__(self, stocks: Stocks) -> None:
        self._stocks = stocks
        self.stock = stocks.stock.tolist()
        self.stock_imp = stocks.stock_imp.tolist()
        self.made = [0.0] * len(self.stock)
        self._moved = False

    def take(self, bom: list[tuple[int, float]], n: int, earth_i: int, earth_q: float) -> float:
        """Take the parts of ``n`` units of bill ``bom`` [(item, kg)]; returns imported kg inside.

        Args:
            bom: The unit's bill of materials.
            n: Units whose parts are taken.
            earth_i: An item of which ``earth_q`` kg per unit must be Earth-made (-1 for none):
                that share comes out of the imported stock first.
            earth_q: Earth-made kg of ``earth_i`` per unit.
        """
        stock, stock_imp = self.stock, self.stock_imp
        imported = 0.0
        for i, q in bom if n else ():
            held, kg = stock[i], q * n
            if kg - held > ROUNDING * (kg if kg > 1.0 else 1.0):  # _too_much, inline: hot
                raise _refuse(self._stocks.nodes[i], kg, held)
            if i == earth_i and earth_q > 0:
                e_kg = min(earth_q * n, stock_imp[i])
                imported += e_kg
                stock_imp[i] -= e_kg
                held -= e_kg
                kg -= e_kg
                stock[i] = max(held, 0.0)
            if held > 0:
                imp = kg * (stock_imp[i] / held)
                imported += imp
                imp_left = stock_imp[i] - imp
                stock_imp[i] = 0.0 if imp_left < 0.0 else imp_left  # max(x, 0.0), inline
            left = held - kg
            stock[i] = 0.0 if left < 0.0 else left
            self._moved = True
        return imported

    def make(
        self,
        ins: list[tuple[int, float]],
        outs: list[tuple[int, float]],
        batches: float,
        out_total: float,
    ) -> float:
        """Run ``batches`` of a recipe: inputs out of stock, outputs in; returns the kg made.

        The imported share of the outputs follows the imported share of the inputs.

        Args:
            ins: [(item, kg per batch)] taken.
            outs: [(item, kg per batch)] made.
            batches: Batches run (capped by the stage to what the inputs allow).
            out_total: kg put out per batch.
        """
        stock, stock_imp, made = self.stock, self.stock_imp, self.made
        imp_in = 0.0
        for i, q in ins:
            held = stock[i]
            used = q * batches
            if used - held > ROUNDING * (used if used > 1.0 else 1.0):  # _too_much, inline
                raise _refuse(self._stocks.nodes[i], used, held)
            if held > 0:
                imp = used * (stock_imp[i] / held)
                imp_in += imp
                stock_imp[i] -= imp
            left = held - used
            stock[i] = 0.0 if left < 0.0 else left  # max(left, 0.0), inline: hot
        total_out = out_total * batches
        for i, q in outs:
            out = q * batches
            stock[i] += out
            made[i] += out
            if imp_in > 0:
                stock_imp[i] += out * (imp_in / total_out)
        self._moved = True
        return total_out

    def commit(self) -> None:
        """Write the draft back into the stocks and the ledgers (nothing if nothing moved).

        Scrap remelted shrinks the element ledger's scrap pool in its own mix, and oxygen the
        recipes made is tallied.
        """
        stocks = self._stocks
        s = stocks.scrap_item
        if not self._moved:
            return
        if s is not None and self.stock[s] != stocks.stock[s]:
            stocks.elements.scrap_used(stocks.stock[s] - self.stock[s])
        stocks.stock[:] = self.stock
        stocks.stock_imp[:] = self.stock_imp
        if stocks.oxygen is not None:
            stocks.ledger.oxygen_made_kg += self.made[stocks.oxygen]

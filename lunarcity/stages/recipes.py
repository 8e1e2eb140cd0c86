"""Fabs run their recipes: the day's batches, in dependency order, as far as inputs allow.

The plan (:mod:`lunarcity.stages.plan`) sets each recipe's batches within the fab-hours there are;
dispatch scales them by the share of the fabs' energy served. Here each recipe runs in turn,
upstream first, capped by the inputs in stock; inputs only Earth supplies are shared fairly
among the recipes that want them. Outputs go to stock at once (a downstream recipe can use
them the same day), and the imported share of each stock follows its inputs (for closure).
Remelting returns what was scrapped: the remelt recipe's outputs follow the scrap pool's mix
(:class:`RecipeBook`, day state beside the run's fixed :class:`~lunarcity.world.economy_arrays.
EconomyArrays`, updated by :func:`remelt_follows_scrap`), and oxygen beyond what the plants'
tanks hold is vented (:func:`vent_oxygen`); every kilogram moves through
:class:`lunarcity.city.stocks.Stocks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lunarcity.constants import FLOAT_NOISE
from lunarcity.world.chemistry import TOLERANCE

if TYPE_CHECKING:
    from lunarcity.city.stocks import Draft
    from lunarcity.model import LunarCity
    from lunarcity.world.economy_arrays import EconomyArrays, RecipeIO


#: What the plan reads of a recipe: its outputs [(item, batches per kg)], its fab's index, its
#: hours a batch and its recycled inputs [(item, kg a batch)] (:attr:`RecipeBook.plan_rows`).
PlanRow = tuple[list[tuple[int, float]], int, float, list[tuple[int, float]]]


class RecipeBook:
    """The recipes as the day runs them: the run's compiled recipes, but remelting follows scrap.

    The economy's arrays are fixed for the run; only the remelt recipe changes, as units are
    scrapped (its outputs are the scrap pool's own mix). That change is day state, kept here.

    Args:
        arrays: The economy compiled for the run.

    Attributes:
        io: Each recipe as :data:`~lunarcity.world.economy_arrays.RecipeIO` (the remelt recipe's
            outputs as of the last scrapping).
        per_output: Batches per kg of each output, by recipe (the remelt row as of the last
            scrapping).
        remelt_out: kg of each item out per remelt batch now, or None without a remelt recipe.
        ran: Batches each recipe has run since founding (what the co-products cost,
            lunarcity/results/co_products.py).
        made: kg of each item the recipes have made since founding.
        remelt_in_kg: kg into one remelt batch (0 without a remelt recipe).
        plan_rows: Per recipe, what the plan reads of it (see :meth:`output_rows`):
            [(item, batches per kg)] of its nonzero ``per_output`` entries (the plan's batches
            of a recipe are the largest of its outputs' stock gap times these, a few entries a
            recipe instead of every item), its fab's index in ``fab_of_recipes``, its hours a
            batch, and its recycled inputs [(item, kg a batch)] (empty unless it runs on scrap).
        tanks: The fab kinds with oxygen tanks and each one's kg (:func:`vent_oxygen`; None
            until first read).
    """

    def __init__(self, arrays: EconomyArrays) -> None:
        self.io: list[RecipeIO] = list(arrays.recipe_io)
        self.ran: list[float] = [0.0] * len(self.io)
        self.made = np.zeros(len(arrays.nodes))
        self.per_output = arrays.per_output.copy()
        r = arrays.remelt
        self.remelt_out = arrays.r_out[r].copy() if r is not None else None
        # kg into a remelt batch: fixed for the run (only its outputs follow the scrap).
        self.remelt_in_kg = float(arrays.r_in[r].sum()) if r is not None else 0.0
        recycled = set(arrays.recycled_recipes)
        self.plan_rows: list[PlanRow] = [
            ([], k, h, arrays.recipe_io[r][0] if r in recycled else [])
            for r, (k, h) in enumerate(
                zip(arrays.recipe_fab.tolist(), arrays.r_time.tolist(), strict=True)
            )
        ]
        self.tanks: list[tuple[str, float]] | None = None
        self.output_rows()

    def output_rows(self, row: int | None = None) -> None:
        """Write ``plan_rows``' outputs from ``per_output``: one recipe's row, or all (``None``)."""
        per_output = self.per_output
        for r in range(len(per_output)) if row is None else (row,):
            # Some fifty items, a few nonzero: a pass in plain floats (remelting's row is
            # written again on each day of scrapping) under numpy's calls to find and gather.
            outs = [(i, v) for i, v in enumerate(per_output[r].tolist()) if v]
            _, k, h, recycled = self.plan_rows[r]
            self.plan_rows[r] = (outs, k, h, recycled)


@dataclass(frozen=True)
class Production:
    """What the fabs made today.

    Attributes:
        made_kg: Output of every recipe run today (kg).
        by_fab: Output by fab kind (kg).
        produced: Gross output by item (kg, in the compiled economy's node order).
        vented_kg: Oxygen let go today because no tank could hold it.
        shortfalls: (item, kg of output not made) for every recipe its inputs held back, in
            the order they happened.
    """

    made_kg: float
    by_fab: dict[str, float]
    produced: np.ndarray
    shortfalls: tuple[tuple[str, float], ...]
    vented_kg: float = 0.0


def run_recipes(city: LunarCity, batches: np.ndarray, draft: Draft | None = None) -> Production:
    """Run planned ``batches`` in dependency order, capped by the inputs in stock.

    Args:
        city: The city.
        batches: Batches planned per recipe.
        draft: The day's draft of the stocks, with the parts today's jobs took (committed
            here), or None: a draft of the stocks as they are.
    """
    arrays = city.arrays
    book = city.recipe_book
    # A recipe touches two or three of some twenty items: plain floats beat numpy calls on
    # arrays that small, and the day's stock goes back into the arrays once, at the end.
    batches = batches.tolist()
    if draft is None:
        draft = city.stocks.draft()
    stock = draft.stock
    # Inputs only Earth supplies are shared fairly among the recipes that want them, rather
    # than going to whichever recipe comes first.
    for i, users in arrays.imported_inputs:
        held = stock[i]
        if held > 0:  # none held: nothing to share (and no sum to work)
            want = math.fsum([batches[r] * q for r, q in users])
            if want > held:
                for r, _ in users:
                    batches[r] *= held / want
    made = 0.0
    by_fab: dict[str, float] = {}
    shortfalls: list[tuple[str, float]] = []
    ran = book.ran
    make = draft.make
    for r, (b, (ins, outs, fab, out_total)) in enumerate(zip(batches, book.io, strict=True)):
        if b <= 0:
            continue
        # The input that allows the fewest batches (the first of equals: ``ins`` runs by item).
        can, short = math.inf, -1
        for i, q in ins:
            c = stock[i] / q
            if c < can:
                can, short = c, i
        if can < b * (1.0 - FLOAT_NOISE):  # a shortfall of rounding size is not a shortage
            shortfalls.append((arrays.nodes[short], (b - can) * out_total))
            b = can
        if b <= 0:
            continue
        ran[r] += b
        total_out = make(ins, outs, b, out_total)
        made += total_out
        by_fab[fab] = by_fab.get(fab, 0.0) + total_out
    # Scrap remelted shrinks the scrap pool; oxygen made is tallied (Draft.commit).
    draft.commit()
    vented = vent_oxygen(city) if arrays.oxygen is not None else 0.0
    produced = np.array(draft.made)
    book.made += produced
    return Production(
        made_kg=made,
        by_fab=by_fab,
        produced=produced,
        shortfalls=tuple(shortfalls),
        vented_kg=vented,
    )


def vent_oxygen(city: LunarCity) -> float:
    """Let go the oxygen beyond what the plants' own tanks hold; returns the kg vented."""
    book = city.recipe_book
    tanks = book.tanks
    if tanks is None:
        # The fab kinds with tanks and each one's kg: fixed for the run, read once.
        specs = city.specs
        tanks = book.tanks = [
            (k, specs[k].oxygen_storage_kg)
            for k in city.fab_kinds
            if specs[k].oxygen_storage_kg > 0
        ]
    count = city.fleet.count
    cap = math.fsum([count(k) * kg for k, kg in tanks])
    return city.stocks.vent(city.arrays.oxygen, cap)


def remelt_follows_scrap(city: LunarCity) -> None:
    """Remelting returns the scrap pool's own mix: the remelt recipe's outputs follow it.

    Called when units are scrapped (the only time the pool's mix changes).
    """
    arrays = city.arrays
    book = city.recipe_book
    r = arrays.remelt
    if r is None:
        return
    out = city.elements.remelt_mix() * book.remelt_in_kg
    book.remelt_out = out
    total = float(np.add.reduce(out))  # ndarray.sum's reduction, without its wrapper
    # A material the pool holds only in trace (scrapped long ago, remelted down geometrically) is
    # no reason to remelt: batches per kg of it would overflow to inf and the plan would ask
    # for inf x 0 = NaN batches. The trace still comes out with the rest (the mass balances).
    # The row is worked in plain floats (the same divisions and comparisons element by
    # element): some fifty items, on each day of scrapping, under a dozen numpy calls.
    trace = TOLERANCE * total
    kg = out.tolist()
    book.per_output[r] = [1.0 / x if x > trace else 0.0 for x in kg]
    book.output_rows(r)
    ins, _, fab, _ = book.io[r]
    book.io[r] = (ins, [(i, x) for i, x in enumerate(kg) if x], fab, total)

"""Fabs run their recipes: the day's batches, in dependency order, as far as inputs allow.

The plan (:mod:`lunarcity.plan`) sets each recipe's batches within the fab-hours there are;
dispatch scales them by the share of the fabs' energy served. Here each recipe runs in turn,
upstream first, capped by the inputs in stock; inputs only Earth supplies are shared fairly
among the recipes that want them. Outputs go to stock at once (a downstream recipe can use
them the same day), and the imported share of each stock follows its inputs (for closure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lunarcity.model import LunarCity


@dataclass(frozen=True)
class Production:
    """What the fabs made today.

    Attributes:
        made_kg: Output of every recipe run today (kg).
        by_fab: Output by fab kind (kg).
        produced: Gross output by item (kg, in the compiled economy's node order).
        shortfalls: (item, kg of output not made) for every recipe its inputs held back, in
            the order they happened.
    """

    made_kg: float
    by_fab: dict[str, float]
    produced: np.ndarray
    shortfalls: tuple[tuple[str, float], ...]


def run_recipes(city: LunarCity, batches: np.ndarray) -> Production:
    """Run planned ``batches`` in dependency order, capped by the inputs in stock."""
    arrays = city.arrays
    # A recipe touches two or three of some twenty items: plain floats beat numpy calls on
    # arrays that small, and the day's stock goes back into the arrays once, at the end.
    batches = batches.tolist()
    stock, stock_imp = city.stock.tolist(), city.stock_imp.tolist()
    # Inputs only Earth supplies are shared fairly among the recipes that want them, rather
    # than going to whichever recipe comes first.
    for i, users in arrays.imported_inputs:
        want = sum(batches[r] * q for r, q in users)
        if want > stock[i] > 0:
            for r, _ in users:
                batches[r] *= stock[i] / want
    made = 0.0
    prod = [0.0] * len(stock)
    by_fab: dict[str, float] = {}
    shortfalls: list[tuple[str, float]] = []
    for b, (ins, outs, fab, out_total) in zip(batches, arrays.recipe_io, strict=True):
        if b <= 0:
            continue
        can, short = min((stock[i] / q, i) for i, q in ins)
        if can < b * (1.0 - 1e-9):  # a shortfall of rounding size is not a shortage
            shortfalls.append((arrays.nodes[short], (b - can) * out_total))
            b = can
        if b <= 0:
            continue
        imp_in = 0.0
        for i, q in ins:
            held = stock[i]
            used = q * b
            if held > 0:
                imp = used * (stock_imp[i] / held)
                imp_in += imp
                stock_imp[i] -= imp
            stock[i] = max(held - used, 0.0)
        total_out = out_total * b
        for i, q in outs:
            out = q * b
            stock[i] += out
            prod[i] += out
            if imp_in > 0:
                stock_imp[i] += out * (imp_in / total_out)
        made += total_out
        by_fab[fab] = by_fab.get(fab, 0.0) + total_out
    city.stock[:] = stock
    city.stock_imp[:] = stock_imp
    return Production(
        made_kg=made,
        by_fab=by_fab,
        produced=np.array(prod),
        shortfalls=tuple(shortfalls),
    )

"""Co-products: what the city's recipes made beyond what its plan keeps, and what it cost.

The plan runs a recipe only for an output it lacks (lunarcity/stages/plan.py: a recipe's batches are
the largest gap among its outputs between the stock the plan keeps, ``planner.stock_days`` of
today's need, and the stock held), so no recipe runs for outputs nobody pulls. A recipe pulled
for one output still makes all its others: the electrolysis plant pulled for its alloy makes
slag and oxygen, silicon refining pulled for iron makes silicon. Those pile up, and the energy
that made them was spent all the same. The summary's ``co_products`` block says, for each item
held beyond the plan's stock, how much was made, how much is held and beyond the plan, and the
energy that made the surplus: each recipe's energy shared among its outputs by mass (the usual
allocation when one process serves several products), then the surplus's share of all of the
item made.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from lunarcity import portable
from lunarcity.constants import KG_PER_T, KW_PER_MW

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

#: An item's surplus is reported once it is a tonne and a hundredth of all of it made: smaller
#: ones are the stock's day-to-day rounding, not a pile.
MIN_SURPLUS_KG = 1000.0
MIN_SURPLUS_SHARE = 0.01


def co_products(city: LunarCity) -> dict[str, Any]:
    """The summary's ``co_products`` block (see the module).

    Returns:
        ``items``: {item: {made_t, stock_t, surplus_t, energy_mwh}} for each non-waste item whose
        stock exceeds the plan's by at least a tonne and 1 % of what was made, largest surplus
        first; ``energy_mwh``: their total; ``share_of_fab_energy``: that total against the
        energy of every batch run (0 when none ran).
    """
    arrays = city.arrays
    book = city.recipe_book
    ran = np.asarray(book.ran)
    out = arrays.r_out
    per_batch_out = out.sum(axis=1)
    # kWh each recipe spent on each of its outputs, by the outputs' mass.
    spent = (ran * arrays.r_energy / np.where(per_batch_out > 0, per_batch_out, 1.0))[:, None] * out
    energy_by_item = spent.sum(axis=0)
    today = city.today
    need = today.plan.need if today is not None else np.zeros(len(arrays.nodes))
    keep = city.params.planner.stock_days * need
    surplus = np.maximum(0.0, city.stock - keep)
    items: dict[str, dict[str, float]] = {}
    for i in np.argsort(-surplus, kind="stable"):
        name = arrays.nodes[i]
        made = float(book.made[i])
        if made <= 0 or city.catalog.items.get(name) is None or city.catalog.items[name].waste:
            continue
        extra = float(min(surplus[i], made))
        if extra < MIN_SURPLUS_KG or extra < MIN_SURPLUS_SHARE * made:
            continue
        items[name] = {
            "made_t": made / KG_PER_T,
            "stock_t": float(city.stock[i]) / KG_PER_T,
            "surplus_t": extra / KG_PER_T,
            "energy_mwh": float(energy_by_item[i]) * extra / made / KW_PER_MW,
        }
    total = math.fsum(v["energy_mwh"] for v in items.values())
    all_mwh = portable.dot(ran, arrays.r_energy) / KW_PER_MW
    return {
        "items": items,
        "energy_mwh": total,
        "share_of_fab_energy": total / all_mwh if all_mwh > 0 else 0.0,
    }

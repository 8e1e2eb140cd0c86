"""How far the city grows below its data's bound, and which causes explain the gap.

On the bound's own footing (the default city, nothing landed after the seed but every Earth-only
input free: ``earth.imports=false``, ``earth.free_vitamins=true``), each cause the bound leaves
out (lunarcity/world/growth_bound.py) is switched off in turn and the run's best trailing-year doubling
measured again. A cause's share of the gap is how much nearer the bound switching it off alone
brings the best doubling; the shares need not add up (causes interact), and what they leave is
shown as unexplained. A negative share means the city grows slower without the cause (stocks
held as buffers keep its fabs fed). Dark spells have no switch in the model yet and are listed
as such rather than guessed.
"""

from __future__ import annotations

import math
from typing import Any

from lunarcity.world.growth_bound import balanced_growth, city_problem

#: The bound's footing: Earth-only inputs free, nothing else from Earth after the seed.
FOOTING: dict[str, Any] = {"earth__imports": False, "earth__free_vitamins": True}
#: Agent kinds whose failures the repairs-and-failures switch turns off.
FAILING_KINDS = (
    "robot",
    "regolith_plant",
    "metal_works",
    "solar_fab",
    "electronics_fab",
    "solar_plant",
    "storage_bank",
)


def causes(preset: str = "ten_year_city") -> dict[str, dict[str, Any] | None]:
    """Each cause as the overrides that switch it off (None: no switch in the model)."""
    from lunarcity.model import LunarCity  # the bound's mix needs the city's data

    city = LunarCity(preset, **FOOTING)
    bound = balanced_growth(city_problem(city))
    units = city.catalog.units
    seed = dict(city.params.seed.units)
    seed_kg = math.fsum(units[k].mass_kg * n for k, n in seed.items() if k in bound.mix)
    at_mix = {k: max(1, round(s * seed_kg / units[k].mass_kg)) for k, s in bound.mix.items()}
    return {
        # 1e5 t.km a day, the schema's largest: hauling takes next to no robot-days.
        "hauling labour": {"units__robot__haul_tkm_per_day": 1e5},
        "repairs and failures": {f"units__{k}__failures_per_year": 0.0 for k in FAILING_KINDS},
        "dark spells": None,
        # A day of parts instead of 30: the fabs make what today's builders take.
        "stock buffers": {"planner__stock_days": 1.0},
        # The seed's growth units at the bound's mix, at about the same mass.
        "the seed's imbalance": {"seed__units": seed | at_mix},
        # The bound's own mix, fixed, with no output and no storage.
        "the planner's rule": {"planner__policy": "fixed_mix", "planner__mix": bound.mix},
    }


def gap_table(preset: str = "ten_year_city") -> str:
    """The Markdown table of the gap and each cause's share of it (seed 1, fresh runs)."""
    from lunarcity.runner import run

    base = run(preset, seed=1, **FOOTING).summary["growth"]
    bound, best = base["bound_doubling_years"], base["best_doubling_years"]
    gap = best - bound
    lines = [
        f"Bound: a doubling every {bound:.2f} years; the city's best trailing-year doubling "
        f"{best:.2f} years (efficiency {base['efficiency']:.2f}); gap {gap:.2f} years.",
        "",
        "| cause switched off | best doubling (years) | efficiency | share of the gap |",
        "|---|---|---|---|",
    ]
    explained = 0.0
    for label, overrides in causes(preset).items():
        if overrides is None:
            lines.append(f"| {label} | no switch in the model | | not measured |")
            continue
        g = run(preset, seed=1, **FOOTING, **overrides).summary["growth"]
        share = (best - g["best_doubling_years"]) / gap if gap > 0 else 0.0
        explained += max(share, 0.0)
        lines.append(
            f"| {label} | {g['best_doubling_years']:.2f} | {g['efficiency']:.2f} | {share:.0%} |"
        )
    lines.append(f"| unexplained (1 - the positive shares) | | | {1.0 - explained:.0%} |")
    return "\n".join(lines) + "\n"

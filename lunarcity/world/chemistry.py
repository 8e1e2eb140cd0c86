"""Element bookkeeping: oxides to elements, and what an element-driven recipe yields.

Lunar soil is a mixture of oxides (SiO2, Al2O3, CaO, FeO, MgO, TiO2, and a little else). A
reduction process (molten regolith electrolysis, molten-salt reduction) takes chosen elements out
of their oxides: the metal goes to one item, the oxygen that was bound to it to another, and the
rest of the feed stays behind as a remainder whose composition is computed element by element.
Nothing here decides yields: the recipes in data/recipes.yaml do; this module only does the
stoichiometry, so that no recipe can make an element its inputs do not hold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from lunarcity.constants import FLOAT_NOISE

# Standard atomic masses (g/mol), IUPAC 2021, to the precision stoichiometry here needs.
ATOMIC_MASS = {
    "O": 15.999,
    "Si": 28.086,
    "Al": 26.982,
    "Ca": 40.078,
    "Fe": 55.845,
    "Mg": 24.305,
    "Ti": 47.867,
    "C": 12.011,
    "Cl": 35.453,
    "Sn": 118.71,
    "H": 1.008,
}

# Oxide -> (cation, cations per formula unit, oxygens per formula unit).
OXIDES = {
    "SiO2": ("Si", 1, 2),
    "Al2O3": ("Al", 2, 3),
    "CaO": ("Ca", 1, 1),
    "FeO": ("Fe", 1, 1),
    "MgO": ("Mg", 1, 1),
    "TiO2": ("Ti", 1, 2),
}

# kg of oxygen bound to one kg of each cation in its oxide: what reducing that kg frees.
OXYGEN_PER_KG = {
    cation: m * ATOMIC_MASS["O"] / (n * ATOMIC_MASS[cation]) for cation, n, m in OXIDES.values()
}

OTHER = "other"  # minor oxides (Na2O, K2O, Cr2O3, MnO, P2O5) that no process here reduces
EARTH = "earth"  # Earth-made hardware whose composition the data does not break down
TOLERANCE = FLOAT_NOISE  # relative; an element "made" below this is rounding, not creation

Vector = dict[str, float]


def oxides_to_elements(oxides_wt_pct: Mapping[str, float]) -> Vector:
    """Element mass fractions of a soil given as oxide weight percentages.

    What the listed oxides leave of 100 % is kept as the pseudo-element ``other``.

    Args:
        oxides_wt_pct: Oxide name (``SiO2``, ``Al2O3``, ...) -> weight percent.

    Raises:
        ValueError: an unknown oxide, or percentages summing to more than 100.
    """
    out: Vector = {"O": 0.0}
    total = 0.0
    for oxide, pct in oxides_wt_pct.items():
        if oxide not in OXIDES:
            raise ValueError(f"unknown oxide '{oxide}'; known: {', '.join(OXIDES)}")
        cation, n, m = OXIDES[oxide]
        formula = n * ATOMIC_MASS[cation] + m * ATOMIC_MASS["O"]
        share = pct / 100.0
        out[cation] = out.get(cation, 0.0) + share * n * ATOMIC_MASS[cation] / formula
        out["O"] += share * m * ATOMIC_MASS["O"] / formula
        total += pct
    if total > 100.0 + FLOAT_NOISE:
        raise ValueError(f"oxide percentages sum to {total:g}, more than 100")
    out[OTHER] = max(0.0, 1.0 - total / 100.0)
    return out


def scale(v: Mapping[str, float], k: float) -> Vector:
    """``k * v``."""
    return {e: k * q for e, q in v.items()}


def add(into: Vector, v: Mapping[str, float], k: float = 1.0) -> Vector:
    """``into += k * v`` in place; returns ``into``."""
    for e, q in v.items():
        into[e] = into.get(e, 0.0) + k * q
    return into


def total(v: Mapping[str, float]) -> float:
    """The mass of an element vector."""
    return math.fsum(v.values())


def normalised(v: Mapping[str, float]) -> Vector:
    """Mass fractions (summing to one) of a non-empty element vector."""
    mass = total(v)
    return {e: q / mass for e, q in v.items() if q != 0.0}


def mix(parts: Iterable[tuple[Mapping[str, float], float]]) -> Vector:
    """The element mass vector of ``kg`` of each composition, summed."""
    out: Vector = {}
    for comp, kg in parts:
        add(out, comp, kg)
    return out


def negative_elements(v: Mapping[str, float], scale_kg: float) -> list[str]:
    """Elements below zero by more than rounding (relative to ``scale_kg``)."""
    return [e for e, q in v.items() if q < -TOLERANCE * max(scale_kg, 1.0)]


def reduce(feed: Mapping[str, float], fractions: Mapping[str, float]) -> tuple[Vector, float]:
    """Take ``fractions`` of elements out of their oxides in ``feed`` (kg of each element).

    Args:
        feed: Element masses (kg) of the feed, metals held as oxides.
        fractions: Cation -> share of it reduced to metal.

    Returns:
        (metal reduced by element (kg), oxygen freed (kg)).

    Raises:
        ValueError: an element that is not held as an oxide here, or more oxygen freed than
            the feed holds.
    """
    metal: Vector = {}
    oxygen = 0.0
    for element, f in fractions.items():
        if element not in OXYGEN_PER_KG:
            raise ValueError(f"'{element}' is not reduced from an oxide here")
        kg = feed.get(element, 0.0) * f
        metal[element] = kg
        oxygen += kg * OXYGEN_PER_KG[element]
    if oxygen > feed.get("O", 0.0) * (1.0 + TOLERANCE):
        raise ValueError(
            f"frees {oxygen:.6g} kg of oxygen from a feed holding {feed.get('O', 0.0):.6g} kg"
        )
    return metal, oxygen

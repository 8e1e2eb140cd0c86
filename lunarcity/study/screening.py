"""Screening: which inputs the Morris phase sends on to the Sobol phase.

An input goes on when its mu* (the mean absolute elementary effect, Campolongo et al. 2007, CCS07)
is at least ``keep_share`` of the largest mu* for any screened outcome; the ``min_keep`` inputs with
the largest effects go on whatever their share, so the Sobol phase always ranks a few, and no more
than ``max_keep`` go on (the largest effects), so a spec can bound its Sobol phase's cost.
Inputs screened out stay at the scenario's values in the Sobol phase; the report lists them, and
names apart those that passed the threshold and were dropped only by ``max_keep`` (the rule as
stated is the threshold: a cap that overrides it must be said where the ranking is read).
"""

from __future__ import annotations

from enum import StrEnum

import polars as pl


class Why(StrEnum):
    """Why an input went on to the Sobol phase, or did not."""

    THRESHOLD = "past the threshold"
    FLOOR = "among the largest (the floor)"
    CAPPED = "past the threshold, dropped by the cap"
    BELOW = "below the threshold"


def select_inputs(
    morris: pl.DataFrame,
    parameters: list[str],
    keep_share: float,
    min_keep: int,
    max_keep: int | None = None,
) -> tuple[list[str], pl.DataFrame]:
    """The inputs kept for the Sobol phase, in spec order, and the screening table.

    Args:
        morris: Morris indices (columns ``outcome``, ``parameter``, ``importance``: mu* over the
            largest mu* of that outcome).
        parameters: Every input, in spec order.
        keep_share: The smallest importance kept.
        min_keep: Inputs kept at least (by their largest importance over the outcomes).
        max_keep: Inputs kept at most (the same order), or None for no bound.

    Returns:
        The kept inputs (at least two, as a Sobol design needs) and one row per input:
        ``parameter``, ``importance`` (its largest over the outcomes), ``rank``, ``kept`` and
        ``why`` (a :class:`Why`).
    """
    best = {p: 0.0 for p in parameters}
    for row in morris.iter_rows(named=True):
        value = row["importance"]
        if row["parameter"] in best and value is not None:
            best[row["parameter"]] = max(best[row["parameter"]], float(value))
    # Ties keep spec order, so one study always keeps the same inputs.
    ranked = sorted(parameters, key=lambda p: (-best[p], parameters.index(p)))
    floor = max(2, min(min_keep, len(parameters)))
    ceiling = len(parameters) if max_keep is None else max(floor, max_keep)
    why = {}
    for i, p in enumerate(ranked):
        if best[p] >= keep_share:
            why[p] = Why.THRESHOLD if i < ceiling else Why.CAPPED
        else:
            why[p] = Why.FLOOR if i < floor else Why.BELOW
    kept = {p for p in ranked if why[p] in (Why.THRESHOLD, Why.FLOOR)}
    table = pl.DataFrame(
        {
            "parameter": ranked,
            "importance": [best[p] for p in ranked],
            "rank": list(range(1, len(ranked) + 1)),
            "kept": [p in kept for p in ranked],
            "why": [str(why[p]) for p in ranked],
        }
    )
    return [p for p in parameters if p in kept], table


def dropped_by_cap(table: pl.DataFrame) -> list[str]:
    """The inputs that passed the threshold but were dropped by ``max_keep``, largest first."""
    if "why" not in table.columns:
        return []
    return table.filter(pl.col("why") == str(Why.CAPPED))["parameter"].to_list()

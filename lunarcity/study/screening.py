"""Screening: which inputs the Morris phase sends on to the Sobol phase.

An input goes on when its mu* (the mean absolute elementary effect, Campolongo et al. 2007) is
at least ``keep_share`` of the largest mu* for any screened outcome; the ``min_keep`` inputs
with the largest effects go on whatever their share, so the Sobol phase always ranks a few, and
no more than ``max_keep`` go on (the largest effects), so a spec can bound its Sobol phase's cost.
Inputs screened out stay at the scenario's values in the Sobol phase; the report lists them.
"""

from __future__ import annotations

import polars as pl


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
        ``parameter``, ``importance`` (its largest over the outcomes), ``rank``, ``kept``.
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
    kept = {p for i, p in enumerate(ranked) if i < ceiling and (i < floor or best[p] >= keep_share)}
    table = pl.DataFrame(
        {
            "parameter": ranked,
            "importance": [best[p] for p in ranked],
            "rank": list(range(1, len(ranked) + 1)),
            "kept": [p in kept for p in ranked],
        }
    )
    return [p for p in parameters if p in kept], table

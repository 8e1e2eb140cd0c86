"""Has the Sobol ranking converged? The indices at N/2 against those at N.

A Saltelli sample of base size N is N blocks of (k + 2) points (SALib's order: A, the k mixed
rows, B). Its first N/2 blocks are a Saltelli sample of base size N/2 drawn from the first half
of the same Sobol sequence, so the indices at N/2 cost no extra run. The study has converged
for an outcome when its ``top`` inputs by total-order index keep their ranks and no total-order
index moves by more than ``tolerance`` between N/2 and N.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from lunarcity.sweeps.sensitivity import analyze


def half_sample(
    x: np.ndarray, results: pl.DataFrame, n_base: int, k: int
) -> tuple[np.ndarray, pl.DataFrame]:
    """The design and results of the first ``n_base // 2`` Saltelli blocks."""
    points = (n_base // 2) * (k + 2)
    return x[:points], results.filter(pl.col("point") < points)


def compare(
    full: pl.DataFrame, half: pl.DataFrame, top: int = 3, tolerance: float = 0.05
) -> pl.DataFrame:
    """The convergence verdict of each outcome.

    Args:
        full: Sobol indices at N (``outcome``, ``parameter``, ``ST``, ``rank``).
        half: The same at N/2.
        top: Inputs whose ranks must hold.
        tolerance: Largest move of any total-order index.

    Returns:
        One row per outcome: ``top_full``, ``top_half`` (the top inputs, in rank order),
        ``ranks_hold``, ``max_st_change``, ``converged``.
    """
    rows: list[dict[str, Any]] = []
    for outcome in full["outcome"].unique(maintain_order=True).to_list():
        f = full.filter(pl.col("outcome") == outcome).sort("rank")
        h = half.filter(pl.col("outcome") == outcome).sort("rank")
        n_top = min(top, f.height)
        top_full = f["parameter"].head(n_top).to_list()
        top_half = h["parameter"].head(n_top).to_list()
        if h.height == 0:
            rows.append(_row(outcome, top_full, [], False, None))
            continue
        st_half = dict(zip(h["parameter"], h["ST"], strict=True))
        moves = [
            abs(a - st_half[p])
            for p, a in zip(f["parameter"], f["ST"], strict=True)
            if a is not None and st_half.get(p) is not None
        ]
        missing = any(
            a is None or st_half.get(p) is None
            for p, a in zip(f["parameter"], f["ST"], strict=True)
        )
        max_move = max(moves) if moves else None
        holds = top_full == top_half
        ok = holds and not missing and max_move is not None and max_move <= tolerance
        rows.append(_row(outcome, top_full, top_half, ok, max_move, holds))
    schema = {
        "outcome": pl.String,
        "top_full": pl.List(pl.String),
        "top_half": pl.List(pl.String),
        "ranks_hold": pl.Boolean,
        "max_st_change": pl.Float64,
        "converged": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


def _row(
    outcome: str,
    top_full: list[str],
    top_half: list[str],
    converged: bool,
    max_move: float | None,
    holds: bool = False,
) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "top_full": top_full,
        "top_half": top_half,
        "ranks_hold": holds,
        "max_st_change": max_move,
        "converged": converged,
    }


def sobol_with_convergence(
    info: dict[str, Any],
    x: np.ndarray,
    results: pl.DataFrame,
    outcomes: list[str],
    top: int = 3,
    tolerance: float = 0.05,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, list[str]]:
    """Sobol indices at N and at N/2, and the verdict.

    Returns:
        The indices at N, the indices at N/2, the verdict per outcome, and notes on outcomes
        not analysed.
    """
    full, notes = analyze(info, x, results, outcomes)
    k = int(info["design"]["problem"]["num_vars"])
    n_base = int(info["design"]["samples"])
    hx, hres = half_sample(x, results, n_base, k)
    half, _ = analyze(info, hx, hres, [o for o in outcomes if o in set(full["outcome"])])
    return full, half, compare(full, half, top, tolerance), notes


def pilot_curve(
    info: dict[str, Any], x: np.ndarray, results: pl.DataFrame, outcome: str
) -> pl.DataFrame:
    """Total-order indices of ``outcome`` at N/4, N/2 and N: the pilot convergence curve.

    Each prefix of whole Saltelli blocks is a Saltelli sample of its own size (the module's
    docstring), so the curve costs no run. Sizes below 2 are left out.

    Returns:
        One row per size and input: ``n``, ``parameter``, ``ST``, ``ST_conf``.
    """
    k = int(info["design"]["problem"]["num_vars"])
    n_base = int(info["design"]["samples"])
    frames = []
    for n in (n_base // 4, n_base // 2, n_base):
        if n < 2:
            continue
        points = n * (k + 2)
        table, _ = analyze(info, x[:points], results.filter(pl.col("point") < points), [outcome])
        if table.height:
            frames.append(
                table.select("parameter", "ST", "ST_conf").with_columns(pl.lit(n).alias("n"))
            )
    if not frames:
        return pl.DataFrame(schema={"n": pl.Int64, "parameter": pl.String, "ST": pl.Float64})
    return pl.concat(frames).select("n", "parameter", "ST", "ST_conf")


def size_needed(widest: float, n: int, tolerance: float) -> int:
    """The base sample at which the widest total-order interval would shrink to ``tolerance``.

    A bootstrap interval shrinks as 1 / sqrt(N), so the half-width ``widest`` at N becomes
    ``tolerance`` at N (widest / tolerance)^2, rounded up to a power of two (Saltelli's N). A
    reading of the pilot, not a promise: the curve's own moves say how far to trust it.
    """
    if widest <= tolerance:
        return n
    need = n * (widest / tolerance) ** 2
    return int(2 ** np.ceil(np.log2(need)))

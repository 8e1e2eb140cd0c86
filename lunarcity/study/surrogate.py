"""Sobol indices from a surrogate: a polynomial chaos expansion fitted to the runs.

Sampling estimates of total-order indices (Saltelli/Jansen: SAL10, JAN99) need thousands of runs per
input to settle; on two cores a study cannot afford them. A polynomial chaos expansion (PCE) fitted
by least squares to the runs already made gives the indices in closed form from its coefficients
(Sudret 2008, SUD08: Reliability Engineering & System Safety 93: 964-979): with an orthonormal
basis, the variance is the sum of the squared coefficients of the non-constant terms, an input's
first-order share the sum over the terms in that input alone, its total-order share the sum over
every term that involves it.

The inputs are uniform over their ranges (a log-sampled input uniform in its logarithm), mapped
to [0, 1]; the basis is the tensor products of Legendre polynomials (numpy.polynomial.legendre),
orthonormal under the uniform measure, up to a total degree chosen by the leave-one-out error
on the training runs. The surrogate is judged on runs it was not fitted to: Q^2 (1 - the
held-out squared error over the held-out variance; issue 29 asks >= 0.9 on the deciding
outcome before its indices are read). The intervals are bootstrap percentiles over the training
runs, refitted at the chosen degree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import Any

import numpy as np
import polars as pl
from numpy.polynomial import legendre
from scipy.linalg import solve_triangular

from lunarcity.errors import InputError
from lunarcity.sweeps.sensitivity import point_means

#: The smallest held-out Q^2 at which a surrogate's indices are read (issue 29's rule).
Q2_NEEDED = 0.9
#: Runs per basis term at least: a least-squares fit with fewer overfits (Sudret 2008 uses 2-3).
OVERSAMPLING = 2.0


@dataclass(frozen=True)
class SurrogateSobol:
    """A PCE surrogate's Sobol indices and how well it predicts runs it was not fitted to.

    Attributes:
        table: One row per input: ``parameter``, ``S1``, ``ST``, ``ST_conf`` (half the width of
            the 95 % bootstrap interval), ``ST_low``, ``ST_high``.
        degree: The expansion's total degree, chosen by leave-one-out error.
        terms: Basis terms at that degree.
        q2: Q^2 on the held-out runs.
        n_train: Runs fitted.
        n_test: Runs held out.
    """

    table: pl.DataFrame
    degree: int
    terms: int
    q2: float
    n_train: int
    n_test: int

    @property
    def valid(self) -> bool:
        """Whether the surrogate predicts held-out runs well enough to read its indices."""
        return self.q2 >= Q2_NEEDED


def exponents(dimensions: int, degree: int) -> np.ndarray:
    """Every multi-index of total degree at most ``degree``, the constant term first.

    Returns:
        An integer array of shape (terms, dimensions); terms = C(dimensions + degree, degree).
    """
    rows = [np.zeros(dimensions, dtype=int)]
    for total in range(1, degree + 1):
        for combo in combinations_with_replacement(range(dimensions), total):
            row = np.zeros(dimensions, dtype=int)
            for i in combo:
                row[i] += 1
            rows.append(row)
    return np.array(rows)


def basis(unit: np.ndarray, powers: np.ndarray) -> np.ndarray:
    """The orthonormal Legendre products at points in [0, 1]^d: shape (points, terms).

    P_n on [-1, 1] has mean square 1 / (2n + 1) under the uniform measure, so sqrt(2n + 1) P_n
    has unit variance, and products over independent inputs stay orthonormal.
    """
    z = 2.0 * unit - 1.0
    top = int(powers.max()) if powers.size else 0
    # One column per degree 0..top for each input: sqrt(2n + 1) P_n(z).
    per_input = [
        np.stack(
            [
                math.sqrt(2 * n + 1) * legendre.legval(z[:, j], [0] * n + [1])
                for n in range(top + 1)
            ],
            axis=1,
        )
        for j in range(unit.shape[1])
    ]
    out = np.ones((unit.shape[0], powers.shape[0]))
    for j, values in enumerate(per_input):
        out *= values[:, powers[:, j]]
    return out


def _fit(psi: np.ndarray, y: np.ndarray) -> np.ndarray:
    # Least squares by the thin QR (R c = Q^T y): one factorisation, no SVD.
    q, r = np.linalg.qr(psi)
    return solve_triangular(r, q.T @ y)


def loo_error(psi: np.ndarray, y: np.ndarray) -> float:
    """The leave-one-out squared error over the variance, without refitting.

    For least squares, run i's leave-one-out residual is its residual over 1 - h_ii, h the
    hat matrix's diagonal (Allen 1974, ALL74), read from the thin QR of the design.
    """
    q, r = np.linalg.qr(psi)
    h = np.einsum("ij,ij->i", q, q)
    residual = y - psi @ solve_triangular(r, q.T @ y)
    if np.any(h >= 1.0 - 1e-10):
        return math.inf
    variance = float(np.var(y))
    return float(np.mean((residual / (1.0 - h)) ** 2)) / variance if variance > 0 else math.inf


def indices(coefficients: np.ndarray, powers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total-order Sobol indices from an orthonormal expansion's coefficients.

    Returns:
        (S1, ST), each of length d; zeros when the expansion is constant.
    """
    c2 = coefficients[1:] ** 2
    p = powers[1:]
    variance = float(c2.sum())
    d = powers.shape[1]
    if variance <= 0:
        return np.zeros(d), np.zeros(d)
    involved = p > 0
    alone = involved & (involved.sum(axis=1, keepdims=True) == 1)
    first = (c2[:, None] * alone).sum(axis=0) / variance
    total = (c2[:, None] * involved).sum(axis=0) / variance
    return first, total


def to_unit(values: np.ndarray, low: float, high: float, log: bool = False) -> np.ndarray:
    """An input's values mapped to [0, 1] as it was sampled (a log input in its logarithm)."""
    if log:
        values, low, high = np.log(values), math.log(low), math.log(high)
    return (np.asarray(values, dtype=float) - low) / (high - low)


def pce_sobol(
    unit: np.ndarray,
    y: np.ndarray,
    names: list[str],
    max_degree: int = 6,
    holdout: float = 0.25,
    bootstrap: int = 100,
    seed: int = 0,
) -> SurrogateSobol:
    """Fit a PCE to runs, check it on held-out runs, and read its Sobol indices.

    Args:
        unit: The runs' inputs, each mapped to [0, 1] (:func:`to_unit`), shape (runs, d).
        y: The outcome of each run.
        names: The inputs' names, in column order.
        max_degree: The highest total degree tried.
        holdout: The share of runs held out for Q^2.
        bootstrap: Bootstrap refits for the intervals.
        seed: Seeds the hold-out split and the bootstrap.

    Raises:
        InputError: too few runs for even a degree-1 expansion, or shapes that disagree.
    """
    unit = np.asarray(unit, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(y) & np.isfinite(unit).all(axis=1)
    unit, y = unit[keep], y[keep]
    n, d = unit.shape
    if len(names) != d:
        raise InputError(f"{len(names)} names for {d} inputs", field="names")
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    n_test = int(round(holdout * n))
    test, train = order[:n_test], order[n_test:]
    best: tuple[float, int] | None = None
    for degree in range(1, max_degree + 1):
        powers = exponents(d, degree)
        if powers.shape[0] * OVERSAMPLING > train.size:
            break
        error = loo_error(basis(unit[train], powers), y[train])
        if best is None or error < best[0]:
            best = (error, degree)
    if best is None:
        raise InputError(
            f"{train.size} training runs are too few for a degree-1 expansion of {d} inputs "
            f"(it needs {int((d + 1) * OVERSAMPLING)})",
            field="runs",
        )
    degree = best[1]
    powers = exponents(d, degree)
    psi = basis(unit[train], powers)
    coefficients = _fit(psi, y[train])
    first, total = indices(coefficients, powers)
    if n_test:
        predicted = basis(unit[test], powers) @ coefficients
        spread = float(np.sum((y[test] - y[test].mean()) ** 2))
        q2 = 1.0 - float(np.sum((y[test] - predicted) ** 2)) / spread if spread > 0 else math.nan
    else:
        q2 = math.nan
    totals = []
    for _ in range(bootstrap):
        pick = rng.integers(0, train.size, size=train.size)
        totals.append(indices(_fit(psi[pick], y[train][pick]), powers)[1])
    low, high = np.percentile(np.array(totals), [2.5, 97.5], axis=0) if totals else (total, total)
    table = pl.DataFrame(
        {
            "parameter": names,
            "S1": first,
            "ST": total,
            "ST_conf": (high - low) / 2.0,
            "ST_low": low,
            "ST_high": high,
        }
    ).sort("ST", descending=True)
    return SurrogateSobol(table, degree, int(powers.shape[0]), q2, int(train.size), n_test)


def phase_surrogate(
    info: dict[str, Any], x: np.ndarray, results: pl.DataFrame, outcome: str, seed: int = 0
) -> SurrogateSobol:
    """A study phase's surrogate indices of one outcome, from the runs it already made.

    The design matrix is in the sweep's problem space (log10 for a log input, 0 to 1 for a list
    of values, each sampled uniformly there), so each column maps to [0, 1] by its problem
    bounds; each design point's outcome is the mean over its replicates.

    Args:
        info: The sweep's info (sweep.json), with its SALib problem.
        x: The design matrix in problem space.
        results: The runs' results (``point`` and the outcome).
        outcome: The outcome to explain (a continuous one: a rare yes/no flag fits badly).
        seed: Seeds the hold-out split and the bootstrap.
    """
    problem = info["design"]["problem"]
    bounds = np.asarray(problem["bounds"], dtype=float)
    unit = (np.asarray(x, dtype=float) - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])
    y = point_means(results, outcome, len(x))
    return pce_sobol(unit, y, list(problem["names"]), seed=seed)

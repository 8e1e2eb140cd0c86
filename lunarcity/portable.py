"""Arithmetic whose doubles are the same on every machine.

numpy hands a float product of a vector and a vector or matrix (``np.dot``, ``@``) to BLAS, and
OpenBLAS picks its kernel by the CPU it runs on (Haswell, Zen, SkylakeX...): each kernel adds
the products in its own order and with its own fused multiply-adds, so the last bits of the
result depend on the machine. numpy's own ``exp`` and ``power`` on float arrays likewise take
an AVX-512 code path where the CPU has one. One such bit, fed back day after day, moved a
ten-year run's bottleneck days between two machines with the same Python and packages, and the
golden digests with it. Every product and transcendental function a run's results depend on
goes through here instead:

- a dot product is the exactly rounded sum of the elementwise products (``math.fsum``), which
  no order of addition changes;
- a vector times a matrix adds the matrix's rows scaled by the vector, in row order (numpy's
  elementwise operations round each element alone, whatever the SIMD width; ``np.bincount``
  adds one weight after another);
- ``exp`` and ``power`` of an array call the C library's scalar functions element by element,
  as ``math.exp`` and ``math.pow`` do.

tests/test_portable.py runs a city under two OpenBLAS kernels and checks the tables are equal.
"""

from __future__ import annotations

import math
import sys

import numpy as np


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """The dot product of two vectors: the exactly rounded sum of their products."""
    return math.fsum((a * b).tolist())


class FixedMatrix:
    """A matrix kept for a run, for ``v @ m``: m's rows scaled by v and added in row order.

    Only the nonzero entries are kept (a run's element and bill matrices are ~80 % zeros), in
    row-major order; ``np.bincount`` adds each into its column in that order, one entry after
    the other. Adding a zero entry would leave a sum as it is, so this is the sum row by row.

    Args:
        m: The matrix (copied: later changes to ``m`` are not seen).
    """

    def __init__(self, m: np.ndarray) -> None:
        rows, cols = np.nonzero(m)
        self._rows = rows
        self._cols = cols
        self._values = m[rows, cols]
        self._width = m.shape[1]

    def vector_times(self, v: np.ndarray) -> np.ndarray:
        """``v @ m``, one double for each column of m."""
        return np.bincount(self._cols, weights=v[self._rows] * self._values, minlength=self._width)


def vector_times_matrix(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``v @ m`` for a vector ``v`` and a matrix ``m`` used once (:class:`FixedMatrix`)."""
    return FixedMatrix(m).vector_times(v)


def matrix_times_vector(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``m @ v`` for a matrix ``m`` and a vector ``v``: each row's dot product with v."""
    return np.array([dot(row, v) for row in m])


def exp(x: np.ndarray) -> np.ndarray:
    """``e ** x`` element by element, from the C library's scalar exp."""
    return np.array([math.exp(v) for v in x.ravel().tolist()]).reshape(x.shape)


def power(base: np.ndarray, exponent: float) -> np.ndarray:
    """``base ** exponent`` element by element, from the C library's scalar pow."""
    return np.array([math.pow(v, exponent) for v in base.ravel().tolist()]).reshape(base.shape)


def solve(m: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    """``m^-1 rhs`` for a small square ``m``, by Gaussian elimination in Python floats.

    Partial pivoting, rows swapped to the largest remaining pivot. For the growth bound's
    matrices of a few rows (LAPACK's ``solve`` rounds by its BLAS kernel).

    Returns:
        The solution, or None when ``m`` is singular.
    """
    n = len(m)
    rows = [[*r, *b] for r, b in zip(m.tolist(), rhs.tolist(), strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        if rows[pivot][col] == 0.0:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        top = rows[col]
        for r in range(n):
            if r != col and rows[r][col] != 0.0:
                factor = rows[r][col] / top[col]
                rows[r] = [x - factor * y for x, y in zip(rows[r], top, strict=True)]
    return np.array([[x / r[i] for x in r[n:]] for i, r in enumerate(rows)])


#: Power iterations allowed for a Perron root: the growth bound's matrices converge in ~20.
PERRON_ITERATIONS = 1000


def perron_root(a: np.ndarray) -> float | None:
    """The spectral radius of a matrix with every entry positive, by power iteration.

    Perron's theorem: the radius is a simple real eigenvalue with a positive eigenvector, and
    for any positive x it lies between the least and the largest ratio ``(a x)_i / x_i``
    (Collatz-Wielandt). The iteration stops when the two bounds meet to a few parts in 10^15,
    in Python floats (LAPACK's ``eigvals`` rounds by its BLAS kernel).

    Returns:
        The radius, or None when some entry is not positive or the bounds do not meet.
    """
    rows = a.tolist()
    if not rows or any(x <= 0.0 for r in rows for x in r):
        return None
    x = [1.0] * len(rows)
    for _ in range(PERRON_ITERATIONS):
        ax = [math.fsum(r_i * x_i for r_i, x_i in zip(r, x, strict=True)) for r in rows]
        ratios = [y / x_i for y, x_i in zip(ax, x, strict=True)]
        low, high = min(ratios), max(ratios)
        if high - low <= 4.0 * sys.float_info.epsilon * high:
            return 0.5 * (low + high)
        top = max(ax)
        x = [y / top for y in ax]
    return None

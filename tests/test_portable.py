"""A run's results do not depend on the machine: lunarcity/portable.py's arithmetic."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import sys

import numpy as np
import pytest

from lunarcity import portable

#: numpy's SIMD paths above the x86-64 baseline, all switched off in the second run.
SIMD_ABOVE_BASELINE = (
    "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR AVX2 FMA3 F16C AVX"
)

#: Half a year of the default city, fingerprinted: every daily column and the summary. On the
#: BLAS products this replaced, the two runs below differed from the first half-year.
RUN_AND_HASH = """
import hashlib, lunarcity
r = lunarcity.run(years=0.5)
h = hashlib.sha256()
for name in r.daily.columns:
    h.update(repr(r.daily[name].to_list()).encode())
h.update(repr(sorted(r.summary.items())).encode())
print(h.hexdigest())
"""


def test_a_dot_product_is_the_exactly_rounded_sum() -> None:
    # Left to right, 1e16 + 1 rounds back to 1e16 and the 1 is lost; the exact sum is 1.
    a = np.array([1e16, 1.0, -1e16])
    assert portable.dot(a, np.ones(3)) == 1.0
    assert portable.dot(np.array([2.0, 3.0]), np.array([5.0, 7.0])) == 31.0  # 10 + 21


def test_matrix_products_by_hand() -> None:
    m = np.array([[1.0, 2.0], [10.0, 20.0]])
    # v @ m: 2 x (1, 2) + 3 x (10, 20) = (32, 64); m @ v: (2 + 6, 20 + 60) = (8, 80).
    assert portable.vector_times_matrix(np.array([2.0, 3.0]), m).tolist() == [32.0, 64.0]
    assert portable.matrix_times_vector(m, np.array([2.0, 3.0])).tolist() == [8.0, 80.0]
    # Rows in order: 1e16 + 1 rounds back to 1e16, then - 1e16 leaves 0 (not the exact 1).
    column = portable.FixedMatrix(np.array([[1e16], [1.0], [-1e16]]))
    assert column.vector_times(np.ones(3)).tolist() == [0.0]


def test_exp_and_power_are_the_c_librarys() -> None:
    x = np.array([[0.0, 1.0], [-2.0, 0.5]])
    assert portable.exp(x).tolist() == [[1.0, math.e], [math.exp(-2.0), math.exp(0.5)]]
    assert portable.power(np.array([4.0, 9.0, 2.0]), 0.5).tolist() == [2.0, 3.0, math.sqrt(2.0)]


def test_a_small_system_solved_by_hand() -> None:
    # 2x + y = 5, x + 3y = 10: x = 1, y = 3 (and the second right-hand side, 4 and 7: 1, 2).
    # The first pivot is on the larger 2; a zero pivot forces the swap in the second system.
    m = np.array([[2.0, 1.0], [1.0, 3.0]])
    assert portable.solve(m, np.array([[5.0, 4.0], [10.0, 7.0]])).tolist() == [
        [1.0, 1.0],
        [3.0, 2.0],
    ]
    swapped = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert portable.solve(swapped, np.array([[2.0], [5.0]])).tolist() == [[5.0], [2.0]]
    assert portable.solve(np.array([[1.0, 2.0], [2.0, 4.0]]), np.eye(2)) is None  # singular


def test_a_perron_root_by_hand() -> None:
    # [[2, 1], [1, 2]] has eigenvalues 3 and 1; [[1, 2], [3, 2]]: (lambda - 4)(lambda + 1) = 0.
    assert portable.perron_root(np.array([[2.0, 1.0], [1.0, 2.0]])) == pytest.approx(3.0, 1e-15)
    assert portable.perron_root(np.array([[1.0, 2.0], [3.0, 2.0]])) == pytest.approx(4.0, 1e-14)
    assert portable.perron_root(np.array([[1.0, 0.0], [0.0, 2.0]])) is None  # not positive


def _fingerprint(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_HASH],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86 kernels")
def test_a_run_is_the_same_under_another_blas_kernel_and_without_simd() -> None:
    # OpenBLAS's oldest x86-64 kernel and numpy at its baseline, against this machine's own.
    own = _fingerprint({})
    oldest = _fingerprint(
        {"OPENBLAS_CORETYPE": "Prescott", "NPY_DISABLE_CPU_FEATURES": SIMD_ABOVE_BASELINE}
    )
    assert own == oldest

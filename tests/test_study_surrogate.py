"""Sobol indices from a polynomial chaos surrogate, checked on the Ishigami function."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lunarcity.errors import InputError
from lunarcity.study.surrogate import Q2_NEEDED, basis, exponents, indices, pce_sobol, to_unit


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """f = sin x1 + a sin^2 x2 + b x3^4 sin x1, each x uniform on [-pi, pi]."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices_in_closed_form() -> None:
    # Ishigami and Homma (1990), a = 7, b = 0.1, pi^4 = 97.409, pi^8 = 9488.53:
    #   V1 = (1 + b pi^4 / 5)^2 / 2 = (1 + 1.94818)^2 / 2 = 4.34589
    #   V2 = a^2 / 8 = 6.125
    #   V13 = b^2 pi^8 (1/18 - 1/50) = 94.8853 x 0.035556 = 3.37370
    #   V = a^2 / 8 + b pi^4 / 5 + b^2 pi^8 / 18 + 1/2 = 6.125 + 1.94818 + 5.27141 + 0.5 = 13.8446
    #   S1 = 4.34589 / 13.8446 = 0.3139, S2 = 0.4424, S3 = 0
    #   ST1 = (V1 + V13) / V = 0.5576, ST2 = 0.4424, ST3 = V13 / V = 0.2437
    a, b = 7.0, 0.1
    v1 = (1 + b * math.pi**4 / 5) ** 2 / 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    assert (v1 / v, v2 / v, (v1 + v13) / v, v13 / v) == pytest.approx(
        (0.3139, 0.4424, 0.5576, 0.2437), abs=1e-4
    )
    rng = np.random.default_rng(7)
    unit = rng.random((500, 3))
    y = ishigami(-math.pi + 2 * math.pi * unit)
    fit = pce_sobol(unit, y, ["x1", "x2", "x3"], max_degree=8, bootstrap=10, seed=1)
    got = {r["parameter"]: r for r in fit.table.iter_rows(named=True)}
    assert fit.q2 >= 0.99 and fit.valid
    assert got["x1"]["S1"] == pytest.approx(0.3139, abs=0.02)
    assert got["x2"]["S1"] == pytest.approx(0.4424, abs=0.02)
    assert got["x3"]["S1"] == pytest.approx(0.0, abs=0.01)
    assert got["x1"]["ST"] == pytest.approx(0.5576, abs=0.02)
    assert got["x2"]["ST"] == pytest.approx(0.4424, abs=0.02)
    assert got["x3"]["ST"] == pytest.approx(0.2437, abs=0.02)
    # The bootstrap interval brackets the true index and separates x1 from x2.
    assert got["x1"]["ST_low"] <= 0.5576 <= got["x1"]["ST_high"]
    assert got["x1"]["ST_low"] > got["x2"]["ST_high"]


def test_a_linear_model_by_hand() -> None:
    # y = 2 u1 + u2 on [0, 1]^2: Var(2 u1) = 4/12, Var(u2) = 1/12, no interaction, so
    # S1 = ST = 0.8 and 0.2 exactly; degree 1 fits it exactly (Q^2 = 1).
    rng = np.random.default_rng(0)
    unit = rng.random((40, 2))
    fit = pce_sobol(unit, 2 * unit[:, 0] + unit[:, 1], ["u1", "u2"], bootstrap=5)
    got = {r["parameter"]: (r["S1"], r["ST"]) for r in fit.table.iter_rows(named=True)}
    assert got["u1"] == pytest.approx((0.8, 0.8), abs=1e-9)
    assert got["u2"] == pytest.approx((0.2, 0.2), abs=1e-9)
    assert fit.q2 == pytest.approx(1.0)


def test_the_basis_is_orthonormal_and_indices_read_its_coefficients() -> None:
    # Mean of psi_k psi_l over a fine grid on [0, 1]^2 is 1 when k = l, else 0.
    powers = exponents(2, 3)
    assert powers.shape == (10, 2)  # C(2 + 3, 3) = 10 terms
    g = (np.arange(400) + 0.5) / 400
    grid = np.array([(x, y) for x in g for y in g])
    gram = basis(grid, powers).T @ basis(grid, powers) / grid.shape[0]
    assert gram == pytest.approx(np.eye(10), abs=1e-3)
    # Coefficients 1 on u1 alone (squared 1), 2 on u1 u2 (squared 4): variance 5, so
    # S1 = (0.2, 0), ST = (1.0, 0.8).
    c = np.zeros(10)
    c[list(map(tuple, powers)).index((1, 0))] = 1.0
    c[list(map(tuple, powers)).index((1, 1))] = 2.0
    first, total = indices(c, powers)
    assert first == pytest.approx([0.2, 0.0]) and total == pytest.approx([1.0, 0.8])


def test_a_log_input_maps_in_its_logarithm_and_too_few_runs_say_so() -> None:
    assert to_unit(np.array([5.0, 30.0, math.sqrt(150)]), 5, 30, log=True) == pytest.approx(
        [0.0, 1.0, 0.5]
    )
    with pytest.raises(InputError, match="too few for a degree-1 expansion"):
        pce_sobol(np.random.default_rng(0).random((6, 4)), np.arange(6.0), list("abcd"))
    assert Q2_NEEDED == 0.9


def test_a_study_phase_maps_its_problem_space_and_the_report_reads_the_fit() -> None:
    # Two inputs in the sweep's problem space: log10 of 5..30 days, and 50..150 t. With
    # y = 3 u1 + u2 (u the position in each range), Var = 9/12 + 1/12: ST = 0.9 and 0.1, and a
    # degree-1 surrogate predicts held-out runs exactly (Q^2 = 1).
    import polars as pl

    from lunarcity.study.analysis import Ranked
    from lunarcity.study.report import surrogate_section
    from lunarcity.study.surrogate import phase_surrogate

    bounds = [[math.log10(5), math.log10(30)], [50.0, 150.0]]
    info = {"design": {"problem": {"num_vars": 2, "names": ["days", "tonnes"], "bounds": bounds}}}
    u = np.random.default_rng(3).random((48, 2))
    x = np.column_stack(
        [bounds[0][0] + u[:, 0] * (bounds[0][1] - bounds[0][0]), 50 + 100 * u[:, 1]]
    )
    results = pl.DataFrame(
        {"point": np.arange(48), "status": ["done"] * 48, "mass": 3 * u[:, 0] + u[:, 1]}
    )
    fit = phase_surrogate(info, x, results, "mass")
    got = {r["parameter"]: r["ST"] for r in fit.table.iter_rows(named=True)}
    assert got == pytest.approx({"days": 0.9, "tonnes": 0.1}, abs=1e-9)
    assert fit.q2 == pytest.approx(1.0) and fit.valid
    empty = pl.DataFrame(schema={"outcome": pl.String, "parameter": pl.String, "ST": pl.Float64})
    ranked = Ranked(empty, empty, empty, None, None, {}, surrogate=fit)
    text = "\n".join(surrogate_section(ranked, "mass"))
    assert "Q^2 = 1, at least 0.9: its indices can be read" in text
    assert "| `days` | 0.9 |" in text


def test_a_surrogate_that_predicts_badly_ranks_nothing() -> None:
    # Noise alone: no expansion predicts held-out runs (Q^2 near or below 0), so the report
    # gives no ranking from it.
    import polars as pl

    from lunarcity.study.analysis import Ranked
    from lunarcity.study.report import surrogate_section

    rng = np.random.default_rng(5)
    fit = pce_sobol(rng.random((60, 2)), rng.normal(size=60), ["a", "b"], bootstrap=5)
    assert fit.q2 < Q2_NEEDED and not fit.valid
    empty = pl.DataFrame(schema={"outcome": pl.String, "parameter": pl.String, "ST": pl.Float64})
    text = "\n".join(
        surrogate_section(Ranked(empty, empty, empty, None, None, {}, surrogate=fit), "y")
    )
    assert "its indices are not read" in text and "No ranking is read" in text
    assert " first" not in text

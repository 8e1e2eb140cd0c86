"""Designs: the points of a sweep, from a spec's parameters and method.

Every design is built in a "problem space" that SALib also uses: a range parameter's own bounds
(log10 of them with ``log: true``) and ``[0, 1]`` for a list of values, whose index is
``floor(x * k)``. The matrix in that space is stored with the sweep (design.parquet), so the
sensitivity analysis reads exactly what was sampled. The design's randomness comes from the
spec's root seed (a SeedSequence child of its own, apart from the runs' seeds).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lunarcity.sweeps.spec import (
    RangeParameter,
    SweepSpec,
    ValuesParameter,
    parameter_is_integer,
)

#: SeedSequence spawn keys: runs' seeds and the design's draws never share a stream.
RUN_KEY = 0
DESIGN_KEY = 1


@dataclass(frozen=True)
class DesignTable:
    """The points of a sweep.

    Attributes:
        method: The design method.
        names: Parameter paths, in spec order (the columns of ``x``).
        bounds: Problem-space bounds per parameter (SALib's ``problem['bounds']``).
        x: The design matrix in problem space, one row per point.
        points: The parameter values of each point, as the scenario takes them.
    """

    method: str
    names: list[str]
    bounds: list[list[float]]
    x: np.ndarray
    points: list[dict[str, Any]]

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem this design samples."""
        return {"num_vars": len(self.names), "names": list(self.names), "bounds": self.bounds}


def problem_bounds(param: RangeParameter | ValuesParameter) -> list[float]:
    """Bounds of a parameter in problem space."""
    if isinstance(param, ValuesParameter):
        return [0.0, 1.0]
    if param.log:
        return [math.log10(param.low), math.log10(param.high)]
    return [float(param.low), float(param.high)]


def to_value(path: str, param: RangeParameter | ValuesParameter, x: float) -> Any:
    """The scenario value at problem-space coordinate ``x``."""
    if isinstance(param, ValuesParameter):
        k = len(param.values)
        return param.values[min(int(math.floor(x * k)), k - 1)]
    value = 10.0**x if param.log else float(x)
    # Keep draws inside the bounds despite rounding in 10**x.
    value = min(max(value, param.low), param.high)
    if parameter_is_integer(path):
        return int(round(value))
    return value


def grid_axis(param: RangeParameter | ValuesParameter, samples: int | None) -> list[float]:
    """Problem-space coordinates of one grid axis."""
    if isinstance(param, ValuesParameter):
        k = len(param.values)
        return [(i + 0.5) / k for i in range(k)]
    steps = param.steps or samples or 1
    lo, hi = problem_bounds(param)
    if steps == 1:
        return [(lo + hi) / 2]
    return [float(v) for v in np.linspace(lo, hi, steps)]


def n_points(spec: SweepSpec) -> int:
    """Design points of a spec, without building the design."""
    d = len(spec.parameters)
    n = spec.design.samples or 0
    method = spec.design.method
    if method == "grid":
        return math.prod(len(grid_axis(p, n)) for p in spec.parameters.values())
    if method == "saltelli":
        return n * (2 * d + 2 if spec.design.second_order else d + 2)
    if method == "morris":
        return n * (d + 1)
    if method == "policies":
        return n * math.prod(_policy_count(p) for p in spec.parameters.values())
    return n


def _policy_count(param: RangeParameter | ValuesParameter) -> int:
    """Values a parameter contributes to the policies design's grid (1 for a range: sampled)."""
    return len(param.values) if isinstance(param, ValuesParameter) else 1


def design_seed(spec: SweepSpec) -> int:
    """A 32-bit seed for the design's samplers, spawned from the root seed."""
    ss = np.random.SeedSequence(spec.seed, spawn_key=(DESIGN_KEY,))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def run_seed(root: int, run_id: int) -> int:
    """The seed of run ``run_id``: the run's own SeedSequence child of the root seed."""
    ss = np.random.SeedSequence(root, spawn_key=(RUN_KEY, run_id))
    # 63 bits: a non-negative int64 for Parquet, and a seed numpy takes as it is.
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def _qmc(kind: str, d: int, n: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    cls = qmc.LatinHypercube if kind == "lhs" else qmc.Sobol
    try:
        engine = cls(d, scramble=True, rng=np.random.default_rng(seed))
    except TypeError:  # scipy < 1.15 names it seed
        engine = cls(d, scramble=True, seed=np.random.default_rng(seed))
    if kind == "sobol":
        return engine.random_base2(int(math.log2(n)))
    return engine.random(n)


def build_design(spec: SweepSpec) -> DesignTable:
    """The design of a spec: its points in problem space and as scenario values.

    Args:
        spec: A validated sweep spec.

    Returns:
        The design table; row ``i`` of ``x`` is design point ``i``.
    """
    names = list(spec.parameters)
    params = [spec.parameters[n] for n in names]
    bounds = [problem_bounds(p) for p in params]
    method = spec.design.method
    n = spec.design.samples or 0
    d = len(names)
    seed = design_seed(spec)
    problem = {"num_vars": d, "names": names, "bounds": bounds}
    if method == "grid":
        axes = [grid_axis(p, n) for p in params]
        x = np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, d)
    elif method in ("lhs", "sobol"):
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])
        x = lo + _qmc(method, d, n, seed) * (hi - lo)
    elif method == "policies":
        x = _policies_design(params, bounds, n, seed)
    elif method == "saltelli":
        from SALib.sample import sobol as sobol_sample  # SALib is heavy: imported only here

        x = sobol_sample.sample(
            problem, n, calc_second_order=spec.design.second_order, scramble=True, seed=seed
        )
    elif method == "morris":
        from SALib.sample import morris as morris_sample

        x = morris_sample.sample(problem, n, num_levels=spec.design.levels, seed=seed)
    else:  # pragma: no cover - the schema allows only the methods above
        raise ValueError(f"unknown design method {method}")
    x = np.asarray(x, dtype=float)
    points = [
        {
            name: to_value(name, param, float(v))
            for name, param, v in zip(names, params, row, strict=True)
        }
        for row in x
    ]
    return DesignTable(method=method, names=names, bounds=bounds, x=x, points=points)


def _policies_design(
    params: list[RangeParameter | ValuesParameter], bounds: list[list[float]], n: int, seed: int
) -> np.ndarray:
    """Every combination of the lists (the policies), each over one shared sample of the ranges.

    EMA Workbench's policies x scenarios: the ranges (the uncertainties) are one Latin
    hypercube of ``n`` draws, and every policy runs on those same draws, so two policies differ
    by their levers, not by their sample. Rows are policy-major: policy ``k``'s draw ``j`` is
    row ``k * n + j``, the policies in the order of :func:`itertools.product` over the lists.
    """
    ranges = [i for i, p in enumerate(params) if isinstance(p, RangeParameter)]
    lists = [i for i, p in enumerate(params) if isinstance(p, ValuesParameter)]
    lo = np.array([bounds[i][0] for i in ranges])
    hi = np.array([bounds[i][1] for i in ranges])
    draws = lo + _qmc("lhs", len(ranges), n, seed) * (hi - lo) if ranges else np.zeros((n, 0))
    policies = list(itertools.product(*(grid_axis(params[i], None) for i in lists)))
    x = np.zeros((len(policies) * n, len(params)))
    for k, policy in enumerate(policies):
        block = x[k * n : (k + 1) * n]
        block[:, ranges] = draws
        block[:, lists] = policy
    return x

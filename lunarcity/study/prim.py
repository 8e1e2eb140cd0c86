"""Scenario discovery: the Patient Rule Induction Method (PRIM) of Friedman & Fisher (1999).

PRIM looks for a box in the space of assumptions where the share of successful runs is high.
It starts from the box holding every run and peels: at each step it tries cutting a fraction
``alpha`` of the runs off the low or the high end of each numeric input, or one category off a
categorical input, and keeps the cut that leaves the highest share of successes in the box. The
sequence of boxes is the peeling trajectory, a trade-off between *coverage* (the share of all
successes the box holds) and *density* (the share of the box's runs that succeed); Bryant &
Lempert (2010, BL10) use it this way as "scenario discovery", and EMA Workbench's ``prim`` module
is the reference implementation. This one is ours so that every Python runs the same code.

Each box comes with Wilson intervals on its density and coverage, its sampling error. The
method's citations are FF99 and BL10 in docs/SOURCES.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from lunarcity.study.success import wilson
from lunarcity.study.words import number


@dataclass(frozen=True)
class Limit:
    """One input's range inside a box: numeric bounds, or the categories kept."""

    name: str
    low: float | None = None
    high: float | None = None
    categories: tuple[Any, ...] | None = None

    def describe(self) -> str:
        """The restriction as text, e.g. ``5 <= x <= 12.5`` or ``x in {a, b}``."""
        if self.categories is not None:
            return f"{self.name} in {{{', '.join(map(str, self.categories))}}}"
        return f"{_num(self.low)} <= {self.name} <= {_num(self.high)}"


@dataclass(frozen=True)
class Box:
    """One box of the peeling trajectory.

    Attributes:
        step: Its place on the trajectory (0 = every run).
        n: Runs in the box.
        mass: n / all runs.
        density: The share of the box's runs that succeed.
        coverage: The share of all successes inside the box.
        limits: Every input's range in the box (restricted or not).
        restricted: The names of the inputs whose range the box restricts.
    """

    step: int
    n: int
    mass: float
    density: float
    coverage: float
    limits: tuple[Limit, ...]
    restricted: tuple[str, ...]

    def limit(self, name: str) -> Limit:
        """The range of one input."""
        return next(lim for lim in self.limits if lim.name == name)


@dataclass
class PrimResult:
    """A PRIM analysis: the trajectory and the chosen box.

    Attributes:
        trajectory: Every box from the whole space to the smallest.
        chosen: The box reported (see :func:`choose_box`).
        n: Runs analysed.
        successes: Successful runs.
        full: The ranges of the inputs over all runs.
    """

    trajectory: list[Box]
    chosen: Box
    n: int
    successes: int
    full: dict[str, Limit] = field(default_factory=dict)

    def density_interval(self, box: Box | None = None) -> tuple[float, float]:
        """The 95 % Wilson interval of a box's density."""
        box = box or self.chosen
        p = wilson(round(box.density * box.n), box.n)
        return p.low, p.high

    def coverage_interval(self, box: Box | None = None) -> tuple[float, float]:
        """The 95 % Wilson interval of a box's coverage."""
        box = box or self.chosen
        if self.successes == 0:
            return 0.0, 0.0
        p = wilson(round(box.coverage * self.successes), self.successes)
        return p.low, p.high

    def trajectory_table(self) -> pl.DataFrame:
        """The trajectory: step, n, mass, density, coverage, restricted inputs."""
        return pl.DataFrame(
            {
                "step": [b.step for b in self.trajectory],
                "n": [b.n for b in self.trajectory],
                "mass": [b.mass for b in self.trajectory],
                "density": [b.density for b in self.trajectory],
                "coverage": [b.coverage for b in self.trajectory],
                "restricted": [", ".join(b.restricted) for b in self.trajectory],
                "chosen": [b.step == self.chosen.step for b in self.trajectory],
            }
        )

    def limits_table(self) -> pl.DataFrame:
        """The chosen box's restricted ranges against the full ranges."""
        rows = []
        for name in self.chosen.restricted:
            lim = self.chosen.limit(name)
            full = self.full[name]
            rows.append(
                {
                    "input": name,
                    "box": lim.describe(),
                    "low": lim.low,
                    "high": lim.high,
                    "full_low": full.low,
                    "full_high": full.high,
                    "categories": None
                    if lim.categories is None
                    else list(map(str, lim.categories)),
                }
            )
        schema = {
            "input": pl.String,
            "box": pl.String,
            "low": pl.Float64,
            "high": pl.Float64,
            "full_low": pl.Float64,
            "full_high": pl.Float64,
            "categories": pl.List(pl.String),
        }
        return pl.DataFrame(rows, schema=schema)


def _num(value: float | None) -> str:
    return "-inf" if value is None else number(float(value), 4)


def _is_numeric(col: pl.Series) -> bool:
    return col.dtype.is_numeric() and col.dtype != pl.Boolean


def prim(
    x: pl.DataFrame,
    y: np.ndarray,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_coverage: float = 0.5,
) -> PrimResult:
    """Peel boxes over the inputs ``x`` toward runs where ``y`` holds.

    Args:
        x: One row per run, one column per input (numeric, or text/bool categories).
        y: True where the run succeeded.
        alpha: The share of the box's runs cut off in one peel.
        min_mass: Stop peeling when a box would hold fewer than this share of all runs.
        min_coverage: The chosen box keeps at least this share of all successes.

    Returns:
        The trajectory and the chosen box.

    Raises:
        ValueError: empty input, lengths that differ, or alpha / min_mass outside (0, 1).
    """
    y = np.asarray(y, dtype=bool)
    if x.height == 0 or x.height != y.size:
        raise ValueError(f"PRIM needs one outcome per run ({x.height} runs, {y.size} outcomes)")
    if not (0 < alpha < 1 and 0 < min_mass < 1):
        raise ValueError("alpha and min_mass must lie between 0 and 1")
    names = list(x.columns)
    numeric = {n: _is_numeric(x[n]) for n in names}
    values = {
        n: x[n].cast(pl.Float64).to_numpy() if numeric[n] else np.asarray(x[n].to_list(), object)
        for n in names
    }
    full = {n: _full_limit(n, values[n], numeric[n]) for n in names}
    inside = np.ones(y.size, dtype=bool)
    total = int(y.sum())
    limits = dict(full)
    trajectory = [_box(0, inside, y, total, limits, full)]
    min_n = max(1, math.ceil(min_mass * y.size))
    while True:
        best = _best_peel(values, numeric, limits, inside, y, alpha, min_n)
        if best is None:
            break
        inside, limits = best
        trajectory.append(_box(len(trajectory), inside, y, total, limits, full))
    chosen = choose_box(trajectory, min_coverage)
    return PrimResult(trajectory, chosen, int(y.size), total, full)


def choose_box(trajectory: list[Box], min_coverage: float = 0.5) -> Box:
    """The densest box that keeps at least ``min_coverage`` of the successes.

    Ties go to the larger box (the earlier one on the trajectory): it claims less.
    """
    eligible = [b for b in trajectory if b.coverage >= min_coverage - 1e-12] or trajectory[:1]
    return max(eligible, key=lambda b: (round(b.density, 12), -b.step))


def _full_limit(name: str, col: np.ndarray, numeric: bool) -> Limit:
    if numeric:
        return Limit(name, float(np.min(col)), float(np.max(col)))
    return Limit(name, categories=tuple(sorted(set(col.tolist()), key=str)))


def _box(
    step: int,
    inside: np.ndarray,
    y: np.ndarray,
    total: int,
    limits: dict[str, Limit],
    full: dict[str, Limit],
) -> Box:
    n = int(inside.sum())
    hits = int(y[inside].sum())
    restricted = tuple(name for name, lim in limits.items() if lim != full[name])
    return Box(
        step=step,
        n=n,
        mass=n / y.size,
        density=hits / n if n else 0.0,
        coverage=hits / total if total else 0.0,
        limits=tuple(limits.values()),
        restricted=restricted,
    )


def _best_peel(
    values: dict[str, np.ndarray],
    numeric: dict[str, bool],
    limits: dict[str, Limit],
    inside: np.ndarray,
    y: np.ndarray,
    alpha: float,
    min_n: int,
) -> tuple[np.ndarray, dict[str, Limit]] | None:
    """The peel that leaves the densest box, or None when no peel keeps min_n runs."""
    best: tuple[float, int, np.ndarray, dict[str, Limit]] | None = None
    for name, col in values.items():
        for keep, limit in _candidates(name, col, numeric[name], limits[name], inside, alpha):
            new = inside & keep
            n = int(new.sum())
            if n < min_n or n == int(inside.sum()):
                continue
            density = float(y[new].mean())
            # The densest box; on a tie, the one that keeps more runs (a smaller peel).
            if best is None or (density, n) > (best[0], best[1]):
                best = (density, n, new, {**limits, name: limit})
    return None if best is None else (best[2], best[3])


def _candidates(
    name: str, col: np.ndarray, numeric: bool, limit: Limit, inside: np.ndarray, alpha: float
) -> list[tuple[np.ndarray, Limit]]:
    """The peels of one input: its low and high ends, or each of its categories."""
    here = col[inside]
    if numeric:
        out = []
        lo_q = float(np.quantile(here, alpha, method="lower"))
        hi_q = float(np.quantile(here, 1 - alpha, method="higher"))
        # Cut strictly beyond the quantile so that at least one distinct value goes; with tied
        # values (a grid), cut the whole level at the end.
        if lo_q > here.min() or (here == here.min()).mean() <= 0.5:
            cut = lo_q if lo_q > here.min() else _next_above(here, here.min())
            if cut is not None:
                out.append((col >= cut, Limit(name, cut, limit.high)))
        if hi_q < here.max() or (here == here.max()).mean() <= 0.5:
            cut = hi_q if hi_q < here.max() else _next_below(here, here.max())
            if cut is not None:
                out.append((col <= cut, Limit(name, limit.low, cut)))
        return out
    cats = limit.categories or ()
    if len(cats) < 2:
        return []
    return [
        (
            np.isin(col, [c for c in cats if c != drop]),
            Limit(name, categories=tuple(c for c in cats if c != drop)),
        )
        for drop in cats
    ]


def _next_above(values: np.ndarray, v: float) -> float | None:
    above = values[values > v]
    return float(above.min()) if above.size else None


def _next_below(values: np.ndarray, v: float) -> float | None:
    below = values[values < v]
    return float(below.max()) if below.size else None

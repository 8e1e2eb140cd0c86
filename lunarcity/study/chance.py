"""How much of a study's spread is chance: several seeds at a few draws of the uncertainties.

A run's seed decides the lander losses and the robots' failures; the study's sampled inputs
decide everything else. Issue 29 asks how much of the outcome's spread is the seed's. The
``chance`` phase runs ``points`` Latin-hypercube draws of the uncertainties, each at the same
``seeds`` seeds (common random numbers, the default policy), and this module splits the
deciding outcome's variance the one-way way: the mean variance over seeds within a draw
(chance) against the variance over every run (chance and the inputs together). It also counts
the draws whose seeds disagree on the success flag: there, whether the city makes it is luck.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from lunarcity.study.words import count, number, percent


@dataclass(frozen=True)
class ChanceSplit:
    """The deciding outcome's variance split into chance and the rest.

    Attributes:
        points: Draws of the uncertainties.
        seeds: Seeds run at each draw.
        outcome: The outcome split.
        within_var: Mean over draws of the variance over seeds (population variance): chance.
        total_var: Variance over every run (population variance).
        share: ``within_var / total_var``: the share of the spread that is chance.
        median_rel_range: Median over draws of (largest - smallest) / |mean| over seeds.
        flag: The success flag counted.
        disagree: Draws whose seeds disagree on the flag.
    """

    points: int
    seeds: int
    outcome: str
    within_var: float
    total_var: float
    share: float
    median_rel_range: float
    flag: str
    disagree: int


def split(values: np.ndarray, flags: np.ndarray, outcome: str, flag: str) -> ChanceSplit:
    """Split an outcome's variance over draws x seeds into chance and the rest.

    Args:
        values: The outcome, draws x seeds.
        flags: The success flag, draws x seeds.
        outcome: The outcome's name.
        flag: The flag's name.
    """
    points, seeds = values.shape
    # Population variances (ddof 0): with equal seeds per draw, the law of total variance
    # makes the mean within-draw variance at most the total, so the share lies in [0, 1].
    within = float(values.var(axis=1).mean())
    total = float(values.var())
    mean = np.abs(values.mean(axis=1))
    spread = values.max(axis=1) - values.min(axis=1)
    rel = np.divide(spread, mean, out=np.zeros_like(spread), where=mean > 0)
    disagree = int((flags.any(axis=1) & ~flags.all(axis=1)).sum())
    return ChanceSplit(
        points=points,
        seeds=seeds,
        outcome=outcome,
        within_var=within,
        total_var=total,
        share=within / total if total > 0 else 0.0,
        median_rel_range=float(np.median(rel)),
        flag=flag,
        disagree=disagree,
    )


def from_results(results: pl.DataFrame, outcome: str, flag: str) -> ChanceSplit:
    """The split from a chance phase's per-run results (``point``, ``replicate``, outcomes).

    A run processed at several Earth-side draws counts by its mean over them (its per-run
    value) and, for the flag, as a success when the draws' mean reaches one half.
    """
    done = results.filter(pl.col("status") == "done").sort("point", "replicate")
    points = done["point"].n_unique()
    seeds = done.height // max(points, 1)
    values = done[outcome].cast(pl.Float64).fill_null(0.0).to_numpy().reshape(points, seeds)
    flags = done[flag].cast(pl.Float64).fill_null(0.0).to_numpy().reshape(points, seeds) >= 0.5
    return split(values, flags, outcome, flag)


def chance_section(c: ChanceSplit) -> list[str]:
    """The report's section on chance."""
    return [
        "## How much is chance",
        "",
        f"{count(c.points, 'draw')} of the uncertainties (a Latin hypercube, the default "
        f"policy), each run at the same {count(c.seeds, 'seed')}: the variance of `{c.outcome}` "
        f"over seeds within a draw is {percent(c.share)} of its variance over every run (the "
        f"rest is the inputs'); over seeds a draw's outcome moves by "
        f"{percent(c.median_rel_range)} of its mean (median over the draws). The seeds disagree "
        f"on `{c.flag}` at {count(c.disagree, 'draw')} of {number(c.points)}.",
        "",
    ]


def chance_summary(c: ChanceSplit) -> dict[str, Any]:
    """summary.json's ``chance`` block."""
    return {
        "points": c.points,
        "seeds": c.seeds,
        "outcome": c.outcome,
        "share_of_variance": c.share,
        "median_relative_range": c.median_rel_range,
        "flag": c.flag,
        "flag_disagrees": c.disagree,
    }

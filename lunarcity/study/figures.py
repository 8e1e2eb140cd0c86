"""The study's figures: Sobol indices with their intervals, the survival curve, PRIM trajectories.

Drawn like :mod:`lunarcity.sweeps.plots` (matplotlib's object API on an Agg canvas), whose
feasibility map and Morris chart the study reuses.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl

from lunarcity.constants import MIN_DIVISOR
from lunarcity.study.prim import PrimResult
from lunarcity.study.survival import Survival
from lunarcity.sweeps.plots import _figure, _save


def sobol_chart(table: pl.DataFrame, path: Path, title: str) -> Path:
    """Total-order (ST) and first-order (S1) indices per input with 95 % bootstrap intervals."""
    outcomes = table["outcome"].unique(maintain_order=True).to_list() or ["(none)"]
    cols = min(2, len(outcomes))
    rows = math.ceil(len(outcomes) / cols)
    n = max(1, table["parameter"].n_unique())
    fig = _figure(6.5 * cols, max(2.5, 0.4 * n + 1.5) * rows)
    fig.suptitle(title)
    for k, outcome in enumerate(outcomes):
        ax = fig.add_subplot(rows, cols, k + 1)
        part = table.filter(pl.col("outcome") == outcome).sort("rank", descending=True)
        if part.height == 0:
            ax.text(0.5, 0.5, "not analysed", ha="center")
            continue
        pos = np.arange(part.height)
        for offset, col, label in ((0.2, "ST", "total (ST)"), (-0.2, "S1", "first order (S1)")):
            ax.barh(
                pos + offset,
                part[col].fill_null(0).to_numpy(),
                height=0.4,
                xerr=part[f"{col}_conf"].fill_null(0).to_numpy(),
                capsize=2,
                label=label,
            )
        ax.set_yticks(pos, part["parameter"].to_list(), fontsize=7)
        ax.axvline(0, color="black", lw=0.5)
        ax.set_xlabel("Sobol index (95 % bootstrap interval)")
        ax.set_title(outcome, fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
    return _save(fig, path)


def pilot_chart(pilot: pl.DataFrame, path: Path, title: str) -> Path:
    """Each input's total-order index (95 % interval) against the base sample N it is read at."""
    fig = _figure(6.5, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    for name in pilot["parameter"].unique(maintain_order=True).to_list():
        part = pilot.filter(pl.col("parameter") == name).sort("n")
        ax.errorbar(
            part["n"].to_numpy(),
            part["ST"].fill_null(0.0).to_numpy(),
            yerr=part["ST_conf"].fill_null(0.0).to_numpy(),
            marker="o",
            capsize=2,
            label=name,
        )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("base sample N (runs: N x (inputs + 2))")
    ax.set_ylabel("total-order index (95 % interval)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6, loc="best")
    return _save(fig, path)


def survival_chart(curve: Survival, path: Path, title: str, what: str) -> Path:
    """The share of runs that have succeeded by each year (1 - S(t)), with its 95 % band."""
    fig = _figure(6.5, 4.2)
    ax = fig.add_subplot()
    t = [0.0, *curve.table["time"].to_list()]
    met = [0.0, *(1 - curve.table["survival"]).to_list()]
    low = [0.0, *(1 - curve.table["high"]).to_list()]
    high = [0.0, *(1 - curve.table["low"]).to_list()]
    ax.fill_between(t, low, high, step="post", alpha=0.25, color="tab:green", label="95 % band")
    ax.step(t, met, where="post", color="tab:green", label=f"share of runs: {what}")
    ax.axvline(curve.horizon, color="grey", ls=":", lw=1)
    ax.text(curve.horizon, 0.02, " horizon", color="grey", fontsize=7)
    if curve.median is not None:
        ax.axhline(0.5, color="black", lw=0.5, ls="--")
    ax.set_xlim(0, max(curve.horizon, MIN_DIVISOR) * 1.02)
    ax.set_ylim(0, 1)
    ax.set_xlabel("years")
    ax.set_ylabel("share of runs")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    return _save(fig, path)


def prim_chart(result: PrimResult, path: Path, title: str) -> Path:
    """The peeling trajectory: density against coverage, the chosen box marked."""
    fig = _figure(6.0, 4.2)
    ax = fig.add_subplot()
    traj = result.trajectory_table()
    n_restricted = [len(b.restricted) for b in result.trajectory]
    points = ax.scatter(
        traj["coverage"], traj["density"], c=n_restricted, cmap="viridis", s=18, zorder=2
    )
    ax.plot(traj["coverage"], traj["density"], color="grey", lw=0.6, zorder=1)
    box = result.chosen
    ax.scatter([box.coverage], [box.density], s=120, facecolors="none", edgecolors="red", zorder=3)
    ax.annotate(f"chosen (step {box.step})", (box.coverage, box.density), fontsize=7,
                xytext=(5, -12), textcoords="offset points")  # fmt: skip
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("coverage (share of all successes in the box)")
    ax.set_ylabel("density (share of the box's runs that succeed)")
    ax.set_title(title, fontsize=10)
    fig.colorbar(points, ax=ax, label="inputs restricted")
    return _save(fig, path)

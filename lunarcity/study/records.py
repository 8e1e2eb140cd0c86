"""A finished phase's runs as one table: the sweep's results joined with the post-processing.

Each row is one run at one Earth-side draw (a single draw, numbered 0, when the study has no
Earth-side figures): the run's parameters, its outcomes, the draw's Earth-side values and the
post-processed outcomes. Per-run columns (for Sobol indices) average the draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lunarcity.study.earth import RunRecord, per_run, process_runs
from lunarcity.study.spec import StudySpec
from lunarcity.sweeps.sensitivity import load_sweep
from lunarcity.sweeps.storage import SweepDir

#: SeedSequence spawn key of the Earth-side draws (the sweeps use 0 for runs, 1 for designs).
EARTH_KEY = 2


@dataclass
class Phase:
    """One phase of a study, read back.

    Attributes:
        info: The sweep's info (sweep.json), its outcomes extended by the post-processing.
        x: The design matrix in problem space.
        results: One row per run: the sweep's results with per-run post-processed outcomes.
        rows: One row per run and Earth-side draw (finished runs only).
    """

    info: dict[str, Any]
    x: np.ndarray
    results: pl.DataFrame
    rows: pl.DataFrame


def earth_draws(spec: StudySpec) -> pl.DataFrame:
    """The Earth-side values every run is processed at: a Latin hypercube, fixed by the seed."""
    params = spec.study.earth_side.parameters
    if not params:
        return pl.DataFrame([{}])  # one draw, no figures
    from scipy.stats import qmc

    ss = np.random.SeedSequence(spec.seed, spawn_key=(EARTH_KEY,))
    rng = np.random.default_rng(ss)
    try:
        engine = qmc.LatinHypercube(len(params), rng=rng)
    except TypeError:  # scipy < 1.15 names it seed
        engine = qmc.LatinHypercube(len(params), seed=rng)
    u = engine.random(spec.study.earth_side.draws)
    cols = {}
    for i, (name, p) in enumerate(params.items()):
        if p.log:
            lo, hi = math.log10(p.low), math.log10(p.high)
            cols[name] = 10 ** (lo + u[:, i] * (hi - lo))
        else:
            cols[name] = p.low + u[:, i] * (p.high - p.low)
    return pl.DataFrame(cols)


def read_phase(root: Path, spec: StudySpec, draws: pl.DataFrame) -> Phase:
    """Read a finished phase folder and post-process its runs."""
    info, x, results = load_sweep(root)
    params = list(info["parameters"])
    done = results.filter(pl.col("status") == "done")
    names = spec.study.post
    post_types = spec.post_outcomes()
    if names:
        records = [
            RunRecord(
                run_id=int(row["run_id"]),
                params={p: row[p] for p in params},
                outcomes=row,
                daily=_daily(root, int(row["run_id"])),
                scenario=info["identity"]["scenario"],
            )
            for row in done.iter_rows(named=True)
        ]
        post = process_runs(records, names, draws)
    else:
        post = done.select("run_id").with_columns(pl.lit(0, pl.Int64).alias("draw"))
    rows = done.join(post, on="run_id", how="inner").sort("run_id", "draw")
    results = results.join(per_run(post, names), on="run_id", how="left").sort("run_id")
    info = {**info, "outcomes": [*info["outcomes"], *post_types]}
    return Phase(info=info, x=x, results=results, rows=rows)


def _daily(root: Path, run_id: int) -> pl.DataFrame | None:
    path = SweepDir(root, {}, []).daily_file(run_id)
    return pl.read_parquet(path) if path.is_file() else None

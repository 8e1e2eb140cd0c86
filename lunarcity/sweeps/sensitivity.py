"""Sensitivity analysis of a finished sweep (SALib): Sobol indices or Morris elementary effects.

The method follows from the sweep's design: a ``saltelli`` design gives Sobol indices (first order
S1 and total ST, with bootstrap confidence), a ``morris`` design gives elementary effects (mu*,
sigma). Replicates of a design point are averaged first, so the indices describe the parameters'
effect on the expected outcome, not on one seed's noise. Every step reads only plain data (the
sweep's info, its design matrix, its results), so a function with a known answer (Ishigami, a
linear model) goes through exactly the code a real sweep does. The methods' citations, in
docs/SOURCES.md: SOB01, SAL02 and SAL10 for the Sobol indices, MOR91 and CCS07 for the elementary
effects, HU17 for SALib.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lunarcity.errors import InputError, one_of, unknown
from lunarcity.sweeps.storage import DESIGN_FILE, read_info, read_results, write_atomic

SENSITIVITY_FILE = "sensitivity.parquet"
CHART_FILE = "sensitivity.png"
METHOD_OF_DESIGN = {"saltelli": "sobol", "morris": "morris"}
#: Seed of the bootstrap confidence intervals: fixed, so one sweep gives one table. Not 0:
#: SALib's Sobol analysis seeds only ``if seed:``, so 0 left the intervals random.
BOOTSTRAP_SEED = 1

#: Outcomes analysed by default (those the sweep kept), in this order.
DEFAULT_OUTCOMES = [
    "met_within_horizon",
    "years_to_target_censored",
    "industrial_mass_t",
    "compute_in_orbit_kw",
    "power_mw",
    "closure",
    "stock_closure",
    "earth_imported_t",
    "satellites_launched",
    "launched_t",
]

#: Columns of the sensitivity table.
COLUMNS = {
    "outcome": pl.String,
    "parameter": pl.String,
    "method": pl.String,
    "rank": pl.Int64,
    "importance": pl.Float64,
    "S1": pl.Float64,
    "S1_conf": pl.Float64,
    "ST": pl.Float64,
    "ST_conf": pl.Float64,
    "mu": pl.Float64,
    "mu_star": pl.Float64,
    "mu_star_conf": pl.Float64,
    "sigma": pl.Float64,
}


def method_for(info: dict[str, Any], directory: str | None = None) -> str:
    """The analysis a sweep's design supports: ``sobol`` or ``morris``.

    Raises:
        InputError: the design supports neither; the message says which design to run.
    """
    design = info.get("design", {}).get("method")
    if design not in METHOD_OF_DESIGN:
        raise InputError(
            f"sensitivity analysis needs a saltelli design (Sobol indices) or a morris design "
            f"(elementary effects), and this sweep's design is {design}: set design.method to "
            "saltelli (samples a power of two) or morris in the spec, and run that sweep",
            file=directory,
            field="design.method",
        )
    return METHOD_OF_DESIGN[design]


def point_means(results: pl.DataFrame, outcome: str, n_points: int) -> np.ndarray:
    """The mean of ``outcome`` over each design point's replicates (NaN where none finished)."""
    done = results
    if "status" in results.columns:
        done = results.filter(pl.col("status") == "done")
    means = done.group_by("point").agg(pl.col(outcome).cast(pl.Float64).mean().alias("y"))
    y = np.full(n_points, np.nan)
    for point, value in means.iter_rows():
        if value is not None and 0 <= point < n_points:
            y[point] = value
    return y


def analyze(
    info: dict[str, Any],
    x: np.ndarray,
    results: pl.DataFrame,
    outcomes: list[str] | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """Sensitivity indices of each outcome to each parameter.

    Args:
        info: The sweep's info (sweep.json): its design method, SALib problem, levels.
        x: The design matrix in problem space, one row per design point.
        results: The results, with ``point`` (and ``status``) columns and the outcomes.
        outcomes: Outcomes to analyse (default: those of :data:`DEFAULT_OUTCOMES` present).

    Returns:
        The table (one row per outcome and parameter, ranked within each outcome by ST or mu*)
        and notes on outcomes that could not be analysed (constant, or missing runs).

    Raises:
        InputError: the design does not fit a method, or an outcome is unknown.
    """
    method = method_for(info)
    design = info["design"]
    problem = {k: design["problem"][k] for k in ("num_vars", "names", "bounds")}
    available = [c for c in results.columns if c in info.get("outcomes", results.columns)]
    if outcomes is None:
        outcomes = [o for o in DEFAULT_OUTCOMES if o in results.columns]
    for name in outcomes:
        if name not in results.columns or name not in available:
            raise unknown(
                "outcome", name, available, field="--outcome", valid=one_of(available, limit=30)
            )
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for outcome in outcomes:
        if results.schema[outcome] == pl.String:
            notes.append(f"{outcome}: text, not analysed")
            continue
        y = point_means(results, outcome, len(x))
        if np.isnan(y).any():
            notes.append(
                f"{outcome}: {int(np.isnan(y).sum())} design points have no finished run "
                "(failed runs, or an outcome without a value); not analysed"
            )
            continue
        if np.ptp(y) == 0:
            notes.append(f"{outcome}: the same value ({y[0]:g}) in every run; no sensitivity")
            continue
        if method == "sobol" and (base := _flat_base(y, problem, design)) is not None:
            notes.append(
                f"{outcome}: every run of the design's base samples (SALib's A and B rows) gave "
                f"{base:g}, so the Sobol estimators see no variance and give 0 for every input: "
                "these indices say nothing; a larger sample is needed"
            )
        rows.extend(_indices(method, problem, design, x, y, outcome, notes))
    table = pl.DataFrame(rows, schema=COLUMNS) if rows else pl.DataFrame(schema=COLUMNS)
    return table, notes


def _flat_base(y: np.ndarray, problem: dict[str, Any], design: dict[str, Any]) -> float | None:
    """The one value of a Saltelli design's base rows (A and B), or None when they vary.

    SALib's Sobol estimators divide by the variance of the A and B rows alone (after scaling
    ``y`` to unit variance, as here), so when those rows agree every index is 0 whatever the
    mixed rows did: the case SALib warns of as "Constant values encountered".
    """
    k = int(problem["num_vars"])
    block = 2 * k + 2 if design.get("second_order") else k + 2
    scaled = (y - y.mean()) / y.std()
    base = np.r_[scaled[0::block], scaled[block - 1 :: block]]
    if np.ptp(base) > np.finfo(float).eps:
        return None
    return float(y[0])


def _salib(analysis: Callable[[], Any], outcome: str, notes: list[str]) -> Any:
    """Run one SALib analysis with its warnings said as notes, not printed as Python's.

    SALib warns with ``warnings.warn`` (its text, file and line on stderr); a warning becomes one
    note naming the outcome, once. Other categories (numpy's RuntimeWarning, DeprecationWarning)
    are passed on, once per place, to the filters outside.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        # Repeats the note :func:`_flat_base` gives (the base rows agree), in SALib's words.
        warnings.filterwarnings(
            "ignore", message="Constant values encountered", category=UserWarning
        )
        result = analysis()
    passed: set[tuple[Any, ...]] = set()
    for w in caught:
        if w.category is UserWarning:
            note = f"{outcome}: SALib warns: {' '.join(str(w.message).split())}"
            if note not in notes:
                notes.append(note)
            continue
        # Once per place, as Python's default filter would have shown them.
        where = (w.category, str(w.message), w.filename, w.lineno)
        if where not in passed:
            passed.add(where)
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    return result


def _indices(
    method: str,
    problem: dict[str, Any],
    design: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    outcome: str,
    notes: list[str],
) -> list[dict[str, Any]]:
    """One outcome's indices, ranked (SALib imported here: it is slow to import).

    SALib's warnings go into ``notes`` (:func:`_salib`).
    """
    names = problem["names"]
    rows = []
    if method == "sobol":
        from SALib.analyze import sobol

        res = _salib(
            lambda: sobol.analyze(
                problem,
                y,
                calc_second_order=bool(design.get("second_order")),
                print_to_console=False,
                seed=BOOTSTRAP_SEED,
            ),
            outcome,
            notes,
        )
        for i, name in enumerate(names):
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": name,
                    "method": "sobol",
                    "importance": _num(res["ST"][i]),
                    "S1": _num(res["S1"][i]),
                    "S1_conf": _num(res["S1_conf"][i]),
                    "ST": _num(res["ST"][i]),
                    "ST_conf": _num(res["ST_conf"][i]),
                }
            )
    else:
        from SALib.analyze import morris

        res = _salib(
            lambda: morris.analyze(
                problem,
                x,
                y,
                num_levels=int(design.get("levels", 4)),
                print_to_console=False,
                seed=BOOTSTRAP_SEED,
            ),
            outcome,
            notes,
        )
        mu_star = np.asarray(res["mu_star"], dtype=float)
        top = float(np.nanmax(mu_star)) or 1.0
        for i, name in enumerate(names):
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": name,
                    "method": "morris",
                    # mu* carries the outcome's units; scaled to the largest for comparison.
                    "importance": _num(mu_star[i] / top),
                    "mu": _num(res["mu"][i]),
                    "mu_star": _num(mu_star[i]),
                    "mu_star_conf": _num(res["mu_star_conf"][i]),
                    "sigma": _num(res["sigma"][i]),
                }
            )
    rows.sort(key=lambda r: -(r["importance"] if r["importance"] is not None else -math.inf))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _num(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def load_sweep(directory: str | Path) -> tuple[dict[str, Any], np.ndarray, pl.DataFrame]:
    """A finished sweep's info, design matrix and results.

    Raises:
        InputError: the folder holds no finished sweep.
    """
    root = Path(directory)
    if not root.is_dir():
        raise InputError("no such folder", file=str(root), valid="the --out folder of a sweep")
    info = read_info(root)
    results = read_results(root)
    design = pl.read_parquet(root / DESIGN_FILE).sort("point")
    x = design.select(info["parameters"]).to_numpy().astype(float)
    return info, x, results


def run_sensitivity(
    directory: str | Path, outcomes: list[str] | None = None
) -> tuple[pl.DataFrame, list[str], dict[str, Path]]:
    """Analyse a finished sweep; save DIR/sensitivity.parquet and a bar chart.

    Args:
        directory: The sweep's output folder.
        outcomes: Outcomes to analyse (default: the usual ones the sweep kept).

    Returns:
        The table, notes on outcomes not analysed, and the files written.

    Raises:
        InputError: no finished sweep, or a design that fits no method (exit 2).
    """
    root = Path(directory)
    info, x, results = load_sweep(root)
    method_for(info, str(root))
    table, notes = analyze(info, x, results, outcomes)
    files = {"table": root / SENSITIVITY_FILE, "chart": root / CHART_FILE}
    write_atomic(table, files["table"])
    from lunarcity.sweeps.plots import sensitivity_chart

    sensitivity_chart(table, files["chart"], title=f"Sensitivity: sweep {info.get('name')}")
    return table, notes, files


def as_json(table: pl.DataFrame) -> dict[str, Any]:
    """The table as ``{outcome: [rows ranked]}`` for ``--json``."""
    out: dict[str, Any] = {}
    for row in table.iter_rows(named=True):
        entry = {k: v for k, v in row.items() if k != "outcome" and v is not None}
        out.setdefault(row["outcome"], []).append(entry)
    return json.loads(json.dumps(out))

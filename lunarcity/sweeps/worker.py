"""One run of a sweep, as a worker process (local pool or Dask) executes it.

This module stays light to import: a worker pays for the model's imports on its first run only.
The worker returns its row and daily table; the parent process writes them (so a cluster's workers
need no shared file system, and every file has a single writer).
"""

from __future__ import annotations

import gc
import math
import sys
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from lunarcity.constants import DAYS_PER_YEAR

#: Longest error message kept in the manifest.
MAX_ERROR = 2000


@dataclass(frozen=True)
class RunTask:
    """What a worker needs for one run.

    Attributes:
        run_id: The run's index in the sweep.
        point: Its design point.
        replicate: Its replicate at that point.
        seed: Its seed (spawned from the sweep's root seed).
        params: Dotted parameter path -> value.
        scenario: The resolved base scenario (plain data).
        outcomes: Outcome names to keep.
        daily_every: Keep every N-th day of the daily table, or None.
    """

    run_id: int
    point: int
    replicate: int
    seed: int
    params: dict[str, Any]
    scenario: dict[str, Any]
    outcomes: list[str]
    daily_every: int | None = None


@dataclass
class RunOutput:
    """What a worker sends back: a status, the outcomes, the thinned daily table."""

    run_id: int
    status: str
    error: str | None
    duration_s: float
    outcomes: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    daily: Any = None  # polars.DataFrame or None


def extract_outcomes(summary: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The outcomes named in ``names`` from a run's summary, derived ones included.

    ``met_within_horizon`` is the summary's ``target_met``; ``years_to_target_censored`` is the
    years to the target where it was met within the horizon, else the horizon itself (the
    shorter of the target's horizon and the years simulated), so every run has a value.
    """
    from lunarcity.sweeps.spec import outcome_type

    met = bool(summary.get("target_met"))
    horizon = float(summary.get("horizon_years") or math.inf)
    days = summary.get("days_simulated")
    if days is not None:
        horizon = min(horizon, float(days) / DAYS_PER_YEAR)
    derived = {
        "met_within_horizon": met,
        "years_to_target_censored": (
            float(summary["years_to_target"])
            if met and summary.get("years_to_target") is not None
            else horizon
        ),
    }
    out: dict[str, Any] = {}
    for name in names:
        if name in derived:
            value = derived[name]
        elif name in summary:
            value = summary[name]
        else:
            head, _, rest = name.partition(".")
            inner = summary.get(head)
            value = inner.get(rest) if isinstance(inner, dict) else None
        out[name] = _cast(value, outcome_type(name))
    return out


def _cast(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        value = float(value)
        return value if math.isfinite(value) else None
    return str(value)


def thin_daily(daily: Any, every: int) -> Any:
    """Every ``every``-th day of a daily table, and the last day."""
    import polars as pl

    if "day" not in daily.columns:
        return daily.gather_every(every)
    last = daily["day"].max()
    return daily.filter((pl.col("day") % every == 0) | (pl.col("day") == last))


def release_model(model: Any) -> None:
    """Let a finished model be freed: Mesa 3.3 keeps every model alive otherwise.

    ``mesa.Agent._ids`` is a class-level dict keyed by model (mesa issue #3179, fixed upstream
    by mesa PR #3180), so each run's model, agents and arrays would stay in the worker for good,
    and a worker's memory would grow with every run of a sweep. The model is discarded here, so
    dropping its id counter is safe.
    """
    if model is None:
        return
    import mesa

    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict | weakref.WeakKeyDictionary):
        ids.pop(model, None)


def peak_rss_mb() -> float | None:
    """This process's peak resident memory so far (MB), where the platform reports it."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def execute_run(task: RunTask) -> RunOutput:
    """Run one point of a sweep; a run that raises comes back as failed with its message."""
    start = time.perf_counter()
    try:
        import lunarcity

        # Dotted paths travel as the flat keywords of the model's API (dots as '__').
        overrides = {path.replace(".", "__"): value for path, value in task.params.items()}
        result = lunarcity.run(scenario=task.scenario, seed=task.seed, **overrides)
        outcomes = extract_outcomes(result.summary, task.outcomes)
        daily = thin_daily(result.daily, task.daily_every) if task.daily_every else None
        release_model(getattr(result, "model", None))
        # A model refers to itself (its fleet, recorder and agent sets point back at it), so
        # the cycle collector frees it; that counts objects, not bytes, and a run leaves few
        # objects and megabytes of arrays: collected now, or a worker grows with every run.
        del result
        gc.collect()
    except Exception as exc:  # a failing run is a result of the sweep, not the end of it
        message = f"{type(exc).__name__}: {exc}".strip()
        return RunOutput(
            run_id=task.run_id,
            status="failed",
            error=message[:MAX_ERROR],
            duration_s=time.perf_counter() - start,
            peak_rss_mb=peak_rss_mb(),
        )
    return RunOutput(
        run_id=task.run_id,
        status="done",
        error=None,
        duration_s=time.perf_counter() - start,
        outcomes=outcomes,
        daily=daily,
        peak_rss_mb=peak_rss_mb(),
    )

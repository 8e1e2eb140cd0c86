"""Running a sweep: plan it, skip what is on disk, run the rest on a pool, write the tables.

A sweep is resumable by construction: each finished run is one file renamed into place, so a rerun
of the same command (same spec, same folder) runs exactly the runs without a file. Runs go to a
local process pool (forkserver where the platform has it, else spawn) or to a Dask cluster; either
way the parent process writes every file and only a bounded number of runs is in flight, so memory
stays flat however many runs the sweep has.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from lunarcity.errors import InputError
from lunarcity.optional import require
from lunarcity.show.output_paths import check_out_dir, write_error
from lunarcity.sweeps.backends import WorkerDied, run_dask, run_local
from lunarcity.sweeps.designs import DesignTable, build_design, run_seed
from lunarcity.sweeps.spec import (
    SweepSpec,
    ValuesParameter,
    find_spec_file,
    load_spec,
    validate_spec,
)
from lunarcity.sweeps.storage import (
    RESULTS_FILE,
    SweepDir,
    column_types,
    convert,
    identity,
    sweep_id,
)
from lunarcity.sweeps.worker import RunOutput, RunTask

Backend = Literal["local", "dask"]
#: Default parent folder of sweeps given no --out.
DEFAULT_ROOT = Path("sweeps_out")


@dataclass
class Plan:
    """Everything about a sweep that is fixed before it runs."""

    spec: SweepSpec
    scenario: dict[str, Any]
    design: DesignTable
    ident: dict[str, Any]
    sweep_id: str
    types: dict[str, str]

    @property
    def n_runs(self) -> int:
        """Runs in the sweep."""
        return len(self.design.points) * self.spec.design.replicates

    def info(self) -> dict[str, Any]:
        """The sweep.json body (besides the identity)."""
        spec = self.spec
        return {
            "format": 1,
            "sweep_id": self.sweep_id,
            "name": spec.name,
            "spec_file": spec.file,
            "scenario": self.scenario.get("name"),
            "n_runs": self.n_runs,
            "n_points": len(self.design.points),
            "replicates": spec.design.replicates,
            "seed": spec.seed,
            "common_seeds": spec.design.common_seeds,
            "design": {
                "method": spec.design.method,
                "samples": spec.design.samples,
                "levels": spec.design.levels,
                "second_order": spec.design.second_order,
                "problem": self.design.problem,
            },
            "parameters": list(spec.parameters),
            "parameter_kinds": {
                p: "values" if isinstance(v, ValuesParameter) else "range"
                for p, v in spec.parameters.items()
            },
            "outcomes": spec.outcome_names(),
            "keep_daily_every": spec.keep_daily_every,
            "columns": self.types,
        }

    def task(self, run_id: int) -> RunTask:
        """The task of one run."""
        reps = self.spec.design.replicates
        point, replicate = divmod(run_id, reps)
        # Common random numbers: the seed follows the replicate alone, so every design point
        # meets the same landers lost and the same failures drawn.
        stream = replicate if self.spec.design.common_seeds else run_id
        return RunTask(
            run_id=run_id,
            point=point,
            replicate=replicate,
            seed=run_seed(self.spec.seed, stream),
            params=self.design.points[point],
            scenario=self.scenario,
            outcomes=self.spec.outcome_names(),
            daily_every=self.spec.keep_daily_every,
        )

    def row(self, task: RunTask, output: RunOutput) -> dict[str, Any]:
        """The run file's row for a task's output."""
        row: dict[str, Any] = {
            "run_id": task.run_id,
            "point": task.point,
            "replicate": task.replicate,
            "seed": task.seed,
            "status": output.status,
            "error": output.error,
            "duration_s": output.duration_s,
            "peak_rss_mb": output.peak_rss_mb,
        }
        for path, value in task.params.items():
            row[path] = convert(value, self.types[path])
        for name in self.spec.outcome_names():
            row[name] = output.outcomes.get(name)
        return row


@dataclass
class SweepReport:
    """What a sweep did, for people (a summary) and machines (``--json``)."""

    out: Path
    sweep_id: str
    name: str
    n_runs: int
    skipped: int
    ran: int
    done: int
    failed: int
    wall_s: float
    share_met: float | None
    median_years_to_target: float | None
    median_years_when_met: float | None
    horizon_years: float | None
    failures: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "sweep_id": self.sweep_id,
            "name": self.name,
            "out": str(self.out),
            "results": str(self.out / RESULTS_FILE),
            "n_runs": self.n_runs,
            "already_done": self.skipped,
            "ran": self.ran,
            "done": self.done,
            "failed": self.failed,
            "wall_s": round(self.wall_s, 3),
            "runs_per_s": round(self.ran / self.wall_s, 3) if self.wall_s > 0 else None,
            "share_met_within_horizon": self.share_met,
            "median_years_to_target": self.median_years_to_target,
            "median_years_to_target_when_met": self.median_years_when_met,
            "horizon_years": self.horizon_years,
            "failures": self.failures,
        }


def as_spec(spec: str | Path | SweepSpec | dict[str, Any]) -> SweepSpec:
    """A validated spec from a path, a shipped spec's name, raw data or a spec."""
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, dict):
        return validate_spec(spec)
    return load_spec(find_spec_file(spec))


def make_plan(spec: SweepSpec) -> Plan:
    """Resolve the scenario, build the design and compute the sweep's identity."""
    scenario = spec.base_scenario().model_dump(mode="json")
    design = build_design(spec)
    ident = identity(spec, scenario)
    return Plan(
        spec=spec,
        scenario=scenario,
        design=design,
        ident=ident,
        sweep_id=sweep_id(ident),
        types=column_types(spec),
    )


# -- the sweep -------------------------------------------------------------------------------
def default_out(plan: Plan) -> Path:
    """The folder a sweep writes to without --out: its name and id, so a rerun resumes."""
    return DEFAULT_ROOT / f"{plan.spec.name}-{plan.sweep_id[:8]}"


def run_sweep(
    spec: str | Path | SweepSpec | dict[str, Any],
    out: str | Path | None = None,
    workers: int | None = None,
    backend: Backend = "local",
    scheduler: str | None = None,
    *,
    progress: bool = False,
    retry_failed: bool = False,
) -> SweepReport:
    """Run (or resume) a sweep and write its folder.

    Args:
        spec: A spec file, the name of a shipped spec, raw spec data, or a SweepSpec.
        out: The output folder (default ``sweeps_out/<name>-<id>``).
        workers: Worker processes (default: the CPU count); for ``--scheduler``, ignored.
        backend: ``local`` (a process pool) or ``dask``.
        scheduler: The address of a running Dask scheduler (implies the dask backend).
        progress: Show a progress bar with ETA on stderr.
        retry_failed: Run again the runs recorded as failed.

    Returns:
        The report: counts, timing, share of runs meeting the target, failures.

    Raises:
        InputError: bad spec, bad options, or a folder holding another sweep.
        WorkerDied: a worker process died; rerunning resumes.
    """
    if backend not in ("local", "dask"):
        raise InputError(f"unknown backend '{backend}'", field="--backend", valid="local, dask")
    if workers is not None and workers < 1:
        raise InputError(f"workers must be at least 1 (got {workers})", field="--workers")
    if scheduler:
        check_scheduler(scheduler)
        backend = "dask"
    if backend == "dask":  # before the plan and the folder: one line naming the extra
        require("distributed", field="--scheduler" if scheduler else "--backend")
    spec = as_spec(spec)
    plan = make_plan(spec)
    root = Path(out) if out is not None else default_out(plan)
    # Before any run: hours of runs should not end in "cannot write".
    check_out_dir(root)
    sweep_dir = SweepDir(root, plan.types, spec.outcome_names())
    start = time.perf_counter()
    try:
        ran = _write_sweep(sweep_dir, plan, backend, workers, scheduler, progress, retry_failed)
    except OSError as exc:  # a full disk, a folder made read-only mid-sweep
        raise write_error(exc, exc.filename or root) from None
    return _report(plan, root, n_skipped=plan.n_runs - ran, ran=ran,
                   wall=time.perf_counter() - start)  # fmt: skip


#: A Dask scheduler address: an optional protocol, a host and a port.
SCHEDULER_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss)://)?[^\s/:]+:\d{1,5}$")


def check_scheduler(address: str) -> None:
    """Refuse a scheduler address that is not ``[tcp://]host:port`` before any work starts."""
    if not SCHEDULER_ADDRESS.match(address) or not 0 < int(address.rsplit(":", 1)[1]) < 65536:
        raise InputError(
            f"'{address}' is not a scheduler address",
            field="--scheduler",
            valid="tcp://host:port, e.g. tcp://127.0.0.1:8786",
        )


def _write_sweep(
    sweep_dir: SweepDir,
    plan: Plan,
    backend: Backend,
    workers: int | None,
    scheduler: str | None,
    progress: bool,
    retry_failed: bool,
) -> int:
    """Open the sweep's folder, run what it lacks, write its tables; the number of runs run."""
    sweep_dir.open(plan.ident, plan.info(), plan.design)
    try:
        finished = sweep_dir.finished()
        todo = [
            rid
            for rid in range(plan.n_runs)
            if rid not in finished or (retry_failed and finished[rid] == "failed")
        ]
        n_workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
        tasks = (plan.task(rid) for rid in todo)
        if backend == "dask":
            outputs = run_dask(tasks, n_workers, scheduler)
        else:
            outputs = run_local(tasks, n_workers)
        n_before = plan.n_runs - len(todo)
        _consume(outputs, plan, sweep_dir, n_before, progress)
        sweep_dir.write_tables(plan.n_runs)
    finally:
        sweep_dir.close()
    return len(todo)


def _consume(
    outputs: Iterator[tuple[RunTask, RunOutput]],
    plan: Plan,
    sweep_dir: SweepDir,
    n_before: int,
    progress: bool,
) -> None:
    """Write each output as it arrives, with a progress bar on stderr."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from lunarcity.show.console import stderr_console

    failed = 0
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=stderr_console(),
        disable=not progress,
    )
    with bar:
        job = bar.add_task(
            f"sweep {plan.spec.name}", total=plan.n_runs, completed=n_before, failed=""
        )
        for task, output in outputs:
            sweep_dir.write_run(plan.row(task, output), output.daily)
            if output.status != "done":
                failed += 1
            bar.update(job, advance=1, failed=f"[red]{failed} failed" if failed else "")


def _report(plan: Plan, root: Path, n_skipped: int, ran: int, wall: float) -> SweepReport:
    """Summarise a finished sweep from its results file."""
    cols = ["run_id", "status", "met_within_horizon", "years_to_target_censored"]
    res = pl.read_parquet(root / RESULTS_FILE, columns=cols)
    done = res.filter(pl.col("status") == "done")
    failures = pl.read_parquet(root / "manifest.parquet", columns=["run_id", "status", "error"])
    failures = failures.filter(pl.col("status") == "failed")
    share = None
    median = None
    median_met = None
    if done.height:
        share = float(done["met_within_horizon"].cast(pl.Float64).mean())
        censored = done["years_to_target_censored"].drop_nulls().to_list()
        met = done.filter(pl.col("met_within_horizon"))["years_to_target_censored"].to_list()
        # The censored median is the median time to target only when at least half the runs
        # met it; otherwise the median lies beyond the horizon and is not known.
        if share >= 0.5 and censored:
            median = float(statistics.median(censored))
        if met:
            median_met = float(statistics.median(met))
    target = plan.scenario.get("target", {})
    run = plan.scenario.get("run", {})
    horizon = min(float(target.get("horizon_years", 1e9)), float(run.get("years", 1e9)))
    return SweepReport(
        out=root,
        sweep_id=plan.sweep_id,
        name=plan.spec.name,
        n_runs=plan.n_runs,
        skipped=n_skipped,
        ran=ran,
        done=done.height,
        failed=failures.height,
        wall_s=wall,
        share_met=share,
        median_years_to_target=median,
        median_years_when_met=median_met,
        horizon_years=horizon,
        failures=[
            {"run_id": int(r["run_id"]), "error": r["error"]}
            for r in failures.head(10).iter_rows(named=True)
        ],
    )


def sweep(
    spec: str | Path | SweepSpec | dict[str, Any],
    out: str | Path | None = None,
    workers: int | None = None,
    backend: Backend = "local",
    scheduler: str | None = None,
    *,
    progress: bool = False,
    retry_failed: bool = False,
) -> pl.DataFrame:
    """Run (or resume) a sweep and return its results, one row per run.

    Args:
        spec: A spec file, the name of a shipped spec (``"smoke"``), raw spec data or a SweepSpec.
        out: The output folder (default ``sweeps_out/<name>-<id>``); rerunning resumes.
        workers: Worker processes (default: the CPU count).
        backend: ``"local"`` (a process pool) or ``"dask"`` (a new LocalCluster).
        scheduler: Address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
        progress: Show a progress bar on stderr.
        retry_failed: Run again the runs recorded as failed.

    Returns:
        The results (``run_id``, ``point``, ``replicate``, ``seed``, ``status``, the parameters,
        the outcomes), sorted by ``run_id``; failed runs have null outcomes.

    Example::

        import lunarcity
        df = lunarcity.sweep("smoke", out="out/smoke", workers=2)
        df.group_by("earth.lander_interval_days").agg(df["met_within_horizon"].mean())
    """
    report = run_sweep(
        spec,
        out=out,
        workers=workers,
        backend=backend,
        scheduler=scheduler,
        progress=progress,
        retry_failed=retry_failed,
    )
    return pl.read_parquet(report.out / RESULTS_FILE)


__all__ = ["Plan", "SweepReport", "WorkerDied", "make_plan", "run_sweep", "sweep"]

"""``lunarcity sweep SPEC``: run (or resume) a parameter sweep; see :mod:`lunarcity.sweeps`."""

from __future__ import annotations

import argparse

from lunarcity.show.console import print_json, stderr_console, stdout_console
from lunarcity.study.words import count


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity sweep`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep (resumes when rerun)",
        description="Run the runs of a sweep spec that are not in DIR yet; rerun to resume.",
    )
    p.add_argument("spec", help="sweep spec file, or the name of one in models/sweeps/")
    p.add_argument("--out", metavar="DIR", help="output folder (default sweeps_out/NAME-ID)")
    p.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: the CPU count)"
    )
    p.add_argument(
        "--backend",
        choices=["local", "dask"],
        default="local",
        help="local process pool (default) or a Dask LocalCluster",
    )
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786"
    )
    p.add_argument(
        "--retry-failed", action="store_true", help="run again the runs recorded as failed"
    )
    p.add_argument(
        "--csv", action="store_true", help="also write DIR/results.csv (Parquet is always written)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity sweep``: run a parameter sweep (resuming when rerun).

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    from lunarcity.sweeps.runner import run_sweep

    report = run_sweep(
        args.spec,
        out=args.out,
        workers=args.workers,
        backend=args.backend,
        scheduler=args.scheduler,
        progress=True,
        retry_failed=args.retry_failed,
    )
    if args.csv:
        import polars as pl

        csv = report.out / "results.csv"
        pl.read_parquet(report.out / "results.parquet").write_csv(csv)
    if args.json:
        print_json(report.as_dict())
    else:
        _print(report.as_dict())
    if report.failed:
        stderr_console().print(
            f"[red]{report.failed} of {report.n_runs} runs failed[/red] "
            f"(errors in {report.out / 'manifest.parquet'})"
        )
        return 1
    return 0


def _print(r: dict) -> None:
    console = stdout_console()
    share = r["share_met_within_horizon"]
    met = "n/a" if share is None else f"{share:.1%}"
    horizon = r["horizon_years"]
    if r["median_years_to_target"] is not None:
        median = f"{r['median_years_to_target']:.2f} years"
    else:
        median = f"beyond the horizon ({count(horizon, 'year')}): fewer than half the runs met the target"
    console.print(f"[bold]sweep {r['name']}[/bold] ({r['sweep_id']}) -> {r['out']}")
    console.print(
        f"  runs: {r['n_runs']} ({r['ran']} run now, {r['already_done']} already done; "
        f"{r['done']} done, {r['failed']} failed) in {r['wall_s']:.1f} s"
    )
    console.print(f"  met the target within the horizon: {met}")
    console.print(f"  median years to target: {median}", soft_wrap=True)
    for f in r["failures"][:3]:
        console.print(f"  run {f['run_id']} failed: {f['error']}", soft_wrap=True)
    console.print(f"  results: {r['results']}")

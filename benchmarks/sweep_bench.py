"""How fast do sweeps run? Runs of the default ten-year scenario on a local pool.

Usage::

    python benchmarks/sweep_bench.py [--runs 24] [--workers 2] [--years 10]

Runs a Latin-hypercube sweep of the default scenario (``ten_year_city``) over the lander interval
and payload, and prints runs per second, wall time, the time 1,000 runs take at that rate
(measured with ``--runs 1000``; extrapolated linearly from fewer, which is slightly pessimistic:
the workers' start-up is spread over fewer runs) and the peak resident memory of the parent and
of the largest worker. The quality bar is 1,000 runs in at most 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures (a table, or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=24, help="runs to time (default 24)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--years", type=float, default=10.0, help="years per run (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    import polars as pl

    from lunarcity.sweeps.runner import run_sweep

    spec = {
        "name": "bench",
        "scenario": "ten_year_city",
        "years": args.years,
        "seed": 1,
        "design": {"method": "lhs", "samples": args.runs},
        "parameters": {
            "earth.lander_interval_days": {"low": 7, "high": 14},
            "earth.lander_payload_t": {"low": 80, "high": 120},
        },
        "keep_daily_every": 30,
    }
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        report = run_sweep(spec, out=Path(tmp) / "bench", workers=args.workers, progress=True)
        wall = time.perf_counter() - start
        manifest = pl.read_parquet(report.out / "manifest.parquet")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Pool workers are the forkserver's children, not ours: each reports its own peak.
    workers_peak = manifest["peak_rss_mb"].max() or 0.0
    durations = manifest["duration_s"]
    rate = report.ran / wall
    figures = {
        "runs": report.ran,
        "failed": report.failed,
        "workers": args.workers,
        "years_per_run": args.years,
        "wall_s": round(wall, 2),
        "runs_per_s": round(rate, 3),
        "s_per_run_per_worker": round(wall * args.workers / report.ran, 3),
        "extrapolated_1000_runs_min": round(1000 / rate / 60, 1),
        "median_run_s": round(float(durations.median()), 3),
        "peak_rss_parent_mb": round(own),
        "peak_rss_largest_worker_mb": round(workers_peak),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>28}: {value}")
        verdict = "meets" if figures["extrapolated_1000_runs_min"] <= 10 else "misses"
        how = "measured" if report.ran >= 1000 else "extrapolated"
        print(f"1,000 runs on {args.workers} workers {verdict} the 10-minute bar ({how})")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())

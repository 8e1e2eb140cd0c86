"""Rewrite README.md's performance sections from the committed measurements.

- ``performance``: from docs/results/benchmark.json, the output of ``benchmarks/run.py --json``
  (each time in seconds and as a ratio to the calibration workload timed in the same run).
- ``study-costs``: from each published study's ``summary.json`` under docs/results/ (its runs
  and their run times summed, as the study recorded them).
- ``sweep-cost``: from docs/results/sweep_bench.json, the output of
  ``benchmarks/sweep_bench.py --runs 1000 --json`` (a sweep's wall time, its runs' median and
  the processes' peak memory).
- ``app-frame``: from docs/results/app_frame.json, the output of
  ``benchmarks/app_frame.py --json`` (one frame of the live app at ~10^5 units, and Play's rate).

Usage::

    python benchmarks/run.py --json > docs/results/benchmark.json   # measure (minutes)
    python benchmarks/sweep_bench.py --runs 1000 --json > docs/results/sweep_bench.json
    python benchmarks/app_frame.py --json > docs/results/app_frame.json
    python docs/performance.py          # rewrite README.md's generated sections
    python docs/performance.py --check  # exit 1 if README.md differs from the committed JSON

tests/test_docs_performance.py runs the check against the committed files (no rerun), so a
quoted figure cannot go stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from lunarcity.results.published_figures import replace_section

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
RESULTS = REPO / "docs" / "results"
BENCHMARK = RESULTS / "benchmark.json"
SWEEP_BENCH = RESULTS / "sweep_bench.json"
APP_FRAME = RESULTS / "app_frame.json"
#: The sweep goal: 1,000 ten-year runs on 2 workers within this many minutes.
SWEEP_GOAL_MIN = 10

#: The time rows of the performance table: (label, seconds key, ratio key, CPU key).
TIME_ROWS: list[tuple[str, str, str, str | None]] = [
    ("default run (ten_year_city), model time", "default_run_s", "default_run_x", "default_run"),
    (
        "default run in a warm process (model alone, as in a sweep)",
        "default_run_warm_s",
        "default_run_warm_x",
        None,
    ),
    ("30-year default run, model time", "default_30y_s", "default_30y_x", "default_30y"),
    (
        "`lunarcity run`, the whole command",
        "default_command_s",
        "default_command_x",
        "default_command",
    ),
    ("scale_1e5 (~10^5 units)", "scale_1e5_s", "scale_1e5_x", "scale_1e5"),
    ("scale_1e6 (~10^6 units)", "scale_1e6_s", "scale_1e6_x", "scale_1e6"),
]


def _goal(bench: dict[str, Any], key: str, unit: str = "") -> str:
    """The goal of ``key`` and whether this measurement met it ('' when there is none)."""
    goal = bench["goals"].get(key)
    if goal is None:
        return ""
    met = bench["goals_met"].get(key)
    return f"{goal}{unit}" + ("" if met is None else (" (met)" if met else " (not met)"))


def _num(value: float | None, fmt: str, unit: str = "") -> str:
    return "skipped" if value is None else format(value, fmt) + unit


def performance_table(bench: dict[str, Any]) -> str:
    """The Markdown performance table and the line that says how it was measured."""
    x, x_cpu, cpu = bench["ratios"], bench["ratios_cpu"], bench["cpu_s"]
    cal = bench["calibration"]
    lines = [
        "| measurement | time | x calibration | CPU time | CPU x calibration | goal (x calibration) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        f"| calibration: {cal['loops']:,}-iteration Python loop, best of {cal['repeat']} "
        f"(before {cal['before_s']:.3f} s, after {cal['after_s']:.3f} s) "
        f"| {bench['calibration_s']:.3f} s | 1 | {bench['calibration_cpu_s']:.3f} s | 1 | |",
    ]
    for label, s_key, x_key, cpu_key in TIME_ROWS:
        cpu_s = "" if cpu_key is None else _num(cpu[cpu_key], ".2f", " s")
        cpu_x = "" if cpu_key is None else _num(x_cpu[f"{cpu_key}_x"], ".2f", "x")
        lines.append(
            f"| {label} | {_num(bench[s_key], '.2f', ' s')} | {_num(x[x_key], '.2f', 'x')} "
            f"| {cpu_s} | {cpu_x} | {_goal(bench, x_key)} |"
        )
    lines += [
        f"| peak memory, scale_1e6 | {_num(bench['peak_rss_mb_1e6'], '.0f', ' MB')} | | | "
        f"| {_goal(bench, 'peak_rss_mb_1e6', ' MB')} |",
        f"| speed-up over the Mesa reference at ~10^5 units (~10^4: "
        f"{bench['speedup_vs_mesa_reference_1e4']:.0f}x) "
        f"| {bench['speedup_vs_mesa_reference']:.0f}x | | "
        f"{bench['speedup_vs_mesa_reference_cpu']:.0f}x | "
        f"| {_goal(bench, 'speedup_vs_mesa_reference')} |",
        "",
        f"Cities at the end: default run {bench['default_units']:,} units, 30-year run "
        f"{bench['default_30y_units']:,} units over {bench['default_30y_days']:,} days, "
        f"scale_1e5 {bench['scale_1e5_units']:,}, scale_1e6 "
        f"{_num(bench['scale_1e6_units'], ',')}. "
        f"Measured with `benchmarks/run.py --json` (Python {bench['machine']['python']}, "
        f"Mesa {bench['machine']['mesa']}, numpy {bench['machine']['numpy']}, "
        f"{bench['machine']['cpus']} CPUs) on a machine shared with other work: load average "
        f"{bench['load_average_start'][0]:g} at the start, {bench['load_average_1min']:g} at the "
        f"end; the benchmark took {bench['benchmark_s']:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def _study_costs(results: Path) -> list[tuple[str, int, dict[str, Any]]]:
    """Each published study (its directory name), its parts and its cost from summary.json.

    The cost is the runs' own times summed (lunarcity/study/runner.py), which the summary holds
    however the study was stopped and resumed; the published studies' timings.json, written
    before a phase's wall time was summed over resumed pieces, hold none.
    """
    studies = []
    for study in sorted(p for p in results.iterdir() if p.is_dir()):
        path = study / "summary.json"
        if not path.is_file():
            continue
        head = json.loads(path.read_text(encoding="utf-8"))
        if head.get("cost", {}).get("runs"):
            studies.append((study.name, len(head.get("destinations") or {}) or 1, head["cost"]))
    return studies


def study_costs_table(results: Path = RESULTS) -> str:
    """The Markdown table of what each published study cost, from its summary's run times."""
    lines = [
        "| study | parts | runs | run times summed, over 2 cores | mean per run |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, parts, cost in _study_costs(results):
        runs, run_s = int(cost["runs"]), float(cost["run_seconds"])
        lines.append(
            f"| `{name}` | {parts} | {runs:,} | {run_s / 2 / 60.0:.0f} min | {run_s / runs:.1f} s |"
        )
    return "\n".join(lines) + "\n"


def sweep_cost(sweep: dict[str, Any]) -> str:
    """The paragraph on what a sweep costs, from ``benchmarks/sweep_bench.py --json``."""
    minutes = sweep["wall_s"] / 60.0
    how = "measured" if sweep["runs"] >= 1000 else f"{sweep['runs']:,} runs, extrapolated"
    at_1000 = sweep["extrapolated_1000_runs_min"]
    met = "met" if at_1000 <= SWEEP_GOAL_MIN else "not met"
    return (
        "A Latin-hypercube sweep of the default scenario over the lander interval (7-14 days) and "
        f"payload (80-120 t), {sweep['runs']:,} runs of {sweep['years_per_run']:g} years on "
        f"{sweep['workers']} workers: **{sweep['wall_s']:.0f} s ({minutes:.1f} minutes) {how}**, "
        f"median run {sweep['median_run_s']:.2f} s; 1,000 runs take {at_1000:.1f} minutes at this "
        f"rate, against a goal of {SWEEP_GOAL_MIN} minutes ({met}). A sweep's own cost is a few "
        "ms per run (a worker builds each model and frees it at once); the rest is the model's "
        f"day. Memory stays flat: the parent peaked at {sweep['peak_rss_parent_mb']:,} MB and the "
        f"largest worker at {sweep['peak_rss_largest_worker_mb']:,} MB over the "
        f"{sweep['runs']:,} runs, because every run is written to its own file and each finished "
        "model is freed (a model refers to itself, so the worker collects it explicitly; left to "
        "the collector's thresholds, which count objects rather than bytes, a worker grew to "
        "1.4 GB over 500 runs).\n"
    )


def app_frame_table(frame: dict[str, Any]) -> str:
    """The Markdown table of one app frame and Play's rate, from ``benchmarks/app_frame.py``."""
    parts = frame["parts_ms_median"]
    budget = frame["budget_ms"]
    met = "met" if frame["frame_ms_median"] <= budget else "not met"
    lines = [
        f"| measure ({frame['units']:,} units on day {frame['day']:,} of "
        f"`{frame['scenario']}`) | value |",
        "| --- | --- |",
        f"| frame, wall clock (median of {frame['frames']}) | "
        f"{frame['frame_ms_median']:.0f} ms (worst {frame['frame_ms_max']:.0f}) |",
        f"| frame, CPU time (median of {frame['frames']}) | "
        f"{frame['frame_cpu_ms_median']:.0f} ms |",
        "| of which (medians, wall clock): step / map / seven charts / the rest (summary, "
        f"headline, targets, legend) | {parts['step']:.1f} / {parts['map']:.0f} / {parts['charts']:.0f} / "
        f"{parts['rest']:.0f} ms |",
        f"| budget | {budget:.0f} ms a frame ({met}) |",
        f"| Play at the default {frame['play_speed_days_per_s']:g} days/s, a fresh "
        f"`{frame['play_scenario']}`, {frame['play_s']:.0f} s of wall clock | "
        f"{frame['play_days_per_s']:.1f} days/s: ten years in "
        f"{frame['ten_years_min']:.1f} min |",
        f"| redraws during Play | {frame['play_frames_per_s']:.1f} a second, at most "
        f"{frame['play_max_days_per_frame']} days each (allowed "
        f"{frame['play_max_days_allowed']}) |",
        "",
        f"Measured with `benchmarks/app_frame.py --json` (Python {frame['python']}, "
        f"{frame['cpus']} CPUs; load average {frame['load_average_1min']:g} at the end).",
    ]
    return "\n".join(lines) + "\n"


def with_sections(text: str, results: Path = RESULTS) -> str:
    """``text`` (README.md's) with its sections as the committed measurements give them."""
    bench = json.loads((results / BENCHMARK.name).read_text(encoding="utf-8"))
    sweep = json.loads((results / SWEEP_BENCH.name).read_text(encoding="utf-8"))
    text = replace_section(text, performance_table(bench), "performance")
    text = replace_section(text, sweep_cost(sweep), "sweep-cost")
    frame = json.loads((results / APP_FRAME.name).read_text(encoding="utf-8"))
    text = replace_section(text, app_frame_table(frame), "app-frame")
    return replace_section(text, study_costs_table(results), "study-costs")


def expected(readme: Path = README, results: Path = RESULTS) -> str:
    """README.md's text with its sections as the committed measurements give them."""
    return with_sections(readme.read_text(encoding="utf-8"), results)


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` compare) README.md's sections; the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    fresh = expected()
    if fresh == README.read_text(encoding="utf-8"):
        return 0
    if args.check:
        print("README.md's performance figures are stale: run python docs/performance.py")
        return 1
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

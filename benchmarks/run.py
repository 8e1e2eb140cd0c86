"""Benchmark LunarCity: the default run, cities of ~10^5 and ~10^6 units, and the Mesa way.

Usage::

    python benchmarks/run.py            # a table for people
    python benchmarks/run.py --json     # one JSON object on stdout (progress on stderr)
    python benchmarks/run.py --quick    # skip the ~10^6-unit city

Every measurement runs in a fresh Python process of its own, so peak memory (the child's
``ru_maxrss``) and timings do not mix:

- ``default``: ``lunarcity.run("ten_year_city")``, timed inside the process (model time: building
  the model and stepping ten years, without interpreter start-up and imports); best of
  ``--repeat``.
- ``default_30y``: the same preset run for 30 years (the horizon a study that must decide needs),
  timed the same way; best of ``--repeat``.
- ``command``: the whole ``lunarcity run`` console command, wall time from the parent (start-up,
  imports, the run and its printed summary); best of ``--repeat``.
- ``scale_1e5`` / ``scale_1e6``: ``lunarcity.run`` of benchmarks/scenarios/scale_1e5.yaml (best
  of ``--repeat``) and scale_1e6.yaml (once), benchmark loads, not predictions: model time,
  units at the end, ns per unit-day (model time / sum over days of units in service) and peak
  RSS.

CPU time (user + system) is reported beside every wall time: on a shared machine wall time
includes waiting for a core, CPU time does not.

- ``calibration``: a fixed pure-Python workload (``s = 0; for i in range(10_000_000): s += i``),
  best of three in a fresh process, timed before and after all the other measurements. Every
  time is also reported as a ratio to the faster of the two (``ratios``), so figures taken on
  different machines or under different loads compare: compare ratios from one run, not
  seconds across runs.
- ``compare_1e4`` / ``compare_1e5``: the model against the idiomatic Mesa reference
  (benchmarks/mesa_reference.py, one ``step()`` per agent per day). Both start from the same
  seed of scale_1e5 with failures off (the reference's condition) and are stepped with the
  vectorized methods until the city has ~N units; then ``--days`` days of each are timed from
  that same state, the model as it is and the reference with its per-agent path switched on,
  and their daily tables over those days are compared. The ratio of the two times is the
  speed-up; ns per unit-day (model) and ns per agent-step (reference) divide each time by the
  units in service summed over the timed days.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"

#: The goals (issue 27): (key, comparison, bound). The times are ratios to the calibration
#: workload timed in the same benchmark run (keys of ``ratios``), so they hold on any machine.
GOALS: dict[str, tuple[str, float]] = {
    "default_run_x": ("<=", 1.5),
    "default_30y_x": ("<=", 5.0),
    "scale_1e5_x": ("<=", 4.0),
    "scale_1e6_x": ("<=", 50.0),
    "peak_rss_mb_1e6": ("<=", 1500.0),
    "speedup_vs_mesa_reference": (">=", 100.0),
}

#: The calibration workload's iterations and how many times it is run (the best is kept).
CALIBRATION_LOOPS = 10_000_000
CALIBRATION_REPEAT = 3

#: The ratio keys: each time in the result (key) as a multiple of the calibration (value key).
RATIOS: dict[str, str] = {
    "default_run_s": "default_run_x",
    "default_run_warm_s": "default_run_warm_x",
    "default_30y_s": "default_30y_x",
    "default_command_s": "default_command_x",
    "scale_1e5_s": "scale_1e5_x",
    "scale_1e6_s": "scale_1e6_x",
}


def log(message: str) -> None:
    """Progress, on stderr (stdout carries only the result)."""
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set size (MB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


# ==============================================================================================
# Children: each prints one JSON object on stdout
# ==============================================================================================
#: The calibration workload as the issue states it, run as module-level code (as ``python -c``
#: runs it: ``s`` and ``i`` are globals). Inside a function the same loop runs ~2.5x faster on
#: local variables, which would make every ratio ~2.5x larger than the issue's.
CALIBRATION_CODE = "s = 0\nfor i in range({n}):\n    s += i\n"


def calibration_loop(n: int) -> int:
    """The calibration workload: ``n`` additions in a module-level Python loop (the sum)."""
    scope: dict[str, Any] = {}
    exec(compile(CALIBRATION_CODE.format(n=n), "<calibration>", "exec"), scope)  # noqa: S102
    return scope["s"]


def child_calibrate() -> dict[str, Any]:
    """The calibration workload, best of ``CALIBRATION_REPEAT`` in this (fresh) process."""
    best, best_cpu = math.inf, math.inf
    for _ in range(CALIBRATION_REPEAT):
        t0, c0 = time.perf_counter(), time.process_time()
        calibration_loop(CALIBRATION_LOOPS)
        seconds, cpu_s = time.perf_counter() - t0, time.process_time() - c0
        if seconds < best:
            best, best_cpu = seconds, cpu_s
    return {"seconds": best, "cpu_s": best_cpu}


def child_run(scenario: str, years: float | None = None) -> dict[str, Any]:
    """``lunarcity.run`` of a preset or scenario file, timed in this process, twice.

    The first run in a fresh process also loads the reference data and SciPy's solver (what
    `lunarcity run` pays once); the second, with another seed, is the model alone, as each run
    of a sweep after a worker's first.
    """
    import lunarcity

    # `lunarcity.run` is a lazy attribute: reading it imports the model and Mesa (~1 s of CPU,
    # more than the ten-year run's goal). Model time excludes imports, as the ``command`` row
    # includes them: read it before the clock starts.
    run = lunarcity.run
    t0, c0 = time.perf_counter(), time.process_time()
    result = run(scenario, years=years)
    seconds, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    t1 = time.perf_counter()
    run(scenario, seed=2, years=years)
    warm_s = time.perf_counter() - t1
    units = result.daily["units_total"]
    unit_days = float(units[1:].sum())  # the units in service on each simulated day
    return {
        "seconds": seconds,
        "cpu_s": cpu_s,
        "warm_s": warm_s,
        "units": int(result.summary["units_total"]),
        "days": int(result.summary["days_simulated"]),
        "ns_per_unit_day": seconds / unit_days * 1e9 if unit_days else None,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_compare(units: int, days: int) -> dict[str, Any]:
    """The model and the Mesa reference, timed over ``days`` days from a city of ~``units``."""
    import numpy as np

    from lunarcity.model import LunarCity

    sys.path.insert(0, str(HERE))
    from mesa_reference import MesaReference

    scenario = str(SCENARIOS / "scale_1e5.yaml")
    overrides = {"economy__failures": False, "run__years": 30}
    model = LunarCity(scenario, **overrides)
    reference = MesaReference(scenario, active=False, **overrides)
    t0 = time.perf_counter()
    for m in (model, reference):
        while m.recorder.last("units_total") < units and m.running:
            m.step()
    warm_s = time.perf_counter() - t0
    reached = model.recorder.last("units_total")
    if reached < units or not model.running:
        raise RuntimeError(
            f"the benchmark city reached {reached:,.0f} units by day {model.day}, not {units:,}: "
            "retune the load in benchmarks/scenarios/ so it grows past that size"
        )
    if model.day != reference.day:
        raise RuntimeError("the warm-ups diverged: the reference no longer follows the model")
    start_day = model.day
    start_units = int(model.recorder.last("units_total"))

    def timed(m: LunarCity) -> tuple[float, float]:
        t, c = time.perf_counter(), time.process_time()
        for _ in range(days):
            m.step()
        return time.perf_counter() - t, time.process_time() - c

    model_s, model_cpu_s = timed(model)
    reference.active = True
    reference_s, reference_cpu_s = timed(reference)

    a = model.daily().slice(start_day + 1, days)
    b = reference.daily().slice(start_day + 1, days)
    worst = 0.0
    for col in a.columns:
        if a[col].dtype.is_numeric():
            x = a[col].to_numpy().astype(np.float64)
            y = b[col].to_numpy().astype(np.float64)
            scale = np.maximum(np.maximum(np.abs(x), np.abs(y)), 1e-12)
            worst = max(worst, float((np.abs(x - y) / scale).max()))
        elif a[col].to_list() != b[col].to_list():
            worst = math.inf
    unit_days = float(a["units_total"].sum())
    return {
        "target_units": units,
        "start_day": start_day,
        "start_units": start_units,
        "end_units": int(model.recorder.last("units_total")),
        "days": days,
        "warm_up_s": warm_s,
        "model_s": model_s,
        "reference_s": reference_s,
        "model_cpu_s": model_cpu_s,
        "reference_cpu_s": reference_cpu_s,
        "model_ns_per_unit_day": model_s / unit_days * 1e9,
        "reference_ns_per_agent_step": reference_s / unit_days * 1e9,
        "speedup": reference_s / model_s,
        "max_rel_diff": worst,
        "peak_rss_mb": peak_rss_mb(),
    }


# ==============================================================================================
# The parent
# ==============================================================================================
def in_child(*args: str) -> dict[str, Any]:
    """Run this script as a child with ``--child ARGS``; its JSON result."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark child {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def lunarcity_command() -> list[str]:
    """The ``lunarcity`` console script next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name("lunarcity")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("lunarcity")
    return [found] if found else [sys.executable, "-m", "lunarcity.cli"]


def time_command(repeat: int) -> tuple[float, float]:
    """Best wall time of ``lunarcity run`` (the default scenario) over ``repeat`` runs.

    Returns:
        The best wall time and the CPU time (user + system) of that run (s).
    """
    best, best_cpu = math.inf, math.inf
    env = {**os.environ, "NO_COLOR": "1"}
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(
            [*lunarcity_command(), "run", "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            env=env,
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if wall < best:
            best, best_cpu = wall, cpu
    return best, best_cpu


def machine() -> dict[str, Any]:
    import mesa
    import numpy

    return {
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """All the measurements; the flat keys the issue names, then the details."""
    load_start = os.getloadavg()
    t_all = time.perf_counter()
    log(f"calibration ({CALIBRATION_LOOPS:,}-iteration Python loop), best of 3 ...")
    cal_before = in_child("calibrate")
    log(f"  {cal_before['seconds']:.3f} s")
    log(f"default run (ten_year_city), best of {args.repeat} ...")
    default = min(
        (in_child("run", "ten_year_city") for _ in range(args.repeat)),
        key=lambda r: r["seconds"],
    )
    log(f"  {default['seconds']:.2f} s, {default['units']:,} units")
    log(f"30-year default run (ten_year_city, 30 years), best of {args.repeat} ...")
    d30 = min(
        (in_child("run", "ten_year_city", "30") for _ in range(args.repeat)),
        key=lambda r: r["seconds"],
    )
    log(f"  {d30['seconds']:.2f} s, {d30['units']:,} units, {d30['days']:,} days")
    log(f"the whole `lunarcity run` command, best of {args.repeat} ...")
    command_s, command_cpu_s = time_command(args.repeat)
    log(f"  {command_s:.2f} s")
    log(f"scale_1e5, best of {args.repeat} ...")
    s5 = min(
        (in_child("run", str(SCENARIOS / "scale_1e5.yaml")) for _ in range(args.repeat)),
        key=lambda r: r["seconds"],
    )
    log(f"  {s5['seconds']:.2f} s, {s5['units']:,} units, {s5['peak_rss_mb']:.0f} MB")
    s6 = None
    if not args.quick:
        log("scale_1e6 ...")
        s6 = in_child("run", str(SCENARIOS / "scale_1e6.yaml"))
        log(f"  {s6['seconds']:.2f} s, {s6['units']:,} units, {s6['peak_rss_mb']:.0f} MB")
    compares = {}
    for n in (10_000, 100_000):
        log(f"model vs Mesa reference at ~{n:,} units, {args.days} days ...")
        c = in_child("compare", str(n), str(args.days))
        compares[n] = c
        log(
            f"  from {c['start_units']:,} units: model {c['model_s']:.3f} s, "
            f"reference {c['reference_s']:.2f} s, x{c['speedup']:.0f} "
            f"(max rel diff {c['max_rel_diff']:.1e})"
        )
    log("calibration again, best of 3 ...")
    cal_after = in_child("calibrate")
    log(f"  {cal_after['seconds']:.3f} s")
    calibration_s = min(cal_before["seconds"], cal_after["seconds"])
    c4, c5 = compares[10_000], compares[100_000]
    headline = s6 if s6 is not None else s5
    result: dict[str, Any] = {
        "default_run_s": round(default["seconds"], 3),
        "default_run_warm_s": round(default["warm_s"], 3),
        "default_30y_s": round(d30["seconds"], 3),
        "default_30y_units": d30["units"],
        "default_30y_days": d30["days"],
        "default_command_s": round(command_s, 3),
        "scale_1e5_s": round(s5["seconds"], 3),
        "scale_1e5_units": s5["units"],
        "scale_1e6_s": round(s6["seconds"], 3) if s6 else None,
        "scale_1e6_units": s6["units"] if s6 else None,
        "ns_per_unit_day": round(headline["ns_per_unit_day"], 1),
        "ns_per_unit_day_scenario": "scale_1e6" if s6 else "scale_1e5",
        "peak_rss_mb_1e6": round(s6["peak_rss_mb"], 1) if s6 else None,
        "speedup_vs_mesa_reference": round(c5["speedup"], 1),
        "reference_1e4_ns_per_agent_step": round(c4["reference_ns_per_agent_step"], 1),
        "model_1e4_ns_per_unit_day": round(c4["model_ns_per_unit_day"], 1),
        "reference_1e5_ns_per_agent_step": round(c5["reference_ns_per_agent_step"], 1),
        "model_1e5_ns_per_unit_day": round(c5["model_ns_per_unit_day"], 1),
        "speedup_vs_mesa_reference_1e4": round(c4["speedup"], 1),
        "speedup_vs_mesa_reference_cpu": round(c5["reference_cpu_s"] / c5["model_cpu_s"], 1),
        "default_units": default["units"],
        # CPU time beside wall time: on a shared machine wall time includes waiting for a core.
        "cpu_s": {
            "default_run": round(default["cpu_s"], 3),
            "default_30y": round(d30["cpu_s"], 3),
            "default_command": round(command_cpu_s, 3),
            "scale_1e5": round(s5["cpu_s"], 3),
            "scale_1e6": round(s6["cpu_s"], 3) if s6 else None,
        },
        "calibration_s": round(calibration_s, 4),
        "calibration": {
            "loops": CALIBRATION_LOOPS,
            "repeat": CALIBRATION_REPEAT,
            "before_s": round(cal_before["seconds"], 4),
            "after_s": round(cal_after["seconds"], 4),
            "before_cpu_s": round(cal_before["cpu_s"], 4),
            "after_cpu_s": round(cal_after["cpu_s"], 4),
        },
        "load_average_1min": round(os.getloadavg()[0], 2),
        "load_average_start": [round(x, 2) for x in load_start],
        "peak_rss_mb_default": round(default["peak_rss_mb"], 1),
        "peak_rss_mb_1e5": round(s5["peak_rss_mb"], 1),
        "ns_per_unit_day_1e5": round(s5["ns_per_unit_day"], 1),
        "compare": {f"{n:.0e}".replace("+0", ""): c for n, c in compares.items()},
        "goals": {k: f"{op} {bound:g}" for k, (op, bound) in GOALS.items()},
        "machine": machine(),
        "benchmark_s": round(time.perf_counter() - t_all, 1),
    }
    # Each time as a multiple of the calibration, from the rounded figures (so the ratios a
    # reader recomputes from the JSON agree with the ones printed).
    result["ratios"] = {
        x: None if result[s] is None else round(result[s] / result["calibration_s"], 2)
        for s, x in RATIOS.items()
    }
    # The same in CPU time (user + system), against the calibration's CPU time: on a loaded
    # machine the wall-time ratios include waiting for a core, these do not.
    cal_cpu = min(cal_before, cal_after, key=lambda c: c["seconds"])["cpu_s"]
    result["calibration_cpu_s"] = round(cal_cpu, 4)
    result["ratios_cpu"] = {
        f"{k}_x": None if v is None else round(v / cal_cpu, 2) for k, v in result["cpu_s"].items()
    }
    figures = {**result, **result["ratios"]}
    result["goals_met"] = {
        k: (None if figures[k] is None else _meets(figures[k], op, bound))
        for k, (op, bound) in GOALS.items()
    }
    return result


def _meets(value: float, op: str, bound: float) -> bool:
    return value <= bound if op == "<=" else value >= bound


def print_table(r: dict[str, Any]) -> None:
    """The figures as a table for people: wall time, its ratio to the calibration, CPU time."""
    from rich.console import Console
    from rich.table import Table

    def f(value: Any, fmt: str, unit: str = "") -> str:
        return "skipped" if value is None else format(value, fmt) + unit

    def goal(key: str) -> str:
        op, bound = GOALS[key]
        met = r["goals_met"][key]
        mark = "" if met is None else (" [green]met[/]" if met else " [red]not met[/]")
        return f"{op} {bound:g}{mark}"

    cpu, x = r["cpu_s"], r["ratios"]
    c4, c5 = r["compare"]["1e4"], r["compare"]["1e5"]
    t = Table(title="LunarCity benchmark")
    for name, justify in (
        ("measurement", "left"),
        ("value", "right"),
        ("x calibration", "right"),
        ("CPU", "right"),
    ):
        t.add_column(name, justify=justify)
    t.add_column("goal (x calibration)")
    t.add_row(
        f"calibration: {r['calibration']['loops']:,}-iteration Python loop, best of "
        f"{r['calibration']['repeat']} (before / after)",
        f(r["calibration_s"], ".3f", " s"),
        "1",
        f"{r['calibration']['before_s']:.3f} / {r['calibration']['after_s']:.3f} s",
    )
    t.add_row(
        f"default run, model time (ten_year_city, {r['default_units']:,} units)",
        f(r["default_run_s"], ".2f", " s"),
        f(x["default_run_x"], ".2f", "x"),
        f(cpu["default_run"], ".2f", " s"),
        goal("default_run_x"),
    )
    t.add_row(
        "default run in a warm process (model alone, as in a sweep; seed 2)",
        f(r["default_run_warm_s"], ".2f", " s"),
        f(x["default_run_warm_x"], ".2f", "x"),
    )
    t.add_row(
        f"30-year default run, model time ({r['default_30y_units']:,} units)",
        f(r["default_30y_s"], ".2f", " s"),
        f(x["default_30y_x"], ".2f", "x"),
        f(cpu["default_30y"], ".2f", " s"),
        goal("default_30y_x"),
    )
    t.add_row(
        "`lunarcity run`, the whole command",
        f(r["default_command_s"], ".2f", " s"),
        f(x["default_command_x"], ".2f", "x"),
        f(cpu["default_command"], ".2f", " s"),
    )
    t.add_row(
        f"scale_1e5 ({r['scale_1e5_units']:,} units)",
        f(r["scale_1e5_s"], ".2f", " s"),
        f(x["scale_1e5_x"], ".2f", "x"),
        f(cpu["scale_1e5"], ".2f", " s"),
        goal("scale_1e5_x"),
    )
    t.add_row(
        f"scale_1e6 ({f(r['scale_1e6_units'], ',')} units)",
        f(r["scale_1e6_s"], ".2f", " s"),
        f(x["scale_1e6_x"], ".2f", "x"),
        f(cpu["scale_1e6"], ".2f", " s"),
        goal("scale_1e6_x"),
    )
    t.add_row(
        "peak memory, scale_1e6",
        f(r["peak_rss_mb_1e6"], ".0f", " MB"),
        "",
        "",
        goal("peak_rss_mb_1e6"),
    )
    t.add_row(f"ns per unit-day ({r['ns_per_unit_day_scenario']})", f(r["ns_per_unit_day"], ".0f"))
    for c in (c4, c5):
        t.add_row(
            f"model from {c['start_units']:,} units ({c['days']} days), ns/unit-day",
            f(c["model_ns_per_unit_day"], ".0f"),
            "",
            f(c["model_cpu_s"] / c["model_s"] * c["model_ns_per_unit_day"], ".0f"),
        )
        t.add_row(
            f"Mesa reference from {c['start_units']:,} units, ns/agent-step",
            f(c["reference_ns_per_agent_step"], ".0f"),
            "",
            f(c["reference_cpu_s"] / c["reference_s"] * c["reference_ns_per_agent_step"], ".0f"),
        )
    t.add_row(
        "speed-up over the Mesa reference, ~10^4 units",
        f(c4["speedup"], ".0f", "x"),
        "",
        f(c4["reference_cpu_s"] / c4["model_cpu_s"], ".0f", "x"),
    )
    t.add_row(
        "speed-up over the Mesa reference, ~10^5 units",
        f(r["speedup_vs_mesa_reference"], ".0f", "x"),
        "",
        f(c5["reference_cpu_s"] / c5["model_cpu_s"], ".0f", "x"),
        goal("speedup_vs_mesa_reference"),
    )
    console = Console()
    console.print(t)
    m = r["machine"]
    console.print(
        f"Python {m['python']}, Mesa {m['mesa']}, numpy {m['numpy']}, {m['cpus']} CPUs, "
        f"load average {r['load_average_start'][0]:g} at the start and "
        f"{r['load_average_1min']:g} at the end; the benchmark took {r['benchmark_s']:.0f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when it completes (goals met or not)."""
    p = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Benchmark LunarCity: default run, ~10^5 and ~10^6 units, the Mesa way.",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--quick", action="store_true", help="skip the ~10^6-unit city")
    p.add_argument(
        "--days", type=int, default=30, help="days timed in the model/reference comparison"
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of the default scenario, the command and scale_1e5 (the best is kept)",
    )
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "run":
            out = child_run(rest[0], float(rest[1]) if len(rest) > 1 else None)
        elif kind == "calibrate":
            out = child_calibrate()
        elif kind == "compare":
            out = child_compare(int(rest[0]), int(rest[1]))
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(out))
        return 0
    if args.days < 1 or args.repeat < 1:
        p.error("--days and --repeat must be at least 1")
    result = measure(args)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

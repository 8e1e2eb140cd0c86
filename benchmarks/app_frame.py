"""Frame time of the live app at ~10^5 units: one day's step plus the redraw of everything shown.

Runs the benchmark load ``benchmarks/scenarios/scale_1e5.yaml`` headless (its horizon
lengthened, so the city keeps growing) until it has ``--units`` units in service, then times
frames the way Play makes them: step one day, draw the map, the seven charts, the target panel and
the headline (:meth:`lunarcity.viz.session.Session.advance`). The default city (``ten_year_city``)
grows more slowly: at the benchmark's horizon (``LOAD_YEARS``) it stops far short of 10^5 units.
A city that stops before ``--units`` is refused (exit 2), since frames of a stopped city step no
day.

    python benchmarks/app_frame.py [--units 100000] [--frames 20] [--json]

Prints the median and worst frame times; the app's budget is 250 ms per frame.

Then measures the play rate a class sees: Play's own loop (:func:`lunarcity.viz.player.play`,
the app's default speed) on a fresh ten-year city (``--play-scenario``) for ``--play-seconds``
of wall clock, in days a second, and the minutes ten years take at that rate (the brief: about
two minutes); and the redraws a second and the most days one redraw moved (at most 3 at 30
days/s). docs/performance.py writes README.md's table from the ``--json`` output committed as
docs/results/app_frame.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from lunarcity.app import viz
from lunarcity.constants import DAYS_PER_YEAR

BUDGET_MS = 250.0
#: The load the frames are timed on: the benchmark city that reaches ~10^5 units.
LOAD = Path(__file__).resolve().parent / "scenarios" / "scale_1e5.yaml"
#: Its horizon for the benchmark (years): past the ~10 years it takes to reach 10^5 units.
LOAD_YEARS = 15


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000, help="units in service to reach")
    parser.add_argument("--frames", type=int, default=20, help="frames to time")
    parser.add_argument("--scenario", default=str(LOAD), help="the city the frames are timed on")
    parser.add_argument(
        "--play-scenario", default="ten_year_city", help="the city Play's rate is timed on"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--play-seconds", type=float, default=20.0, help="wall-clock seconds of Play to time"
    )
    args = parser.parse_args(argv)

    viz()  # registers lunarcity.viz, from a checkout or a wheel
    session_mod = importlib.import_module("lunarcity.viz.session")
    t0 = time.perf_counter()
    session = session_mod.Session(args.scenario, overrides={"run.years": LOAD_YEARS})
    model = session.model
    while model.running and model.recorder.last("units_total") < args.units:
        model.step()
    warmup_s = time.perf_counter() - t0
    reached = int(model.recorder.last("units_total"))
    if reached < args.units:
        print(
            f"app_frame: --scenario {args.scenario} stopped on day {model.day:,} with "
            f"{reached:,} units, short of --units {args.units:,}: choose a smaller --units or a "
            "city that grows further",
            file=sys.stderr,
        )
        return 2
    session.frame()  # first frame: the materials view and the figures' first draw
    times, cpu, parts = [], [], []
    for _ in range(args.frames):
        t, c = time.perf_counter(), time.process_time()
        frame = session.advance(1)
        times.append((time.perf_counter() - t) * 1000.0)
        # CPU time too: on a shared machine the wall clock also counts other people's work.
        cpu.append((time.process_time() - c) * 1000.0)
        parts.append(frame.timings_ms)
    result = {
        "scenario": model.params.name,
        "day": frame.day,
        "units": frame.units_total,
        "frames": len(times),
        "frame_ms_median": round(statistics.median(times), 1),
        "frame_ms_max": round(max(times), 1),
        "frame_cpu_ms_median": round(statistics.median(cpu), 1),
        "parts_ms_median": {k: round(statistics.median(p[k] for p in parts), 1) for k in parts[0]},
        "budget_ms": BUDGET_MS,
        "headless_run_s": round(warmup_s, 1),
    }
    result.update(play_rate(session_mod, args.play_scenario, args.play_seconds))
    result.update(
        python=platform.python_version(),
        cpus=os.cpu_count(),
        load_average_1min=round(os.getloadavg()[0], 2),
    )
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['units']:,} units on day {result['day']}: frame "
            f"{result['frame_ms_median']:.0f} ms median, {result['frame_ms_max']:.0f} ms worst "
            f"over {len(times)} frames (budget {BUDGET_MS:.0f} ms); "
            f"CPU {result['frame_cpu_ms_median']:.0f} ms median"
        )
        print(
            "  parts (median ms): "
            + ", ".join(f"{k} {v}" for k, v in result["parts_ms_median"].items())
        )
        print(f"  headless run to that size: {warmup_s:.1f} s", file=sys.stderr)
        print(
            f"Play at the default {result['play_speed_days_per_s']:g} days/s: "
            f"{result['play_days']} days in {result['play_s']:.1f} s = "
            f"{result['play_days_per_s']:.1f} days/s; ten years would take "
            f"{result['ten_years_min']:.1f} min"
        )
        print(
            f"Redraws at the default speed: {result['play_frames_per_s']:.1f} a second, at most "
            f"{result['play_max_days_per_frame']} days each "
            f"(allowed {result['play_max_days_allowed']})"
        )
    return 0 if result["frame_ms_median"] <= BUDGET_MS else 1


def play_rate(session_mod, scenario: str, seconds: float) -> dict[str, float]:
    """Days a second that Play's loop reaches on a fresh city at the default speed."""
    import threading

    player = importlib.import_module("lunarcity.viz.player")
    session = session_mod.Session(scenario)
    cancel = threading.Event()
    shown: list[int] = []

    def show(frame) -> None:
        shown.append(frame.day)

    timer = threading.Timer(seconds, cancel.set)
    t0 = time.perf_counter()
    timer.start()
    player.play(session.advance, show, lambda: float(player.DEFAULT_SPEED), cancel)
    elapsed = time.perf_counter() - t0
    timer.cancel()
    days = shown[-1] if shown else 0
    rate = days / elapsed
    steps = [b - a for a, b in zip([0, *shown], shown, strict=False)]
    return {
        "play_scenario": scenario,
        # The frame's cost at the default speed: redraws a second and the most days one moved
        # (the app's promise: at most 3 days a redraw at 30 days/s, ~10 redraws a second).
        "play_frames_per_s": round(len(shown) / elapsed, 1),
        "play_max_days_per_frame": max(steps) if steps else 0,
        "play_max_days_allowed": player.max_days_per_frame(player.DEFAULT_SPEED),
        "play_speed_days_per_s": float(player.DEFAULT_SPEED),
        "play_s": round(elapsed, 1),
        "play_days": days,
        "play_frames": len(shown),
        "play_days_per_s": round(rate, 1),
        "ten_years_min": round(10 * DAYS_PER_YEAR / rate / 60.0, 1) if rate else float("inf"),
    }


if __name__ == "__main__":
    raise SystemExit(main())

"""README.md's performance table and study costs are what the committed measurements say.

docs/performance.py writes them from docs/results/benchmark.json (``benchmarks/run.py --json``)
and each study's summary.json (its runs' times); this compares the committed text with what the
committed files give (no rerun: a benchmark takes minutes and its seconds move with the machine).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import load_docs_script

REPO = Path(__file__).resolve().parents[1]


def test_readme_performance_figures_match_the_committed_json() -> None:
    expected = load_docs_script("performance").expected()
    assert (REPO / "README.md").read_text(encoding="utf-8") == expected, (
        "README.md's performance figures differ from docs/results: run python docs/performance.py"
    )


def test_the_ratios_are_the_times_over_the_calibration() -> None:
    bench = json.loads((REPO / "docs" / "results" / "benchmark.json").read_text())
    cal = bench["calibration"]
    # The calibration is the faster of the two timings taken before and after the rest.
    assert bench["calibration_s"] == min(cal["before_s"], cal["after_s"])
    for seconds, ratio in (("default_run_s", "default_run_x"), ("default_30y_s", "default_30y_x")):
        assert abs(bench["ratios"][ratio] - bench[seconds] / bench["calibration_s"]) < 0.006


def test_study_costs_read_each_studys_summary(tmp_path: Path) -> None:
    # A study of two parts whose summary says 40 runs took 480 s of run time: over 2 cores,
    # 480 / 2 / 60 = 4 minutes; 480 / 40 = 12.0 s a run.
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "summary.json").write_text(
        json.dumps({"destinations": {"a": {}, "b": {}}, "cost": {"runs": 40, "run_seconds": 480.0}})
    )
    table = load_docs_script("performance").study_costs_table(tmp_path)
    assert "| `s` | 2 | 40 | 4 min | 12.0 s |" in table


def test_sweep_cost_says_what_the_sweep_benchmark_measured() -> None:
    # 1,000 runs in 660 s on 2 workers: 11.0 minutes, past the 10-minute goal; 24 runs in 14.4 s
    # are 1,000 in 14.4 / 24 x 1,000 / 60 = 10.0 minutes at that rate, which meets it.
    cost = load_docs_script("performance").sweep_cost
    measured = {
        "runs": 1000,
        "workers": 2,
        "years_per_run": 10.0,
        "wall_s": 660.0,
        "median_run_s": 1.234,
        "extrapolated_1000_runs_min": 11.0,
        "peak_rss_parent_mb": 300,
        "peak_rss_largest_worker_mb": 190,
    }
    text = cost(measured)
    assert "1,000 runs of 10 years on 2 workers: **660 s (11.0 minutes) measured**" in text
    assert "median run 1.23 s" in text and "a goal of 10 minutes (not met)" in text
    assert "parent peaked at 300 MB and the largest worker at 190 MB over the 1,000 runs" in text
    short = cost({**measured, "runs": 24, "wall_s": 14.4, "extrapolated_1000_runs_min": 10.0})
    assert "**14 s (0.2 minutes) 24 runs, extrapolated**" in short
    assert "1,000 runs take 10.0 minutes at this rate, against a goal of 10 minutes (met)" in short


def test_app_frame_table_says_what_the_frame_benchmark_measured() -> None:
    # 20 frames with a median of 240.4 ms are inside the 250 ms budget; one of 260 ms is not.
    # The Play figures are the benchmark's own, printed as given: 30.0 days a second, and ten
    # years (3,652.5 days) in 3,652.5 / 30 / 60 = 2.03 minutes, which the benchmark rounds to 2.0.
    table = load_docs_script("performance").app_frame_table
    measured = {
        "scenario": "scale_1e5",
        "day": 4061,
        "units": 100604,
        "frames": 20,
        "frame_ms_median": 240.4,
        "frame_ms_max": 301.2,
        "frame_cpu_ms_median": 200.0,
        "parts_ms_median": {"map": 28.6, "charts": 85.3, "rest": 18.2, "step": 2.8},
        "budget_ms": 250.0,
        "play_scenario": "ten_year_city",
        "play_frames_per_s": 10.0,
        "play_max_days_per_frame": 3,
        "play_max_days_allowed": 3,
        "play_speed_days_per_s": 30.0,
        "play_s": 20.0,
        "play_days_per_s": 30.0,
        "ten_years_min": 2.0,
        "python": "3.11.7",
        "cpus": 2,
        "load_average_1min": 0.5,
    }
    text = table(measured)
    assert "| measure (100,604 units on day 4,061 of `scale_1e5`) | value |" in text
    assert "| frame, wall clock (median of 20) | 240 ms (worst 301) |" in text
    assert "| budget | 250 ms a frame (met) |" in text
    assert "2.8 / 29 / 85 / 18 ms |" in text
    assert (
        "a fresh `ten_year_city`, 20 s of wall clock | 30.0 days/s: ten years in 2.0 min |" in text
    )
    assert "(Python 3.11.7, 2 CPUs; load average 0.5 at the end)" in text
    assert "(not met)" in table({**measured, "frame_ms_median": 260.0})

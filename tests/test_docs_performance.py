"""README.md's performance table and study costs are what the committed measurements say.

docs/performance.py writes them from docs/results/benchmark.json (``benchmarks/run.py --json``)
and each study's timings.json; this compares the committed text with what the committed files
give (no rerun: a benchmark takes minutes and its seconds move with the machine).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def _performance() -> ModuleType:
    """docs/performance.py, imported by path (docs/ is no package)."""
    spec = importlib.util.spec_from_file_location("performance", REPO / "docs" / "performance.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_performance_figures_match_the_committed_json() -> None:
    expected = _performance().expected()
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


def test_study_costs_sum_each_studys_recorded_phases(tmp_path: Path) -> None:
    # Two parts of one study: 10 runs in 60 s and 30 runs in 180 s, so 40 runs in 240 s:
    # 4.0 minutes, 6.00 s a run.
    for part, (ran, wall) in {"a": (10, 60.0), "b": (30, 180.0)}.items():
        (tmp_path / "s" / part).mkdir(parents=True)
        (tmp_path / "s" / part / "timings.json").write_text(
            json.dumps({"sobol": {"wall_s": wall, "ran": ran, "workers": None}})
        )
    table = _performance().study_costs_table(tmp_path)
    assert "| `s` | 2 | 40 | 4.0 min | 6.00 s |" in table

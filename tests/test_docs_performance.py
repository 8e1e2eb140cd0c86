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

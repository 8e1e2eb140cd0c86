"""Sensitivity analysis recovers known answers through the same code path a real sweep takes.

A function with a known answer stands in for the model: the spec, design, storage and analysis are
the sweep's own; only the outcome values come from Ishigami's function (Sobol indices known in
closed form) or a linear function (Morris ranking known), written as the runs' files.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from lunarcity.cli import main
from lunarcity.commands.sensitivity import unresolved_line
from lunarcity.errors import InputError
from lunarcity.sweeps.runner import Plan, make_plan
from lunarcity.sweeps.sensitivity import _salib, analyze, load_sweep, run_sensitivity
from lunarcity.sweeps.spec import validate_spec
from lunarcity.sweeps.storage import SweepDir
from lunarcity.sweeps.worker import RunOutput, RunTask

# Three free float fields of the scenario (target thresholds take any real number), so the
# design can span Ishigami's [-pi, pi] cube while every path stays a real scenario path.
A = "target.parts.industrial_mass.at_least"
B = "target.parts.power.at_least"
C = "target.parts.closure.at_least"


def write_sweep(
    plan: Plan, root: Path, outcome: dict[str, Callable[[dict, RunTask], object]]
) -> None:
    """Write a sweep folder whose runs' outcomes are ``f(point values)`` (plus seeded noise)."""
    folder = SweepDir(root, plan.types, plan.spec.outcome_names())
    folder.open(plan.ident, plan.info(), plan.design)
    for run_id in range(plan.n_runs):
        task = plan.task(run_id)
        values = {name: f(task.params, task) for name, f in outcome.items()}
        output = RunOutput(run_id, "done", None, 0.0, outcomes=values)
        folder.write_run(plan.row(task, output), None)
    folder.write_tables(plan.n_runs)
    folder.close()


def noise(task: RunTask) -> float:
    """Seeded noise that cancels over a point's three replicates (+e, 0, -e)."""
    e = float(np.random.default_rng(task.point).normal(0, 1))
    return (1 - task.replicate) * e


def ishigami(p: dict, task: RunTask | None = None, a: float = 7.0, b: float = 0.1) -> float:
    x1, x2, x3 = p[A], p[B], p[C]
    return math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)


def test_sobol_indices_of_ishigami(tmp_path: Path) -> None:
    spec = validate_spec(
        {
            "years": 1,
            "seed": 3,
            "design": {"method": "saltelli", "samples": 512, "replicates": 1},
            "parameters": {n: {"low": -math.pi, "high": math.pi} for n in (A, B, C)},
            "outcomes": ["industrial_mass_t"],
        }
    )
    plan = make_plan(spec)

    write_sweep(plan, tmp_path / "sweep", {"industrial_mass_t": ishigami})
    table, notes, files = run_sensitivity(tmp_path / "sweep", ["industrial_mass_t"])
    assert files["table"].is_file() and files["chart"].stat().st_size > 1000
    assert pl.read_parquet(files["table"]).equals(table)
    got = {r["parameter"]: r for r in table.iter_rows(named=True)}
    # Ishigami (a=7, b=0.1): S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244.
    assert got[A]["S1"] == pytest.approx(0.314, abs=0.05)
    assert got[B]["S1"] == pytest.approx(0.442, abs=0.05)
    assert got[C]["S1"] == pytest.approx(0.0, abs=0.05)
    assert got[A]["ST"] == pytest.approx(0.558, abs=0.06)
    assert got[C]["ST"] == pytest.approx(0.244, abs=0.06)
    assert [got[n]["rank"] for n in (A, B, C)] == [1, 2, 3]


def test_morris_ranks_a_linear_function(tmp_path: Path) -> None:
    spec = validate_spec(
        {
            "years": 1,
            "design": {"method": "morris", "samples": 20, "levels": 4, "replicates": 3},
            "parameters": {
                A: {"low": 0, "high": 1},
                B: {"low": 0, "high": 1},
                C: {"low": 0, "high": 1},
                "planner.policy": ["fixed_mix", "bottleneck_first"],
            },
            "outcomes": ["compute_in_orbit_kw", "bottleneck"],
        }
    )
    plan = make_plan(spec)
    write_sweep(
        plan,
        tmp_path / "sweep",
        {
            # Replicates differ by noise that the analysis averages away, point by point.
            "compute_in_orbit_kw": lambda p, t: 1.0 * p[A] + 5.0 * p[B] + 0.2 * p[C] + noise(t),
            "bottleneck": lambda p, s: "labour",
            # Constant outcomes are noted, not analysed (a Sobol index of nothing is NaN).
            "met_within_horizon": lambda p, s: False,
            "years_to_target_censored": lambda p, s: 1.0,
        },
    )
    table, notes, _ = run_sensitivity(tmp_path / "sweep")
    ranked = table.filter(pl.col("outcome") == "compute_in_orbit_kw").sort("rank")
    assert ranked["parameter"].to_list() == [B, A, C, "planner.policy"]
    mu = dict(zip(ranked["parameter"], ranked["mu_star"], strict=True))
    assert mu[B] == pytest.approx(5.0) and mu[A] == pytest.approx(1.0)
    assert mu["planner.policy"] == pytest.approx(0.0)
    assert any("met_within_horizon" in n and "same value" in n for n in notes)


def test_a_design_without_a_method_is_refused(tmp_path: Path, cli) -> None:
    spec = validate_spec(
        {
            "years": 1,
            "design": {"method": "lhs", "samples": 8},
            "parameters": {A: {"low": 0, "high": 1}},
        }
    )
    write_sweep(make_plan(spec), tmp_path / "lhs", {"industrial_mass_t": lambda p, s: p[A]})
    with pytest.raises(InputError, match="saltelli"):
        run_sensitivity(tmp_path / "lhs")
    res = cli("sensitivity", tmp_path / "lhs")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "saltelli" in res.stderr and "morris" in res.stderr and "lhs" in res.stderr
    # plots work on any design
    res = cli("plot", tmp_path / "lhs", "--json")
    assert res.returncode == 0, res.stderr
    res = cli("plot", tmp_path / "lhs", "--x", "target.parts.power.at_leest")
    assert res.returncode == 2 and "did you mean" in res.stderr


def test_sensitivity_command_prints_and_saves(tmp_path: Path, cli) -> None:
    spec = validate_spec(
        {
            "years": 1,
            "design": {"method": "saltelli", "samples": 64},
            "parameters": {n: {"low": -math.pi, "high": math.pi} for n in (A, B, C)},
            "outcomes": ["industrial_mass_t"],
        }
    )
    write_sweep(make_plan(spec), tmp_path / "s", {"industrial_mass_t": ishigami})
    res = cli("sensitivity", tmp_path / "s")
    assert res.returncode == 0, res.stderr
    assert "industrial_mass_t" in res.stdout and A in res.stdout
    assert (tmp_path / "s" / "sensitivity.parquet").is_file()
    assert (tmp_path / "s" / "sensitivity.png").is_file()
    res = cli("sensitivity", tmp_path / "s", "--outcome", "industrial_mass", "--json")
    assert res.returncode == 2 and "did you mean 'industrial_mass_t'" in res.stderr


def test_a_sweep_of_noise_is_not_read_as_a_ranking(tmp_path: Path, capsys) -> None:
    # The review's case: 8 runs (base sample 2, two inputs) whose outcome is noise. The table
    # ranks the estimates; the line under it says, by the study's rule, that none is resolved.
    spec = validate_spec(
        {
            "years": 1,
            "seed": 3,
            "design": {"method": "saltelli", "samples": 2},
            "parameters": {n: {"low": -math.pi, "high": math.pi} for n in (A, B)},
            "outcomes": ["industrial_mass_t"],
        }
    )
    plan = make_plan(spec)
    assert plan.n_runs == 8
    write_sweep(
        plan,
        tmp_path / "s",
        {"industrial_mass_t": lambda p, t: float(np.random.default_rng(t.point).normal())},
    )
    assert main(["sensitivity", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    said = [line for line in out.splitlines() if line.startswith("industrial_mass_t: ")]
    assert len(said) == 1, out
    assert said[0].startswith("industrial_mass_t: ranked as a study ranks, ")
    assert "not resolved" in said[0] and f"'{A}'" in said[0] and f"'{B}'" in said[0]
    assert main(["sensitivity", str(tmp_path / "s"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["unresolved"]
    assert list(got) == ["industrial_mass_t"] and got["industrial_mass_t"] == said[0]


def test_a_first_order_index_below_zero_beyond_its_interval_is_said() -> None:
    def table(s1: float, s1_conf: float) -> pl.DataFrame:
        # Two inputs whose total-order intervals separate (0.9 - 0.05 > 0.1 + 0.05) and the
        # second's stays above zero: only the first-order figure can be flagged.
        return pl.DataFrame(
            {
                "outcome": ["y", "y"],
                "parameter": ["a", "b"],
                "method": ["sobol", "sobol"],
                "ST": [0.9, 0.1],
                "ST_conf": [0.05, 0.05],
                "S1": [0.8, s1],
                "S1_conf": [0.05, s1_conf],
            }
        )

    # -0.5 + 0.2 < 0: the whole interval is below zero, which no share of variance can be.
    line = unresolved_line(table(-0.5, 0.2))
    assert line is not None and line.startswith("y: first-order index below zero")
    assert "'b' (-0.5 ± 0.2)" in line and "not resolved" not in line
    # -0.1 + 0.2 > 0: within its interval of zero; the intervals separate: nothing is said.
    assert unresolved_line(table(-0.1, 0.2)) is None


def test_salib_warnings_are_said_as_one_note(tmp_path: Path) -> None:
    # Base sample 2, two inputs: blocks of 4 rows (SALib's A, the two mixed rows, B). An outcome
    # that is 1 on the mixed rows and 0 on A and B varies, but not where SALib's estimators
    # read the variance: SALib warned "Constant values encountered" in Python's words on stderr.
    spec = validate_spec(
        {
            "years": 1,
            "design": {"method": "saltelli", "samples": 2},
            "parameters": {n: {"low": 0, "high": 1} for n in (A, B)},
            "outcomes": ["industrial_mass_t"],
        }
    )
    write_sweep(
        make_plan(spec),
        tmp_path / "s",
        {"industrial_mass_t": lambda p, t: float(t.point % 4 in (1, 2))},
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table, notes = analyze(*load_sweep(tmp_path / "s"), ["industrial_mass_t"])
    assert [str(w.message) for w in caught if issubclass(w.category, UserWarning)] == []
    assert notes == [
        "industrial_mass_t: every run of the design's base samples (SALib's A and B rows) gave "
        "0, so the Sobol estimators see no variance and give 0 for every input: these indices "
        "say nothing; a larger sample is needed"
    ]
    assert table["ST"].to_list() == [0.0, 0.0]


def test_any_other_salib_warning_is_one_note_and_other_categories_pass() -> None:
    def analysis() -> int:
        warnings.warn("Convergence may not\n        be valid", stacklevel=1)
        warnings.warn("Convergence may not\n        be valid", stacklevel=1)
        for _ in range(3):
            warnings.warn("overflow", RuntimeWarning, stacklevel=1)
        return 7

    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _salib(analysis, "y", notes) == 7
    # SALib's text on one line, once; numpy's kind of warning is not ours to reword.
    assert notes == ["y: SALib warns: Convergence may not be valid"]
    assert [(w.category, str(w.message)) for w in caught] == [(RuntimeWarning, "overflow")]

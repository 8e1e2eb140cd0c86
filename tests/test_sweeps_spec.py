"""Sweep specs and designs: schema errors, design sizes, seeds, bad input on the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from lunarcity.errors import InputError
from lunarcity.sweeps.designs import build_design, run_seed
from lunarcity.sweeps.runner import make_plan
from lunarcity.sweeps.spec import DEFAULT_OUTCOMES, load_spec, validate_spec

REPO = Path(__file__).resolve().parent.parent

THREE = {
    "earth.lander_interval_days": {"low": 5, "high": 20, "log": True},
    "earth.lander_failure_prob": {"low": 0.0, "high": 0.3},
    "planner.policy": ["fixed_mix", "bottleneck_first", "grow_then_produce"],
}


def spec_of(design: dict, parameters: dict | None = None, **extra) -> object:
    return validate_spec({"years": 1, "design": design, "parameters": parameters or THREE, **extra})


@pytest.mark.parametrize(
    ("design", "points"),
    [
        ({"method": "lhs", "samples": 10}, 10),
        ({"method": "sobol", "samples": 16}, 16),
        ({"method": "saltelli", "samples": 8}, 8 * (3 + 2)),
        ({"method": "saltelli", "samples": 8, "second_order": True}, 8 * (2 * 3 + 2)),
        ({"method": "morris", "samples": 5}, 5 * (3 + 1)),
        ({"method": "morris", "samples": 4, "levels": 6, "replicates": 3}, 4 * (3 + 1)),
    ],
)
def test_design_sizes(design: dict, points: int) -> None:
    spec = spec_of(design)
    table = build_design(spec)
    assert len(table.points) == points == spec.n_points()
    assert spec.n_runs() == points * spec.design.replicates
    assert table.x.shape == (points, 3)


def test_grid_is_every_combination() -> None:
    params = {
        "earth.lander_interval_days": [7, 14],
        "earth.lander_payload_t": {"low": 50, "high": 150, "steps": 3},
        "planner.policy": ["fixed_mix", "grow_then_produce"],
    }
    spec = spec_of({"method": "grid", "replicates": 2}, params)
    table = build_design(spec)
    assert spec.n_runs() == 2 * 3 * 2 * 2
    combos = {tuple(p.values()) for p in table.points}
    assert len(combos) == 12
    assert {p["earth.lander_payload_t"] for p in table.points} == {50.0, 100.0, 150.0}
    assert table.points[0] == {
        "earth.lander_interval_days": 7,
        "earth.lander_payload_t": 50.0,
        "planner.policy": "fixed_mix",
    }


def test_lhs_fills_every_stratum_and_respects_bounds() -> None:
    spec = spec_of({"method": "lhs", "samples": 20})
    table = build_design(spec)
    lo, hi = math.log10(5), math.log10(20)
    strata = np.floor((table.x[:, 0] - lo) / (hi - lo) * 20).astype(int)
    assert sorted(strata) == list(range(20))  # one draw per stratum: Latin
    values = [p["earth.lander_interval_days"] for p in table.points]
    assert min(values) >= 5 and max(values) <= 20
    assert {p["planner.policy"] for p in table.points} == set(THREE["planner.policy"])


def test_integer_fields_are_rounded() -> None:
    spec = spec_of(
        {"method": "lhs", "samples": 8}, {"earth.first_lander_day": {"low": 0, "high": 30}}
    )
    assert all(isinstance(p["earth.first_lander_day"], int) for p in build_design(spec).points)


def test_designs_and_seeds_are_deterministic() -> None:
    a = build_design(spec_of({"method": "saltelli", "samples": 8}, seed=7))
    b = build_design(spec_of({"method": "saltelli", "samples": 8}, seed=7))
    c = build_design(spec_of({"method": "sobol", "samples": 8}, seed=8))
    assert np.array_equal(a.x, b.x)
    assert a.points == b.points
    assert c.x.shape == (8, 3)
    seeds = [run_seed(7, i) for i in range(1000)]
    assert len(set(seeds)) == 1000
    assert seeds == [run_seed(7, i) for i in range(1000)]
    assert all(0 <= s < 2**63 for s in seeds)
    assert run_seed(8, 0) != run_seed(7, 0)


def test_shipped_specs_load() -> None:
    smoke = load_spec(REPO / "models" / "sweeps" / "smoke.yaml")
    assert smoke.scenario == "ten_year_city"
    assert smoke.n_runs() <= 24
    assert (smoke.years or 99) <= 2
    real = load_spec("ten_year_feasibility")
    assert real.design.method in ("saltelli", "morris")
    assert len(real.parameters) >= 6


def test_default_outcomes_include_the_derived_ones() -> None:
    spec = spec_of({"method": "lhs", "samples": 4})
    assert spec.outcome_names() == DEFAULT_OUTCOMES
    assert "met_within_horizon" in DEFAULT_OUTCOMES
    assert "years_to_target_censored" in DEFAULT_OUTCOMES
    picked = spec_of({"method": "lhs", "samples": 4}, outcomes=["industrial_mass_t", "units.robot"])
    assert picked.outcome_names()[:2] == ["industrial_mass_t", "units.robot"]


def test_sweep_identity_changes_with_the_spec_not_its_prose() -> None:
    a = make_plan(spec_of({"method": "lhs", "samples": 4}, description="one"))
    b = make_plan(spec_of({"method": "lhs", "samples": 4}, description="two"))
    c = make_plan(spec_of({"method": "lhs", "samples": 4}, seed=3))
    assert a.sweep_id == b.sweep_id != c.sweep_id


def test_the_data_hash_follows_the_figures_not_the_words(data_copy: Path) -> None:
    # A sweep's identity holds the data's hash: rewording a source, an assumption or a comment
    # in data/ must keep every sweep resumable, while any figure a run reads must not.
    from lunarcity.sweeps.storage import data_hash

    units = data_copy / "units.yaml"
    text = units.read_text()
    base = data_hash(data_copy)
    assert base == data_hash()  # the checkout's data, copied

    def edited(old: str, new: str) -> str:
        assert text.count(old) == 1, old
        units.write_text(text.replace(old, new))
        return data_hash(data_copy)

    assert edited("mining 2.7 t/day is ours:", "mining 2.7 t/day is our assumption:") == base
    assert edited('source: "AASM80 tab 5.1: mining robots', 'source: "AASM80: robots') == base
    assert (
        edited("    mining_kg_per_day: 2700\n", "    # a comment\n    mining_kg_per_day: 2700\n")
        == base
    )
    assert edited("mining_kg_per_day: 2700", "mining_kg_per_day: 2701") != base
    assert edited("    duty_fraction: 0.9\n", "    duty_fraction: 0.9\n    gap: 1\n") != base
    units.write_text(text)
    (data_copy / "units.yaml").rename(data_copy / "units_renamed.yaml")
    assert data_hash(data_copy) != base


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"design": "grid", "parameters": {"earth.lander_intervall_days": [1, 2]}}, "did you mean"),
        ({"design": "grid", "parameters": {"earth.lander_failure_prob": [0.1, 1.5]}}, "1.5"),
        ({"design": "grid", "parameters": {"planner.policy": ["fixed_mix", 2]}}, "mix kinds"),
        ({"design": "grid", "parameters": {"earth.lander_failure_prob": 0.3}}, "list of values"),
        ({"design": {"method": "lhs"}, "parameters": THREE}, "needs samples"),
        ({"design": {"method": "sobol", "samples": 12}, "parameters": THREE}, "power of two"),
        ({"design": {"method": "lhs", "samples": 4, "replicate": 2}}, "replicates"),
        ({"design": "grid", "parameters": {"run.years": [1, 2]}}, "set by the sweep"),
        (
            {
                "design": "grid",
                "parameters": {"planner.policy": ["fixed_mix"]},
                "outcomes": ["mass"],
            },
            "unknown outcome",
        ),
        ({"design": "grid", "parameters": {}}, "parameters"),
        (
            {"design": "grid", "scenario": "no_such", "parameters": {"site.name": ["equator"]}},
            "no preset",
        ),
        (
            {"design": "grid", "parameters": {"earth.lander_payload_t": {"low": 1, "high": 2}}},
            "steps",
        ),
        (
            {
                "design": "grid",
                "parameters": {"earth.lander_payload_t": {"low": 0, "high": 5, "log": True}},
            },
            "low > 0",
        ),
        # A value that is no number a run can take: named as such, not as "a valid boolean"
        # (the first type pydantic tried of a value's four).
        (
            {"design": "grid", "parameters": {"earth.lander_payload_t": [50, float("nan")]}},
            "values.1: a value must be a finite number, a word or true/false (got nan)",
        ),
        (
            {"design": "grid", "parameters": {"earth.lander_payload_t": [float("inf")]}},
            "values.0: a value must be a finite number, a word or true/false (got inf)",
        ),
        (
            {"design": "grid", "parameters": {"earth.lander_payload_t": [50, None]}},
            "values.1: a value must be a finite number, a word or true/false (got None)",
        ),
    ],
)
def test_bad_specs_are_one_clear_error(data: dict, needle: str) -> None:
    with pytest.raises(InputError) as info:
        validate_spec(data)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


BAD = {
    "unknown_path": (
        "design: {method: lhs, samples: 4}\nparameters:\n"
        "  earth.lander_intervall_days: {low: 5, high: 10}\n",
        ["bad.yaml:3", "parameters.earth.lander_intervall_days", "did you mean"],
    ),
    "reversed_bounds": (
        "design: {method: lhs, samples: 4}\nparameters:\n"
        "  earth.lander_interval_days: {low: 10, high: 5}\n",
        ["bad.yaml:3", "parameters.earth.lander_interval_days", "must be below"],
    ),
    "sobol_not_power_of_two": (
        "design: {method: sobol, samples: 10}\nparameters:\n"
        "  earth.lander_interval_days: {low: 5, high: 10}\n",
        ["bad.yaml:1", "design.samples", "power of two", "8 or 16"],
    ),
    # An odd number of levels: MOR91's step, p / (2 (p - 1)) of the range, is 5/8 for p = 5,
    # 2.5 of the grid's quarter steps, so it lands between levels (SALib only warns).
    "morris_odd_levels": (
        "design:\n  method: morris\n  samples: 4\n  levels: 5\nparameters:\n"
        "  earth.lander_interval_days: {low: 5, high: 10}\n"
        "  earth.lander_payload_t: {low: 50, high: 100}\n",
        # p is said before the step that uses it.
        [
            "bad.yaml:4",
            "design.levels",
            "even number of levels (got 5): with p levels its step, p / (2 (p - 1))",
            "4 or 6",
        ],
    ),
    "saltelli_not_power_of_two": (
        "design:\n  method: saltelli\n  samples: 100\nparameters:\n"
        "  earth.lander_interval_days: {low: 5, high: 10}\n  earth.lander_payload_t: [50, 100]\n",
        ["bad.yaml:3", "design.samples", "power of two"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_spec_on_the_command_line(cli, tmp_path: Path, case: str) -> None:
    text, needles = BAD[case]
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    res = cli("sweep", spec, "--out", tmp_path / "out", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    for needle in needles:
        assert needle in lines[0]
    assert not (tmp_path / "out").exists()


def test_an_output_folder_of_another_spec_is_refused(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "sweep.json").write_text(json.dumps({"sweep_id": "0123456789abcdef", "name": "x"}))
    res = cli("sweep", REPO / "models" / "sweeps" / "smoke.yaml", "--out", out)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert str(out) in res.stderr and "another sweep" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["sweep.json"]


def test_a_folder_that_is_not_a_sweep_is_refused(cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    res = cli("sweep", "smoke", "--out", tmp_path)
    assert res.returncode == 2 and "no sweep.json" in res.stderr


@pytest.mark.parametrize("command", ["sensitivity", "plot"])
def test_analysis_of_a_missing_sweep_is_bad_input(cli, tmp_path: Path, command: str) -> None:
    res = cli(command, tmp_path / "nothing")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = cli(command, tmp_path)
    assert res.returncode == 2 and "no sweep" in res.stderr


def test_validate_reads_sweep_specs(cli) -> None:
    res = cli("validate", REPO / "models" / "sweeps" / "smoke.yaml")
    assert res.returncode == 0, res.stderr
    assert "runs)" in res.stdout

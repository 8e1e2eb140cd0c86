"""Policies over one shared sample of uncertainties (issue 22): figures worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lunarcity.errors import InputError
from lunarcity.study.policies import best_policy, check_roles, compare, grid, policy_table


def test_share_regret_and_the_best_policy_by_hand() -> None:
    # Two policies over four scenarios. Outcomes A = 10, 20, 30, 40 and B = 12, 18, 35, 20;
    # the best in each scenario is 12, 20, 35, 40, so A's regret is 2, 0, 5, 0 and B's
    # 0, 2, 0, 20. The 90th percentile (linear, numpy's default) of A's sorted 0, 0, 2, 5 is at
    # 0.9 x 3 = 2.7: 2 + 0.7 x 3 = 4.1; of B's 0, 0, 2, 20: 2 + 0.7 x 18 = 14.6.
    # A meets the flag in 2 of 4, B in 3 of 4: B is best by the rule (share first).
    # Wilson for 3 of 4 (z = 1.96): centre (0.75 + 3.8415 / 8) / (1 + 3.8415 / 4) = 0.6275,
    # half 1.96 sqrt(0.046875 + 0.060023) / 1.96037 = 0.3269: 0.3006 to 0.9544.
    # A's median (20 + 30) / 2 = 25, its 5 % at 0.15: 11.5, its 95 % at 2.85: 38.5.
    outcome = np.array([[10.0, 20.0, 30.0, 40.0], [12.0, 18.0, 35.0, 20.0]])
    flags = np.array([[True, True, False, False], [True, True, True, False]])
    rows = compare(flags, outcome, [{"p": "A"}, {"p": "B"}])
    a, b = rows
    assert a.regret_p90 == pytest.approx(4.1) and b.regret_p90 == pytest.approx(14.6)
    assert a.regret_max == 5.0 and b.regret_max == 20.0
    assert (a.median, a.p5, a.p95) == pytest.approx((25.0, 11.5, 38.5))
    assert b.success.share == 0.75
    assert (b.success.low, b.success.high) == pytest.approx((0.3006, 0.9544), abs=1e-4)
    assert best_policy(rows) == 1
    # With equal shares the smaller 90th-percentile regret decides: A.
    assert best_policy(compare(np.ones((2, 4), dtype=bool), outcome, [{}, {}])) == 0
    table = policy_table(rows, 1, "industrial_mass_t")
    assert "| B | 0.75 (best) | 0.30-0.95 | 19 | " in table and "regret p90" in table


def test_a_grid_is_every_combination_in_order() -> None:
    got = grid({"a": [1, 2], "b": ["x", "y"]})
    assert got == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]


def test_levers_and_uncertainties_keep_their_roles() -> None:
    with pytest.raises(InputError, match="tagged uncertainty, not lever"):
        check_roles({"earth.lander_failure_prob": [0.1]}, {}, "ten_year_city")
    with pytest.raises(InputError, match="tagged lever, not uncertainty"):
        check_roles({}, {"planner.produce_share": (0.1, 0.5)}, "ten_year_city")


def test_every_policy_runs_on_the_same_draws_of_the_uncertainties() -> None:
    # Two levers (2 x 3 values: six policies) over four shared draws of two ranges, one of
    # them log-uniform: 6 x 4 = 24 points, policy-major; draw j is the same in every policy.
    from lunarcity.sweeps.designs import build_design, n_points
    from lunarcity.sweeps.spec import validate_spec

    spec = validate_spec(
        {
            "name": "policies-by-hand",
            "scenario": "ten_year_city",
            "seed": 7,
            "design": {"method": "policies", "samples": 4},
            "parameters": {
                "earth.lander_payload_t": {"low": 50, "high": 150, "assumption": "test"},
                "units.robot.failures_per_year": {
                    "low": 0.05,
                    "high": 1.0,
                    "log": True,
                    "assumption": "test",
                },
                "earth.manifest": {"values": ["need", "need_then_bulk"], "assumption": "test"},
                "earth.stockpile_years": {"values": [0, 1, 2], "assumption": "test"},
            },
        }
    )
    design = build_design(spec)
    assert n_points(spec) == len(design.points) == 24
    policies = [(p["earth.manifest"], p["earth.stockpile_years"]) for p in design.points[::4]]
    assert policies == [(m, y) for m in ("need", "need_then_bulk") for y in (0, 1, 2)]
    draws = [
        [
            (p["earth.lander_payload_t"], p["units.robot.failures_per_year"])
            for p in design.points[k * 4 : k * 4 + 4]
        ]
        for k in range(6)
    ]
    assert all(d == draws[0] for d in draws)
    # A Latin hypercube: each of the four strata of a range holds one draw (the log range's
    # strata in log10 space: log10 0.05 = -1.301 to 0).
    payload = sorted(p for p, _ in draws[0])
    assert [int((p - 50) // 25) for p in payload] == [0, 1, 2, 3]
    lo = np.log10(0.05)
    rates = sorted(np.log10(r) for _, r in draws[0])
    assert [int((r - lo) // (-lo / 4)) for r in rates] == [0, 1, 2, 3]


def test_the_ema_model_function_runs_the_city_by_ema_names() -> None:
    # EMA passes parameters by name with "__" for the dots; the function returns the outcomes.
    from lunarcity.study.ema import ema_name, model_function

    assert ema_name("earth.manifest") == "earth__manifest"
    run = model_function("ten_year_city", years=10 / 365.25, seed=5, outcomes=["industrial_mass_t"])
    out = run(**{ema_name("earth.lander_failure_prob"): 0.0, ema_name("earth.manifest"): "need"})
    assert set(out) == {"industrial_mass_t"} and out["industrial_mass_t"] > 0


def test_the_ema_model_has_the_levers_and_uncertainties() -> None:
    ema = pytest.importorskip("ema_workbench")  # optional: Python 3.12+, not a dependency
    from lunarcity.study.ema import ema_model

    model = ema_model(
        "ten_year_city",
        levers={"earth.manifest": ["need", "need_then_bulk"]},
        uncertainties={"earth.lander_failure_prob": (0.0, 0.3)},
        years=0.05,
        seed=1,
        outcomes=["industrial_mass_t"],
    )
    assert isinstance(model.uncertainties["earth__lander_failure_prob"], ema.RealParameter)
    assert isinstance(model.levers["earth__manifest"], ema.CategoricalParameter)


def test_without_ema_workbench_the_bridge_names_its_extra() -> None:
    from lunarcity.errors import InputError
    from lunarcity.optional import available
    from lunarcity.study.ema import ema_model

    if available("ema_workbench"):
        pytest.skip("EMA Workbench is installed here")
    with pytest.raises(InputError, match=r'pip install "lunarcity\[ema\]"'):
        ema_model(
            "ten_year_city",
            levers={"earth.manifest": ["need", "need_then_bulk"]},
            uncertainties={"earth.lander_failure_prob": (0.0, 0.3)},
            years=0.05,
            seed=1,
            outcomes=["industrial_mass_t"],
        )

"""What studies added to sweeps: common random numbers, fixed overrides, seeded bootstrap."""

from __future__ import annotations

import pytest

from lunarcity.errors import InputError
from lunarcity.sweeps.designs import run_seed
from lunarcity.sweeps.runner import make_plan
from lunarcity.sweeps.spec import validate_spec
from lunarcity.sweeps.storage import identity

TWO = {
    "earth.lander_interval_days": {"low": 5, "high": 30, "assumption": "test"},
    "earth.lander_payload_t": {"low": 50, "high": 150, "assumption": "test"},
}


def spec_of(design: dict, **extra) -> object:
    return validate_spec({"years": 1, "design": design, "parameters": TWO, **extra})


def test_common_seeds_give_every_point_the_replicate_seed() -> None:
    plan = make_plan(
        spec_of({"method": "lhs", "samples": 4, "replicates": 2, "common_seeds": True})
    )
    tasks = [plan.task(i) for i in range(plan.n_runs)]
    assert [t.seed for t in tasks if t.replicate == 0] == [run_seed(plan.spec.seed, 0)] * 4
    assert [t.seed for t in tasks if t.replicate == 1] == [run_seed(plan.spec.seed, 1)] * 4
    assert plan.info()["common_seeds"] is True
    own = make_plan(spec_of({"method": "lhs", "samples": 4, "replicates": 2}))
    assert len({own.task(i).seed for i in range(own.n_runs)}) == own.n_runs


def test_options_at_their_defaults_keep_a_sweeps_identity() -> None:
    plain = spec_of({"method": "lhs", "samples": 4})
    scenario = plain.base_scenario().model_dump(mode="json")
    ident = identity(plain, scenario)
    assert "fixed" not in ident["spec"] and "common_seeds" not in ident["spec"]["design"]
    crn = spec_of({"method": "lhs", "samples": 4, "common_seeds": True})
    assert identity(crn, scenario)["spec"]["design"]["common_seeds"] is True


def test_fixed_overrides_set_the_base_scenario_and_keep_their_reason() -> None:
    spec = spec_of(
        {"method": "lhs", "samples": 4},
        fixed={"earth.lander_failure_prob": 0.0, "assumption": "perfect landers, for the test"},
    )
    assert spec.fixed == {"earth.lander_failure_prob": 0.0}
    assert spec.base_scenario().earth.lander_failure_prob == 0.0


@pytest.mark.parametrize(
    ("fixed", "message"),
    [
        ({"earth.lander_failure_probb": 0.1}, "unknown parameter"),
        ({"earth.lander_interval_days": 7}, "set by the sweep itself"),
        ({"earth.lander_failure_prob": 2.0}, "fixed"),
    ],
)
def test_bad_fixed_overrides_are_refused(fixed: dict, message: str) -> None:
    with pytest.raises(InputError) as err:
        spec_of({"method": "lhs", "samples": 4}, fixed=fixed)
    assert message in err.value.render()

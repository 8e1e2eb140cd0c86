"""A bridge to EMA Workbench: a scenario's levers and uncertainties as EMA parameters.

EMA Workbench (Kwakkel 2017; ``pip install ema_workbench``, Python 3.12+) is the field's
reference for exploratory modelling. The project does not depend on it: :func:`model_function`
needs nothing beyond this package, and :func:`ema_model` imports EMA only when called. Dotted
paths become EMA names with ``__`` for the dots (EMA passes them as keyword arguments, and
``lunarcity.run`` takes the same spelling). Example, at the smoke scale::

    from ema_workbench import perform_experiments
    from lunarcity.study.ema import ema_model

    model = ema_model(
        "ten_year_city",
        levers={"earth.manifest": ["need", "need_then_bulk"]},
        uncertainties={"earth.lander_failure_prob": (0.0, 0.3)},
        years=1.0,
        seed=20261205,
        outcomes=["industrial_mass_t", "met_within_horizon"],
    )
    experiments, outcomes = perform_experiments(model, scenarios=8, policies=2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lunarcity.optional import require
from lunarcity.study.policies import check_roles


def ema_name(path: str) -> str:
    """A dotted scenario path as an EMA parameter name (``earth.manifest`` -> ``earth__manifest``)."""
    return path.replace(".", "__")


def model_function(
    scenario: str, *, years: float, seed: int, outcomes: Sequence[str]
) -> Callable[..., dict[str, Any]]:
    """A function EMA can call: keyword arguments by EMA name in, the named outcomes out.

    Every call takes the same run seed (common random numbers across experiments).
    """

    def run(**params: Any) -> dict[str, Any]:
        import lunarcity
        from lunarcity.sweeps.worker import extract_outcomes

        result = lunarcity.run(scenario, years=years, seed=seed, **params)
        return extract_outcomes(result.summary, list(outcomes))

    return run


def ema_model(
    scenario: str,
    levers: dict[str, Sequence[Any] | tuple[float, float]],
    uncertainties: dict[str, tuple[float, float] | Sequence[Any]],
    *,
    years: float,
    seed: int,
    outcomes: Sequence[str],
) -> Any:
    """An ``ema_workbench.Model`` of the scenario: its levers, uncertainties and outcomes.

    A ``(low, high)`` pair of numbers becomes a ``RealParameter``, any other list a
    ``CategoricalParameter``; each outcome a ``ScalarOutcome``. Levers and uncertainties are
    checked against lunarcity/world/roles.py first.

    Raises:
        lunarcity.errors.InputError: A path is not a scenario field in the role it is given.
        InputError: EMA Workbench is not installed (the message names the extra).
    """
    check_roles(levers, uncertainties, scenario)
    require("ema_workbench")
    import ema_workbench as ema

    def param(path: str, spec: Any) -> Any:
        pair = isinstance(spec, tuple) and len(spec) == 2
        if pair and all(isinstance(v, int | float) and not isinstance(v, bool) for v in spec):
            return ema.RealParameter(ema_name(path), float(spec[0]), float(spec[1]))
        return ema.CategoricalParameter(ema_name(path), list(spec))

    model = ema.Model(
        scenario, function=model_function(scenario, years=years, seed=seed, outcomes=outcomes)
    )
    model.levers = [param(p, s) for p, s in levers.items()]
    model.uncertainties = [param(p, s) for p, s in uncertainties.items()]
    model.outcomes = [ema.ScalarOutcome(name) for name in outcomes]
    return model

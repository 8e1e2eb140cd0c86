"""Policies over one shared sample of uncertainties: which plan works across the assumptions.

EMA Workbench's way (Kwakkel 2017): a *policy* sets the levers (lunarcity/world/roles.py); the
*uncertainties* are sampled once, and every policy is run on the same sample, so a difference
between two policies is theirs, not the sample's. Per policy the comparison reports the share
of scenarios that meet the success flag (with its Wilson interval), the deciding outcome's
median and 5-95 %, and its *regret*: in each scenario, its shortfall from the best policy there
(EMA's regret measure), summarised by its 90th percentile. The best policy is chosen by a stated
robustness rule: the largest share meeting the flag, then the smallest 90th-percentile regret.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lunarcity.errors import InputError
from lunarcity.study.success import Proportion, wilson
from lunarcity.study.words import count, number
from lunarcity.world.roles import Role, role_of

if TYPE_CHECKING:
    from lunarcity.study.spec import StudySpec

#: The robustness rule, in words, for the report.
RULE = "largest share meeting the flag, then smallest 90th-percentile regret"


@dataclass(frozen=True)
class PolicyRow:
    """One policy's figures over the shared sample.

    Attributes:
        levers: The policy's lever values by dotted path.
        success: Share of scenarios meeting the flag, with its Wilson interval.
        median, p5, p95: The deciding outcome's median and 5-95 % over the scenarios.
        regret_p90: 90th percentile of its regret (best policy's outcome less its own).
        regret_max: Its largest regret.
    """

    levers: dict[str, Any]
    success: Proportion
    median: float
    p5: float
    p95: float
    regret_p90: float
    regret_max: float


def grid(levers: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the levers' values (a full grid), in the order given."""
    names = list(levers)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*levers.values())]


def sample(uncertainties: dict[str, tuple[float, float]], n: int, seed: int) -> list[dict]:
    """``n`` scenarios drawn uniformly within each uncertainty's (low, high), from ``seed``."""
    rng = np.random.default_rng(seed)
    draws = {p: rng.uniform(lo, hi, size=n) for p, (lo, hi) in uncertainties.items()}
    return [{p: float(v[i]) for p, v in draws.items()} for i in range(n)]


def check_roles(levers: dict[str, Any], uncertainties: dict[str, Any], where: str) -> None:
    """Refuse a lever that is an uncertainty or the other way round (lunarcity/world/roles.py).

    Raises:
        InputError: A path is not a scenario field, or is not in the role it is given.
    """
    for section, paths, role in (
        ("levers", levers, Role.LEVER),
        ("uncertainties", uncertainties, Role.UNCERTAINTY),
    ):
        for path in paths:
            try:
                got = role_of(path)
            except KeyError:
                raise InputError(
                    f"{where}: {section}.{path} is not a scenario field", field=f"{section}.{path}"
                ) from None
            if got is not role:
                raise InputError(
                    f"{where}: {section}.{path} is tagged {got.value}, not {role.value}",
                    field=f"{section}.{path}",
                    valid=f"a scenario field tagged {role.value} in lunarcity/world/roles.py",
                )


def compare(success: np.ndarray, outcome: np.ndarray, policies: list[dict]) -> list[PolicyRow]:
    """Each policy's figures from its runs over the shared scenarios.

    Args:
        success: Flags, policies x scenarios.
        outcome: The deciding outcome (larger is better), policies x scenarios.
        policies: Each policy's lever values, in row order.
    """
    best = outcome.max(axis=0)
    regret = best[None, :] - outcome
    rows = []
    for k, levers in enumerate(policies):
        o = outcome[k]
        rows.append(
            PolicyRow(
                levers=levers,
                success=wilson(float(success[k].sum()), success.shape[1]),
                median=float(np.median(o)),
                p5=float(np.percentile(o, 5)),
                p95=float(np.percentile(o, 95)),
                regret_p90=float(np.percentile(regret[k], 90)),
                regret_max=float(regret[k].max()),
            )
        )
    return rows


def best_policy(rows: list[PolicyRow]) -> int:
    """The index of the best policy by :data:`RULE` (the first of equals)."""
    return min(range(len(rows)), key=lambda k: (-rows[k].success.share, rows[k].regret_p90))


def evaluate(
    scenario: str,
    levers: dict[str, list[Any]],
    uncertainties: dict[str, tuple[float, float]],
    *,
    n: int,
    seed: int,
    years: float | None,
    outcome: str = "industrial_mass_t",
    flag: str = "met_within_horizon",
    fixed: dict[str, Any] | None = None,
    also: dict[str, Any] | None = None,
) -> tuple[list[PolicyRow], int]:
    """Run every policy over one shared sample of uncertainties; the rows and the best index.

    Every run takes the same run seed (common random numbers: lander losses and failures are
    the same draws in every cell), so the comparison reproduces exactly on rerun. ``also`` is
    one more policy run after the grid's when the grid lacks it (the default policy).
    """
    import lunarcity
    from lunarcity.sweeps.worker import extract_outcomes

    check_roles(levers, uncertainties, scenario)
    policies = grid(levers)
    if also is not None and also not in policies:
        policies.append(also)
    scenarios = sample(uncertainties, n, seed)
    flags = np.zeros((len(policies), n), dtype=bool)
    values = np.zeros((len(policies), n))
    for k, policy in enumerate(policies):
        for j, draw in enumerate(scenarios):
            overrides = {**(fixed or {}), **draw, **policy}
            result = lunarcity.run(
                scenario,
                years=years,
                seed=seed,
                **{p.replace(".", "__"): v for p, v in overrides.items()},
            )
            got = extract_outcomes(result.summary, [flag, outcome])
            flags[k, j] = bool(got[flag])
            values[k, j] = float(got[outcome])
    rows = compare(flags, values, policies)
    return rows, best_policy(rows)


def policy_table(rows: list[PolicyRow], best: int, outcome: str) -> str:
    """The report's policy table (markdown), the best policy marked and the rule stated."""
    names = list(rows[0].levers) if rows else []
    head = [*names, "meets flag", "95 % interval", f"{outcome} median", "5-95 %", "regret p90"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for k, r in enumerate(rows):
        cells = [str(r.levers[p]) for p in names]
        cells += [
            f"{r.success.share:.2f}" + (" (best)" if k == best else ""),
            f"{r.success.low:.2f}-{r.success.high:.2f}",
            number(float(r.median), 4),
            f"{number(float(r.p5), 4)} to {number(float(r.p95), 4)}",
            number(float(r.regret_p90), 4),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Best policy by the rule: {RULE}."]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Comparison:
    """A study's policy comparison.

    Attributes:
        rows: Each policy's figures (the grid's, then the default policy if the grid lacks it).
        best: The best policy's index by :data:`RULE`.
        default: The default policy's index (the scenario's own lever values).
        samples: Draws of the uncertainties each policy ran on.
        outcome: The deciding outcome compared.
        flag: The success flag counted.
    """

    rows: list[PolicyRow]
    best: int
    default: int
    samples: int
    outcome: str
    flag: str


def default_levers(spec: StudySpec) -> dict[str, Any]:
    """The scenario's own value of each lever (the spec's fixed values applied)."""
    from lunarcity.study.default_run import default_scenario, default_value

    scenario = default_scenario(spec, list(spec.parameters))
    return {path: default_value(path, scenario) for path in spec.levers}


def compare_policies(spec: StudySpec) -> Comparison:
    """Run a study spec's policies (``levers:``) over its shared sample (here, serially).

    The uncertainties are the spec's ranges named in ``uncertainties:``, drawn uniformly
    ``policy_samples`` times from the spec's seed; every run takes that seed too, and the
    spec's ``fixed:`` values (and its destination) hold in every run. The default policy (the
    scenario's lever values) is run too when the grid lacks it.
    """
    ranges = {p: (spec.parameters[p].low, spec.parameters[p].high) for p in spec.uncertainties}
    flag = spec.study.questions.success
    default = default_levers(spec)
    rows, best = evaluate(
        spec.scenario,
        spec.levers,
        ranges,
        n=spec.policy_samples,
        seed=spec.seed,
        years=spec.years,
        outcome=spec.policy_outcome,
        flag=flag,
        fixed=dict(spec.fixed),
        also=default,
    )
    index = next(k for k, r in enumerate(rows) if r.levers == default)
    return Comparison(rows, best, index, spec.policy_samples, spec.policy_outcome, flag)


def policy_summary(comparison: Comparison) -> dict[str, Any]:
    """The comparison's headline for summary.json: the best policy against the default's."""

    def said(k: int) -> dict[str, Any]:
        r = comparison.rows[k]
        return {
            "levers": r.levers,
            "share": r.success.share,
            "low": r.success.low,
            "high": r.success.high,
            "median": r.median,
        }

    return {
        "rule": RULE,
        "count": len(comparison.rows),
        "samples": comparison.samples,
        "outcome": comparison.outcome,
        "flag": comparison.flag,
        "best": said(comparison.best),
        "default": said(comparison.default),
        "best_is_default": comparison.best == comparison.default,
    }


def policy_section(spec: StudySpec, comparison: Comparison) -> str:
    """The report's policy section for a study spec with ``levers:``."""
    rows, flag = comparison.rows, comparison.flag
    extra = len(rows) - len(grid(spec.levers))
    default = " and the scenario's own (the default policy)" if extra else ""
    lines = [
        "",
        "## Policies",
        "",
        f"{count(len(rows), 'policy', 'policies')} (every combination of the levers{default}), "
        f"each run on the same {count(spec.policy_samples, 'draw')} of "
        f"{', '.join(spec.uncertainties) or 'no uncertainty'} "
        f"(uniform within the spec's ranges, seed {spec.seed}). Share: runs meeting "
        f"`{flag}`, with its 95 % Wilson interval; regret: the best policy's "
        f"`{spec.policy_outcome}` in the same draw less the policy's own. The default policy "
        f"is row {comparison.default + 1}.",
        "",
    ]
    return "\n".join(lines) + "\n" + policy_table(rows, comparison.best, spec.policy_outcome)

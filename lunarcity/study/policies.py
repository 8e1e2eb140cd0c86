"""Policies over one shared sample of uncertainties: which plan works across the assumptions.

EMA Workbench's way (Kwakkel 2017, KWA17): a *policy* sets the levers (lunarcity/world/roles.py);
the *uncertainties* are sampled once, and every policy is run on the same sample, so a difference
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
import polars as pl

from lunarcity.errors import InputError
from lunarcity.study.success import Proportion, wilson
from lunarcity.study.words import count, number
from lunarcity.world.roles import Role, role_of

if TYPE_CHECKING:
    from lunarcity.study.records import Phase
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
        rows: Each policy's figures, in the grid's order (the default policy among them).
        best: The best policy's index by :data:`RULE`.
        default: The default policy's index (the scenario's own lever values).
        samples: Draws of the uncertainties each policy ran on.
        outcome: The deciding outcome compared.
        flag: The success flag counted.
        cases: Cases each policy was judged on: the draws, times the Earth-side draws.
    """

    rows: list[PolicyRow]
    best: int
    default: int
    samples: int
    outcome: str
    flag: str
    cases: int


def default_levers(spec: StudySpec) -> dict[str, Any]:
    """The scenario's own value of each lever (the spec's fixed values applied)."""
    from lunarcity.study.default_run import default_scenario, default_value

    scenario = default_scenario(spec, list(spec.parameters))
    return {path: default_value(path, scenario) for path in spec.levers}


def from_phase(spec: StudySpec, phase: Phase) -> Comparison:
    """The comparison from a study's policies phase (its runs, Earth-side draws and all).

    The phase is a sweep of the ``policies`` design (lunarcity/sweeps/designs.py): every
    combination of the levers over one shared Latin hypercube of the uncertainties, run in
    parallel and resumable like the other phases. A *case* is one draw of the uncertainties at
    one Earth-side draw (one per run when the study has none), the same cases for every
    policy, so regret is taken case by case.
    """
    flag = spec.study.questions.success
    rows = phase.rows.sort("run_id", "draw")
    policies = grid(spec.levers)
    flags, values = [], []
    for policy in policies:
        mine = rows.filter(pl.all_horizontal(pl.col(p) == v for p, v in policy.items()))
        flags.append(mine[flag].cast(pl.Boolean).to_numpy())
        # A run that delivered nothing has no ratio; it is the worst case, 0 (study/earth.py).
        values.append(mine[spec.policy_outcome].cast(pl.Float64).fill_null(0.0).to_numpy())
    if len({len(f) for f in flags}) != 1:  # pragma: no cover - a failed run stops the phase
        raise InputError(
            "the policies phase has runs missing: rerun the study to finish them",
            field="policies",
        )
    table = compare(np.array(flags), np.array(values), policies)
    default = default_levers(spec)
    index = next(k for k, r in enumerate(table) if r.levers == default)
    cases = len(flags[0])
    return Comparison(
        table, best_policy(table), index, spec.policy_samples, spec.policy_outcome, flag, cases
    )


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
        "cases": comparison.cases,
        "outcome": comparison.outcome,
        "flag": comparison.flag,
        "best": said(comparison.best),
        "default": said(comparison.default),
        "best_is_default": comparison.best == comparison.default,
    }


def policy_section(spec: StudySpec, comparison: Comparison) -> str:
    """The report's policy section for a study spec with ``levers:``."""
    rows, flag = comparison.rows, comparison.flag
    earth = comparison.cases // max(comparison.samples, 1)
    per = f", each at {count(earth, 'Earth-side draw')}" if earth > 1 else ""
    lines = [
        "",
        "## Policies",
        "",
        f"{count(len(rows), 'policy', 'policies')} (every combination of the levers, the "
        f"scenario's own among them), each run on the same "
        f"{count(spec.policy_samples, 'draw')} of "
        f"{', '.join(spec.uncertainties) or 'no uncertainty'} (a Latin hypercube within the "
        f"spec's ranges, log-uniform where the range is, seed {spec.seed}){per}: "
        f"{count(comparison.cases, 'case')} per policy, the same for each. Share: cases meeting "
        f"`{flag}`, with its 95 % Wilson interval; regret: the best policy's "
        f"`{spec.policy_outcome}` in the same case less the policy's own. The default policy "
        f"is row {comparison.default + 1}. Each policy's runs are in `policies/`, a sweep folder "
        "like the other phases.",
        "",
    ]
    return "\n".join(lines) + "\n" + policy_table(rows, comparison.best, spec.policy_outcome)

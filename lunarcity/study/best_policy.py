"""What decides the outcome under the best policy, beside what decides it under the default.

Issue 29 asks for Sobol indices for the default policy and the best one: a policy changes which
assumptions matter (landing spare parts makes the fabs' rate matter less, say), so a ranking
read under the default policy alone could mislead whoever adopts the best. When the spec sets
``sobol.best_policy_samples`` and the comparison's best policy is not the default, the study runs
a Saltelli phase of that size with the best policy's levers fixed (``best/``), and this module
writes its indices: the sampling estimates, and the surrogate's when it predicts held-out runs
(Q^2 >= 0.9), each ranked only where the intervals separate.
"""

from __future__ import annotations

from typing import Any

from lunarcity.study.analysis import Ranked
from lunarcity.study.plain import policy as policy_words
from lunarcity.study.ranking import Index, Source, indices_of, rank_inputs, ranking_words
from lunarcity.study.spec import StudySpec
from lunarcity.study.surrogate import Q2_NEEDED
from lunarcity.study.words import count, number


def best_policy_section(
    under: StudySpec, levers: dict[str, Any], best: Ranked, default: Ranked
) -> list[str]:
    """The report's section: the best policy's indices against the default policy's.

    Args:
        under: The study under the best policy (its levers fixed: :meth:`StudySpec.for_policy`).
        levers: The best policy's lever values.
        best: The Sobol phase under the best policy, analysed.
        default: The Sobol phase under the default policy, analysed.
    """
    outcome = under.study.sobol.outcomes[0]
    sampled = indices_of(best, outcome, Source.SAMPLING)
    fit = best.surrogate
    base = {i.parameter: i for i in indices_of(default, outcome, Source.SAMPLING)}
    base_fit = {i.parameter: i for i in indices_of(default, outcome, Source.SURROGATE)}
    n = under.study.sobol.samples
    varied = best.full["parameter"].n_unique() if best.full.height else 0
    lines = [
        "## What decides it under the best policy",
        "",
        f"The best policy of the comparison ({policy_words(levers)}) run over a Saltelli design "
        f"of its own, base sample N = {number(n)} ({count(varied, 'input')} varied): the same assumptions, the policy's levers fixed. What decides `{outcome}` by "
        f"the sampling estimates: {ranking_words(rank_inputs(sampled))}.",
    ]
    if fit is not None:
        lines.append(
            f"By the polynomial chaos surrogate (Q^2 = {number(fit.q2, 3)} on "
            f"{count(fit.n_test, 'held-out run')}): "
            + (
                f"{ranking_words(rank_inputs(indices_of(best, outcome, Source.SURROGATE)))}."
                if fit.valid
                else f"below {Q2_NEEDED:g}, no ranking is read from it."
            )
        )
    lines += [
        "",
        "| input | ST, best policy | ± | ST, best policy (surrogate) | ST, default policy | "
        "ST, default policy (surrogate) |",
        "|---|---|---|---|---|---|",
    ]
    fitted = {i.parameter: i for i in indices_of(best, outcome, Source.SURROGATE)}
    for i in sorted(sampled, key=lambda i: -i.st):
        lines.append(
            f"| `{i.parameter}` | {number(i.st, 3)} | {number(i.conf, 3)} | "
            f"{_st(fitted.get(i.parameter))} | {_st(base.get(i.parameter))} | {_st(base_fit.get(i.parameter))} |"
        )
    return [*lines, ""]


def _st(index: Index | None) -> str:
    return "-" if index is None else f"{number(index.st, 3)} ± {number(index.conf, 3)}"


def best_policy_indices(under: StudySpec, levers: dict[str, Any], best: Ranked) -> dict[str, Any]:
    """summary.json's block: the best policy's levers, its design's size and its indices."""
    outcome = under.study.sobol.outcomes[0]
    fit = best.surrogate
    out: dict[str, Any] = {
        "levers": levers,
        "samples": under.study.sobol.samples,
        "outcome": outcome,
        "total_order": [
            {"parameter": i.parameter, "ST": i.st, "ST_conf": i.conf}
            for i in indices_of(best, outcome, Source.SAMPLING)
        ],
    }
    if fit is not None:
        out["surrogate"] = {
            "q2": fit.q2,
            "valid": fit.valid,
            "total_order": [
                {"parameter": i.parameter, "ST": i.st, "ST_conf": i.conf}
                for i in indices_of(best, outcome, Source.SURROGATE)
            ],
        }
    return out

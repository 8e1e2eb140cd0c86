"""The study's write-up: one Markdown file beside its figures and tables."""

from __future__ import annotations

from typing import Any

import polars as pl

from lunarcity.study.analysis import Ranked, Screened, pilot_summary
from lunarcity.study.earth import PROCESSORS
from lunarcity.study.ranking import Source, indices_of, rank_inputs, ranking_of, ranking_words
from lunarcity.study.screening import dropped_by_cap
from lunarcity.study.spec import StudySpec
from lunarcity.study.surrogate import Q2_NEEDED
from lunarcity.study.words import count, number
from lunarcity.study.words import percent as _pct


def _f(value: float | None, digits: int = 3) -> str:
    return number(None if value is None else float(value), digits)


def _range(param: Any) -> str:
    if hasattr(param, "values"):
        return ", ".join(map(str, param.values))
    text = f"{number(float(param.low), 4)} to {number(float(param.high), 4)}"
    return text + " (log)" if param.log else text


def _why(param: Any) -> str:
    parts = []
    if param.source:
        parts.append(f"source: {param.source}")
    if param.assumption:
        parts.append(f"assumption: {param.assumption}")
    return "; ".join(parts).replace("|", "/") or "-"


def write_report(
    spec: StudySpec,
    screened: Screened,
    ranked: Ranked,
    facts: dict[str, Any],
    figures: dict[str, str],
) -> str:
    """The report's Markdown.

    Args:
        spec: The study.
        screened: The Morris phase's verdict.
        ranked: The Sobol phase's analysis.
        facts: Runs, timings, the scenario's fixed values, reduced sizes.
        figures: Figure key -> path relative to the report.
    """
    q = spec.study.questions
    deciding = spec.study.sobol.outcomes[0]
    lines: list[str] = [f"# Study: {spec.name}", ""]
    if spec.description:
        lines += [spec.description, ""]
    sampled = bool(ranked.convergence.height and ranked.convergence["converged"][0])
    verdict = "converged" if sampled else "did not converge"
    reduced = facts.get("reduced")
    row = ranked.convergence.filter(ranked.convergence["outcome"] == deciding)
    holds = bool(row.height and row["ranks_hold"][0])
    move = row["max_st_change"][0] if row.height else None
    if row.height:
        said = (
            f"here the ranks {'hold' if holds else 'do not hold'} and the largest move is "
            f"{_f(move)}."
        )
    else:
        said = f"here `{deciding}` could not be ranked at all (see the notes)."
    lines += [
        "## Verdict",
        "",
        f"- Ranking of `{deciding}` by the sampling rule: the study **{verdict}**. It converges "
        f"that way when its top "
        f"{spec.study.convergence_top} inputs keep their rank and no total-order index moves by "
        f"more than {spec.study.convergence_tolerance:g} between N/2 and N; {said}",
    ]
    if ranked.surrogate is not None:
        fit = ranked.surrogate
        lines.append(
            f"- By the surrogate rule (a polynomial chaos surrogate predicting held-out runs with "
            f"Q^2 >= {Q2_NEEDED:g}), the study **{'converged' if fit.valid else 'did not converge'}"
            f"**: Q^2 = {number(fit.q2, 3)} on {count(fit.n_test, 'held-out run')} (see its "
            "section below)."
        )
    fitted = ranked.surrogate is not None and ranked.surrogate.valid  # read first when valid
    lines.append(
        f"- What decides `{deciding}` (total-order index ± its 95 % interval, "
        f"{'by the surrogate' if fitted else 'by the sampling estimates'}"
        f"; inputs are put in order only where their intervals separate): "
        f"{ranking_words(rank_inputs(indices_of(ranked, deciding)))}."
    )
    if reduced:
        lines.append(
            f"- **Reduced N**: this run used {reduced}; the spec's full size is given below. "
            + ("" if ranked.converged else "Not converged: read the ranking as provisional.")
        )
    if ranked.deciding_spread is not None:
        d = ranked.deciding_spread
        lines.append(
            f"- `{deciding}` over the assumption ranges: median {_f(d.median)} (5 % to 95 %: "
            f"{_f(d.low)} to {_f(d.high)}; largest {_f(d.largest)}; {d.n} rows)."
        )
    if ranked.success is not None:
        s = ranked.success
        lines.append(
            f"- Share of the assumption box meeting `{q.success}`: **{_pct(s.share)}** (95 % "
            f"Wilson interval {_pct(s.low)} to {_pct(s.high)}, {count(s.n, 'design point')}). "
            "The box is the ranges we chose for the inputs, sampled evenly: this is a share of "
            "that box, not a probability that the world turns out so."
        )
    if ranked.survival is not None:
        c = ranked.survival
        median = (
            f"median {count(round(c.median, 2), 'year')}"
            if c.median is not None
            else f"median beyond the horizon ({count(c.horizon, 'year')}): fewer than half succeed"
        )
        lines.append(
            f"- `{q.survival_time}` (Kaplan-Meier, censored at the horizon): {median}; "
            f"{number(c.events)} of {count(c.n, 'run')} succeed within it."
        )
    for flag, r in ranked.prims.items():
        lo, hi = r.density_interval()
        limits = "; ".join(r.chosen.limit(n).describe() for n in r.chosen.restricted) or "none"
        lines.append(
            f"- Where `{flag}` holds (PRIM): {limits} - density {_pct(r.chosen.density)} "
            f"({_pct(lo)} to {_pct(hi)}), coverage {_pct(r.chosen.coverage)}."
        )
    for flag, why in ranked.prim_none.items():
        lines.append(f"- Where `{flag}` holds (PRIM): {why}.")
    lines += ["", "## Setup", ""]
    lines += [
        f"Scenario `{spec.scenario}`"
        + (f", {count(spec.years, 'year')} per run" if spec.years else "")
        + f", root seed {spec.seed}; {count(spec.study.replicates, 'replicate')} per design point"
        + (
            ", the same seeds at every point (common random numbers)."
            if spec.study.common_seeds
            else "."
        ),  # fmt: skip
        "",
    ]
    if spec.fixed:
        lines += ["Set in every run: " + ", ".join(f"`{k}={v}`" for k, v in spec.fixed.items()), ""]
    lines += ["| input | range | why |", "|---|---|---|"]
    for name, param in spec.parameters.items():
        lines.append(f"| `{name}` | {_range(param)} | {_why(param)} |")
    earth = spec.study.earth_side.parameters
    if earth:
        lines += [
            "",
            "Earth-side figures, applied to each run's record afterwards at "
            f"{count(spec.study.earth_side.draws, 'value')} (the same for every run):",
            "",
            "| figure | range | why |",
            "|---|---|---|",
        ]
        for name, param in earth.items():
            lines.append(f"| `{name}` | {_range(param)} | {_why(param)} |")
    for name in spec.study.post:
        lines += ["", f"Post-processing `{name}`: {PROCESSORS[name].doc}."]
    lines += [
        "",
        "## Cost",
        "",
        "| phase | runs | run time (seconds, wall, mean per run) | phase wall time (seconds) |",
        "|---|---|---|---|",
    ]
    for phase, t in facts["phases"].items():
        lines.append(
            f"| {phase} | {number(t['runs'])} | {_f(t.get('mean_run_s'))} | {_f(t.get('wall_s'))} |"
        )
    lines += ["", f"Full size in the spec: {facts['full_size']}.", ""]
    lines += _screening(spec, screened, figures)
    lines += _sobol(ranked, figures, facts["sobol_n"])
    lines += surrogate_section(ranked, deciding)
    lines += _pilot(spec, ranked, figures, len(screened.kept))
    lines += _questions(spec, ranked, figures)
    notes = [*screened.notes, *ranked.notes]
    if notes:
        lines += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    return "\n".join(lines).rstrip() + "\n"


def _pilot(spec: StudySpec, ranked: Ranked, figures: dict[str, str], k: int) -> list[str]:
    """The pilot convergence curve, and the size it reads when the study has not converged."""
    if ranked.pilot is None or not ranked.pilot.height or "pilot" not in figures:
        return []
    head = pilot_summary(ranked.pilot, k, spec.study.convergence_tolerance)
    sizes = ", ".join(number(n) for n in head["sizes"])
    lines = [
        "## Convergence pilot",
        "",
        f"The deciding outcome's total-order indices read from the first N/4, N/2 and all N "
        f"blocks of the Saltelli design (N = {sizes}; each prefix is a design of its own, so "
        "this costs no run).",
        "",
        f"![Indices against N]({figures['pilot']})",
        "",
    ]
    if not ranked.converged:
        lines += [
            f"Not converged. The widest 95 % interval at N = {number(head['sizes'][-1])} is "
            f"± {_f(head['widest_interval'])}; intervals shrink as 1 / sqrt(N), so ± "
            f"{spec.study.convergence_tolerance:g} would take N = {number(head['size_needed'])} "
            f"({number(head['runs_needed'])} runs), a reading of the pilot rather than a promise.",
            "",
        ]
    return lines


def surrogate_section(ranked: Ranked, outcome: str) -> list[str]:
    """The polynomial chaos surrogate's indices beside the sampling estimates (none if not fitted)."""
    fit = ranked.surrogate
    if fit is None:
        return []
    verdict = (
        f"at least {Q2_NEEDED:g}: its indices can be read"
        if fit.valid
        else f"below {Q2_NEEDED:g}: its indices are not read"
    )
    indices = indices_of(ranked, outcome, Source.SURROGATE)
    sampled = (
        {
            r["parameter"]: r["ST"]
            for r in ranked.full.filter(pl.col("outcome") == outcome).iter_rows(named=True)
        }
        if ranked.full.height
        else {}
    )
    lines = [
        "## Sobol indices from a surrogate (polynomial chaos)",
        "",
        f"A polynomial chaos expansion of `{outcome}` (Legendre, total degree {fit.degree}, "
        f"chosen by leave-one-out error) fitted to {count(fit.n_train, 'run')} of the Sobol "
        f"phase and checked on the {count(fit.n_test, 'run')} held out: Q^2 = "
        f"{number(fit.q2, 3)}, {verdict}. Intervals: 95 % bootstrap over the fitted runs.",
        "",
        (
            f"What decides `{outcome}` by the surrogate: {ranking_words(rank_inputs(indices))}."
            if fit.valid
            else "No ranking is read from a surrogate that predicts held-out runs this badly; "
            "the table shows its indices only beside the sampling estimates."
        ),
        "",
        "| input | ST (surrogate) | ST ± | S1 (surrogate) | ST (sampling, same runs) |",
        "|---|---|---|---|---|",
    ]
    for r in fit.table.iter_rows(named=True):
        lines.append(
            f"| `{r['parameter']}` | {_f(r['ST'])} | {_f(r['ST_conf'])} | {_f(r['S1'])} | "
            f"{_f(sampled.get(r['parameter']))} |"
        )
    return [*lines, ""]


def _screening(spec: StudySpec, screened: Screened, figures: dict[str, str]) -> list[str]:
    s = spec.study.screening
    lines = [
        "## Screening (Morris)",
        "",
        f"{count(s.trajectories, 'trajectory', 'trajectories')}, {s.levels} levels; an input goes on to the Sobol phase "
        f"when its mu* reaches {s.keep_share:g} of the largest for any of "
        + ", ".join(f"`{o}`" for o in s.outcomes)
        + f" (at least {s.min_keep} go on"
        + (
            f"; at most {s.max_keep}, the spec's cap on the Sobol phase's cost)."
            if s.max_keep is not None
            else "; no cap: every input past the threshold goes on)."
        ),
        "",
        f"![Morris screening]({figures['morris']})",
        "",
        "| rank | input | largest mu* / max | kept | why |",
        "|---|---|---|---|---|",
    ]
    for row in screened.table.iter_rows(named=True):
        kept = "yes" if row["kept"] else "no"
        lines.append(
            f"| {row['rank']} | `{row['parameter']}` | {row['importance']:.3f} | {kept} | "
            f"{row['why']} |"
        )
    out = [p for p in spec.parameters if p not in screened.kept]
    if out:
        lines += ["", "Screened out (held at the scenario's values in the Sobol phase): "
                  + ", ".join(f"`{p}`" for p in out) + "."]  # fmt: skip
    capped = dropped_by_cap(screened.table)
    if capped:
        lines += [
            "",
            f"**Dropped by the cap, not by the rule**: {', '.join(f'`{p}`' for p in capped)} "
            f"passed the {s.keep_share:g} threshold but did not go on, because the spec keeps at "
            f"most {count(s.max_keep or 0, 'input')}. Their effect on the outcomes is not ranked "
            "here; raise `max_keep` to rank them.",
        ]
    return [*lines, ""]


def _sobol(ranked: Ranked, figures: dict[str, str], n: int) -> list[str]:
    lines = [
        "## Sobol indices",
        "",
        f"Saltelli design, base sample N = {number(n)}; 95 % bootstrap intervals. "
        "Convergence: indices at N/2 (the design's first half) against N.",
        "",
        f"![Sobol indices]({figures['sobol']})",
        "",
        "| outcome | rank | input | ST | ST ± | S1 | S1 ± |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in ranked.full.sort("outcome", "rank", maintain_order=True).iter_rows(named=True):
        lines.append(
            f"| `{row['outcome']}` | {row['rank']} | `{row['parameter']}` | {_f(row['ST'])} | "
            f"{_f(row['ST_conf'])} | {_f(row['S1'])} | {_f(row['S1_conf'])} |"
        )
    lines += ["", "| outcome | top at N | top at N/2 | ranks hold | largest ST move | converged |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for row in ranked.convergence.iter_rows(named=True):
        lines.append(
            f"| `{row['outcome']}` | {', '.join(row['top_full'])} | "
            f"{', '.join(row['top_half']) or '-'} | {'yes' if row['ranks_hold'] else 'no'} | "
            f"{_f(row['max_st_change'])} | {'yes' if row['converged'] else 'no'} |"
        )
    return [*lines, ""]


def _questions(spec: StudySpec, ranked: Ranked, figures: dict[str, str]) -> list[str]:
    q = spec.study.questions
    lines: list[str] = []
    if ranked.survival is not None:
        lines += [
            "## Time to success",
            "",
            f"`{q.survival_time}` over the runs at the A and B points of the Sobol design (and "
            "each Earth-side draw, where the time depends on one), censored at the horizon.",
            "",
            f"![Survival curve]({figures['survival']})",
            "",
        ]
        if "feasibility" in figures:
            lines += [f"![Feasibility map]({figures['feasibility']})", ""]
    for flag, r in ranked.prims.items():
        dlo, dhi = r.density_interval()
        clo, chi = r.coverage_interval()
        lines += [
            f"## Scenario discovery: `{flag}`",
            "",
            f"PRIM over {count(r.n, 'run')} ({number(r.successes)} succeed); peeling {q.prim_alpha:g} per step "
            f"down to {q.prim_min_mass:g} of the runs; the box reported is the densest keeping "
            f"at least {q.prim_min_coverage:g} of the successes (step {r.chosen.step} of "
            f"{len(r.trajectory) - 1}).",
            "",
            f"Density {_pct(r.chosen.density)} (95 % {_pct(dlo)} to {_pct(dhi)}), coverage "
            f"{_pct(r.chosen.coverage)} (95 % {_pct(clo)} to {_pct(chi)}), "
            f"{count(r.chosen.n, 'run')} in the box.",
            "",
            "| input | box | full range |",
            "|---|---|---|",
        ]
        for row in r.limits_table().iter_rows(named=True):
            full = r.full[row["input"]]
            whole = (
                ", ".join(map(str, full.categories))
                if full.categories is not None
                else f"{number(float(full.low), 4)} to {number(float(full.high), 4)}"
            )
            lines.append(f"| `{row['input']}` | {row['box']} | {whole} |")
        lines += ["", f"![PRIM trajectory]({figures[f'prim_{flag}']})", ""]
    for flag, why in ranked.prim_none.items():
        lines += [f"## Scenario discovery: `{flag}`", "", f"No box: {why}.", ""]
    return lines


def write_index(spec: StudySpec, parts: dict[str, Any]) -> str:
    """The index of a study run once per destination: each one's verdict and its report.

    Args:
        spec: The study (with ``destinations``).
        parts: Destination -> its :class:`~lunarcity.study.runner.StudyResult`.
    """
    q = spec.study.questions
    deciding = spec.study.sobol.outcomes[0]
    lines = [f"# Study: {spec.name}, one per destination", ""]
    if spec.description:
        lines += [spec.description, ""]
    lines += [
        "The study is run once for each destination of the satellites "
        "(data/destinations.yaml), with `satellite.destination` set to it and everything else "
        "as in the spec; each has its own report. Seeds and Earth-side draws are the same at "
        "every destination (common random numbers).",
        "",
        f"| destination | `{q.success}` (95 % interval) | ranking of `{deciding}` | what decides "
        f"it (total-order index ± interval, in order only where intervals separate) | "
        f"scenario discovery | report |",
        "|---|---|---|---|---|---|",
    ]
    for name, part in parts.items():
        ranked = part.ranked
        s = ranked.success
        share = (
            f"{_pct(s.share)} ({_pct(s.low)} to {_pct(s.high)}, {count(s.n, 'point')})"
            if s
            else "-"
        )
        tops = ranking_words(ranking_of(part.summary))
        found = [
            f"`{flag}`: "
            + ("; ".join(r.chosen.limit(n).describe() for n in r.chosen.restricted) or "no cut")
            + f" (density {_pct(r.chosen.density)}, coverage {_pct(r.chosen.coverage)})"
            for flag, r in ranked.prims.items()
        ]
        found += [f"`{flag}`: {why}" for flag, why in ranked.prim_none.items()]
        verdict = f"converged ({ranked.converged_by})" if ranked.converged else "did not converge"
        lines.append(
            f"| `{name}` | {share} | {verdict} | {tops} | {'; '.join(found) or '-'} | "
            f"[{name}/report.md]({name}/report.md) |"
        )
    lines += _destination_findings(parts, deciding)
    reduced = next(iter(parts.values())).summary.get("reduced") if parts else None
    if reduced:
        lines += ["", f"**Reduced N**: each destination's study used {reduced}."]
    return "\n".join(lines).rstrip() + "\n"


def _destination_findings(parts: dict[str, Any], deciding: str) -> list[str]:
    """Each destination's findings in one row: its closest case, its policies, its chance."""
    lines = [
        "",
        "## Findings at each destination",
        "",
        f"| destination | `{deciding}`: median, largest | default policy: share | best policy: "
        "share | chance: share of the spread | report |",
        "|---|---|---|---|---|---|",
    ]
    for name, part in parts.items():
        head = part.summary
        d = head.get("deciding_spread")
        spread = f"{_f(d['median'])}, {_f(d['largest'])}" if d else "-"
        p = head.get("policies")
        default = best = "-"
        if p:
            default = f"{_pct(p['default']['share'])}"
            levers = ", ".join(f"`{k}` = {v}" for k, v in p["best"]["levers"].items())
            best = (
                "the default"
                if p.get("best_is_default")
                else f"{levers}: {_pct(p['best']['share'])}"
            )
        c = head.get("chance")
        chance = f"{_pct(c['share_of_variance'])} ({c['points']} x {c['seeds']})" if c else "-"
        lines.append(
            f"| `{name}` | {spread} | {default} | {best} | {chance} | "
            f"[{name}/report.md]({name}/report.md) |"
        )
    return lines


def findings_section(found: dict[str, Any], outcome: str) -> str:
    """The report's findings: the year among successes, the binding constraints, the default run.

    Args:
        found: The summary's findings (lunarcity.study.default_run.findings).
        outcome: The deciding outcome.
    """
    lines = ["", "## Findings", ""]
    years = found.get("success_years")
    if years:
        lines.append(
            f"- Year of success among the {count(years['successes'], 'run')} that succeed (of "
            f"{years['runs']:,}): median {number(years['median'], 3)}, 5-95 % "
            f"{number(years['low'], 3)} to {number(years['high'], 3)}."
        )
    if found.get("binding"):
        said = ", ".join(
            f"`{b['name']}` {_pct(b['share'])} ({count(b['runs'], 'run')})"
            for b in found["binding"]
        )
        lines.append(f"- The constraint that bound the most days, counted over the runs: {said}.")
    place = found.get("default_run")
    if place:
        where = "; ".join(_place(i) for i in place["inputs"])
        corner = {"middle": "near the middle"}.get(
            place["corner"], f"at a {place['corner']} corner"
        )
        value = place["outcome"]
        said = f"- The default run (the scenario's own figures) sits **{corner}** of the ranges "
        said += f"sampled: {where}. Its `{outcome}` is "
        said += "not known" if value is None else number(value, 4)
        if place.get("percentile") is not None:
            said += f", above {_pct(place['percentile'])} of the runs sampled"
        lines.append(said + ".")
    return "\n".join(lines) + "\n" if len(lines) > 3 else ""


def _place(i: dict[str, Any]) -> str:
    """One input's default against its range, for the findings."""
    value = "never" if i["value"] is None else str(i["value"])
    notes = [] if i["position"] is None else [f"position {number(i['position'], 2)} of its range"]
    notes.append(f"rank correlation {number(i['effect'], 2)}")
    if i["favourable"] is not None:
        notes.append("favourable" if i["favourable"] else "unfavourable")
    return f"`{i['parameter']}` = {value} ({', '.join(notes)})"

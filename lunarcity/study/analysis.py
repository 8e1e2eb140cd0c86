"""The analysis of a study's two phases.

Screening, Sobol with convergence, success, survival, PRIM. Reads only plain data (:class:`~lunarcity.study.records.Phase`), so the same code runs on
a real study and on a synthetic one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl

from lunarcity.errors import InputError
from lunarcity.study.convergence import pilot_curve, size_needed, sobol_with_convergence
from lunarcity.study.earth import PROCESSORS
from lunarcity.study.prim import PrimResult, prim
from lunarcity.study.records import Phase
from lunarcity.study.screening import dropped_by_cap, select_inputs
from lunarcity.study.spec import StudySpec
from lunarcity.study.success import Proportion, wilson
from lunarcity.study.surrogate import SurrogateSobol, phase_surrogate
from lunarcity.study.survival import Survival, kaplan_meier
from lunarcity.sweeps.sensitivity import analyze


@dataclass
class Screened:
    """The Morris phase's verdict."""

    morris: pl.DataFrame
    table: pl.DataFrame
    kept: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Spread:
    """How an outcome is spread over the assumption ranges (the Saltelli A and B points).

    Attributes:
        n: Rows counted (runs, or runs x Earth-side draws for an Earth-side outcome).
        low: The 5th percentile.
        median: The median.
        high: The 95th percentile.
        largest: The largest value (how close the best run came, for a ratio judged at 1).
    """

    n: int
    low: float
    median: float
    high: float
    largest: float


def spread(rows: pl.DataFrame, outcome: str) -> Spread | None:
    """The spread of an outcome over the rows that carry it (None when no row has a value)."""
    values = rows_for(rows, outcome)[outcome].drop_nulls().cast(pl.Float64).to_numpy()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    low, median, high = np.percentile(values, [5.0, 50.0, 95.0])
    return Spread(int(values.size), float(low), float(median), float(high), float(values.max()))


@dataclass
class Ranked:
    """The Sobol phase's analysis."""

    full: pl.DataFrame
    half: pl.DataFrame
    convergence: pl.DataFrame
    success: Proportion | None
    survival: Survival | None
    prims: dict[str, PrimResult]
    notes: list[str] = field(default_factory=list)
    #: Flags PRIM had nothing to find for, and why in words (no run succeeds, or every one).
    prim_none: dict[str, str] = field(default_factory=dict)
    #: The deciding outcome's spread over the assumption ranges.
    deciding_spread: Spread | None = None
    #: The deciding outcome's surrogate (polynomial chaos) indices, when the spec asks for them.
    surrogate: SurrogateSobol | None = None
    pilot: pl.DataFrame | None = None

    @property
    def converged(self) -> bool:
        """Whether the deciding outcome (the first Sobol outcome) converged by either rule."""
        return self.converged_by is not None

    @property
    def converged_by(self) -> str | None:
        """The rule the deciding outcome converged by (issue 29 accepts either), or None.

        ``sampling``: the top inputs keep their rank and no total-order index moves by more than
        the tolerance between N/2 and N; ``surrogate``: the polynomial chaos surrogate predicts
        held-out runs with Q^2 >= 0.9, so its indices are read.
        """
        if self.convergence.height and self.convergence["converged"][0]:
            return "sampling"
        if self.surrogate is not None and self.surrogate.valid:
            return "surrogate"
        return None


def screen(spec: StudySpec, phase: Phase) -> Screened:
    """Morris indices of the screened outcomes and the inputs kept."""
    s = spec.study.screening
    morris, notes = analyze(phase.info, phase.x, phase.results, s.outcomes)
    kept, table = select_inputs(morris, list(spec.parameters), s.keep_share, s.min_keep, s.max_keep)
    return Screened(morris, table, kept, notes)


def base_rows(phase: Phase) -> pl.DataFrame:
    """The rows of a Saltelli phase's A and B points: independent draws over the ranges.

    SALib orders a Saltelli sample (without second order) in blocks of k + 2 points: A, the k
    mixed rows, B. The mixed rows copy coordinates of A and B, so shares and curves count only
    A and B, which sample the assumption space independently.
    """
    k = int(phase.info["design"]["problem"]["num_vars"])
    block = k + 2
    return phase.rows.filter(
        ((pl.col("point") % block) == 0) | ((pl.col("point") % block) == block - 1)
    )


def success_share(rows: pl.DataFrame, flag: str) -> Proportion | None:
    """The probability of success over the design points, with its Wilson interval.

    Each design point counts once (its replicates and draws averaged), so the interval is that
    of the share of assumption sets that succeed, not narrowed by repeating each set.
    """
    valid = rows.filter(pl.col(flag).is_not_null())
    if valid.height == 0:
        return None
    per_point = valid.group_by("point").agg(pl.col(flag).cast(pl.Float64).mean().alias("s"))
    return wilson(float(per_point["s"].sum()), per_point.height)


def survival_curve(rows: pl.DataFrame, time: str, event: str) -> Survival | None:
    """The Kaplan-Meier curve of the time to success over the rows given."""
    valid = rows.filter(pl.col(time).is_not_null() & pl.col(event).is_not_null())
    if valid.height == 0:
        return None
    return kaplan_meier(valid[time].to_numpy(), valid[event].to_numpy())


def earth_inputs(outcome: str) -> list[str]:
    """The Earth-side figures an outcome depends on (none for the city's own outcomes)."""
    return [p for proc in PROCESSORS.values() if outcome in proc.outcomes for p in proc.earth]


def rows_for(rows: pl.DataFrame, outcome: str) -> pl.DataFrame:
    """The rows that carry an outcome.

    One per run and draw when it depends on the Earth-side figures, else one per run (the draws
    repeat the run's own value, and would count it again).
    """
    return rows if earth_inputs(outcome) else rows.filter(pl.col("draw") == 0)


def prim_inputs(flag: str, kept: list[str], drawn: list[str]) -> list[str]:
    """The inputs PRIM searches for a flag.

    The varied parameters, plus the Earth-side figures drawn (``drawn``, the rows' columns)
    that the processor making the flag reads.
    """
    return [*kept, *(p for p in earth_inputs(flag) if p in drawn)]


def rank(spec: StudySpec, phase: Phase, kept: list[str]) -> Ranked:
    """Sobol indices with convergence, success, survival and PRIM boxes of the Sobol phase."""
    body = spec.study
    full, half, verdict, notes = sobol_with_convergence(
        phase.info,
        phase.x,
        phase.results,
        body.sobol.outcomes,
        body.convergence_top,
        body.convergence_tolerance,
    )
    base = base_rows(phase)
    q = body.questions
    success = success_share(base, q.success)
    survival = None
    if q.survival_time and q.survival_event:
        survival = survival_curve(
            rows_for(base, q.survival_time), q.survival_time, q.survival_event
        )
    prims: dict[str, PrimResult] = {}
    prim_none: dict[str, str] = {}
    for flag in q.prim:
        data = rows_for(phase.rows, flag).filter(pl.col(flag).is_not_null())
        inputs = prim_inputs(flag, kept, data.columns)
        if data.height == 0:
            prim_none[flag] = "no run has a value, so there is no region to find"
            continue
        y = data[flag].to_numpy().astype(bool)
        if not y.any() or y.all():
            rows = "runs x Earth-side draws" if earth_inputs(flag) else "runs"
            prim_none[flag] = (
                f"{'every' if y.all() else 'no'} run holds it ({int(y.sum())} of {data.height} "
                f"{rows}), so PRIM has no region to find"
            )
            continue
        prims[flag] = prim(
            data.select(inputs),
            y,
            alpha=q.prim_alpha,
            min_mass=q.prim_min_mass,
            min_coverage=q.prim_min_coverage,
        )
    fitted = None
    if body.sobol.surrogate:
        try:
            fitted = phase_surrogate(
                phase.info, phase.x, phase.results, body.sobol.outcomes[0], spec.seed
            )
        except InputError as exc:
            notes.append(f"surrogate not fitted: {exc}")
    return Ranked(
        full,
        half,
        verdict,
        success,
        survival,
        prims,
        notes,
        prim_none,
        spread(base, body.sobol.outcomes[0]),
        fitted,
        pilot_curve(phase.info, phase.x, phase.results, body.sobol.outcomes[0]),
    )


def pilot_summary(pilot: pl.DataFrame, k: int, tolerance: float) -> dict[str, Any]:
    """The pilot curve's reading: the sizes it has and the size the widest interval asks for."""
    n = int(pilot["n"].max())
    widest = float(pilot.filter(pl.col("n") == n)["ST_conf"].fill_null(0.0).max())
    need = size_needed(widest, n, tolerance)
    return {
        "sizes": sorted(set(pilot["n"].to_list())),
        "widest_interval": widest,
        "tolerance": tolerance,
        "size_needed": need,
        "runs_needed": need * (k + 2),
    }


def summary(spec: StudySpec, screened: Screened, ranked: Ranked, extra: dict[str, Any]) -> dict:
    """The study's headline numbers as plain data (summary.json; the README's answer reads it)."""
    deciding = spec.study.sobol.outcomes[0]
    top = (
        ranked.full.filter(pl.col("outcome") == deciding).sort("rank").head(3).to_dicts()
        if ranked.full.height
        else []
    )
    out: dict[str, Any] = {
        "name": spec.name,
        "description": spec.description,
        "scenario": spec.scenario,
        "years": spec.years,
        "kept": screened.kept,
        "screened_out": [p for p in spec.parameters if p not in screened.kept],
        # Inputs past the screening threshold that the spec's max_keep left out (issue 29).
        "dropped_by_cap": dropped_by_cap(screened.table),
        "deciding_outcome": deciding,
        "converged": ranked.converged,
        "converged_by": ranked.converged_by,
        "top_inputs": [
            {"parameter": r["parameter"], "ST": r["ST"], "ST_conf": r["ST_conf"], "S1": r["S1"]}
            for r in top
        ],
        # Every kept input's total-order index, so a ranking can check each against the next.
        "total_order": [
            {"parameter": r["parameter"], "ST": r["ST"], "ST_conf": r["ST_conf"]}
            for r in (
                ranked.full.filter(pl.col("outcome") == deciding).sort("rank").to_dicts()
                if ranked.full.height
                else []
            )
            if r["ST"] is not None
            and r["ST_conf"] is not None
            and np.isfinite([r["ST"], r["ST_conf"]]).all()
        ],
        "success_flag": spec.study.questions.success,
        # Each numeric input's sampled range, so the answer says a PRIM bound against the
        # ranges the study ran with, whatever its spec says later.
        "ranges": {
            p: [v.low, v.high]
            for p, v in spec.parameters.items()
            if getattr(v, "low", None) is not None
        },
    }
    if ranked.deciding_spread is not None:
        out["deciding_spread"] = asdict(ranked.deciding_spread)
    if ranked.surrogate is not None:
        fit = ranked.surrogate
        out["surrogate"] = {
            "method": "polynomial chaos (least squares, Legendre)",
            "q2": fit.q2,
            # Converged by issue 29's surrogate rule: Q^2 >= 0.9 on the held-out runs.
            "valid": fit.valid,
            "degree": fit.degree,
            "train": fit.n_train,
            "test": fit.n_test,
            "total_order": [
                {"parameter": r["parameter"], "ST": r["ST"], "ST_conf": r["ST_conf"]}
                for r in fit.table.iter_rows(named=True)
            ],
        }
    if ranked.pilot is not None and ranked.pilot.height:
        out["pilot"] = pilot_summary(
            ranked.pilot, len(screened.kept), spec.study.convergence_tolerance
        )
    if ranked.success is not None:
        s = ranked.success
        out["success"] = {"share": s.share, "low": s.low, "high": s.high, "n": s.n}
    if ranked.survival is not None:
        c = ranked.survival
        out["survival"] = {
            "median_years": c.median,
            "horizon_years": c.horizon,
            "runs": c.n,
            "events": c.events,
        }
    out["prim"] = {
        flag: {
            "density": r.chosen.density,
            "coverage": r.chosen.coverage,
            "limits": [lim.describe() for lim in (r.chosen.limit(n) for n in r.chosen.restricted)],
        }
        for flag, r in ranked.prims.items()
    }
    if ranked.prim_none:
        out["prim_none"] = dict(ranked.prim_none)
    out.update(extra)
    return _plain(out)


def destinations_summary(
    spec: StudySpec, parts: dict[str, dict[str, Any]], reduced: str | None
) -> dict[str, Any]:
    """The headline numbers of a study run once per destination: each one's and the whole.

    Args:
        spec: The study (with ``destinations``).
        parts: Destination -> its summary (see :func:`summary`).
        reduced: What a reduced size changed, if anything.
    """
    return _plain(
        {
            "name": spec.name,
            "description": spec.description,
            "scenario": spec.scenario,
            "years": spec.years,
            "deciding_outcome": spec.study.sobol.outcomes[0],
            "success_flag": spec.study.questions.success,
            "converged": all(bool(p.get("converged")) for p in parts.values()),
            "reduced": reduced,
            "cost": {
                "runs": sum(p.get("cost", {}).get("runs", 0) for p in parts.values()),  # integers
                "run_seconds": math.fsum(
                    p.get("cost", {}).get("run_seconds", 0.0) for p in parts.values()
                ),
            },
            "destinations": parts,
        }
    )


def _plain(value: Any) -> Any:
    """Floats rounded to 6 significant digits, so the committed JSON is stable and readable."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(f"{float(value):.6g}")
    return value

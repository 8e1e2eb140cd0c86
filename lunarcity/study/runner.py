"""Running a study end to end into one folder.

Layout of ``DIR``::

    screen/        the Morris phase: a sweep folder (see lunarcity.sweeps.storage)
    sobol/         the Sobol phase over the inputs screening kept: a sweep folder
    policies/      with ``levers:``, every policy over one shared sample of the uncertainties
    best/          with ``sobol.best_policy_samples``, a Sobol phase under the best policy
    chance/        with ``chance:``, several seeds at a few draws: how much is chance
    tables/        the tables behind the report (Parquet)
    figures/       the report's figures (PNG)
    report.md      the write-up
    summary.json   the headline numbers (what the README's answer is generated from)
    timings.json   each phase's wall time, summed over the invocations that ran runs (a study
                   stopped and resumed keeps every piece: :func:`add_invocation`)

Every phase is a resumable sweep: a rerun runs only the runs without a file, then redoes the
analysis, which is cheap and deterministic.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from lunarcity.errors import InputError
from lunarcity.optional import require
from lunarcity.study import figures as fig
from lunarcity.study.analysis import Ranked, Screened, destinations_summary, rank, screen, summary
from lunarcity.study.best_policy import best_policy_indices, best_policy_section
from lunarcity.study.chance import chance_section, chance_summary, from_results
from lunarcity.study.default_run import findings
from lunarcity.study.policies import from_phase, policy_section, policy_summary
from lunarcity.study.records import earth_draws, read_phase
from lunarcity.study.report import findings_section, write_index, write_report
from lunarcity.study.spec import StudySpec, load_study
from lunarcity.study.words import count
from lunarcity.sweeps.plots import feasibility_map, sensitivity_chart
from lunarcity.sweeps.runner import run_sweep
from lunarcity.sweeps.spec import MAX_RUNS
from lunarcity.sweeps.storage import MANIFEST_FILE, write_atomic, write_text_atomic

DEFAULT_ROOT = Path("studies_out")
TABLES = "tables"
FIGURES = "figures"
REPORT_FILE = "report.md"
SUMMARY_FILE = "summary.json"
TIMINGS_FILE = "timings.json"


def _account(out: Path, ran: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """What ``--json`` prints of a finished study: where it wrote, what ran, what it found."""
    return {"out": str(out), "report": str(out / REPORT_FILE), "ran": ran, "summary": summary}


@dataclass
class StudyResult:
    """What a study did and found."""

    out: Path
    spec: StudySpec
    screened: Screened
    ranked: Ranked
    summary: dict[str, Any]
    ran: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able account for ``--json``."""
        return _account(self.out, self.ran, self.summary)


@dataclass
class DestinationStudies:
    """A study run once per destination: each one's result and the index across them."""

    out: Path
    spec: StudySpec
    parts: dict[str, StudyResult]
    summary: dict[str, Any]

    @property
    def ran(self) -> dict[str, dict[str, int]]:
        """Runs run now, per destination and phase."""
        return {name: part.ran for name, part in self.parts.items()}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able account for ``--json``."""
        return _account(self.out, self.ran, self.summary)


def resize(spec: StudySpec, samples: int | None, trajectories: int | None) -> str | None:
    """Apply a reduced (or enlarged) size from the command line; say what changed."""
    said = []
    if samples is not None:
        if samples < 4 or samples & (samples - 1):
            raise InputError(
                f"must be a power of two, at least 4 (got {samples})",
                field="--samples",
                valid="e.g. 8, 16, 32",
            )
        if samples != spec.study.sobol.samples:
            said.append(f"N = {samples} (spec {spec.study.sobol.samples})")
            spec.study.sobol.samples = samples
    if trajectories is not None:
        if trajectories < 2:
            raise InputError(
                f"must be at least 2 (got {trajectories})", field="--trajectories", valid=">= 2"
            )
        if trajectories != spec.study.screening.trajectories:
            said.append(
                f"{trajectories} Morris trajectories (spec {spec.study.screening.trajectories})"
            )
            spec.study.screening.trajectories = trajectories
    _check_size(spec, samples, trajectories)
    return ", ".join(said) or None


def _check_size(spec: StudySpec, samples: int | None, trajectories: int | None) -> None:
    """Refuse, before the Morris phase, a size whose runs no sweep takes, naming the flag.

    Morris runs r x (D + 1) and Sobol at most N x (k + 2) with every input kept (k = D, or
    max_keep), each times the replicates; a sweep holds at most :data:`MAX_RUNS`.
    """
    s = spec.study
    d = len(spec.parameters)
    k = min(d, s.screening.max_keep or d)
    phases = [
        ("--trajectories", trajectories, s.screening.trajectories, d + 1, "Morris"),
        ("--samples", samples, s.sobol.samples, k + 2, "Sobol"),
    ]
    for flag, given, size, per, phase in phases:
        runs = size * per * s.replicates
        if given is not None and runs > MAX_RUNS:
            raise InputError(
                f"{size:,} x {per} x {count(s.replicates, 'replicate')} is {runs:,} {phase} runs, more "
                f"than the {MAX_RUNS:,} a sweep holds",
                field=flag,
                valid=f"at most {MAX_RUNS // (per * s.replicates):,}",
            )


def run_study(
    spec: str | Path | StudySpec,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    samples: int | None = None,
    trajectories: int | None = None,
    progress: bool = False,
) -> StudyResult | DestinationStudies:
    """Run (or resume) a study and write its folder.

    A spec with ``destinations:`` is run once per destination, each into ``DIR/<destination>/``
    (a study folder of its own), and ``DIR`` gets an index: report.md and summary.json across
    the destinations.

    Args:
        spec: A study spec file, the name of one in models/sweeps/, or a StudySpec.
        out: The output folder (default ``studies_out/<name>``).
        workers: Local worker processes (default: the CPU count).
        scheduler: A running Dask scheduler's address; runs go to that cluster.
        samples: Sobol base sample N instead of the spec's (a reduced or larger study).
        trajectories: Morris trajectories instead of the spec's.
        progress: Progress bars on stderr.

    Returns:
        The study's verdicts and the folder (one per destination, and their index).

    Raises:
        InputError: bad spec or options, or a folder holding another study's phases.
    """
    if scheduler:  # before the spec and the folder: one line naming the extra
        require("distributed", field="--scheduler")
    if not isinstance(spec, StudySpec):
        spec = load_study(spec)
    full_size = (spec.study.screening.trajectories, spec.study.sobol.samples)
    reduced = resize(spec, samples, trajectories)
    root = Path(out) if out is not None else DEFAULT_ROOT / spec.name
    check_study_folder(root, spec.name)
    run = partial(
        _run_one,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        reduced=reduced,
        full_size=full_size,
    )
    names = spec.destination_names()
    if not names:
        return run(spec, root)
    parts = {name: run(spec.for_destination(name), root / name) for name in names}
    head = destinations_summary(spec, {n: r.summary for n, r in parts.items()}, reduced)
    write_text_atomic(write_index(spec, parts), root / REPORT_FILE)
    write_text_atomic(json.dumps(head, indent=2) + "\n", root / SUMMARY_FILE)
    return DestinationStudies(root, spec, parts, head)


def _holds_study(root: Path, name: str) -> bool:
    """Whether ``root`` holds (part of) a study named ``name``: its summary or a phase's sweep.

    A finished study leaves summary.json; one stopped part way leaves its phases' sweep.json
    (named ``<study>-screen`` and so on), one folder down when the study has destinations.
    """
    try:
        if json.loads((root / SUMMARY_FILE).read_text(encoding="utf-8")).get("name") == name:
            return True
    except (OSError, ValueError, AttributeError):
        pass
    for meta in (*root.glob("*/sweep.json"), *root.glob("*/*/sweep.json")):
        try:
            if str(json.loads(meta.read_text(encoding="utf-8")).get("name", "")).startswith(
                f"{name}-"
            ):
                return True
        except (OSError, ValueError, AttributeError):
            continue
    return False


def check_study_folder(root: Path, name: str) -> None:
    """Refuse an ``--out`` that is a file, or a folder holding files but no study named ``name``.

    A rerun into the study's own folder resumes it; anything else there is the user's, and a
    study writes report.md and summary.json over whatever has those names.

    Raises:
        InputError: naming the folder and what would be valid.
    """
    valid = "a new or empty folder, or one holding this study"
    if root.exists() and not root.is_dir():
        raise InputError("is not a folder", file=str(root), field="--out", valid=valid)
    if root.is_dir() and any(root.iterdir()) and not _holds_study(root, name):
        raise InputError(
            f"is not empty and holds no study named {name}: use another --out, or delete the "
            "folder to start over",
            file=str(root),
            field="--out",
            valid=valid,
        )


def _run_one(
    spec: StudySpec,
    root: Path,
    *,
    workers: int | None,
    scheduler: str | None,
    progress: bool,
    reduced: str | None,
    full_size: tuple[int, int],
) -> StudyResult:
    """One study (one destination at most) into ``root``."""
    timings = _read_timings(root)
    ran: dict[str, int] = {}
    draws = earth_draws(spec)

    def phase(name: str, kept: list[str] | None, under: StudySpec = spec) -> Any:
        report = run_sweep(
            under.sweep_spec(name, kept),
            out=root / name,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        ran[name] = report.ran
        if report.ran:
            timings[name] = add_invocation(timings.get(name), report.wall_s, report.ran, workers)
        if report.failed:
            raise InputError(
                f"{report.failed} runs of the {name} phase failed (see its manifest); fix the "
                "cause and run `lunarcity sweep --retry-failed` on that folder, or change the spec",
                file=str(root / name),
            )
        return read_phase(root / name, under, draws)

    screen_phase = phase("screen", None)
    screened = screen(spec, screen_phase)
    sobol_phase = phase("sobol", screened.kept)
    comparison = from_phase(spec, phase("policies", None)) if spec.levers else None
    best = None
    # When the default policy is the best, its indices (the sobol phase) are the best's too.
    if (
        comparison is not None
        and spec.study.sobol.best_policy_samples
        and comparison.best != comparison.default
    ):
        levers = comparison.rows[comparison.best].levers
        under = spec.for_policy(levers)
        best = (under, levers, phase("best", screened.kept, under))
    luck = phase("chance", None) if spec.study.chance is not None else None
    ranked = rank(spec, sobol_phase, screened.kept)
    write_text_atomic(json.dumps(timings, indent=2) + "\n", root / TIMINGS_FILE)
    facts = _facts(spec, root, timings, reduced, screened.kept, full_size)
    figures = _write_outputs(spec, root, screened, ranked, sobol_phase, draws)
    text = write_report(spec, screened, ranked, facts, figures)
    found = findings(spec, sobol_phase, screened.kept, draws)
    text += findings_section(found, spec.study.sobol.outcomes[0])
    extra: dict[str, Any] = {
        "reduced": reduced,
        "runs": {p: t["runs"] for p, t in facts["phases"].items()},
        # What the study cost: its runs and their run times summed (wall, as measured).
        "cost": {
            "runs": sum(t["runs"] for t in facts["phases"].values()),  # integers
            "run_seconds": math.fsum(t["run_s"] for t in facts["phases"].values()),
        },
        **found,
    }
    if comparison is not None:
        text += policy_section(spec, comparison)
        extra["policies"] = policy_summary(comparison)
    if luck is not None:
        chance = from_results(
            luck.results, spec.study.sobol.outcomes[0], spec.study.questions.success
        )
        text += "\n" + "\n".join(chance_section(chance))
        extra["chance"] = chance_summary(chance)
    if best is not None:
        under, levers, best_phase = best
        best_ranked = rank(under, best_phase, screened.kept)
        text += "\n" + "\n".join(best_policy_section(under, levers, best_ranked, ranked))
        extra["best_policy_indices"] = best_policy_indices(under, levers, best_ranked)
    write_text_atomic(text, root / REPORT_FILE)
    head = summary(spec, screened, ranked, extra)
    write_text_atomic(json.dumps(head, indent=2) + "\n", root / SUMMARY_FILE)
    return StudyResult(root, spec, screened, ranked, head, ran)


def add_invocation(
    held: dict[str, Any] | None, wall_s: float, ran: int, workers: int | None
) -> dict[str, Any]:
    """A phase's timings with one more invocation that ran runs added to what timings.json holds.

    A study stopped and resumed runs a phase in pieces; keeping only the last piece's wall time
    would lose the others, so wall time and runs are summed over the pieces.

    Args:
        held: The phase's entry in timings.json so far (None: this is its first piece).
        wall_s: This invocation's wall time for the phase, in seconds.
        ran: The runs it ran.
        workers: Its local worker count (None: the default or a Dask scheduler).

    Returns:
        ``wall_s`` and ``ran`` summed, ``invocations`` counted (an entry written before they
        were counted is one), ``workers`` this invocation's.
    """
    held = held or {}
    return {
        "wall_s": float(held.get("wall_s") or 0.0) + wall_s,
        "ran": int(held.get("ran") or 0) + ran,
        "workers": workers,
        "invocations": int(held.get("invocations") or (1 if held else 0)) + 1,
    }


def _read_timings(root: Path) -> dict[str, Any]:
    path = root / TIMINGS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError:
        return {}


def _facts(
    spec: StudySpec,
    root: Path,
    timings: dict[str, Any],
    reduced: str | None,
    kept: list[str],
    full_size: tuple[int, int],
) -> dict[str, Any]:
    phases: dict[str, Any] = {}
    for name in ("screen", "sobol", "policies", "best", "chance"):
        if not (root / name / MANIFEST_FILE).is_file():
            continue  # a study without levers has no policies phase
        manifest = pl.read_parquet(root / name / MANIFEST_FILE)
        phases[name] = {
            "runs": manifest.height,
            "mean_run_s": float(manifest["duration_s"].mean()) if manifest.height else None,
            "run_s": float(manifest["duration_s"].fill_null(0.0).sum()),
            "wall_s": timings.get(name, {}).get("wall_s"),
        }
    s = spec.study
    d = len(spec.parameters)
    r, n = full_size
    runs = (r * (d + 1) + n * (len(kept) + 2)) * s.replicates
    full = (
        f"{r} x ({d} + 1) Morris runs and N x (k + 2) Sobol runs with N = {n} and k = "
        f"{len(kept)} kept here, x {count(s.replicates, 'replicate')}: {runs:,} runs"
    )
    return {"phases": phases, "reduced": reduced, "full_size": full, "sobol_n": s.sobol.samples}


def _write_outputs(
    spec: StudySpec,
    root: Path,
    screened: Screened,
    ranked: Ranked,
    sobol_phase: Any,
    draws: pl.DataFrame,
) -> dict[str, str]:
    """Write the tables and figures; returns figure key -> path relative to the report."""
    tables = root / TABLES
    figs = root / FIGURES
    tables.mkdir(parents=True, exist_ok=True)
    figs.mkdir(parents=True, exist_ok=True)
    write_atomic(screened.morris, tables / "morris.parquet")
    write_atomic(screened.table, tables / "screening.parquet")
    write_atomic(ranked.full, tables / "sobol.parquet")
    write_atomic(ranked.half, tables / "sobol_half.parquet")
    write_atomic(ranked.convergence, tables / "convergence.parquet")
    write_atomic(sobol_phase.rows, tables / "runs.parquet")
    if draws.width:
        write_atomic(draws, tables / "earth_draws.parquet")
    if ranked.success is not None:
        s = ranked.success
        write_atomic(
            pl.DataFrame(
                {
                    "flag": [spec.study.questions.success],
                    "share": [s.share],
                    "low": [s.low],
                    "high": [s.high],
                    "points": [s.n],
                }
            ),
            tables / "success.parquet",
        )
    out = {"morris": f"{FIGURES}/morris.png", "sobol": f"{FIGURES}/sobol.png"}
    sensitivity_chart(
        screened.morris, figs / "morris.png", title="Which inputs matter (Morris screening)"
    )
    fig.sobol_chart(ranked.full, figs / "sobol.png", "What decides the outcome (Sobol indices)")
    if ranked.pilot is not None and ranked.pilot.height:
        write_atomic(ranked.pilot, tables / "pilot.parquet")
        fig.pilot_chart(
            ranked.pilot, figs / "pilot.png", "How the indices settle as runs are added"
        )
        out["pilot"] = f"{FIGURES}/pilot.png"
    q = spec.study.questions
    if ranked.survival is not None:
        write_atomic(ranked.survival.table, tables / "survival.parquet")
        fig.survival_chart(
            ranked.survival,
            figs / "survival.png",
            "Share of runs that have succeeded by each year (Kaplan-Meier)",
            str(q.survival_event),
        )
        out["survival"] = f"{FIGURES}/survival.png"
    top = _top_two(ranked, spec)
    if top:
        feasibility_map(
            sobol_phase.rows,
            top[0],
            top[1] if len(top) > 1 else None,
            figs / "feasibility.png",
            info={"name": spec.name, "identity": {"spec": spec.model_dump(mode="json")}},
            outcome=q.success,
        )
        out["feasibility"] = f"{FIGURES}/feasibility.png"
    for flag, result in ranked.prims.items():
        write_atomic(result.trajectory_table(), tables / f"prim_{flag}_trajectory.parquet")
        write_atomic(result.limits_table(), tables / f"prim_{flag}_box.parquet")
        fig.prim_chart(
            result,
            figs / f"prim_{flag}.png",
            "Where the runs succeed: each step of the search (PRIM)",
        )
        out[f"prim_{flag}"] = f"{FIGURES}/prim_{flag}.png"
    return out


def _top_two(ranked: Ranked, spec: StudySpec) -> list[str]:
    deciding = spec.study.sobol.outcomes[0]
    part = ranked.full.filter(pl.col("outcome") == deciding).sort("rank")
    return part["parameter"].head(2).to_list()


__all__ = ["DestinationStudies", "StudyResult", "run_study"]

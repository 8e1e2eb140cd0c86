"""``lunarcity study SPEC``: a study end to end (screen, rank, discover, write up).

See :mod:`lunarcity.study`. ``lunarcity study --answer`` regenerates the README's opening answer.
"""

from __future__ import annotations

import argparse
from typing import Any

from lunarcity.errors import InputError
from lunarcity.show.console import print_json, stdout_console


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``study`` subcommand to the command line."""
    p = sub.add_parser(
        "study",
        help="run a study end to end: Morris, Sobol, PRIM, survival, a Markdown report",
        description="Run (or resume) both phases of a study spec, analyse them and write "
        "DIR/report.md with its figures and tables. Rerun to resume: only missing runs run.",
    )
    p.add_argument("spec", nargs="?", help="study spec file, or the name of one in models/sweeps/")
    p.add_argument("--out", metavar="DIR", help="output folder (default studies_out/NAME)")
    p.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: the CPU count)"
    )
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786"
    )
    p.add_argument(
        "--samples", type=int, metavar="N", help="Sobol base sample N instead of the spec's"
    )
    p.add_argument(
        "--trajectories", type=int, metavar="R", help="Morris trajectories instead of the spec's"
    )
    p.add_argument(
        "--answer",
        action="store_true",
        help="write the README's and docs/MODEL.md's opening answer from docs/results/ (no SPEC)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run a study (or write the opening answer); returns the exit code."""
    if args.answer:
        if args.spec:
            raise InputError("--answer takes no SPEC", field="--answer")
        from lunarcity.study.answer import write_answer

        changed = write_answer()
        if args.json:
            print_json({"changed": [str(p) for p in changed]})
        else:
            names = ", ".join(str(p) for p in changed) or "nothing (already current)"
            stdout_console().print(f"answer written: {names}")
        return 0
    if not args.spec:
        raise InputError("give a study spec (a file, or a name in models/sweeps/)", field="spec")
    if args.workers is not None and args.workers < 1:
        raise InputError(f"must be at least 1 (got {args.workers})", field="--workers")
    from lunarcity.study.runner import run_study

    result = run_study(
        args.spec,
        out=args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        samples=args.samples,
        trajectories=args.trajectories,
        progress=not args.json,
    )
    if args.json:
        print_json(result.as_dict())
        return 0
    console = stdout_console()
    parts = getattr(result, "parts", None)
    if parts is not None:
        console.print(f"[bold]study {result.spec.name}[/bold] -> {result.out / 'report.md'}")
    for name, part in (parts or {"": result}).items():
        _say(console, part, name)
    return 0


def runs_made(ran: dict[str, int]) -> str:
    """The runs this invocation made, by phase in words (a resumed, finished study made none)."""
    made = [(phase, n) for phase, n in ran.items() if n]
    if not made:
        return "runs made now: none (every run was already done)"
    total = sum(n for _, n in made)  # integers
    return f"runs made now: {total:,} (" + ", ".join(f"{p} {n:,}" for p, n in made) + ")"


def _say(console: Any, result: Any, destination: str) -> None:
    """A study's verdict in a few lines (one destination's, when ``destination`` is given)."""
    s = result.summary
    where = f" at {destination}" if destination else ""
    console.print(f"[bold]study {s['name']}[/bold]{where} -> {result.out / 'report.md'}")
    console.print(f"  {runs_made(result.ran)}; inputs kept after screening: {', '.join(s['kept'])}")
    console.print(f"  ranking converged: {'yes' if s['converged'] else 'no'}")
    if "success" in s:
        w = s["success"]
        console.print(
            f"  {s['success_flag']}: {w['share']:.0%} (95 % {w['low']:.0%} to {w['high']:.0%}, "
            f"{w['n']} points)"
        )

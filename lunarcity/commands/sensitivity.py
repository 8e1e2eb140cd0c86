"""``lunarcity sensitivity DIR``: Sobol indices or Morris effects of a finished sweep."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lunarcity.show.console import print_json, stderr_console, stdout_console
from lunarcity.study.ranking import Index, below_zero, rank_inputs, ranking_words
from lunarcity.study.words import number

if TYPE_CHECKING:
    import polars as pl


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity sensitivity`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser(
        "sensitivity",
        help="which parameters decide each outcome (needs a saltelli or morris sweep)",
        description="Sobol indices (saltelli design) or Morris elementary effects (morris "
        "design) of a finished sweep; saves DIR/sensitivity.parquet and DIR/sensitivity.png.",
    )
    p.add_argument("dir", metavar="DIR", help="the output folder of a finished sweep")
    p.add_argument(
        "--outcome",
        action="append",
        metavar="NAME",
        help="analyse this outcome (repeatable; default: the main ones the sweep kept)",
    )
    p.add_argument("--top", type=int, default=10, help="parameters shown per outcome (table)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity sensitivity``.

    It will say which parameters decide each outcome of a sweep.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    from lunarcity.sweeps.sensitivity import as_json, run_sensitivity

    table, notes, files = run_sensitivity(args.dir, args.outcome)
    err = stderr_console()
    for note in notes:
        err.print(f"note: {note}", soft_wrap=True)
    cautions = {
        outcome: line
        for (outcome,), part in table.group_by("outcome", maintain_order=True)
        if (line := unresolved_line(part))
    }
    if args.json:
        print_json(
            {
                "indices": as_json(table),
                "notes": notes,
                "unresolved": cautions,
                "files": {k: str(v) for k, v in files.items()},
            }
        )
        return 0
    _print(table, args.top, cautions)
    stdout_console().print(f"saved {files['table']} and {files['chart']}")
    return 0


def unresolved_line(part: pl.DataFrame) -> str | None:
    """What one outcome's Sobol indices do not resolve, by the study's rules, in one line.

    A study puts inputs in order only where their total-order intervals separate, and reads
    nothing from an interval wider than the index's range (:func:`rank_inputs`); a first-order
    index whose interval lies wholly below zero (:func:`below_zero`) is sampling error. The
    table ranks by the estimates alone, so without this line a sweep too small to say anything
    (8 runs: ST 20.9 ± 26, S1 -11.4) read as a ranking.

    Args:
        part: One outcome's rows of the sensitivity table.

    Returns:
        ``"<outcome>: ..."`` naming the unresolved inputs and the impossible first-order
        indices, each with its interval; None when every figure resolves (or Morris effects,
        which carry no such rule).
    """
    if part["method"][0] != "sobol":
        return None
    rows = list(part.iter_rows(named=True))
    total = [
        Index(r["parameter"], r["ST"], r["ST_conf"])
        for r in rows
        if r["ST"] is not None and r["ST_conf"] is not None
    ]
    first = [
        Index(r["parameter"], r["S1"], r["S1_conf"])
        for r in rows
        if r["S1"] is not None and r["S1_conf"] is not None
    ]
    said = []
    ranking = rank_inputs(total)
    if ranking.unresolved:
        # Named as the command line names things ('name'), in the study's words.
        said.append("ranked as a study ranks, " + ranking_words(ranking, name=_quoted))
    impossible = [
        f"{_quoted(i.parameter)} ({number(i.st, 3)} ± {number(i.conf, 3)})"
        for i in first
        if below_zero(i)
    ]
    if impossible:
        said.append(
            "first-order index below zero beyond its interval, which no share of variance can "
            f"be (too few runs): {', '.join(impossible)}"
        )
    return f"{part['outcome'][0]}: {'; '.join(said)}" if said else None


def _quoted(name: str) -> str:
    """An input's name as the command line's messages quote names."""
    return f"'{name}'"


def _print(table: pl.DataFrame, top: int, cautions: dict[str, str]) -> None:
    from rich.table import Table

    console = stdout_console()
    for (outcome,), part in table.group_by("outcome", maintain_order=True):
        sobol = part["method"][0] == "sobol"
        t = Table(title=f"{outcome} ({'Sobol indices' if sobol else 'Morris elementary effects'})")
        t.add_column("rank", justify="right")
        t.add_column("parameter")
        cols = (
            ["ST", "ST_conf", "S1", "S1_conf"]
            if sobol
            else ["mu_star", "mu_star_conf", "sigma", "mu"]
        )
        for c in cols:
            t.add_column(c.replace("_conf", " ±"), justify="right")
        for row in part.sort("rank").head(top).iter_rows(named=True):
            t.add_row(
                str(row["rank"]),
                row["parameter"],
                *("-" if row[c] is None else f"{row[c]:.3g}" for c in cols),
            )
        console.print(t)
        if outcome in cautions:
            console.print(cautions[outcome], soft_wrap=True, markup=False, highlight=False)

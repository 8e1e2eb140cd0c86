"""``lunarcity run``: run a scenario and say whether the city was complete, when, and what held it back."""

from __future__ import annotations

import argparse
import sys

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lunarcity.commands.common import add_scenario_arguments, check_scenario_arguments
from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.results.report import earth_line, end_rows, headline, target_rows, thesis_line
from lunarcity.runner import OUT_SUFFIXES
from lunarcity.runner import run as run_scenario
from lunarcity.show.console import print_json, stderr_console, stdout_console
from lunarcity.show.output_paths import check_out_file, write_error


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity run`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser("run", help="run a scenario (default ten_year_city)")
    add_scenario_arguments(p)
    p.add_argument("--out", help="write the daily table to FILE.parquet or FILE.csv")
    p.add_argument(
        "--json", action="store_true", help="print the summary as one JSON object on stdout"
    )
    p.add_argument(
        "--quiet", action="store_true", help="no progress bar; print only the headline line"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity run``.

    It will run a scenario and print whether the city was complete, when, and what held it back.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    if args.out:
        # Before the run: a ten-year run should not end in "cannot write".
        check_out_file(args.out, suffixes=OUT_SUFFIXES)
    check_scenario_arguments(args)
    show = not args.quiet and sys.stderr.isatty()
    err = stderr_console()
    if show:
        with Progress(
            TextColumn("[bold]day {task.completed:>5.0f}/{task.total:.0f}"),
            BarColumn(),
            TextColumn("{task.fields[units]:>9,} units  target {task.fields[parts]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("run", total=None, units=0, parts="-")

            def tick(model) -> None:
                if model.day % 10 == 0 or not model.running:
                    rec = model.recorder
                    parts = rec.target.parts.values()
                    holding = sum(p.holding for p in parts)  # integers
                    bar.update(
                        task,
                        completed=model.day,
                        total=model.days,
                        units=int(rec.last("units_total")),
                        parts=f"{holding}/{len(parts)} holding",
                    )

            result = run_scenario(
                args.scenario, seed=args.seed, years=args.years, sets=args.set, progress=tick
            )
    else:
        result = run_scenario(args.scenario, seed=args.seed, years=args.years, sets=args.set)
    asked = result.model.params.run.years * DAYS_PER_YEAR
    if result.model.days > int(round(asked)) and not args.quiet:
        # The run is longer than asked: say why rather than lengthen it silently.
        err.print(
            f"lunarcity: note: ran {result.model.days:,} days, not the {round(asked):,} of "
            f"run.years: a run goes on five years past the last lander (earth.until_years "
            f"{result.model.params.earth.until_years:g}) so growth without Earth can be seen",
            highlight=False,
        )
    # The summary first: a write that fails (a full disk, a file-size limit) must not lose it.
    if args.json:
        print_json(result.summary)
    elif args.quiet:
        stdout_console().print(headline(result.summary), soft_wrap=True)
    else:
        print_summary(result.summary)
    sys.stdout.flush()
    if args.out:
        try:
            path = result.write(args.out)
        except OSError as exc:
            raise write_error(exc, args.out) from None
        if not args.quiet:
            err.print(f"daily table written to {path}")
    return 0


def print_summary(s: dict) -> None:
    """The summary as people read it: the headline, the target's parts, the city at the end."""
    console = stdout_console()
    console.print(f"[bold]{s['scenario']}[/bold] (seed {s['seed']}, {s['days_simulated']} days)")
    console.print(headline(s))
    console.print(earth_line(s))
    line = thesis_line(s)
    if line:
        console.print(line)
    parts = Table(title="Target parts")
    parts.add_column("part")
    parts.add_column("value (goal): at the end")
    for row in target_rows(s):
        parts.add_row(*row)
    console.print(parts)
    t = Table(title="The city at the end")
    t.add_column("measure")
    t.add_column("value", justify="right")
    for row in end_rows(s):
        t.add_row(*row)
    console.print(t)

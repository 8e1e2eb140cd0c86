"""``lunarcity record``: run a scenario and record its map as an animated GIF (or MP4)."""

from __future__ import annotations

import argparse
import sys

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lunarcity.commands.common import add_scenario_arguments, check_scenario_arguments
from lunarcity.results.report import headline
from lunarcity.show.console import print_json, stderr_console


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity record`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser(
        "record",
        help="record a run's map, frame by frame, as an animated GIF (or MP4)",
        description="Run a scenario and write its map with a headline and a day counter, one "
        "frame every few days, to FILE.gif (or FILE.mp4 with the video extra: imageio-ffmpeg).",
    )
    add_scenario_arguments(p)
    p.add_argument("--out", default="city.gif", help="FILE.gif or FILE.mp4 (default city.gif)")
    p.add_argument("--every", type=int, default=10, metavar="DAYS", help="days between frames")
    p.add_argument("--fps", type=float, default=12.0, help="frames per second (default 12)")
    p.add_argument(
        "--size", type=int, default=480, metavar="PX", help="width of the map in px (default 480)"
    )
    p.add_argument(
        "--json", action="store_true", help="print what was written as one JSON object on stdout"
    )
    p.add_argument(
        "--quiet", action="store_true", help="no progress bar; print only the headline line"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity record``.

    It will record a run's map, frame by frame, as a GIF or MP4.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    from lunarcity.show.recording import check_options, output_format, record
    from lunarcity.world.scenario_overrides import Caller

    # Bad options fail at once, before a long run, named as the command line spells them.
    output_format(args.out, Caller.COMMAND_LINE)
    check_options(args.every, args.fps, args.size, Caller.COMMAND_LINE)
    check_scenario_arguments(args)
    err = stderr_console()
    kwargs = dict(
        years=args.years,
        every=args.every,
        fps=args.fps,
        size=args.size,
        seed=args.seed,
        sets=args.set,
        caller=Caller.COMMAND_LINE,
    )
    if not args.quiet and sys.stderr.isatty():
        with Progress(
            TextColumn("[bold]day {task.completed:>5.0f}/{task.total:.0f}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("record", total=None)

            def tick(model) -> None:
                if model.day % 10 == 0 or not model.running:
                    bar.update(task, completed=model.day, total=model.days)

            rec = record(args.scenario, args.out, progress=tick, **kwargs)
    else:
        rec = record(args.scenario, args.out, **kwargs)
    if args.json:
        print_json(rec.as_dict())
    else:
        if not args.quiet:
            err.print(
                f"{rec.path}: {rec.frames} frames of {rec.width}x{rec.height} px, "
                f"one every {rec.every} days at {rec.fps:g} fps"
            )
        print(headline(rec.summary))
    return 0

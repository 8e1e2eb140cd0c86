"""``lunarcity plot DIR``: a feasibility map and outcome distributions of a finished sweep."""

from __future__ import annotations

import argparse

from lunarcity.show.console import print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity plot`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser(
        "plot",
        help="feasibility map and outcome distributions of a sweep (PNG)",
        description="Writes DIR/plots/feasibility_X__Y.png (share of runs meeting the target "
        "within the horizon over two parameters) and DIR/plots/outcomes.png.",
    )
    p.add_argument("dir", metavar="DIR", help="the output folder of a finished sweep")
    p.add_argument("--x", metavar="PARAM", help="horizontal axis (default: the first parameter)")
    p.add_argument("--y", metavar="PARAM", help="vertical axis (default: the second parameter)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity plot``.

    It will draw a sweep's feasibility map and outcome distributions.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    from lunarcity.sweeps.plots import plot_sweep

    files = plot_sweep(args.dir, args.x, args.y)
    if args.json:
        print_json({"files": [str(f) for f in files]})
    else:
        for f in files:
            print(f)
    return 0

"""``lunarcity scenarios``: the presets in models/, a line each."""

from __future__ import annotations

import argparse

from lunarcity.show.console import print_json, stdout_console
from lunarcity.world.scenario import resolve_scenario
from lunarcity.world.scenario_overrides import preset_paths


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity scenarios`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser("scenarios", help="list the scenario presets")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity scenarios``: list the scenario presets.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    rows = []
    for name, path in preset_paths().items():
        sc = resolve_scenario(path)
        rows.append(
            {
                "name": name,
                "site": sc.site.name,
                "years": sc.run.years,
                "description": sc.description,
                "path": str(path),
            }
        )
    if args.json:
        print_json({"scenarios": rows})
        return 0
    console = stdout_console()
    width = max(len(r["name"]) for r in rows) if rows else 0
    for r in rows:
        console.print(f"{r['name']:<{width}}  {r['site']:<12} {r['description']}", soft_wrap=True)
    return 0

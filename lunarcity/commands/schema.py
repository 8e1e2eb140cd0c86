"""``lunarcity schema``: the JSON Schema of scenario files, for editors."""

from __future__ import annotations

import argparse

from lunarcity.show.console import print_json
from lunarcity.world.scenario import json_schema


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity schema`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity schema``: print the JSON Schema of scenario files.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    print_json(json_schema())
    return 0

"""``lunarcity schema``: the JSON Schema of scenario files, for editors."""

from __future__ import annotations

import argparse

from lunarcity.output import print_json
from lunarcity.scenario import json_schema


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print_json(json_schema())
    return 0

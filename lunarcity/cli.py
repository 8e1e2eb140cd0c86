"""The ``lunarcity`` command line: one subcommand per module in :mod:`lunarcity.commands`.

Exit codes: 0 when a command completes, 2 for bad input (one line on stderr, no
traceback), 75 when the command was stopped short by its environment with its finished work
kept (a sweep's worker process killed: running the same command again resumes), 1 for an
internal error. With ``--json`` a command prints one JSON object alone on
stdout; progress and messages go to stderr.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import os
import sys
import traceback

from lunarcity.errors import EXIT_STOPPED_SHORT, InputError, StoppedShort

#: Subcommand modules in lunarcity.commands, in the order ``--help`` lists them.
COMMANDS = [
    "run",
    "scenarios",
    "validate",
    "graph",
    "schema",
    "app",
    "sweep",
    "sensitivity",
    "plot",
    "record",
    "study",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors: exit 2, no traceback
        self.print_usage(sys.stderr)
        sys.stderr.write(f"lunarcity: error: {message}\n")
        raise SystemExit(2)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every available subcommand, or with just ``only``.

    Args:
        only: Build just this subcommand: a command's module may import heavy libraries (Mesa,
            pandas), and ``lunarcity graph`` should not wait for what ``lunarcity run`` needs.
    """
    parser = _Parser(
        prog="lunarcity",
        description="Agent-based model of a self-replicating lunar industrial base growing into a city.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"lunarcity.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"lunarcity.commands.{name}":
                continue  # a command not built yet
            raise
        module.add_parser(sub)
    return parser


def _exists(name: str) -> bool:
    """Whether the subcommand module ``lunarcity.commands.<name>`` is installed."""
    return importlib.util.find_spec(f"lunarcity.commands.{name}") is not None


def main(argv: list[str] | None = None, *, own_process: bool = False) -> int:
    """Run the command line; returns the exit code.

    Args:
        argv: The arguments (default ``sys.argv[1:]``).
        own_process: The command is the process (:func:`entry`), not a call inside another
            program: what the command's imports made is then kept out of the cycle
            collector's view for the rest of the process.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    first = argv[0] if argv else None
    # Help, a typo or no command at all need the full list of commands.
    only = first if first in COMMANDS and _exists(first) else None
    parser = build_parser(only)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    if own_process:
        # The modules the command imported (the model, Mesa, polars, SciPy: ~140,000 objects)
        # live as long as the process; frozen, no full collection traverses them again during
        # the run (benchmarks/run.py's default_command_s: ~12 % of `lunarcity run`'s CPU). Not
        # inside another program, whose garbage waiting for the collector would be frozen too.
        gc.freeze()
    try:
        code = args.func(args)
    except InputError as exc:
        sys.stderr.write(f"lunarcity: error: {exc.render()}\n")
        return 2
    except StoppedShort as exc:
        sys.stderr.write(f"lunarcity: stopped: {exc}\n")
        return EXIT_STOPPED_SHORT
    except KeyboardInterrupt:
        sys.stderr.write("lunarcity: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an internal error: say so plainly, traceback on request
        if os.environ.get("LUNARCITY_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"lunarcity: internal error: {type(exc).__name__}: {exc}\n"
            "(set LUNARCITY_DEBUG=1 for the traceback; please report it)\n"
        )
        return 1
    return int(code or 0)


def entry() -> int:
    """The ``lunarcity`` program: the console script and ``python -m lunarcity.cli``."""
    return main(own_process=True)


if __name__ == "__main__":
    raise SystemExit(entry())

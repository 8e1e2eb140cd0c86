"""Arguments shared by the commands that run a scenario."""

from __future__ import annotations

import argparse


def add_scenario_arguments(p: argparse.ArgumentParser) -> None:
    """SCENARIO, --years, --seed and --set, as ``lunarcity run`` and ``lunarcity record`` take them."""
    p.add_argument("scenario", nargs="?", default=None, help="preset name or scenario file")
    p.add_argument("--years", type=float, help="years to simulate (default: the scenario's)")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a parameter, e.g. earth.lander_interval_days=7",
    )


def check_scenario_arguments(args: argparse.Namespace) -> None:
    """Refuse ``--seed``/``--years`` and a ``--set`` of the same path that disagree.

    Checked here, before the run, so the message names the flags the user typed; the run checks
    again in its own (Python) terms for callers of :func:`lunarcity.run`.

    Raises:
        InputError: a flag and a ``--set`` of ``run.<flag>`` with different values.
    """
    from lunarcity.world.scenario_overrides import Caller, check_flags_agree

    check_flags_agree({"seed": args.seed, "years": args.years}, args.set, Caller.COMMAND_LINE)

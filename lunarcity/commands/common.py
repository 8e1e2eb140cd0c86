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

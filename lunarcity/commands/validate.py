"""``lunarcity validate [PATH]``: check a scenario, a sweep spec or a data folder.

With no PATH it checks the package's data and every preset and sweep spec it ships.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lunarcity.errors import InputError
from lunarcity.resources import data_dir, models_dir
from lunarcity.world.catalog import Catalog, default_catalog
from lunarcity.world.economy import Economy
from lunarcity.world.input_checks import (
    check_data_as_run,
    check_data_sources,
    scenario_notes,
    scenario_warnings,
)
from lunarcity.world.scenario import resolve_scenario
from lunarcity.world.scenario_overrides import find_scenario_file
from lunarcity.world.yamlio import load_yaml


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity validate`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser("validate", help="check a scenario, a sweep spec or a data folder")
    p.add_argument("path", nargs="?", help="scenario file or preset, sweep spec, or data folder")
    p.set_defaults(func=run)


def validate_data(folder: Path) -> str:
    """Load a data folder and build its economy at every site; a one-line report."""
    catalog = Catalog.load(folder)
    check_data_sources(folder)
    for site in catalog.sites:
        Economy(catalog, site)
    check_data_as_run(folder, catalog)
    return f"{folder}: ok ({len(catalog.items)} items, {len(catalog.recipes)} recipes, {len(catalog.units)} unit kinds, {len(catalog.sites)} sites)"


def is_sweep_spec(path: Path) -> bool:
    """Whether a YAML file is a sweep spec rather than a scenario."""
    data, _ = load_yaml(path)
    return isinstance(data, dict) and ("design" in data or "parameters" in data)


def validate_sweep(path: Path) -> str:
    """Check a sweep spec and return its report line (a spec is read only if sweeps are installed)."""
    try:
        from lunarcity.sweeps.spec import load_spec
    except ModuleNotFoundError:
        raise InputError("this installation cannot read sweep specs", file=str(path)) from None
    data, _ = load_yaml(path)
    if isinstance(data, dict) and "study" in data:  # a study spec: a sweep with its analysis
        from lunarcity.study.spec import load_study

        study = load_study(path)
        return f"{path}: ok (study of {study.scenario}, {len(study.parameters)} inputs)"
    spec = load_spec(path)
    return f"{path}: ok (sweep of {spec.scenario}, {spec.n_runs()} runs)"


def validate_path(path: Path) -> str:
    """Validate one path and return its report line."""
    if path.is_dir():
        return validate_data(path)
    if path.is_file() and is_sweep_spec(path):
        return validate_sweep(path)
    file = find_scenario_file(path) if not path.is_file() else path
    sc = resolve_scenario(file)
    for note in scenario_notes(sc, default_catalog()):
        sys.stderr.write(f"lunarcity: note: {file}: {note}\n")
    for warning in scenario_warnings(sc, default_catalog()):
        sys.stderr.write(f"lunarcity: warning: {file}: {warning}\n")
    return f"{file}: ok (scenario {sc.name}, site {sc.site.name}, {sc.run.years:g} years)"


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity validate``.

    It will check a scenario, a sweep spec or a data folder.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    if args.path:
        path = Path(args.path)
        if not path.exists():
            path = find_scenario_file(args.path)
        print(validate_path(path))
        return 0
    print(validate_data(data_dir()))
    for file in sorted(models_dir().glob("*.yaml")):
        print(validate_path(file))
    sweeps = models_dir() / "sweeps"
    for file in sorted(sweeps.glob("*.yaml")) if sweeps.is_dir() else []:
        print(validate_path(file))
    sys.stdout.flush()
    return 0

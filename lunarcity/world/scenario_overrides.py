"""Where a scenario comes from and how it is changed: presets by name, and dotted overrides.

A scenario is named (a preset, models/<name>.yaml) or given as a file, and changed by dotted paths
(``earth.lander_interval_days=7``) from ``--set``, sweep specs and Python keywords (``__`` for the
dots). Every path is checked against the scenario schema before it is applied, so a typo is one
clear error naming the nearest field. :func:`lunarcity.world.scenario.resolve_scenario` applies them.
"""

from __future__ import annotations

import copy
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import pydantic
import yaml

from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.resources import models_dir
from lunarcity.world.schema_errors import annotation_at, fields_at


# -- presets ---------------------------------------------------------------------------------
def preset_paths() -> dict[str, Path]:
    """Preset name -> file, for every models/*.yaml."""
    return {p.stem: p for p in sorted(models_dir().glob("*.yaml"))}


def find_scenario_file(ref: str | Path) -> Path:
    """A preset name or a path to a scenario file.

    Raises:
        InputError: neither a preset nor an existing file.
    """
    presets = preset_paths()
    if str(ref) in presets:
        return presets[str(ref)]
    path = Path(ref)
    if path.is_file():
        return path
    raise InputError(
        f"no preset or file '{ref}'{did_you_mean(str(ref), presets)}",
        field="scenario",
        valid=one_of(presets) + ", or a path to a .yaml file",
    )


# -- overrides ----------------------------------------------------------------------------------
def kwargs_to_paths(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Python keywords with ``__`` for dots (``earth__lander_interval_days``) as dotted paths."""
    return {key.replace("__", "."): value for key, value in kwargs.items()}


def parse_set(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``path=value`` strings from ``--set`` as a dict; values are read as YAML scalars.

    Raises:
        InputError: an item has no '='.
    """
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise InputError(
                f"'{item}' is not path=value",
                field="--set",
                valid="e.g. earth.lander_interval_days=7",
            )
        path, _, text = item.partition("=")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        out[path.strip()] = value
    return out


class Caller(Enum):
    """Who gave a run's seed and years, so an error names them as that caller spelled them."""

    #: ``--seed 6`` and ``--set run.seed=5``: the ``lunarcity`` command line.
    COMMAND_LINE = "command line"
    #: ``seed=6`` and ``sets=["run.seed=5"]``: ``lunarcity.run`` and ``record`` from Python.
    PYTHON = "python"

    def option(self, name: str) -> str:
        """An option as this caller spells it: ``--every`` on the command line, ``every`` in Python."""
        return f"--{name}" if self is Caller.COMMAND_LINE else name

    def given(self, name: str, value: Any) -> str:
        """An option with a value as this caller writes it: ``--every 6``, or ``every=6``."""
        return f"--{name} {value}" if self is Caller.COMMAND_LINE else f"{name}={value}"


def check_flags_agree(
    flags: dict[str, Any], sets: list[str] | tuple[str, ...], caller: Caller
) -> None:
    """Refuse a seed or years and a ``--set`` (``sets`` item) of its path that disagree.

    Without this the ``--set`` value won silently.

    Args:
        flags: Name -> value given (None when not given), e.g. ``{"seed": 6}`` for
            ``run.seed``.
        sets: The ``path=value`` items (``--set`` on the command line, ``sets`` in Python).
        caller: Who gave them: the message names ``--seed`` and ``--set`` for the command line,
            the keywords ``seed=`` and ``sets`` for Python.

    Raises:
        InputError: a flag and a ``--set`` of ``run.<flag>`` with different values.
    """
    given = parse_set(sets)
    for name, value in flags.items():
        other = given.get(f"run.{name}")
        if value is None or other is None or other == value:
            continue
        if caller is Caller.COMMAND_LINE:
            said = f"{caller.given(name, value)} and --set run.{name}={other}"
        else:
            said = f"{caller.given(name, value)} and run.{name}={other} in sets"
        field = caller.option(name)
        raise InputError(
            f"{said} disagree", field=field, valid="one of them, or the same value in both"
        )


def check_path(path: str) -> None:
    """Raise :class:`InputError` unless ``path`` names a field of the scenario schema."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise InputError(
            f"'{path}' is not a dotted parameter path",
            field="override",
            valid="e.g. earth.lander_interval_days",
        )
    # The schema is read here, not at import: lunarcity.world.scenario imports this module.
    from lunarcity.world.scenario import Scenario

    for depth in range(1, len(parts) + 1):
        loc = tuple(parts[:depth])
        names = fields_at(Scenario, loc)
        if names and loc[-1] not in names:
            raise InputError(
                f"unknown parameter '{path}'{did_you_mean(loc[-1], names)}",
                field=".".join(loc[:-1]) or None,
                valid=one_of(names),
            )
        if not names and depth < len(parts) and _is_leaf(loc):
            raise InputError(
                f"unknown parameter '{path}': '{'.'.join(loc)}' has no fields", field=".".join(loc)
            )


def _is_leaf(loc: tuple[str, ...]) -> bool:
    """Whether ``loc`` is a scalar field (no named sub-fields, not a free mapping)."""
    from lunarcity.world.scenario import Scenario

    current = annotation_at(Scenario, loc)
    if current is None:
        return True
    is_model = isinstance(current, type) and issubclass(current, pydantic.BaseModel)
    return not (is_model or typing.get_origin(current) is dict)


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Set dotted paths in a scenario's raw data (a copy); every path is checked first."""
    out = copy.deepcopy(data)
    for path, value in overrides.items():
        check_path(path)
        node = out
        parts = path.split(".")
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = {}
                node[part] = nxt
            node = nxt
        node[parts[-1]] = value
    return out

"""Shared fixtures: the checkout's paths, the command line as a subprocess, a copy of data/.

Also the one loader of a docs/ script by path (``load_docs_script``), which tests import with
``from conftest import load_docs_script`` (pytest puts tests/ on the path for its conftest).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

#: The checkout (the folder holding pyproject.toml).
REPO = Path(__file__).resolve().parent.parent


def load_docs_script(name: str) -> ModuleType:
    """docs/NAME.py imported by path (docs/ is no package), as module ``docs_NAME``.

    Registered in ``sys.modules`` before it runs, as Python's own import does, so anything in
    the script that looks its module up by name (dataclasses, pickling) finds it.
    """
    path = REPO / "docs" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"docs_{name}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _cli_env() -> dict[str, str]:
    # No colour or terminal width games from rich, so stdout is plain text and JSON.
    env = dict(os.environ)
    env.pop("LUNARCITY_DEBUG", None)
    env.update({"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"})
    return env


def run_lunarcity(
    *args: str | Path, cwd: str | Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m lunarcity.cli ARGS`` with the current interpreter; capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "lunarcity.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_cli_env(),
        timeout=timeout,
    )


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """The ``lunarcity`` command line as a subprocess: ``cli("graph", "--json")``."""
    return run_lunarcity


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the checkout's data/ folder to edit; the package's own stays untouched."""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    return folder

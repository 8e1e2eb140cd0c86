"""Shared fixtures: the checkout's paths, the command line as a subprocess, a copy of data/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

#: The checkout (the folder holding pyproject.toml).
REPO = Path(__file__).resolve().parent.parent


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


#: The Python whose runs wrote the committed results (golden digests, generated docs, studies).
RESULTS_PYTHON = "3.11"


def xfail_on_another_python(problem: str) -> None:
    """Report a mismatch with committed results as the known cross-Python gap, off 3.11.

    Since the thesis and chemistry merges the trajectory on numpy 2.5 (Python 3.12+) leaves
    3.11's (ten_year_city: one satellite a day apart on day 1,468), so figures committed from
    3.11 runs differ there. The mismatch is shown as an expected failure with its reason, never
    as a pass; on 3.11 it fails.
    """
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here != RESULTS_PYTHON:
        pytest.xfail(f"known cross-Python gap (results written on {RESULTS_PYTHON}): {problem}")

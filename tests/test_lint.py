"""Ruff lint and format checks run inside the test suite, so CI needs one command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    # The ruff installed with the test interpreter (the venv's bin/), not whatever is on PATH.
    for name in ("ruff", "ruff.exe"):
        exe = Path(sys.executable).parent / name
        if exe.is_file():
            return [str(exe)]
    return [sys.executable, "-m", "ruff"]


@pytest.mark.parametrize(
    "args", [("check", "."), ("format", "--check", ".")], ids=["check", "format"]
)
def test_ruff(args: tuple[str, ...]) -> None:
    result = subprocess.run(
        [*_ruff(), *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"ruff {' '.join(args)} failed:\n{result.stdout}{result.stderr}"

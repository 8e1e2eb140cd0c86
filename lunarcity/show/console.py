"""Printing for the command line: JSON alone on stdout, people's tables via rich."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from rich.console import Console


def _clean(value: Any) -> Any:
    """Plain JSON values: numpy scalars to Python, NaN and infinities to null."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def print_json(obj: Any) -> None:
    """Print one JSON object alone on stdout."""
    sys.stdout.write(json.dumps(_clean(obj), indent=2, sort_keys=False) + "\n")
    sys.stdout.flush()


def stdout_console() -> Console:
    """A console for tables meant for people."""
    return Console(highlight=False)


def stderr_console() -> Console:
    """A console for progress and messages."""
    return Console(stderr=True, highlight=False)

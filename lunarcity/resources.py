"""Where the package finds its data/, models/ and viz/ folders.

In a wheel they travel inside the package (hatchling force-include puts them under ``lunarcity/``);
in an editable install they are the checkout's top-level folders beside the package.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def _folder(name: str) -> Path:
    inside = Path(str(resources.files("lunarcity"))) / name
    if inside.is_dir():
        return inside
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"lunarcity: cannot find its {name}/ folder (looked in {inside} and {checkout})"
    )


def data_dir() -> Path:
    """The folder of reference data (materials, recipes, units, sites)."""
    return _folder("data")


def models_dir() -> Path:
    """The folder of scenario presets (``*.yaml``) and sweep specs (``sweeps/``)."""
    return _folder("models")


def viz_dir() -> Path:
    """The folder of the Solara app."""
    return _folder("viz")

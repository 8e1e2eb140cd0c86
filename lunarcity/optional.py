"""The optional dependencies: which extra of ``lunarcity`` installs each, and one message.

The base install (``pip install lunarcity``) runs the README's main examples: runs, the app,
recordings as GIF, sweeps, studies and their sensitivity analysis (SALib is a base dependency:
it adds little beside the pandas, SciPy and matplotlib Mesa already brings). What only some users
need stays in an extra of pyproject.toml, and every place that needs one calls :func:`require`
before any work, so a missing package is one line naming the extra (exit 2 on the command line),
never an internal error halfway through.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from lunarcity.errors import InputError


@dataclass(frozen=True)
class Optional:
    """A package the base install leaves out.

    Attributes:
        package: Its name on PyPI.
        extra: The extra of ``lunarcity`` (pyproject.toml) that installs it.
        needed_for: What needs it, as a phrase: "running sweeps on Dask".
        instead: What works without it, if anything, as a phrase.
    """

    package: str
    extra: str
    needed_for: str
    instead: str = ""


#: Importable module -> the extra that installs it. tests/test_optional.py checks each extra is
#: in pyproject.toml and holds the module's distribution; the wheel test checks that every other
#: third-party module the package imports comes with the base install.
OPTIONAL: dict[str, Optional] = {
    "distributed": Optional(
        "distributed", "dask", "running on Dask", "run on the local pool (--backend local)"
    ),
    "imageio_ffmpeg": Optional(
        "imageio-ffmpeg", "video", "recording MP4", "record a .gif, which needs nothing more"
    ),
    "ema_workbench": Optional(
        "ema-workbench",
        "ema",
        "handing a study's levers and uncertainties to EMA Workbench",
        "compare policies with `lunarcity study` (its levers: and uncertainties:)",
    ),
}


def install_command(extra: str) -> str:
    """The command that installs an extra, as a person would type it (quoted for the shell)."""
    return f'pip install "lunarcity[{extra}]"'


def available(module: str) -> bool:
    """Whether ``module`` can be imported here, without importing it (some are slow to import)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package is missing
        return False


def require(module: str, *, field: str | None = None) -> None:
    """Raise the one-line :class:`InputError` naming the extra when ``module`` is missing.

    Args:
        module: A key of :data:`OPTIONAL`.
        field: The option that asked for it (``--backend``), named in the message.

    Raises:
        InputError: ``module`` cannot be imported; the message says what to install.
    """
    if available(module):
        return
    need = OPTIONAL[module]
    instead = f"; or {need.instead}" if need.instead else ""
    raise InputError(
        f"{need.needed_for} needs {need.package}, which the base install leaves out: "
        f"{install_command(need.extra)}{instead}",
        field=field,
    )

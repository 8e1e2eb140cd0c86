"""LunarCity: an agent-based model of a self-replicating lunar industrial base.

Quick use::

    import lunarcity
    result = lunarcity.run("ten_year_city", seed=1, earth__lander_interval_days=7)
    result.summary["target_met"], result.daily
"""

from __future__ import annotations

__version__ = "0.1.0"

from lunarcity.errors import InputError
from lunarcity.world.scenario import Scenario, resolve_scenario

__all__ = [
    "InputError",
    "LunarCity",
    "RunResult",
    "Scenario",
    "__version__",
    "resolve_scenario",
    "run",
    "sweep",
]


def __getattr__(name: str) -> object:  # PEP 562: a module-level attribute hook
    # Lazy, so `import lunarcity` stays light: sweeps pull in polars, pyarrow and a pool.
    if name == "sweep":
        from lunarcity.sweeps.runner import sweep

        return sweep
    # The model pulls in Mesa: imported on first use too.
    if name in ("run", "RunResult"):
        from lunarcity import runner

        return getattr(runner, name)
    if name == "LunarCity":
        from lunarcity.model import LunarCity

        return LunarCity
    raise AttributeError(f"module 'lunarcity' has no attribute {name!r}")

"""Headless parameter sweeps: specs, designs, a resumable runner, sensitivity analysis, plots.

Submodules have one job each: :mod:`.spec` (the YAML schema), :mod:`.designs` (grid, LHS,
Sobol, Saltelli, Morris points), :mod:`.worker` (one run), :mod:`.storage` (the output folder),
:mod:`.runner` (plan, resume, write), :mod:`.backends` (local pool or Dask), :mod:`.sensitivity` (SALib indices) and
:mod:`.plots` (feasibility map, distributions). Heavy ones are imported only when used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_spec", "sweep"]


def __getattr__(name: str) -> Any:
    # Lazy: `import lunarcity.sweeps` must not pull in the runner's imports.
    if name == "sweep":
        from lunarcity.sweeps.runner import sweep

        return sweep
    if name == "load_spec":
        from lunarcity.sweeps.spec import load_spec

        return load_spec
    raise AttributeError(f"module 'lunarcity.sweeps' has no attribute {name!r}")

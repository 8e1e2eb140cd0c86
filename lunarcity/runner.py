"""Running a scenario headless: :func:`run` returns the summary and the daily table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from lunarcity.errors import InputError
from lunarcity.model import LunarCity
from lunarcity.scenario import Scenario, resolve_scenario


@dataclass
class RunResult:
    """One run's outcome.

    Attributes:
        summary: Target met and when, each target part's day, the state at the end, ledgers.
        daily: One row per day (a polars DataFrame).
        model: The finished model (for inspection).
    """

    summary: dict[str, Any]
    daily: pl.DataFrame
    model: LunarCity

    def write(self, path: str | Path) -> Path:
        """Write the daily table: Parquet, or CSV when the name ends in .csv."""
        path = Path(path)
        if path.suffix.lower() not in (".parquet", ".csv"):
            raise InputError(
                "the output file must end in .parquet or .csv",
                field="--out",
                valid="FILE.parquet or FILE.csv",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        if path.suffix.lower() == ".csv":
            self.daily.write_csv(tmp)
        else:
            self.daily.write_parquet(tmp)
        tmp.replace(path)
        return path


def run(
    scenario: str | Path | Scenario | dict[str, Any] | None = None,
    seed: int | None = None,
    years: float | None = None,
    sets: list[str] | tuple[str, ...] = (),
    progress: Callable[[LunarCity], None] | None = None,
    **overrides: Any,
) -> RunResult:
    """Run a scenario to its end.

    Args:
        scenario: Preset name, YAML path, Scenario, raw data, or None for ``ten_year_city``.
        seed: Overrides ``run.seed``.
        years: Overrides ``run.years``.
        sets: ``path=value`` strings (command-line precedence).
        progress: Called after every day with the model (for progress bars).
        **overrides: Flat ``__`` keywords, e.g. ``earth__lander_interval_days=7``.

    Returns:
        The :class:`RunResult`.
    """
    extra = dict(overrides)
    if years is not None:
        extra["run__years"] = years
    sc = resolve_scenario(scenario, extra, sets)
    model = LunarCity(sc, seed=seed)
    while model.running:
        model.step()
        if progress is not None:
            progress(model)
    return RunResult(summary=model.summary(), daily=model.daily(), model=model)

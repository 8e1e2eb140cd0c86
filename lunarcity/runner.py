"""Running a scenario headless: :func:`run` returns the summary and the daily table."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from lunarcity.constants import FLOAT_NOISE
from lunarcity.errors import LedgerError
from lunarcity.model import LunarCity
from lunarcity.show.output_paths import check_out_file, written_atomically
from lunarcity.world.catalog import Catalog
from lunarcity.world.scenario import Scenario, resolve_scenario
from lunarcity.world.scenario_overrides import Caller, check_flags_agree

#: Relative error a ledger may show at the end of a run (DESIGN: mass balances to < 1e-9).
LEDGER_TOLERANCE = FLOAT_NOISE
#: The summary's ledger fields, with what each balances.
LEDGERS = {
    "mass_balance_rel_error": "mass",
    "element_balance_rel_error": "element",
    "energy_balance_rel_error": "energy",
}
#: Endings the daily table may be written with.
OUT_SUFFIXES = (".parquet", ".csv")


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
        """Write the daily table: Parquet, or CSV when the name ends in .csv.

        The table goes to a temporary file beside ``path``, renamed into place when complete;
        the temporary file is removed whatever happens (a full disk leaves nothing behind).

        Raises:
            InputError: a wrong ending, a folder, or a place that cannot be written.
            OSError: the write failed part way (e.g. the disk is full).
        """
        path = check_out_file(path, suffixes=OUT_SUFFIXES)
        with written_atomically(path) as tmp:
            if path.suffix.lower() == ".csv":
                self.daily.write_csv(tmp)
            else:
                self.daily.write_parquet(tmp)
        return path


def run(
    scenario: str | Path | Scenario | dict[str, Any] | None = None,
    seed: int | None = None,
    years: float | None = None,
    sets: list[str] | tuple[str, ...] = (),
    progress: Callable[[LunarCity], None] | None = None,
    catalog: Catalog | None = None,
    **overrides: Any,
) -> RunResult:
    """Run a scenario to its end.

    Args:
        scenario: Preset name, YAML path, Scenario, raw data, or None for ``ten_year_city``.
        seed: Overrides ``run.seed``.
        years: Overrides ``run.years``.
        sets: ``path=value`` strings (command-line precedence).
        progress: Called after every day with the model (for progress bars).
        catalog: The reference data (the package's data/ by default; ``Catalog.load(folder)``
            runs on a copy, all seven files of it).
        **overrides: Flat ``__`` keywords, e.g. ``earth__lander_interval_days=7``.

    Returns:
        The :class:`RunResult`.

    Raises:
        InputError: a bad scenario, override, seed or number of years.
        LedgerError: the run finished with a ledger (mass, element or energy) that does not
            close (a bug).
    """
    check_flags_agree({"seed": seed, "years": years}, sets, Caller.PYTHON)
    extra = dict(overrides)
    if years is not None:
        extra["run__years"] = years
    if seed is not None:
        # Through the schema, so a seed numpy cannot take (-1, 2^64) is refused as input.
        extra["run__seed"] = seed
    sc = resolve_scenario(scenario, extra, sets, catalog=catalog)
    model = LunarCity(sc, catalog=catalog)
    while model.running:
        model.step()
        if progress is not None:
            progress(model)
    summary = model.summary()
    check_ledgers(summary)
    return RunResult(summary=summary, daily=model.daily(), model=model)


def check_ledgers(summary: dict[str, Any], tolerance: float | None = None) -> None:
    """Refuse a finished run whose mass, element or energy ledger does not close.

    A ledger not finite or off by more than ``tolerance`` (relative; default
    :data:`LEDGER_TOLERANCE`) is not a result, whatever else the run reports.

    Raises:
        LedgerError: naming the ledger and its error.
    """
    tolerance = LEDGER_TOLERANCE if tolerance is None else tolerance
    for key, ledger in LEDGERS.items():
        error = summary.get(key)
        if error is None or not math.isfinite(error) or error > tolerance:
            raise LedgerError(
                f"the {ledger} ledger does not close: relative error {error} "
                f"(must be finite and at most {tolerance:g}); the run is not a result"
            )

"""run.max_units: a run stops at the end of the first day with more units than the cap, days kept.

A city whose growth nothing bounds (an idealisation such as unlimited materials) would otherwise
grow until the machine kills it for memory, with every day lost; the cap ends it as the horizon
would, and the summary and headline say which rule ended it.
"""

from __future__ import annotations

import polars as pl
import pytest

import lunarcity
from lunarcity.results.report import headline

CAP = 1_000
YEARS = 3  # the default city passes 1,000 units in its third year


@pytest.fixture(scope="module")
def uncapped() -> lunarcity.RunResult:
    return lunarcity.run("ten_year_city", years=YEARS)


@pytest.fixture(scope="module")
def capped() -> lunarcity.RunResult:
    return lunarcity.run("ten_year_city", years=YEARS, run__max_units=CAP)


def test_the_run_stops_on_the_first_day_past_the_cap(uncapped, capped) -> None:
    # The day is read off the uncapped run's own table, not from the rule under test.
    units = uncapped.daily["units_total"]
    first_past = int(uncapped.daily["day"].filter(units > CAP)[0])
    assert 0 < first_past < YEARS * 365
    assert capped.summary["days_simulated"] == first_past
    assert capped.summary["stopped_by"] == "run.max_units"
    assert capped.daily.height == first_past + 1  # day 0 to the stop day
    assert capped.summary["units_total"] > CAP >= int(units[first_past - 1])


def test_the_days_before_the_stop_are_those_of_the_run_without_it(uncapped, capped) -> None:
    n = capped.daily.height
    assert capped.daily.equals(uncapped.daily.head(n))
    assert "stopped_by" not in uncapped.summary


def test_a_stopped_run_takes_no_more_steps(capped) -> None:
    model = capped.model
    day = model.day
    assert not model.running
    model.step()
    assert model.day == day


def test_a_cap_below_the_seed_stops_after_the_first_day() -> None:
    # The preset's seed lands 12 + 2 + 1 + 1 + 1 + 10 + 1 = 28 units (models/ten_year_city.yaml):
    # with room for 27, the first day's end finds more.
    result = lunarcity.run("ten_year_city", years=1, run__max_units=27)
    assert result.daily["units_total"][0] == 28
    assert result.summary["days_simulated"] == 1
    assert headline(result.summary).endswith(
        f"Stopped on day 1: {result.summary['units_total']:,} units in service, past run.max_units."
    )


def test_the_command_line_says_the_stop_and_keeps_the_days(cli, tmp_path) -> None:
    out = tmp_path / "days.csv"
    proc = cli("run", "--years", "3", "--set", f"run.max_units={CAP}", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "past run.max_units" in proc.stdout
    daily = pl.read_csv(out)
    assert int(daily["units_total"][-1]) > CAP >= int(daily["units_total"][-2])

"""The run's words (lunarcity/report.py), checked against summaries written by hand."""

from __future__ import annotations

from lunarcity.report import day_and_year, headline, target_rows


def _summary(**over: object) -> dict:
    s = {
        "horizon_years": 10.0,
        "target_met": False,
        "target_day": None,
        "years_to_target": None,
        "days_simulated": 3653,
        "bottleneck": "power",
        "target_parts": {"mass": 730, "closure": None},
    }
    return s | over


def test_headline_when_complete_gives_the_day_and_year() -> None:
    # Day 2922 is 2922 / 365.25 = 8.0 years.
    s = _summary(target_met=True, target_day=2922, years_to_target=8.0)
    assert headline(s) == "City complete on day 2922 (year 8.0), within 10 years."


def test_headline_when_the_run_stopped_early_says_how_far_it_got() -> None:
    # 730.5 days is 2.0 years, short of the 10-year horizon.
    s = _summary(days_simulated=730.5, bottleneck="labour")
    assert headline(s) == "Not complete after 2.0 years (horizon 10): held back by labour."


def test_headline_when_the_horizon_passed() -> None:
    assert headline(_summary()) == "Not complete in 10 years: held back by power."


def test_target_rows_name_the_day_each_part_was_met() -> None:
    # Day 730 is 730 / 365.25 = 1.998... -> "year 2.0".
    assert target_rows(_summary()) == [("mass", "730 (year 2.0)"), ("closure", "-")]
    assert day_and_year(None) == "-"

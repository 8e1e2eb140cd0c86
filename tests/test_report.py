"""The run's words (lunarcity/results/report.py), checked against summaries written by hand."""

from __future__ import annotations

from lunarcity.results.report import day_and_year, headline, target_rows


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
    # Day 2922 is 2922 / 365.25 = 8.0 years; the day with a thousands comma, as the part lines.
    s = _summary(target_met=True, target_day=2922, years_to_target=8.0)
    assert headline(s) == "City complete on day 2,922 (year 8.0), within 10 years."


def test_headline_when_the_run_stopped_early_says_how_far_it_got() -> None:
    # 730.5 days is 2.0 years, short of the 10-year horizon.
    s = _summary(days_simulated=730.5, bottleneck="labour")
    assert headline(s) == "Not complete after 2.0 years (horizon 10): held back by labour."


def test_headline_of_a_run_the_unit_cap_stopped_says_when_and_why() -> None:
    # Day 381 of a 10-year horizon is 381 / 365.25 = 1.04 years: the verdict, then the stop.
    s = _summary(
        days_simulated=381, bottleneck="labour", units_total=10_116_290, stopped_by="run.max_units"
    )
    assert headline(s) == (
        "Not complete after 1.0 years (horizon 10): held back by labour. Stopped on day 381: "
        "10,116,290 units in service, past run.max_units."
    )


def test_headline_when_the_horizon_passed() -> None:
    assert headline(_summary()) == "Not complete in 10 years: held back by power."


def _part(first, spell, holds, value, days_held):
    state = "holding now" if holds else ("held before" if first is not None else "not yet")
    return {
        "metric": "x",
        "goal": 0.9,
        "goal_is_floor": True,
        "first_day": first,
        "state": state,
        "holds_at_end": holds,
        "value_at_end": value,
        "days_held": days_held,
        "last_spell": spell,
    }


def _block(parts: dict, first_all=None, days_all=0, at_end=False) -> dict:
    return {
        "sustain_days": 1,
        "met_day": first_all,
        "first_day_all_held": first_all,
        "days_all_held": days_all,
        "all_hold_at_end": at_end,
        "parts": parts,
    }


def test_target_rows_give_value_goal_and_state() -> None:
    # Day 730 is 730 / 365.25 = 1.998... -> "year 2.0"; 1579 -> 4.3, 1850 -> 5.1.
    parts = {
        "mass": _part(730, [730, 3652], True, 0.95, 2923),
        "closure": _part(1579, [1579, 1850], False, 0.58, 272),
        "launches": _part(None, None, False, 103.0, 0),
    }
    rows = target_rows(_summary(target=_block(parts)))
    assert rows == [
        ("mass", "0.95 (>= 0.9): holding now (since day 730 (year 2.0))"),
        (
            "closure",
            "0.58 (>= 0.9): held before (from day 1,579 (year 4.3) to day 1,850 (year 5.1)) "
            "but not now",
        ),
        ("launches", "103 (>= 0.9): not yet"),
    ]
    assert day_and_year(None) == "-"


def test_headline_when_parts_held_at_different_times() -> None:
    # Closure held days 1579-1850 (years 4.3-5.1), launches from day 2259 (year 6.2) on: every
    # part held, never together.
    parts = {
        "closure": _part(1579, [1579, 1850], False, 0.58, 272),
        "launches": _part(2259, [2259, 3653], True, 400.0, 1395),
    }
    s = _summary(target=_block(parts))
    assert headline(s) == (
        "Never complete in 10 years: closure held in years 4.3-5.1, launches from year 6.2."
    )
    # Closure held twice (fewer days than its span): its latest spell, "last held".
    parts["closure"] = _part(1000, [1579, 1850], False, 0.58, 300)
    assert "closure last held in years 4.3-5.1" in headline(_summary(target=_block(parts)))


def test_headline_of_a_city_complete_once_says_what_no_longer_holds() -> None:
    parts = {
        "closure": _part(1579, [1579, 1850], False, 0.58, 272),
        "launches": _part(1800, [1800, 3653], True, 400.0, 1854),
    }
    s = _summary(
        target_met=True,
        target_day=1800,
        years_to_target=4.928,
        target=_block(parts, first_all=1800, days_all=51),
    )
    assert headline(s) == (
        "City complete on day 1,800 (year 4.9), within 10 years. All parts held together on 51 "
        "days; not at the end: closure held in years 4.3-5.1, launches from year 4.9."
    )


def test_an_infinite_value_reads_as_it_does_after_its_trip_through_json() -> None:
    # auxon_lw95's doubling time is infinite while the city does not grow; `lunarcity run` prints
    # the summary in the process (inf) and `--json` writes it with inf as null: one summary,
    # one wording, "-" either way, never the programmer's "inf".
    import json

    from lunarcity.show.console import _clean

    part = _part(None, None, False, float("inf"), 0) | {"goal": 0.5, "goal_is_floor": False}
    s = _summary(target=_block({"doubling": part}))
    via_json = json.loads(json.dumps(_clean(s)))
    assert target_rows(s) == target_rows(via_json) == [("doubling", "- (<= 0.5): not yet")]


def test_earth_line_of_a_city_that_never_grew_after_earth_stopped() -> None:
    # `--set earth.until_years=0`: the seed alone, whose mass never rose (no last day of growth
    # to name: growth_stopped_day None); the line said "growth never grew". 93 t landed holding 93 t of assets: 93 / 93 = 1.0 t per tonne.
    from lunarcity.results.report import earth_line

    ss = {
        "until_years": 0.0,
        "last_ran_out_day": None,
        "earth_only_kg_at_end": {"chips": 3000.0},
        "kept_growing": False,
        "growth_stopped_day": None,
    }
    s = {"earth_imported_t": 93.0, "assets_per_tonne_landed": 1.0, "self_sufficiency": ss}
    assert earth_line(s) == (
        "Landed from Earth: 93 t (1.0 t of assets per tonne landed). Earth stopped at year 0 "
        "(still held at the end: chips 3 t); its industrial mass never rose."
    )
    ss["growth_stopped_day"] = 1523
    assert earth_line(s).endswith(
        "; growth stopped on day 1,523: it did not grow over its last year."
    )


def test_earth_line_of_a_city_fed_by_its_seed_alone() -> None:
    # auxon_lw95 (earth.imports false): the seed's 144.4 t landed, then no lander; the line said
    # "Earth supplied it throughout: this is an Earth-fed city". 144.4 t of assets on 144.4 t
    # landed is 1.0 t per tonne.
    from lunarcity.results.report import earth_line

    s = {
        "earth_imported_t": 144.4,
        "assets_per_tonne_landed": 1.0,
        "landers_arrived": 0,
        "landers_lost": 0,
    }
    assert earth_line(s) == (
        "Landed from Earth: 144 t (1.0 t of assets per tonne landed). Only its seed came from "
        "Earth: no lander arrived after it."
    )
    s["landers_arrived"] = 3  # three landers after the seed: fed by Earth
    assert earth_line(s).endswith(" Earth supplied it throughout: this is an Earth-fed city.")

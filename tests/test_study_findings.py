"""The summary's findings by hand: the default run's place, the years of success, the constraints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lunarcity.study.answer import CITY, ROUTE, START, answer_text
from lunarcity.study.findings import (
    Corner,
    bindings,
    default_place,
    favourable,
    percentile_of,
    position,
    year_spread,
)
from lunarcity.study.plain import constraint
from lunarcity.study.words import number, percent


def test_year_spread_counts_only_the_successes() -> None:
    # Successes at years 2, 4, 6, 8, 10 (the 30.0 and 12.0 are censored runs, not counted):
    # median 6; numpy's linear 5th percentile = 2 + 0.05 x 4 x 2 = 2.4, 95th = 10 - 0.4 = 9.6.
    got = year_spread([2, 30.0, 4, 6, 12.0, 8, 10], [1, 0, 1, 1, 0, 1, 1])
    assert got is not None
    assert (got.successes, got.runs) == (5, 7)
    assert (got.median, got.low, got.high) == pytest.approx((6.0, 2.4, 9.6))
    assert year_spread([10.0, 10.0], [False, False]) is None


def test_bindings_count_runs_most_first() -> None:
    # 3 power, 2 labour, 1 storage cells of 6 runs (a run with no name is not counted);
    # ties would go by name.
    got = bindings(["labour", "power", "material:storage_cells", "power", None, "labour", "power"])
    assert [(b.name, b.runs) for b in got] == [
        ("power", 3),
        ("labour", 2),
        ("material:storage_cells", 1),
    ]
    assert [b.share for b in got] == pytest.approx([0.5, 1 / 3, 1 / 6])
    assert constraint("material:storage_cells") == "a shortage of storage cells"
    assert constraint("power") == "power"


def test_position_and_favourable_end_by_hand() -> None:
    # 10 days in 5..30 on a log scale: log(10/5) / log(30/5) = 0.301 / 0.778 = 0.387.
    assert position(10.0, 5.0, 30.0, log=True) == pytest.approx(0.38685, abs=1e-5)
    # Never (None) is past the high end; beyond the range is clamped.
    assert position(None, 4.0, 12.0) == 1.0
    assert position(2.0, 4.0, 12.0) == 0.0
    # At the top with a positive effect helps; at the bottom with a positive effect hurts; the
    # middle, or an effect under 0.1, says nothing.
    assert favourable(0.9, 0.5) is True
    assert favourable(0.1, 0.5) is False
    assert favourable(0.1, -0.5) is True
    assert favourable(0.5, 0.9) is None
    assert favourable(1.0, 0.05) is None


def test_the_default_run_at_a_favourable_corner_by_hand() -> None:
    # Four runs. "a" rises with the outcome (ranks agree: rho = 1), the default at its top end
    # (position 1): favourable. "b" falls as the outcome rises (rho = -1), the default at its
    # top: unfavourable. Site: the default "p" has the best mean outcome (3.5 against 1.5).
    outcomes = [1.0, 2.0, 3.0, 4.0]
    columns = {"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 2.0, 1.0], "s": ["q", "q", "p", "p"]}
    ranges = {"a": (0.0, 10.0, False), "b": (0.0, 10.0, False), "s": ["p", "q"]}
    place = default_place(
        {"a": 10.0, "s": "p"}, {"a": ranges["a"], "s": ranges["s"]}, columns, outcomes, 3.0
    )
    assert [i.favourable for i in place.inputs] == [True, True]
    assert place.corner is Corner.FAVOURABLE
    # 3.0 is above 1 and 2, ties 3 (half), below 4: (2 + 0.5) / 4 = 0.625.
    assert place.percentile == pytest.approx(0.625)
    mixed = default_place(
        {"a": 10.0, "b": 9.0}, {k: ranges[k] for k in "ab"}, columns, outcomes, None
    )
    assert [i.favourable for i in mixed.inputs] == [True, False]
    assert mixed.corner is Corner.MIXED and mixed.percentile is None
    middle = default_place({"a": 5.0}, {"a": ranges["a"]}, columns, outcomes, 2.0)
    assert middle.corner is Corner.MIDDLE
    assert percentile_of(0.0, outcomes) == 0.0


CITY_FULL = {
    "name": CITY,
    "kept": ["earth.until_years", "site.name"],
    "screened_out": ["units.robot.failures_per_year"],
    "converged": False,
    "reduced": None,
    "years": 10.0,
    "top_inputs": [],
    "deciding_outcome": "industrial_mass_t",
    "success": {"share": 0.25, "low": 0.1, "high": 0.5, "n": 20},
    "survival": {"median_years": None, "horizon_years": 10.0, "runs": 20, "events": 5},
    "prim": {},
    "success_years": {"successes": 5, "runs": 20, "median": 6.21, "low": 5.04, "high": 9.37},
    "binding": [
        {"name": "power", "runs": 12, "share": 0.6},
        {"name": "material:storage_cells", "runs": 6, "share": 0.3},
        {"name": "none", "runs": 2, "share": 0.1},
    ],
    "default_run": {
        "outcome": 50000.0,
        "percentile": 0.95,
        "corner": "favourable",
        "inputs": [
            {
                "parameter": "earth.until_years",
                "value": None,
                "position": 1.0,
                "effect": 0.7,
                "favourable": True,
            },
            {
                "parameter": "site.name",
                "value": "polar_ridge",
                "position": None,
                "effect": 1.0,
                "favourable": True,
            },
        ],
    },
    "policies": {
        "rule": "largest share meeting the flag, then smallest 90th-percentile regret",
        "count": 4,
        "samples": 32,
        "best": {
            "levers": {"planner.launch_power_share": 0.5},
            "share": 0.4,
            "low": 0.2,
            "high": 0.6,
        },
        "default": {
            "levers": {"planner.launch_power_share": 1.0},
            "share": 0.25,
            "low": 0.1,
            "high": 0.5,
        },
        "best_is_default": False,
    },
}
ROUTE_PLAIN = {
    "name": ROUTE,
    "kept": ["x.y"],
    "screened_out": [],
    "converged": True,
    "reduced": None,
    "top_inputs": [],
    "success": {"share": 0.0, "low": 0.0, "high": 0.1, "n": 32},
    "prim": {},
}


def _opening(tmp_path: Path) -> str:
    results = tmp_path / "results"
    for name, body in ((CITY, CITY_FULL), (ROUTE, ROUTE_PLAIN)):
        (results / name).mkdir(parents=True)
        (results / name / "summary.json").write_text(json.dumps(body))
    text = answer_text(results, "docs/results")
    return text.split(START, 1)[1].lstrip("\n").split("\n\n", 1)[0]


def test_the_opening_says_when_what_holds_it_back_where_the_default_sits_and_the_best_policy(
    tmp_path: Path,
) -> None:
    opening = _opening(tmp_path)
    # When: 6.21, 5.04, 9.37 to two significant digits.
    assert (
        "Among the cases that get there, half do by year 6.2, and nine in ten between year 5 and year 9.4."
        in opening
    )
    # What holds it back: the runs' constraints, "none" not said.
    assert (
        "What holds the city back on most days is power in 60 % and a shortage of storage "
        "cells in 30 % of the cases."
    ) in opening
    # The default run: a favourable corner, its inputs in words, its outcome's percentile.
    assert (
        "The default run, with the scenario's own figures, sits at a favourable corner of the "
        "ranges sampled (when Earth stops sending landers at the top of its range (never) and "
        "the site: the polar ridge); for how much industry the city builds it beats 95 % of "
        "the cases sampled."
    ) in opening
    # The best policy against the default's.
    assert (
        "The best of the 4 policies compared over the same cases (the share of power the mass "
        "driver may draw: 0.5) gets there in 40 % of them, against 25 % for the default policy "
        "(the share of power the mass driver may draw: 1)."
    ) in opening


def test_the_new_sentences_are_plain_and_their_figures_are_the_summarys(tmp_path: Path) -> None:
    # The committed-results test (tests/test_study_ranking.py) with every new field present.
    from test_study_ranking import FIGURE, IDENTIFIER, _numbers

    opening = _opening(tmp_path)
    assert not IDENTIFIER.findall(opening)
    values = _numbers([CITY_FULL, ROUTE_PLAIN]) + [3.0]  # 3 inputs: kept and screened out
    shown = {percent(v) for v in values if 0 <= v <= 1}
    shown |= {number(v, d) for v in values for d in (1, 2, 3)}
    stated = opening.replace("95 % interval", "interval")
    for figure in FIGURE.findall(stated):
        assert figure in shown, f"{figure!r} in the opening matches no figure in the summaries"


@pytest.mark.parametrize(
    ("field", "bad", "named"),
    [
        ("default_run", {**CITY_FULL["default_run"], "percentile": 1.5}, "percentile"),
        ("binding", [{"name": "power", "runs": 3, "share": -0.1}], "share"),
        ("policies", {**CITY_FULL["policies"], "best": {"levers": {}, "share": 2}}, "share"),
    ],
)
def test_a_garbled_finding_is_refused_naming_its_field(
    tmp_path: Path, field: str, bad: object, named: str
) -> None:
    from lunarcity.errors import InputError
    from lunarcity.study.summary_schema import CitySummary, read_summary

    path = tmp_path / "summary.json"
    path.write_text(json.dumps({**CITY_FULL, field: bad}))
    with pytest.raises(InputError, match=named):
        read_summary(path, CitySummary)
    path.write_text(json.dumps(CITY_FULL))
    assert read_summary(path, CitySummary)["policies"]["count"] == 4

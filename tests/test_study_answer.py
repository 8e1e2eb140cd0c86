"""The README's and docs/MODEL.md's opening answer is what the committed results say."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lunarcity.errors import InputError
from lunarcity.study.answer import CITY, END, ROUTE, START, answer_text, expected, write_answer

REPO = Path(__file__).resolve().parent.parent


def test_the_committed_answer_is_generated_from_the_committed_results() -> None:
    for path, text in expected(REPO).items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(REPO)}'s answer differs from docs/results: run "
            "`lunarcity study --answer` (after rerunning the studies if the model changed)"
        )


def test_the_answer_sits_in_the_readmes_first_screen() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(START)
    assert start < 15  # right after the opening paragraph
    figure = next(line for line in lines[start:] if line.startswith("<img "))
    src = figure.split('src="', 1)[1].split('"', 1)[0]
    assert (REPO / src).is_file()


def summaries(root: Path, city: dict, route: dict) -> Path:
    results = root / "docs" / "results"
    for name, body in ((CITY, city), (ROUTE, route)):
        (results / name).mkdir(parents=True)
        (results / name / "summary.json").write_text(json.dumps(body))
    return results


CITY_SUMMARY = {
    "name": CITY,
    "kept": ["a.b", "c.d", "e.f"],
    "screened_out": ["g.h"],
    "converged": False,
    "reduced": "N = 8 (spec 128)",
    "top_inputs": [
        {"parameter": "a.b", "ST": 0.61, "ST_conf": 0.1, "S1": 0.5},
        {"parameter": "c.d", "ST": 0.2, "ST_conf": 0.05, "S1": 0.1},
    ],
    "deciding_outcome": "industrial_mass_t",
    "deciding_spread": {"n": 16, "low": 812.4, "median": 20449.0, "high": 301234.0, "largest": 4e5},
    "success": {"share": 0.625, "low": 0.3, "high": 0.86, "n": 16},
    "survival": {"median_years": 6.04, "horizon_years": 10.0, "runs": 16, "events": 10},
    "prim": {
        "met_within_horizon": {
            "density": 0.9,
            "coverage": 0.55,
            "limits": ["5 <= a.b <= 9"],
        }
    },
}
ROUTE_SUMMARY = {
    "name": ROUTE,
    "kept": ["x.y", "z.w"],
    "screened_out": [],
    "converged": True,
    "reduced": None,
    "top_inputs": [{"parameter": "x.y", "ST": 0.8, "ST_conf": 0.02, "S1": 0.7}],
    "success": {"share": 0.1, "low": 0.05, "high": 0.2, "n": 64},
    "prim": {},
}


def test_the_answer_states_the_numbers_and_the_conditions(tmp_path: Path) -> None:
    results = summaries(tmp_path, CITY_SUMMARY, ROUTE_SUMMARY)
    text = answer_text(results, "docs/results")
    assert text.startswith(START) and text.endswith(END)
    # 0.625 of 4 assumptions -> "62 %" (round half to even), interval 30 % to 86 %; a share of
    # the box chosen, said so.
    assert (
        "grow the city to its target within 10 years in 62 % of the cases we sampled (95 % "
        "interval 30 % to 86 %): a share of the ranges we chose for 4 uncertain figures, not a "
        "probability that the world turns out so."
    ) in text
    # 6.04 to two significant digits.
    assert "Half the cases get there by year 6." in text
    # a.b (0.61 +- 0.1: 0.51 to 0.71) is above c.d (0.2 +- 0.05: 0.15 to 0.25), so it ranks
    # first; c.d is the last listed of three kept, its follower unknown: not resolved.
    assert "What matters most for how much industry the city builds is b." in text
    assert "`a.b` (0.61 ± 0.1) first; not resolved: `c.d` (0.2 ± 0.05)" in text
    assert "It gets there mostly when b at least 5 and b at most 9." in text
    assert "5 <= a.b <= 9 (density 90 %, coverage 55 %)" in text
    # The route study has no horizon of its own here: said as its horizon, not "ten years".
    assert "on Earth within its horizon in 10 % of the cases sampled (95 % interval 5 % to" in text
    assert "ten years" not in text
    assert "reduced N (ten_year_city_study: N = 8 (spec 128))" in text
    assert "not converged (ten_year_city_study): provisional" in text
    assert "These results are provisional: run on fewer cases than planned" in text
    assert "docs/results/ten_year_city_study/figures/survival.png" in text


def test_the_answer_of_a_study_per_destination(tmp_path: Path) -> None:
    one = {**ROUTE_SUMMARY, "deciding_outcome": "break_even_ratio", "name": f"{ROUTE}-leo"}
    none = {
        **one,
        "top_inputs": [],
        "success": {"share": 0.0, "low": 0.0, "high": 0.1, "n": 64},
        "deciding_spread": {"n": 64, "low": 0.001, "median": 0.012, "high": 0.02, "largest": 0.031},
    }
    one["deciding_spread"] = {"n": 64, "low": 0.1, "median": 0.6, "high": 1.2, "largest": 1.4}
    route = {
        "name": ROUTE,
        "deciding_outcome": "break_even_ratio",
        "converged": False,
        "reduced": None,
        "years": 20.0,
        "destinations": {"geo": none, "leo": one, "heliocentric": none},
    }
    text = answer_text(summaries(tmp_path, CITY_SUMMARY, route), "docs/results")
    # The study's own horizon (20 years), and the destinations with the same result in one line.
    assert (
        "building them on Earth within 20 years in 0 % of the cases sampled (95 % interval 0 % "
        "to 10 %) at geostationary orbit and an orbit around the Sun; 10 % of the cases sampled "
        "(95 % interval 5 % to 20 %) at low Earth orbit."
    ) in text
    assert "The destinations share the same random draws" in text
    # How close the best run came: leo's largest ratio (1.4), not geo's (0.031).
    assert "In the closest case (at low Earth orbit) the Earth route lifts 1.4 times" in text
    # Each destination's row in the researchers' table, with its ranking.
    assert "| lunar route at `leo`, `breaks_even` | 10 % (5 % to 20 %, 64 points) |" in text
    assert "`break_even_ratio`: not resolved: `x.y` (0.8 ± 0.02)" in text
    assert "launch count" not in text
    assert "not converged (ten_year_city_study, lunar_route_study)" in text


def test_write_answer_rewrites_only_the_block(tmp_path: Path) -> None:
    summaries(tmp_path, CITY_SUMMARY, {**ROUTE_SUMMARY})
    (tmp_path / "docs" / "MODEL.md").write_text(
        f"# Model\n\nbefore\n{START}\nOLD ANSWER\n{END}\nafter\n"
    )
    (tmp_path / "README.md").write_text(f"# R\n{START}\n{END}\n")
    changed = write_answer(tmp_path)
    assert sorted(changed) == sorted([tmp_path / "README.md", tmp_path / "docs" / "MODEL.md"])
    model = (tmp_path / "docs" / "MODEL.md").read_text()
    assert model.startswith("# Model\n\nbefore\n") and model.endswith(f"{END}\nafter\n")
    assert "results/ten_year_city_study/report.md" in model and "OLD ANSWER" not in model
    assert write_answer(tmp_path) == []  # already current


def test_missing_results_or_block_say_so(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("# R\n")
    (tmp_path / "docs" / "MODEL.md").write_text("# M\n")
    with pytest.raises(InputError, match="no committed results"):
        write_answer(tmp_path)
    summaries(tmp_path, CITY_SUMMARY, ROUTE_SUMMARY)
    with pytest.raises(InputError, match="has no answer block"):
        write_answer(tmp_path)
    shutil.rmtree(tmp_path / "docs" / "results")


def test_the_rerun_command_repeats_the_size_a_study_was_run_at() -> None:
    # A committed study run at a reduced size is reproduced only by the same sizes: the
    # command in the answer carries them; at the spec's own size it needs none.
    from lunarcity.study.answer import rerun_command

    reduced = {"reduced": "N = 64 (spec 128), 4 Morris trajectories (spec 10)"}
    assert rerun_command("s", reduced) == (
        "lunarcity study s --out docs/results/s --samples 64 --trajectories 4"
    )
    assert rerun_command("s", {"reduced": None}) == "lunarcity study s --out docs/results/s"
    per_destination = {"destinations": {"geo": {"reduced": "N = 8 (spec 32)"}}}
    assert rerun_command("s", per_destination).endswith("--out docs/results/s --samples 8")


def test_an_interval_wider_than_an_index_can_be_is_said_to_resolve_nothing() -> None:
    # Total-order indices lie in [0, 1]; a bootstrap interval of +-128,031 (an outcome censored
    # at the horizon in 95 % of runs) must not be printed as if it meant something.
    from lunarcity.study.answer import _index

    assert _index({"parameter": "a.b", "ST": 0.61, "ST_conf": 0.1}) == (
        "`a.b` (total-order index 0.61 ± 0.10)"
    )
    wide = _index({"parameter": "a.b", "ST": 1.12, "ST_conf": 128031.0})
    assert "not resolved" in wide and "128031" not in wide


def test_spread_figures_print_without_exponents() -> None:
    # Three significant digits: 0.00774598 -> 0.00775, 812.4 -> 812, 999.6 -> 1,000 (not 1e+03),
    # 34395.7 -> 34,400, 104655 -> 105,000.
    from lunarcity.study.answer import _sig3

    assert [_sig3(x) for x in (0.00774598, 812.4, 999.6, 34395.7, 104655.0)] == [
        "0.00775",
        "812",
        "1,000",
        "34,400",
        "105,000",
    ]


def test_a_study_says_its_size_and_time_on_two_cores() -> None:
    # 1,000 runs whose run times sum to 6,000 s: 6,000 / 2 cores / 60 = 50 minutes.
    from lunarcity.study.answer import _cost

    said = _cost("The city study", {"cost": {"runs": 1000, "run_seconds": 6000.0}})
    assert said.startswith("The city study is 1,000 runs, 50 minutes on 2 cores as measured")
    # The summary records run times, not how busy the machine was: the line claims neither a
    # machine to itself nor one shared (a study run alone once read "shared with the other").
    assert "shared" not in said and "alone" not in said
    assert _cost("The city study", {}) == ""

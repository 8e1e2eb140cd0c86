"""A study end to end on the smoke study: the folder, the report, resuming, the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

from lunarcity.errors import InputError
from lunarcity.study.runner import add_invocation, run_study
from lunarcity.study.spec import load_study, validate_study
from lunarcity.world.yamlio import load_yaml

REPO = Path(__file__).resolve().parent.parent
SMOKE = REPO / "models" / "sweeps" / "smoke_study.yaml"


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The smoke study, run once for the module (in this process: one worker)."""
    out = tmp_path_factory.mktemp("study") / "smoke"
    return out, run_study(SMOKE, out=out, workers=1)


def test_the_study_writes_its_report_figures_and_tables(done) -> None:
    out, result = done
    sobol = 4 * (len(result.screened.kept) + 2)
    # Two policies (the planner rules) over four shared draws: a phase of eight runs; the best
    # policy is not the default here, so a Sobol phase of N = 4 runs under it too.
    assert not result.summary["policies"]["best_is_default"]
    # Two draws at two seeds each: four runs of chance.
    assert result.ran == {"screen": 8, "sobol": sobol, "policies": 8, "best": sobol, "chance": 4}
    report = (out / "report.md").read_text(encoding="utf-8")
    for heading in (
        "## Verdict",
        "## Screening (Morris)",
        "## Sobol indices",
        "## Time to success",
        "## Scenario discovery: `met_within_horizon`",
    ):
        assert heading in report
    # The verdict is stated either way, with the rule's numbers.
    assert ("**converged**" in report) != ("**did not converge**" in report)
    for name in ("morris", "sobol", "survival", "feasibility", "prim_met_within_horizon"):
        png = out / "figures" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"figures/{name}.png" in report
    for name in ("morris", "sobol", "sobol_half", "convergence", "runs", "survival", "success"):
        assert pl.read_parquet(out / "tables" / f"{name}.parquet").height > 0
    # The city's own flag and time count each run once, whatever the Earth-side draws.
    assert result.ranked.prims["met_within_horizon"].n == result.ran["sobol"]
    assert result.ranked.survival.n == 8
    summary = json.loads((out / "summary.json").read_text())
    assert summary["success"]["n"] == 8  # the A and B points of N = 4
    assert (
        0
        <= summary["success"]["low"]
        <= summary["success"]["share"]
        <= summary["success"]["high"]
        <= 1
    )
    # A one-year city delivers no compute: the lunar route never breaks even, and the report
    # says so in words where a PRIM box would be.
    assert "breaks_even" not in result.ranked.prims
    assert "## Scenario discovery: `breaks_even`" in report
    assert "No box: no run holds it (0 of " in report
    assert "runs x Earth-side draws), so PRIM has no region to find." in report
    assert summary["prim_none"]["breaks_even"].startswith("no run holds it")
    # Every input has its source or reason in the report's setup table.
    for name in load_study(SMOKE).parameters:
        line = next(row for row in report.splitlines() if row.startswith(f"| `{name}`"))
        assert "source:" in line or "assumption:" in line


def test_the_summary_carries_the_openings_findings(done) -> None:
    """Issue 29: when, what holds it back, the default run's place, the best policy."""
    out, result = done
    summary = json.loads((out / "summary.json").read_text())
    runs = pl.read_parquet(out / "tables" / "runs.parquet")
    base = runs.filter(pl.col("draw") == 0)
    a_and_b = summary["success"]["n"]  # the independent runs every share counts
    years = summary["success_years"]
    assert years["runs"] == a_and_b and 0 < years["successes"] <= a_and_b
    assert years["low"] <= years["median"] <= years["high"] <= 1.0  # a one-year study
    binding = summary["binding"]
    assert sum(b["runs"] for b in binding) == a_and_b
    assert {b["name"] for b in binding} <= set(base["bottleneck"].to_list())
    # The default run: the scenario's 10-day interval and 100 t lander among the kept inputs.
    place = summary["default_run"]
    values = {i["parameter"]: i["value"] for i in place["inputs"]}
    want = {"earth.lander_interval_days": 10.0, "earth.lander_payload_t": 100.0}
    assert values == {p: want[p] for p in result.screened.kept}
    assert 0.0 <= place["percentile"] <= 1.0 and place["outcome"] > 0
    # The policies: two planner policies, the default (the scenario's grow_then_produce) among them.
    policies = summary["policies"]
    assert policies["count"] == 2
    assert policies["default"]["levers"] == {"planner.policy": "grow_then_produce"}
    assert policies["best"]["share"] >= policies["default"]["share"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Findings" in report and "The default run (the scenario's own figures)" in report
    assert "The default policy is row 1." in report  # grow_then_produce, the grid's first
    # Issue 29: the indices under the best policy too, beside the default's, in the report and
    # in summary.json, the best policy's levers fixed in that phase's every run.
    assert "## What decides it under the best policy" in report
    block = summary["best_policy_indices"]
    assert block["levers"] == policies["best"]["levers"] == {"planner.policy": "bottleneck_first"}
    assert {r["parameter"] for r in block["total_order"]} == set(result.screened.kept)
    # Issue 29: the pilot convergence curve, N/4 (1, too small: left out), N/2 and N = 4.
    assert summary["pilot"]["sizes"] == [2, 4] and "## Convergence pilot" in report
    assert (out / "figures" / "pilot.png").is_file()
    # Issue 29: replicates at a few points, how much of the spread is the seed's.
    assert "## How much is chance" in report
    chance = summary["chance"]
    assert (chance["points"], chance["seeds"]) == (2, 2)
    assert 0.0 <= chance["share_of_variance"] <= 1.0
    seeds = pl.read_parquet(out / "chance" / "results.parquet")
    assert (
        seeds.group_by("point").agg(pl.col("seed").sort()).get_column("seed").to_list()
        == [sorted(set(seeds["seed"].to_list()))] * 2
    )  # the same two seeds at both draws
    best_runs = pl.read_parquet(out / "best" / "results.parquet")
    assert best_runs.height == 4 * (len(result.screened.kept) + 2)


def test_the_report_reads_as_plain_numbers_and_words(done) -> None:
    """Issue 29: no e-notation, no "(s)" plurals, a share of a chosen box, plain figure titles."""
    import re

    out, _ = done
    report = (out / "report.md").read_text(encoding="utf-8")
    assert not re.search(r"\d\.?\d*e[+-]\d", report), "a number in e-notation"
    assert "(s)" not in report
    # The smoke study runs one year with one replicate: said in the singular.
    assert "1 year per run" in report and "1 replicate per design point" in report
    assert "Probability of" not in report
    assert "not a probability that the world turns out so" in report


def test_screening_decides_the_sobol_phase(done) -> None:
    out, result = done
    sobol = json.loads((out / "sobol" / "sweep.json").read_text())
    assert sobol["parameters"] == result.screened.kept
    # The lander interval moves a one-year city by far the most; robot failures the least (since
    # issue 12's growth rule about a seventh as much, enough to go on at keep_share 0.1).
    table = result.screened.table
    assert table["parameter"].to_list()[0] == "earth.lander_interval_days"
    assert table["parameter"].to_list()[-1] == "units.robot.failures_per_year"
    screening = load_study(SMOKE).study.screening
    for row in table.iter_rows(named=True):
        goes_on = row["importance"] >= screening.keep_share or row["rank"] <= screening.min_keep
        assert (row["parameter"] in result.screened.kept) == goes_on


def test_common_random_numbers_and_earth_side_draws(done) -> None:
    out, _ = done
    for phase in ("screen", "sobol"):
        res = pl.read_parquet(out / phase / "results.parquet")
        assert res["seed"].n_unique() == 1  # one replicate: one seed at every point
    runs = pl.read_parquet(out / "tables" / "runs.parquet")
    draws = pl.read_parquet(out / "tables" / "earth_draws.parquet")
    assert draws.height == 4
    # Every run is processed at the same four Earth-side draws; the city's columns repeat.
    assert runs.group_by("run_id").len()["len"].unique().to_list() == [4]
    per_run = runs.group_by("run_id").agg(pl.col("industrial_mass_t").n_unique())
    assert per_run["industrial_mass_t"].max() == 1
    # The draws sample the tankers' physical inputs, not the count (issue 22).
    assert set(draws.columns) == {"payload_to_leo_t", "lander_dry_t", "lander_isp_s"}
    for name in draws.columns:
        assert set(runs[name].unique()) == set(draws[name])


def test_a_rerun_runs_nothing_and_writes_the_same_report(done) -> None:
    out, _ = done
    before = (out / "report.md").read_text()
    stamps = {p: p.stat().st_mtime_ns for p in (out / "sobol" / "runs").glob("*.parquet")}
    again = run_study(SMOKE, out=out, workers=1)
    assert again.ran == {"screen": 0, "sobol": 0, "policies": 0, "best": 0, "chance": 0}
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    assert (out / "report.md").read_text() == before


def test_a_lost_run_is_the_only_one_redone(done, tmp_path: Path) -> None:
    out, _ = done
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "sobol" / "runs" / "0000003.parquet").unlink()
    again = run_study(SMOKE, out=copy, workers=1)
    assert again.ran == {"screen": 0, "sobol": 1, "policies": 0, "best": 0, "chance": 0}
    # The resumed piece is added to the sobol phase's timings, the first piece kept.
    first = json.loads((out / "timings.json").read_text())["sobol"]
    both = json.loads((copy / "timings.json").read_text())["sobol"]
    assert (both["ran"], both["invocations"]) == (first["ran"] + 1, 2)
    assert both["wall_s"] > first["wall_s"]
    a = pl.read_parquet(out / "tables" / "runs.parquet")
    b = pl.read_parquet(copy / "tables" / "runs.parquet")
    assert a.drop("duration_s", "peak_rss_mb", strict=False).equals(
        b.drop("duration_s", "peak_rss_mb", strict=False)
    )


def test_timings_add_each_invocation_that_ran_runs() -> None:
    # A phase stopped after 40 runs in 12.5 s (4 workers), resumed for 24 more in 30.25 s
    # (2 workers): 12.5 + 30.25 = 42.75 s wall, 40 + 24 = 64 runs, 2 invocations.
    first = add_invocation(None, 12.5, 40, 4)
    assert first == {"wall_s": 12.5, "ran": 40, "workers": 4, "invocations": 1}
    both = add_invocation(first, 30.25, 24, 2)
    assert both == {"wall_s": 42.75, "ran": 64, "workers": 2, "invocations": 2}
    # An entry written before invocations were counted was one invocation: 7 + 3 = 10 s.
    old = {"wall_s": 7.0, "ran": 5, "workers": 1}
    assert add_invocation(old, 3.0, 1, 1) == {
        "wall_s": 10.0,
        "ran": 6,
        "workers": 1,
        "invocations": 2,
    }


def test_the_command_resumes_a_finished_study(done, cli) -> None:
    out, _ = done
    before = (out / "report.md").read_text(encoding="utf-8")
    res = cli("study", SMOKE, "--out", out, "--json")
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    assert body["ran"] == {"screen": 0, "sobol": 0, "policies": 0, "best": 0, "chance": 0}
    assert body["report"].endswith("report.md")
    # The smoke spec names levers (issue 22): its report has the policy table with regret,
    # and the policy comparison, run again on resume, reproduces exactly.
    after = (out / "report.md").read_text(encoding="utf-8")
    assert "## Policies" in after and "regret p90" in after and "(best)" in after
    assert after == before


def test_the_runs_made_are_said_in_words_by_phase() -> None:
    from lunarcity.commands.study import runs_made

    # 8 screening runs and 16 Sobol runs made now, none of the other phases': 24 in all.
    assert runs_made({"screen": 8, "sobol": 16, "policies": 0}) == (
        "runs made now: 24 (screen 8, sobol 16)"
    )
    assert (
        runs_made({"screen": 0, "sobol": 0}) == "runs made now: none (every run was already done)"
    )


def test_a_sweep_spec_is_not_a_study(cli, tmp_path: Path) -> None:
    res = cli("study", REPO / "models" / "sweeps" / "smoke.yaml", "--out", tmp_path / "x")
    assert res.returncode == 2
    assert "no study: section" in res.stderr and "smoke.yaml" in res.stderr
    assert "Traceback" not in res.stderr
    res = cli("study", SMOKE, "--samples", "6", "--out", tmp_path / "y")
    assert res.returncode == 2 and "--samples" in res.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["study"].update(post=["earth_ledgr"]),
            "unknown post-processor 'earth_ledgr'",
        ),
        (lambda d: d.update(destinations=["mars"]), "unknown destination 'mars'"),
        (lambda d: d.update(destinations=[]), "lists no destination"),
        (
            lambda d: d.update(destinations="all", fixed={"satellite.destination": "leo"}),
            "satellite.destination is set by destinations",
        ),
        (
            lambda d: d["study"]["screening"].update(max_keep=1),
            "max_keep (1) is below min_keep",
        ),
        (
            # MOR91's step for 5 levels is 5/8 of the range, 2.5 of the grid's quarter steps.
            lambda d: d["study"]["screening"].update(levels=5),
            "study.screening.levels: morris needs an even number of levels (got 5)",
        ),
        (lambda d: d["study"]["questions"].update(prim=["industrial_mass_t"]), "is not a flag"),
        (lambda d: d["study"]["sobol"].update(samples=6), "power of two"),
        (
            lambda d: d["study"]["earth_side"]["parameters"].pop("payload_to_leo_t"),
            "payload_to_leo_t",
        ),
        (
            lambda d: d["study"]["earth_side"]["parameters"].update(
                tankers_per_landing={"low": 4, "high": 18, "source": "GAO21"}
            ),
            "two ends of one relation",
        ),
        (lambda d: d.pop("keep_daily_every"), "keep_daily_every"),
        (lambda d: d["fixed"].update({"earth.lander_intervals_days": 3}), "lander_intervals_days"),
        (lambda d: d["study"]["screening"]["outcomes"].append("breaks_evne"), "did you mean"),
    ],
)
def test_bad_study_specs_say_what_is_wrong(change, message: str) -> None:
    data, lines = load_yaml(SMOKE)
    change(data)
    with pytest.raises(InputError) as err:
        validate_study(data, file=str(SMOKE), lines=lines)
    text = err.value.render()
    assert message in text and "smoke_study.yaml" in text


def test_shipped_study_specs_validate() -> None:
    for name in ("ten_year_city_study", "lunar_route_study", "smoke_study"):
        spec = load_study(name)
        assert spec.study.sobol.samples & (spec.study.sobol.samples - 1) == 0
        for param in spec.parameters.values():
            assert param.source or param.assumption


def _without_times(report: str) -> str:
    """The report without its cost table's rows (wall times differ from run to run)."""
    return "\n".join(
        line
        for line in report.splitlines()
        if not line.startswith(
            ("| screen |", "| sobol |", "| policies |", "| best |", "| chance |")
        )
    )


def test_a_dask_cluster_runs_the_same_study(done, cli, tmp_path: Path) -> None:
    # `lunarcity study --scheduler` on a local Dask cluster: the same seeds give the same runs,
    # so the same tables and the same report (but for its wall times).
    distributed = pytest.importorskip("dask.distributed")
    local, _ = done
    out = tmp_path / "dask"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        res = cli(
            "study",
            SMOKE,
            "--out",
            out,
            "--scheduler",
            cluster.scheduler_address,
            "--json",
            timeout=600,
        )
    assert res.returncode == 0, res.stderr
    assert (
        json.loads(res.stdout)["ran"]
        == json.loads((local / "summary.json").read_text(encoding="utf-8"))["runs"]
    )
    times = ["duration_s", "peak_rss_mb"]
    tables = sorted(p.name for p in (local / "tables").glob("*.parquet"))
    assert tables == sorted(p.name for p in (out / "tables").glob("*.parquet"))
    for name in tables:
        a = pl.read_parquet(local / "tables" / name).drop(times, strict=False)
        b = pl.read_parquet(out / "tables" / name).drop(times, strict=False)
        assert a.equals(b), name
    assert _without_times((out / "report.md").read_text(encoding="utf-8")) == _without_times(
        (local / "report.md").read_text(encoding="utf-8")
    )
    # The same summary but for what the runs cost (run times differ from run to run).
    ours, theirs = (json.loads((d / "summary.json").read_text()) for d in (out, local))
    assert ours.pop("cost")["runs"] == theirs.pop("cost")["runs"]
    assert ours == theirs


def test_a_study_per_destination_writes_one_folder_each_and_an_index(cli, tmp_path: Path) -> None:
    data, _ = load_yaml(SMOKE)
    data["destinations"] = ["heliocentric", "leo"]
    data["years"] = 0.5  # half the smoke study's year: the layout is under test, not the city
    data["study"]["screening"]["max_keep"] = 2
    path = tmp_path / "route.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "route"
    result = run_study(path, out=out, workers=1)
    assert list(result.parts) == ["heliocentric", "leo"]
    seeds = []
    for name in ("heliocentric", "leo"):
        info = json.loads((out / name / "sobol" / "sweep.json").read_text())
        # Each destination's study fixes it in every run; at most two inputs go on to Sobol.
        assert info["identity"]["scenario"]["satellite"]["destination"] == name
        assert len(info["parameters"]) == 2
        assert (out / name / "report.md").is_file()
        seeds.append(pl.read_parquet(out / name / "sobol" / "results.parquet")["seed"].unique())
    assert seeds[0].equals(seeds[1])  # common random numbers across destinations too
    index = (out / "report.md").read_text(encoding="utf-8")
    for name in ("heliocentric", "leo"):
        assert f"| `{name}` |" in index and f"[{name}/report.md]({name}/report.md)" in index
    # Issue 29: each destination's findings in a row of their own (its policies, its chance).
    findings = index[index.index("## Findings at each destination") :]
    rows = [line for line in findings.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == ["heliocentric", "leo"]
    assert all("(2 x 2)" in r for r in rows)  # the smoke spec's chance: 2 draws x 2 seeds
    # No one-year city delivers compute: the index says PRIM had nothing to find, in words.
    assert "`breaks_even`: no run holds it (0 of " in index
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary["destinations"]) == ["heliocentric", "leo"]
    assert summary["destinations"]["leo"]["name"] == "smoke_study-leo"
    # The command resumes it (nothing to run) and says each destination's verdict.
    res = cli("study", path, "--out", out, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "at heliocentric" in res.stdout and "at leo" in res.stdout

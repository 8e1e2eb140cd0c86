"""Running sweeps with the real model: resume after SIGKILL, failures, Dask equals local.

Every sweep here is models/sweeps/smoke.yaml (12 runs of one year) or a few runs of a quarter
year, so the file stays well under two minutes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

import lunarcity
from lunarcity.sweeps.backends import WorkerDied, run_local
from lunarcity.sweeps.runner import make_plan, run_sweep
from lunarcity.sweeps.spec import load_spec
from lunarcity.sweeps.worker import RunTask

REPO = Path(__file__).resolve().parent.parent
SMOKE = REPO / "models" / "sweeps" / "smoke.yaml"
#: The sweeps' environment: plain progress text (no colour codes in what a test reads).
SWEEP_ENV = {**os.environ, "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke sweep run once, uninterrupted, on a local pool of two workers."""
    out = tmp_path_factory.mktemp("clean") / "smoke"
    run_sweep(SMOKE, out=out, workers=2)
    return out


def results(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "results.parquet").sort("run_id")


def test_a_clean_sweep_writes_every_file(clean: Path) -> None:
    spec = load_spec(SMOKE)
    res = results(clean)
    assert res.height == spec.n_runs() == 12
    assert res["run_id"].to_list() == list(range(12))
    assert set(res["status"]) == {"done"}
    assert res["seed"].n_unique() == 12
    for column in ("earth.lander_interval_days", "earth.lander_payload_t", "met_within_horizon"):
        assert column in res.columns
    assert res["years_to_target_censored"].null_count() == 0
    manifest = pl.read_parquet(clean / "manifest.parquet")
    assert {"run_id", "seed", "status", "error", "duration_s"} <= set(manifest.columns)
    assert (manifest["duration_s"] > 0).all()
    assert len(list((clean / "runs").glob("*.parquet"))) == 12
    daily = pl.read_parquet(clean / "daily" / "0000005.parquet")
    assert daily["day"].to_list()[:3] == [0, 30, 60]
    info = json.loads((clean / "sweep.json").read_text())
    assert info["n_runs"] == 12 and len(info["sweep_id"]) == 16
    assert not list(clean.rglob(".*.tmp"))


def test_the_smoke_sweep_map_shows_both_outcomes(clean: Path) -> None:
    # The README's first sweep: its one-year target is met at some grid points and missed at
    # others, so `lunarcity plot` draws a map of two colours, not an all-red one that looks broken.
    res = results(clean)
    assert set(res["met_within_horizon"]) == {True, False}
    by_point = res.group_by("earth.lander_interval_days", "earth.lander_payload_t").agg(
        pl.col("met_within_horizon").mean()
    )
    assert 0 < (by_point["met_within_horizon"] == 1.0).sum() < by_point.height


def test_a_rerun_runs_nothing_and_changes_nothing(clean: Path) -> None:
    before = results(clean)
    report = run_sweep(SMOKE, out=clean, workers=2)
    assert report.ran == 0 and report.skipped == 12 and report.failed == 0
    assert results(clean).equals(before)


def test_the_rerun_says_the_one_year_horizon_in_words(clean: Path, cli) -> None:
    # The smoke sweep's horizon is one year: 'beyond the horizon (1 year)', not '(1 years)'.
    done = cli("sweep", str(SMOKE), "--out", str(clean))
    assert done.returncode == 0, done.stderr
    assert "0 run now, 12 already done" in done.stdout, done.stdout
    assert "beyond the horizon (1 year):" in done.stdout, done.stdout


def _smoke_sweep_until(out: Path, runs: int, output: int) -> subprocess.Popen[str]:
    """The smoke sweep on two workers in a process of its own, once ``runs`` runs are written.

    In its own session, so SIGKILL to its group takes the sweep and its workers at once, as a
    crash would. ``output``: where stdout and stderr go (``subprocess.PIPE`` or ``DEVNULL``).
    """
    proc = subprocess.Popen(
        [*_smoke_command(out), "--workers", "2"],
        env=SWEEP_ENV,
        stdout=output,
        stderr=output,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "runs").glob("*.parquet"))) < runs:
        time.sleep(0.02)
    return proc


def _smoke_command(out: Path) -> list[str]:
    return [sys.executable, "-m", "lunarcity.cli", "sweep", str(SMOKE), "--out", str(out)]


def _resume(out: Path) -> dict:
    """Run the smoke sweep into ``out`` again, to the end: its JSON report."""
    res = subprocess.run(
        [*_smoke_command(out), "--workers", "2", "--json"],
        env=SWEEP_ENV,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_killed_sweep_resumes_to_the_same_results(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "killed"
    proc = _smoke_sweep_until(out, 3, subprocess.DEVNULL)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(list((out / "runs").glob("*.parquet")))
    assert 3 <= partial < 12, "the sweep should be killed mid-way"
    assert not (out / "results.parquet").exists()

    report = _resume(out)
    assert report["already_done"] == partial and report["ran"] == 12 - partial
    got = results(out)
    assert got["run_id"].to_list() == list(range(12))  # every run exactly once
    assert got.equals(results(clean))
    assert not list(out.rglob(".*.tmp"))


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux's /proc), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:  # gone while we looked
            continue
        if int(ppid) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _pool_workers(pid: int) -> list[int]:
    """The pool workers of the sweep process ``pid``: children of its forkserver."""
    return [w for h in _children(pid) for w in _children(h)]


def _still_alive(pids: list[int], seconds: float) -> list[int]:
    """Those of ``pids`` still alive after waiting up to ``seconds`` for them all to end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(map(_alive, pids)):
        time.sleep(0.05)
    return [pid for pid in pids if _alive(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_a_killed_worker_stops_the_sweep_in_one_line_and_a_rerun_resumes(
    clean: Path, tmp_path: Path
) -> None:
    # One worker killed, as the kernel's out-of-memory killer would: the sweep stops with one
    # line that says what happened and what to do (exit 75, "retry"), not as an internal error
    # to report; its other processes end with it; the runs finished are kept and resumed.
    out = tmp_path / "one_killed"
    proc = _smoke_sweep_until(out, 2, subprocess.PIPE)
    try:
        # The pool's workers are forked by the forkserver, a child of the sweep's process.
        helpers = _children(proc.pid)
        workers = _pool_workers(proc.pid)
        assert len(workers) == 2, (helpers, workers)
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 75, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("lunarcity: stopped: a worker process died with run "), stderr
    assert last.endswith("the runs finished are kept: run the same command again to resume")
    assert "Traceback" not in stderr and "internal error" not in stderr
    # The forkserver and the other worker see the EOF and end.
    assert not _still_alive(helpers + workers, 10), "processes left behind"
    kept = len(list((out / "runs").glob("*.parquet")))
    assert 2 <= kept < 12

    report = _resume(out)
    assert report["already_done"] == kept and report["ran"] == 12 - kept
    assert results(out).equals(results(clean))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_a_pool_broken_before_a_submission_stops_as_a_worker_died() -> None:
    # A worker can die while the sweep is still handing runs to the pool: the next submission
    # then meets the broken pool before any run's result does, and must stop the sweep the same
    # way (WorkerDied, which the command prints as one line with exit 75: the test above), not
    # escape as an internal error.
    plan = make_plan(load_spec(SMOKE))
    workers: list[int] = []

    def tasks() -> Iterator[RunTask]:
        for run_id in range(plan.n_runs):
            if run_id == 2:  # two runs submitted: the pool has forked its two workers
                deadline = time.monotonic() + 30
                while len(workers) < 2 and time.monotonic() < deadline:
                    time.sleep(0.05)
                    workers[:] = _pool_workers(os.getpid())
                assert len(workers) == 2, workers
                os.kill(workers[0], signal.SIGKILL)
                assert not _still_alive(workers[:1], 30)
                time.sleep(1.0)  # the pool's manager thread marks itself broken
            yield plan.task(run_id)

    with pytest.raises(WorkerDied, match=r"^a worker process died with run [01] in flight"):
        for _ in run_local(tasks(), workers=2):
            pass
    # The other worker is stopped with the pool.
    assert len(workers) == 2 and not _still_alive(workers, 10), "a worker left behind"


def test_a_failing_run_is_recorded_and_the_rest_finish(cli, tmp_path: Path) -> None:
    # Each share passes on its own (the spec's trial resolve), but 0.6 + 0.6 of a payload is
    # more than the whole: that one run's scenario is rejected when it runs.
    spec = tmp_path / "fails.yaml"
    spec.write_text(
        "years: 0.25\ndesign: grid\nfixed:\n  earth.manifest: fixed_shares\nparameters:\n"
        "  earth.carries.chips: [0.1, 0.6]\n  earth.carries.electronics: [0.1, 0.6]\n"
    )
    out = tmp_path / "out"
    res = cli("sweep", spec, "--out", out, "--workers", "2", "--json", "--csv")
    assert res.returncode == 1, res.stderr
    assert pl.read_csv(out / "results.csv").height == 4
    assert "Traceback" not in res.stderr
    report = json.loads(res.stdout)
    assert report["done"] == 3 and report["failed"] == 1
    manifest = pl.read_parquet(out / "manifest.parquet").sort("run_id")
    assert manifest["status"].to_list() == ["done", "done", "done", "failed"]
    assert "shares sum to 1.2" in manifest["error"][3]
    assert results(out).filter(pl.col("status") == "failed")["industrial_mass_t"].is_null().all()
    # Resuming does not rerun a recorded failure; --retry-failed does (and it fails again).
    again = cli("sweep", spec, "--out", out, "--json")
    assert again.returncode == 1 and json.loads(again.stdout)["ran"] == 0
    retry = cli("sweep", spec, "--out", out, "--json", "--retry-failed")
    assert retry.returncode == 1 and json.loads(retry.stdout)["ran"] == 1


def test_dask_local_cluster_gives_the_same_results(clean: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        df = lunarcity.sweep(SMOKE, out=tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert df.sort("run_id").equals(results(clean))
    assert results(tmp_path / "dask").equals(results(clean))


def test_library_sweep_from_data_in_process(tmp_path: Path) -> None:
    spec = {
        "years": 0.25,
        "seed": 5,
        "design": {"method": "lhs", "samples": 3},
        "parameters": {"earth.lander_interval_days": {"low": 5, "high": 20}},
        "outcomes": ["industrial_mass_t", "units.robot"],
    }
    df = lunarcity.sweep(spec, out=tmp_path / "a", workers=1)
    assert df.columns[-4:] == [
        "industrial_mass_t",
        "units.robot",
        "met_within_horizon",
        "years_to_target_censored",
    ]
    assert df.height == 3 and (df["units.robot"] > 0).all()
    again = lunarcity.sweep(spec, out=tmp_path / "b", workers=1)
    assert again.equals(df)  # one seed, one answer


def test_a_worker_keeps_no_model_alive() -> None:
    # Memory stays flat over a sweep only if each finished model can be freed (mesa#3179).
    import gc

    from lunarcity.model import LunarCity
    from lunarcity.sweeps.runner import as_spec, make_plan
    from lunarcity.sweeps.worker import execute_run

    spec = as_spec(
        {
            "years": 0.02,
            "design": {"method": "lhs", "samples": 3},
            "parameters": {"earth.lander_interval_days": {"low": 7, "high": 14}},
        }
    )
    plan = make_plan(spec)
    # Models other tests still hold (module fixtures, app sessions) are not the worker's.
    gc.collect()
    before = {id(o) for o in gc.get_objects() if isinstance(o, LunarCity)}
    for run_id in range(3):
        assert execute_run(plan.task(run_id)).status == "done"
    # No collection here: a model left to the collector's thresholds would hold its arrays
    # for many runs (they count objects, not bytes), so the worker frees each one itself.
    assert not [o for o in gc.get_objects() if isinstance(o, LunarCity) and id(o) not in before]


def test_an_outcome_equal_to_float_noise_is_drawn_in_one_bin(tmp_path: Path) -> None:
    """Runs whose outcome differs only in the last digits (a full-size grid's closure) are drawn.

    Five distinct values 1e-16 apart asked numpy for five equal bins over a range it cannot
    split, and the feasibility plot raised (found executing notebook 2 at full size).
    """
    import numpy as np

    from lunarcity.sweeps.plots import histogram_bins, outcome_distributions

    noise = np.array([0.97 + k * 1e-16 for k in range(5)])
    assert len(np.unique(noise)) == 5 and histogram_bins(noise) == 1
    assert histogram_bins(np.array([1.0, 2.0, 3.0])) == 5  # a real spread: at least five
    assert histogram_bins(np.arange(100.0)) == 30  # one per value, at most thirty
    runs = pl.DataFrame({"status": ["done"] * 5, "closure": noise})
    path = outcome_distributions(runs, tmp_path / "outcomes.png", info={"outcomes": ["closure"]})
    assert path.stat().st_size > 0

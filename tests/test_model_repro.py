"""Same seed, same city: in one process, across processes and hash seeds; Mesa's batch_run works.

The design allows one source of randomness (a numpy Generator from the seed) and no iteration
over unordered sets in the step, so the daily table is a pure function of the scenario and seed.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import mesa
import numpy as np
import polars as pl
import pytest

import lunarcity
from lunarcity.city import mesa_compat
from lunarcity.errors import InputError
from lunarcity.model import LunarCity

#: Overrides that make the random draws matter: failures, lost landers, placement.
NOISY = {
    "run__years": 0.4,
    "earth__lander_failure_prob": 0.3,
    "units__robot__failures_per_year": 5.0,
    "planner__policy": "bottleneck_first",
}

CHILD = """
import sys
import lunarcity
result = lunarcity.run("ten_year_city", seed=int(sys.argv[1]), **{overrides!r})
result.write(sys.argv[2])
"""


def _run_in_subprocess(seed: int, out: Path, hash_seed: str) -> pl.DataFrame:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    subprocess.run(
        [sys.executable, "-c", CHILD.format(overrides=NOISY), str(seed), str(out)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return pl.read_parquet(out)


def test_same_seed_same_table_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    a = _run_in_subprocess(11, tmp_path / "a.parquet", "0")
    b = _run_in_subprocess(11, tmp_path / "b.parquet", "4242")
    here = lunarcity.run("ten_year_city", seed=11, **NOISY).daily
    assert a.height == here.height == 147
    assert a.equals(b)
    assert a.equals(here)
    # The table is not trivially constant: things failed, landers were lost, the city grew.
    assert int(here["landers_lost"][-1]) > 0
    assert float(here["industrial_mass_t"][-1]) > float(here["industrial_mass_t"][0])


def test_same_table_whatever_the_blas_threads(tmp_path: Path) -> None:
    """A threaded BLAS sums a long dot product in an order that depends on its threads: the
    day must not use one (generation over ~10^4 solar cells is the long sum). Ten full years
    of the default, so those arrays are long."""
    tables = []
    for threads in ("1", "2"):
        out = tmp_path / f"blas{threads}.parquet"
        env = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads)
        subprocess.run(
            [sys.executable, "-c", CHILD.format(overrides={}), "1", str(out)],
            check=True,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        tables.append(pl.read_parquet(out))
    assert tables[0].height == 3653
    assert tables[0].equals(tables[1])


def test_another_seed_gives_another_table() -> None:
    a = lunarcity.run("ten_year_city", seed=11, **NOISY).daily
    b = lunarcity.run("ten_year_city", seed=12, **NOISY).daily
    assert a.columns == b.columns and a.height == b.height
    assert not a.equals(b)


def test_the_seed_argument_and_run_seed_are_the_same_thing() -> None:
    a = LunarCity("ten_year_city", seed=9, run__years=0.1)
    b = LunarCity("ten_year_city", run__seed=9, run__years=0.1)
    for m in (a, b):
        while m.running:
            m.step()
    assert a.daily().equals(b.daily())


def test_mesa_batch_run_returns_the_reporters() -> None:
    rows = mesa.batch_run(
        LunarCity,
        parameters={
            "scenario": "ten_year_city",
            "run__years": 0.2,
            "earth__lander_interval_days": [7, 14],
        },
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    assert len(rows) == 2
    assert sorted(r["earth__lander_interval_days"] for r in rows) == [7, 14]
    reporters = set(LunarCity("ten_year_city", run__years=0.01).datacollector.model_reporters)
    assert {"units_total", "industrial_mass_t", "power_mw", "closure"} <= reporters
    for row in rows:
        assert reporters <= set(row)
        # The row is the city on day `Step` of the same run made directly.
        m = LunarCity(
            "ten_year_city",
            run__years=0.2,
            earth__lander_interval_days=row["earth__lander_interval_days"],
        )
        while m.running:
            m.step()
        # Mesa 3.3 reports the step as an int, Mesa 3.5 as the model's time (a float).
        step = int(row["Step"])
        assert step == row["Step"]
        day = m.daily().row(step, named=True)
        assert day["day"] == step
        for name in ("units_total", "industrial_mass_t", "power_mw", "closure"):
            assert row[name] == pytest.approx(day[name]), name


def _final_closure(seed: int, years: float) -> float:
    m = LunarCity("ten_year_city", seed=seed, run__years=years)
    while m.running:
        m.step()
    return float(m.daily()["closure"][-1])


def test_the_collector_holds_each_days_column_values_as_python_numbers() -> None:
    # The reporters read the recorder's last row (model._reported), not its columns: the table
    # Mesa gives is the daily table's columns, each value a Python float (a bool for the
    # target), on every day, through a save and restore mid-run. Closure on a day with no
    # hardware added is yesterday's value, read back from the column as a numpy double.
    import pickle

    m = LunarCity("ten_year_city", run__years=0.25)
    for _ in range(30):
        m.step()
    m = pickle.loads(pickle.dumps(m))
    while m.running:
        m.step()
    table = m.daily()
    vars_ = m.datacollector.model_vars
    assert set(vars_) == {
        "units_total", "industrial_mass_t", "power_mw", "closure", "compute_in_orbit_kw",
        "target_met",
    }  # fmt: skip
    for name, values in vars_.items():
        assert len(values) == table.height == 92  # day 0 and the 91 days of a quarter year
        if name == "target_met":
            assert all(v is False for v in values)  # ten years' target: not in a quarter
            continue
        assert all(type(v) is float for v in values), name
        assert values == [float(x) for x in table[name]], name
    assert vars_["units_total"][0] == float(table["units_total"][0]) > 0  # the seed's units
    days_closure_held = np.diff(np.asarray(vars_["closure"])) == 0.0
    assert days_closure_held.any()
    frame = m.datacollector.get_model_vars_dataframe()
    assert frame["units_total"].dtype == np.float64 and frame["target_met"].dtype == bool


def test_batch_run_sweeping_seeds_runs_each_seed_on_every_mesa() -> None:
    # Mesa 3.5's batch_run writes its own `rng` (None unless asked) into each run's keywords,
    # under the name `seed` if the constructor has a parameter of that name: a swept seed would
    # be overwritten and both replicates would run the scenario's one seed. The closure after 73
    # days differs between seeds 1 and 2 (placement and lost landers draw on the seed).
    base = {"scenario": "ten_year_city", "run__years": 0.2}
    want = {seed: _final_closure(seed, 0.2) for seed in (1, 2)}
    assert want[1] != want[2]
    rows = mesa.batch_run(
        LunarCity, parameters=base | {"seed": [1, 2]}, max_steps=LunarCity.MAX_STEPS,
        number_processes=1, display_progress=False,
    )  # fmt: skip
    assert sorted(r["seed"] for r in rows) == [1, 2]
    # Mesa 3.3 reports the day before the last (its own off-by-one), Mesa 3.5 the last.
    for row in rows:
        m = LunarCity(**base, seed=row["seed"])
        while m.running:
            m.step()
        assert row["closure"] == m.daily()["closure"][int(row["Step"])]
    if "rng" in inspect.signature(mesa.batch_run).parameters:  # Mesa 3.5: seeds as `rng`
        rows = mesa.batch_run(
            LunarCity, parameters=base, rng=[1, 2], max_steps=LunarCity.MAX_STEPS,
            number_processes=1, display_progress=False,
        )  # fmt: skip
        assert {r["rng"]: r["closure"] for r in rows} == want


def test_seed_and_rng_are_one_seed() -> None:
    a = LunarCity("ten_year_city", rng=7, run__years=0.01)
    assert a.params.run.seed == 7
    assert LunarCity("ten_year_city", seed=7, rng=7, run__years=0.01).params.run.seed == 7
    with pytest.raises(InputError, match="seed 7 and rng 8 disagree"):
        LunarCity("ten_year_city", seed=7, rng=8)
    with pytest.raises(InputError, match="is not a seed"):
        LunarCity("ten_year_city", rng=np.random.default_rng(1))


def test_batch_run_gets_the_whole_run_with_max_steps_from_the_class() -> None:
    # Three years are 1,096 days; Mesa's batch_run stops at max_steps = 1,000 by default (the
    # README says to pass LunarCity.MAX_STEPS, enough for the longest run the schema allows).
    assert LunarCity.MAX_STEPS > 200 * 365.25
    base = {"scenario": "ten_year_city", "run__years": 3.0}
    cut = mesa.batch_run(LunarCity, parameters=base, number_processes=1, display_progress=False)
    whole = mesa.batch_run(
        LunarCity, parameters=base, max_steps=LunarCity.MAX_STEPS, number_processes=1,
        display_progress=False,
    )  # fmt: skip
    assert int(cut[0]["Step"]) == 1000
    # Mesa 3.3 reports day 1,095 of the 1,096 (its off-by-one above), Mesa 3.5 day 1,096.
    assert int(whole[0]["Step"]) >= 1095
    assert whole[0]["industrial_mass_t"] > cut[0]["industrial_mass_t"]


def test_a_model_pickled_mid_run_goes_on_as_the_original() -> None:
    """A city saved and restored on day 40 records the same days after it as the one never saved,
    and issues the ids the original would.

    The recorder names its columns as views of two row arrays; pickled as they stood, the views
    came back as copies apart from the rows, and the restored city recorded zeros in every column
    from day 41 on.
    """
    import pickle

    original = LunarCity("ten_year_city", run__years=0.25)
    for _ in range(40):
        original.step()
    restored = pickle.loads(pickle.dumps(original))
    # Units born after the restore get ids after every id issued before it: on Mesa 3.3 the id
    # counter lives outside the model, and a restored city was issued ids from 1 again (the ids
    # of units in service: a repair or a scrapping then reached another unit's row).
    in_service = max(int(t["id"].max()) for t in restored.fleet.tables.values() if t.n)
    assert mesa_compat.next_id(restored) == mesa_compat.next_id(original) > in_service
    for model in (original, restored):
        while model.running:
            model.step()
    a, b = original.daily(), restored.daily()
    assert a.height == b.height == 92  # day 0 and the 91 days of a quarter year
    assert a["industrial_mass_t"][41:].min() > 0  # the days after the save were recorded
    assert a.equals(b)
    assert original.summary() == restored.summary()

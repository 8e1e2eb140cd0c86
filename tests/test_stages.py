"""Stage rules checked by hand: wear by age, the bottleneck's order, the task board, the ledger."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lunarcity.city.agents import TASKS, Task
from lunarcity.city.mass_ledger import MassLedger, mass_balance_rel_error
from lunarcity.model import LunarCity
from lunarcity.stages import wear
from lunarcity.stages.placement import Slot
from lunarcity.stages.power import dispatch, dispatch_day


@pytest.fixture(scope="module")
def city() -> LunarCity:
    m = LunarCity("ten_year_city", seed=3, run__years=0.1)
    while m.running:
        m.step()
    return m


def test_every_bill_lists_its_items_in_increasing_index(city: LunarCity) -> None:
    # The job starts find a bill's short item (the lower index on a tie) with a strict < over
    # the bill in its own order (lunarcity/stages/jobs.py), which is the lower index only if
    # the items come in increasing index.
    assert city.bom
    for kind, bill in city.bom.items():
        items = [i for i, _ in bill]
        assert items == sorted(set(items)), kind  # increasing, none twice


def test_health_by_age_worked_by_hand(city: LunarCity) -> None:
    # A robot lives 10 years (3652.5 days) and loses 30 % of its health over its life:
    # born 1826.25 days before today it is half-way, 1 - 0.3 * 0.5 = 0.85.
    life = city.unit_spec("robot").lifetime_years * 365.25
    assert life == 3652.5
    born = np.array([city.day, city.day - 1826, city.day - 4000], dtype=np.int32)
    got = wear.health_by_age(city, "robot", born)
    expect = [1.0, 1.0 - 0.3 * 1826 / 3652.5, 0.7]
    np.testing.assert_allclose(got, np.array(expect, dtype=np.float32), rtol=0, atol=0)


def test_health_table_is_the_formula_at_each_whole_age_bit_for_bit(city: LunarCity) -> None:
    # Monthly wear reads health from a table by whole age, repairs work the formula in plain
    # floats (aged_health): each entry is that formula, rounded once to float32. A robot lives
    # 3652.5 days; born 1461 days ago it is 0.4 of the way: 1 - 0.3 * 0.4 = 0.88; 2922 days,
    # 0.8: 0.76; past its life, 0.7.
    life = city.unit_spec("robot").lifetime_years * 365.25
    table = city.wear_rates.health_at_age["robot"]
    assert table.dtype == np.float32 and len(table) == 3654  # ages 0 .. ceil(3652.5)
    plain = [1.0 - 0.3 * min(1.0, age / life) for age in range(len(table))]
    assert table.tobytes() == np.array(plain, dtype=np.float32).tobytes()
    day = city.day
    repaired = wear.aged_health(day, life, [day - age for age in range(len(table) + 50)])
    assert np.array(repaired, dtype=np.float32)[: len(table)].tobytes() == table.tobytes()
    assert set(repaired[len(table) - 1 :]) == {0.7}
    np.testing.assert_allclose(table[[0, 1461, 2922, 3653]], [1.0, 0.88, 0.76, 0.7], atol=1e-7)
    # Looked up for a whole kind's rows, ages past the table clip to its last entry (0.7).
    rng = np.random.default_rng(0)
    born = np.array([day, day - 5000, *rng.integers(day - 5000, day + 1, size=40)], np.int32)
    got = wear.health_by_age(city, "robot", born)
    assert got.dtype == np.float32
    expect = [1.0 - 0.3 * min(1.0, (day - b) / life) for b in born.tolist()]
    assert got.tobytes() == np.array(expect, dtype=np.float32).tobytes()


def test_task_codes_and_slot_flags() -> None:
    assert TASKS[Task.REPAIR] == "repair" and TASKS[Task.BROKEN] == "broken"
    assert int(Slot.NONE) == -1 and int(Slot.NO_ROOM) == -2


def test_task_board_counts_robots_by_labour(city: LunarCity) -> None:
    # Each robot gives duty_fraction robot-days: today's split, rounded up, is the count.
    labour = city.today.labour
    duty = city.unit_spec("robot").duty_fraction
    board = city.tasks.counts
    for n, robot_days in zip(
        board, (labour.repair, labour.mine, labour.haul, labour.assemble), strict=True
    ):
        assert n == (int(np.ceil(robot_days / duty - 1e-9)) if robot_days > 0 else 0)
    tasks = city.robot_tasks()
    assert int((tasks == Task.ASSEMBLE).sum()) == min(board[3], max(0, len(tasks) - sum(board[:3])))


def test_the_days_labour_figures_are_python_floats(city: LunarCity) -> None:
    # The labour split is read by every later stage: a numpy scalar in it (the regolith in
    # stock read as one) made each of their sums numpy's, slower for the same doubles.
    labour = city.today.labour
    assert labour.mined_kg > 0
    for name in ("available", "repair", "mine", "haul", "assemble", "mined_kg"):
        assert type(getattr(labour, name)) is float, name


def test_mass_balance_rel_error_worked_by_hand() -> None:
    ledger = MassLedger(mined_kg=900.0, landed_kg=100.0, launched_kg=50.0, waste_kg=25.0)
    # In 1000 kg; held 400 + 100 + 420 and out 50 + 25 = 995: 5 kg missing of 1000.
    assert mass_balance_rel_error(ledger, 400.0, 100.0, 420.0) == pytest.approx(0.005)


def test_dispatch_serves_by_priority_and_stores_the_rest() -> None:
    # 100 kWh generated, 50 stored (capacity 100, round trip 0.5): robots want 120, fabs 60.
    d = dispatch(100.0, {"robots": 120.0, "fabs": 60.0}, 50.0, 100.0, 0.5)
    assert d.served == {"robots": 120.0, "fabs": 30.0}  # 150 available, robots first
    assert d.discharged == 50.0 and d.charged == 0.0 and d.stored_after == 0.0
    assert d.balance_error() == 0.0


def test_a_dark_part_of_the_day_draws_on_storage_through_its_round_trip() -> None:
    # Robots want 60 kWh over a day that is dark for its first half and gives 100 kWh in its
    # second; storage starts empty (capacity 1,000, round trip 0.5). In the dark half the 30 kWh
    # due find nothing; the lit half serves its 30 and stores 70 x 0.5 = 35 (35 lost).
    dark_first = dispatch_day([(0.5, 0.0), (0.5, 100.0)], {"robots": 60.0}, 0.0, 1000.0, 0.5)
    assert dark_first.served == {"robots": 30.0} and dark_first.fraction("robots") == 0.5
    assert dark_first.charged == 70.0 and dark_first.losses == 35.0
    assert dark_first.stored_after == 35.0 and dark_first.discharged == 0.0
    assert dark_first.generated == 100.0 and dark_first.balance_error() == 0.0
    # Lit first: the morning serves 30 and stores 35; the night's 30 come out of storage.
    lit_first = dispatch_day([(0.5, 100.0), (0.5, 0.0)], {"robots": 60.0}, 0.0, 1000.0, 0.5)
    assert lit_first.served == {"robots": 60.0}
    assert lit_first.charged == 70.0 and lit_first.discharged == 30.0
    assert lit_first.stored_after == 5.0 and lit_first.balance_error() == 0.0
    # Netted over the whole day, as a day of one period is: 60 served, 40 charged, 20 stored.
    whole = dispatch_day([(1.0, 100.0)], {"robots": 60.0}, 0.0, 1000.0, 0.5)
    assert whole == dispatch(100.0, {"robots": 60.0}, 0.0, 1000.0, 0.5)
    assert whole.served == {"robots": 60.0} and whole.stored_after == 20.0


def test_the_equators_dawn_and_dusk_fall_in_their_parts_of_the_day() -> None:
    # The equator's night: the dark window is half the 29.53-day month (w = 1/4 of it) centred
    # on phase 1/2, so the night runs from day 29.53 x 1/4 = 7.3825 to 29.53 x 3/4 = 22.1475.
    # Day 22 is dark until 0.1475 of it: in eighths (0.125 each), the first all dark and the
    # second (0.1475 - 0.125) / 0.125 = 0.18 dark. Day 7 is dark from 0.3825: the fourth
    # eighth (0.375 to 0.5) is (0.5 - 0.3825) / 0.125 = 0.94 dark, the last four all dark.
    m = LunarCity("equator_site", seed=1, run__years=0.1)
    cell = (np.array([0.5], dtype=np.float32), np.array([0.5], dtype=np.float32))
    dawn = m.site.dark_in_parts(22, 8, *cell)[0]
    dusk = m.site.dark_in_parts(7, 8, *cell)[0]
    np.testing.assert_allclose(dawn, [1.0, 0.18, 0, 0, 0, 0, 0, 0], atol=1e-5)
    np.testing.assert_allclose(dusk, [0, 0, 0, 0.94, 1.0, 1.0, 1.0, 1.0], atol=1e-5)
    # The parts' mean is the day's dark share as the day's own formula works it.
    for day, parts in ((22, dawn), (7, dusk), (15, None)):
        lit = float(m.site.sunlit(day, *cell)[0])
        share = 1.0 if parts is None else float(parts.mean())
        assert share == pytest.approx(1.0 - lit, abs=1e-6), day
    # On its dawn day the city's plants (all at phase 1/2) give nothing in the first eighth,
    # 0.82 of their day's rate in the second and all of it after, the last six eighths one
    # period (nothing changes in them); fission runs throughout.
    while m.day < 22:
        m.step()
    per_cell = m.fleet.health_by_slot("solar_plant")[: m.placement.sunny_used]
    solar = m.unit_spec("solar_plant").generation_kw * 24.0 * math.fsum(per_cell.tolist())
    fission = (
        m.unit_spec("fission_unit").generation_kw * 24.0 * m.fleet.health_total("fission_unit")
    )
    assert solar > 0 and fission > 0
    periods = m.contributions.generation_periods()
    assert [share for share, _ in periods] == [1 / 8, 1 / 8, 6 / 8]
    expected = [fission / 8, (fission + solar * 0.82) / 8, (fission + solar) * 6 / 8]
    np.testing.assert_allclose([kwh for _, kwh in periods], expected, rtol=1e-5)


def test_a_day_records_every_stage(city: LunarCity) -> None:
    day = city.today
    assert day.day == city.day
    assert day.bottleneck.name == city.bottleneck
    assert city.recorder.last("labour_robot_days") == day.labour.available
    assert city.recorder.last("launches") == day.launches.launched


def _bare_city() -> LunarCity:
    """The AASM80 seed before its first day, with every stock emptied."""
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    m.stock[:] = 0.0
    m.stock_imp[:] = 0.0
    return m


def test_the_kind_furthest_behind_holds_its_parts() -> None:
    # Robots at 90 % of the mix are far behind their share (10 robots, 22 t, of ~100 t);
    # a robot's bill is structure 1,200, motors 500, electronics 200, wire 150, bearings 100,
    # storage cells 50 kg. With every part but the cells in stock for exactly one robot, the
    # robot cannot start, and the metal works after it (structure 5,000, motors 1,500, ...)
    # must not take the 1,200 kg of structure the robot waits for.
    from lunarcity.stages.jobs import start_jobs

    m = _bare_city()
    bill = {"structure": 1200, "motors": 500, "electronics": 200, "wire": 150, "bearings": 100}
    for item, kg in bill.items():
        m.stock[m.index[item]] = kg
    m.stock[m.index["storage_cells"]] = 49.0
    # ... and a solar plant's cells, so the only thing that could start besides the robot is a
    # solar plant (solar cells 800, structure 300, wire 150, electronics 50) eating the bill.
    m.stock[m.index["solar_cells"]] = 800.0
    m.shares = {"robot": 0.9, "solar_plant": 0.1}
    m.bottleneck = "none"
    m.jobs.carry.update(robot=1.0, solar_plant=1.0)
    starts = start_jobs(m, 10.0, m.shares)
    assert starts.opened == ()
    assert m.stock[m.index["structure"]] == 1200.0
    # One more kilogram of cells and the robot starts with its whole bill.
    m.stock[m.index["storage_cells"]] = 50.0
    starts = start_jobs(m, 10.0, m.shares)
    assert starts.opened[0] == ("robot", 1)
    assert m.stock[m.index["structure"]] == 0.0


def test_the_parts_a_job_takes_on_the_days_draft_reach_the_stocks_with_the_recipes() -> None:
    # The day's job starts and recipes share one draft of the stocks (LunarCity.step): the
    # robot's bill (structure 1,200, motors 500, electronics 200, wire 150, bearings 100,
    # storage cells 50 kg, all in stock) leaves the draft as the robot starts, and the stocks
    # only when the recipes commit the draft, here with no batch run.
    from lunarcity.stages.jobs import start_jobs
    from lunarcity.stages.recipes import run_recipes

    m = _bare_city()
    bill = {"structure": 1200, "motors": 500, "electronics": 200, "wire": 150, "bearings": 100}
    bill["storage_cells"] = 50
    for item, kg in bill.items():
        m.stock[m.index[item]] = kg
    m.shares = {"robot": 1.0}
    m.bottleneck = "none"
    m.jobs.carry.update(robot=1.0)
    draft = m.stocks.draft()
    assert start_jobs(m, 10.0, m.shares, draft).opened == (("robot", 1),)
    assert m.jobs.n == 1
    structure = m.index["structure"]
    assert draft.stock[structure] == 0.0
    assert m.stock[structure] == 1200.0  # not yet written back
    run_recipes(m, np.zeros(len(m.recipe_book.io)), draft)
    for item in bill:
        assert m.stock[m.index[item]] == 0.0


def test_labour_is_kept_busy_by_a_kind_with_parts_when_the_kinds_tried_first_ran_dry() -> None:
    # A tenth of a robot-day of assembly and no open work: the open work wanted (0.3
    # robot-days) banks well under one solar plant (4.5 robot-days), so only the robot, with a
    # start banked, is tried for its share, and its parts run out (49 kg of storage cells of
    # the 50 its bill takes). The pass that keeps labour busy then tries the robot again
    # (still dry: it holds its bill a second time) and starts the solar plant, whose bill
    # (structure 300, wire 150, electronics 50, solar cells 800) the stock backs beside the
    # twice-held robot bill (structure 2 x 1,200 of 5,000). The pass is skipped only on a day
    # every kind ran dry; here one has not.
    from lunarcity.stages.jobs import start_jobs

    m = _bare_city()
    for item in ("structure", "motors", "electronics", "wire", "bearings"):
        m.stock[m.index[item]] = 5000.0
    m.stock[m.index["storage_cells"]] = 49.0
    m.stock[m.index["solar_cells"]] = 800.0
    m.shares = {"robot": 0.9, "solar_plant": 0.1}
    m.bottleneck = "none"
    m.jobs.carry.update(robot=1.0, solar_plant=0.0)
    starts = start_jobs(m, 0.1, m.shares)
    assert starts.opened == (("solar_plant", 1),)
    assert [item for item, _ in starts.shortfalls] == ["storage_cells"]
    assert m.jobs.carry["solar_plant"] < 0.0  # started ahead of its share: a debt
    assert m.stock[m.index["solar_cells"]] == 0.0
    # Without the solar plant's cells every kind runs dry: nothing starts, nothing is taken.
    structure = float(m.stock[m.index["structure"]])
    starts = start_jobs(m, 0.1, m.shares)
    assert starts.opened == ()
    assert m.stock[m.index["structure"]] == structure


def test_stock_target_is_never_below_one_bill() -> None:
    # A robot takes 50 kg of storage cells; with 39 kg in stock and the plan's need for cells
    # (stock_days x the robots' share of the build rate) below 50 kg, the storage-cell recipe
    # (1,000 kg of cells a batch) is asked for 50 - 39 = 11 kg: 0.011 batches.
    from lunarcity.stages.plan import production_plan

    m = _bare_city()
    m.stock[:] = 1e9  # every input plentiful, so only the cells' gap asks for a batch
    cells = m.index["storage_cells"]
    m.stock[cells] = 39.0
    m.shares = {"robot": 1.0}
    p = production_plan(m, 0.01, m.shares)  # 0.01 robot-days: a need far below one bill
    assert m.params.planner.stock_days * p.need[cells] < 50.0 - 39.0
    r = m.arrays.recipes.index("storage_cells")
    assert p.batches[r] == pytest.approx(11.0 / 1000.0, rel=1e-12)


def test_each_fab_kinds_batches_fill_no_more_than_its_fab_hours() -> None:
    # ten_year_city's seed on day 0: one electronics fab, one metal works, one solar fab and two
    # regolith plants, all whole: 24, 24, 24 and 2 x 24 = 48 fab-hours. With every stock empty
    # and 100 robot-days planned, every fab kind is asked for more than a day's work, so each
    # kind's batches are scaled down to exactly its hours (batches x hours a batch, summed).
    from lunarcity.stages.plan import production_plan, todays_shares

    m = LunarCity("ten_year_city", seed=1, run__years=1)
    m.stock[:] = 0.0
    p = production_plan(m, 100.0, todays_shares(m))
    arrays = m.arrays
    expected = {"electronics_fab": 24.0, "metal_works": 24.0, "solar_fab": 24.0}
    expected["regolith_plant"] = 48.0
    assert sorted(arrays.fab_of_recipes) == sorted(expected)
    for k, fab in enumerate(arrays.fab_of_recipes):
        mine = arrays.recipe_fab == k
        used = math.fsum((p.batches[mine] * arrays.r_time[mine]).tolist())
        assert used == pytest.approx(expected[fab], rel=1e-12), fab


def test_a_smaller_fab_works_for_its_kind_in_proportion_to_its_mass() -> None:
    # metzger2013's first generation: pilot fabs of 1,000, 800, 400 and 300 kg working for the
    # 10 t regolith plant, 8 t metal works, 8 t solar fab and 6 t electronics fab. On day 0
    # every unit is whole, so each gives 24 h x its mass / its kind's mass, to that kind.
    m = LunarCity("metzger2013", seed=1, run__years=1)
    hours = m.contributions.fab_hours()
    assert hours["regolith_plant"] == pytest.approx(24 * 1000 / 10000)  # 2.4 h
    assert hours["metal_works"] == pytest.approx(24 * 800 / 8000)  # 2.4 h
    assert hours["solar_fab"] == pytest.approx(24 * 400 / 8000)  # 1.2 h
    assert hours["electronics_fab"] == pytest.approx(24 * 300 / 6000)  # 1.2 h
    assert hours["pilot_regolith_plant"] == 0.0


def test_a_days_sunlight_and_generation_are_the_float32_formulas_values(city: LunarCity) -> None:
    # The power stage keeps its block of sunlight as float64 (FleetContributions._lit_row):
    # each row must hold exactly the float32s the site works for that day alone, and the day's
    # solar energy must be the same double as the float32 row multiplied in (as it was worked).
    contributions = city.contributions
    used = city.placement.sunny_used
    assert used > 0
    order = city.placement.sunny_order[:used]
    quality, phase = city.site.quality.ravel()[order], city.site.dark_phase.ravel()[order]
    for day in (city.day, city.day + 1, city.day + 40):
        row = contributions._lit_row(day, used)
        alone = city.site.sunlit(day, quality, phase)
        assert row.dtype == np.float64 and alone.dtype == np.float32
        assert row.tobytes() == alone.astype(np.float64).tobytes(), day
    today = city.site.sunlit(city.day, quality, phase)
    expect = 0.0
    solar_plants = 0
    for kind, kwh, is_solar in contributions._generators:
        if not city.fleet.count(kind):
            continue
        if is_solar:
            solar_plants += city.fleet.count(kind)
            per_cell = city.fleet.health_by_slot(kind)[:used]
            expect += kwh * float(np.add.reduce(per_cell * today))
        else:
            expect += kwh * city.fleet.health_total(kind)
    assert solar_plants > 0
    # The fixture's last day (day 37) is lit, or dark, all day at every plant: its generation is
    # that double, as one period (a day of parts: test_the_equators_dawn_and_dusk_...).
    assert contributions.generation_periods() == [(1.0, expect)] and expect > 0

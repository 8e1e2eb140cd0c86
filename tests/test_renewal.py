"""Renewal (lunarcity/stages/renewal.py): replacements start ahead of the end of life of units in service.

Hand-worked on a small fleet, then through the job starts, then over every preset at 20 years.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lunarcity.model import LunarCity
from lunarcity.stages.jobs import start_jobs
from lunarcity.stages.renewal import ageing_out, horizon_days, renewals, starts_owed
from lunarcity.world.scenario_overrides import preset_paths

# A robot (data/units.yaml): 2,200 kg assembled at 300 s per kg (AASM80) is 660,000 s =
# 7.6389 robot-days; at a duty of 0.9 one robot takes 7.6389 / 0.9 = 8.4877 days. With a margin
# of 2 years (2 x 365.25 = 730.5 days) the horizon is 738.988 days. A 10-year life is
# 3,652.5 days, so on day d a robot born on day b is due when b + 3,652.5 <= d + 738.988, that
# is b <= d - 2,913.512.
ROBOT_DAYS = 2200 * 300 / 86400
HORIZON = 7.638888888888889 / 0.9 + 730.5
LIFE = 3652.5


def test_horizon_is_one_robots_build_time_plus_the_margin() -> None:
    assert horizon_days(ROBOT_DAYS, 0.9, 2.0, LIFE) == pytest.approx(738.98765, abs=1e-4)
    assert horizon_days(ROBOT_DAYS, 0.9, 0.0, LIFE) == pytest.approx(8.48765, abs=1e-4)
    # At most half the life: a robot living half a year (182.625 days) is replaced at most
    # 91.3125 days ahead, so a unit is never due at birth (every replacement would owe another).
    assert horizon_days(ROBOT_DAYS, 0.9, 2.0, 182.625) == pytest.approx(91.3125, abs=1e-9)


def test_units_due_on_a_small_fleet() -> None:
    # Four robots born on days 0, 0, 2,000 and 2,900. On day 2,913 the seed pair's cutoff is
    # 2,913 - 2,913.512 = -0.512: none due. On day 2,914 it is 0.488: the two born on day 0.
    # The robot born on day 2,000 is due from day 2,000 + 2,913.512 = 4,913.5, i.e. day 4,914.
    born = np.array([0, 0, 2000, 2900])
    assert ageing_out(born, LIFE, 2913, HORIZON) == 0
    assert ageing_out(born, LIFE, 2914, HORIZON) == 2
    assert ageing_out(born, LIFE, 4913, HORIZON) == 2
    assert ageing_out(born, LIFE, 4914, HORIZON) == 3
    # After the seed pair is scrapped (day 3,653), the fleet is [2,000, 2,900]: none due on
    # day 3,653, one on day 4,914.
    assert ageing_out(born[2:], LIFE, 3653, HORIZON) == 0
    assert ageing_out(born[2:], LIFE, 4914, HORIZON) == 1


def test_starts_owed_cover_the_oldest_until_they_are_scrapped() -> None:
    # Day 2,914: two due, none covered -> 2 starts; parts for one only, so 1 covered.
    assert starts_owed(2, 0) == (2, 0)
    # Next day: still 2 due, 1 covered -> 1 more start owed; once it starts, 2 covered.
    assert starts_owed(2, 1) == (1, 1)
    assert starts_owed(2, 2) == (0, 2)
    # Day 3,653: the pair is scrapped, none due -> the cover lapses with them.
    assert starts_owed(0, 2) == (0, 0)
    # Day 4,914: the robot born on day 2,000 is due and nothing covers it -> 1 start.
    assert starts_owed(1, 0) == (1, 0)


def _bare_city() -> LunarCity:
    """The AASM80 seed (10 robots born on day 0) before its first day, every stock emptied."""
    m = LunarCity("aasm1980_lmf", seed=1, run__years=1)
    m.stock[:] = 0.0
    m.stock_imp[:] = 0.0
    m.bottleneck = "none"
    return m


def test_a_cohort_near_its_end_of_life_is_replaced_first_and_holds_its_parts() -> None:
    # The AASM80 seed's 10 robots were born on day 0. The stock holds one and a half robots'
    # bills (a bill: structure 1,200, motors 500, electronics 200, wire 150, bearings 100,
    # storage cells 50) and a solar plant's cells (800; its bill also takes structure 300,
    # wire 150 and electronics 50); the solar plant has a start banked, the robot none.
    bill = {
        "structure": 1200,
        "motors": 500,
        "electronics": 200,
        "wire": 150,
        "bearings": 100,
        "storage_cells": 50,
    }
    # Robots at 5 % of the mix are above their share of the installed base (22 t of robots
    # against 22.1 t of solar plants), so the solar plant, not the robot, is the growth kind
    # furthest behind: only the replacements can hold the robot's parts.
    shares = {"robot": 0.05, "solar_plant": 0.95}
    # A tenth of a robot-day of assembly: the open work wanted (0.3 robot-days) adds well under
    # one start to the robot's carry, and the banked solar plant's 4.5 robot-days are more
    # than the day's labour, so no start is made to keep labour busy.
    labour = 0.1

    def stocked(day: int) -> LunarCity:
        m = _bare_city()
        for item, kg in bill.items():
            m.stock[m.index[item]] = 1.5 * kg
        # ... and the rest of a solar plant's bill beside them, so that only the parts a
        # robot waits for can keep it from starting.
        m.stock[m.index["solar_cells"]] = 800.0
        m.stock[m.index["wire"]] += 150.0
        m.stock[m.index["electronics"]] += 50.0
        m.jobs.carry.update(robot=0.0, solar_plant=1.0)
        m.day = day
        return m

    # Day 2,913: no robot is due (see above), so only the banked solar plant starts: structure
    # 1,800 - 300 = 1,500.
    m = stocked(2913)
    assert start_jobs(m, labour, shares).opened == (("solar_plant", 1),)
    assert m.stock[m.index["structure"]] == 1500.0
    carry = m.jobs.carry["robot"]
    assert carry < 1.0
    # Day 2,914: all 10 are due. Parts back one replacement, which starts with no carry
    # (structure 1,800 - 1,200 = 600); the other nine hold a bill (1,200 kg of structure
    # against the 600 left), so the solar plant, needing 300, does not start (without the hold
    # it would: 600 of structure, 375 - 150 = 225 of wire, 350 - 200 = 150 of electronics).
    m = stocked(2914)
    assert start_jobs(m, labour, shares).opened == (("robot", 1),)
    assert m.jobs.renewing["robot"] == 1
    assert m.jobs.carry["robot"] == carry  # a replacement is not growth: no carry spent
    assert m.stock[m.index["structure"]] == 600.0
    assert m.stock[m.index["solar_cells"]] == 800.0
    # Parts for two more: two more replacements start (3 of the 10 covered, 7 still owed).
    for item, kg in bill.items():
        m.stock[m.index[item]] = 2 * kg
    assert start_jobs(m, labour, shares).opened[0] == ("robot", 2)
    assert m.jobs.renewing["robot"] == 3


def test_the_margin_is_a_lever() -> None:
    from lunarcity.world.roles import ROLES, Role

    assert ROLES["PlannerConfig"]["renew_margin_years"] is Role.LEVER


def _parts_can_be_made(m: LunarCity, kind: str) -> bool:
    """Whether the city can make ``kind``'s parts today, from the data and its fleet.

    It needs a bill of parts, every Earth-only input of its chain (the requirements LP's
    imports per unit) landed by the scenario, and a unit in service of every fab kind its chain
    runs on (a pilot fab works for the kind it is a pilot of).
    """
    if not m.bom.get(kind):
        return False
    if not m.params.earth.imports and (m.costs[kind].imported > 0).any():
        return False
    units = m.catalog.units
    working = {units[k].fab_for or k for k in m.agent_kinds if m.fleet.count(k)}
    return all(fab in working for fab, hours in m.costs[kind].fab_hours.items() if hours > 0)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(preset_paths()))
def test_no_preset_fleet_ages_out_while_its_parts_could_be_made(name: str) -> None:
    # Every kind of the seed that leaves service within 20 years must do so only on a day its
    # parts could not be made: the seed's units, born together, reach the end of their life
    # together (robots at 10 years, fabs at 15, solar at 20), and their replacements must have
    # started in time. auxon_lw95 lands nothing and its aluminium needs Earth's salt and
    # anodes, so no kind's parts can be made there: its fleet ageing out is physics, and the
    # test says so from the data. A kind's last unit leaving while the city still had every
    # fab its chain runs on (metzger2013's two robots in year 10 before the rule) fails.
    m = LunarCity(name, seed=1, run__years=20)
    seed_kinds = [k for k, n in m.params.seed.units.items() if n > 0 and m.bom.get(k)]
    if name == "auxon_lw95":
        assert not any(_parts_can_be_made(m, k) for k in seed_kinds)
    died_makeable = []
    while m.running:
        could = {k: _parts_can_be_made(m, k) for k in seed_kinds if m.fleet.count(k)}
        m.step()
        died_makeable += [(k, m.day) for k, ok in could.items() if ok and not m.fleet.count(k)]
    assert died_makeable == [], (
        f"{name}: {died_makeable} (kind, day) gone while parts could be made"
    )


def _short_lived_city() -> LunarCity:
    """A default city of 0.3 years whose robots (0.1 y) and solar plants (0.15 y) age out in it."""
    return LunarCity(
        "ten_year_city",
        seed=3,
        run__years=0.3,
        units__robot__lifetime_years=0.1,
        units__solar_plant__lifetime_years=0.15,
    )


def test_units_due_by_counter_match_a_scan_of_birth_days() -> None:
    # Short lives so units age out within a short run: renewal's counter (births by the last
    # due day less units scrapped) must equal the units in service born by that day, counted
    # from the born column directly, on every day.
    m = _short_lived_city()
    checked = 0
    while m.running:
        m.step()
        lead = m.jobs.renew_lead
        if lead is None:
            continue
        for kind, lead_days in lead.items():
            last_due = math.floor(m.day - lead_days)
            counter = m.fleet.born_before(kind, last_due + 1) - m.fleet.scrapped(kind)
            t = m.fleet.tables[kind]
            assert counter == int(np.count_nonzero(t["born"][: t.n] <= last_due)), (kind, m.day)
            checked += 1
    assert m.fleet.scrapped("robot") > 0 and m.fleet.scrapped("solar_plant") > 0
    assert checked > 0


def test_born_before_refuses_a_day_after_today() -> None:
    m = _bare_city()
    assert m.fleet.born_before("robot", m.day) == 0  # the seed was born today (day 0)
    with pytest.raises(ValueError, match="after today"):
        m.fleet.born_before("robot", m.day + 1)


def test_starts_owed_each_day_match_a_scan_of_birth_days() -> None:
    # Short lives, so the days before the shortest lead (nothing can be due: renewals returns
    # at once) and the days after it (units due, covered, scrapped) both come in a short run.
    # A robot of 0.1 years (36.525 days) has a horizon of min(8.49 + 730.5, 36.525 / 2) =
    # 18.2625 days: lead 18.2625, so days 1-18 owe nothing and day 19 counts the seed's robots.
    m = _short_lived_city()
    kinds = [k for k in m.plan_basis.growth_kinds if m.bom.get(k)]
    life = m.wear_rates.life_of
    owing_days = before_lead = 0
    while m.running:
        m.step()
        lead = m.jobs.renew_lead
        cover = dict(m.jobs.renewing)
        owed = renewals(m, kinds)  # the morning's count again (it trims the cover only)
        expected = {}
        for kind in kinds:
            t = m.fleet.tables[kind]
            due = ageing_out(t["born"][: t.n], life[kind], m.day, life[kind] - lead[kind])
            n, kept = starts_owed(due, cover[kind]) if t.n else (0, 0)
            assert m.jobs.renewing[kind] == kept, (kind, m.day)
            if n:
                expected[kind] = n
        assert owed == expected, m.day
        assert m.jobs.renew_from == min(lead.values())  # kept, not asked each day
        before_lead += m.day < min(lead.values())
        owing_days += bool(owed)
    assert lead["robot"] == pytest.approx(36.525 - 18.2625)
    assert before_lead == 18 and owing_days > 0

"""Scrapping finds the units whose life ends today by their birth day's ids, and misses none."""

from __future__ import annotations

import math

import numpy as np

from lunarcity.model import LunarCity


def test_rows_born_on_match_a_scan_and_no_unit_outlives_its_life() -> None:
    # Robots (0.1 y) and solar plants (0.15 y) age out within a 0.3-year run. The fleet finds a
    # day's births by their ids (kept per birth); each day they must be the rows a scan of the
    # born column finds, and after the day's scrapping no unit may be past its end of life.
    m = LunarCity(
        "ten_year_city",
        seed=3,
        run__years=0.3,
        units__robot__lifetime_years=0.1,
        units__solar_plant__lifetime_years=0.15,
    )
    life = m.wear_rates.life_of
    looked = 0
    while m.running:
        m.step()
        for kind, t in m.fleet.tables.items():
            born = t["born"]
            assert not np.any(born <= math.floor(m.day - life[kind])), (kind, m.day)
            if m.day % 7:
                continue
            for day in np.unique(born).tolist():
                rows = m.fleet.rows_born_on(kind, day)
                assert rows is not None and rows.tolist() == np.flatnonzero(born == day).tolist()
                looked += 1
    assert m.fleet.scrapped("robot") > 0 and m.fleet.scrapped("solar_plant") > 0
    assert looked > 0
    # A day nobody was born on has no rows; a unit taken out of service some other way is left
    # out of its birth day's rows.
    assert m.fleet.rows_born_on("robot", m.day + 1) is None
    t = m.fleet.tables["robot"]
    day = int(t["born"][0])
    cohort = m.fleet.rows_born_on("robot", day).tolist()
    gone_id = int(t["id"][cohort[0]])
    m.fleet.remove("robot", np.array([cohort[0]]))
    left = m.fleet.rows_born_on("robot", day)
    assert len(left) == len(cohort) - 1
    assert gone_id not in t["id"][left].tolist()
    assert left.tolist() == np.flatnonzero(t["born"] == day).tolist()

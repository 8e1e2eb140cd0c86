"""Leaks of known size: the element ledger reports them by their size, a run with one is refused,
and oxygen beyond what the plants' tanks hold is vented, kilogram for kilogram.

Each expected value is worked here from the data's figures (data/units.yaml) and the mass
ledger's totals; none is read back from the element ledger or the venting rule under test.
"""

from __future__ import annotations

import pytest

from lunarcity import runner
from lunarcity.errors import LedgerError
from lunarcity.model import LunarCity
from lunarcity.stages import recipes

#: data/units.yaml regolith_plant oxygen_storage_kg: a month of one plant's electrolysis
#: oxygen, 247.1 t/yr x 0.1767 / 12 = 3.64 t, taken as 3.6 t (GZ23).
TANK_KG = 3600.0


def test_a_known_oxygen_leak_is_the_element_ledgers_error() -> None:
    m = LunarCity("ten_year_city", seed=1, run__years=0.1)
    for _ in range(5):
        m.step()
    assert m.recorder.last("element_balance_rel_error") < 1e-12  # closed before the leak
    # 1,000 kg of oxygen booked as landed and never put in stock. Oxygen is pure O, so O in
    # exceeds O held by 1,000 kg and every other element still balances; the ledger's error is
    # the largest element's gap over all mass in: 1,000 / (mined + landed + 1,000), the mass in
    # counted by the mass ledger.
    m.elements.landed(m.index["oxygen"], 1000.0)
    m.step()
    mass_in_kg = m.ledger.mined_kg + m.ledger.landed_kg
    assert mass_in_kg > 9e4  # the 93.4 t seed and what was mined since
    assert m.recorder.last("element_balance_rel_error") == pytest.approx(
        1000.0 / (mass_in_kg + 1000.0), rel=1e-9
    )
    # The mass ledger never saw it: only the element ledger can refuse this run.
    assert m.recorder.last("mass_balance_rel_error") < 1e-12
    with pytest.raises(LedgerError, match="element ledger does not close"):
        runner.check_ledgers(m.summary())


def test_check_ledgers_refuses_an_element_ledger_that_does_not_close() -> None:
    ok = {
        "mass_balance_rel_error": 0.0,
        "element_balance_rel_error": 5e-16,
        "energy_balance_rel_error": 0.0,
    }
    runner.check_ledgers(ok)
    for bad in (1e-8, float("nan"), None):
        with pytest.raises(LedgerError, match="element ledger does not close"):
            runner.check_ledgers({**ok, "element_balance_rel_error": bad})


@pytest.fixture(scope="module")
def oxygen_days() -> tuple[LunarCity, list[tuple[int, float, float, float]]]:
    # ten_year_city's regolith plants make oxygen faster than the city uses it: within weeks
    # the tanks fill and the rest is vented. Each day: (plants standing when the fabs ran, i.e.
    # at the day's start: a plant finished later in the day adds its tanks tomorrow; oxygen in
    # stock after the day, oxygen made that day, oxygen vented that day).
    m = LunarCity("ten_year_city", seed=1, run__years=90 / 365.25)
    o = m.index["oxygen"]
    rows = []
    made = vented = 0.0
    while m.running:
        plants = m.fleet.count("regolith_plant")
        m.step()
        rows.append(
            (
                plants,
                float(m.stock[o]),
                m.ledger.oxygen_made_kg - made,
                m.ledger.vented_kg - vented,
            )
        )
        made, vented = m.ledger.oxygen_made_kg, m.ledger.vented_kg
    return m, rows


def test_a_days_oxygen_beyond_the_tanks_is_vented(oxygen_days) -> None:
    _, rows = oxygen_days
    venting = 0
    first = None  # the first day that vents (1-based)
    for day, (plants, held, made, vented) in enumerate(rows, start=1):
        tanks = plants * TANK_KG
        # The tanks never hold more than their capacity at the day's end ...
        assert held <= tanks * (1 + 1e-12)
        # ... and a day that vents has filled them: what is let go is only what did not fit.
        if vented > 0:
            venting += 1
            first = day if first is None else first
            assert held == pytest.approx(tanks, rel=1e-12)
            assert vented <= made * (1 + 1e-12)
    # A plant's electrolysis alone makes 247.1 t/yr x 0.1767 / 365.25 = 120 kg of oxygen a day
    # (its salt cells add more), a thirtieth of its 3.6 t tanks; the city uses little of it, so
    # the tanks are full within weeks and most later days vent.
    assert first is not None and first <= 60
    assert venting > (len(rows) - first + 1) / 2
    assert sum(r[3] for r in rows) > 10_000


def test_oxygen_over_the_tanks_by_a_known_amount_is_vented_by_that_amount(oxygen_days) -> None:
    m, _ = oxygen_days
    o = m.index["oxygen"]
    tanks = m.fleet.count("regolith_plant") * TANK_KG  # 10 plants: 36 t
    before_kg = m.ledger.vented_kg
    before_o = float(m.elements.vented[m.elements.elements.index("O")])
    # Full tanks and 2,500 kg more (all of it lunar: no imported share).
    m.stock[o] = tanks + 2500.0
    m.stock_imp[o] = 0.0
    assert recipes.vent_oxygen(m) == pytest.approx(2500.0, rel=1e-12)
    assert float(m.stock[o]) == pytest.approx(tanks, rel=1e-12)
    assert m.ledger.vented_kg - before_kg == pytest.approx(2500.0, rel=1e-12)
    # Oxygen is pure O: the element ledger vents 2,500 kg of O.
    vented_o = float(m.elements.vented[m.elements.elements.index("O")]) - before_o
    assert vented_o == pytest.approx(2500.0, rel=1e-12)
    # Tanks below capacity: nothing vented.
    m.stock[o] = tanks - 1.0
    assert recipes.vent_oxygen(m) == 0.0
    assert float(m.stock[o]) == tanks - 1.0

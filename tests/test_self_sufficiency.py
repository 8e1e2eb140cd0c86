"""The self-sufficiency experiment: Earth stops at year Y; does the city keep growing?

Checked against the run's own day-by-day stocks, not against the summary's code: the run lasts
Y + 5 years, no lander comes after Y, the Earth-only stock at Y is what was in hand that day, an
item "runs out" on the first day under a kilogram, and the doubling time is measured only from
the first run-out day.
"""

from __future__ import annotations

import math

import pytest

from lunarcity.model import LunarCity


def test_earth_stops_and_the_summary_says_what_followed() -> None:
    until = 0.5
    m = LunarCity("ten_year_city", seed=3, run__years=1.0, earth__until_years=until)
    assert m.days == round((until + 5.0) * 365.25)  # at least Y + 5 years
    stop = math.floor(until * 365.25)
    earth_only = [n for n in m.nodes if n in m.econ.imported]
    held: dict[str, list[float]] = {n: [] for n in earth_only}
    while m.running:
        m.step()
        for n in earth_only:
            held[n].append(float(m.stock[m.index[n]]))
    s = m.summary()
    d = m.daily()
    # No lander after the stop day: nothing more is landed.
    landed = d["earth_imported_t"].to_list()
    assert landed[stop + 1 :] == [landed[stop]] * (len(landed) - stop - 1)
    ss = s["self_sufficiency"]
    assert ss["until_years"] == until and ss["stop_day"] == stop
    at_stop = {n: v[stop - 1] for n, v in held.items() if v[stop - 1] > 0}
    assert ss["earth_only_kg_at_stop"] == pytest.approx(at_stop)
    for name, day in ss["ran_out_day_by_item"].items():
        after = held[name][stop:]
        first = next((stop + 1 + k for k, v in enumerate(after) if v < 1.0), None)
        assert day == first, name
    mass = d["industrial_mass_t"].to_list()
    if ss["ran_out_day"] is not None and ss["doubling_time_years_after_run_out"] is not None:
        r = ss["ran_out_day"]
        years = (len(mass) - 1 - r) / 365.25
        expect = years * math.log(2) / math.log(mass[-1] / mass[r])
        assert ss["doubling_time_years_after_run_out"] == pytest.approx(expect)
    assert ss["industrial_mass_t_at_end"] == pytest.approx(mass[-1])
    # Assets per tonne landed: industrial mass over everything landed, seed included.
    assert s["assets_per_tonne_landed"] == pytest.approx(mass[-1] / landed[-1])
    assert s["element_balance_rel_error"] < 1e-9
    assert s["oxygen_vented_t"] <= s["oxygen_made_t"]
    assert s["regolith_mined_t"] == pytest.approx(d["regolith_mined_t"][-1])

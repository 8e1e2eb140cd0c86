"""The self-sufficiency experiment: Earth stops at year Y; does the city keep growing?

Checked against the run's own day-by-day stocks, not against the summary's code: the run lasts
Y + 5 years, no lander comes after Y, the Earth-only stock at Y is what was in hand that day, an
item "runs out" on the first day under a kilogram, and growth is measured over the run's last
year, which must begin after the last run-out day. A city stopped at year 4 spends its stocks
and freezes: the summary and the command line say the day growth stopped, and the day's binding
constraint names what stops the builds.
"""

from __future__ import annotations

import math

import polars as pl
import pytest

import lunarcity
from lunarcity.commands.run import print_summary
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
    out = [v for v in ss["ran_out_day_by_item"].values() if v is not None]
    assert ss["last_ran_out_day"] == (max(out) if out else None)
    # Growth over the run's last year (365 days), which begins after the last run-out.
    end = len(mass) - 1
    assert ss["growth_measured_from_day"] == end - 365
    assert end - 365 >= (ss["last_ran_out_day"] or stop)
    grew = mass[end] - mass[end - 365]
    assert ss["growth_after_run_out_t_per_year"] == pytest.approx(grew / (365 / 365.25))
    assert ss["kept_growing"] == (grew > 0)
    if grew > 0:
        expect = (365 / 365.25) * math.log(2) / math.log(mass[end] / mass[end - 365])
        assert ss["doubling_time_years_after_run_out"] == pytest.approx(expect)
    else:
        assert ss["doubling_time_years_after_run_out"] is None
    assert ss["industrial_mass_t_at_end"] == pytest.approx(mass[-1])
    # Assets per tonne landed: industrial mass over everything landed, seed included.
    assert s["assets_per_tonne_landed"] == pytest.approx(mass[-1] / landed[-1])
    assert s["element_balance_rel_error"] < 1e-9
    assert s["oxygen_vented_t"] <= s["oxygen_made_t"]
    assert s["regolith_mined_t"] == pytest.approx(d["regolith_mined_t"][-1])


@pytest.fixture(scope="module")
def year4_stop():
    """The default city with Earth stopping at year 4 (it runs to year 9)."""
    return lunarcity.run("ten_year_city", earth__until_years=4)


def test_a_city_that_spends_its_stocks_stopped_growing(year4_stop, capsys) -> None:
    s, d = year4_stop.summary, year4_stop.daily
    ss = s["self_sufficiency"]
    mass = d["industrial_mass_t"].to_numpy()
    # The day growth stopped: the last day the mass rose, found in the daily table.
    rose = [day for day in range(1, len(mass)) if mass[day] > mass[day - 1]]
    stopped = rose[-1]
    assert ss["growth_stopped_day"] == stopped
    assert ss["stop_day"] < stopped < ss["stop_day"] + 365  # within months of the stop
    assert ss["kept_growing"] is False
    assert ss["doubling_time_years_after_run_out"] is None
    assert ss["growth_after_run_out_t_per_year"] == 0.0
    # The mass at the end is above the mass at the stop: the old flag called this self-growth.
    assert ss["industrial_mass_t_at_end"] > ss["industrial_mass_t_at_stop"]
    print_summary(s)  # what `lunarcity run --set earth.until_years=4` prints
    said = " ".join(capsys.readouterr().out.split())
    assert f"growth stopped on day {stopped:,}" in said
    assert "doubling" not in said and "kept growing" not in said


def test_the_frozen_city_is_bound_by_what_stops_its_builds(year4_stop) -> None:
    m, d = year4_stop.model, year4_stop.daily
    stopped = year4_stop.summary["self_sufficiency"]["growth_stopped_day"]
    frozen = d.filter(pl.col("day") > stopped + 30)
    assert frozen["jobs_open"].max() == 0  # nothing is being built
    # Fabs still draw more power than there is on some of those days (regolith work nothing
    # can use) ...
    assert (frozen["unserved_mwh"] > 0.01 * frozen["demand_mwh"]).any()
    # ... but the builds stop for want of parts: an Earth-only input (calcium chloride or
    # chips), gone since the stop (some days the trace ends at the part it starves), never power.
    named = frozen["bottleneck"].value_counts(sort=True)
    assert all(b == "imports" or b.startswith("material:") for b in named["bottleneck"])
    assert named["bottleneck"][0] == "imports"
    # The item named is one only Earth makes (no local recipe), and the city has none left.
    item = m.today.bottleneck.item
    assert item in m.econ.imported, item
    assert m.stock[m.index[item]] < 1.0

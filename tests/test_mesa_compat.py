"""The one module that knows Mesa's internals: ids issued at birth, agents made lazily.

These run on whichever Mesa pip installed for this Python (3.3 on 3.11, 3.5 on 3.12+); CI runs
the suite on both, so each behaviour is checked on both Mesas.
"""

from __future__ import annotations

import gc
import weakref

import mesa
import numpy as np
import pytest

from lunarcity.city import mesa_compat
from lunarcity.city.agents import Robot
from lunarcity.model import LunarCity


def _super_agents(m: LunarCity) -> int:
    """Agents Mesa holds, without the city's make-on-look (Mesa's own property)."""
    return len(mesa.Model.agents.fget(m))


def test_reserved_ids_are_not_issued_again_and_agents_take_them() -> None:
    m = mesa.Model(rng=1)
    ids = mesa_compat.reserve_ids(m, 5)
    assert ids.tolist() == [1, 2, 3, 4, 5]
    # An ordinary agent made now gets the next id, after the reserved ones.
    assert mesa.Agent(m).unique_id == 6
    made = mesa_compat.make_agents(m, mesa.Agent, [4, 2], [(), ()])
    assert [a.unique_id for a in made] == [4, 2]
    assert mesa.Agent(m).unique_id == 7  # the counter was put back
    assert {a.unique_id for a in m.agents} == {2, 4, 6, 7}


@pytest.mark.parametrize("n", [0, 1, 2, 3, 40])
def test_reserving_any_number_of_ids_issues_a_run_and_moves_the_counter_past_it(n: int) -> None:
    m = mesa.Model(rng=1)
    assert mesa_compat.reserve_ids(m, 2).tolist() == [1, 2]
    ids = mesa_compat.reserve_ids(m, n)
    assert ids.dtype == np.int64 and ids.tolist() == list(range(3, 3 + n))
    assert mesa_compat.next_id(m) == 3 + n  # none of them is issued again
    assert mesa.Agent(m).unique_id == 3 + n


def test_a_run_makes_no_agent_until_someone_looks() -> None:
    m = LunarCity("ten_year_city", seed=2, run__years=0.5)
    while m.running:
        m.step()
    assert _super_agents(m) == 0
    units = sum(m.fleet.count(k) for k in m.agent_kinds)
    assert len(m.agents) == units > 100
    assert _super_agents(m) == units


def test_an_agent_has_the_id_its_unit_was_born_with() -> None:
    # Robots live ~36 days: some are born and scrapped before anyone looks.
    m = LunarCity("ten_year_city", seed=3, run__years=0.6, units__robot__lifetime_years=0.1)
    first_ids = m.fleet.tables["robot"]["id"].copy()
    while m.running:
        m.step()
    robots = m.fleet.tables["robot"]
    alive = robots["id"][: robots.n]
    scrapped_unseen = np.setdiff1d(first_ids, alive)
    assert len(scrapped_unseen) > 0, "no robot was scrapped before its agent was made"
    for uid in scrapped_unseen.tolist():
        assert m.fleet.agent(uid) is None
    for uid in alive[:200].tolist():
        agent = m.fleet.agent(uid)
        assert isinstance(agent, Robot) and agent.unique_id == uid


def test_a_finished_model_is_freed() -> None:
    m = LunarCity("ten_year_city", seed=4, run__years=0.05)
    while m.running:
        m.step()
    len(m.agents)  # its agents made and registered
    ref = weakref.ref(m)
    del m
    gc.collect()
    assert ref() is None


def test_the_city_overrides_only_the_mesa_names_it_means_to() -> None:
    # Mesa 3.5 gave Model a `scenario` property (its setter writes `scenario.model`); a city
    # attribute of a name Mesa uses would break quietly on one Mesa and not the other.
    plain = mesa.Model(rng=1)
    mesa_names = set(dir(mesa.Model)) | set(vars(plain))
    m = LunarCity("ten_year_city", seed=1, run__years=0.01)
    ours = (set(vars(m)) - set(vars(plain))) | {
        n for n in vars(LunarCity) if not n.startswith("__")
    }
    # `observables` is set on every Model subclass by Mesa 3.5 itself.
    deliberate = {"agents", "agents_by_type", "agent_types", "remove_all_agents", "step"}
    assert ours & mesa_names - {"observables"} == deliberate

"""The bottleneck's search for a spent Earth-only input, and the answers it keeps per city.

``_gone_import`` keeps each answer by the item asked and which items hold a kilogram (the only
thing of the stocks the search reads): a kept answer must be the one the search gives afresh,
and a landing that refills the input must change it.
"""

from __future__ import annotations

from lunarcity.model import LunarCity
from lunarcity.stages import bottleneck


def _fresh(city: LunarCity, item: str) -> str | None:
    """The search's answer with nothing kept for ``city``."""
    bottleneck._GONE_ANSWERS.pop(city, None)
    return bottleneck._gone_import(city, item)


def test_kept_answers_are_the_search_and_follow_the_stocks() -> None:
    m = LunarCity(scenario="ten_year_city", seed=1)
    m.step()
    # Day 1, before the first lander (day 10): the seed brought no calcium chloride. Spent salt's
    # one recipe takes slag (made from regolith: can be had), then calcium chloride, Earth-only
    # with under a kilogram in stock: the search names it.
    assert m.stock[m.index["calcium_chloride"]] < 1.0
    items = sorted(m.econ.recipe_inputs)
    day1 = {item: _fresh(m, item) for item in items}
    assert day1["spent_salt"] == "calcium_chloride"
    # Asked again, every answer comes from what was kept (the same question), unchanged.
    for item in items:
        bottleneck._gone_import(m, item)
    assert len(bottleneck._GONE_ANSWERS[m]) == len(items)
    assert {item: bottleneck._gone_import(m, item) for item in items} == day1
    # The first lander brings calcium chloride and anodes: the kept day-1 answers no longer
    # fit the stocks, and each answer is again the search's own.
    while m.day < m.params.earth.first_lander_day:
        m.step()
    assert m.stock[m.index["calcium_chloride"]] >= 1.0
    assert m.stock[m.index["anode"]] >= 1.0
    kept = {item: bottleneck._gone_import(m, item) for item in items}
    assert kept["spent_salt"] is None
    assert kept == {item: _fresh(m, item) for item in items}


def test_answers_kept_are_bounded() -> None:
    m = LunarCity(scenario="ten_year_city", seed=1)
    m.step()
    bottleneck._GONE_ANSWERS[m] = {
        (f"question {j}", b""): None for j in range(bottleneck.GONE_ANSWERS_MAX)
    }
    # A full memo is emptied before the next answer is kept: at most the bound, never more.
    assert bottleneck._gone_import(m, "spent_salt") == "calcium_chloride"
    assert len(bottleneck._GONE_ANSWERS[m]) == 1

"""A built model's parameters are fixed: an assignment mid-run is refused, not half taken.

The landers read their parameters every day, while the run's length and each unit's figures
are built once from theirs: before this rule, ``m.params.earth.lander_interval_days = 3`` on a
running city changed the landers and nothing else, without a word.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import pytest

from lunarcity.errors import FixedParameterError
from lunarcity.model import LunarCity
from lunarcity.world.scenario import Scenario, resolve_scenario


def _city() -> LunarCity:
    return LunarCity("ten_year_city", run__years=0.05)


def test_assigning_a_built_models_parameter_is_refused_naming_the_override() -> None:
    m = _city()
    m.step()
    before = m.params.earth.lander_interval_days
    with pytest.raises(FixedParameterError) as err:
        m.params.earth.lander_interval_days = 3
    text = str(err.value)
    assert text.startswith("params.earth.lander_interval_days cannot change on a built model")
    assert "LunarCity(..., earth__lander_interval_days=...)" in text
    assert m.params.earth.lander_interval_days == before
    # A whole section, and a unit's override inside a mapping, are refused the same way.
    with pytest.raises(FixedParameterError, match=r"params\.run .*run__<field>=\.\.\."):
        m.params.run = m.params.run
    m2 = LunarCity("ten_year_city", run__years=0.05, units__robot__lifetime_years=3)
    with pytest.raises(FixedParameterError, match="units__robot__lifetime_years=..."):
        m2.params.units["robot"].lifetime_years = 4
    m.step()  # the city goes on


def test_the_scenario_passed_in_stays_the_callers_and_copies_are_free() -> None:
    sc = resolve_scenario("ten_year_city", {"run__years": 0.05})
    m = LunarCity(sc)
    # The caller's scenario is not fixed, and the model does not see a change made to it.
    sc.earth.lander_interval_days = 5
    assert m.params.earth.lander_interval_days != 5
    # A deep copy of the model's parameters is the caller's own: changed, it builds a new city.
    changed = m.params.model_copy(deep=True)
    changed.earth.lander_interval_days = 20
    assert LunarCity(changed).params.earth.lander_interval_days == 20
    # A shallow copy shares the model's sections, which stay fixed.
    shallow = m.params.model_copy()
    with pytest.raises(FixedParameterError):
        shallow.earth.lander_interval_days = 20


def test_a_pickled_model_keeps_its_parameters_fixed() -> None:
    m = pickle.loads(pickle.dumps(_city()))
    with pytest.raises(FixedParameterError):
        m.params.earth.lander_payload_t = 1.0


def test_a_deep_copied_model_keeps_its_parameters_fixed() -> None:
    # copy.deepcopy of a city deep-copies its parameters, and a deep copy of parameters is free
    # to change: without fixing them again on restore, the copy's were half taken as before.
    m = _city()
    m.step()
    twin = copy.deepcopy(m)
    with pytest.raises(FixedParameterError, match=r"^params\.earth\.lander_payload_t cannot"):
        twin.params.earth.lander_payload_t = 1.0
    with pytest.raises(FixedParameterError):
        twin.params.units = {}
    assert twin.params is not m.params and twin.params == m.params
    twin.step()  # the copy goes on


def test_an_entry_named_as_its_mapping_is_named_by_its_whole_path() -> None:
    # A target part called "parts" lives at target.parts.parts: the entry's key was dropped from
    # the path when it equalled the mapping's name, and the override named did not exist.
    m = LunarCity(
        "ten_year_city",
        run__years=0.05,
        target__parts__parts__metric="power_mw",
        target__parts__parts__at_least=1.0,
    )
    with pytest.raises(FixedParameterError) as err:
        m.params.target.parts["parts"].at_least = 2.0
    assert str(err.value).startswith("params.target.parts.parts.at_least cannot change")
    assert "LunarCity(..., target__parts__parts__at_least=...)" in str(err.value)


@pytest.mark.parametrize(
    ("assign", "override"),
    [
        # A mapping's override names a key (a unit kind, an item), then a section's field.
        (lambda p: setattr(p, "units", {}), "units__<key>__<field>=..."),
        (lambda p: setattr(p.seed, "units", {}), "seed__units__<key>=..."),
        (lambda p: setattr(p.economy, "make_up", {}), "economy__make_up__<key>=..."),
        (lambda p: setattr(p, "earth", p.earth), "earth__<field>=..."),
        (lambda p: setattr(p, "name", "x"), "name=..."),
    ],
)
def test_a_whole_section_or_mapping_names_the_override_that_reaches_inside_it(
    assign: Callable[[Scenario], None], override: str
) -> None:
    # A mapping's entries are named by key: 'units__<field>' named no override there is.
    m = _city()
    with pytest.raises(FixedParameterError) as err:
        assign(m.params)
    assert f"LunarCity(..., {override})" in str(err.value)

"""Property-based tests: whatever text arrives, the loaders answer with a Scenario or an InputError.

Garbled copies of the real preset, random YAML of nested mappings, lists and scalars (with real
field names mixed in so documents get past the first level), real data with one leaf replaced,
and binary-ish text. Anything other than :class:`lunarcity.errors.InputError` escaping is a bug
in the loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lunarcity.errors import InputError
from lunarcity.world.catalog import default_catalog
from lunarcity.world.scenario import Scenario, load_scenario_text
from lunarcity.world.scenario_overrides import preset_paths
from lunarcity.world.yamlio import parse_yaml

PRESET = preset_paths()["ten_year_city"].read_text(encoding="utf-8")
PRESET_DATA = yaml.safe_load(PRESET)
CATALOG = default_catalog()
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _names() -> list[str]:
    names = set(Scenario.model_fields)
    for field in Scenario.model_fields.values():
        names |= set(getattr(field.annotation, "model_fields", {}))
    names |= set(CATALOG.units) | set(CATALOG.items) | set(CATALOG.sites)
    return sorted(names)


NAMES = _names()


def check_scenario_text(text: str) -> None:
    """Load ``text``: a Scenario, or an InputError with a one-line message; nothing else."""
    try:
        result = load_scenario_text(text, "fuzz.yaml", catalog=CATALOG)
    except InputError as exc:
        message = exc.render()
        assert message and "Traceback" not in message
        assert "\n" not in message, message
        assert exc.file == "fuzz.yaml"
        assert exc.line is None or exc.line >= 1
    else:
        assert isinstance(result, Scenario)


def check_parse(text: str) -> None:
    try:
        parse_yaml(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.file == "fuzz.yaml"


# -- garbled copies of the real preset -----------------------------------------------------------
edits = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "replace"]),
        st.integers(min_value=0, max_value=len(PRESET)),
        st.integers(min_value=1, max_value=40),
        st.text(
            alphabet=st.sampled_from(list(" \t\n:-,[]{}&*!|>'\"#%@`?0123456789.eE+xyz_\\")),
            max_size=8,
        ),
    ),
    min_size=1,
    max_size=6,
)


def garble(text: str, ops: list[tuple[str, int, int, str]]) -> str:
    for op, at, length, chunk in ops:
        at = min(at, len(text))
        if op == "delete":
            text = text[:at] + text[at + length :]
        elif op == "insert":
            text = text[:at] + chunk + text[at:]
        else:
            text = text[:at] + chunk + text[at + len(chunk) :]
    return text


@FUZZ
@given(edits)
@example([("replace", PRESET.index("lander_failure_prob: 0.05") + 21, 4, "1.50")])
@example([("delete", PRESET.index("seed:\n"), 1, "")])
@example([("insert", PRESET.index("site:"), 1, "&a [*a]\n")])
def test_garbled_preset(ops: list[tuple[str, int, int, str]]) -> None:
    text = garble(PRESET, ops)
    check_scenario_text(text)
    check_parse(text)


# -- random YAML documents ------------------------------------------------------------------------
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(NAMES),
)
keys = st.one_of(st.sampled_from(NAMES), st.text(max_size=10), st.integers(-5, 5))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


@FUZZ
@given(documents)
@example({"a\nb": 1})
@example({"seed": {"units": {"rob\u2028ot": 1}}})
@example({"earth": {"lander_interval_days": "x\ny"}})
@example({"units": {"robot": {"duty_fraction": 0.0}}})
@example({"target": {"parts": {"p": {"metric": "closur", "at_least": 1}}}})
@example({"earth": [1, 2]})
def test_random_yaml_documents(doc: Any) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True)
    check_scenario_text(text)
    check_parse(text)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


PRESET_PATHS = _paths(PRESET_DATA)


@FUZZ
@given(st.sampled_from(PRESET_PATHS), documents)
def test_preset_with_one_value_replaced(path: tuple, value: Any) -> None:
    import copy

    data = copy.deepcopy(PRESET_DATA)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    check_scenario_text(yaml.safe_dump(data, allow_unicode=True))


# -- binary-ish text ------------------------------------------------------------------------------
@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        st.binary(max_size=200).map(lambda b: b.decode("utf-8", errors="replace")),
        st.text(max_size=200),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=100).map(
            lambda t: PRESET[:300] + t
        ),
    )
)
@example("\x00")
@example("\ufeffname: x\n")
@example("x: 2001-13-45\n")
@example("? [a]\n: 1\n")
@example("!!binary AAAA\n")
@example("run: {years: !!float nan}\n")
@example("earth: {lander_interval_days: 1e999}\n")
@example("a: &x [*x]\n")
@example("[" * 2000)
@example("- " * 500 + "1")
def test_binary_ish_text(text: str) -> None:
    check_scenario_text(text)
    check_parse(text)


def test_a_bad_date_gives_its_line() -> None:
    try:
        parse_yaml("name: x\nwhen: 2001-13-45\n", "f.yaml")
    except InputError as exc:
        assert exc.line == 2 and exc.file == "f.yaml" and "month" in exc.message
    else:
        raise AssertionError("an impossible date was accepted")


def test_the_preset_itself_loads() -> None:
    assert load_scenario_text(PRESET, catalog=CATALOG).name == "ten_year_city"
    assert Path(preset_paths()["ten_year_city"]).is_file()

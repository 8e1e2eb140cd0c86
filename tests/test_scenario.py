"""Scenario resolution: dotted paths and ``__`` keywords, precedence, and unknown paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from lunarcity.errors import InputError
from lunarcity.world.scenario import Scenario, load_scenario_text, resolve_scenario
from lunarcity.world.scenario_overrides import kwargs_to_paths, parse_set, preset_paths

REPO = Path(__file__).resolve().parent.parent


def test_presets_are_the_models_folder() -> None:
    assert set(preset_paths()) == {p.stem for p in (REPO / "models").glob("*.yaml")}
    assert "ten_year_city" in preset_paths()


def test_default_scenario_is_the_ten_year_city() -> None:
    sc = resolve_scenario()
    assert sc.name == "ten_year_city"
    assert (
        sc == resolve_scenario("ten_year_city") == resolve_scenario(preset_paths()["ten_year_city"])
    )
    assert sc.days == round(sc.run.years * 365.25)


@pytest.mark.parametrize(
    ("dotted", "keyword", "value"),
    [
        ("earth.lander_interval_days", "earth__lander_interval_days", 7),
        ("mass_driver.max_accel_g", "mass_driver__max_accel_g", 30.0),
        ("planner.policy", "planner__policy", "fixed_mix"),
        ("units.robot.failures_per_year", "units__robot__failures_per_year", 0.5),
        ("economy.unlimited_power", "economy__unlimited_power", True),
        ("run.years", "run__years", 2),
    ],
)
def test_set_and_keyword_overrides_give_the_same_scenario(
    dotted: str, keyword: str, value: object
) -> None:
    text = value if isinstance(value, str) else str(value).lower()
    from_set = resolve_scenario("ten_year_city", sets=[f"{dotted}={text}"])
    from_keywords = resolve_scenario("ten_year_city", overrides={keyword: value})
    from_dotted = resolve_scenario("ten_year_city", overrides={dotted: value})
    assert from_set == from_keywords == from_dotted
    assert from_set != resolve_scenario("ten_year_city")
    node = from_set
    for part in dotted.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    assert node == value


def test_kwargs_to_paths() -> None:
    assert kwargs_to_paths({"earth__lander_interval_days": 7, "name": "x"}) == {
        "earth.lander_interval_days": 7,
        "name": "x",
    }


def test_parse_set_reads_yaml_scalars() -> None:
    assert parse_set(["a.b=7", "c=0.5", "d=true", "e=fixed_mix", "f= 2 "]) == {
        "a.b": 7,
        "c": 0.5,
        "d": True,
        "e": "fixed_mix",
        "f": 2,
    }


def test_precedence_sets_over_overrides_over_file_over_defaults(tmp_path: Path) -> None:
    default = Scenario().mass_driver.kick_stage_kg
    file = tmp_path / "mine.yaml"
    file.write_text("name: mine\nmass_driver:\n  kick_stage_kg: 100\n  efficiency: 0.8\n")
    assert default is None  # sized by the rocket equation unless a scenario fixes it
    assert resolve_scenario(file).mass_driver.kick_stage_kg == 100  # file over defaults
    assert resolve_scenario(file).mass_driver.max_accel_g == Scenario().mass_driver.max_accel_g
    with_overrides = resolve_scenario(file, overrides={"mass_driver__kick_stage_kg": 50})
    assert with_overrides.mass_driver.kick_stage_kg == 50  # overrides over file
    assert with_overrides.mass_driver.efficiency == 0.8  # the rest of the section stays
    both = resolve_scenario(
        file,
        overrides={"mass_driver__kick_stage_kg": 50, "earth.lander_payload_t": 80},
        sets=["mass_driver.kick_stage_kg=25"],
    )
    assert both.mass_driver.kick_stage_kg == 25  # command line over overrides
    assert both.earth.lander_payload_t == 80
    # The preset itself: its file value is not the default, and an override wins over it.
    preset = resolve_scenario("ten_year_city")
    assert preset.planner.produce_share != Scenario().planner.produce_share
    assert (
        resolve_scenario("ten_year_city", sets=["planner.produce_share=0.9"]).planner.produce_share
        == 0.9
    )


def test_overrides_apply_to_a_scenario_object_and_raw_data() -> None:
    base = resolve_scenario("ten_year_city")
    again = resolve_scenario(base, overrides={"earth__lander_interval_days": 3})
    assert again.earth.lander_interval_days == 3
    assert again.name == "ten_year_city"
    raw = resolve_scenario({"name": "raw"}, sets=["site.name=equator"])
    assert raw.site.name == "equator" and raw.name == "raw"


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("earth.lander_intervall_days", "did you mean 'lander_interval_days'"),
        ("eart.lander_interval_days", "did you mean 'earth'"),
        ("mass_driver.max_acel_g", "did you mean 'max_accel_g'"),
        ("units.robot.failure_per_year", "did you mean 'failures_per_year'"),
    ],
)
def test_unknown_path_says_did_you_mean(path: str, hint: str) -> None:
    for kwargs in ({"sets": [f"{path}=1"]}, {"overrides": {path.replace(".", "__"): 1}}):
        with pytest.raises(InputError) as info:
            resolve_scenario("ten_year_city", **kwargs)
        assert hint in str(info.value)
        assert "unknown parameter" in str(info.value)
        assert info.value.valid  # the valid names at that level


@pytest.mark.parametrize("item", ["earth.lander_interval_days.x=1", "earth..x=1", "=3", "noequals"])
def test_malformed_set_items_are_input_errors(item: str) -> None:
    with pytest.raises(InputError):
        resolve_scenario("ten_year_city", sets=[item])


def test_an_override_is_validated_like_the_file() -> None:
    with pytest.raises(InputError, match="less than or equal to 1"):
        resolve_scenario("ten_year_city", sets=["earth.lander_failure_prob=1.5"])
    with pytest.raises(InputError, match="unknown unit kind 'robbot'"):
        resolve_scenario("ten_year_city", overrides={"seed__units__robbot": 3})


def test_load_scenario_text_matches_the_file() -> None:
    path = preset_paths()["ten_year_city"]
    assert load_scenario_text(path.read_text(), str(path)) == resolve_scenario(path)
    assert load_scenario_text("") == Scenario()


def test_non_finite_numbers_are_rejected() -> None:
    for text in (".inf", ".nan", "1e999", "-.inf"):
        with pytest.raises(InputError, match="finite"):
            load_scenario_text(f"earth:\n  lander_interval_days: {text}\n")

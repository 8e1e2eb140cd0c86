"""The command line as people and scripts use it: subprocesses, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lunarcity.world.scenario_overrides import preset_paths

REPO = Path(__file__).resolve().parent.parent
UNIT_FIELDS = {"mass_kg", "regolith_kg", "energy_kwh", "imported_kg", "bom_closure"}
CHAIN_FIELDS = {"fabs", "robots", "power_kw", "regolith_t_per_yr", "imports_t_per_yr"}


def only_json(stdout: str) -> dict:
    """stdout parsed as JSON: it must hold one JSON object and nothing else."""
    data = json.loads(stdout)
    assert isinstance(data, dict)
    return data


def test_help_lists_the_foundation_commands(cli) -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in ("scenarios", "validate", "graph", "schema"):
        assert command in result.stdout


def test_no_command_is_a_usage_error(cli) -> None:
    result = cli()
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_scenarios_lists_every_preset(cli) -> None:
    result = cli("scenarios")
    assert result.returncode == 0, result.stderr
    for name in preset_paths():
        assert name in result.stdout
    data = only_json(cli("scenarios", "--json").stdout)
    assert {row["name"] for row in data["scenarios"]} == set(preset_paths())


def test_validate_everything(cli) -> None:
    result = cli("validate")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.endswith(")") and "data: ok" in line for line in lines)
    for path in preset_paths().values():
        assert f"{path}: ok" in result.stdout


@pytest.mark.parametrize("preset", sorted(preset_paths()))
def test_validate_each_preset(cli, preset: str) -> None:
    result = cli("validate", preset)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{preset_paths()[preset]}: ok (scenario ")


def test_validate_the_data_folder(cli) -> None:
    result = cli("validate", REPO / "data")
    assert result.returncode == 0, result.stderr
    assert "ok (" in result.stdout and "recipes" in result.stdout


def test_graph_json_has_every_unit_kind(cli) -> None:
    result = cli("graph", "--json")
    assert result.returncode == 0, result.stderr
    data = only_json(result.stdout)
    units = set(only_json(cli("graph", "--json", "--unit", "robot").stdout))
    assert units == {"robot"}
    from lunarcity.world.catalog import default_catalog

    assert set(data) == set(default_catalog().units)
    for unit, totals in data.items():
        assert set(totals) >= UNIT_FIELDS, unit
        assert 0.0 <= totals["bom_closure"] <= 1.0, unit
        assert totals["mass_kg"] > 0 and totals["regolith_kg"] >= 0 and totals["energy_kwh"] >= 0
        assert 0.0 <= totals["imported_kg"] <= totals["mass_kg"] * (1 + 1e-9), unit


def test_graph_at_another_site_and_with_set(cli, tmp_path: Path) -> None:
    polar = only_json(cli("graph", "--json", "--unit", "robot").stdout)["robot"]
    equator = only_json(
        cli("graph", "--json", "--unit", "robot", "--set", "site.name=equator").stdout
    )["robot"]
    scenario = tmp_path / "equator.yaml"
    scenario.write_text("name: eq\nsite:\n  name: equator\n", encoding="utf-8")
    from_file = only_json(cli("graph", scenario, "--json", "--unit", "robot").stdout)["robot"]
    assert from_file == equator
    # A robot by hand (data/units.yaml, data/recipes.yaml): Al 1,465 kg (structure 960 + 100,
    # wire 150 + 120 + 60, electronics 60, storage cells 15) and Fe 653.75 kg (structure 240 +
    # 25, coils 180, bearings (100 + 75) x 1.05, storage cells 25), glass 65 kg. Highland: a
    # tonne gives 184.78 kg of ferrosilicon, of which silicon refining leaves 29.308 % as the
    # iron alloy: 54.157 kg; iron binds, 653.75 / 0.054157 = 12,071 kg (its 638.5 kg of slag a
    # tonne, 7,708 kg, hold more than the 1,465 / 0.30015 + 65 = 4,946 kg the Al and glass
    # need). Mare: 255.04 kg of ferrosilicon, 51.968 % left as iron: 132.54 kg a tonne, so
    # iron needs only 4,932 kg; slag binds, 555.82 kg a tonne, its alloy 291.27 kg a tonne of
    # slag: (1,465 / 0.29127 + 65) / 0.55582 = 9,166 kg.
    assert polar["regolith_kg"] == pytest.approx(12071.4, rel=1e-4)
    assert equator["regolith_kg"] == pytest.approx(9166.2, rel=1e-4)
    assert equator["mass_kg"] == polar["mass_kg"]


def test_graph_rate_json(cli) -> None:
    result = cli("graph", "--rate", "ai_satellite=1000/yr", "--json")
    assert result.returncode == 0, result.stderr
    chain = only_json(result.stdout)
    assert set(chain) >= CHAIN_FIELDS
    # The data's satellite: 160 kg of compute modules (half chips) and 143 kg of electronics
    # (a tenth chips), 94.3 kg of chips, and the salt and anodes of its aluminium. Al by hand:
    # solar cells 563 x 0.05 = 28.15, structure 1111 x 0.8 = 888.8, compute modules 160 x (0.3
    # + 0.2 wire) = 80, electronics 143 x (0.3 + 0.3 wire) = 85.8: 1,082.75 kg, at 33 kg of salt
    # and anode per 300.15 kg of alloy (test_economy.test_bom_closure_of_known_units).
    assert chain["imports_t_per_yr"] == pytest.approx(
        160 * 0.5 + 143 * 0.1 + 1082.75 * 33 / 300.15, rel=1e-4
    )
    assert chain["robots"] > 0 and chain["power_kw"] > 0 and chain["regolith_t_per_yr"] > 310
    assert set(chain["fabs"]) == {"regolith_plant", "metal_works", "solar_fab", "electronics_fab"}


@pytest.mark.parametrize(
    ("text", "kind", "per_year"),
    [
        ("ai_satellite=1000/yr", "ai_satellite", 1000.0),
        ("ai_satellite=1000", "ai_satellite", 1000.0),
        (" robot = 2 / day ", "robot", 2 * 365.25),
        ("robot=1e3/year", "robot", 1000.0),
    ],
)
def test_rate_forms(text: str, kind: str, per_year: float) -> None:
    from lunarcity.commands.graph import parse_rate

    assert parse_rate(text) == (kind, pytest.approx(per_year))


def test_graph_rate_per_day(cli) -> None:
    per_year = only_json(cli("graph", "--rate", "robot=365.25/yr", "--json").stdout)
    per_day = only_json(cli("graph", "--rate", "robot=1/day", "--json").stdout)
    assert per_day["robots"] == pytest.approx(per_year["robots"])


def test_graph_tables_for_people(cli) -> None:
    table = cli("graph")
    assert table.returncode == 0, table.stderr
    assert "ai_satellite" in table.stdout and "bom closure" in table.stdout
    chain = cli("graph", "--rate", "ai_satellite=1000/yr")
    assert chain.returncode == 0, chain.stderr
    assert "chips" in chain.stdout and "regolith" in chain.stdout


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["graph", "--unit", "robbot"], "did you mean 'robot'"),
        (["graph", "--rate", "ai_satelite=10/yr"], "did you mean 'ai_satellite'"),
        (["graph", "--rate", "ai_satellite=lots"], "not a rate"),
        (["graph", "--rate", "ai_satellite=0/yr"], "positive"),
        (
            ["graph", "--set", "earth.lander_intervall_days=7"],
            "did you mean 'lander_interval_days'",
        ),
        (["graph", "ten_year_citty"], "did you mean 'ten_year_city'"),
        (["validate", "no_such_preset"], "no preset or file"),
        (["graph", "--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_command_line_values(cli, args: list[str], expect: str) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert expect in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_schema_is_a_json_schema_that_accepts_the_presets(cli) -> None:
    import jsonschema  # declared in the dev extra
    import yaml

    result = cli("schema")
    assert result.returncode == 0, result.stderr
    schema = only_json(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in preset_paths().values():
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
        assert not errors, (path, errors[0].message)
    assert list(validator.iter_errors({"earth": {"lander_intervall_days": 7}}))
    assert list(validator.iter_errors({"earth": {"lander_failure_prob": 1.5}}))


# -- bad input: exit 2, one clear line on stderr, no traceback ----------------------------------
# Each case: a maker of the bad file or folder, the file the message names, the line it gives
# (a number, the text of that line, or None where the parser gives none), the field, and texts
# the message must hold (what is wrong and what would be valid).
def _scenario(text: str):
    def write(folder: Path) -> Path:
        path = folder / "bad.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _data(file: str, old: str, new: str):
    def write(folder: Path) -> Path:
        data = folder / "data"
        shutil.copytree(REPO / "data", data)
        text = (data / file).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} not found once in {file}"
        (data / file).write_text(text.replace(old, new), encoding="utf-8")
        return data

    return write


BAD_INPUT = [
    pytest.param(
        _scenario("name: x\nearth:\n  lander_interval_days: [7, 14\nrun:\n  years: 1\n"),
        "bad.yaml",
        4,
        None,
        ["malformed YAML", "flow sequence (opened on line 3)"],
        id="malformed-yaml",
    ),
    pytest.param(
        _scenario("name: x\nearth:\n  lander_intervall_days: 7\n"),
        "bad.yaml",
        3,
        "earth",
        ["unknown field 'lander_intervall_days'", "did you mean 'lander_interval_days'", "valid:"],
        id="unknown-field",
    ),
    pytest.param(
        _scenario("name: x\nearth:\n  lander_interval_days: soon\n"),
        "bad.yaml",
        3,
        "earth.lander_interval_days",
        ["valid number", "'soon'"],
        id="wrong-type",
    ),
    pytest.param(
        _scenario("name: x\nearth: 5\n"),
        "bad.yaml",
        2,
        "earth",
        ["expected a mapping", "valid:", "lander_interval_days"],
        id="section-not-a-mapping",
    ),
    pytest.param(
        _scenario("- name: x\n- run: {years: 1}\n"),
        "bad.yaml",
        None,
        None,
        ["a scenario must be a mapping of sections", "valid: sections", "earth"],
        id="scenario-not-a-mapping",
    ),
    pytest.param(
        _data("recipes.yaml", "\nrecipes:\n", "\n- recipes:\n"),
        "recipes.yaml",
        None,
        None,
        ["expected a mapping at the top of the file", "valid: top-level keys recipes"],
        id="data-file-not-a-mapping",
    ),
    pytest.param(
        _data("units.yaml", "    mass_kg: 2200\n", "    mass_kg: -2200\n"),
        "units.yaml",
        "    mass_kg: -2200",
        "units.robot.mass_kg",
        ["greater than 0", "-2200"],
        id="negative-mass",
    ),
    pytest.param(
        _scenario("name: x\nmass_driver:\n  kick_stage_kg: -5\n"),
        "bad.yaml",
        3,
        "mass_driver.kick_stage_kg",
        ["greater than or equal to 0", "-5"],
        id="negative-scenario-mass",
    ),
    pytest.param(
        _scenario("name: x\nearth:\n  lander_interval_days: 10\n  lander_failure_prob: 1.5\n"),
        "bad.yaml",
        4,
        "earth.lander_failure_prob",
        ["less than or equal to 1", "1.5"],
        id="probability-above-1",
    ),
    pytest.param(
        _scenario("name: x\nseed:\n  units:\n    robot: 4\n    robbot: 3\n"),
        "bad.yaml",
        5,
        "seed.units.robbot",
        ["unknown unit kind 'robbot'", "did you mean 'robot'", "valid:"],
        id="unknown-unit-kind",
    ),
    pytest.param(
        _scenario("name: x\nplanner:\n  policy: grow\n"),
        "bad.yaml",
        3,
        "planner.policy",
        ["'grow_then_produce'", "'grow'"],
        id="unknown-policy",
    ),
    pytest.param(
        _data(
            "recipes.yaml",
            "    inputs: {aluminium: 1000}\n    outputs: {wire: 1000}",
            "    inputs: {aluminium: 900, magnets_coils: 100}\n    outputs: {wire: 1000}",
        ),
        "recipes.yaml",
        None,
        "recipes.",
        ["recipe cycle", "recipe:wire", "recipe:magnets_coils", "valid:"],
        id="recipe-cycle",
    ),
    pytest.param(
        _data("recipes.yaml", "outputs: {glass: 1000}", "outputs: {glass: 990}"),
        "recipes.yaml",
        "  glass_casting:",
        "recipes.glass_casting",
        ["does not conserve mass", "inputs 1000 kg, outputs 990 kg", "valid:"],
        id="unbalanced-recipe",
    ),
    pytest.param(
        _data("units.yaml", "role: robot", "role: robots"),
        "units.yaml",
        "    role: robots",
        "units.robot.role",
        ["'robot'", "'robots'"],
        id="unknown-role",
    ),
]


@pytest.mark.parametrize(("make", "file", "line", "field", "expect"), BAD_INPUT)
def test_validate_bad_input(cli, tmp_path: Path, make, file, line, field, expect) -> None:
    path = make(tmp_path)
    result = cli("validate", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert message.startswith("lunarcity: error: ")
    if isinstance(line, str):  # the line of the file that reads so
        text = (path / file if path.is_dir() else path).read_text(encoding="utf-8").splitlines()
        line = text.index(line) + 1
    located = f"{file}:{line}: " if line else f"{file}:"
    assert located in message, message
    assert str(tmp_path) in message, message  # the full path of the file at fault
    if field:
        assert f": {field}" in message, message
    for text in expect:
        assert text in message, message


def test_validate_a_recipe_cycle_gives_the_line_of_a_recipe_in_it(cli, tmp_path: Path) -> None:
    make = _data(
        "recipes.yaml",
        "    inputs: {aluminium: 1000}\n    outputs: {wire: 1000}",
        "    inputs: {aluminium: 900, magnets_coils: 100}\n    outputs: {wire: 1000}",
    )
    data = make(tmp_path)
    message = cli("validate", data).stderr
    where = message.split("recipes.yaml:")[1].split(":")[0]
    text = (data / "recipes.yaml").read_text().splitlines()[int(where) - 1]
    assert text.strip() in ("wire:", "magnets_coils:"), text


def _python_prints(code: str, cwd: Path) -> str:
    """What ``python -c code`` prints, in a fresh interpreter (it must exit 0)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_economy_commands_start_without_the_model(tmp_path: Path) -> None:
    # `lunarcity graph` builds only its own subcommand: Mesa and pandas are for `run`.
    code = (
        "import sys, contextlib, io\n"
        "from lunarcity.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['graph', '--unit', 'robot', '--json']) == 0\n"
        "print(sorted(m for m in ('mesa', 'pandas', 'solara') if m in sys.modules))\n"
    )
    assert _python_prints(code, tmp_path).strip() == "[]"


def test_the_program_freezes_its_imports_and_a_call_inside_a_program_does_not(
    tmp_path: Path,
) -> None:
    # The program (console script, python -m) keeps its imports out of the cycle collector's
    # view; main() called inside another program (a notebook, these tests) leaves the
    # collector as it was, or garbage waiting for it there would never be freed.
    code = (
        "import contextlib, gc, io, sys\n"
        "from lunarcity.cli import entry, main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['scenarios']) == 0\n"
        "    called = gc.get_freeze_count()\n"
        "    sys.argv = ['lunarcity', 'scenarios']\n"
        "    assert entry() == 0\n"
        "print(called, gc.get_freeze_count() > 0)\n"
    )
    assert _python_prints(code, tmp_path).split() == ["0", "True"]

"""The README's examples of adding a material, a unit kind and a scenario are valid and run.

Each ```yaml block in README.md starts with a comment naming where it goes:
``# data/<file>.yaml, under <key>:`` (merged into a copy of the data) or
``# scenario: <name>.yaml`` (a scenario file). The merged data must load, build an economy at
every site, keep every number sourced, and carry a city for a few days.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_data import unsourced_numbers

from lunarcity.commands.validate import validate_data
from lunarcity.model import LunarCity
from lunarcity.world.catalog import Catalog
from lunarcity.world.scenario import resolve_scenario

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
DATA_TARGET = re.compile(r"^#\s*(data/\w+\.yaml), under (\w+):\s*$")
SCENARIO_TARGET = re.compile(r"^#\s*scenario:\s*(\S+\.yaml)\s*$")


def yaml_blocks(markdown: str) -> list[str]:
    """The bodies of the ```yaml fenced blocks."""
    return re.findall(r"^```ya?ml\n(.*?)^```", markdown, flags=re.S | re.M)


def examples() -> tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, str]]]:
    """(file, key, entries) for data examples; (file name, text) for scenario examples."""
    data, scenarios = [], []
    for block in yaml_blocks(README):
        first = block.splitlines()[0]
        if m := DATA_TARGET.match(first):
            data.append((m.group(1), m.group(2), yaml.safe_load(block)))
        elif m := SCENARIO_TARGET.match(first):
            scenarios.append((m.group(1), block))
    return data, scenarios


@pytest.fixture
def extended_data(tmp_path: Path) -> Path:
    """A copy of data/ with the README's data examples merged in."""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    for file, key, entries in examples()[0]:
        path = tmp_path / file
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        clash = set(entries) & set(doc[key])
        assert not clash, f"README example redefines {sorted(clash)} in {file}"
        doc[key].update(entries)
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return folder


def test_readme_has_the_three_examples() -> None:
    data, scenarios = examples()
    assert {(file, key) for file, key, _ in data} >= {
        ("data/materials.yaml", "items"),
        ("data/recipes.yaml", "recipes"),
        ("data/units.yaml", "units"),
    }
    assert scenarios


def test_data_examples_validate(extended_data: Path) -> None:
    report = validate_data(extended_data)  # every site's economy, recipes balanced, boms whole
    assert "ok" in report
    catalog = Catalog.load(extended_data)
    for file, key, entries in examples()[0]:
        assert set(entries) <= set(getattr(catalog, key)), (file, key)
        doc = yaml.safe_load((extended_data.parent / file).read_text(encoding="utf-8"))
        assert not unsourced_numbers(doc), f"{file}: the README example leaves numbers unsourced"


@pytest.mark.parametrize("name_text", examples()[1], ids=lambda nt: nt[0])
def test_scenario_examples_run(
    name_text: tuple[str, str], extended_data: Path, tmp_path: Path
) -> None:
    name, text = name_text
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    catalog = Catalog.load(extended_data)
    assert not unsourced_numbers(yaml.safe_load(text))
    # Valid with the package's data and with the README's additions.
    resolve_scenario(path)
    scenario = resolve_scenario(path, {"run.years": 3}, catalog=catalog)
    model = LunarCity(scenario, catalog=catalog)
    while model.running:
        model.step()
    summary = model.summary()
    assert summary["days_simulated"] == scenario.days
    assert summary["industrial_mass_t"] > 0
    assert summary["mass_balance_rel_error"] < 1e-9
    if name == "basalt_nights.yaml":
        # What the README says it does: nights carried by the new thermal banks.
        assert summary["units"]["storage_bank"] == 0
        assert summary["units"]["thermal_bank"] > 0

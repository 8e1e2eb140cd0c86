"""The preset tables in docs/MODEL.md and README.md are what the code gives now.

They are written by docs/generate.py from fresh runs of every preset over its study's horizon;
this test reruns them and compares the text, so a committed figure cannot go stale.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lunarcity.studies import BEGIN, END, Figure, preset_table, replace_section

REPO = Path(__file__).resolve().parents[1]


def test_replace_section_swaps_only_the_marked_part() -> None:
    text = f"before\n{BEGIN}\nold\n{END}\nafter\n"
    table = preset_table([Figure("p", "f", "1 t", "2 t", 2.0)])
    out = replace_section(text, table)
    assert out.startswith("before\n") and out.endswith(f"{END}\nafter\n")
    assert "| `p` | f | 1 t | 2 t | 2 |" in out and "old" not in out
    with pytest.raises(ValueError):
        replace_section("no markers", table)


def test_committed_tables_match_fresh_runs() -> None:
    table = preset_table()
    for path in (REPO / "docs" / "MODEL.md", REPO / "README.md"):
        text = path.read_text(encoding="utf-8")
        assert replace_section(text, table) == text, f"{path.name} is stale: run docs/generate.py"


def _thesis_answer():  # noqa: ANN202 - the docs script, imported by path (docs/ is no package)
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "thesis_answer", REPO / "docs" / "thesis_answer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_thesis_100_gw_section_matches_a_fresh_default_run() -> None:
    """docs/THESIS.md's 'What 100 GW/yr needs' is what the script computes from a fresh run."""
    import lunarcity

    answer = _thesis_answer()
    result = lunarcity.run("ten_year_city")
    fresh = answer.target_section(result, None)  # the sweep's line is the one it leaves out
    committed = (REPO / "docs" / "THESIS.md").read_text(encoding="utf-8").splitlines()
    missing = [line for line in fresh if line and line not in committed]
    assert not missing, f"THESIS.md is stale (run docs/thesis_answer.py): {missing[:3]}"
    # Worked by hand from the data: 100 GW / 40 kW per satellite (data/satellites.yaml) is
    # 2.5 million satellites a year; each landing takes 15 tankers + 1 lander = 16 launches.
    assert "| satellites | 2,500,000 | 100 GW / 40 kW each |" in fresh
    landings = next(line for line in fresh if line.startswith("| landings |"))
    launches = next(line for line in fresh if line.startswith("| Earth launches, lunar route |"))
    n_landings = float(landings.split("|")[2].replace(",", ""))
    n_launches = float(launches.split("|")[2].replace(",", ""))
    assert abs(n_launches - 16 * n_landings) <= 16  # both rounded to whole numbers in the text

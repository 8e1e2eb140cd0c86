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

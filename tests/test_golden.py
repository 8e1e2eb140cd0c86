"""Results are pinned: every preset's daily table and summary against committed digests.

A change that moves any result fails here until ``python tests/golden/digests.py --write``
regenerates the digests in a commit of its own that says why results changed. On the Python
that wrote them the check is bit for bit; on another Python (other numpy and SciPy builds)
integer and text columns must still be equal and floats agree to 1e-12 relative.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent / "golden"))
import digests  # noqa: E402

WANT = json.loads(digests.DIGESTS.read_text())
HINT = "results changed: if meant, run `python tests/golden/digests.py --write` and say why"


def _same_values(got: Any, want: Any, path: str = "") -> list[str]:
    """Paths where two JSON values differ (floats within 1e-12 relative)."""
    if isinstance(want, dict) and isinstance(got, dict):
        if set(got) != set(want):
            return [f"{path}: keys {sorted(set(got) ^ set(want))}"]
        return [d for k in want for d in _same_values(got[k], want[k], f"{path}.{k}")]
    if isinstance(want, list) and isinstance(got, list) and len(got) == len(want):
        return [
            d
            for i, (g, w) in enumerate(zip(got, want, strict=True))
            for d in _same_values(g, w, f"{path}[{i}]")
        ]
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        return (
            [] if digests.close(float(got), want, name=path) else [f"{path}: {got!r} != {want!r}"]
        )
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]


def _mismatches(name: str, got: dict, want: dict, same_python: bool) -> list[str]:
    """Why ``got`` differs from the committed digest ``want`` (empty when it matches)."""
    found: list[str] = []
    if got["rows"] != want["rows"]:
        return [f"{name}: {got['rows']} rows, the digest has {want['rows']}"]
    for col, h in want["columns"].items():
        if col in want["float_samples"] and not same_python:
            continue
        if got["columns"].get(col) != h:
            found.append(f"{name}: column {col} differs")
    for col, values in want["float_samples"].items():
        bad = [
            (i, g, w)
            for i, (g, w) in enumerate(zip(got["float_samples"][col], values, strict=True))
            if not digests.close(g, w, name=col)
        ]
        if bad:
            found.append(f"{name}: {col} differs at samples {bad[:3]}")
    diffs = _same_values(got["summary_values"], want["summary_values"])
    if diffs:
        found.append(f"{name}: summary differs at {diffs[:5]}")
    if same_python and got["summary"] != want["summary"]:
        found.append(f"{name}: summary not bit for bit")
    return found


@pytest.mark.parametrize("name", list(digests.RUNS))
def test_results_match_the_golden_digests(name: str) -> None:
    got, want = digests.compute(name), WANT[name]
    same_python = got["python"] == want["python"]
    found = _mismatches(name, got, want, same_python)
    assert not found, f"{found[:3]}; {HINT}"


def test_every_preset_is_pinned() -> None:
    # A preset added to models/ without a golden run would change unseen: each one is pinned,
    # as shipped (no overrides), with its summary and its daily table.
    from lunarcity.world.scenario_overrides import preset_paths

    shipped = {name for name, spec in digests.RUNS.items() if set(spec) == {"scenario"}}
    assert set(preset_paths()) <= {digests.RUNS[n]["scenario"] for n in shipped}
    for name in shipped:
        assert {"summary", "summary_values", "columns"} <= set(WANT[name]), name

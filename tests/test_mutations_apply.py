"""The mutation runner stays usable: every deliberate bug in tests/mutations/run.py still applies.

The runner itself takes minutes and is not run here; this only checks, in milliseconds, that each
mutation's pattern is still found in the file it breaks, so code that moves is noticed the day it
moves (update the pattern in the table at the top of tests/mutations/run.py).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "mutations" / "run.py"


def test_every_mutation_pattern_still_matches_its_file() -> None:
    spec = importlib.util.spec_from_file_location("mutation_runner", RUNNER)
    runner = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = runner  # its dataclasses look their module up there
    spec.loader.exec_module(runner)
    assert len(runner.MUTATIONS) >= 6
    assert runner.stale_patterns() == []
    # Each names tests that exist in the suite (a renamed test would silently drop out).
    for mutation in runner.MUTATIONS:
        for node in mutation.tests:
            path, _, name = node.partition("::")
            source = (runner.REPO / path).read_text(encoding="utf-8")
            assert not name or f"def {name}(" in source, f"{mutation.name}: {node}"

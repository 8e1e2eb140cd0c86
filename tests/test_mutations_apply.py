"""The mutation runner stays usable: every deliberate bug in tests/mutations/run.py still applies.

The runner itself takes minutes and is not run here; this only checks, in milliseconds, that each
mutation's pattern is still found in the file it breaks, so code that moves is noticed the day it
moves (update the pattern in the table at the top of tests/mutations/run.py), and that the runner
counts a mutant caught only when a named test fails on an assertion, never on an error.
"""

from __future__ import annotations

import importlib.util
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

RUNNER = Path(__file__).resolve().parent / "mutations" / "run.py"


@pytest.fixture(scope="module")
def runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_mutation_pattern_still_matches_its_file(runner: ModuleType) -> None:
    assert len(runner.MUTATIONS) >= 6
    assert runner.stale_patterns() == []
    # Each names tests that exist in the suite (a renamed test would silently drop out).
    for mutation in runner.MUTATIONS:
        for node in mutation.tests:
            path, _, name = node.partition("::")
            source = (runner.REPO / path).read_text(encoding="utf-8")
            assert not name or f"def {name}(" in source, f"{mutation.name}: {node}"


def test_each_issue_30_hole_has_its_mutation(runner: ModuleType) -> None:
    names = {m.name for m in runner.MUTATIONS}
    assert {
        "radiators_t_cubed",
        "payload_to_leo_swapped_with_landed",
        "element_ledger_error_scaled",
        "element_ledger_not_checked",
        "oxygen_never_vented",
        "direct_route_given_lunar_figures",
        "kick_stage_ignores_slow_launch",
    } <= names


# JUnit test cases as pytest writes them: the failure's text ends "path:line: ExceptionType".
CASES = {
    "assert": ('<failure message="assert 1 == 2">E  assert 1 == 2\n\n'
               "tests/test_x.py:6: AssertionError</failure>", "asserted"),
    "raises": ('<failure message="Failed: DID NOT RAISE">E  Failed: DID NOT RAISE\n\n'
               "tests/test_x.py:9: Failed</failure>", "asserted"),
    "exception": ('<failure message="TypeError: x">E  TypeError: x\n\n'
                  "lunarcity/model.py:10: TypeError</failure>", "errored"),
    "assert_in_code": ('<failure message="AssertionError">E  AssertionError\n\n'
                       "lunarcity/stages/jobs.py:99: AssertionError</failure>", "errored"),
    "setup": ('<error message="failed on setup with ValueError">E  ValueError\n\n'
              "tests/conftest.py:4: ValueError</error>", "errored"),
    "skipped": ('<skipped message="no display" />', "errored"),
    "passed": ("", "passed"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_only_an_assertion_in_a_test_file_counts_as_caught(runner: ModuleType, case: str) -> None:
    body, want = CASES[case]
    element = ET.fromstring(f'<testcase classname="tests.test_x" name="test_y">{body}</testcase>')
    assert runner._verdict(element)[0] == want
    assert runner._case_id(element) == ("tests/test_x.py", "test_y")
    assert runner._named("tests/test_x.py::test_y", "tests/test_x.py", "test_y[lunar]")
    assert not runner._named("tests/test_x.py::test_y", "tests/test_x.py", "test_yz")

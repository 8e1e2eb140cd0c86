"""Float sums are the same on every Python: the model adds floats with ``math.fsum`` only.

Python 3.12 changed the builtin ``sum`` of floats to compensated (Neumaier) summation, so the
same list summed on 3.11 and on 3.13 can differ in its last bit; in a model that compares stocks
with what a job needs, one bit decides a day and the trajectories part. ``math.fsum`` is correctly
rounded on every Python. The builtin stays only for integers, on lines that say so.
"""

from __future__ import annotations

import ast
import math
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INTEGERS = "# integers"


def builtin_sums(path: Path) -> list[int]:
    """Line numbers of calls to the builtin ``sum`` in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum"
    ]


def test_model_code_adds_floats_with_fsum_only() -> None:
    offenders = []
    for path in sorted((REPO / "lunarcity").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for n in builtin_sums(path):
            if INTEGERS not in lines[n - 1]:
                offenders.append(f"{path.relative_to(REPO)}:{n}")
    assert not offenders, (
        f"builtin sum() on floats (use math.fsum, or mark {INTEGERS!r}): {offenders}"
    )


def test_the_finder_sees_a_builtin_sum(tmp_path: Path) -> None:
    code = tmp_path / "m.py"
    code.write_text("x = sum([0.1, 0.2])\ny = math.fsum([0.1])\nz = arr.sum()\n")
    assert builtin_sums(code) == [1]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the builtin changed in Python 3.12")
def test_why_the_builtin_is_not_enough() -> None:
    # Worked by hand: left to right, 1e16 + 1.0 rounds back to 1e16 (the spacing of doubles
    # there is 2), so a plain sum gives 0.0; the exact sum is 1.0, which 3.12's compensated
    # builtin and fsum both give. On 3.11 the builtin gives 0.0: the two Pythons disagree.
    values = [1e16, 1.0, -1e16]
    assert math.fsum(values) == 1.0
    assert sum(values) == 1.0  # 3.11 gave 0.0

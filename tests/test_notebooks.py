"""The teaching notebooks in docs/: committed with current outputs, and they run top to bottom.

- Committed with outputs (fast, nothing executed): every code cell was executed, in order, in
  one kernel, with no error and no machine path in what it shows, and the fingerprint the
  notebook records (``docs/notebooks.py``'s :func:`outputs_fingerprint`: its code, the golden
  digests, the data files) is the current one. After a change of results or of a notebook's
  code it fails and names the command that refreshes them: ``python docs/notebooks.py``.
- Runs (slow): each notebook, its outputs cleared, reads ``LUNARCITY_SMALL`` and shrinks its
  runs; nbclient executes it in a fresh kernel of this interpreter. The kernel is declared here
  (a kernelspec installed into a temporary prefix, first on ``JUPYTER_PATH``), so the test never
  depends on a kernel someone installed by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import load_docs_script

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "docs").glob("*.ipynb"))
CELL_TIMEOUT_S = 300
REFRESH = "run `python docs/notebooks.py` to execute and commit them anew"


notebooks_script = load_docs_script("notebooks")


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(book: dict[str, Any]) -> list[dict[str, Any]]:
    return [cell for cell in book["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3, NOTEBOOKS
    assert notebooks_script.notebooks() == NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_with_its_outputs(path: Path) -> None:
    book = _read(path)
    counts = [cell["execution_count"] for cell in _code_cells(book)]
    # Executed top to bottom in one kernel: the counts are 1, 2, 3, ... with none left out.
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: not executed; {REFRESH}"
    assert any(cell["outputs"] for cell in _code_cells(book)), f"{path.name}: no outputs"
    problems = notebooks_script.unclean_outputs(book)
    assert problems == [], f"{path.name}: {problems}; {REFRESH}"
    assert all("execution" not in cell["metadata"] for cell in book["cells"]), "timestamps"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_outputs_are_current(path: Path) -> None:
    book = _read(path)
    recorded = notebooks_script.recorded_fingerprint(book)
    current = notebooks_script.outputs_fingerprint(book)
    assert recorded == current, (
        f"{path.name}: its outputs are stale (its code, the golden digests or data/ changed "
        f"since it was executed); {REFRESH}"
    )


def test_the_fingerprint_follows_the_code_not_the_prose() -> None:
    book = _read(NOTEBOOKS[0])
    base = notebooks_script.outputs_fingerprint(book)
    prose = json.loads(json.dumps(book))
    next(c for c in prose["cells"] if c["cell_type"] == "markdown")["source"] = "changed"
    assert notebooks_script.outputs_fingerprint(prose) == base
    code = json.loads(json.dumps(book))
    _code_cells(code)[-1]["source"] = "print('changed')"
    assert notebooks_script.outputs_fingerprint(code) != base


def test_unclean_outputs_are_found() -> None:
    book = {
        "cells": [
            {"cell_type": "code", "outputs": [{"output_type": "stream", "text": "ok\n"}]},
            {
                "cell_type": "code",
                "outputs": [{"output_type": "stream", "text": ["wrote /tmp/x/a.gif\n"]}],
            },
            {
                "cell_type": "code",
                "outputs": [{"output_type": "error", "ename": "ValueError", "evalue": "bad"}],
            },
        ]
    }
    found = notebooks_script.unclean_outputs(book)
    assert len(found) == 2 and found[0].startswith("cell 1") and "ValueError" in found[1]


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``python3`` kernelspec for this interpreter, in a folder of its own."""
    pytest.importorskip("ipykernel")
    prefix = tmp_path_factory.mktemp("jupyter")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ipykernel",
            "install",
            "--prefix",
            str(prefix),
            "--name",
            "python3",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    spec = json.loads((prefix / "share/jupyter/kernels/python3/kernel.json").read_text())
    assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()
    return prefix / "share" / "jupyter"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(
    path: Path, tmp_path: Path, kernel_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    book = nbformat.read(path, as_version=4)
    # Cleared first, so what passes is this run in this interpreter's kernel, not the outputs
    # committed.
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    monkeypatch.setenv("LUNARCITY_SMALL", "1")
    monkeypatch.delenv("LUNARCITY_DEBUG", raising=False)
    client = nbclient.NotebookClient(
        book,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(tmp_path)}},  # files the notebook writes go here
    )
    client.execute()
    errors = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
    assert all(cell.execution_count for cell in book.cells if cell.cell_type == "code")

"""The teaching notebooks in docs/ run from top to bottom without error (at small sizes).

Each notebook reads ``LUNARCITY_SMALL`` and shrinks its runs; nbclient executes it in a fresh
kernel of this interpreter. The kernel is declared here (a kernelspec installed into a temporary
prefix, first on ``JUPYTER_PATH``), so the test never depends on a kernel someone installed by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "docs").glob("*.ipynb"))
CELL_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``python3`` kernelspec for this interpreter, in a folder of its own."""
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


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3, NOTEBOOKS


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(
    path: Path, tmp_path: Path, kernel_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = nbformat.read(path, as_version=4)
    # Committed without outputs: the docs stay small and diffs readable.
    for cell in book.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: outputs"
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

"""The teaching notebooks in docs/ executed at full size and committed with their outputs.

Run it after any change of results (when ``tests/golden/digests.json`` or data/ changes, beside
``python docs/generate.py``) or after editing a notebook's code; tests/test_notebooks.py fails,
naming this command, as soon as a notebook's outputs are older than what they depend on.

Usage::

    python docs/notebooks.py                 # execute all four and write them (minutes)
    python docs/notebooks.py docs/01_first_city.ipynb   # one
    python docs/notebooks.py --check         # exit 1 if a notebook's outputs are stale

Each notebook runs top to bottom in a fresh kernel of this interpreter with ``LUNARCITY_SMALL``
unset (the real runs), in a temporary working folder (so the files the notebooks write, sweep
results, YAML and GIFs, never land in the checkout), and is written back in place with its
outputs. What a rerun on the same code and results would change is left out, so a second run
writes the same bytes: no execution timestamps, the notebook's metadata as committed (plus the
fingerprint, not the kernel's version details). The fingerprint
(:func:`outputs_fingerprint`) is a SHA-256 over the code cells' sources, the committed golden
digests (they change whenever any result changes) and the data files; the test compares the
recorded one with the current one without executing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
GOLDEN = REPO / "tests" / "golden"
#: Where the fingerprint is recorded in a notebook's top-level metadata.
META_KEY = "lunarcity"
FINGERPRINT_KEY = "outputs_fingerprint"
CELL_TIMEOUT_S = 3600
#: Text that must not appear in committed outputs: machine paths and wall times.
UNCLEAN = re.compile(r"/work/|/tmp/|/home/|/usr/|site-packages|\d+(\.\d+)? ?(s|ms) elapsed")


def notebooks() -> list[Path]:
    """The teaching notebooks, in reading order."""
    return sorted(DOCS.glob("*.ipynb"))


def code_sources(book: dict[str, Any]) -> list[str]:
    """Each code cell's source as one string (nbformat stores it as a string or a list)."""
    return [
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in book["cells"]
        if cell["cell_type"] == "code"
    ]


def outputs_fingerprint(book: dict[str, Any]) -> str:
    """SHA-256 of everything a notebook's outputs depend on.

    The code cells' sources, the committed golden digests (every result the model gives is
    pinned there, so they change whenever a result does) and the data files
    (``lunarcity.sweeps.storage.data_hash``). Markdown is left out: it changes no output.

    Args:
        book: The notebook as parsed JSON (or an nbformat node, which is a dict).

    Returns:
        The hex digest.
    """
    from lunarcity.sweeps.storage import data_hash

    digest = hashlib.sha256()
    for source in code_sources(book):
        digest.update(source.encode() + b"\0")
    for path in sorted(GOLDEN.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(data_hash().encode())
    return digest.hexdigest()


def recorded_fingerprint(book: dict[str, Any]) -> str | None:
    """The fingerprint a notebook was executed with, or None if it never was by this script."""
    return book.get("metadata", {}).get(META_KEY, {}).get(FINGERPRINT_KEY)


def _kernel_prefix(root: Path) -> Path:
    """A ``python3`` kernelspec for this interpreter in ``root``; the JUPYTER_PATH entry."""
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--prefix", str(root), "--name", "python3"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root / "share" / "jupyter"


def unclean_outputs(book: dict[str, Any]) -> list[str]:
    """Outputs that are errors or show a machine path or a wall time, as short descriptions."""
    found = []
    for i, cell in enumerate(book["cells"]):
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                found.append(f"cell {i}: {out['ename']}: {out['evalue']}")
                continue
            texts = [out.get("text", "")] + [
                v for k, v in out.get("data", {}).items() if k.startswith("text/")
            ]
            text = "".join("".join(t) if isinstance(t, list) else t for t in texts)
            match = UNCLEAN.search(text)
            if match:
                found.append(f"cell {i}: {match.group(0)!r} in {text[:120]!r}")
    return found


def execute(path: Path) -> None:
    """Run one notebook at full size in a fresh kernel and write it back with its outputs."""
    import nbclient
    import nbformat

    book = nbformat.read(path, as_version=4)
    metadata = json.loads(json.dumps(book.metadata))  # as committed, before the kernel adds any
    with tempfile.TemporaryDirectory(prefix="lunarcity-notebook-") as work:
        client = nbclient.NotebookClient(
            book,
            kernel_name="python3",
            timeout=CELL_TIMEOUT_S,
            record_timing=False,  # no execution timestamps in the cells' metadata
            resources={"metadata": {"path": work}},  # files the notebook writes go here
        )
        client.execute()
    for cell in book.cells:
        cell.metadata.pop("execution", None)
    problems = unclean_outputs(book)
    if problems:
        raise SystemExit(f"{path.name}: outputs not clean:\n  " + "\n  ".join(problems))
    metadata.setdefault(META_KEY, {})[FINGERPRINT_KEY] = outputs_fingerprint(book)
    book.metadata = nbformat.from_dict(metadata)
    nbformat.write(book, path)


def main(argv: list[str] | None = None) -> int:
    """Execute the notebooks named (default: every one in docs/) and write them back."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to execute (default: every docs/*.ipynb)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="execute nothing; exit 1 if a notebook's recorded fingerprint is not the current one",
    )
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or notebooks()
    if args.check:
        stale = [
            p.name
            for p in paths
            if recorded_fingerprint(book := json.loads(p.read_text(encoding="utf-8")))
            != outputs_fingerprint(book)
        ]
        for name in stale:
            print(f"{name}: outputs stale; run python docs/notebooks.py", file=sys.stderr)
        return 1 if stale else 0
    # The real runs, and the same hash seed in every kernel, whatever this shell has set.
    for name in ("LUNARCITY_SMALL", "LUNARCITY_DEBUG"):
        os.environ.pop(name, None)
    os.environ["PYTHONHASHSEED"] = "0"
    with tempfile.TemporaryDirectory(prefix="lunarcity-kernel-") as prefix:
        os.environ["JUPYTER_PATH"] = str(_kernel_prefix(Path(prefix)))
        for path in paths:
            print(f"executing {path.name} ...", flush=True)
            execute(path)
            print(f"wrote {path.relative_to(REPO)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Rewrite the generated sections of docs/MODEL.md and README.md: each preset against its study.

Usage::

    python docs/generate.py          # rewrite both files in place
    python docs/generate.py --check  # exit 1 if the committed text differs from fresh runs

tests/test_docs_generated.py runs the check, so a committed figure cannot go stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lunarcity.studies import preset_table, replace_section

HERE = Path(__file__).resolve().parent
FILES = [HERE / "MODEL.md", HERE.parent / "README.md"]


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` compare) the generated sections; the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    table = preset_table()
    stale = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        fresh = replace_section(text, table)
        if fresh == text:
            continue
        if args.check:
            stale.append(path)
        else:
            path.write_text(fresh, encoding="utf-8")
    for path in stale:
        print(f"{path} is stale: run python docs/generate.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

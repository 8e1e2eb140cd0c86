"""Rewrite the generated sections of docs/MODEL.md and README.md from fresh runs.

Each preset against its study (MODEL.md and README.md), the ten-year city with each
off-by-default switch turned on (MODEL.md), and its growth gap attributed to causes (MODEL.md,
lunarcity/results/growth_gap.py).

Usage::

    python docs/generate.py          # rewrite both files in place
    python docs/generate.py --check  # exit 1 if the committed text differs from fresh runs

tests/test_docs_generated.py runs the check, so a committed figure cannot go stale. README.md's
performance sections (the benchmark table, study costs, the sweep's cost, the app's frame) come
from committed measurements, not runs: this script also rewrites them through
docs/performance.py (tests/test_docs_performance.py checks them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from performance import with_sections  # docs/performance.py, beside this script

from lunarcity.results.growth_gap import gap_table
from lunarcity.results.published_figures import preset_table, replace_section, switches_table

HERE = Path(__file__).resolve().parent
FILES = [HERE / "MODEL.md", HERE.parent / "README.md"]
#: Each generated section (its marker name): the files that hold it.
SECTIONS = {
    "presets": FILES,
    "switches": [HERE / "MODEL.md"],
    "growth_gap": [HERE / "MODEL.md"],
}


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` compare) the generated sections; the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    tables = {"presets": preset_table(), "switches": switches_table(), "growth_gap": gap_table()}
    fresh_text: dict[Path, str] = {}
    for name, table in tables.items():
        for path in SECTIONS[name]:
            text = fresh_text.get(path) or path.read_text(encoding="utf-8")
            fresh_text[path] = replace_section(text, table, name)
    readme = HERE.parent / "README.md"
    fresh_text[readme] = with_sections(fresh_text[readme])
    stale = []
    for path, fresh in fresh_text.items():
        text = path.read_text(encoding="utf-8")
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

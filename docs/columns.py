"""Write docs/COLUMNS.md, the data dictionary of the daily table, from the app's plain words.

Each column of the daily table (``lunarcity run --out``, the app's CSV and Parquet exports) with
its plain name, unit and meaning, read from ``viz/words.py`` (``COLUMNS``), the same source as
the guide the app exports beside every CSV. The columns and their order are a real run's.

Usage::

    python docs/columns.py          # rewrite docs/COLUMNS.md
    python docs/columns.py --check  # exit 1 if the committed file differs

tests/test_app_words.py runs the check, so the table cannot go stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lunarcity.app import words
from lunarcity.model import LunarCity

OUT = Path(__file__).resolve().parent / "COLUMNS.md"


def daily_columns() -> list[str]:
    """The daily table's columns, in order, from one day of the default city."""
    m = LunarCity("ten_year_city", seed=1)
    m.step()
    return list(m.daily().columns)


def table(columns: list[str]) -> str:
    """The data dictionary as Markdown."""
    plain = words()
    lines = [
        "# The daily table's columns",
        "",
        "<!-- Written by docs/columns.py from viz/words.py (COLUMNS); do not edit by hand. -->",
        "",
        "One row per day. The app's CSV export comes with this table as a sidecar file "
        "(`<name>_columns.csv`, the Column guide button); the page shows the plain names.",
        "",
        "| column | plain name | unit | meaning |",
        "|---|---|---|---|",
    ]
    for name in columns:
        shown, unit, meaning = plain.column(name)
        lines.append(f"| `{name}` | {shown} | {unit} | {meaning} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` compare) docs/COLUMNS.md; the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    fresh = table(daily_columns())
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != fresh:
            print(f"{OUT.name} is stale: run python docs/columns.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Golden digests: a fingerprint of every preset's daily table and summary, to see any change.

Run ``python tests/golden/digests.py --write`` to regenerate ``digests.json`` after a change
that is meant to move results (say why in the commit). ``tests/test_golden.py`` compares a fresh
run with the committed file:

- on the Python that wrote it, bit for bit: a SHA-256 of each column's bytes and of the summary;
- on any Python, integer and text columns by their hashes, and float columns by values sampled
  every 73 days, within 1e-12 relative (numpy and SciPy builds differ across Pythons).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
DIGESTS = HERE / "digests.json"

#: The runs pinned: every preset as shipped, one where random draws matter (failures,
#: landers lost, another planner policy), and the default city over 30 years: units reach the
#: end of their lives (scrapping, renewal, a fleet of ~10^5) mostly after year 10, and a change
#: there once moved a 30-year run from day ~10,130 while every ten-year digest held.
RUNS: dict[str, dict[str, Any]] = {
    "ten_year_city": {"scenario": "ten_year_city"},
    "ten_year_city_30y": {"scenario": "ten_year_city", "run__years": 30},
    "ten_year_city_fixed_shares": {"scenario": "ten_year_city_fixed_shares"},
    "equator_site": {"scenario": "equator_site"},
    "aasm1980_lmf": {"scenario": "aasm1980_lmf"},
    "metzger2013": {"scenario": "metzger2013"},
    "auxon_lw95": {"scenario": "auxon_lw95"},
    "noisy": {
        "scenario": "ten_year_city",
        "seed": 7,
        "run__years": 3,
        "earth__lander_failure_prob": 0.2,
        "units__robot__failures_per_year": 4.0,
        "planner__policy": "bottleneck_first",
    },
}

#: Rows sampled for the cross-Python comparison of float columns.
SAMPLE_EVERY_DAYS = 73


def _column_hash(col: pl.Series) -> str:
    text = col.dtype == pl.String
    data = "\n".join(col.to_list()).encode() if text else col.to_numpy().tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def _summary_hash(summary: dict[str, Any]) -> str:
    text = json.dumps(summary, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(summary: dict[str, Any], daily: pl.DataFrame) -> dict[str, Any]:
    """The digest of one run: column hashes, sampled float values and the summary's hash."""
    floats = [c for c, t in daily.schema.items() if t.is_float()]
    rows = list(range(0, daily.height, SAMPLE_EVERY_DAYS)) + [daily.height - 1]
    return {
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "rows": daily.height,
        "columns": {c: _column_hash(daily[c]) for c in daily.columns},
        "float_samples": {c: [float(daily[c][i]) for i in rows] for c in floats},
        "summary": _summary_hash(summary),
        "summary_values": json.loads(json.dumps(summary, sort_keys=True, default=str)),
    }


def compute(name: str) -> dict[str, Any]:
    """Run one pinned case and fingerprint it."""
    import lunarcity

    spec = dict(RUNS[name])
    result = lunarcity.run(spec.pop("scenario"), seed=spec.pop("seed", None), **spec)
    return fingerprint(result.summary, result.daily)


def close(a: float, b: float, rel: float = 1e-12, name: str = "") -> bool:
    """Floats equal within ``rel`` relative (NaN equals NaN).

    A ledger's relative error (``*rel_error``) is rounding residue near 1e-16 whose digits
    carry no result: it is compared absolutely, to ``rel`` (other tests hold it under 1e-9).
    """
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if "rel_error" in name:
        return abs(a - b) <= rel
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def main(argv: list[str] | None = None) -> int:
    """Write (``--write``) or check the digests of every pinned run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate digests.json")
    args = parser.parse_args(argv)
    got = {name: compute(name) for name in RUNS}
    if args.write:
        DIGESTS.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        print(f"wrote {DIGESTS}")
        return 0
    want = json.loads(DIGESTS.read_text())
    bad = [n for n in RUNS if got[n]["columns"] != want[n]["columns"]]
    bad += [n for n in RUNS if got[n]["summary"] != want[n]["summary"] and n not in bad]
    print("changed: " + ", ".join(bad) if bad else "all digests hold")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

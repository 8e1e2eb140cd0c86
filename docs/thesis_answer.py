"""Write docs/THESIS.md: does the lunar route beat launching from Earth, per kW delivered?

Runs the default scenario once per destination in data/destinations.yaml and reads each run's
Earth ledger (lunarcity/earth_ledger.py); the Earth-side parameters (tankers per landing) are then
varied on the same daily tables without rerunning the city. With a finished sweep of
models/sweeps/sx26_100gw.yaml (``lunarcity sweep sx26_100gw --out DIR``), it adds what the sweep
says about SX26's 100 GW/yr.

Usage::

    python docs/thesis_answer.py [--sweep DIR] [--out docs/THESIS.md]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import polars as pl

import lunarcity
from lunarcity.earth_ledger import EarthSide, breakeven_day, earth_ledger
from lunarcity.thesis import earth_side
from lunarcity.trajectory import load_destinations

HERE = Path(__file__).resolve().parent
DAYS_PER_YEAR = 365.25
SX26_KW_PER_YEAR = 100e6  # 100 GW/yr (SX26)
#: Tankers per landing for the Earth side, low to high (SPX: Musk 2021; GAO21; NASA23).
TANKERS = {"Musk 2021 (4)": 4, "GAO21 (15)": 15, "NASA23 (18)": 18}


def _year(day: int | None) -> str:
    return "never" if day is None else f"day {day} (year {day / DAYS_PER_YEAR:.1f})"


def _num(value: float | None, fmt: str = ",.0f") -> str:
    return "-" if value is None or not math.isfinite(value) else format(value, fmt)


def _last_year_rate(daily: pl.DataFrame, column: str = "compute_delivered_kw") -> float:
    """Compute delivered in the last 365 days of a daily table, in kW (rows may be sparse)."""
    last = daily.row(daily.height - 1, named=True)
    earlier = daily.filter(pl.col("day") <= last["day"] - 365)
    before = earlier[column][-1] if earlier.height else 0.0
    return float(last[column] - before)


def destinations_section() -> list[str]:
    """One default run per destination: W/kg, kg per kW both routes, break-even by tankers."""
    rows = []
    by_tankers: dict[str, list[str]] = {}
    for name in load_destinations().destinations:
        result = lunarcity.run("ten_year_city", sets=[f"satellite.destination={name}"])
        m, t = result.model, result.summary["thesis"]
        rows.append(
            f"| {name} | {m.thesis.launch_km_s:.3f} | {m.thesis.dest.from_moon.kick_km_s:.2f} | "
            f"{m.thesis.kick_kg:,.0f} | {t['satellite_w_per_kg']:.1f} | "
            f"{t['direct_satellite_w_per_kg']:.1f} | {_num(t['compute_delivered_kw'] / 1000, ',.1f')} | "
            f"{_num(t['earth_kg_per_kw'])} | {_num(t['earth_kg_per_kw_marginal'])} | "
            f"{_num(t['direct_earth_kg_per_kw'])} | {_year(t['breakeven_day'])} |"
        )
        daily = result.daily
        for tankers in TANKERS.values():
            base = earth_side(m.params, m.seed_t)
            side = EarthSide(tankers, base.payload_to_leo_t, base.payload_landed_t, base.seed_t)
            day = breakeven_day(earth_ledger(daily, side, m.thesis.route))
            by_tankers.setdefault(name, []).append(_year(day))
    out = [
        "## Per destination, default assumptions",
        "",
        "One ten-year run of `ten_year_city` per destination (`--set satellite.destination=...`);",
        "everything else is the default (15 tankers per landing, GAO21). Launch speed and kick",
        "delta-v are the destination's (data/destinations.yaml); the kick stage is sized by the",
        "rocket equation (LOX/methane, lunar oxygen as oxidiser). kg/kW are Earth-lifted kg per kW",
        "of compute delivered: the lunar route's cumulative figure (seed and every lander with its",
        "tankers since day 0), its marginal figure (one more satellite), and the direct route.",
        "",
        "| destination | launch km/s | kick km/s | kick kg | lunar W/kg | Earth-built W/kg "
        "| delivered MW | lunar kg/kW | marginal kg/kW | direct kg/kW | break-even |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "The same runs with other tanker counts (the ledger recomputed from each run's daily",
        "table, the city not rerun):",
        "",
        "| destination | " + " | ".join(TANKERS) + " |",
        "|---|" + "---|" * len(TANKERS),
        *(f"| {name} | " + " | ".join(days) + " |" for name, days in by_tankers.items()),
        "",
    ]
    return out


def sweep_section(root: Path) -> list[str]:
    """What the sx26_100gw sweep says: the best last-year rate against 100 GW/yr."""
    results = pl.read_parquet(root / "results.parquet").filter(pl.col("status") == "done")
    rates = []
    for row in results.iter_rows(named=True):
        daily = pl.read_parquet(root / "daily" / f"{row['run_id']:07d}.parquet")
        rates.append(_last_year_rate(daily))
    results = results.with_columns(pl.Series("delivered_kw_last_year", rates))
    best = results.sort("delivered_kw_last_year", descending=True).row(0, named=True)
    params = [c for c in results.columns if c.startswith(("satellite.", "earth.", "units."))]
    met = results.filter(pl.col("thesis.breakeven_day").is_not_null()).height
    lines = [
        "## SX26's 100 GW/yr, over the sweep",
        "",
        f"`models/sweeps/sx26_100gw.yaml`: {results.height} runs of ten years (Latin hypercube",
        "over chips per kW, the lunar satellite's arrays and radiators, tankers per landing, the",
        "throughput of the electronics fab and the metal works, and the chip fab on or off).",
        "",
        f"- Compute delivered in the tenth year: median "
        f"{results['delivered_kw_last_year'].median() / 1e6:,.2f} GW/yr, best "
        f"{best['delivered_kw_last_year'] / 1e6:,.2f} GW/yr, "
        f"{SX26_KW_PER_YEAR / max(best['delivered_kw_last_year'], 1.0):,.0f} times short of "
        "SX26's 100 GW/yr.",
        f"- Runs whose lunar route broke even (Earth kg per kW) within ten years: {met} of "
        f"{results.height}.",
        "- The best run's assumptions: "
        + ", ".join(
            f"{p} = {best[p]:.3g}" if isinstance(best[p], float) else f"{p} = {best[p]}"
            for p in params
        )
        + ".",
        "",
        "| run | "
        + " | ".join(p.split(".", 1)[1] for p in params)
        + " | GW/yr, year 10 | lunar kg/kW | direct kg/kW | break-even |",
        "|---|" + "---|" * (len(params) + 4),
    ]
    for row in results.sort("delivered_kw_last_year", descending=True).iter_rows(named=True):
        values = [f"{row[p]:.3g}" if isinstance(row[p], float) else str(row[p]) for p in params]
        lines.append(
            f"| {row['run_id']} | "
            + " | ".join(values)
            + f" | {row['delivered_kw_last_year'] / 1e6:.2f} | "
            f"{_num(row['thesis.earth_kg_per_kw'])} | {_num(row['thesis.direct_earth_kg_per_kw'])}"
            f" | {_year(row['thesis.breakeven_day'])} |"
        )
    lines.append("")
    return lines


def main() -> None:
    """Run the destinations (and read the sweep, if given); write the page."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sweep", type=Path, help="a finished sx26_100gw sweep folder")
    p.add_argument("--out", type=Path, default=HERE / "THESIS.md")
    args = p.parse_args()
    lines = [
        "# The seed's thesis, measured",
        "",
        "Written by `python docs/thesis_answer.py` from model runs; do not edit by hand.",
        "The definitions are those of `lunarcity/earth_ledger.py`; sources in SOURCES.md.",
        "",
        *destinations_section(),
    ]
    if args.sweep:
        lines += sweep_section(args.sweep)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

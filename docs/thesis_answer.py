"""Write docs/THESIS.md: does the lunar route beat launching from Earth, per kW delivered?

Runs the default scenario once per destination in data/destinations.yaml and reads each run's
Earth ledger (lunarcity/space/earth_ledger.py); the Earth-side parameters (tankers per landing) are then
varied on the same daily tables without rerunning the city. From the default destination's run it
works out what 100 GW/yr of compute delivered would take (satellites, Earth-made mass, landings
and launches, fab units against the city's in year 10). With a finished sweep of
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
from lunarcity.constants import DAYS_PER_YEAR, HOURS_PER_YEAR
from lunarcity.space.earth_ledger import EarthSide, breakeven_day, earth_ledger
from lunarcity.space.margin import salt_limit_words
from lunarcity.space.satellite import load_satellites
from lunarcity.space.thesis import KICK_RECIPE, earth_side
from lunarcity.space.trajectory import load_destinations
from lunarcity.world.scenario import resolve_scenario

HERE = Path(__file__).resolve().parent
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


def destinations_section(runs: dict[str, lunarcity.RunResult]) -> list[str]:
    """One default run per destination: W/kg, kg per kW both routes, break-even by tankers.

    Args:
        runs: Filled with each destination's run, by name (the 100 GW/yr section reads one).
    """
    rows = []
    margins: list[str] = []
    by_tankers: dict[str, list[str]] = {}
    for name in load_destinations().destinations:
        result = lunarcity.run("ten_year_city", sets=[f"satellite.destination={name}"])
        runs[name] = result
        m, t = result.model, result.summary["thesis"]
        rows.append(
            f"| {name} | {m.thesis.launch_km_s:.3f} | {m.thesis.dest.from_moon.kick_km_s:.2f} | "
            f"{m.thesis.kick_kg:,.0f} | {t['satellite_w_per_kg']:.1f} | "
            f"{t['direct_satellite_w_per_kg']:.1f} | {_num(t['compute_delivered_kw'] / 1000, ',.1f')} | "
            f"{_num(t['earth_kg_per_kw'])} | {_num(t['marginal_steady'])} | "
            f"{_num(t['direct_earth_kg_per_kw'])} | {t['max_lifted_per_landed']:.1f} | "
            f"{salt_limit_words(t['max_salt_make_up_kg_per_t'])} | {_year(t['breakeven_day'])} |"
        )
        margins.append(f"- {name}: {t['margin_verdict']}. Over the run: {t['verdict']}.")
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
        "tankers since day 0), its marginal figure (one more satellite: every Earth-made kg its",
        "whole chain consumes by the economy's requirements LP, chips, calcium chloride, anodes and",
        "the kick stage's engine and fuel, eclipse batteries, times the t lifted per t landed; see",
        "`lunarcity/space/margin.py`), and the direct route. The limit is the tonnes lifted per tonne",
        "landed below which the lunar route wins at the margin, (direct kg/kW) / (Earth-made kg",
        "landed per kW of one more satellite); the salt limit the calcium chloride make-up per",
        "tonne of slag (data/recipes.yaml: 30, an assumption) below which it wins at the run's",
        "16 t lifted per t landed.",
        "",
        "| destination | launch km/s | kick km/s | kick kg | lunar W/kg | Earth-built W/kg "
        "| delivered MW | lunar kg/kW | marginal kg/kW | direct kg/kW | limit t/t | "
        "salt limit kg/t | break-even |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "At the margin, per destination, and the verdict over the run's ten years:",
        "",
        *margins,
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


def _fab_rate_kg_per_year(model: lunarcity.LunarCity, item: str) -> tuple[str, float]:
    """The fab kind that makes ``item`` and what one unit of it makes in a year (kg).

    Running only that recipe around the clock (the recipe's output per batch over its time, at
    the run's throughput factor): an upper bound that ignores nights, repairs and other jobs.
    """
    recipe = next(r for r in model.catalog.recipes.values() if item in r.outputs)
    spec = model.specs[recipe.fab]
    per_hour = recipe.outputs[item] / (recipe.time_h / spec.throughput_factor)
    return recipe.fab, per_hour * HOURS_PER_YEAR


def target_section(result: lunarcity.RunResult, best_kw_last_year: float | None) -> list[str]:
    """What 100 GW/yr of compute delivered would take, from the default run's own figures.

    Args:
        result: The default scenario's run (its destination, satellite and Earth side).
        best_kw_last_year: The sweep's best compute delivered in its tenth year (kW), if read.
    """
    m, t = result.model, result.summary["thesis"]
    plan = m.thesis
    sat = plan.lunar
    side = earth_side(m.params, m.seed_t)
    sats = SX26_KW_PER_YEAR / sat.compute_kw
    sat_t = sats * sat.mass_kg / 1000.0
    kick_t = sats * plan.kick_kg / 1000.0
    # Earth-made mass: what the route figures count (satellite and kick stage, as launched).
    earth_t = SX26_KW_PER_YEAR * plan.route.lunar_earth_kg_per_kw / 1000.0
    sets = load_satellites().figure_sets
    chips_share = sets["lunar"].components["compute"].earth_share
    chips_t = sats * sat.masses_kg["compute"] * chips_share / 1000.0
    landings = earth_t / side.payload_landed_t
    launches = landings * side.launches_per_landing
    lifted_t = launches * side.payload_to_leo_t
    landers_now = DAYS_PER_YEAR / m.params.earth.lander_interval_days
    direct_t = SX26_KW_PER_YEAR * plan.route.direct_kg_per_kw / 1000.0
    direct_launches = direct_t / side.payload_to_leo_t
    year10 = _last_year_rate(result.daily)
    last = result.daily.row(result.daily.height - 1, named=True)
    # Fab units: each item the satellite (and its kick stage) is made of, from the fab that
    # makes it, against the units of that kind the default city has at the end of year 10.
    # Items no recipe makes (the Earth-made batteries) are in the Earth-made mass, not a fab's.
    made = {item for r in m.catalog.recipes.values() for item in r.outputs}
    need_kg = {item: kg for item, kg in sat.bom_kg.items() if kg > 0 and item in made}
    if plan.kick_kg > 0:
        need_kg[KICK_RECIPE] = plan.kick_kg
    fab_need: dict[str, float] = {}
    fab_items: dict[str, list[str]] = {}
    for item, kg in need_kg.items():
        fab, rate = _fab_rate_kg_per_year(m, item)
        fab_need[fab] = fab_need.get(fab, 0.0) + sats * kg / rate
        fab_items.setdefault(fab, []).append(item)
    fab_rows = []
    for fab, units in sorted(fab_need.items(), key=lambda kv: -kv[1]):
        have = int(last.get(f"units_{fab}", 0))
        times = f"{units / have:,.0f}x" if have else "none built"
        fab_rows.append(
            f"| {fab} | {', '.join(fab_items[fab])} | {units:,.0f} | {have:,} | {times} |"
        )
    dest = t["destination"]
    lines = [
        "## What 100 GW/yr needs",
        "",
        "SX26's figure, 100 GW of compute delivered a year, worked from the default run's own",
        f"satellite and Earth side (`ten_year_city`, destination {dest},",
        f"{side.tankers_per_landing:g} tankers per landing, {side.payload_landed_t:g} t landed "
        f"and {side.payload_to_leo_t:g} t to LEO per launch).",
        "Every figure below is computed by `docs/thesis_answer.py`; per year, at a steady",
        "100 GW/yr:",
        "",
        "| quantity | per year | how |",
        "|---|---|---|",
        f"| satellites | {sats:,.0f} | 100 GW / {sat.compute_kw:g} kW each |",
        f"| satellite mass | {sat_t / 1e6:,.2f} Mt | {sat.mass_kg:,.0f} kg each: "
        f"{sat.w_per_kg:.1f} W/kg (lunar-built, from its components) |",
        f"| kick stages | {kick_t / 1e6:,.3f} Mt | {plan.kick_kg:,.0f} kg each, "
        f"{plan.dest.from_moon.kick_km_s:.2f} km/s |",
        f"| Earth-made mass landed | {earth_t:,.0f} t | "
        f"{plan.route.lunar_earth_kg_per_kw:.2f} kg per kW (every import of the satellite's "
        "chain, by the economy's requirements LP) |",
        *(
            f"| of which {item.replace('_', ' ')} | {sats * kg / 1000.0:,.0f} t | "
            f"{kg:,.1f} kg per satellite |"
            for item, kg in sorted(plan.marginal.earth_kg.items(), key=lambda kv: -kv[1])
        ),
        f"| chips in the boards | {chips_t:,.0f} t | "
        f"{sat.masses_kg['compute'] / sat.compute_kw:g} kg of boards per kW, {chips_share:.0%} "
        "of it chips (the rest of the chips are in the electronics) |",
        f"| landings | {landings:,.0f} | {earth_t:,.0f} t / {side.payload_landed_t:g} t "
        f"({landings / DAYS_PER_YEAR:,.1f} a day; the default lands one every "
        f"{m.params.earth.lander_interval_days:g} days, {landings / landers_now:,.0f}x fewer) |",
        f"| Earth launches, lunar route | {launches:,.0f} | landings x "
        f"({side.tankers_per_landing:g} tankers + 1) ({launches / DAYS_PER_YEAR:,.0f} a day) |",
        f"| Earth-lifted mass, lunar route | {lifted_t / 1e6:,.2f} Mt | "
        f"{side.lifted_per_landed:g} t lifted per t landed |",
        f"| Earth launches, direct route | {direct_launches:,.0f} | "
        f"{plan.route.direct_kg_per_kw:.1f} kg per kW lifted "
        f"({plan.direct.w_per_kg:.1f} W/kg Earth-built, and its transfer stage) |",
        f"| Earth-lifted mass, direct route | {direct_t / 1e6:,.2f} Mt | "
        f"{direct_t / lifted_t:,.2f}x the lunar route's |",
        "",
        "The fab units that would make those satellites and kick stages, each running only that",
        "product around the clock (an upper bound on what a unit makes: no nights, repairs or",
        "other jobs), against the units of that kind the default city has at the end of year 10.",
        "Only the last fab of each chain is counted; the refineries and mines that feed it, and",
        "the power for all of it, come on top:",
        "",
        "| fab kind | makes | units needed | units in year 10 | short by |",
        "|---|---|---|---|---|",
        *fab_rows,
        "",
        f"- The default run delivered {year10 / 1e6:,.4f} GW of compute in its tenth year: "
        f"{SX26_KW_PER_YEAR / max(year10, 1.0):,.0f} times short of 100 GW/yr. Its industrial "
        f"mass at the end is {last['industrial_mass_t']:,.0f} t; 100 GW/yr is "
        f"{sat_t:,.0f} t of satellites a year, "
        f"{sat_t / max(last['industrial_mass_t'], 1.0):,.0f} times that mass every year.",
    ]
    if best_kw_last_year is not None:
        lines.append(
            f"- The sx26_100gw sweep's best run delivered {best_kw_last_year / 1e6:,.4f} GW in "
            f"its tenth year: {SX26_KW_PER_YEAR / max(best_kw_last_year, 1.0):,.0f} times short."
        )
    marginal, direct = t["marginal_steady"], t["direct_earth_kg_per_kw"]
    lines += [
        "- At a steady 100 GW/yr the lunar route's Earth mass per kW is its marginal figure, "
        f"{marginal:,.0f} kg per kW lifted, against {direct:,.0f} from Earth "
        f"({'less' if marginal < direct else 'not less'}: {marginal / direct:.2f} of it): "
        f"{t['margin_verdict']}. That leaves out growing the city to the fab table's size, "
        "which Earth also lifts for.",
        "",
    ]
    return lines


def _sweep_rates(root: Path) -> pl.DataFrame:
    """A finished sweep's done runs, each with its compute delivered in the last 365 days."""
    results = pl.read_parquet(root / "results.parquet").filter(pl.col("status") == "done")
    rates = []
    for row in results.iter_rows(named=True):
        daily = pl.read_parquet(root / "daily" / f"{row['run_id']:07d}.parquet")
        rates.append(_last_year_rate(daily))
    return results.with_columns(pl.Series("delivered_kw_last_year", rates))


def sweep_section(root: Path) -> list[str]:
    """What the sx26_100gw sweep says: the best last-year rate against 100 GW/yr."""
    results = _sweep_rates(root)
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
    runs: dict[str, lunarcity.RunResult] = {}
    lines = [
        "# The seed's thesis, measured",
        "",
        "Written by `python docs/thesis_answer.py` from model runs; do not edit by hand.",
        "The definitions are those of `lunarcity/space/earth_ledger.py`; sources in SOURCES.md.",
        "",
        *destinations_section(runs),
    ]
    best = None
    if args.sweep:
        best = float(_sweep_rates(args.sweep)["delivered_kw_last_year"].max())
    default = resolve_scenario("ten_year_city").satellite.destination
    lines += target_section(runs[default], best)
    if args.sweep:
        lines += sweep_section(args.sweep)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

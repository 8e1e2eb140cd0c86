"""``lunarcity run``: run a scenario and say whether the city was complete, when, and what held it back."""

from __future__ import annotations

import argparse
import sys

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lunarcity.commands.common import add_scenario_arguments
from lunarcity.output import print_json, stderr_console, stdout_console
from lunarcity.runner import run as run_scenario


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a scenario (default ten_year_city)")
    add_scenario_arguments(p)
    p.add_argument("--out", help="write the daily table to FILE.parquet or FILE.csv")
    p.add_argument(
        "--json", action="store_true", help="print the summary as one JSON object on stdout"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    show = not args.quiet and sys.stderr.isatty()
    err = stderr_console()
    if show:
        with Progress(
            TextColumn("[bold]day {task.completed:>5.0f}/{task.total:.0f}"),
            BarColumn(),
            TextColumn("{task.fields[units]:>9,} units  target {task.fields[parts]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("run", total=None, units=0, parts="-")

            def tick(model) -> None:
                if model.day % 10 == 0 or not model.running:
                    rec = model.recorder
                    met = sum(v is not None for v in rec.part_day.values())
                    bar.update(
                        task,
                        completed=model.day,
                        total=model.days,
                        units=int(rec.last("units_total")),
                        parts=f"{met}/{len(rec.part_day)}",
                    )

            result = run_scenario(
                args.scenario, seed=args.seed, years=args.years, sets=args.set, progress=tick
            )
    else:
        result = run_scenario(args.scenario, seed=args.seed, years=args.years, sets=args.set)
    if args.out:
        path = result.write(args.out)
        err.print(f"daily table written to {path}")
    if args.json:
        print_json(result.summary)
    else:
        print_summary(result.summary)
    return 0


def headline(s: dict) -> str:
    """One line: complete on day N (year Y), or not, and what held it back."""
    horizon = s["horizon_years"]
    if s["target_met"]:
        return f"City complete on day {s['target_day']} (year {s['years_to_target']:.1f}), within {horizon:g} years."
    years = s["days_simulated"] / 365.25
    if years < horizon - 1e-9:
        return f"Not complete after {years:.1f} years (horizon {horizon:g}): held back by {s['bottleneck']}."
    return f"Not complete in {horizon:g} years: held back by {s['bottleneck']}."


def earth_line(s: dict) -> str:
    """The line under the headline: how much Earth landed and, when Earth stopped, whether the
    city kept growing once its Earth-only stocks ran out. An Earth-fed city is never called
    self-growing."""
    line = f"Landed from Earth: {s['earth_imported_t']:,.0f} t" + (
        f" ({s['assets_per_tonne_landed']:.1f} t of assets per tonne landed)."
        if s.get("assets_per_tonne_landed") is not None
        else "."
    )
    ss = s.get("self_sufficiency")
    if not ss:
        return line + " Earth supplied it throughout: this is an Earth-fed city."
    stop = f"Earth stopped at year {ss['until_years']:g}"
    if ss["ran_out_day"] is None:
        return line + f" {stop}; its Earth-only stocks had not run out by the end."
    if ss["kept_growing_after_run_out"]:
        return line + (
            f" {stop}; Earth-only stocks ran out on day {ss['ran_out_day']} and the city kept "
            f"growing (doubling every {ss['doubling_time_years_after_run_out']:.1f} years)."
        )
    return (
        line + f" {stop}; Earth-only stocks ran out on day {ss['ran_out_day']} and growth stopped."
    )


def print_summary(s: dict) -> None:
    console = stdout_console()
    console.print(f"[bold]{s['scenario']}[/bold] (seed {s['seed']}, {s['days_simulated']} days)")
    console.print(headline(s))
    console.print(earth_line(s))
    parts = Table(title="Target parts")
    parts.add_column("part")
    parts.add_column("met on day", justify="right")
    for name, day in s["target_parts"].items():
        parts.add_row(name, "-" if day is None else f"{day} (year {day / 365.25:.1f})")
    console.print(parts)
    t = Table(title="The city at the end")
    t.add_column("measure")
    t.add_column("value", justify="right")
    for kind, n in s["units"].items():
        if n:
            t.add_row(f"units: {kind}", f"{n:,}")
    rows = [
        ("industrial mass", f"{s['industrial_mass_t']:,.0f} t"),
        ("power installed", f"{s['power_mw']:,.1f} MW"),
        ("closure (flow, last 365 d)", f"{s['closure']:.3f}"),
        ("stock closure", f"{s['stock_closure']:.3f}"),
        ("Earth mass imported", f"{s['earth_imported_t']:,.0f} t"),
        ("mass launched", f"{s['launched_t']:,.0f} t"),
        ("satellites launched", f"{s['satellites_launched']:,}"),
        ("compute in orbit", f"{s['compute_in_orbit_kw'] / 1000:,.1f} MW"),
        ("rail / needed", f"{s['rail_length_m']:,.0f} / {s['track_needed_m']:,.0f} m"),
        ("bound most days by", s["bottleneck"]),
        ("assets per tonne landed", f"{s['assets_per_tonne_landed'] or 0:,.1f}"),
        ("regolith mined", f"{s['regolith_mined_t']:,.0f} t"),
        ("oxygen made / vented", f"{s['oxygen_made_t']:,.0f} / {s['oxygen_vented_t']:,.0f} t"),
        ("mass ledger error", f"{s['mass_balance_rel_error']:.1e}"),
        ("element ledger error", f"{s['element_balance_rel_error']:.1e}"),
        ("energy ledger error", f"{s['energy_balance_rel_error']:.1e}"),
    ]
    if s.get("satellite_cap_per_year_from_chips"):
        rows.append(
            ("satellite cap from chips", f"{s['satellite_cap_per_year_from_chips']:,.0f} /yr")
        )
    for r in rows:
        t.add_row(*r)
    console.print(t)

"""``lunarcity graph``: what each unit kind costs, and production chains for a target rate."""

from __future__ import annotations

import argparse
import math
import re

from rich.table import Table

from lunarcity.constants import DAYS_PER_YEAR, KW_PER_MW
from lunarcity.errors import InputError, unknown
from lunarcity.show.console import print_json, stdout_console
from lunarcity.world.catalog import default_catalog
from lunarcity.world.economy_requirements import production_chain, unit_totals
from lunarcity.world.growth_bound import balanced_growth, city_problem, earth_limited_mass_t
from lunarcity.world.routes import scenario_catalog
from lunarcity.world.scenario import Scenario, resolve_scenario
from lunarcity.world.scenario_economy import scenario_economy

RATE = re.compile(r"^\s*([A-Za-z_][\w]*)\s*=\s*([0-9.eE+-]+)\s*(?:/\s*(yr|y|year|day|d))?\s*$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity graph`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser("graph", help="total requirements per unit kind, or a production chain")
    p.add_argument(
        "scenario", nargs="?", default=None, help="preset or scenario file (default ten_year_city)"
    )
    p.add_argument("--unit", help="only this unit kind")
    p.add_argument("--rate", help="production chain for KIND=N/yr (or N/day)")
    p.add_argument(
        "--growth",
        action="store_true",
        help="the fastest balanced growth the data allow (von Neumann bound) and its mix",
    )
    p.add_argument(
        "--set", action="append", default=[], metavar="PATH=VALUE", help="override a parameter"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


#: The largest rate a chain is worked for (units a year): the brief's 1 Mt/yr of satellites is
#: ~500,000 of 2 t a year (SX26), so 1e9 is two thousand times it, and keeps every figure finite.
MAX_RATE_PER_YEAR = 1e9


def parse_rate(text: str) -> tuple[str, float]:
    """``KIND=N/yr`` (or ``/day``) as (kind, per year)."""
    m = RATE.match(text)
    if not m:
        raise InputError(
            f"'{text}' is not a rate", field="--rate", valid="KIND=N/yr, e.g. ai_satellite=1000/yr"
        )
    kind, number, per = m.group(1), m.group(2), m.group(3) or "yr"
    try:
        value = float(number)
    except ValueError:
        raise InputError(f"'{number}' is not a number", field="--rate") from None
    if per in ("day", "d"):
        value *= DAYS_PER_YEAR
    if not (math.isfinite(value) and 0 < value <= MAX_RATE_PER_YEAR):
        raise InputError(
            f"rate {number}/{per} is out of range",
            field="--rate",
            valid=f"a positive number of units, at most {MAX_RATE_PER_YEAR:.0e}/yr",
        )
    return kind, value


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity graph``.

    It will print total requirements per unit kind, or a production chain.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    scenario = resolve_scenario(args.scenario, sets=args.set)
    if args.growth:
        return _growth(scenario, args.json)
    econ = scenario_economy(scenario, scenario_catalog(scenario, default_catalog()))
    units = list(econ.catalog.units)
    if args.rate:
        kind, per_year = parse_rate(args.rate)
        if kind not in units:
            raise unknown("unit kind", kind, units, field="--rate")
        chain = production_chain(econ, kind, per_year)
        if args.json:
            print_json(chain)
        else:
            _print_chain(chain)
        return 0
    if args.unit:
        if args.unit not in units:
            raise unknown("unit kind", args.unit, units, field="--unit")
        units = [args.unit]
    totals = {u: unit_totals(econ, u) for u in units}
    if args.json:
        print_json(totals)
        return 0
    table = Table(title=f"Total requirements per unit ({scenario.name}, {scenario.site.name})")
    for col in (
        "unit",
        "mass kg",
        "regolith kg",
        "energy MWh",
        "imported kg",
        "fab-hours",
        "robot-days",
        "bom closure",
        "vitamins kg/kg",
        "vitamin items",
    ):
        table.add_column(col, justify="left" if col == "unit" else "right")
    for u, t in totals.items():
        table.add_row(
            u,
            f"{t['mass_kg']:,.0f}",
            f"{t['regolith_kg']:,.0f}",
            f"{t['energy_kwh'] / KW_PER_MW:,.1f}",
            f"{t['imported_kg']:,.0f}",
            f"{t['fab_hours']:,.0f}",
            f"{t['labour_robot_days']:,.1f}",
            f"{t['bom_closure']:.3f}",
            f"{t['vitamin_share_mass']:.3f}",
            f"{len(t['vitamin_items'])} of {t['items_in_bill']}",
        )
    stdout_console().print(table)
    return 0


def _growth(scenario: Scenario, as_json: bool) -> int:
    """Print the scenario's balanced growth bound (lunarcity/world/growth_bound.py)."""
    from lunarcity.model import LunarCity  # the bound needs the city's costs and sunlight

    city = LunarCity(scenario=scenario)
    bound = balanced_growth(city_problem(city))
    record = bound.as_dict() | {"earth_limited_mass_t": earth_limited_mass_t(city, bound)}
    if as_json:
        print_json(record)
        return 0
    table = Table(title=f"Balanced growth bound ({scenario.name}, Earth-only inputs free)")
    table.add_column("what")
    table.add_column("value", justify="right")
    if bound.missing:
        table.add_row("cannot grow: nothing here supplies", ", ".join(bound.missing))
    else:
        table.add_row("growth rate (continuous)", f"{bound.rate_per_year:.3f} /yr")
        table.add_row("doubling time", f"{bound.doubling_years:.3f} yr")
        for kind, share in bound.mix.items():
            table.add_row(f"mix: {kind}", f"{share:.1%} of mass")
        table.add_row("binding", ", ".join(bound.binding))
        table.add_row("Earth-only kg per kg grown", f"{bound.earth_kg_per_kg:.4f}")
        limit = record["earth_limited_mass_t"]
        if limit is not None:
            table.add_row("landers bind above", f"{limit:,.0f} t of city")
    stdout_console().print(table)
    return 0


def _print_chain(chain: dict) -> None:
    console = stdout_console()
    table = Table(title=f"Production chain for {chain['per_year']:,.0f} {chain['unit']} per year")
    table.add_column("what")
    table.add_column("amount", justify="right")
    for kind, n in chain["fabs"].items():
        table.add_row(f"fabs: {kind}", f"{n:,.2f} (build {chain['fabs_whole'][kind]})")
    table.add_row("robots", f"{chain['robots']:,.1f}")
    table.add_row("power (average)", f"{chain['power_kw']:,.0f} kW")
    table.add_row("regolith", f"{chain['regolith_t_per_yr']:,.0f} t/yr")
    table.add_row("imports", f"{chain['imports_t_per_yr']:,.1f} t/yr")
    for item, t in chain["imports_by_item_t_per_yr"].items():
        table.add_row(f"  of which {item}", f"{t:,.1f} t/yr")
    table.add_row("process energy", f"{chain['energy_mwh_per_yr']:,.0f} MWh/yr")
    console.print(table)

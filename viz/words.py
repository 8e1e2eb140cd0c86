"""Plain words for the app: what a fifteen-year-old reads instead of the model's internal names.

The model speaks in field names (``industrial_mass_t``, ``material:storage_cells``); the app
shows these friendly names and keeps the internal one in a tooltip for researchers. The
headline and the "what held it back" lines are written here, from the run's summary, so the
page, the tour, Compare and the exported picture say the same thing.
"""

from __future__ import annotations

import math
from typing import Any

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.results.target import part_spans

#: Preset name -> what the picker shows.
PRESETS: dict[str, str] = {
    "ten_year_city": "Ten-year city (pole)",
    "equator_site": "Ten-year city (equator)",
    "aasm1980_lmf": "NASA 1980 seed factory",
    "metzger2013": "Metzger 2013: small start",
    "auxon_lw95": "Self-copying robots (1995)",
    "ten_year_city_fixed_shares": "Ten-year city (pole, landers 30 % chips)",
}

#: Target metric -> a short name people read.
METRICS: dict[str, str] = {
    "industrial_mass_t": "Machines on the Moon",
    "power_mw": "Power it can make",
    "closure": "Made on the Moon",
    "stock_closure": "Made on the Moon, all time",
    "launches_per_year": "Launches in the last year",
    "satellites_launched": "Satellites launched",
    "compute_in_orbit_kw": "Computers in space",
    "units_total": "Machines",
    "rail_length_m": "Launch track",
    "mass_driver_operating": "Launch track finished",
    "doubling_time_years": "Time to double",
}

#: Unit kind -> plural name on the legend.
KINDS: dict[str, str] = {
    "robot": "robots",
    "regolith_plant": "soil refineries",
    "metal_works": "metal works",
    "solar_fab": "solar-cell factories",
    "electronics_fab": "electronics factories",
    "chip_fab": "chip factories",
    "solar_plant": "solar panels",
    "storage_bank": "batteries",
    "fission_unit": "nuclear reactors",
    "rail_segment": "launch track",
    "pilot_regolith_plant": "small soil refineries",
    "pilot_metal_works": "small metal works",
    "pilot_solar_fab": "small solar-cell factories",
    "pilot_electronics_fab": "small electronics factories",
    "pulse_store": "launch power stores",
}

#: Unit kind -> one of them, on the inspector's card.
KIND_ONE: dict[str, str] = {
    "robot": "Robot",
    "regolith_plant": "Soil refinery",
    "metal_works": "Metal works",
    "solar_fab": "Solar-cell factory",
    "electronics_fab": "Electronics factory",
    "chip_fab": "Chip factory",
    "solar_plant": "Solar panel",
    "storage_bank": "Battery",
    "fission_unit": "Nuclear reactor",
    "rail_segment": "Launch track segment",
    "pilot_regolith_plant": "Small soil refinery",
    "pilot_metal_works": "Small metal works",
    "pilot_solar_fab": "Small solar-cell factory",
    "pilot_electronics_fab": "Small electronics factory",
    "pulse_store": "Launch power store",
}

#: Planner policy -> what the select shows.
POLICIES: dict[str, str] = {
    "fixed_mix": "Always the same mix",
    "bottleneck_first": "Fix the biggest shortage first",
    "grow_then_produce": "Grow first, then make satellites",
}

#: Today's binding constraint -> "short of ..." (material:<item> is handled apart).
SHORT_OF: dict[str, str] = {
    "power": "electricity",
    "labour": "robots' working time",
    "imports": "deliveries from Earth",
    "launch": "launches (the mass driver is the limit)",
}


def preset(name: str) -> str:
    """The friendly name of a preset (the file's own name for one we do not know)."""
    return PRESETS.get(name, name.replace("_", " "))


def kind(name: str) -> str:
    """The friendly plural of a unit kind."""
    return KINDS.get(name, name.replace("_", " "))


def kind_one(name: str) -> str:
    """One unit of a kind, capitalised: 'Soil refinery'."""
    return KIND_ONE.get(name, name.replace("_", " ").capitalize())


def metric(name: str) -> str:
    """The friendly name of a target metric."""
    return METRICS.get(name, name.replace("_", " "))


#: Target metric -> the unit its value is written in ('' for a count).
METRIC_UNITS: dict[str, str] = {
    "industrial_mass_t": "t",
    "power_mw": "MW",
    "rail_length_m": "m",
    "compute_in_orbit_kw": "kW",
    "doubling_time_years": "years",
}


def number(value: float) -> str:
    """A figure as people read it: 1,234 for big ones, three digits for small ones."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def amount(metric: str, value: float, goal: float) -> str:
    """A target part's value against its goal, with units: '843 t of 40,000 t'.

    A doubling time that is infinite (the city is not growing) is said in words.
    """
    unit = METRIC_UNITS.get(metric, "")
    u = f" {unit}" if unit else ""
    if not math.isfinite(value):
        return f"not growing (goal: {number(goal)}{u})"
    return f"{number(value)}{u} of {number(goal)}{u}"


def short_of(bottleneck: str) -> str:
    """What the city was short of: 'electricity', 'storage cells (a material)', or ''."""
    if bottleneck.startswith("material:"):
        return item(bottleneck.split(":", 1)[1]) + " (a material)"
    return SHORT_OF.get(bottleneck, "" if bottleneck == "none" else bottleneck.replace("_", " "))


def _years(days: int) -> str:
    return f"{days / DAYS_PER_YEAR:.1f} years"


def headline(summary: dict[str, Any]) -> str:
    """One sentence: the day, and whether the city is complete, when, or how long is left.

    Complete means every part of the target held on the same day (lunarcity/results/target.py); when
    the parts held at different times, the sentence says when each held.

    Args:
        summary: ``LunarCity.summary()`` (days_simulated, target_met, target_day,
            horizon_years, target).
    """
    day = int(summary["days_simulated"])
    horizon = float(summary["horizon_years"])
    block = summary.get("target") or {}
    if summary["target_met"]:
        met = int(summary["target_day"])
        line = (
            f"The city is complete: it took {_years(met)} (day {met:,}), "
            f"inside the {horizon:g}-year target."
        )
        if block and not block["all_hold_at_end"]:
            line += f" Not every part holds today: {part_spans(block)}."
        return line
    if "parts" in block and not block["parts"]:  # a scenario that sets no target (the default)
        return f"Day {day:,}: no target set, so nothing to complete."
    if day == 0:
        return f"Day 0: the first machines have landed. Goal: a complete city in {horizon:g} years."
    held = bool(block.get("parts")) and all(
        p["first_day"] is not None for p in block["parts"].values()
    )
    if day < round(horizon * DAYS_PER_YEAR):
        if held and block["first_day_all_held"] is None:
            return f"Day {day:,}: not complete yet — every part has held, never all at once: " + (
                f"{part_spans(block)}."
            )
        return f"Day {day:,}: not complete yet — {_years(day)} of the {horizon:g} gone."
    if held and block["first_day_all_held"] is None:
        return f"Day {day:,}: never complete in {horizon:g} years — {part_spans(block)}."
    return f"Day {day:,}: the city was not complete within {horizon:g} years."


def held_back(most: str, today: str, day: int) -> tuple[str, str]:
    """The two labelled lines of "what held it back": most days so far, and today.

    Args:
        most: The constraint that bound the most days so far (the summary's ``bottleneck``).
        today: Today's binding constraint (``LunarCity.bottleneck``).
        day: Days run so far (nothing has held it back on day 0).
    """
    if day == 0:
        return ("Most days so far: nothing yet — press Play.", "")
    most_text = short_of(most)
    today_text = short_of(today)
    return (
        "Most days so far: short of " + most_text if most_text else "Most days so far: nothing",
        "Today: short of " + today_text if today_text else "Today: nothing held it back",
    )


def finished(summary: dict[str, Any]) -> str:
    """What the page says when a run has used all its days, and what to do next."""
    years = float(summary["days_simulated"]) / DAYS_PER_YEAR
    return (
        f"The run has ended after {years:.1f} years. Press Reset to watch it again, or change "
        "an assumption (or the preset) and press Reset."
    )


def compare_ended(names: list[str], day: int) -> str:
    """What Compare says when the first of its two cities (or both) has used all its days."""
    years = f"{day / DAYS_PER_YEAR:.1f} years"
    which = (
        f"Both cities have come to the end of their runs ({years})"
        if len(names) > 1
        else f"{names[0]} has come to the end of its run ({years}), so both stop here"
    )
    return f"{which}. Press Reset to watch them again, or choose another pair."


def destination(name: str) -> str:
    """A destination in words: its description's first clause (data/destinations.yaml).

    Read from the data, so a destination added there is named on the page with no edit here.
    """
    from lunarcity.space.trajectory import load_destinations

    found = load_destinations().destinations.get(name)
    if found is None or not found.description:
        return name.replace("_", " ")
    return found.description.split(",")[0].rstrip(".").strip()


def breakeven(day: int | None, running: bool) -> str:
    """The break-even in words: 'day 1,234 (year 3.4)', 'not yet' while running, else 'never'."""
    if day is not None:
        return f"day {day:,} (year {day / DAYS_PER_YEAR:.1f})"
    return "not yet" if running else "never in this run"


def thesis(block: dict[str, Any], running: bool = True) -> str:
    """The thesis in a sentence: Earth-lifted kg per kW delivered by both routes, the break-even.

    Args:
        block: The summary's ``thesis`` block (lunarcity/space/earth_ledger.py).
        running: Whether the run goes on (a missing break-even is "not yet", else "never").
    """
    where = destination(str(block["destination"]))
    where = where[:1].lower() + where[1:]  # mid-sentence; names inside keep their capitals
    if not block["compute_delivered_kw"]:
        return (
            f"No computers delivered to {where} yet. Earth has lifted "
            f"{block['earth_lifted_t']:,.0f} t to low Earth orbit for this city so far (the seed, "
            "the landers and the tankers that refuel them)."
        )
    lunar, direct = block["earth_kg_per_kw"], block["direct_earth_kg_per_kw"]
    ratio = (
        f"{lunar / direct:,.1f} times as much"
        if lunar >= direct
        else f"{1 - lunar / direct:.0%} less"
    )
    return (
        f"Earth lifted {lunar:,.0f} kg for each kW of computers delivered to {where} from the "
        f"Moon so far, against {direct:,.0f} kg to launch the same computers from Earth "
        f"({ratio}). One more satellite from the Moon costs Earth "
        f"{block['marginal_steady']:,.0f} kg per kW (its chips, salt, anodes and kick stage); "
        f"the lunar route wins at the margin only while Earth lifts fewer than "
        f"{block['max_lifted_per_landed']:.1f} t per t landed, and this run lifts "
        f"{block['lifted_per_landed']:g}. Break-even: "
        f"{breakeven(block['breakeven_day'], running)}."
    )


# -- the two questions, one line each -----------------------------------------------------------
def city_answer(summary: dict[str, Any]) -> str:
    """The first question in one line: is the city complete within its horizon, in this run?

    A part counts only while it holds (lunarcity/results/target.py): a part that held once and no longer
    does is not counted, so the line never says more than that day's values.

    Args:
        summary: ``LunarCity.summary()`` (target_met, target_day, target, horizon_years,
            days_simulated).
    """
    horizon = float(summary["horizon_years"])
    parts = (summary.get("target") or {}).get("parts") or {}
    holding = sum(bool(part["holds_at_end"]) for part in parts.values())
    asked = f"A city in {horizon:g} years: "
    count = f"{holding} of {len(parts)} target parts holding"
    if summary["target_met"]:
        day = int(summary["target_day"])
        line = asked + f"yes, complete on day {day:,} (year {day / DAYS_PER_YEAR:.1f})"
        # Complete once is not complete now: beside a part that stopped holding, say so.
        return line if holding == len(parts) else f"{line}; {count} today"
    day = int(summary["days_simulated"])
    horizon_day = round(horizon * DAYS_PER_YEAR)
    if day < horizon_day:
        return asked + f"not yet, {count} after {_years(day)}"
    if day == horizon_day:
        return asked + f"no, {count} when the time was up"
    # A run longer than its horizon: the count is today's, not the horizon day's.
    return asked + f"no; {count} in year {day / DAYS_PER_YEAR:.1f}, past the horizon"


def moon_or_earth(block: dict[str, Any] | None, running: bool) -> str:
    """The second question in one line: Earth's kg lifted per kW by each route, the break-even.

    Args:
        block: The summary's ``thesis`` block (lunarcity/space/earth_ledger.py), or None.
        running: Whether the run goes on (a missing break-even is "not yet", else "not in
            this run").
    """
    if not block:
        return "Moon or Earth: this run sends no computers to space"
    if not block["compute_delivered_kw"]:
        none = "none delivered yet" if running else "none delivered in this run"
        return (
            f"Moon or Earth: no computers in space, {none}; Earth has lifted "
            f"{block['earth_lifted_t']:,.0f} t for this city so far"
        )
    day = block["breakeven_day"]
    if day is not None:
        when = f"day {day:,} (year {day / DAYS_PER_YEAR:.1f})"
    else:
        when = "not yet" if running else "not in this run"
    return (
        f"Moon or Earth: Earth lifted {block['earth_kg_per_kw']:,.0f} kg per kW by the Moon "
        f"route, {block['direct_earth_kg_per_kw']:,.0f} direct; break-even: {when}"
    )


def answers(summary: dict[str, Any], running: bool) -> tuple[str, str]:
    """Both questions' one-line answers for this run, as Explore's first screen shows them."""
    return city_answer(summary), moon_or_earth(summary.get("thesis"), running)


# -- the materials graph's items ------------------------------------------------------------------
#: Item -> its plain name where the file's own name is not plain English.
ITEMS: dict[str, str] = {
    "regolith": "soil",
    "ai_satellite": "AI satellite",
    "kerf": "silicon sawdust",
    "swarf": "metal shavings",
    "magnets_coils": "magnets and coils",
    "spent_anode": "used anodes",
    "spent_salt": "used salt",
    "kick_stage": "kick stage (a small rocket)",
    "kick_engine": "kick-stage engine",
    "kick_fuel": "kick-stage fuel",
    "supercapacitor_cells": "supercapacitor cells",
}


def item(name: str) -> str:
    """The plain name of an item or a unit kind (a unit kind by its plural, as on the legend)."""
    if name in KINDS:
        return KINDS[name]
    return ITEMS.get(name, name.replace("_", " "))


def internal_names() -> tuple[str, ...]:
    """Every internal unit-kind name, as written in the files and spaced out ('storage bank').

    What no visible text and no label drawn into a picture may contain.
    """
    plain = {*KINDS.values(), *(v.lower() for v in KIND_ONE.values())}
    spaced = {k.replace("_", " ") for k in KINDS if "_" in k} - plain
    return tuple(sorted({*(k for k in KINDS if "_" in k), *spaced}))


# -- the data dictionary: the daily table's columns -------------------------------------------------
#: Daily-table column -> (plain name, unit, meaning). Columns ``units_<kind>`` are named from
#: :data:`KINDS` by :func:`column`. The docs' table (docs/COLUMNS.md, written by
#: docs/columns.py) and the guide exported beside every CSV are both read from here.
COLUMNS: dict[str, tuple[str, str, str]] = {
    "day": ("Day", "day", "Days since the first landing (day 0)"),
    "units_total": ("Machines", "count", "Machines in service, of every kind"),
    "satellites_launched": ("Satellites launched", "count", "Satellites launched so far"),
    "satellites_waiting": ("Satellites waiting", "count", "Satellites built, not yet launched"),
    "launches": ("Launches today", "count", "Satellites the mass driver launched today"),
    "mass_driver_operating": (
        "Launch track finished",
        "yes (1) / no (0)",
        "Whether the mass driver's track is long enough to launch",
    ),
    "jobs_open": ("Build jobs open", "count", "Machines being built now"),
    "landers_arrived": ("Landers arrived", "count", "Landers from Earth that landed, so far"),
    "landers_lost": ("Landers lost", "count", "Landers from Earth lost on the way, so far"),
    "landers_dispatched": (
        "Landers sent",
        "count",
        "Landers Earth sent so far (arrived and lost)",
    ),
    "industrial_mass_t": ("Machines on the Moon", "t", "Mass of the machines in service"),
    "power_mw": ("Power it can make", "MW", "Electric power the city's plants can make"),
    "generated_mwh": ("Electricity made", "MWh", "Electricity made today"),
    "demand_mwh": ("Electricity needed", "MWh", "Electricity the machines asked for today"),
    "served_mwh": ("Electricity used", "MWh", "Electricity delivered to the machines today"),
    "unserved_mwh": ("Electricity short", "MWh", "Electricity asked for but not delivered today"),
    "stored_mwh": ("Electricity in store", "MWh", "Energy in the batteries at the end of the day"),
    "curtailed_mwh": (
        "Electricity wasted",
        "MWh",
        "Electricity that could have been made today but had no use and no room in store",
    ),
    "losses_mwh": ("Storage losses", "MWh", "Round-trip loss on the energy stored today"),
    "closure": (
        "Made on the Moon",
        "share 0-1",
        "Share of the hardware built in the last year that was made on the Moon",
    ),
    "stock_closure": (
        "Made on the Moon, all time",
        "share 0-1",
        "Share of all the machines' mass that was made on the Moon",
    ),
    "earth_imported_t": (
        "Sent from Earth",
        "t",
        "Mass landed from Earth so far, the seed included",
    ),
    "launched_t": ("Launched from the Moon", "t", "Mass the mass driver has launched so far"),
    "compute_in_orbit_kw": (
        "Computers in space",
        "kW",
        "Computing power of the satellites launched so far",
    ),
    "compute_delivered_kw": (
        "Computers delivered",
        "kW",
        "Computing power delivered to the satellites' destination so far",
    ),
    "rail_length_m": ("Launch track", "m", "Length of launch track built"),
    "labour_robot_days": ("Robots' working time", "robot-days", "Robot working time today"),
    "assembly_robot_days": (
        "Robots' time building",
        "robot-days",
        "Robot working time spent assembling machines today",
    ),
    "regolith_mined_t": ("Soil dug", "t", "Soil (regolith) dug so far"),
    "stock_t": ("Stores", "t", "Materials and parts in store"),
    "wip_t": ("Work in progress", "t", "Mass inside machines still being built"),
    "waste_t": ("Scrap thrown away", "t", "Mass of scrapped machines not recycled, so far"),
    "launches_per_year": ("Launches in the last year", "count", "Launches in the last 365 days"),
    "doubling_time_years": (
        "Time to double",
        "years",
        "Years the machines' mass takes to double at its recent growth (inf: not growing)",
    ),
    "mass_balance_rel_error": (
        "Mass check",
        "relative error",
        "How far the mass ledger is from balancing (a check on the model; near 0)",
    ),
    "element_balance_rel_error": (
        "Element check",
        "relative error",
        "How far the element ledger is from balancing (a check on the model; near 0)",
    ),
    "energy_balance_rel_error": (
        "Energy check",
        "relative error",
        "How far the energy ledger is from balancing (a check on the model; near 0)",
    ),
    "oxygen_vented_t": ("Oxygen let out", "t", "Oxygen from refining released to space so far"),
    "bottleneck": (
        "What held it back",
        "name",
        "The constraint that bound the day: power, labour, material:<item>, imports, launch "
        "or none",
    ),
    "earth_launches": (
        "Earth launches, Moon route",
        "count",
        "Rocket launches from Earth so far for this city (seed, landers, tankers)",
    ),
    "direct_earth_launches": (
        "Earth launches, direct route",
        "count",
        "Rocket launches from Earth that the same computers would take, built on Earth",
    ),
    "earth_lifted_t": (
        "Earth lifted, Moon route",
        "t",
        "Mass lifted to low Earth orbit so far for this city",
    ),
    "direct_earth_lifted_t": (
        "Earth lifted, direct route",
        "t",
        "Mass lifted to low Earth orbit to send the same computers from Earth",
    ),
    "earth_kg_per_kw": (
        "Earth kg per kW, Moon route",
        "kg/kW",
        "Mass Earth lifted so far per kW of computers delivered (empty until one is)",
    ),
    "earth_kg_per_kw_marginal": (
        "Earth kg per kW, one more satellite",
        "kg/kW",
        "Mass Earth must lift for one more satellite from the Moon, per kW",
    ),
    "direct_earth_kg_per_kw": (
        "Earth kg per kW, direct route",
        "kg/kW",
        "Mass Earth lifts per kW of computers launched from Earth",
    ),
}


def column(name: str) -> tuple[str, str, str]:
    """A daily-table column's (plain name, unit, meaning).

    Raises:
        KeyError: a column the dictionary does not know (a test keeps it complete).
    """
    if name in COLUMNS:
        return COLUMNS[name]
    if name.startswith("units_") and name[6:] in KINDS:
        kind_name = KINDS[name[6:]]
        return (kind_name.capitalize(), "count", f"{kind_name.capitalize()} in service")
    raise KeyError(name)


def columns_guide(names: list[str]) -> str:
    """The CSV guide exported beside a daily table: column, plain name, unit, meaning (CSV)."""
    import csv
    import io

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["column", "plain name", "unit", "meaning"])
    for name in names:
        out.writerow([name, *column(name)])
    return buf.getvalue()

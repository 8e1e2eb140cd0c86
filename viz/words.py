"""Plain words for the app: what a fifteen-year-old reads instead of the model's internal names.

The model speaks in field names (``industrial_mass_t``, ``material:storage_cells``); the app
shows these friendly names and keeps the internal one in a tooltip for researchers. The
headline and the "what held it back" lines are written here, from the run's summary, so the
page, the tour, Compare and the exported picture say the same thing.
"""

from __future__ import annotations

from typing import Any

DAYS_PER_YEAR = 365.25

#: Preset name -> what the picker shows.
PRESETS: dict[str, str] = {
    "ten_year_city": "Ten-year city (pole)",
    "equator_site": "Ten-year city (equator)",
    "aasm1980_lmf": "NASA 1980 seed factory",
    "metzger2013": "Metzger 2013: small start",
    "auxon_lw95": "Self-copying robots (1995)",
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


def short_of(bottleneck: str) -> str:
    """What the city was short of: 'electricity', 'storage cells (a material)', or ''."""
    if bottleneck.startswith("material:"):
        return bottleneck.split(":", 1)[1].replace("_", " ") + " (a material)"
    return SHORT_OF.get(bottleneck, "" if bottleneck == "none" else bottleneck.replace("_", " "))


def _years(days: int) -> str:
    return f"{days / DAYS_PER_YEAR:.1f} years"


def headline(summary: dict[str, Any]) -> str:
    """One sentence: the day, and whether the city is complete, when, or how long is left.

    Args:
        summary: ``LunarCity.summary()`` (days_simulated, target_met, target_day,
            horizon_years).
    """
    day = int(summary["days_simulated"])
    horizon = float(summary["horizon_years"])
    if summary["target_met"]:
        met = int(summary["target_day"])
        return (
            f"The city is complete: it took {_years(met)} (day {met:,}), "
            f"inside the {horizon:g}-year target."
        )
    if day == 0:
        return f"Day 0: the first machines have landed. Goal: a complete city in {horizon:g} years."
    if day < horizon * DAYS_PER_YEAR - 1e-9:
        return f"Day {day:,}: not complete yet — {_years(day)} of the {horizon:g} gone."
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


def destination(name: str) -> str:
    """A destination in words: its description's first clause (data/destinations.yaml).

    Read from the data, so a destination added there is named on the page with no edit here.
    """
    from lunarcity.trajectory import load_destinations

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
        block: The summary's ``thesis`` block (lunarcity/earth_ledger.py).
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

"""The studies' inputs, conditions and destinations in plain words, for the README's opening.

A newcomer reads "how often a lander arrives", not ``earth.lander_interval_days``; "only if Earth
keeps landing past year 6.2", not ``6.202 <= earth.until_years <= 11.8``. Each input the shipped
studies sample has its words here; one that has none is named by its last part, its underscores
spaced, so the opening never shows an identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lunarcity.study.words import number


@dataclass(frozen=True)
class Words:
    """How an input reads in a sentence.

    Attributes:
        noun: The input as a noun phrase ("how often a lander arrives").
        above: A lower bound in words, ``{}`` the value ("Earth keeps landing past year {}").
        below: An upper bound in words.
    """

    noun: str
    above: str
    below: str


INPUTS: dict[str, Words] = {
    "earth.lander_interval_days": Words(
        "how often a lander arrives",
        "landers come no more often than every {} days",
        "a lander arrives at least every {} days",
    ),
    "earth.lander_payload_t": Words(
        "how much each lander carries",
        "each lander carries at least {} tonnes",
        "each lander carries at most {} tonnes",
    ),
    "earth.until_years": Words(
        "when Earth stops sending landers",
        "Earth keeps landing past year {}",
        "Earth stops landing by year {}",
    ),
    "earth.lander_failure_prob": Words(
        "how often a landing fails",
        "at least {} of landings fail",
        "at most {} of landings fail",
    ),
    "earth.carries.chips": Words(
        "the share of each landing that is chips",
        "chips are at least {} of each landing",
        "chips are at most {} of each landing",
    ),
    "units.regolith_plant.throughput_factor": Words(
        "how fast the regolith plant works",
        "the regolith plant works at least {} times its assumed speed",
        "the regolith plant works at most {} times its assumed speed",
    ),
    "units.metal_works.throughput_factor": Words(
        "how fast the metal works work",
        "the metal works run at least {} times their assumed speed",
        "the metal works run at most {} times their assumed speed",
    ),
    "units.storage_bank.storage_kwh": Words(
        "how much energy a storage bank holds",
        "a storage bank holds at least {} kWh",
        "a storage bank holds at most {} kWh",
    ),
    "units.robot.failures_per_year": Words(
        "how often robots fail",
        "robots fail at least {} times a year",
        "robots fail at most {} times a year",
    ),
    "units.robot.assembly_s_per_kg": Words(
        "how long robots take to assemble",
        "robots take at least {} seconds a kilogram to assemble",
        "robots take at most {} seconds a kilogram to assemble",
    ),
    "learning.progress_ratio": Words(
        "how fast the work gets quicker with practice",
        "each doubling of output leaves at least {} of the work (slow learning)",
        "each doubling of output leaves at most {} of the work",
    ),
    "site.name": Words("the site", "", ""),
    "planner.produce_after_years": Words(
        "when satellite production starts",
        "satellite production starts after year {}",
        "satellite production starts by year {}",
    ),
    "planner.produce_share": Words(
        "the share of labour put to satellites",
        "at least {} of the labour goes to satellites",
        "at most {} of the labour goes to satellites",
    ),
    "satellite.lunar.board_kg_per_kw": Words(
        "the circuit boards' mass per kilowatt",
        "boards weigh at least {} kg a kilowatt",
        "boards weigh at most {} kg a kilowatt",
    ),
    "satellite.lunar.array_w_per_kg": Words(
        "the solar arrays' power per kilogram",
        "the arrays give at least {} W a kilogram",
        "the arrays give at most {} W a kilogram",
    ),
    "satellite.lunar.radiator_kg_per_m2": Words(
        "the radiators' mass per square metre",
        "radiators weigh at least {} kg a square metre",
        "radiators weigh at most {} kg a square metre",
    ),
    "planner.policy": Words("how the city chooses what to build", "", ""),
    "planner.launch_power_share": Words(
        "the share of power the mass driver may draw",
        "the mass driver may draw at least {} of the power",
        "the mass driver may draw at most {} of the power",
    ),
    "earth.manifest": Words("how each lander's cargo is chosen", "", ""),
    "earth.stockpile_years": Words(
        "the years of supplies Earth lands ahead",
        "Earth lands at least {} years of supplies ahead",
        "Earth lands at most {} years of supplies ahead",
    ),
    "mass_driver.max_accel_g": Words(
        "how hard the mass driver may accelerate",
        "the mass driver accelerates at least {} g",
        "the mass driver accelerates at most {} g",
    ),
}

#: Destinations and sites in words.
PLACES: dict[str, str] = {
    "lunar_orbit": "lunar orbit",
    "earth_moon_l1": "the Earth-Moon L1 point",
    "earth_moon_l2": "the Earth-Moon L2 point",
    "geo": "geostationary orbit",
    "heliocentric": "an orbit around the Sun",
    "leo": "low Earth orbit",
    "polar_ridge": "the polar ridge",
    "equator": "the equator",
}


def _spaced(name: str) -> str:
    return name.rsplit(".", 1)[-1].replace("_", " ")


def noun(parameter: str) -> str:
    """An input as a noun phrase."""
    words = INPUTS.get(parameter)
    return words.noun if words else _spaced(parameter)


def place(name: str) -> str:
    """A destination or site in words."""
    return PLACES.get(name, _spaced(name))


#: A PRIM bound within this share of the range's width from its end is not said: PRIM peels
#: 5 % of the runs a step, so a bound that close cuts off about one step's runs at most.
SLACK = 0.05

_BOUNDS = re.compile(
    r"^\s*(?P<low>[-\d.,e+]+)\s*<=\s*(?P<name>\S+)\s*<=\s*(?P<high>[-\d.,e+]+)\s*$"
)
_SET = re.compile(r"^\s*(?P<name>\S+)\s+in\s+\{(?P<values>[^}]*)\}\s*$")


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def condition(limit: str, full: tuple[float, float] | None = None) -> str | None:
    """One PRIM restriction in words, only its bounds that cut the range (None: it cuts none).

    Args:
        limit: As a summary writes it: ``"6.202 <= earth.until_years <= 11.8"`` or
            ``"site.name in {polar_ridge}"``.
        full: The input's whole range; a bound within :data:`SLACK` of its end is not said. Unknown:
            both bounds are said.

    Returns:
        e.g. "Earth keeps landing past year 6.2" or "at the polar ridge".
    """
    found = _SET.match(limit)
    if found:
        values = [v.strip() for v in found["values"].split(",") if v.strip()]
        places = [place(v) for v in values]
        listed = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " or " + places[-1]
        return (
            f"at {listed}" if found["name"] == "site.name" else f"{noun(found['name'])} is {listed}"
        )
    found = _BOUNDS.match(limit)
    if not found:
        return None
    name, low, high = found["name"], _value(found["low"]), _value(found["high"])
    words = INPUTS.get(name) or Words(
        _spaced(name), f"{_spaced(name)} at least {{}}", f"{_spaced(name)} at most {{}}"
    )
    slack = SLACK * (full[1] - full[0]) if full else 0.0
    said = []
    if full is None or low > full[0] + slack:
        said.append(words.above.format(number(low, 2)))
    if full is None or high < full[1] - slack:
        said.append(words.below.format(number(high, 2)))
    return " and ".join(said) or None


#: The studies' deciding outcomes in words.
OUTCOMES: dict[str, str] = {
    "industrial_mass_t": "how much industry the city builds",
    "break_even_ratio": "how close the Moon route comes to breaking even",
}


def outcome(name: str | None) -> str:
    """A deciding outcome in words."""
    return OUTCOMES.get(name or "", _spaced(name or "the outcome"))


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


#: The constraints a run names as binding (lunarcity/stages/bottleneck.py) in words.
CONSTRAINTS: dict[str, str] = {
    "power": "power",
    "labour": "robot labour (building and digging)",
    "imports": "supplies only Earth makes",
    "launch": "the mass driver's launches",
    "none": "nothing",
}


def constraint(name: str) -> str:
    """A binding constraint in words; a short material by its name (``material:storage_cells``)."""
    if name.startswith("material:"):
        return f"a shortage of {_spaced(name.split(':', 1)[1])}"
    return CONSTRAINTS.get(name, _spaced(name))


def value(v: object) -> str:
    """A lever's or input's value in words: a number to two significant digits, a name spaced."""
    if v is None:
        return "never"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float):
        return number(float(v), 2)
    return place(str(v))


def policy(levers: dict[str, object]) -> str:
    """A policy in words: each lever's noun and its value."""
    return listing([f"{noun(p)}: {value(v)}" for p, v in levers.items()])


def at_end(parameter: str, v: object, position: float | None) -> str:
    """Where an input's default sits: its value, and the end of its range it is at."""
    if position is None:
        return f"{noun(parameter)}: {value(v)}"
    end = "the top" if position >= 0.5 else "the bottom"
    return f"{noun(parameter)} at {end} of its range ({value(v)})"

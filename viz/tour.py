"""The guided tour's chapters: read from ``tour.yaml`` beside this file, and their live figures.

A chapter loads one preset (or two, side by side in the Compare view) and says what to watch.
The texts live in the YAML file so a teacher can edit them without touching code. No Solara here:
the page (:mod:`.components`) shows what this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from lunarcity.constants import DAYS_PER_YEAR, G0, HOURS_PER_YEAR, KW_PER_MW, M_PER_KM
from lunarcity.world.scenario_overrides import preset_paths

from . import words
from .charts import CHARTS

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

TOUR_FILE = Path(__file__).with_name("tour.yaml")


@dataclass(frozen=True)
class Chapter:
    """One chapter of the tour.

    Attributes:
        id: Short name.
        title: Shown in large type.
        text: The explanation.
        watch: What to watch, one line each.
        preset: The preset it loads (None when it compares two).
        compare: Two presets run side by side, or ().
        speed: Days per second when playing.
        charts: Which of the app's charts it shows (keys of :data:`~.charts.CHARTS`).
        facts: Name of the live figures it shows ("mass_driver"), or "".
        sliders: Whether it offers the parameter sliders.
        start_years: The chapter opens on this year of its run (stepped there on loading).
    """

    id: str
    title: str
    text: str
    watch: tuple[str, ...]
    preset: str | None = None
    compare: tuple[str, ...] = ()
    speed: int = 30
    charts: tuple[str, ...] = ()
    facts: str = ""
    sliders: bool = False
    start_years: float = 0.0

    @property
    def start_day(self) -> int:
        """The day the chapter opens on."""
        return int(round(self.start_years * DAYS_PER_YEAR))

    @property
    def presets(self) -> tuple[str, ...]:
        """Every preset the chapter runs."""
        return self.compare or ((self.preset,) if self.preset else ())


@cache
def chapters(path: Path = TOUR_FILE) -> tuple[Chapter, ...]:
    """The tour's chapters, in order, checked against the presets and the charts.

    Raises:
        ValueError: a chapter names an unknown preset or chart, or neither preset nor compare.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = set(preset_paths())
    out = []
    for raw in data["chapters"]:
        ch = Chapter(
            id=str(raw["id"]),
            title=str(raw["title"]),
            text=" ".join(str(raw["text"]).split()),
            watch=tuple(str(w) for w in raw.get("watch", ())),
            preset=raw.get("preset"),
            compare=tuple(raw.get("compare", ())),
            speed=int(raw.get("speed", 30)),
            charts=tuple(raw.get("charts", ())),
            facts=str(raw.get("facts", "")),
            sliders=bool(raw.get("sliders", False)),
            start_years=float(raw.get("start_years", 0.0)),
        )
        if bool(ch.preset) == bool(ch.compare) or len(ch.compare) not in (0, 2):
            raise ValueError(f"{path.name}: chapter {ch.id} needs a preset or two to compare")
        unknown = [p for p in ch.presets if p not in known] + [
            c for c in ch.charts if c not in CHARTS
        ]
        if unknown:
            raise ValueError(f"{path.name}: chapter {ch.id} names unknown {unknown}")
        out.append(ch)
    return tuple(out)


def mass_driver_facts(model: LunarCity) -> list[str]:
    """The mass driver's figures for this run: L = v^2/2a and E = m v^2/2/efficiency.

    The track length and the energy per launch are the model's own (``m.track.length_m``,
    ``m.track.launch_kwh``); the payload mass is what that energy implies, satellite and kick stage.
    """
    md = model.params.mass_driver
    v = model.thesis.launch_km_s * M_PER_KM
    a = md.max_accel_g * G0
    kwh = float(model.track.launch_kwh)
    mass = kwh * 3.6e6 * 2.0 * md.efficiency / (v * v) if v > 0 else 0.0
    built = float(model.recorder.last("rail_length_m"))
    where = words.destination(model.thesis.destination)
    where = where[:1].lower() + where[1:]  # mid-sentence
    lines = [
        f"Launch speed v = {v / M_PER_KM:.3f} km/s (to reach {where}), acceleration a = "
        f"{md.max_accel_g:g} g = {a:,.0f} m/s^2",
        f"Track needed L = v^2 / 2a = {model.track.length_m:,.0f} m; built so far: {built:,.0f} m",
        f"Payload m = {mass:,.0f} kg (the satellite and its {model.track.kick_kg:,.0f} kg kick "
        "stage, a small rocket that takes it on from the Moon)",
        f"Energy per launch E = m v^2 / 2 / {md.efficiency:g} = {kwh:,.0f} kWh "
        f"({kwh / KW_PER_MW:.2f} MWh)",
    ]
    per_year = float(model.recorder.last("launches_per_year"))
    if per_year > 0:
        lines.append(
            f"At {per_year:,.0f} launches a year the driver needs "
            f"{per_year * kwh / HOURS_PER_YEAR / KW_PER_MW:,.2f} MW on average"
        )
    return lines


def thesis_facts(model: LunarCity) -> list[str]:
    """The thesis's figures for this run: both satellites, and what each route has Earth lift.

    Read from the model's own thesis block and daily ledger (lunarcity/space/earth_ledger.py): the
    lunar route's launches and lifted mass so far, and the direct route's for the same compute.
    """
    t = model.recorder.thesis()
    where = words.destination(t["destination"])
    where = where[:1].lower() + where[1:]
    lines = [
        f"A satellite built on the Moon: {t['satellite_w_per_kg']:.1f} W of computers per kg; "
        f"built on Earth: {t['direct_satellite_w_per_kg']:.1f} W/kg",
        f"From the Moon so far: {t['earth_launches']:,.0f} Earth launches "
        f"({t['earth_lifted_t']:,.0f} t lifted) for the seed, the landers and their tankers",
    ]
    kw = t["compute_delivered_kw"]
    if kw:
        ledger = model.recorder.ledger()
        direct_t = float(ledger["direct_earth_lifted_t"][-1])
        lines.append(
            f"Computers delivered to {where}: {kw / KW_PER_MW:,.1f} MW; from Earth they would take "
            f"{t['direct_earth_launches']:,.0f} launches ({direct_t:,.0f} t lifted)"
        )
    else:
        lines.append(f"Computers delivered to {where}: none yet")
    lines.append(
        f"One more satellite: {t['marginal_steady']:,.0f} kg lifted per kW against "
        f"{model.thesis.route.direct_kg_per_kw:,.0f} from Earth; the Moon wins at the margin below "
        f"{t['max_lifted_per_landed']:.1f} t lifted per t landed (this run: "
        f"{t['lifted_per_landed']:g})"
    )
    lines.append(f"Break-even: {words.breakeven(t['breakeven_day'], bool(model.running))}")
    return lines


FACTS = {"mass_driver": mass_driver_facts, "thesis": thesis_facts}

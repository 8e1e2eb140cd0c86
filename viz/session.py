"""One browser session's city: the model, a lock, and the frames the page shows.

The page never reads the model while it draws: a :class:`Frame` is an immutable snapshot (PNG
bytes, numbers, text) made under the session's lock, by the play thread or a button's handler.
So the play loop can step the model while the browser is still showing the last frame, and two
sessions on one server share nothing.
"""

from __future__ import annotations

import io
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from lunarcity.constants import DAYS_PER_YEAR, MS_PER_S
from lunarcity.model import LunarCity
from lunarcity.results.target import PartState
from lunarcity.show.render import (
    Extent,
    cell_at,
    cell_counts,
    city_extent,
    kind_colours,
    nearest_unit,
    png_bytes,
    render_map,
    ring_cell,
    units_near,
)

from . import words
from .charts import Charts
from .materials import MaterialsView

#: How far (cells) a click on the map looks for the nearest unit.
PICK_RADIUS = 4
#: Days of a run before a target part's trend is projected.
MIN_TREND_DAYS = 30
DEFAULT_SCENARIO = "ten_year_city"


@dataclass(frozen=True)
class TargetRow:
    """One target part as the target panel shows it."""

    name: str
    metric: str
    why: str
    value: float
    goal: float
    fraction: float  # progress 0..1 today (1 only while holding)
    state: PartState  # holding now, held before but not now, or not yet
    first_day: int | None  # the first day it held, whether or not it holds now
    projection: str  # the state in words: "holding now (since day N ...)", "held before ..."


@dataclass(frozen=True)
class Frame:
    """What the page shows at one moment of one session's run."""

    key: int  # increases with every frame of a session
    scenario: str
    seed: int
    day: int
    days: int
    running: bool
    units_total: int
    bottleneck: str
    headline: str
    map_png: bytes
    extent: Extent
    legend: tuple[tuple[str, str, int], ...]  # (kind, #rrggbb, count)
    charts: dict[str, bytes]
    targets: tuple[TargetRow, ...]
    materials_png: bytes
    overrides: tuple[tuple[str, Any], ...] = ()  # the parameters this run changed
    timings_ms: dict[str, float] = field(default_factory=dict)
    held_back: tuple[str, str] = ("", "")  # most days so far, today (plain words)
    ended: str = ""  # when the run has used its days: says so, and what to do next
    picked: dict[str, Any] | None = None  # the unit ringed on the map, as its card shows it
    thesis: str = ""  # the thesis chart's caption: both routes' kg per kW, the break-even
    answers: tuple[str, str] = ("", "")  # both questions in a line each (words.answers)

    @property
    def year(self) -> float:
        """Today in years since founding (what the charts' x axis counts)."""
        return self.day / DAYS_PER_YEAR

    @property
    def day_text(self) -> str:
        """The counter: 'Day N (year Y)'."""
        return f"Day {self.day:,} (year {self.year:.1f})"


class Session:
    """A city and everything drawn from it, for one viewer.

    Args:
        scenario: Preset name or scenario file.
        seed: Random seed (default: the scenario's).
        overrides: Scenario parameters by dotted path.
        map_size: Edge of the map image in pixels.

    Raises:
        InputError: the scenario or an override is refused (the previous city, if any, stays).
    """

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        seed: int | None = None,
        overrides: dict[str, Any] | None = None,
        map_size: int = 560,
    ) -> None:
        self.lock = threading.RLock()
        self.map_size = map_size
        self.log_units = False
        self._key = 0
        self.picked: int | None = None  # the unit ringed on the map
        self.reset(scenario, seed, overrides)

    # -- life cycle ----------------------------------------------------------------------------
    def reset(
        self,
        scenario: str | None = None,
        seed: int | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        """Build a new city (the parameters take effect here); raises InputError if refused."""
        scenario = scenario or getattr(self, "scenario", DEFAULT_SCENARIO)
        overrides = dict(overrides or {})
        kwargs = {path.replace(".", "__"): value for path, value in overrides.items()}
        model = LunarCity(scenario, seed=seed, **kwargs)  # may raise InputError: nothing changed
        with self.lock:
            old = getattr(self, "charts", None)
            if old is not None:
                old.close()
            self.model = model
            self.scenario = scenario
            self.overrides = overrides
            self.seed = int(model.params.run.seed)
            self.charts = Charts(model)
            self._extent: Extent | None = None
            self._materials: dict[str, bytes] = {}
            self._materials_view = MaterialsView(model)
            self.picked = None

    def step(self, days: int = 1) -> int:
        """Advance up to ``days`` days (fewer at the end of the run); returns days stepped."""
        done = 0
        with self.lock:
            m = self.model
            for _ in range(max(0, int(days))):
                if not m.running:
                    break
                m.step()
                done += 1
        return done

    def advance(self, days: int = 1) -> Frame:
        """Step ``days`` days and draw the frame (what one tick of Play does)."""
        with self.lock:
            t0 = time.perf_counter()
            self.step(days)
            step_ms = (time.perf_counter() - t0) * MS_PER_S
            frame = self.frame()
            frame.timings_ms["step"] = step_ms
            return frame

    # -- drawing -------------------------------------------------------------------------------
    def frame(self) -> Frame:
        """A snapshot of the city now: map, charts, targets, headline, materials view."""
        with self.lock:
            m = self.model
            t0 = time.perf_counter()
            counts = cell_counts(m)
            ext = city_extent(m, counts=counts)
            # The frame only grows, so the city does not jump about as it spreads.
            self._extent = ext if self._extent is None else self._extent.union(ext)
            ext = self._square(self._extent)
            self._extent = ext
            picked = self.describe(self.picked) if self.picked is not None else None
            rgb = render_map(m, size=self.map_size, extent=ext)
            if picked is not None:
                rgb = ring_cell(rgb, ext, picked["pos"])
            map_png = png_bytes(rgb)
            t1 = time.perf_counter()
            charts = self.charts.pngs(self.log_units)
            t2 = time.perf_counter()
            summary = m.summary()
            bottleneck = str(m.bottleneck)
            if bottleneck not in self._materials:
                self._materials[bottleneck] = self._materials_view.png(bottleneck)
            colours = kind_colours(list(m.agent_kinds))
            totals = counts.sum(axis=(1, 2))
            legend = tuple(
                (k, "#{:02x}{:02x}{:02x}".format(*colours[k]), int(totals[j]))
                for j, k in enumerate(m.agent_kinds)
            )
            day = int(m.day)
            self._key += 1
            return Frame(
                key=self._key,
                scenario=self.scenario,
                seed=self.seed,
                day=int(m.day),
                days=int(m.days),
                running=bool(m.running),
                units_total=int(summary["units_total"]),
                bottleneck=bottleneck,
                headline=words.headline(summary),
                map_png=map_png,
                extent=ext,
                legend=legend,
                charts=charts,
                targets=tuple(self.targets()),
                materials_png=self._materials[bottleneck],
                overrides=tuple(sorted(self.overrides.items())),
                timings_ms={
                    "map": (t1 - t0) * MS_PER_S,
                    "charts": (t2 - t1) * MS_PER_S,
                    "rest": (time.perf_counter() - t2) * MS_PER_S,
                },
                held_back=words.held_back(str(summary["bottleneck"]), bottleneck, day),
                ended="" if m.running else words.finished(summary),
                picked=picked,
                thesis=words.thesis(summary["thesis"], running=bool(m.running)),
                answers=words.answers(summary, running=bool(m.running)),
            )

    def _square(self, ext: Extent) -> Extent:
        site = self.model.site
        side = min(ext.side, max(site.width, site.height))
        x0 = min(max(0, ext.x0 - (side - (ext.x1 - ext.x0)) // 2), max(0, site.width - side))
        y0 = min(max(0, ext.y0 - (side - (ext.y1 - ext.y0)) // 2), max(0, site.height - side))
        return Extent(x0, y0, min(site.width, x0 + side), min(site.height, y0 + side))

    def targets(self) -> list[TargetRow]:
        """Each target part: its value against its goal and its state today.

        The state is the recorder's (lunarcity/results/target.py): holding now, held before (from day
        X to day Y) but not now, or not yet, with a forecast at today's rate. The bar shows the
        value today, so a part that stopped holding no longer shows full.
        """
        m = self.model
        rec = m.recorder
        rows = []
        for name, status in rec.target.parts.items():
            part = status.part
            value = rec.value(part.metric)
            goal = status.goal
            if part.metric == "mass_driver_operating" and m.track.length_m > 0:
                fraction = min(1.0, rec.last("rail_length_m") / m.track.length_m)
            elif part.at_least is not None:
                fraction = min(1.0, value / goal) if goal > 0 else 1.0
            else:
                fraction = min(1.0, goal / value) if value > 0 else 1.0
            state = status.state
            fraction = 1.0 if state is PartState.HOLDING else min(max(0.0, fraction), 0.999)
            forecast = None
            if state is PartState.NOT_YET:
                forecast = self._projection(part.metric, goal, part.at_least is not None)
            if state is PartState.NOT_YET and rec.n <= MIN_TREND_DAYS:
                text = f"{state.value} (too early to tell)"
            elif state is PartState.NOT_YET and forecast is None:
                text = f"{state.value} (not on track at today's rate)"
            else:
                text = status.words(forecast)
            rows.append(
                TargetRow(
                    name,
                    part.metric,
                    part.why,
                    value,
                    goal,
                    fraction,
                    state,
                    status.first_day,
                    text,
                )
            )
        return rows

    def _projection(self, metric: str, goal: float, rising: bool) -> int | None:
        """The day a metric would reach ``goal`` at its trend over the last 180 days."""
        m = self.model
        rec = m.recorder
        d = rec.n - 1
        span = min(180, d)
        if span < MIN_TREND_DAYS:
            return None
        if metric == "mass_driver_operating":
            metric, goal = "rail_length_m", m.track.length_m
        try:
            now, then = rec.value(metric, d), rec.value(metric, d - span)
        except KeyError:
            return None
        if not rising:
            now, then, goal = -now, -then, -goal
        if now >= goal:
            return int(m.day)
        if now <= then:
            return None
        exponential = metric not in ("closure", "stock_closure", "rail_length_m")
        if exponential and then > 0:
            rate = math.log(now / then) / span  # per day
            days = math.log(goal / now) / rate if goal > 0 and now > 0 else math.inf
        else:
            days = (goal - now) / ((now - then) / span)
        if not math.isfinite(days) or days > 100 * DAYS_PER_YEAR:
            return None
        return int(m.day + math.ceil(days))

    # -- inspecting ----------------------------------------------------------------------------
    def units_at(self, fx: float, fy: float) -> tuple[tuple[int, int], list[int]]:
        """The cell under a click (fractions of the map's width and height) and its units."""
        with self.lock:
            ext = self._extent or city_extent(self.model)
            x, y = cell_at(ext, fx, fy)
            return (x, y), units_near(self.model, x, y)

    def pick(self, fx: float, fy: float, radius: int = PICK_RADIUS) -> int | None:
        """Ring the unit nearest a click (within ``radius`` cells) and return its id, or None.

        Units are single cells on the map, so a click finds the nearest one rather than asking
        for the exact pixel; the next frame rings it and carries its card.
        """
        with self.lock:
            ext = self._extent or city_extent(self.model)
            x, y = cell_at(ext, fx, fy)
            found = nearest_unit(self.model, x, y, radius)
            self.picked = found
            return found

    def choose(self, uid: int | None) -> None:
        """Ring this unit (picked from the table) on the next frames; None clears the ring."""
        with self.lock:
            self.picked = uid

    def describe(self, uid: int) -> dict[str, Any] | None:
        """What the inspector shows about a unit, or None if it is no longer in service."""
        with self.lock:
            agent = self.model.fleet.agent(int(uid))
            if agent is None:
                return None
            try:
                return agent.describe()
            except LookupError:
                return None

    def unit_table(self, kind: str | None = None, limit: int = 30) -> list[dict[str, Any]]:
        """The newest units (of one kind, or of all), for the inspector's picker."""
        with self.lock:
            m = self.model
            rows: list[tuple[int, int, str, int, int, float]] = []
            for k in m.agent_kinds:
                if kind and k != kind:
                    continue
                t = m.fleet.tables[k]
                if not t.n:
                    continue
                newest = np.argsort(-t["born"], kind="stable")[:limit]
                for r in newest:
                    rows.append(
                        (
                            int(t["born"][r]),
                            int(t["id"][r]),
                            k,
                            int(t["x"][r]),
                            int(t["y"][r]),
                            float(t["health"][r]),
                        )
                    )
            rows.sort(key=lambda r: (-r[0], r[1]))
            return [
                {"id": uid, "kind": k, "cell": f"({x}, {y})", "born": born, "health": round(h, 2)}
                for born, uid, k, x, y, h in rows[:limit]
            ]

    # -- export --------------------------------------------------------------------------------
    def daily_bytes(self, fmt: str = "parquet") -> bytes:
        """The run's daily table so far, as Parquet or CSV bytes."""
        with self.lock:
            table = self.model.daily()
        buf = io.BytesIO()
        if fmt == "csv":
            table.write_csv(buf)
        else:
            table.write_parquet(buf)
        return buf.getvalue()

    def snapshot_png(self) -> bytes:
        """The map (with headline, day and legend) beside the time charts, as one PNG."""
        with self.lock:
            m = self.model
            ext = self._extent or city_extent(m)
            summary = m.summary()
            big = render_map(
                m,
                size=600,
                extent=ext,
                headline=f"{words.preset(self.scenario)}. {words.headline(summary)}",
                day_label=True,
                legend=True,
            )
            pngs = self.charts.pngs(self.log_units).values()
            charts = [Image.open(io.BytesIO(p)).convert("RGB") for p in pngs]
        cw, ch = charts[0].size
        cols = 2
        rows = math.ceil(len(charts) / cols)
        height = max(600, rows * ch)
        sheet = Image.new("RGB", (600 + cols * cw, height), "white")
        sheet.paste(Image.fromarray(big), (0, 0))
        for i, img in enumerate(charts):
            sheet.paste(img, (600 + (i % cols) * cw, (i // cols) * ch))
        buf = io.BytesIO()
        sheet.save(buf, format="PNG", optimize=True)
        return buf.getvalue()

"""Two scenarios side by side in lockstep: the Compare view's cities and what it shows of them.

Both cities start from the same seed and step together, one day each at a time, so on screen they
always show the same day and differ only in what their scenarios change (by default the site:
pole against equator). Like :class:`~.session.Session`, a :class:`Pair` belongs to one browser
session and hands the page immutable :class:`CompareFrame` snapshots made under its lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.model import LunarCity
from lunarcity.show.render import Extent, city_extent, png_bytes, render_map

from . import words
from .charts import _thin, time_axis
from .plot import Series, line_chart

DEFAULT_PAIR = ("ten_year_city", "equator_site")
#: The first city solid blue, the second dashed orange, drawn over it: where the two lines
#: overlap the blue still shows through the gaps of the dashes (and colour-blind eyes see dashes).
COLOURS = ("#1f77b4", "#e6550d")
DASHED = (False, True)


@dataclass(frozen=True)
class Side:
    """One city of the pair at one moment."""

    scenario: str
    day: int
    running: bool
    units_total: int
    industrial_mass_t: float
    bottleneck: str
    headline: str
    map_png: bytes
    held_back: tuple[str, str] = ("", "")

    @property
    def name(self) -> str:
        """The preset's friendly name."""
        return words.preset(self.scenario)

    @property
    def day_text(self) -> str:
        """The counter: 'Day N (year Y)'."""
        return f"Day {self.day:,} (year {self.day / DAYS_PER_YEAR:.1f})"


@dataclass(frozen=True)
class CompareFrame:
    """What the Compare view shows: both cities and the shared charts (PNG bytes by name)."""

    key: int
    seed: int
    sides: tuple[Side, Side]
    charts: dict[str, bytes]

    @property
    def running(self) -> bool:
        """Whether both cities can still step (lockstep stops with the first to end)."""
        return all(s.running for s in self.sides)

    @property
    def ended(self) -> str:
        """Why the pair stopped, once it has: the city whose run ended first ("" while running).

        The other city may have years left, and its headline still says 'not complete yet';
        without this line a class sees Play switched off and no reason.
        """
        done = [s for s in self.sides if not s.running]
        return words.compare_ended([s.name for s in done], done[0].day) if done else ""


class Pair:
    """Two cities on the same seed, stepped together.

    Args:
        scenarios: Two preset names or scenario files.
        seed: The seed of both (default: the first scenario's).
        map_size: Edge of each map image in pixels.
        **overrides: Flat ``__`` keywords applied to both, e.g. ``run__years=2``.

    Raises:
        InputError: a scenario or an override is refused.
    """

    def __init__(
        self,
        scenarios: tuple[str, str] = DEFAULT_PAIR,
        seed: int | None = None,
        map_size: int = 420,
        **overrides: Any,
    ) -> None:
        first = LunarCity(scenarios[0], seed=seed, **overrides)
        seed = int(first.params.run.seed)
        self.models = (first, LunarCity(scenarios[1], seed=seed, **overrides))
        self.scenarios = tuple(scenarios)
        self.seed = seed
        self.map_size = map_size
        self.lock = threading.RLock()
        self._extents: list[Extent | None] = [None, None]
        self._key = 0

    @property
    def day(self) -> int:
        """The day both cities are on."""
        return int(self.models[0].day)

    def step(self, days: int = 1) -> int:
        """Step both cities ``days`` days, one day each in turn; stops when either ends."""
        done = 0
        with self.lock:
            for _ in range(max(0, int(days))):
                if not all(m.running for m in self.models):
                    break
                for m in self.models:
                    m.step()
                done += 1
        return done

    def advance(self, days: int = 1) -> CompareFrame:
        """Step both ``days`` days and draw the frame."""
        with self.lock:
            self.step(days)
            return self.frame()

    def frame(self) -> CompareFrame:
        """Both maps, day counters and headlines, and the shared charts."""
        with self.lock:
            sides = tuple(self._side(i) for i in range(2))
            self._key += 1
            return CompareFrame(self._key, self.seed, sides, self.charts())  # type: ignore[arg-type]

    def _side(self, i: int) -> Side:
        m = self.models[i]
        ext = city_extent(m)
        old = self._extents[i]
        # The window only grows, and both maps share it: the same scale on both sides.
        ext = ext if old is None else old.union(ext)
        other = self._extents[1 - i]
        side = max(ext.side, other.side if other is not None else 0)
        ext = _grow(ext, side, m.site.width, m.site.height)  # square, as render_map wants
        self._extents[i] = ext
        summary = m.summary()
        return Side(
            scenario=self.scenarios[i],
            day=int(m.day),
            running=bool(m.running),
            units_total=int(summary["units_total"]),
            industrial_mass_t=float(m.recorder.last("industrial_mass_t")),
            bottleneck=str(m.bottleneck),
            headline=words.headline(summary),
            map_png=png_bytes(render_map(m, size=self.map_size, extent=ext)),
            held_back=words.held_back(str(summary["bottleneck"]), str(m.bottleneck), int(m.day)),
        )

    def charts(self, width: int = 440, height: int = 250) -> dict[str, bytes]:
        """Industrial mass and power supply of both cities on shared axes."""
        a, b = (m.recorder for m in self.models)
        n = min(a.n, b.n)
        idx = _thin(n)
        x = a.i["day"][:n][idx] / DAYS_PER_YEAR
        horizon = a.horizon_day / DAYS_PER_YEAR
        common = {
            "xmax": time_axis(float(x[-1]) if len(x) else 0.0, horizon),
            "vline": horizon,
            "vline_label": f"{self.models[0].params.target.horizon_years:g}-year target",
            "width": width,
            "height": height,
        }
        names = [words.preset(s) for s in self.scenarios]

        def lines(column: str, scale: float = 1.0) -> list[Series]:
            return [
                Series(
                    names[j],
                    COLOURS[j],
                    r.f[column][:n][idx] / scale,
                    width=2.5,
                    dashed=DASHED[j],
                )
                for j, r in enumerate((a, b))
            ]

        return {
            "mass": line_chart(
                "Mass of machines on the Moon (t)", x, lines("industrial_mass_t"), **common
            ),
            "power": line_chart(
                "Electricity made (MW, daily mean)", x, lines("generated_mwh", 24.0), **common
            ),
        }


def _grow(ext: Extent, side: int, width: int, height: int) -> Extent:
    """``ext`` widened about its centre to ``side`` cells, kept inside the site."""
    side = min(side, width, height)
    cx, cy = (ext.x0 + ext.x1) // 2, (ext.y0 + ext.y1) // 2
    x0 = min(max(0, cx - side // 2), width - side)
    y0 = min(max(0, cy - side // 2), height - side)
    return Extent(x0, y0, x0 + side, y0 + side)

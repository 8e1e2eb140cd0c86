"""The site: a coarse grid of cells held as numpy layers, and the sunlight on it each day.

At a polar ridge the Sun circles the horizon once a synodic month; a cell is dark while terrain
hides the Sun, for a share of the month that depends on the cell (the crest is lit most) and the
season. At the equator every cell sees a 14.77-day day and a 14.77-day night.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lunarcity import portable
from lunarcity.constants import M_PER_KM
from lunarcity.world.catalog import Site


@dataclass
class SiteGrid:
    """Grid layers of a site and its sunlight model.

    Attributes:
        width, height: Cells.
        cell_m: Cell edge in metres.
        quality: (height, width) 0..1, 1 on the sunniest crest (polar) or uniform (equator).
        dark_phase: (height, width) where in the month each cell's dark window is centred (0..1).
        used_m2: (height, width) ground area taken by units.
        centre: (x, y) of the city's founding cell.
        mine: (x, y) of the regolith mine.
        rail_cells: (n, 2) x, y of the mass-driver corridor, in launch order.
    """

    site: Site
    width: int
    height: int
    cell_m: float
    quality: np.ndarray
    dark_phase: np.ndarray
    used_m2: np.ndarray
    centre: tuple[int, int]
    mine: tuple[int, int]
    rail_cells: np.ndarray

    @property
    def cell_area_m2(self) -> float:
        """Ground area of one cell."""
        return self.cell_m * self.cell_m

    def lit_fraction(self, day: int) -> np.ndarray:
        """Share of ``day`` that each cell is sunlit, a (height, width) float32 layer."""
        return self.sunlit(day, self.quality, self.dark_phase)

    def lit_at(self, day: int, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
        """Sunlit share of ``day`` at the given cells only (what the power step needs)."""
        cells = np.asarray(ys, dtype=np.int64) * self.width + xs
        return self.sunlit(day, self.quality.ravel()[cells], self.dark_phase.ravel()[cells])

    def sunlit(self, day: int, quality: np.ndarray, dark_phase: np.ndarray) -> np.ndarray:
        """Sunlit share of ``day`` for cells of the given sun quality and dark-window phase.

        One day of :meth:`sunlit_days`; ``quality`` and ``dark_phase`` are float32 (the site's
        layers) of any shape; so is the result.
        """
        return self.sunlit_days(day, 1, quality, dark_phase)[0]

    def sunlit_days(
        self, first: int, days: int, quality: np.ndarray, dark_phase: np.ndarray
    ) -> np.ndarray:
        """Sunlit share of ``days`` days from day ``first`` for cells of the given layers.

        A cell is dark for a window of half-width ``w`` (its dark share of the period over two)
        centred on its phase, once per horizon period; the day covers ``[t - h, t + h]``. The
        lit share is one minus their overlap over the day's length. ``quality`` and
        ``dark_phase`` are float32 (the site's layers); so is the result, shaped
        ``(days, *quality.shape)``. Each cell and day is worked on its own, element by element,
        so a day's row is the same floats however many days and cells are asked for together
        (the power stage asks for a block of days at once: a dozen numpy calls a block, not a
        day).
        """
        sun = self.site.sunlight
        # Terrain may hide the Sun several times as it circles the sky: periods of the horizon.
        period = sun.synodic_days / sun.dark_spells_per_month
        h = np.float32(0.5 / period)
        # Each day's scalars as Python does them for one day, then one float32 per day.
        day_axis = (days,) + (1,) * quality.ndim
        t = np.array(
            [((day + 0.5) / period) % 1.0 for day in range(first, first + days)], dtype=np.float32
        ).reshape(day_axis)
        if sun.profile == "equatorial":
            w: np.ndarray | np.float32 = np.float32((1.0 - sun.day_fraction) / 2.0)
        else:
            slopes = [self._dark_slope(day) for day in range(first, first + days)]
            # w = (1 - mean) / 2, the mean lit share running from the flanks' to the crest's.
            w = quality * np.array(slopes, dtype=np.float32).reshape(day_axis)
            w += np.float32((1.0 - sun.flank_lit_min) / 2.0)
        # Circular distance between today and each cell's dark window (phases lie in [0, 1)).
        d = np.subtract(t, dark_phase, dtype=np.float32)
        np.abs(d, out=d)
        e = np.subtract(np.float32(1.0), d)
        np.minimum(d, e, out=d)
        # Overlap of [-w, w] and [d - h, d + h], at least 0 and at most the day: the part
        # after d, min(d + h, w), plus the part before it, min(h - d, w), which is exactly
        # -max(d - h, -w) (IEEE rounding is symmetric): two passes over the cells fewer.
        np.add(d, h, out=e)
        np.minimum(e, w, out=e)
        np.subtract(h, d, out=d)
        np.minimum(d, w, out=d)
        d += e
        np.clip(d, np.float32(0.0), 2 * h, out=d)
        d *= np.float32(-1.0) / (2 * h)
        d += np.float32(1.0)
        return d

    def _dark_slope(self, day: int) -> float:
        """A polar cell's dark half-width falls by this much per unit of quality on ``day``.

        ``w = (1 - mean) / 2``, the mean lit share running from the flanks' (quality 0) to the
        crest's (quality 1), which follows the season.
        """
        sun = self.site.sunlight
        season = sun.crest_lit_mean + sun.crest_lit_seasonal_amplitude * math.cos(
            2 * math.pi * day / sun.season_days
        )
        season = min(1.0, max(0.0, season))
        return -(season - sun.flank_lit_min) / 2.0

    def dark_in_parts(
        self, day: int, parts: int, quality: np.ndarray, dark_phase: np.ndarray
    ) -> np.ndarray:
        """How much of each of ``day``'s ``parts`` equal parts each cell is dark, (n, parts).

        :meth:`sunlit_days` gives a day's dark share: the overlap of the day with the cell's
        dark window (half-width ``w`` of the horizon period ``T``, centred on its phase). Here
        the window is placed in the day: its centre lies ``s`` periods from the day's midpoint
        (the nearest centre, ``-1/2 <= s < 1/2``), so the cell is dark from
        ``1/2 + (s - w) T`` to ``1/2 + (s + w) T`` days into the day, and each part is dark for
        its overlap with that, as a share of the part (float64). The parts' mean is the day's
        dark share, to the float32 rounding of :meth:`sunlit_days`. ``quality`` and
        ``dark_phase`` are 1-D (the cells asked about).
        """
        sun = self.site.sunlight
        period = sun.synodic_days / sun.dark_spells_per_month
        # Worked in parts of the day (a part is 1): the window's centre and half-width in parts.
        scale = period * parts
        midday = ((day + 0.5) / period) % 1.0
        if sun.profile == "equatorial":
            half: np.ndarray | float = (1.0 - sun.day_fraction) / 2.0 * scale
        else:
            half = np.multiply(quality, self._dark_slope(day) * scale, dtype=np.float64)
            half += (1.0 - sun.flank_lit_min) / 2.0 * scale
        centre = np.subtract(dark_phase, midday - 0.5, dtype=np.float64)
        centre %= 1.0
        centre -= 0.5
        centre *= scale
        centre += 0.5 * parts
        start = (centre - half)[:, None]
        end = (centre + half)[:, None]
        edges = np.arange(parts + 1, dtype=np.float64)
        dark = np.minimum(end, edges[1:])
        dark -= np.maximum(start, edges[:-1])
        return np.clip(dark, 0.0, 1.0, out=dark)

    def mean_lit(self, days: int = 365) -> np.ndarray:
        """Mean sunlit share per cell over ``days`` days from day 0."""
        acc = np.zeros((self.height, self.width), dtype=np.float64)
        for d in range(days):
            acc += self.lit_fraction(d)
        return acc / days


def build_site(site: Site, rng: np.random.Generator, track_m: float) -> SiteGrid:
    """Lay out a site: the crest, cells' dark windows, the mine and the rail corridor.

    Args:
        site: The site's data.
        rng: The model's generator (terrain detail is random but seeded).
        track_m: Track length the mass driver needs (the corridor is reserved for it).
    """
    g = site.grid
    w, h = g.width, g.height
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    cx, cy = w // 2, h // 2
    if site.sunlight.profile == "polar":
        # A ridge segment through the centre; its lit band covers crest_area_km2.
        length = 0.4 * w
        cells_km2 = (g.cell_m / M_PER_KM) ** 2
        band = max(2.0, g.crest_area_km2 / cells_km2 / length)
        sigma = band / (2 * math.sqrt(-math.log(0.9)))
        px = np.clip(xs, cx - length / 2, cx + length / 2)
        dist = np.hypot(xs - px, ys - cy)
        roughness = _smooth_noise(rng, h, w, scale=12)
        quality = portable.exp(-((dist / sigma) ** 2)) * (1.0 + 0.05 * roughness)
        quality = np.clip(quality, 0.0, 1.0)
        dark_phase = (0.25 + 0.15 * _smooth_noise(rng, h, w, scale=25)) % 1.0
        mine = (cx, int(min(h - 1, cy + 2 * sigma)))
        rail_y = int(max(0, cy - 2 * sigma))
    else:
        quality = np.full((h, w), 0.5)
        dark_phase = np.full((h, w), 0.5)
        mine = (cx, min(h - 1, cy + 10))
        rail_y = max(0, cy - 10)
    n_rail = int(math.ceil(track_m / g.cell_m)) if track_m > 0 else 0
    n_rail = min(n_rail, w)  # a track longer than the site never completes (checked by the model)
    x0 = max(0, cx - n_rail // 2)
    x0 = min(x0, w - n_rail)
    rail = np.stack([np.arange(x0, x0 + n_rail), np.full(n_rail, rail_y)], axis=1).astype(np.int64)
    used = np.zeros((h, w), dtype=np.float64)
    if n_rail:
        used[rail[:, 1], rail[:, 0]] = (
            g.cell_m * g.cell_m
        )  # the corridor is kept free of other units
    return SiteGrid(
        site=site,
        width=w,
        height=h,
        cell_m=g.cell_m,
        quality=quality.astype(np.float32),
        dark_phase=dark_phase.astype(np.float32),
        used_m2=used,
        centre=(cx, cy),
        mine=mine,
        rail_cells=rail,
    )


def _smooth_noise(rng: np.random.Generator, h: int, w: int, scale: int) -> np.ndarray:
    """Spatially smooth noise in about [-1, 1]: coarse random values, bilinearly upsampled."""
    gh, gw = h // scale + 2, w // scale + 2
    coarse = rng.uniform(-1.0, 1.0, size=(gh, gw))
    yi = np.linspace(0, gh - 1.001, h)
    xi = np.linspace(0, gw - 1.001, w)
    y0, x0 = yi.astype(int), xi.astype(int)
    fy, fx = (yi - y0)[:, None], (xi - x0)[None, :]
    c00 = coarse[np.ix_(y0, x0)]
    c01 = coarse[np.ix_(y0, x0 + 1)]
    c10 = coarse[np.ix_(y0 + 1, x0)]
    c11 = coarse[np.ix_(y0 + 1, x0 + 1)]
    return (
        c00 * (1 - fy) * (1 - fx) + c01 * (1 - fy) * fx + c10 * fy * (1 - fx) + c11 * fy * fx
    ).astype(np.float64)

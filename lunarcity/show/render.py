"""The site map as a raster image: terrain, today's sunlight, the units by kind, the rail line.

One numpy pass per layer, no per-unit drawing, so a map of 10^5 units costs a few milliseconds.
The live app shows it every frame and ``lunarcity record`` strings frames into GIFs, so both
overlays a film needs (a headline, "Day N") are options here.

Quick use::

    from lunarcity.show.render import render_map, map_png
    rgb = render_map(model, size=600)            # (600, 600, 3) uint8
    png = map_png(model, headline="ten_year_city", day_label=True, legend=True)
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from lunarcity.app import words
from lunarcity.constants import DAYS_PER_YEAR, M_PER_KM

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

#: Colour of each unit kind (RGB); kinds not listed take one from :data:`SPARE_COLOURS`.
KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "robot": (255, 214, 10),
    "regolith_plant": (230, 85, 13),
    "metal_works": (214, 39, 40),
    "solar_fab": (148, 103, 189),
    "electronics_fab": (23, 190, 207),
    "chip_fab": (255, 127, 200),
    "solar_plant": (44, 160, 255),
    "storage_bank": (44, 200, 90),
    "fission_unit": (188, 255, 60),
    "rail_segment": (255, 255, 255),
}
SPARE_COLOURS = [(140, 86, 75), (127, 127, 255), (255, 152, 150), (199, 199, 199)]
RAIL_PLANNED = (120, 100, 70)  # the corridor the track will take, before it is built
MINE_COLOUR = (160, 110, 60)
NEW_COLOUR = (255, 255, 255)  # units completed in the last few days are lightened toward this
#: Smallest text drawn on a map (px): the app shows maps at their own size, and 12 px is the
#: least a class reads on a 1366 px projector.
MIN_TEXT_PX = 12


@dataclass(frozen=True)
class Extent:
    """A square window of the site grid, in cells: columns x0..x1-1, rows y0..y1-1."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def side(self) -> int:
        """The longer side (cells): a square view of the map is cut to it."""
        return max(self.x1 - self.x0, self.y1 - self.y0)

    def union(self, other: Extent) -> Extent:
        """The smallest extent holding both (the app's frame only grows, so it never jitters)."""
        return Extent(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )


def kind_colours(kinds: list[str]) -> dict[str, tuple[int, int, int]]:
    """Colour of each kind, stable for a given list of kinds."""
    out: dict[str, tuple[int, int, int]] = {}
    spare = 0
    for kind in kinds:
        if kind in KIND_COLOURS:
            out[kind] = KIND_COLOURS[kind]
        else:
            out[kind] = SPARE_COLOURS[spare % len(SPARE_COLOURS)]
            spare += 1
    return out


def cell_counts(model: LunarCity) -> np.ndarray:
    """Units in service per cell, (kinds, height, width) int32, kinds in ``model.agent_kinds``."""
    site = model.site
    shape = (site.height, site.width)
    out = np.zeros((len(model.agent_kinds), *shape), dtype=np.int32)
    for j, kind in enumerate(model.agent_kinds):
        t = model.fleet.tables[kind]
        if t.n:
            flat = t["y"].astype(np.int64) * site.width + t["x"].astype(np.int64)
            out[j] = np.bincount(flat, minlength=shape[0] * shape[1]).reshape(shape)
    return out


def rail_cells(model: LunarCity) -> tuple[np.ndarray, np.ndarray]:
    """The mass driver's corridor as (planned cells, built cells), each (n, 2) x, y."""
    corridor = np.asarray(model.site.rail_cells, dtype=np.int64).reshape(-1, 2)
    slots = int(getattr(model, "rail_slots", 0) or 0)
    filled = np.asarray(getattr(model, "rail_filled", np.zeros(0, dtype=bool)), dtype=bool)
    if not len(corridor) or not slots or not filled.any():
        return corridor, corridor[:0]
    per_slot = max(1, len(corridor) // slots)
    built = np.repeat(filled, per_slot)
    built = np.concatenate([built, np.zeros(max(0, len(corridor) - len(built)), dtype=bool)])
    return corridor, corridor[built[: len(corridor)]]


#: Share of units left out at each side of the frame: a few far-flung units (a plant on a
#: distant sunny cell) must not shrink the city to a speck in a corner.
OUTLIER_SHARE = 0.01


def _core(totals: np.ndarray, share: float) -> tuple[int, int]:
    """First and last index holding the middle of a histogram (all but ``share`` each side)."""
    cum = np.cumsum(totals)
    n = cum[-1]
    lo = int(np.searchsorted(cum, share * n, side="right"))
    hi = int(np.searchsorted(cum, (1.0 - share) * n, side="left"))
    return lo, max(lo, hi)


def city_extent(
    model: LunarCity, pad: int = 4, min_side: int = 32, counts: np.ndarray | None = None
) -> Extent:
    """The square of cells holding the city and the track built so far, with a margin.

    The city is its units less the outermost :data:`OUTLIER_SHARE` on each side (by count,
    along each axis), so the frame follows the city rather than its outliers.
    """
    site = model.site
    per_cell = (counts if counts is not None else cell_counts(model)).sum(axis=0)
    # The track's corridor once building has begun (before that it is a plan, and framing a
    # 3 km line would make a new city a speck).
    _, corridor = rail_cells(model)
    xs = [corridor[:, 0], np.array([site.centre[0]])]
    ys = [corridor[:, 1], np.array([site.centre[1]])]
    if per_cell.any():
        share = OUTLIER_SHARE if per_cell.sum() >= 100 else 0.0
        xs.append(np.array(_core(per_cell.sum(axis=0), share)))
        ys.append(np.array(_core(per_cell.sum(axis=1), share)))
    xs = np.concatenate(xs)
    ys = np.concatenate(ys)
    x0, x1 = int(xs.min()) - pad, int(xs.max()) + 1 + pad
    y0, y1 = int(ys.min()) - pad, int(ys.max()) + 1 + pad
    side = min(max(x1 - x0, y1 - y0, min_side), max(site.width, site.height))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x0 = int(round(cx - side / 2))
    y0 = int(round(cy - side / 2))
    x0 = min(max(0, x0), max(0, site.width - side))
    y0 = min(max(0, y0), max(0, site.height - side))
    return Extent(x0, y0, min(site.width, x0 + side), min(site.height, y0 + side))


def render_map(
    model: LunarCity,
    *,
    size: int = 600,
    extent: Extent | None = None,
    recent_days: int = 5,
    headline: str | None = None,
    day_label: bool = False,
    legend: bool = False,
    scale_bar: bool = True,
) -> np.ndarray:
    """Draw the site as an RGB image.

    Terrain is grey by how sunny a cell is on average (the crest brightest); today's shadow darkens
    and blues it, so the lunar night and the ridge's shadows sweep across the map. Every cell with
    units takes the colour of its most numerous kind; cells with a unit completed in the last
    ``recent_days`` days are lightened, so new units show up beside their builders. The rail
    corridor is drawn faint, and bright where the track is built.

    Args:
        model: The city.
        size: Edge of the square image in pixels.
        extent: The window of cells to draw (default: :func:`city_extent`, the city with a margin).
        recent_days: How long a new unit stays lightened (0: never).
        headline: A line of text across the top (for films and exports).
        day_label: Write "Day N (year Y)" in the bottom-left corner.
        legend: Draw a legend of the kinds present in the bottom-right corner.
        scale_bar: Draw a scale bar (km) in the top-right corner.

    Returns:
        (size, size, 3) uint8 array.
    """
    counts = cell_counts(model)
    ext = extent or city_extent(model, counts=counts)
    site = model.site
    ys = slice(ext.y0, ext.y1)
    xs = slice(ext.x0, ext.x1)

    # Terrain and today's sunlight.
    quality = site.quality[ys, xs].astype(np.float32)
    lit = np.asarray(model.lit, dtype=np.float32)[ys, xs]
    grey = 55.0 + 120.0 * quality
    shade = 0.35 + 0.65 * lit
    rgb = np.empty((*quality.shape, 3), dtype=np.float32)
    rgb[..., 0] = grey * shade
    rgb[..., 1] = grey * shade
    rgb[..., 2] = grey * shade + 40.0 * (1.0 - lit)  # shadow reads blue

    # The mine.
    mx, my = site.mine
    _paint(
        rgb, ext, np.array([[mx, my], [mx + 1, my], [mx, my + 1], [mx + 1, my + 1]]), MINE_COLOUR
    )

    # Rail: the planned corridor, then the built track.
    corridor, built = rail_cells(model)
    _paint(rgb, ext, corridor, RAIL_PLANNED)

    # Units: the most numerous kind per cell.
    colours = kind_colours(list(model.agent_kinds))
    palette = np.array([colours[k] for k in model.agent_kinds], dtype=np.float32)
    window = counts[:, ys, xs]
    total = window.sum(axis=0)
    has = total > 0
    if has.any():
        top = window.argmax(axis=0)
        rgb[has] = palette[top[has]]
    if recent_days > 0:
        fresh = _recent_cells(model, recent_days, ext)
        rgb[fresh] = 0.45 * rgb[fresh] + 0.55 * np.array(NEW_COLOUR, dtype=np.float32)
    _paint(rgb, ext, built, colours.get(getattr(model, "rail_kind", None) or "", (255, 255, 255)))

    img8 = np.clip(rgb, 0, 255).astype(np.uint8)
    side = max(img8.shape[0], img8.shape[1], 1)
    scale = max(1, math.ceil(size / side))
    big = np.repeat(np.repeat(img8, scale, axis=0), scale, axis=1)
    if big.shape[0] != size or big.shape[1] != size:
        big = np.asarray(Image.fromarray(big).resize((size, size), Image.Resampling.NEAREST))

    if headline or day_label or legend or scale_bar:
        image = Image.fromarray(np.ascontiguousarray(big))
        draw = ImageDraw.Draw(image, "RGBA")
        top = 0
        if headline:
            top = _banner(draw, size, headline)
        if scale_bar:
            _scale_bar(draw, size, side, site.cell_m, top)
        if day_label:
            _day_label(draw, size, int(model.day))
        if legend:
            present = [k for j, k in enumerate(model.agent_kinds) if window[j].any()]
            _legend(draw, size, [(k, colours[k]) for k in present])
        big = np.asarray(image)
    return big


def map_png(model: LunarCity, compress_level: int = 1, **options: object) -> bytes:
    """The map as PNG bytes; ``options`` are those of :func:`render_map`."""
    return png_bytes(render_map(model, **options), compress_level)  # type: ignore[arg-type]


def png_bytes(rgb: np.ndarray, compress_level: int = 1) -> bytes:
    """Encode an RGB array as PNG (fast compression: frames are sent, not archived)."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def cell_at(extent: Extent, fx: float, fy: float) -> tuple[int, int]:
    """The cell under a point of the image given as fractions (0..1) of its width and height."""
    side = extent.side
    x = extent.x0 + int(min(max(fx, 0.0), 0.999999) * side)
    y = extent.y0 + int(min(max(fy, 0.0), 0.999999) * side)
    return x, y


def nearest_unit(model: LunarCity, x: int, y: int, radius: int = 4) -> int | None:
    """The id of the unit nearest the cell (x, y) within ``radius`` cells, or None.

    Nearest by straight-line distance between cells; among equals the newest, then the lowest
    id (so a click always finds the same unit).
    """
    best: tuple[float, int, int] | None = None  # (distance^2, -born, id)
    for kind in model.agent_kinds:
        t = model.fleet.tables[kind]
        if not t.n:
            continue
        dx = t["x"].astype(np.int64) - x
        dy = t["y"].astype(np.int64) - y
        d2 = dx * dx + dy * dy
        rows = np.flatnonzero(d2 <= radius * radius)
        if not len(rows):
            continue
        keys = np.lexsort((t["id"][rows], -t["born"][rows].astype(np.int64), d2[rows]))
        r = rows[keys[0]]
        cand = (float(d2[r]), -int(t["born"][r]), int(t["id"][r]))
        if best is None or cand < best:
            best = cand
    return None if best is None else best[2]


def ring_cell(rgb: np.ndarray, extent: Extent, pos: tuple[int, int] | list[int]) -> np.ndarray:
    """The map with a ring round one cell (the unit being inspected)."""
    size = rgb.shape[0]
    px = size / max(1, extent.side)
    cx = (pos[0] - extent.x0 + 0.5) * px
    cy = (pos[1] - extent.y0 + 0.5) * px
    r = max(9.0, 1.5 * px)
    image = Image.fromarray(np.ascontiguousarray(rgb))
    draw = ImageDraw.Draw(image)
    draw.ellipse((cx - r - 2, cy - r - 2, cx + r + 2, cy + r + 2), outline=(0, 0, 0), width=2)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(255, 40, 200), width=3)
    return np.asarray(image)


def units_near(model: LunarCity, x: int, y: int, radius: int = 1, limit: int = 50) -> list[int]:
    """Ids of units in the cell (x, y), else in the nearest cells within ``radius``, newest first."""
    found: list[tuple[int, int, int]] = []  # (distance, -born, id)
    for kind in model.agent_kinds:
        t = model.fleet.tables[kind]
        if not t.n:
            continue
        d = np.maximum(np.abs(t["x"].astype(np.int64) - x), np.abs(t["y"].astype(np.int64) - y))
        rows = np.flatnonzero(d <= radius)
        found.extend(
            zip(d[rows].tolist(), (-t["born"][rows]).tolist(), t["id"][rows].tolist(), strict=True)
        )
    found.sort()
    if found:
        nearest = found[0][0]
        found = [f for f in found if f[0] == nearest]
    return [uid for _, _, uid in found[:limit]]


# -- helpers ---------------------------------------------------------------------------------------
def _paint(rgb: np.ndarray, ext: Extent, cells: np.ndarray, colour: tuple[int, int, int]) -> None:
    if not len(cells):
        return
    cx = cells[:, 0] - ext.x0
    cy = cells[:, 1] - ext.y0
    ok = (cx >= 0) & (cy >= 0) & (cx < rgb.shape[1]) & (cy < rgb.shape[0])
    rgb[cy[ok], cx[ok]] = colour


def _recent_cells(model: LunarCity, days: int, ext: Extent) -> np.ndarray:
    h, w = ext.y1 - ext.y0, ext.x1 - ext.x0
    fresh = np.zeros((h, w), dtype=bool)
    since = int(model.day) - days
    for kind in model.agent_kinds:
        t = model.fleet.tables[kind]
        if not t.n or model.day == 0:
            continue
        rows = np.flatnonzero(t["born"] > since)
        if not len(rows):
            continue
        x = t["x"][rows].astype(np.int64) - ext.x0
        y = t["y"][rows].astype(np.int64) - ext.y0
        ok = (x >= 0) & (y >= 0) & (x < w) & (y < h)
        fresh[y[ok], x[ok]] = True
    return fresh


@cache
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def wrap(draw: ImageDraw.ImageDraw, text: str, font: object, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels (a long word keeps its line)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def _banner(draw: ImageDraw.ImageDraw, size: int, text: str) -> int:
    """The headline across the top, over as many lines as it needs (never cut off)."""
    font = _font(max(MIN_TEXT_PX, size // 34))
    line_h = font.getbbox("Ay")[3] + 4
    lines = wrap(draw, text, font, size - 16)
    h = line_h * len(lines) + 10
    draw.rectangle((0, 0, size, h), fill=(0, 0, 0, 170))
    for i, line in enumerate(lines):
        draw.text((8, 6 + i * line_h), line, font=font, fill=(255, 255, 255, 255))
    return h


def _day_label(draw: ImageDraw.ImageDraw, size: int, day: int) -> None:
    font = _font(max(14, size // 26))
    text = f"Day {day} (year {day / DAYS_PER_YEAR:.1f})"
    box = draw.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    draw.rectangle((0, size - h - 16, w + 16, size), fill=(0, 0, 0, 170))
    draw.text((8, size - h - 10 - box[1]), text, font=font, fill=(255, 255, 255, 255))


def _legend(
    draw: ImageDraw.ImageDraw, size: int, items: list[tuple[str, tuple[int, int, int]]]
) -> None:
    if not items:
        return
    font = _font(max(MIN_TEXT_PX, size // 48))
    line = font.getbbox("Ay")[3] + 4
    kind_name = words().kind  # the legend's names are the page's
    width = max(draw.textbbox((0, 0), kind_name(k), font=font)[2] for k, _ in items) + 30
    height = line * len(items) + 8
    if width > 0.6 * size or height > 0.6 * size:
        return  # a map too small for readable names: a legend would hide the city
    x0, y0 = size - width - 6, size - height - 6
    draw.rectangle((x0, y0, size - 6, size - 6), fill=(0, 0, 0, 160))
    for i, (kind, colour) in enumerate(items):
        y = y0 + 4 + i * line
        draw.rectangle((x0 + 6, y + 2, x0 + 6 + line - 6, y + line - 4), fill=(*colour, 255))
        draw.text((x0 + line + 6, y), kind_name(kind), font=font, fill=(255, 255, 255, 255))


def _scale_bar(
    draw: ImageDraw.ImageDraw, size: int, side_cells: int, cell_m: float, top: int = 0
) -> None:
    metres_per_px = side_cells * cell_m / size
    target = metres_per_px * size / 5  # about a fifth of the map
    nice = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * nice <= target:
            nice *= step
            break
    px = int(round(nice / metres_per_px))
    label = f"{nice / M_PER_KM:g} km" if nice >= 1000 else f"{nice:g} m"
    font = _font(max(MIN_TEXT_PX, size // 48))
    x1, y = size - 12, top + 14
    draw.rectangle((x1 - px - 8, y - 10, x1 + 6, y + 20), fill=(0, 0, 0, 130))
    draw.line((x1 - px, y + 12, x1, y + 12), fill=(255, 255, 255, 255), width=3)
    draw.text((x1 - px, y - 6), label, font=font, fill=(255, 255, 255, 255))

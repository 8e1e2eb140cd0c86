"""A recording of a run: the site map with a headline, one frame every few days, as a GIF or MP4.

For a classroom or a talk: ``lunarcity record ten_year_city --out city.gif`` and press play. Each
frame is the map (terrain shaded by the sunny crest and today's sunlight, one colour per unit
kind, the mass-driver corridor) under a band with the day, the year, the city's size and the
target's progress; the last frame carries the run's headline.

The map here is a small raster renderer of its own: cells are coloured by palette index (numpy
only), so a frame costs a few milliseconds and a GIF needs no colour quantization. It reads only
the model's public state (``m.site``, ``m.lit``, ``m.fleet.tables``), the same the app's map reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lunarcity.errors import InputError

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    from lunarcity.model import LunarCity

#: Output formats by file suffix.
FORMATS = {".gif": "gif", ".mp4": "mp4"}
MIN_SIZE, MAX_SIZE = 96, 2048
MAX_FPS = 60
#: The last frame is held this long (seconds), so the headline can be read.
HOLD_LAST_S = 3.0

# -- the palette ---------------------------------------------------------------------------------
#: Palette indices 0..TERRAIN_LEVELS-1 are the terrain ramp, dark to bright.
TERRAIN_LEVELS = 160
#: Colours of unit kinds by name; other kinds take their role's colour.
KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "robot": (255, 214, 10),
    "regolith_plant": (240, 130, 40),
    "metal_works": (215, 70, 60),
    "solar_fab": (180, 100, 230),
    "electronics_fab": (40, 205, 215),
    "chip_fab": (255, 90, 200),
    "solar_plant": (70, 130, 255),
    "storage_bank": (70, 205, 100),
    "fission_unit": (255, 150, 190),
    "rail_segment": (250, 250, 250),
}
ROLE_COLOURS: dict[str, tuple[int, int, int]] = {
    "robot": (255, 214, 10),
    "fab": (230, 110, 70),
    "power": (70, 130, 255),
    "storage": (70, 205, 100),
    "rail": (250, 250, 250),
}
UI_COLOURS: dict[str, tuple[int, int, int]] = {
    "band": (12, 16, 32),
    "text": (235, 238, 245),
    "dim": (150, 158, 178),
    "good": (110, 220, 120),
    "corridor": (95, 95, 130),
    "mine": (150, 110, 70),
}
#: Short names for the legend.
LEGEND_NAMES = {
    "robot": "robot",
    "regolith_plant": "refinery",
    "metal_works": "metal",
    "solar_fab": "solar fab",
    "electronics_fab": "electronics",
    "chip_fab": "chips",
    "solar_plant": "solar",
    "storage_bank": "storage",
    "fission_unit": "fission",
    "rail_segment": "rail",
}


@dataclass
class Palette:
    """The fixed 256-colour palette of every frame: terrain ramp, unit kinds, interface colours.

    Attributes:
        colours: (256, 3) uint8 RGB.
        kind_index: Palette index of each unit kind.
        ui_index: Palette index of each interface colour.
    """

    colours: np.ndarray
    kind_index: dict[str, int] = field(default_factory=dict)
    ui_index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_model(cls, model: LunarCity) -> Palette:
        """The palette for a model's unit kinds."""
        colours = np.zeros((256, 3), dtype=np.uint8)
        # Moon grey, faintly warm: dark flanks to the bright sunlit crest.
        ramp = np.linspace(0.0, 1.0, TERRAIN_LEVELS)[:, None]
        colours[:TERRAIN_LEVELS] = np.rint(255 * ramp * np.array([0.92, 0.90, 0.86])).astype(
            np.uint8
        )
        nxt = TERRAIN_LEVELS
        ui_index: dict[str, int] = {}
        for name, rgb in UI_COLOURS.items():
            colours[nxt] = rgb
            ui_index[name] = nxt
            nxt += 1
        kind_index: dict[str, int] = {}
        for kind in model.agent_kinds:
            if nxt >= 256:
                break
            role = model.unit_spec(kind).role
            colours[nxt] = KIND_COLOURS.get(kind) or ROLE_COLOURS.get(role) or _hashed(kind)
            kind_index[kind] = nxt
            nxt += 1
        return cls(colours=colours, kind_index=kind_index, ui_index=ui_index)

    def flat(self) -> list[int]:
        """The palette as Pillow's flat list."""
        return self.colours.reshape(-1).tolist()


def _hashed(name: str) -> tuple[int, int, int]:
    # A stable colour for a kind the tables above do not know (a scenario's new unit kind).
    h = sum((i + 1) * ord(c) for i, c in enumerate(name))
    rng = np.random.default_rng(h)
    return tuple(int(v) for v in rng.integers(80, 256, size=3))  # type: ignore[return-value]


# -- the map -------------------------------------------------------------------------------------
def map_indices(model: LunarCity, palette: Palette) -> np.ndarray:
    """The site as palette indices, one per cell: (height, width) uint8.

    Terrain brightness follows the crest's sunlight quality and today's sunlight; each cell with
    units takes the colour of the kind covering most of its ground (footprint times count); the
    mass-driver corridor is drawn dim where no segment stands yet.
    """
    site = model.site
    h, w = site.height, site.width
    # Relief from the crest, dimmed where the Sun is hidden today (never black: the map stays
    # readable through the night).
    light = 0.30 + 0.70 * np.clip(model.lit, 0.0, 1.0)
    level = (0.25 + 0.75 * np.clip(site.quality, 0.0, 1.0)) * light
    out = np.rint(level * (TERRAIN_LEVELS - 1)).astype(np.uint8)

    rail = np.asarray(site.rail_cells, dtype=np.int64).reshape(-1, 2)
    if len(rail):
        out[rail[:, 1], rail[:, 0]] = palette.ui_index["corridor"]
    mx, my = site.mine
    out[max(0, my - 1) : my + 2, max(0, mx - 1) : mx + 2] = palette.ui_index["mine"]

    kinds = [k for k in model.agent_kinds if k in palette.kind_index]
    cover = np.zeros((len(kinds), h * w), dtype=np.float64)
    for j, kind in enumerate(kinds):
        table = model.fleet.tables[kind]
        if not table.n:
            continue
        spec = model.unit_spec(kind)
        cells = table["y"].astype(np.int64) * w + table["x"].astype(np.int64)
        cover[j] = np.bincount(cells, minlength=h * w) * max(spec.footprint_m2, 1.0)
        if spec.role == "rail" and spec.segment_length_m > 0:
            # A segment spans several corridor cells from its own: light them all.
            span = max(1, int(round(spec.segment_length_m / site.cell_m)))
            for step in range(1, span):
                nxt = np.minimum(table["slot"].astype(np.int64) * span + step, len(rail) - 1)
                if len(rail):
                    extra = rail[nxt, 1] * w + rail[nxt, 0]
                    cover[j] += np.bincount(extra, minlength=h * w) * max(spec.footprint_m2, 1.0)
    if len(kinds):
        busy = cover.max(axis=0) > 0
        top = cover.argmax(axis=0)
        codes = np.array([palette.kind_index[k] for k in kinds], dtype=np.uint8)
        flat = out.reshape(-1)
        flat[busy] = codes[top[busy]]
    return out


def _scale(indices: np.ndarray, width: int, height: int) -> np.ndarray:
    """Nearest-neighbour resize of an index image (no new colours)."""
    h, w = indices.shape
    rows = np.minimum((np.arange(height) * h) // height, h - 1)
    cols = np.minimum((np.arange(width) * w) // width, w - 1)
    return indices[rows[:, None], cols[None, :]]


# -- the band ------------------------------------------------------------------------------------
def font_px(size: int) -> int:
    """Font size (px) of the headline band for a frame ``size`` px wide."""
    return max(10, int(round(size / 34)))


def band_height(size: int) -> int:
    """Height (px) of the headline band above the map: four lines of text, even for video."""
    fs = font_px(size)
    height = int(math.ceil(4 * 1.32 * fs + 0.8 * fs))
    return height + height % 2


def frame_shape(size: int) -> tuple[int, int]:
    """(width, height) of every frame for ``--size`` px: the square map plus the band."""
    return size, size + band_height(size)


def _font(px: int, bold: bool = False) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=px)
    except (TypeError, AttributeError, OSError):  # old Pillow or no FreeType: the bitmap font
        return ImageFont.load_default()


def headline_lines(model: LunarCity, final: dict[str, Any] | None = None) -> list[str]:
    """The band's text: day and year; the city's size; the target's progress (or the verdict).

    Args:
        model: The city today.
        final: The run's summary on the last frame (its headline replaces the progress line).
    """
    rec = model.recorder
    day = model.day
    lines = [
        f"Day {day:,}, year {day / 365.25:.1f}",
        f"{int(rec.last('units_total')):,} units   {rec.last('industrial_mass_t'):,.0f} t   "
        f"{rec.last('power_mw'):,.1f} MW   closure {rec.last('closure'):.2f}",
    ]
    parts = rec.part_day
    met = sum(v is not None for v in parts.values())
    if final is not None:
        from lunarcity.commands.run import headline

        lines.append(headline(final))
    elif rec.target_met:
        target_day = max(v for v in parts.values() if v is not None)
        lines.append(f"City complete on day {target_day:,} (year {target_day / 365.25:.1f})")
    elif parts:
        lines.append(f"Target: {met} of {len(parts)} parts met   bound by {model.bottleneck}")
    else:
        lines.append(f"bound by {model.bottleneck}")
    return lines


def render_frame(
    model: LunarCity,
    size: int,
    palette: Palette,
    final: dict[str, Any] | None = None,
) -> Image.Image:
    """One frame: the headline band over the map, a Pillow image in palette mode ("P").

    Args:
        model: The city today.
        size: Width of the frame and of the square map (px).
        palette: The recording's palette (:meth:`Palette.for_model`).
        final: The run's summary, on the last frame.
    """
    from PIL import Image, ImageDraw

    width, height = frame_shape(size)
    band = band_height(size)
    canvas = np.full((height, width), palette.ui_index["band"], dtype=np.uint8)
    canvas[band:, :] = _scale(map_indices(model, palette), size, size)
    image = Image.fromarray(canvas, mode="P")
    image.putpalette(palette.flat())
    draw = ImageDraw.Draw(image)
    fs = font_px(size)
    big = _font(int(fs * 1.25))
    small = _font(fs)
    pad = int(0.4 * fs)
    y = pad
    lines = headline_lines(model, final)
    done = final is not None and final.get("target_met") or model.recorder.target_met
    draw.text((pad, y), lines[0], font=big, fill=palette.ui_index["text"])
    name = model.scenario.name
    name_w = draw.textlength(name, font=small)
    draw.text((width - pad - name_w, y + 0.2 * fs), name, font=small, fill=palette.ui_index["dim"])
    y += int(1.45 * fs)
    room = width - 2 * pad
    draw.text(
        (pad, y), lines[1], font=_fit(draw, lines[1], fs, room), fill=palette.ui_index["text"]
    )
    y += int(1.32 * fs)
    colour = palette.ui_index["good"] if done else palette.ui_index["dim"]
    draw.text((pad, y), lines[2], font=_fit(draw, lines[2], fs, room), fill=colour)
    y += int(1.32 * fs)
    legend_px = max(8, int(round(0.85 * fs)))
    _legend(draw, model, palette, pad, y, width - pad, _font(legend_px), legend_px)
    return image


def _fit(draw: Any, text: str, px: int, room: float) -> Any:
    """The font of the largest size up to ``px`` (at least 8 px) at which ``text`` fits."""
    size = px
    font = _font(size)
    while size > 8 and draw.textlength(text, font=font) > room:
        size -= 1
        font = _font(size)
    return font


def _legend(
    draw: Any, model: LunarCity, palette: Palette, x: int, y: int, right: int, font: Any, fs: int
) -> None:
    """Coloured squares and names of the kinds in service, as many as fit on one line."""
    box = max(6, int(0.7 * fs))
    for kind in model.agent_kinds:
        if kind not in palette.kind_index or not model.fleet.tables[kind].n:
            continue
        label = LEGEND_NAMES.get(kind, kind)
        need = box + 3 + draw.textlength(label, font=font) + 0.8 * fs
        if x + need > right:
            break
        top = y + int(0.25 * fs)
        draw.rectangle([x, top, x + box, top + box], fill=palette.kind_index[kind])
        draw.text((x + box + 3, y), label, font=font, fill=palette.ui_index["dim"])
        x += int(need)


# -- recording -----------------------------------------------------------------------------------
@dataclass
class Recording:
    """What :func:`record` wrote.

    Attributes:
        path: The file.
        format: ``gif`` or ``mp4``.
        frames: Frames in the file.
        width, height: Frame size (px).
        fps: Frames per second.
        every: Days between frames.
        summary: The run's summary.
    """

    path: Path
    format: str
    frames: int
    width: int
    height: int
    fps: float
    every: int
    summary: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """For ``--json``."""
        return {
            "out": str(self.path),
            "format": self.format,
            "frames": self.frames,
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "every_days": self.every,
            "summary": self.summary,
        }


def output_format(path: str | Path) -> str:
    """``gif`` or ``mp4`` from the file's suffix.

    Raises:
        InputError: another suffix, or MP4 without imageio-ffmpeg.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"cannot record to '{Path(path).name}': the file must end in .gif or .mp4",
            field="--out",
            valid="FILE.gif, or FILE.mp4 with imageio-ffmpeg installed",
        )
    fmt = FORMATS[suffix]
    if fmt == "mp4" and not mp4_available():
        raise InputError(
            "MP4 needs the imageio-ffmpeg package (pip install imageio-ffmpeg); "
            "or record a .gif, which needs nothing more",
            field="--out",
        )
    return fmt


def mp4_available() -> bool:
    """Whether imageio can write MP4 here (imageio-ffmpeg installed)."""
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        return False
    return True


def check_options(every: int, fps: float, size: int) -> None:
    """Raise :class:`InputError` for options out of range."""
    if every < 1:
        raise InputError(f"--every must be at least 1 day (got {every})", field="--every")
    if not 0 < fps <= MAX_FPS:
        raise InputError(
            f"--fps must be above 0 and at most {MAX_FPS} (got {fps:g})", field="--fps"
        )
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise InputError(
            f"--size must be between {MIN_SIZE} and {MAX_SIZE} px (got {size})", field="--size"
        )


def frame_days(days: int, every: int) -> list[int]:
    """The days a recording shows: 0, every, 2 * every, ..., and always the last day."""
    out = list(range(0, days + 1, every))
    if out[-1] != days:
        out.append(days)
    return out


def record(
    scenario: Any = None,
    out: str | Path = "city.gif",
    *,
    years: float | None = None,
    every: int = 10,
    fps: float = 12.0,
    size: int = 480,
    seed: int | None = None,
    sets: list[str] | tuple[str, ...] = (),
    progress: Callable[[LunarCity], None] | None = None,
    **overrides: Any,
) -> Recording:
    """Run a scenario and record its map, one frame every ``every`` days.

    Args:
        scenario: Preset name, YAML path, Scenario, raw data, or None for ``ten_year_city``.
        out: The file to write, ``.gif`` (always available) or ``.mp4`` (with imageio-ffmpeg).
        years: Years to simulate (default: the scenario's).
        every: Days between frames.
        fps: Frames per second of playback.
        size: Width of the frames and of the square map (px); the band adds
            :func:`band_height` above it.
        seed: Overrides ``run.seed``.
        sets: ``path=value`` overrides (command-line precedence).
        progress: Called after every day with the model.
        **overrides: Flat ``__`` keywords, e.g. ``earth__lander_interval_days=7``.

    Returns:
        The :class:`Recording`.

    Raises:
        InputError: a bad file suffix, option or scenario (checked before the run starts).
    """
    from lunarcity.model import LunarCity
    from lunarcity.scenario import resolve_scenario

    path = Path(out)
    fmt = output_format(path)
    check_options(every, fps, size)
    extra = dict(overrides)
    if years is not None:
        extra["run__years"] = years
    sc = resolve_scenario(scenario, extra, sets)
    if sc.days < 1:
        raise InputError(
            f"{sc.run.years:g} years is less than a day: nothing to record", field="--years"
        )
    model = LunarCity(sc, seed=seed)
    palette = Palette.for_model(model)
    frames: list[Image.Image] = [render_frame(model, size, palette)]
    while model.running:
        model.step()
        if progress is not None:
            progress(model)
        if not model.running or model.day >= model.days:
            break
        if model.day % every == 0:
            frames.append(render_frame(model, size, palette))
    summary = model.summary()
    frames.append(render_frame(model, size, palette, final=summary))
    width, height = frame_shape(size)
    _write(frames, path, fmt, fps)
    return Recording(path, fmt, len(frames), width, height, fps, every, summary)


def _write(frames: list[Image.Image], path: Path, fmt: str, fps: float) -> None:
    """Write the frames to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        if fmt == "gif":
            ms = max(20, int(round(1000.0 / fps)))  # GIF delays are in 10 ms steps, 20 ms least
            durations = [ms] * len(frames)
            durations[-1] = max(ms, int(HOLD_LAST_S * 1000))
            frames[0].save(
                tmp,
                format="GIF",
                save_all=True,
                append_images=frames[1:],
                duration=durations,
                loop=0,
                optimize=False,
                disposal=1,
            )
        else:
            import imageio.v2 as imageio

            hold = max(1, int(round(HOLD_LAST_S * fps)))
            with imageio.get_writer(tmp, format="FFMPEG", fps=fps, macro_block_size=2) as writer:
                for i, frame in enumerate(frames):
                    rgb = np.asarray(frame.convert("RGB"))
                    for _ in range(hold if i == len(frames) - 1 else 1):
                        writer.append_data(rgb)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)

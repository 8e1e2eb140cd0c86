"""A recording of a run: the site map with a headline, one frame every few days, as a GIF or MP4.

For a classroom or a talk: ``lunarcity record ten_year_city --out city.gif`` and press play. Each
frame is the app's map (:func:`lunarcity.show.render.render_map`: terrain shaded by the sunny crest and
today's sunlight, one colour per unit kind, new units lightened, the mass-driver corridor, a scale
bar and a legend) under a band with the day, the year, the city's size and the target's progress;
the last frame carries the run's headline. The map's window only grows, from the founding cells
to the whole city, so the film zooms out as the city spreads and never jitters.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lunarcity.app import words
from lunarcity.constants import DAYS_PER_YEAR, MS_PER_S
from lunarcity.errors import InputError
from lunarcity.optional import available, require
from lunarcity.show.render import MIN_TEXT_PX
from lunarcity.world.scenario_overrides import Caller

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    from lunarcity.model import LunarCity
    from lunarcity.show.render import Extent

#: Output formats by file suffix.
FORMATS = {".gif": "gif", ".mp4": "mp4"}
MIN_SIZE, MAX_SIZE = 96, 2048
MAX_FPS = 60
DEFAULT_FPS = 12.0
#: Frames a recording holds at most: twenty minutes of film at the default 12 fps, and about
#: half an hour to render at the default size; a ten-year run at the default --every 10 is 367.
MAX_FRAMES = 14_400
#: The last frame is held this long (seconds), so the headline can be read.
HOLD_LAST_S = 3.0
#: Colours of the headline band.
BAND = (12, 16, 32)
TEXT = (235, 238, 245)
DIM = (150, 158, 178)
GOOD = (110, 220, 120)


# -- the band ------------------------------------------------------------------------------------
def font_px(size: int) -> int:
    """Font size (px) of the headline band for a frame ``size`` px wide."""
    return max(MIN_TEXT_PX, int(round(size / 34)))


def band_height(size: int) -> int:
    """Height (px) of the headline band above the map: three lines of text, even for video."""
    fs = font_px(size)
    height = int(math.ceil(3 * 1.4 * fs + 0.9 * fs))
    return height + height % 2


def frame_shape(size: int) -> tuple[int, int]:
    """(width, height) of every frame for ``--size`` px: the square map plus the band."""
    return size, size + band_height(size)


@cache
def _font(px: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=px)
    except (TypeError, AttributeError, OSError):  # old Pillow or no FreeType: the bitmap font
        return ImageFont.load_default()


def _fit(draw: Any, text: str, px: int, room: float) -> Any:
    """The font of the largest size up to ``px`` (at least 12 px) at which ``text`` fits."""
    size = px
    font = _font(size)
    while size > MIN_TEXT_PX and draw.textlength(text, font=font) > room:
        size -= 1
        font = _font(size)
    return font


def headline_lines(model: LunarCity, final: dict[str, Any] | None = None) -> list[str]:
    """The band's text: day and year; the city's size; the target's progress (or the verdict).

    Args:
        model: The city today.
        final: The run's summary on the last frame (its headline replaces the progress line).
    """
    rec = model.recorder
    day = model.day
    plain = words()
    lines = [
        f"Day {day:,}, year {day / DAYS_PER_YEAR:.1f}",
        f"{int(rec.last('units_total')):,} machines   {rec.last('industrial_mass_t'):,.0f} t   "
        f"{rec.last('power_mw'):,.1f} MW   {rec.last('closure'):.0%} made on the Moon",
    ]
    short = plain.short_of(str(model.bottleneck))
    held = f"short of {short}" if short else "nothing held it back"
    parts = rec.target.parts
    holding = sum(p.holding for p in parts.values())  # integers
    if final is not None:
        lines.append(plain.headline(final))  # the page's words, as the band's others
    elif rec.target_met:
        target_day = rec.target_day
        assert target_day is not None
        lines.append(
            f"City complete on day {target_day:,} (year {target_day / DAYS_PER_YEAR:.1f})   "
            f"{holding} of {len(parts)} parts holding now"
        )
    elif parts:
        lines.append(f"Target: {holding} of {len(parts)} parts holding now   {held}")
    else:
        lines.append(held)
    return lines


def render_frame(
    model: LunarCity,
    size: int,
    extent: Extent | None = None,
    final: dict[str, Any] | None = None,
    recent_days: int = 10,
) -> Image.Image:
    """One frame: the headline band over the map, an RGB Pillow image.

    Args:
        model: The city today.
        size: Width of the frame and of the square map (px).
        extent: The window of cells to draw (default: the city with a margin).
        final: The run's summary, on the last frame.
        recent_days: Units completed this many days ago or less are lightened.
    """
    from PIL import Image, ImageDraw

    from lunarcity.show.render import render_map

    width, height = frame_shape(size)
    band = band_height(size)
    image = Image.new("RGB", (width, height), BAND)
    rgb = render_map(
        model, size=size, extent=extent, recent_days=recent_days, legend=True, scale_bar=True
    )
    image.paste(Image.fromarray(np.ascontiguousarray(rgb)), (0, band))
    draw = ImageDraw.Draw(image)
    fs = font_px(size)
    pad = int(0.45 * fs)
    room = width - 2 * pad
    lines = headline_lines(model, final)
    done = (final is not None and final.get("target_met")) or model.recorder.target_met
    y = pad
    name = words().preset(model.params.name)
    small = _font(fs)
    name_w = draw.textlength(name, font=small)
    draw.text((pad, y), lines[0], font=_font(int(fs * 1.25)), fill=TEXT)
    draw.text((width - pad - name_w, y + 0.2 * fs), name, font=small, fill=DIM)
    y += int(1.5 * fs)
    draw.text((pad, y), lines[1], font=_fit(draw, lines[1], fs, room), fill=TEXT)
    y += int(1.35 * fs)
    draw.text((pad, y), lines[2], font=_fit(draw, lines[2], fs, room), fill=GOOD if done else DIM)
    return image


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


def output_format(path: str | Path, caller: Caller = Caller.PYTHON) -> str:
    """``gif`` or ``mp4`` from the file's suffix.

    Args:
        path: The file to write.
        caller: Who named it: errors say ``--out`` to the command line, ``out`` to Python.

    Raises:
        InputError: another suffix, or MP4 without imageio-ffmpeg.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"cannot record to '{Path(path).name}': the file must end in .gif or .mp4",
            field=caller.option("out"),
            valid='FILE.gif, or FILE.mp4 with pip install "lunarcity[video]"',
        )
    fmt = FORMATS[suffix]
    if fmt == "mp4":
        require("imageio_ffmpeg", field=caller.option("out"))
    return fmt


def mp4_available() -> bool:
    """Whether imageio can write MP4 here (imageio-ffmpeg installed: the ``video`` extra)."""
    return available("imageio_ffmpeg")


def check_options(every: int, fps: float, size: int, caller: Caller = Caller.PYTHON) -> None:
    """Raise :class:`InputError` for options out of range, named as ``caller`` spells them."""
    if every < 1:
        name = caller.option("every")
        raise InputError(f"{name} must be at least 1 day (got {every})", field=name)
    if not 0 < fps <= MAX_FPS:
        name = caller.option("fps")
        raise InputError(f"{name} must be above 0 and at most {MAX_FPS} (got {fps:g})", field=name)
    if not MIN_SIZE <= size <= MAX_SIZE:
        name = caller.option("size")
        raise InputError(
            f"{name} must be between {MIN_SIZE} and {MAX_SIZE} px (got {size})", field=name
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
    fps: float = DEFAULT_FPS,
    size: int = 480,
    seed: int | None = None,
    sets: list[str] | tuple[str, ...] = (),
    progress: Callable[[LunarCity], None] | None = None,
    caller: Caller = Caller.PYTHON,
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
        caller: Who asked: errors name the options as the command line (``--every``) or as
            these keywords (``every``) spell them.
        **overrides: Flat ``__`` keywords, e.g. ``earth__lander_interval_days=7``.

    Returns:
        The :class:`Recording`.

    Raises:
        InputError: a bad file suffix, option or scenario (checked before the run starts).
    """
    from lunarcity.model import LunarCity
    from lunarcity.runner import check_ledgers
    from lunarcity.show.output_paths import check_out_file, write_error
    from lunarcity.world.scenario import resolve_scenario
    from lunarcity.world.scenario_overrides import check_flags_agree

    path = Path(out)
    fmt = output_format(path, caller)
    check_out_file(path, field=caller.option("out"))
    check_options(every, fps, size, caller)
    check_flags_agree({"seed": seed, "years": years}, sets, caller)
    extra = dict(overrides)
    if years is not None:
        extra["run__years"] = years
    if seed is not None:
        extra["run__seed"] = seed  # through the schema: a negative seed is input, not a crash
    sc = resolve_scenario(scenario, extra, sets)
    if sc.days < 1:
        raise InputError(
            f"{sc.run.years:g} years is less than a day: nothing to record",
            field=caller.option("years"),
        )
    check_frames(sc.days, every, sc.run.years, caller)
    model = LunarCity(sc)
    width, height = frame_shape(size)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{path.suffix}")  # ffmpeg reads the suffix
    try:
        with _Film(tmp, size, every, fmt, fps) as film:
            film.shoot(model)
            while model.running:
                model.step()
                if progress is not None:
                    progress(model)
                if not model.running or model.day >= model.days:
                    break
                if model.day % every == 0:
                    film.shoot(model)
            summary = model.summary()
            check_ledgers(summary)
            film.shoot(model, final=summary)
        tmp.replace(path)
    except OSError as exc:  # a full disk, a file-size limit: one line naming the file
        raise write_error(exc, path, field=caller.option("out")) from None
    finally:
        tmp.unlink(missing_ok=True)
    return Recording(path, fmt, film.count, width, height, fps, every, summary)


def check_frames(days: int, every: int, years: float, caller: Caller = Caller.PYTHON) -> None:
    """Refuse at once a recording of more than :data:`MAX_FRAMES` frames, with the arithmetic.

    Raises:
        InputError: naming every (``--every`` to the command line), the frame count and the
            least that fits.
    """
    frames = days // every + 1 + (days % every != 0)  # len(frame_days(days, every)), not built
    if frames > MAX_FRAMES:
        least = math.ceil(days / (MAX_FRAMES - 2))
        raise InputError(
            f"{years:g} years is {days:,} days; a frame every {every} day(s) makes {frames:,} "
            f"frames ({days:,} / {every} + 1), more than the {MAX_FRAMES:,} a recording holds "
            f"({MAX_FRAMES / DEFAULT_FPS / 60:.0f} minutes at {DEFAULT_FPS:g} fps)",
            field=caller.option("every"),
            valid=f"{caller.given('every', least)} or more, or fewer {caller.option('years')}",
        )


class _Film:
    """Frames written as they are shot, so memory does not grow with their number.

    The map's window only grows. A GIF is written frame by frame (each frame its own 256-colour
    palette, a GIF's limit); an MP4 through imageio's ffmpeg writer, which streams too. The last
    frame is held :data:`HOLD_LAST_S` seconds so its headline can be read.
    """

    def __init__(self, file: Path, size: int, every: int, fmt: str, fps: float) -> None:
        self.size = size
        self.every = every
        self.fmt = fmt
        self.fps = fps
        self.extent: Extent | None = None
        self.count = 0
        if fmt == "gif":
            self._gif: _GifStream | None = _GifStream(file)
            self._video: Any = None
        else:
            import imageio.v2 as imageio

            self._gif = None
            self._video = imageio.get_writer(file, format="FFMPEG", fps=fps, macro_block_size=2)

    def __enter__(self) -> _Film:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._gif is not None:
            self._gif.close()
        if self._video is not None:
            self._video.close()

    def shoot(self, model: LunarCity, final: dict[str, Any] | None = None) -> None:
        """Render today's frame and write it (``final``: the last frame, with the headline)."""
        from PIL import Image

        from lunarcity.show.render import city_extent

        here = city_extent(model)
        self.extent = here if self.extent is None else self.extent.union(here)
        frame = render_frame(model, self.size, self.extent, final, recent_days=self.every)
        self.count += 1
        if self._gif is not None:
            ms = max(20, int(round(MS_PER_S / self.fps)))  # GIF delays: 10 ms steps, 20 ms least
            if final is not None:
                ms = max(ms, int(HOLD_LAST_S * MS_PER_S))
            self._gif.add(
                frame.quantize(
                    colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
                ),
                ms,
            )
        else:
            rgb = np.asarray(frame.convert("RGB"))
            hold = max(1, int(round(HOLD_LAST_S * self.fps))) if final is not None else 1
            for _ in range(hold):
                self._video.append_data(rgb)


class _GifStream:
    """An animated GIF written one frame at a time (Pillow's own save keeps every frame first).

    The header and each frame's block come from Pillow's GIF encoder (``getheader``,
    ``getdata``); each frame carries its own colour table and "do not dispose" (the next frame
    covers it whole).
    """

    def __init__(self, file: Path) -> None:
        self._fp = open(file, "wb")  # noqa: SIM115 - closed by close()
        self._started = False

    def add(self, frame: Image.Image, duration_ms: int) -> None:
        """Write one palette-mode frame shown for ``duration_ms``."""
        from PIL import GifImagePlugin

        if not self._started:
            header, _ = GifImagePlugin.getheader(frame, info={"loop": 0, "duration": duration_ms})
            self._fp.write(b"".join(header))
            self._started = True
        for block in GifImagePlugin.getdata(
            frame, duration=duration_ms, disposal=1, include_color_table=True
        ):
            self._fp.write(block)

    def close(self) -> None:
        """End the file (the GIF trailer) and close it."""
        if not self._fp.closed:
            if self._started:
                self._fp.write(b";")
            self._fp.close()

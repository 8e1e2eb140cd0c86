"""A small line-chart painter on Pillow: the app's time charts in a few milliseconds each.

Matplotlib takes 20-50 ms to draw one small chart, and the app redraws six every frame; this
draws axes, nice ticks (linear or log), lines, a dashed marker line and a legend straight onto a
Pillow image at twice the size and halves it (cheap antialiasing).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from lunarcity.constants import FLOAT_NOISE, MIN_DIVISOR

SS = 2  # supersampling factor
#: Text sizes (px, at the chart's own size): readable on a projector at 1366 px wide.
FONT_PX = 14
TITLE_PX = 16


@dataclass(frozen=True)
class Series:
    """One line: its label, colour, values, and which y axis it is read against."""

    label: str
    colour: str
    y: np.ndarray
    right: bool = False
    width: float = 1.5
    dashed: bool = False
    base: np.ndarray | None = None  # a band: filled between ``base`` and ``y`` (lighter colour)


@lru_cache(maxsize=4096)
def _mask(text: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont) -> Image.Image:
    """The text rendered once as a mask: labels repeat every frame, FreeType is the cost."""
    _, _, right, bottom = font.getbbox(text)
    mask = Image.new("L", (max(1, int(right) + 1), max(1, int(bottom) + 1)), 0)
    ImageDraw.Draw(mask).text((0, 0), text, font=font, fill=255)
    return mask


@lru_cache(maxsize=4096)
def _length(text: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont) -> float:
    """Width of the text in pixels (cached, as :func:`_mask`)."""
    return float(font.getlength(text))


def _text(
    img: Image.Image,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
    fill: tuple[int, int, int] | str,
) -> None:
    """Draw ``text`` at ``xy`` as ImageDraw.text would (left, ascender), from the cache."""
    if not text:
        return
    img.paste(fill, (int(round(xy[0])), int(round(xy[1]))), _mask(text, font))


@cache
def _font(px: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=px)
    except (TypeError, OSError):  # Pillow without FreeType
        return ImageFont.load_default()


def compact(value: float) -> str:
    """1234 -> '1.2k', 3e6 -> '3M', 0.25 -> '0.25'."""
    a = abs(value)
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{value / div:.3g}{suffix}"
    if a == 0:
        return "0"
    return f"{value:.3g}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(1, count)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step - FLOAT_NOISE) * step
    ticks = []
    v = start
    while v <= hi + step * FLOAT_NOISE:
        ticks.append(round(v, 12))
        v += step
    return ticks


def log_ticks(lo: float, hi: float) -> list[float]:
    """Powers of ten within [lo, hi] (every other one when there are many)."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    every = 1 if b - a <= 6 else 2
    return [10.0**e for e in range(a, b + 1, every) if lo <= 10.0**e <= hi]


def line_chart(
    title: str,
    x: np.ndarray,
    series: list[Series],
    *,
    xmax: float,
    vline: float | None = None,
    log: bool = False,
    ylim: tuple[float, float] | None = None,
    right_label: str | None = None,
    legend: bool = True,
    width: int = 440,
    height: int = 250,
    xlabel: str = "year",
    vline_label: str = "",
    note: str = "",
) -> bytes:
    """Draw a line chart and return it as PNG bytes.

    Args:
        title: Text above the plot.
        x: Shared x values.
        series: The lines.
        xmax: Right end of the x axis (it starts at 0).
        vline: x of a dashed vertical marker (the target's horizon).
        vline_label: Written beside the marker; while the marker lies beyond ``xmax``, at the
            plot's right edge with ": later".
        log: Log-scale left y axis.
        ylim: Left y axis limits (default: 0 to the data's maximum).
        right_label: Name of the right y axis, for series with ``right=True``.
        legend: Write the series' labels in their colours under the title (wrapped over as
            many lines as they need), each with a swatch of its line or band.
        width: Width in pixels.
        height: Height in pixels.
        xlabel: Name of the x axis.
        note: A line written at the top left inside the plot (what a marker would say when
            there is none to draw, e.g. "break-even: not yet").
    """
    w, h = width * SS, height * SS
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_small = _font(FONT_PX * SS)
    f_title = _font(TITLE_PX * SS)
    labelled = [s for s in series if s.label] if legend else []
    rows = _legend_rows(d, labelled, f_small, w - 8 * SS)
    left, right = 52 * SS, (52 if right_label else 14) * SS
    top, bottom = (26 + 19 * len(rows)) * SS, 36 * SS
    x0, x1, y0, y1 = left, w - right, h - bottom, top  # y0 is the bottom edge in pixels

    def yrange(values: list[np.ndarray], is_log: bool) -> tuple[float, float]:
        finite = [v[np.isfinite(v)] for v in values]
        finite = [v for v in finite if len(v)]
        if is_log:
            pos = [v[v > 0] for v in finite]
            pos = [v for v in pos if len(v)]
            hi = max((float(v.max()) for v in pos), default=10.0)
            return 0.8, max(hi * 1.6, 10.0)
        hi = max((float(v.max()) for v in finite), default=1.0)
        return 0.0, hi * 1.06 if hi > 0 else 1.0

    lefts = [s.y for s in series if not s.right]
    rights = [s.y for s in series if s.right]
    ylo, yhi = ylim if ylim is not None else yrange(lefts, log)
    rlo, rhi = yrange(rights, False) if rights else (0.0, 1.0)

    def px(xv: np.ndarray) -> np.ndarray:
        return x0 + (x1 - x0) * np.asarray(xv, dtype=np.float64) / max(xmax, MIN_DIVISOR)

    def py(yv: np.ndarray, lo: float, hi: float, is_log: bool) -> np.ndarray:
        yv = np.asarray(yv, dtype=np.float64)
        if is_log:
            with np.errstate(divide="ignore", invalid="ignore"):
                t = (np.log10(np.where(yv > 0, yv, np.nan)) - math.log10(lo)) / (
                    math.log10(hi) - math.log10(lo)
                )
        else:
            t = (yv - lo) / (hi - lo)
        return y0 - (y0 - y1) * t

    # Grid and ticks.
    grid = (230, 230, 230)
    axis = (90, 90, 90)
    yt = log_ticks(ylo, yhi) if log else nice_ticks(ylo, yhi)
    for v in yt:
        yy = float(py(np.array([v]), ylo, yhi, log)[0])
        d.line((x0, yy, x1, yy), fill=grid, width=SS)
        label = compact(v)
        tw = _length(label, font=f_small)
        _text(img, (x0 - 4 * SS - tw, yy - 8 * SS), label, font=f_small, fill=axis)
    for v in nice_ticks(0, xmax, 6):
        xx = float(px(np.array([v]))[0])
        d.line((xx, y1, xx, y0), fill=grid, width=SS)
        label = f"{v:g}"
        tw = _length(label, font=f_small)
        _text(img, (xx - tw / 2, y0 + 3 * SS), label, font=f_small, fill=axis)
    if rights:
        for v in nice_ticks(rlo, rhi):
            yy = float(py(np.array([v]), rlo, rhi, False)[0])
            _text(img, (x1 + 4 * SS, yy - 8 * SS), compact(v), font=f_small, fill=axis)
        _text(img, (x1 + 4 * SS, y1 - 18 * SS), right_label or "", font=f_small, fill=axis)
    _text(img, ((x0 + x1) / 2 - 14 * SS, y0 + 17 * SS), xlabel, font=f_small, fill=axis)
    d.rectangle((x0, y1, x1, y0), outline=axis, width=SS)

    # The marker line (dashed).
    if vline is not None and 0 <= vline <= xmax:
        xx = float(px(np.array([vline]))[0])
        for yy in range(int(y1), int(y0), 10 * SS):
            d.line((xx, yy, xx, min(yy + 5 * SS, y0)), fill=(60, 60, 60), width=SS)
        if vline_label:
            tw = _length(vline_label, font=f_small)
            _text(
                img, (max(x0, xx - tw - 3 * SS), y1 + 2 * SS), vline_label, font=f_small, fill=axis
            )
    elif vline is not None and vline > xmax and vline_label:
        text = f"{vline_label}: later"
        tw = _length(text, font=f_small)
        _text(img, (x1 - tw - 3 * SS, y1 + 2 * SS), text, font=f_small, fill=axis)

    if note:
        _text(img, (x0 + 4 * SS, y1 + 2 * SS), note, font=f_small, fill=(20, 20, 20))

    xs = px(x)
    # Bands first (lighter), so the lines stay on top of them.
    for s in series:
        if s.base is None:
            continue
        lo, hi, is_log = (rlo, rhi, False) if s.right else (ylo, yhi, log)
        top_y = np.clip(py(s.y, lo, hi, is_log), y1, y0)
        bot_y = np.clip(py(s.base, lo, hi, is_log), y1, y0)
        ok = np.isfinite(top_y) & np.isfinite(bot_y)
        if ok.sum() >= 2:
            poly = list(zip(xs[ok], top_y[ok], strict=True))
            poly += list(zip(xs[ok][::-1], bot_y[ok][::-1], strict=True))
            d.polygon([(float(a), float(b)) for a, b in poly], fill=_light(s.colour))

    # The lines, clipped to the plot box; NaN breaks a line.
    for s in series:
        if s.base is not None:
            continue
        lo, hi, is_log = (rlo, rhi, False) if s.right else (ylo, yhi, log)
        ys = np.clip(py(s.y, lo, hi, is_log), y1, y0)
        ok = np.isfinite(ys)
        if not ok.any():
            continue
        breaks = np.flatnonzero(np.diff(ok.astype(np.int8)) != 0) + 1
        for seg in np.split(np.arange(len(ys)), breaks):
            if not len(seg) or not ok[seg[0]]:
                continue
            pts = np.column_stack([xs[seg], ys[seg]]).ravel().tolist()
            if len(pts) == 2:
                pts = pts * 2
            if s.dashed:
                _dashed(d, pts, s.colour, int(s.width * SS), 9 * SS, 5 * SS)
            else:
                d.line(pts, fill=s.colour, width=int(s.width * SS), joint="curve")

    _text(img, (4 * SS, 2 * SS), title, font=f_title, fill=(20, 20, 20))
    for r, row in enumerate(rows):
        lx = 4 * SS
        ly = (24 + 19 * r) * SS
        for s in row:
            sw = 18 * SS
            if s.base is not None:
                d.rectangle((lx, ly + 4 * SS, lx + sw, ly + 14 * SS), fill=_light(s.colour))
            elif s.dashed:
                _dashed(
                    d, [lx, ly + 9 * SS, lx + sw, ly + 9 * SS], s.colour, 3 * SS, 6 * SS, 3 * SS
                )
            else:
                d.line((lx, ly + 9 * SS, lx + sw, ly + 9 * SS), fill=s.colour, width=3 * SS)
            lx += sw + 4 * SS
            _text(img, (lx, ly), s.label, font=f_small, fill=(40, 40, 40))
            lx += _length(s.label, font=f_small) + 14 * SS
    img = img.reduce(SS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _light(colour: str) -> tuple[int, int, int]:
    """A band's fill: the colour mixed two parts in five with white."""
    c = colour.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return tuple(int(v + (255 - v) * 0.6) for v in (r, g, b))  # type: ignore[return-value]


def _legend_rows(
    d: ImageDraw.ImageDraw, series: list[Series], font: object, width: float
) -> list[list[Series]]:  # d: kept for the signature's sake (lengths are cached)
    """The legend's entries broken into rows that fit ``width`` pixels."""
    rows: list[list[Series]] = []
    row: list[Series] = []
    used = 0.0
    for s in series:
        w = 22 * SS + _length(s.label, font=font) + 14 * SS
        if row and used + w > width:
            rows.append(row)
            row, used = [], 0.0
        row.append(s)
        used += w
    if row:
        rows.append(row)
    return rows


def _dashed(
    d: ImageDraw.ImageDraw, pts: list[float], colour: str, width: int, on: float, off: float
) -> None:
    """A polyline drawn in dashes of ``on`` pixels with ``off`` gaps, measured along the line."""
    xy = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    if len(xy) < 2:
        return
    seg = np.hypot(*np.diff(xy, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(seg)])
    period = on + off
    start = 0.0
    while start < along[-1]:
        end = min(start + on, along[-1])
        t = np.linspace(start, end, 6)
        px = np.interp(t, along, xy[:, 0])
        py = np.interp(t, along, xy[:, 1])
        d.line(np.column_stack([px, py]).ravel().tolist(), fill=colour, width=width)
        start += period

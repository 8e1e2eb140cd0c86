"""A small line-chart painter on Pillow: the app's time charts in a few milliseconds each.

Matplotlib takes 20-50 ms to draw one small chart, and the app redraws six every frame; this
draws axes, nice ticks (linear or log), lines, a dashed marker line and a legend straight onto a
Pillow image at twice the size and halves it (cheap antialiasing).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SS = 2  # supersampling factor


@dataclass(frozen=True)
class Series:
    """One line: its label, colour, values, and which y axis it is read against."""

    label: str
    colour: str
    y: np.ndarray
    right: bool = False
    width: float = 1.5
    dashed: bool = False


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
    start = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9:
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
    width: int = 420,
    height: int = 230,
    xlabel: str = "year",
) -> bytes:
    """Draw a line chart and return it as PNG bytes.

    Args:
        title: Text above the plot.
        x: Shared x values.
        series: The lines.
        xmax: Right end of the x axis (it starts at 0).
        vline: x of a dashed vertical marker (the target's horizon).
        log: Log-scale left y axis.
        ylim: Left y axis limits (default: 0 to the data's maximum).
        right_label: Name of the right y axis, for series with ``right=True``.
        legend: Write the series' labels in their colours under the title.
        width: Width in pixels.
        height: Height in pixels.
        xlabel: Name of the x axis.
    """
    w, h = width * SS, height * SS
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_small = _font(10 * SS)
    f_title = _font(12 * SS)
    left, right = 46 * SS, (44 if right_label else 12) * SS
    top, bottom = (36 if legend else 22) * SS, 26 * SS
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
        return x0 + (x1 - x0) * np.asarray(xv, dtype=np.float64) / max(xmax, 1e-9)

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
        tw = d.textlength(label, font=f_small)
        d.text((x0 - 4 * SS - tw, yy - 6 * SS), label, font=f_small, fill=axis)
    for v in nice_ticks(0, xmax, 6):
        xx = float(px(np.array([v]))[0])
        d.line((xx, y1, xx, y0), fill=grid, width=SS)
        label = f"{v:g}"
        tw = d.textlength(label, font=f_small)
        d.text((xx - tw / 2, y0 + 3 * SS), label, font=f_small, fill=axis)
    if rights:
        for v in nice_ticks(rlo, rhi):
            yy = float(py(np.array([v]), rlo, rhi, False)[0])
            d.text((x1 + 4 * SS, yy - 6 * SS), compact(v), font=f_small, fill=axis)
        d.text((x1 + 4 * SS, y1 - 14 * SS), right_label or "", font=f_small, fill=axis)
    d.text(((x0 + x1) / 2 - 10 * SS, y0 + 13 * SS), xlabel, font=f_small, fill=axis)
    d.rectangle((x0, y1, x1, y0), outline=axis, width=SS)

    # The marker line (dashed).
    if vline is not None and 0 <= vline <= xmax:
        xx = float(px(np.array([vline]))[0])
        for yy in range(int(y1), int(y0), 10 * SS):
            d.line((xx, yy, xx, min(yy + 5 * SS, y0)), fill=(60, 60, 60), width=SS)

    # The lines, clipped to the plot box; NaN breaks a line.
    xs = px(x)
    for s in series:
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
                for k in range(0, len(seg) - 1, 2):
                    d.line(pts[2 * k : 2 * k + 4], fill=s.colour, width=int(s.width * SS))
            else:
                d.line(pts, fill=s.colour, width=int(s.width * SS), joint="curve")

    d.text((4 * SS, 3 * SS), title, font=f_title, fill=(20, 20, 20))
    if legend:
        lx = 4 * SS
        for s in series:
            if not s.label:
                continue
            d.text((lx, 19 * SS), s.label, font=f_small, fill=s.colour)
            lx += d.textlength(s.label, font=f_small) + 10 * SS
    img = img.reduce(SS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()

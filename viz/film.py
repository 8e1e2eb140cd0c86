"""The app's Record button: the current run's map as an animated GIF, for a download.

A run is determined by its scenario, overrides and seed (the model has one random generator from
the seed and nothing else), so the GIF replays the session's run from day 0 to today in a fresh
model with :func:`lunarcity.show.recording.record`, the same frames as ``lunarcity record``. The
session's own city is not touched and its lock is held only to read what to replay: the page
keeps playing while the GIF is made.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from pathlib import Path

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.show.recording import record, render_frame

from .session import Session

#: At most this many frames (days between frames grow with the run), so a long run stays small.
MAX_FRAMES = 120
MIN_EVERY = 5


def every_for(day: int, max_frames: int = MAX_FRAMES) -> int:
    """Days between frames for a run ``day`` days long: at least 5, at most ``max_frames``."""
    return max(MIN_EVERY, math.ceil(day / max(1, max_frames - 2)))


def session_gif(
    session: Session,
    size: int = 360,
    max_frames: int = MAX_FRAMES,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The session's run so far as GIF bytes, a frame every few days and the last one held.

    Args:
        session: The browser session whose run to record.
        size: Width of the frames in pixels.
        max_frames: Upper bound on the number of frames.
        progress: Called with (days replayed, days to replay) as the replay goes (the page's
            progress bar: a long run takes many seconds).
    """
    with session.lock:
        scenario = session.scenario
        seed = session.seed
        overrides = dict(session.overrides)
        day = int(session.model.day)
        if day < 1:  # nothing has happened yet: one frame of today's city
            image = render_frame(session.model, size).quantize(colors=256)
            return _gif_bytes([image])
    kwargs = {path.replace(".", "__"): value for path, value in overrides.items()}
    kwargs.pop("run__years", None)  # replaced by the days run so far
    with tempfile.TemporaryDirectory(prefix="lunarcity-gif-") as tmp:
        out = Path(tmp) / "run.gif"
        record(
            scenario,
            out,
            years=day / DAYS_PER_YEAR,
            every=every_for(day, max_frames),
            size=size,
            seed=seed,
            progress=None if progress is None else (lambda m: progress(int(m.day), day)),
            **kwargs,
        )
        return out.read_bytes()


def _gif_bytes(frames: list) -> bytes:
    import io

    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], loop=0)
    return buf.getvalue()

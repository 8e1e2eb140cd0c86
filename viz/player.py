"""Play for the tour and the Compare view: a thread that advances a city (or two) frame by frame.

The page's own Play loop (:func:`.components.Page`) is the model for this one. What is played can
be replaced under it (a tour chapter loads another preset): :class:`Stage` numbers each
replacement, and a frame made from a city that has since been replaced is dropped, never shown.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import solara

from lunarcity.constants import FLOAT_NOISE

#: Fastest the play loop goes (s per frame): the browser must keep up on a classroom laptop.
MIN_FRAME_S = 0.1
#: Speeds a viewer can choose, in days of the city per second of watching.
SPEEDS = [5, 10, 30, 60, 120]
#: The default: ten years (3,652 days) in about two minutes, so a class can watch a whole run.
DEFAULT_SPEED = 30
#: When frames are slower than the speed asks, the player catches up at most this much (s)
#: in one frame: a big city then plays slower rather than in jumps of months.
MAX_CATCH_UP_S = 0.5


def max_days_per_frame(days_per_s: float) -> int:
    """The most days one redraw may advance: a frame's worth at the fastest frame rate.

    At the default 30 days a second that is 3 days (10 redraws a second); a slow frame makes
    the city play slower, never jump (the issue measured jumps of ~8 days at 290 ms a frame).
    """
    return max(1, math.ceil(days_per_s * MIN_FRAME_S - FLOAT_NOISE))


class Pacer:
    """How many days each frame advances, so Play keeps to a speed in days per second.

    A frame takes as long as it takes (a big city's step and redraw), so the days a frame
    advances follow the clock: the days due since Play was pressed, less those already shown.

    Args:
        days_per_s: The speed.
        clock: Seconds, monotonic (time.perf_counter; a test may pass its own).
    """

    def __init__(self, days_per_s: float, clock: Callable[[], float] = time.perf_counter) -> None:
        self.days_per_s = float(days_per_s)
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.most = max_days_per_frame(self.days_per_s)

    def due(self) -> int:
        """Days to advance now (0: wait for the next frame), at most :attr:`most`."""
        now = self.clock()
        behind = self.days_per_s * (now - self.start) - self.done
        limit = self.days_per_s * MAX_CATCH_UP_S
        if behind > limit:  # too far behind: forget the debt rather than jump
            self.start = now - (self.done + limit) / self.days_per_s
            behind = limit
        return min(self.most, max(0, int(behind)))

    def advanced(self, days: int) -> None:
        """Count days that were shown."""
        self.done += int(days)

    def wait_s(self, frame_started: float | None = None) -> float:
        """Seconds to wait before the next frame.

        Until the next day is due, and at least until a frame's worth (:data:`MIN_FRAME_S`)
        after ``frame_started`` (when this frame's work began; default now): the frame's own
        cost counts towards the wait, so cheap frames come ten a second.
        """
        now = self.clock()
        started = now if frame_started is None else frame_started
        next_at = self.start + (self.done + 1) / self.days_per_s
        return max(0.0, next_at - now, started + MIN_FRAME_S - now)


def play(
    advance: Callable[[int], Any],
    show: Callable[[Any], None],
    speed: Callable[[], float],
    cancel: threading.Event,
    still_wanted: Callable[[], bool] = lambda: True,
) -> None:
    """The play loop: advance by the days due at ``speed()`` days a second, show each frame.

    Args:
        advance: Steps the city ``days`` days and returns a frame with ``running``.
        show: Puts a frame on the page.
        speed: The chosen speed (read every frame, so a change applies at once).
        cancel: Set when the page stops playing.
        still_wanted: False when the frame just made should be dropped (paused or replaced).
    """
    pacer = Pacer(speed())
    while not cancel.is_set():
        if speed() != pacer.days_per_s:
            pacer = Pacer(speed())
        started = pacer.clock()
        days = pacer.due()
        if days:
            f = advance(days)
            if not still_wanted():
                return
            pacer.advanced(days)
            show(f)
            if not f.running:
                return
        cancel.wait(pacer.wait_s(started))


T = TypeVar("T")


class Stage(Generic[T]):
    """What a view plays, with a generation number that changes when it is replaced.

    Args:
        make: Builds the thing played (a Session or a Pair); called again by :meth:`load`.
    """

    def __init__(self, make: Callable[[], T]) -> None:
        self.lock = threading.RLock()
        self.generation = 0
        self.current: T = make()

    def load(self, make: Callable[[], T]) -> T:
        """Replace what is played (frames already under way from the old one are dropped)."""
        new = make()  # may raise InputError: the old one stays
        with self.lock:
            self.generation += 1
            self.current = new
        return new


def use_player(
    stage: Stage[Any],
    frame: solara.Reactive,
    speed: solara.Reactive,
    key: Any = None,
) -> solara.Reactive[bool]:
    """A Play/Pause state whose thread advances ``stage.current`` at ``speed`` days a second.

    Args:
        stage: What to advance; its ``current`` has ``advance(days)`` returning a frame with
            ``running``.
        frame: Where each new frame goes.
        speed: Days per second.
        key: Restart the thread when this changes (e.g. the chapter).
    """
    playing = solara.use_reactive(False)

    def loop(cancel: threading.Event) -> None:
        if not playing.value:
            return
        with stage.lock:
            generation = stage.generation
            current = stage.current

        def show(f: Any) -> None:
            frame.set(f)
            if not f.running:
                playing.set(False)

        play(
            current.advance,
            show,
            lambda: float(speed.value),
            cancel,
            # Replaced or paused meanwhile: the frame just made is not wanted.
            lambda: stage.generation == generation and playing.value,
        )

    # Not intrusive: a cancelled thread finishes its step and frame, never half a day.
    solara.use_thread(loop, dependencies=[playing.value, stage, key], intrusive_cancel=False)
    return playing


@solara.component
def PlayButtons(
    playing: solara.Reactive[bool],
    running: bool,
    on_step: Callable[[], Any],
    step_classes: list[str] | None = None,
) -> None:
    """Play, Pause and Step, as every view has them (Play and Step only while the run goes on).

    Args:
        playing: Whether the view is playing.
        running: Whether the city still has days to run.
        on_step: Advances one day.
        step_classes: Extra CSS classes on the Step button (tests find it by them).
    """
    with solara.Row(gap="4px", style={"flex-wrap": "nowrap"}):
        solara.Button(
            "Play",
            icon_name="mdi-play",
            on_click=lambda: playing.set(True),
            disabled=playing.value or not running,
            color="primary",
        )
        solara.Button(
            "Pause",
            icon_name="mdi-pause",
            on_click=lambda: playing.set(False),
            disabled=not playing.value,
        )
        solara.Button(
            "Step",
            icon_name="mdi-step-forward",
            on_click=on_step,
            disabled=playing.value or not running,
            classes=step_classes or [],
        )


def speed_text(days_per_s: float) -> str:
    """'30 days/s · 10 years in 2 min'."""
    minutes = 3652.5 / days_per_s / 60.0
    ten = f"{minutes:.0f} min" if minutes >= 1.5 else f"{minutes * 60:.0f} s"
    return f"{days_per_s:g} days/s · 10 years in {ten}"


@solara.component
def SpeedSelect(speed: solara.Reactive[int], style: dict[str, str] | None = None) -> None:
    """The speed, in days a second, as every view has it."""
    texts = {speed_text(v): v for v in sorted({*SPEEDS, int(speed.value)})}
    solara.Select(
        label="Speed (days a second)",
        values=list(texts),
        value=speed_text(speed.value),
        on_value=lambda t: speed.set(int(texts[t])),
        style=style,
        classes=["lc-speed"],
    )

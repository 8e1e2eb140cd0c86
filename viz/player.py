"""Play for the tour and the Compare view: a thread that advances a city (or two) frame by frame.

The page's own Play loop (:func:`.components.Page`) is the model for this one. What is played can
be replaced under it (a tour chapter loads another preset): :class:`Stage` numbers each
replacement, and a frame made from a city that has since been replaced is dropped, never shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import solara

#: Fastest the play loop goes (s per frame): the browser must keep up on a classroom laptop.
MIN_FRAME_S = 0.1

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
    """A Play/Pause state whose thread advances ``stage.current`` by ``speed`` days a frame.

    Args:
        stage: What to advance; its ``current`` has ``advance(days)`` returning a frame with
            ``running``.
        frame: Where each new frame goes.
        speed: Days per frame.
        key: Restart the thread when this changes (e.g. the chapter).
    """
    playing = solara.use_reactive(False)

    def loop(cancel: threading.Event) -> None:
        if not playing.value:
            return
        while not cancel.is_set() and playing.value:
            started = time.perf_counter()
            with stage.lock:
                generation = stage.generation
                current = stage.current
            f = current.advance(int(speed.value))
            if stage.generation != generation or not playing.value:
                return  # replaced or paused meanwhile: this frame is not wanted
            frame.set(f)
            if not f.running:
                playing.set(False)
                return
            # Never faster than the browser can draw; the frame's own work counts toward it.
            cancel.wait(max(0.0, MIN_FRAME_S - (time.perf_counter() - started)))

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


#: Days per frame a viewer can choose.
SPEEDS = [1, 2, 5, 10, 30]


@solara.component
def SpeedSelect(speed: solara.Reactive[int], style: dict[str, str] | None = None) -> None:
    """The days-per-frame choice, as every view has it."""
    solara.Select(
        label="Speed (days per frame)",
        values=SPEEDS,
        value=speed.value,
        on_value=lambda v: speed.set(int(v)),
        style=style,
    )

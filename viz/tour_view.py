"""The guided tour (Solara): chapters from ``tour.yaml``, each loading a preset, in large type.

Presenter-friendly: next and previous on the buttons and on the keys a presenter's clicker sends
(ArrowRight or PageDown, ArrowLeft or PageUp, caught by ``presenter_keys.vue``), a full-screen
map (Escape closes it), and Play at the chapter's own speed. Each chapter starts its preset
afresh on its own city; the second chapter runs the Compare view.
"""

from __future__ import annotations

import base64
import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import solara

from lunarcity.errors import InputError

from . import words
from .answers_view import VIEWS, ThesisBeside, ViewToggle
from .compare_view import CompareView
from .export_view import RecordGif
from .film import session_gif
from .params import changes_text, check, current_values
from .player import PlayButtons, SpeedSelect, Stage, use_player
from .session import Frame, Session
from .tour import FACTS, Chapter, chapters

TITLE_STYLE = {"font-size": "1.55em", "font-weight": "bold", "line-height": "1.2"}
TEXT_STYLE = {"font-size": "1.1em", "line-height": "1.4", "max-width": "70em"}
#: The tour's map (px): beside the chapter's text and its target, within 768 px of height.
TOUR_MAP_PX = 440


@solara.component_vue("presenter_keys.vue")
def PresenterKeys(event_key: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Reports next (step 1), previous (step -1) and Escape (step 0) keys from the whole page."""


@dataclass(frozen=True)
class TourFrame:
    """A chapter's frame: the app's frame and the chapter's live figures."""

    frame: Frame
    facts: tuple[str, ...]

    @property
    def running(self) -> bool:
        """Whether the chapter's city can still advance (its run is not over)."""
        return self.frame.running


class ChapterRun:
    """One chapter's city: a :class:`~.session.Session` of its preset, and its live figures."""

    def __init__(self, chapter: Chapter, overrides: dict[str, Any] | None = None) -> None:
        assert chapter.preset is not None
        self.chapter = chapter
        self.session = Session(chapter.preset, overrides=overrides, map_size=TOUR_MAP_PX)
        self.session.step(chapter.start_day)  # a chapter may open where its story starts

    def frame(self) -> TourFrame:
        """The chapter's current frame, with its live figures (under the session's lock)."""
        with self.session.lock:
            f = self.session.frame()
            facts = FACTS[self.chapter.facts](self.session.model) if self.chapter.facts else ()
            return TourFrame(f, tuple(facts))

    def advance(self, days: int = 1) -> TourFrame:
        """Step the chapter's city ``days`` days and return the new frame."""
        with self.session.lock:
            self.session.step(days)
            return self.frame()


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _record(stage: Stage[ChapterRun], **options: Any) -> bytes:
    return session_gif(stage.current.session, **options)


@solara.component
def FullScreenMap(
    chapter: Chapter, frame: Frame, playing: solara.Reactive[bool], on_close: Callable[[], None]
) -> None:
    """The map filling the screen, with the day and the headline in large type."""
    with solara.Column(
        classes=["lc-fullscreen"],
        style={
            "position": "fixed",
            "inset": "0",
            "z-index": "2000",
            "background": "#0c1020",
            "color": "#eef",
            "padding": "12px 24px",
            "align-items": "center",
            "overflow": "auto",
        },
    ):
        with solara.Row(style={"align-items": "center", "width": "100%"}):
            solara.Text(chapter.title, style={"font-size": "1.6em", "font-weight": "bold"})
            solara.Text(
                frame.day_text,
                classes=["lc-fullscreen-day"],
                style={"font-size": "2em", "font-weight": "bold", "margin-left": "auto"},
            )
            if playing.value:
                solara.Button("Pause", icon_name="mdi-pause", on_click=lambda: playing.set(False))
            else:
                solara.Button(
                    "Play",
                    icon_name="mdi-play",
                    on_click=lambda: playing.set(True),
                    disabled=not frame.running,
                    color="primary",
                )
            solara.Button("Close (Esc)", icon_name="mdi-fullscreen-exit", on_click=on_close)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<img src="{_data_url(frame.map_png)}" alt="site map" class="lc-fullscreen-map" '
                'style="height:80vh;max-width:100%;aspect-ratio:1/1;image-rendering:pixelated">'
            ),
        )
        solara.Text(frame.headline, style={"font-size": "1.6em", "font-weight": "bold"})
        solara.Text(" · ".join(t for t in frame.held_back if t), style={"font-size": "1.3em"})


@solara.component
def ChapterPanel(
    chapter: Chapter, full: solara.Reactive[bool], nav: Callable[[], None] | None = None
) -> None:
    """A chapter's city on one screen, its charts below.

    The bar (with the chapter's ``nav``), then the map, the chapter's text and the day, headline
    and target side by side.
    """
    from .components import ChartGrid, ParamControls, TargetPanel

    stage = solara.use_memo(lambda: Stage(lambda: ChapterRun(chapter)), [chapter.id])
    first = solara.use_memo(lambda: stage.current.frame(), [stage])
    frame = solara.use_reactive(first)
    speed = solara.use_reactive(chapter.speed)
    values = solara.use_reactive(current_values(chapter.preset or ""))
    errors = solara.use_reactive(dict[str, str]())
    message = solara.use_reactive("")
    playing = use_player(stage, frame, speed, key=stage)
    record = solara.use_memo(lambda: functools.partial(_record, stage), [stage])
    # The thesis chapter opens on its chart, where the map stands (the map one click away).
    side_view = solara.use_reactive(VIEWS[1] if "thesis" in chapter.charts else VIEWS[0])

    def step() -> None:
        frame.set(stage.current.advance(1))

    def restart(overrides: dict[str, Any] | None = None) -> None:
        playing.set(False)
        try:
            run = stage.load(lambda: ChapterRun(chapter, overrides))
        except InputError as exc:
            message.set(exc.render())
            return
        frame.set(run.frame())

    def set_param(path: str, raw: Any) -> None:
        from .components import apply_value

        new, errs = apply_value(chapter.preset or "", values.value, errors.value, path, raw)
        values.set(new)
        errors.set(errs)
        message.set("" if errs else "Press Apply, then Play.")

    def apply() -> None:
        base = current_values(chapter.preset or "")
        overrides = {p: v for p, v in values.value.items() if v != base.get(p)}
        errs = dict(errors.value)
        if not errs and overrides:
            errs = check(chapter.preset or "", overrides)
        if errs:
            errors.set(errs)
            message.set("Not applied: fix the values marked in red.")
            return
        message.set("Applied: " + changes_text(overrides))
        restart(overrides)

    tf = frame.value
    f = tf.frame
    if full.value:
        FullScreenMap(chapter, f, playing, on_close=lambda: full.set(False))
    with solara.Column(classes=["lc-tour-run"], gap="6px"):
        with solara.Row(classes=["lc-bar"]):
            if nav is not None:
                nav()
            PlayButtons(playing, f.running, step)
            solara.Button("Restart", icon_name="mdi-restart", on_click=lambda: restart())
            SpeedSelect(speed, style={"max-width": "190px"})
            solara.Button(
                "Full screen", icon_name="mdi-fullscreen", on_click=lambda: full.set(True)
            )
            RecordGif(record, f"{f.scenario}_seed{f.seed}.gif")
        with solara.Row(style={"align-items": "flex-start"}, gap="14px"):
            with solara.Column(style={"width": f"{TOUR_MAP_PX}px", "flex": "none"}, gap="2px"):
                if "thesis" in chapter.charts:
                    ViewToggle(side_view)
                if side_view.value == VIEWS[1]:
                    ThesisBeside(f)
                else:
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML=(
                            f'<img src="{_data_url(f.map_png)}" alt="site map" '
                            'class="lc-tour-map" '
                            'style="width:100%;aspect-ratio:1/1;image-rendering:pixelated">'
                        ),
                    )
            with solara.Column(style={"flex": "1", "min-width": "320px"}, gap="4px"):
                ChapterText(chapter)
            with solara.Column(style={"width": "430px", "flex": "none"}, gap="4px"):
                solara.Text(
                    f.day_text,
                    classes=["lc-tour-day", "lc-day-tour"],
                    style={"font-size": "1.8em", "font-weight": "bold"},
                )
                solara.Text(
                    f"{words.preset(f.scenario)}: {f.units_total:,} machines",
                    classes=["lc-tour-preset"],
                    style={"font-size": "1.05em", "color": "#555"},
                )
                TargetPanel(f)
                for line in tf.facts:
                    solara.Text(line, classes=["lc-tour-fact"], style={"font-size": "1.05em"})
        with solara.Div():  # always in its place, so the sliders after it keep their state
            if message.value:
                solara.Info(message.value, dense=True, classes=["lc-tour-message"])
        ChartGrid(f, tuple(chapter.charts))
        if chapter.sliders:
            with solara.Card("Change one assumption (applies on Apply)"):
                ParamControls(values.value, errors.value, set_param, chapter.preset or "")
                solara.Button("Apply", icon_name="mdi-check", on_click=apply, color="primary")


@solara.component
def ChapterText(chapter: Chapter, small: bool = False) -> None:
    """A chapter's title, explanation and what to watch (``small``: a narrow column's type)."""
    text = {**TEXT_STYLE, "font-size": "1em"} if small else TEXT_STYLE
    solara.Text(chapter.title, classes=["lc-tour-title"], style=TITLE_STYLE)
    solara.Text(chapter.text, classes=["lc-tour-text"], style=text)
    solara.HTML(
        tag="ul",
        unsafe_innerHTML="<b>Watch:</b>"
        + "".join(f"<li>{html.escape(w)}</li>" for w in chapter.watch),
        classes=["lc-tour-watch"],
        style={**text, "margin": "0", "padding-left": "18px"},
    )


@solara.component
def TourView(index: solara.Reactive[int] | None = None) -> None:
    """The guided tour: a chapter's title, explanation and what to watch, over its city.

    Args:
        index: The current chapter (0-based); the page keeps it, so leaving the tour and coming
            back returns to the same chapter.
    """
    chs = chapters()
    own = solara.use_reactive(0)
    index = index if index is not None else own
    full = solara.use_reactive(False)
    i = min(max(0, int(index.value)), len(chs) - 1)
    chapter = chs[i]

    def go(step: int) -> None:
        index.set(min(max(0, i + step), len(chs) - 1))

    def on_key(data: dict[str, Any]) -> None:
        step = int(data.get("step", 0))
        if step:
            go(step)
        elif data.get("key") == "Escape":
            full.set(False)

    PresenterKeys(event_key=on_key)

    def nav() -> None:
        solara.Button(
            "Previous",
            icon_name="mdi-chevron-left",
            on_click=lambda: go(-1),
            disabled=i == 0,
            classes=["lc-tour-prev"],
        )
        with solara.Tooltip("Keys: → or PageDown next, ← or PageUp previous"):
            solara.Text(
                f"Chapter {i + 1} of {len(chs)}",
                classes=["lc-tour-count"],
                style={"font-size": "1.1em"},
            )
        solara.Button(
            "Next",
            icon_name="mdi-chevron-right",
            on_click=lambda: go(1),
            disabled=i == len(chs) - 1,
            color="primary",
            classes=["lc-tour-next"],
        )

    with solara.Column(classes=["lc-tour"], style={"padding": "0"}, gap="4px"):
        if chapter.compare:
            pair = (chapter.compare[0], chapter.compare[1])
            CompareView(pair, chapter.speed, choose=False, big=True, nav=nav, chapter=chapter).key(
                chapter.id
            )
        else:
            ChapterPanel(chapter, full, nav).key(chapter.id)

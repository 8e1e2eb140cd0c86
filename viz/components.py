"""The app's Solara components: the page, and the panels it is made of.

Every browser session (every Solara virtual kernel) renders its own :func:`Page`, and the page
keeps its own :class:`~.session.Session` in ``use_memo``: two people on one server each have a
city. The panels draw from an immutable :class:`~.session.Frame`, never from the model, so the
play thread can step the city while the page shows the last frame.
"""

from __future__ import annotations

import base64
import functools
import html
import threading
from collections.abc import Callable
from typing import Any

import solara

from lunarcity.errors import InputError
from lunarcity.results.target import PartState
from lunarcity.world.scenario import check_seed

from . import words
from .answers_view import VIEWS, Answers, ThesisBeside, ViewToggle
from .charts import CHARTS
from .export_view import RecordGif, columns_guide
from .film import session_gif
from .inspector_view import NewestUnits, UnitCard
from .params import (
    PARAMS,
    Param,
    check,
    choice_label,
    current_values,
    nearest_stop,
    not_applicable,
    off_slider,
    parse,
    parse_seed,
    preset_switch_note,
    scenario_names,
    slider_values,
)
from .player import DEFAULT_SPEED, PlayButtons, SpeedSelect, play
from .session import DEFAULT_SCENARIO, Frame, Session

#: The page's modes: the free explorer, the guided tour, two scenarios side by side.
MODES = ["Explore", "Tour", "Compare"]
#: The browser tab's title.
TITLE = "LunarCity: a city on the Moon"
#: Edge of the map in pixels: with the top bar, it fits a 768 px high screen.
MAP_PX = 500

#: The page's own styles: a compact bar, a chart grid that uses the width, large readable type.
CSS = """
.lunarcity-app { font-size: 16px; }
.lc-bar { gap: 6px !important; align-items: center; flex-wrap: wrap; padding-top: 8px; }
.lc-bar .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.lc-bar .v-btn:not(.v-btn--icon) { padding: 0 10px !important; min-width: 0 !important; }
.lc-bar .v-text-field__details { margin-bottom: 0 !important; }
.lc-chart-grid {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 6px;
  width: 100%;
}
.lc-chart-grid img { width: 100%; height: auto; border: 1px solid #eee; }
.lc-headline { font-size: 1.3em; font-weight: bold; line-height: 1.3; }
.lc-held { font-size: 1.05em; line-height: 1.35; }
.lc-target-row { font-size: 0.95em; }
/* Under Vuetify's menus (z-index 8), so a select's list opens above the open drawer. */
.lc-drawer {
  position: fixed; top: 64px; right: 0; width: 400px; max-height: calc(100vh - 70px);
  overflow-y: auto; z-index: 7; background: white; box-shadow: -2px 2px 8px #0004;
  padding: 8px 12px;
}
.lc-card { border: 1px solid #ddd; border-radius: 4px; padding: 6px 10px; }
/* Solara's busy bar (shown when the server has worked over 300 ms on an action): thicker, and
   a "Working..." badge a presenter sees, so nobody presses twice. */
.v-application--wrap > .v-progress-linear { height: 6px !important; position: fixed !important;
  top: 0; z-index: 3000; }
.v-application--wrap > .v-progress-linear::after {
  content: "Working..."; position: fixed; top: 10px; left: 50%; transform: translateX(-50%);
  background: #1565c0; color: white; padding: 4px 16px; border-radius: 14px; font-size: 16px;
  box-shadow: 0 2px 6px #0005;
}
"""


@solara.component_vue("map_image.vue")
def MapImage(src: str, event_pick: Callable[[dict[str, float]], None] | None = None) -> None:
    """The site map; a click reports where, as fractions of the image's width and height."""


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@solara.component
def DayCounter(frame: Frame) -> None:
    """'Day N (year Y)' in large type."""
    solara.Text(
        frame.day_text, classes=["lc-day"], style={"font-size": "1.9em", "font-weight": "bold"}
    )


@solara.component
def Legend(frame: Frame) -> None:
    """Each unit kind at work: its map colour, friendly name and count (internal name on hover)."""
    items = "".join(
        f'<span title="{html.escape(kind)}" style="white-space:nowrap;margin-right:12px">'
        f'<span style="display:inline-block;width:13px;height:13px;background:{colour};'
        f'border:1px solid #555;margin-right:5px;vertical-align:middle"></span>'
        f"{html.escape(words.kind(kind))}: {count:,}</span> "
        for kind, colour, count in frame.legend
        if count
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=items
        + '<div style="color:#555;font-size:0.9em">Ground: bright = sunny, blue = in shadow '
        "today. Light cells: just built. White line: the launch track; brown: still to build.</div>",
        classes=["lc-legend"],
        style={"font-size": "0.95em", "line-height": "1.6"},
    )


@solara.component
def HeldBack(frame: Frame) -> None:
    """What held the city back: most days so far, and today, each labelled."""
    most, today = frame.held_back
    with solara.Column(gap="0px", classes=["lc-held"]):
        solara.Text(most, classes=["lc-held-most"])
        if today:
            solara.Text(today, classes=["lc-held-today"])


@solara.component
def Ended(frame: Frame) -> None:
    """That the run has used its days, and what to do next (nothing while it runs)."""
    if frame.ended:
        solara.Success(frame.ended, dense=True, classes=["lc-ended"])


@solara.component
def TargetPanel(frame: Frame, show_headline: bool = True, show_ended: bool = True) -> None:
    """The headline, what held it back, and each target part as a bar with its day or forecast.

    ``show_ended=False``: the view says the run has ended elsewhere (:func:`Ended`).
    """
    with solara.Column(classes=["lc-targets"], gap="4px"):
        if show_headline:
            solara.Text(frame.headline, classes=["lc-headline"])
            HeldBack(frame)
        if show_ended:
            Ended(frame)
        solara.Text("The target", style={"font-weight": "bold", "margin-top": "4px"})
        for row in frame.targets:
            with solara.Column(gap="0px", classes=["lc-target-row"]):
                if row.metric == "closure":
                    value = f"{row.value:.0%} of {row.goal:.0%}"
                elif row.metric == "mass_driver_operating":
                    # From the value, not the state: the browser test checks one against the other.
                    value = "operating" if row.value >= row.goal else "not operating"
                else:
                    value = words.amount(row.metric, row.value, row.goal)
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=(
                        f'<span title="{html.escape(row.metric)}: {html.escape(row.why)}">'
                        f"<b>{html.escape(words.metric(row.metric))}</b>: {value}"
                        f" — {html.escape(row.projection)}</span>"
                    ),
                )
                solara.ProgressLinear(
                    value=round(100 * row.fraction, 1),
                    color="success" if row.state is PartState.HOLDING else "primary",
                )


@solara.component
def ChartGrid(frame: Frame, names: tuple[str, ...] | None = None) -> None:
    """The time charts in a grid that uses the page's width.

    With the thesis chart, its caption follows the grid: the two routes' figures and the
    break-even day in a sentence (or "not yet", "never in this run").
    """
    names = names or tuple(CHARTS)
    with solara.Div(classes=["lc-chart-grid", "lc-charts"]):
        for name in names:
            solara.Image(frame.charts[name], classes=[f"lc-chart-{name}"])
    if "thesis" in names and frame.thesis:
        solara.Text(frame.thesis, classes=["lc-thesis"], style={"font-size": "1.05em"})


@solara.component
def ParamControl(
    param: Param,
    value: Any,
    error: str | None,
    on_value: Callable[[Any], None],
    unused: str = "",
) -> None:
    """One parameter: a slider through its stops and a number box, or a select.

    Any refusal is written in words beside it; the internal name is in the label's tooltip.
    ``unused`` says why the control does nothing in this preset: it is then disabled.
    """
    cls = ["lc-param", "lc-param-" + param.path.replace(".", "-")]
    with solara.Column(gap="0px", classes=cls):
        with solara.Tooltip(f"{param.path}: {param.description}"):
            solara.Text(param.label, style={"font-size": "0.95em", "font-weight": "bold"})
        if param.choices:
            labels = {choice_label(param, c): c for c in param.choices}
            solara.Select(
                label="",
                values=list(labels),
                value=choice_label(param, str(value)),
                on_value=lambda t: on_value(labels[t]),
                dense=True,
                disabled=bool(unused),
            )
        else:
            number = float(value)
            stops = slider_values(param)
            with solara.Row(style={"align-items": "center"}, gap="6px"):
                with solara.Div(style={"flex": "1"}):
                    solara.SliderInt(
                        label="",
                        value=nearest_stop(param, number),
                        min=0,
                        max=len(stops) - 1,
                        on_value=lambda i: on_value(stops[int(i)]),
                        disabled=bool(unused),
                    )
                NumberBox(param.fmt(number), param.shown_unit, on_value, disabled=bool(unused))
            if unused:
                solara.Text(unused, classes=["lc-unused"], style={"color": "#555"})
            note = off_slider(param, number)
            if note:
                solara.Text(note, classes=["lc-off-slider"], style={"color": "#8a5a00"})
        if error:
            solara.Error(error, dense=True, classes=["lc-param-error"])


@solara.component
def NumberBox(
    shown: str, unit: str, on_text: Callable[[str], None], disabled: bool = False
) -> None:
    """A parameter's number box: shows the value in effect, or what was typed if refused.

    The typed text is this box's own state, so a refused entry stays in view beside its
    message, and typing the old value again is a change that clears the message.
    """
    text = solara.use_reactive(shown)
    solara.use_effect(lambda: text.set(shown), [shown])  # the value in effect changed

    def typed(value: str) -> None:
        text.set(value)
        on_text(value)

    solara.InputText(
        label=unit,
        value=text.value,
        on_value=typed,
        disabled=disabled,
        classes=["lc-number"],
        style={"max-width": "110px"},
    )


@solara.component
def ParamControls(
    values: dict[str, Any],
    errors: dict[str, str],
    on_value: Callable[[str, Any], None],
    scenario: str = "",
) -> None:
    """Every control of :data:`.params.PARAMS`, each calling ``on_value(path, value)``.

    With ``scenario``, the controls that do nothing in it are disabled with the reason.
    """
    unused = not_applicable(scenario) if scenario else {}
    for param in PARAMS:
        ParamControl(
            param,
            values.get(param.path),
            errors.get(param.path),
            lambda v, p=param.path: on_value(p, v),
            unused.get(param.path, ""),
        )


def apply_value(
    scenario: str,
    values: dict[str, Any],
    errors: dict[str, str],
    path: str,
    raw: Any,
) -> tuple[dict[str, Any], dict[str, str]]:
    """A control's new value: (values, errors) after it, refusals in words beside it.

    A typed number is parsed and checked against the schema's limits; a value the box
    refuses leaves the old value standing, with the reason beside the control.
    """
    param = next(p for p in PARAMS if p.path == path)
    errs = {k: v for k, v in errors.items() if k != path}
    value = raw
    if not param.choices and isinstance(raw, str):
        value, why = parse(param, raw)
        if value is None:
            errs[path] = why
            return values, errs
    new = dict(values)
    new[path] = value
    errs.update(check(scenario, {path: value}))
    return new, errs


@solara.component
def SeedBox(seed: solara.Reactive[int], error: solara.Reactive[str]) -> None:
    """The seed: a whole number 0 or more; anything else is refused in words, beside the box."""

    def on_text(text: str) -> None:
        value, why = parse_seed(text)
        error.set(why)
        if value is not None:
            seed.set(value)

    with solara.Row(gap="4px", style={"align-items": "center"}):
        solara.InputText(
            "Seed",
            value=str(seed.value),
            on_value=on_text,
            error=bool(error.value),
            classes=["lc-seed"],
            style={"max-width": "64px"},
        )
        if error.value:  # beside the box, in words
            solara.Error(error.value, dense=True, classes=["lc-seed-error"])


@solara.component
def Page() -> None:
    """The whole app for one browser session."""
    solara.Title(TITLE)
    solara.Style(CSS)
    session = solara.use_memo(lambda: Session(map_size=MAP_PX), [])
    first = solara.use_memo(session.frame, [session])
    frame = solara.use_reactive(first)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    log_units = solara.use_reactive(False)
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    seed = solara.use_reactive(session.seed)
    seed_error = solara.use_reactive("")
    values = solara.use_reactive(current_values(DEFAULT_SCENARIO))
    errors = solara.use_reactive(dict[str, str]())
    message = solara.use_reactive("")
    drawer = solara.use_reactive(False)
    pick_note = solara.use_reactive("")
    mode = solara.use_reactive(MODES[0])
    tour_index = solara.use_reactive(0)
    side_view = solara.use_reactive(VIEWS[0])
    record = solara.use_memo(lambda: functools.partial(session_gif, session), [session])

    def play_loop(cancel: threading.Event) -> None:
        if not playing.value:
            return

        def advance(days: int) -> Frame:
            session.log_units = log_units.value
            return session.advance(days)

        def show(f: Frame) -> None:
            frame.set(f)
            if not f.running:
                playing.set(False)

        play(advance, show, lambda: float(speed.value), cancel, lambda: playing.value)

    # Not intrusive: a cancelled thread finishes its step and frame, never half a day.
    solara.use_thread(play_loop, dependencies=[playing.value, session], intrusive_cancel=False)

    def step() -> None:
        session.log_units = log_units.value
        frame.set(session.advance(1))

    def to_end() -> None:
        # The answer at once (a class need not wait two minutes): every day is still stepped,
        # so the city at the end is the one Play would reach; the busy badge shows meanwhile.
        playing.set(False)
        session.log_units = log_units.value
        now = frame.value
        frame.set(session.advance(now.days - now.day))

    def set_log(value: bool) -> None:
        log_units.set(value)
        session.log_units = value
        frame.set(session.frame())

    def choose_scenario(label: str) -> None:
        name = next((n for n in scenario_names() if words.preset(n) == label), label)
        note = preset_switch_note(scenario.value, values.value, name)
        scenario.set(name)
        try:
            values.set(current_values(name))
            errors.set({})
            message.set(note)
        except InputError as exc:
            message.set(f"This preset cannot be loaded: {exc.message}")

    def set_param(path: str, raw: Any) -> None:
        new, errs = apply_value(scenario.value, values.value, errors.value, path, raw)
        values.set(new)
        errors.set(errs)
        message.set("" if errs else "Press Reset to apply.")

    def reset() -> None:
        playing.set(False)
        if seed_error.value:
            message.set("Not reset: the seed must be a whole number, 0 or more.")
            return
        base = current_values(scenario.value)
        overrides = {p: v for p, v in values.value.items() if v != base.get(p)}
        # A refused entry still standing in its box counts: the run would not be what it shows.
        errs = dict(errors.value)
        if not errs and overrides:
            errs = check(scenario.value, overrides)
        if errs:
            errors.set(errs)
            message.set("Not reset: fix the values marked in red.")
            return
        try:
            session.reset(scenario.value, check_seed(seed.value), overrides)
        except InputError as exc:
            message.set(f"Not reset: {exc.message}")
            return
        errors.set({})
        message.set("")
        session.log_units = log_units.value
        frame.set(session.frame())

    def switch_mode(name: str) -> None:
        playing.set(False)  # the explored city waits while the tour or the comparison runs
        mode.set(name)

    def on_pick(data: dict[str, float]) -> None:
        found = session.pick(float(data.get("x", 0.0)), float(data.get("y", 0.0)))
        pick_note.set("" if found is not None else "No machine near that spot: click closer.")
        frame.set(session.frame())

    def pick_id(uid: int) -> None:
        session.choose(uid)
        frame.set(session.frame())

    f = frame.value
    with solara.Column(style={"padding": "4px 10px"}, gap="4px", classes=["lunarcity-app"]):
        with solara.Row(classes=["lc-bar"]):
            solara.Text("LunarCity", style={"font-size": "1.35em", "font-weight": "bold"})
            solara.ToggleButtonsSingle(
                value=mode.value, values=MODES, on_value=switch_mode, classes=["lc-mode"]
            )
            if mode.value == "Explore":
                PlayButtons(playing, f.running, step)
                solara.Button("Reset", icon_name="mdi-restart", on_click=reset)
                SpeedSelect(speed, style={"max-width": "190px"})
                solara.Select(
                    label="Preset (applies on Reset)",
                    values=[words.preset(n) for n in scenario_names()],
                    value=words.preset(scenario.value),
                    on_value=choose_scenario,
                    classes=["lc-scenario"],
                    style={"max-width": "190px"},
                )
                SeedBox(seed, seed_error)
                solara.Button(
                    "Assumptions",
                    icon_name="mdi-tune",
                    on_click=lambda: drawer.set(not drawer.value),
                    outlined=not drawer.value,
                    color="primary",
                    classes=["lc-drawer-button"],
                )
        if mode.value == "Tour":
            # Imported here: the views import this module's panels.
            from .tour_view import TourView

            TourView(tour_index)
        elif mode.value == "Compare":
            from .compare_view import CompareView

            CompareView()
        else:
            # Always in its place (empty or not), so the panels after it keep their state.
            with solara.Div():
                if message.value:
                    solara.Info(message.value, dense=True, classes=["lc-message"])
            with solara.Row(style={"align-items": "flex-start"}, gap="14px"):
                with solara.Column(style={"width": f"{MAP_PX}px", "flex": "none"}, gap="2px"):
                    ViewToggle(side_view)
                    if side_view.value == VIEWS[1]:
                        ThesisBeside(f)
                    else:
                        MapImage(src=_data_url(f.map_png), event_pick=on_pick)
                    # Under the map, not above the target: after ten years the headline is long
                    # and every target row must still show on the first screen.
                    Ended(f)
                with solara.Column(style={"flex": "1", "min-width": "360px"}, gap="4px"):
                    # The day, and beside it a jump to the run's last day (the bar has no room).
                    with solara.Row(style={"align-items": "center"}, gap="12px"):
                        DayCounter(f)
                        solara.Button(
                            "To the end",
                            icon_name="mdi-skip-forward",
                            on_click=to_end,
                            disabled=playing.value or not f.running,
                            outlined=True,
                            classes=["lc-to-end"],
                        )
                    Answers(f)
                    running = f"{words.preset(f.scenario)} — seed {f.seed}"
                    if f.overrides:
                        running += ", changed: " + ", ".join(
                            next((p.label for p in PARAMS if p.path == k), k).lower()
                            for k, _ in f.overrides
                        )
                    solara.Text(running, classes=["lc-running"], style={"color": "#555"})
                    TargetPanel(f, show_ended=False)
                with solara.Column(style={"width": "330px", "flex": "none"}, gap="6px"):
                    solara.Text("Inspect", style={"font-weight": "bold"})
                    UnitCard(f.picked, pick_note.value)
                    Legend(f)
            ChartGrid(f)
            solara.Checkbox(
                label="Machines chart on a log scale", value=log_units.value, on_value=set_log
            )
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
                with solara.Card("How things are made: soil -> materials -> parts -> machines"):
                    solara.Image(f.materials_png, classes=["lc-materials"])
                with solara.Card("Newest machines", style={"min-width": "320px", "flex": "1"}):
                    NewestUnits(session, f, pick_id)
            if drawer.value:
                with solara.Column(classes=["lc-drawer"], gap="6px"):
                    solara.Text(
                        "Change an assumption (applies on Reset)",
                        style={"font-weight": "bold", "font-size": "1.1em"},
                    )
                    ParamControls(values.value, errors.value, set_param, scenario.value)
                    solara.Text("Export", style={"font-weight": "bold", "margin-top": "8px"})
                    stem = f"{f.scenario}_seed{f.seed}_day{f.day}"
                    solara.FileDownload(
                        lambda: session.daily_bytes("parquet"),
                        filename=f"{stem}.parquet",
                        label="Daily table (Parquet)",
                    )
                    solara.FileDownload(
                        lambda: session.daily_bytes("csv"),
                        filename=f"{stem}.csv",
                        label="Daily table (CSV)",
                        mime_type="text/csv",
                    )
                    # The CSV's sidecar: each column's plain name, unit and meaning.
                    solara.FileDownload(
                        lambda: columns_guide(session).encode("utf-8"),
                        filename=f"{stem}_columns.csv",
                        label="Column guide (CSV)",
                        mime_type="text/csv",
                    )
                    solara.FileDownload(
                        session.snapshot_png,
                        filename=f"{stem}.png",
                        label="Map and charts (PNG)",
                        mime_type="image/png",
                    )
                    # Replays this run from day 0 to today (same seed, same days) as a GIF.
                    RecordGif(record, f"{stem}.gif")

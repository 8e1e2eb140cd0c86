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
import time
from collections.abc import Callable
from typing import Any

import solara

from lunarcity.errors import InputError
from lunarcity.scenario import check_seed, seed_problem

from .charts import CHARTS
from .film import session_gif
from .params import PARAMS, Param, check, current_values, scenario_names
from .player import PlayButtons, SpeedSelect
from .session import DEFAULT_SCENARIO, Frame, Session

#: Fastest the play loop goes (s per frame): the browser must keep up on a classroom laptop.
MIN_FRAME_S = 0.1
#: The page's modes: the free explorer, the guided tour, two scenarios side by side.
MODES = ["Explore", "Tour", "Compare"]


@solara.component_vue("map_image.vue")
def MapImage(src: str, event_pick: Callable[[dict[str, float]], None] | None = None) -> None:
    """The site map; a click reports where, as fractions of the image's width and height."""


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@solara.component
def DayCounter(frame: Frame) -> None:
    """'Day N (year Y)' in large type."""
    solara.Text(
        frame.day_text, classes=["lc-day"], style={"font-size": "1.5em", "font-weight": "bold"}
    )


@solara.component
def Legend(frame: Frame) -> None:
    """Each unit kind's map colour and how many are in service."""
    with solara.Column(gap="2px", classes=["lc-legend"]):
        for kind, colour, count in frame.legend:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    f'<span style="display:inline-block;width:12px;height:12px;'
                    f'background:{colour};border:1px solid #555;margin-right:6px"></span>'
                    f"{kind.replace('_', ' ')}: {count:,}"
                ),
                style={"font-size": "0.85em"},
            )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "terrain: bright = sunny crest, blue = in shadow today; "
                "light cells: built in the last few days; faint brown line: the track's corridor"
            ),
            style={"font-size": "0.75em", "color": "#666"},
        )


@solara.component
def TargetPanel(frame: Frame) -> None:
    """The headline, and each target part as a progress bar with its day or projection."""
    with solara.Column(classes=["lc-targets"]):
        solara.Text(frame.headline, classes=["lc-headline"], style={"font-weight": "bold"})
        for row in frame.targets:
            with solara.Column(gap="0px"):
                solara.Text(
                    f"{row.name.replace('_', ' ')}: {_fmt(row.value)} of {_fmt(row.goal)} "
                    f"({row.metric}) - {row.projection}",
                    style={"font-size": "0.85em"},
                )
                solara.ProgressLinear(
                    value=round(100 * row.fraction, 1),
                    color="success" if row.met_day is not None else "primary",
                )
        solara.Text(f"Today bound by: {frame.bottleneck}", style={"font-size": "0.85em"})


def _fmt(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


@solara.component
def ChartGrid(frame: Frame) -> None:
    """The six time charts, three to a row."""
    names = list(CHARTS)
    with solara.Column(classes=["lc-charts"]):
        for start in range(0, len(names), 3):
            with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                for name in names[start : start + 3]:
                    solara.Image(frame.charts[name], classes=[f"lc-chart-{name}"])


@solara.component
def ParamControl(
    param: Param, value: Any, error: str | None, on_value: Callable[[Any], None]
) -> None:
    """One labelled slider (or select), with the schema's refusal beside it if any."""
    with solara.Column(gap="0px", classes=["lc-param", "lc-param-" + param.path.replace(".", "-")]):
        if param.choices:
            solara.Select(
                label=param.label, values=list(param.choices), value=str(value), on_value=on_value
            )
        else:
            number = float(value) if value is not None else param.lo
            shown = f"{number:g}" + (f" {param.unit}" if param.unit else "")
            solara.Text(f"{param.label}: {shown}", style={"font-size": "0.85em"})
            solara.SliderFloat(
                label="",
                value=number,
                min=param.lo,
                max=param.hi,
                step=param.step,
                on_value=on_value,
            )
        if error:
            solara.Error(error, dense=True, classes=["lc-param-error"])


@solara.component
def ParamControls(
    values: dict[str, Any], errors: dict[str, str], on_value: Callable[[str, Any], None]
) -> None:
    """Every slider of :data:`.params.PARAMS`, each calling ``on_value(path, value)``."""
    for param in PARAMS:
        ParamControl(
            param,
            values.get(param.path),
            errors.get(param.path),
            lambda v, p=param.path: on_value(p, v),
        )


@solara.component
def Inspector(
    session: Session, frame: Frame, uid: solara.Reactive, picked: solara.Reactive
) -> None:
    """The unit clicked on the map or picked from the table: kind, age, health, task, builder, output."""
    kind = solara.use_reactive("all")
    with solara.Column(classes=["lc-inspector"]):
        info = session.describe(uid.value) if uid.value is not None else None
        if info is None:
            solara.Text("Click a unit on the map, or pick one below.")
        else:
            shown = ("id", "kind", "pos", "birth_day", "age_days", "health", "task")
            shown += ("builder", "output")
            rows = "".join(
                f"<tr><td style='padding-right:12px;color:#555'>{k.replace('_', ' ')}</td>"
                f"<td>{html.escape(str(info[k]))}</td></tr>"
                for k in shown
                if k in info
            )
            solara.HTML(tag="table", unsafe_innerHTML=rows, classes=["lc-unit"])
        cell, ids = picked.value
        if cell is not None:
            solara.Text(f"Cell {cell}: {len(ids)} unit(s) nearest the click")
        solara.Select(
            label="Table of newest units: kind",
            values=["all", *[k for k, _, _ in frame.legend]],
            value=kind,
        )
        table = session.unit_table(None if kind.value == "all" else kind.value, limit=12)
        with solara.Row(style={"flex-wrap": "wrap"}, gap="2px"):
            for row in table:
                solara.Button(
                    f"#{row['id']} {row['kind']} {row['cell']}",
                    small=True,
                    text=True,
                    on_click=lambda r=row: uid.set(r["id"]),
                    classes=["lc-unit-row"],
                )


@solara.component
def Page() -> None:
    """The whole app for one browser session."""
    session = solara.use_memo(Session, [])
    first = solara.use_memo(session.frame, [session])
    frame = solara.use_reactive(first)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(1)
    log_units = solara.use_reactive(False)
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    seed = solara.use_reactive(session.seed)
    values = solara.use_reactive(current_values(DEFAULT_SCENARIO))
    errors = solara.use_reactive(dict[str, str]())
    message = solara.use_reactive("")
    uid = solara.use_reactive(None)
    picked = solara.use_reactive((None, []))
    mode = solara.use_reactive(MODES[0])
    tour_index = solara.use_reactive(0)
    record = solara.use_memo(lambda: functools.partial(session_gif, session), [session])

    def play_loop(cancel: threading.Event) -> None:
        if not playing.value:
            return
        while not cancel.is_set():
            started = time.perf_counter()
            session.log_units = log_units.value
            f = session.advance(speed.value)
            frame.set(f)
            if not f.running:
                playing.set(False)
                return
            # Never faster than the browser can draw; the frame's own work counts toward it.
            cancel.wait(max(0.0, MIN_FRAME_S - (time.perf_counter() - started)))

    # Not intrusive: a cancelled thread finishes its step and frame, never half a day.
    solara.use_thread(play_loop, dependencies=[playing.value, session], intrusive_cancel=False)

    def step() -> None:
        session.log_units = log_units.value
        frame.set(session.advance(1))

    def set_log(value: bool) -> None:
        log_units.set(value)
        session.log_units = value
        frame.set(session.frame())

    def choose_scenario(name: str) -> None:
        scenario.set(name)
        try:
            values.set(current_values(name))
            errors.set({})
            message.set("Press Reset to run this scenario.")
        except InputError as exc:
            message.set(exc.render())

    def set_param(path: str, value: Any) -> None:
        old = values.value.get(path)
        param = next(p for p in PARAMS if p.path == path)
        if (
            not param.choices
            and isinstance(old, int | float)
            and abs(float(value) - float(old)) < param.step / 2
        ):
            return  # the slider snapping a value to its step, not a person moving it
        new = dict(values.value)
        new[path] = value
        values.set(new)
        found = check(scenario.value, {path: value})
        errs = {k: v for k, v in errors.value.items() if k != path}
        errs.update(found)
        errors.set(errs)
        message.set("" if errs else "Press Reset to apply.")

    def reset() -> None:
        playing.set(False)
        base = current_values(scenario.value)
        overrides = {p: v for p, v in values.value.items() if v != base.get(p)}
        errs = check(scenario.value, overrides) if overrides else {}
        if errs:
            errors.set(errs)
            message.set("Not reset: fix the values marked in red.")
            return
        try:
            session.reset(scenario.value, check_seed(seed.value), overrides)
        except InputError as exc:
            message.set(exc.render())
            return
        errors.set({})
        uid.set(None)
        picked.set((None, []))
        message.set("")
        session.log_units = log_units.value
        frame.set(session.frame())

    def switch_mode(name: str) -> None:
        playing.set(False)  # the explored city waits while the tour or the comparison runs
        mode.set(name)

    def on_pick(data: dict[str, float]) -> None:
        cell, ids = session.units_at(float(data.get("x", 0.0)), float(data.get("y", 0.0)))
        picked.set((cell, ids))
        uid.set(ids[0] if ids else None)

    f = frame.value
    with solara.Column(style={"padding": "8px"}, classes=["lunarcity-app"]):
        with solara.Row(style={"align-items": "center"}):
            solara.Text("LunarCity", style={"font-size": "1.6em", "font-weight": "bold"})
            solara.ToggleButtonsSingle(
                value=mode.value, values=MODES, on_value=switch_mode, classes=["lc-mode"]
            )
            if mode.value == "Explore":
                DayCounter(f)
                changed = "".join(
                    f", {k}={v:g}" if isinstance(v, float) else f", {k}={v}" for k, v in f.overrides
                )
                solara.Text(
                    f"{f.scenario}, seed {f.seed}{changed} - {f.units_total:,} units",
                    style={"color": "#555"},
                    classes=["lc-running"],
                )
        if mode.value == "Tour":
            # Imported here: the views import this module's panels.
            from .tour_view import TourView

            TourView(tour_index)
        elif mode.value == "Compare":
            from .compare_view import CompareView

            CompareView()
        else:
            with solara.Columns([1, 3]):
                with solara.Column(classes=["lc-controls"]):
                    with solara.Card("Run"):
                        with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                            PlayButtons(playing, f.running, step)
                            solara.Button("Reset", icon_name="mdi-restart", on_click=reset)
                        SpeedSelect(speed)
                        solara.Checkbox(
                            label="Units chart on a log scale",
                            value=log_units.value,
                            on_value=set_log,
                        )
                    with solara.Card("Scenario (applies on Reset)"):
                        solara.Select(
                            label="Scenario",
                            values=scenario_names(),
                            value=scenario.value,
                            on_value=choose_scenario,
                            classes=["lc-scenario"],
                        )
                        solara.InputInt(
                            "Seed", value=seed.value, on_value=lambda v: seed.set(int(v or 0))
                        )
                        if seed_problem(seed.value):
                            solara.Error(seed_problem(seed.value), dense=True, classes=["lc-seed"])
                        ParamControls(values.value, errors.value, set_param)
                        if message.value:
                            solara.Info(message.value, dense=True, classes=["lc-message"])
                    with solara.Card("Export"):
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
                        solara.FileDownload(
                            session.snapshot_png,
                            filename=f"{stem}.png",
                            label="Map and charts (PNG)",
                            mime_type="image/png",
                        )
                        # Replays this run from day 0 to today (same seed, same days) as a GIF.
                        solara.FileDownload(
                            record,
                            filename=f"{stem}.gif",
                            label="Record (GIF)",
                            mime_type="image/gif",
                        )
                with solara.Column():
                    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
                        with solara.Column(style={"width": "560px", "max-width": "100%"}):
                            MapImage(src=_data_url(f.map_png), event_pick=on_pick)
                        with solara.Column(style={"min-width": "300px", "flex": "1"}):
                            TargetPanel(f)
                            Legend(f)
                    ChartGrid(f)
                    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
                        with solara.Card("Materials: regolith -> materials -> parts -> units"):
                            solara.Image(f.materials_png, classes=["lc-materials"])
                        with solara.Card("Inspect", style={"min-width": "320px", "flex": "1"}):
                            Inspector(session, f, uid, picked)

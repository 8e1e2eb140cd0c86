"""The Compare view: two scenarios side by side in lockstep on the same seed (Solara).

Two maps, each with its day counter and headline, over shared charts of both cities. The cities
belong to this browser session (a :class:`~.compare.Pair` kept in ``use_memo``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from lunarcity.errors import InputError
from lunarcity.world.scenario import check_seed

from . import words
from .compare import COLOURS, DASHED, DEFAULT_PAIR, CompareFrame, Pair
from .params import scenario_names
from .player import DEFAULT_SPEED, PlayButtons, SpeedSelect, Stage, use_player

#: Each map's edge (px): two maps and the shared charts side by side at 1366 px wide.
MAP_PX = 380
#: In the tour the chapter's text sits beside the maps, so they are smaller.
TOUR_MAP_PX = 270


@solara.component
def CompareMaps(frame: CompareFrame, big: bool = False) -> None:
    """Both cities (name, day, map, headline, what held them back) and the shared charts."""
    size = "1.25em"
    px = TOUR_MAP_PX if big else MAP_PX
    with solara.Row(classes=["lc-compare"], gap="12px", style={"align-items": "flex-start"}):
        for i, side in enumerate(frame.sides):
            with solara.Column(style={"width": f"{px}px", "flex": "none"}, gap="2px"):
                with solara.Row(gap="6px", style={"align-items": "center"}):
                    # The city's line on the charts: colour and dash, so the two stay apart.
                    solara.HTML(
                        tag="span",
                        unsafe_innerHTML="",
                        attributes={"title": side.scenario},  # the preset's file, for researchers
                        style={
                            "display": "inline-block",
                            "width": "28px",
                            "border-top": f"4px {'dashed' if DASHED[i] else 'solid'} {COLOURS[i]}",
                        },
                    )
                    solara.Text(
                        side.name,
                        classes=["lc-compare-name"],
                        style={"font-size": size, "font-weight": "bold"},
                    )
                solara.Text(
                    side.day_text,
                    classes=["lc-compare-day", f"lc-compare-day-{i}"],
                    style={"font-size": size, "font-weight": "bold"},
                )
                solara.Image(side.map_png, width="100%", classes=["lc-compare-map"])
                solara.Text(
                    f"{side.units_total:,} machines, {side.industrial_mass_t:,.0f} t",
                    style={"font-size": "1em"},
                )
                solara.Text(
                    side.headline,
                    classes=["lc-compare-headline"],
                    style={"font-size": "1.05em", "font-weight": "bold"},
                )
                for line in side.held_back:
                    if line:
                        solara.Text(line, style={"font-size": "0.95em"})
        with solara.Column(style={"flex": "1", "min-width": "300px"}, gap="4px"):
            for name, png in frame.charts.items():
                solara.Image(png, width="100%", classes=[f"lc-compare-chart-{name}"])


@solara.component
def CompareView(
    scenarios: tuple[str, str] = DEFAULT_PAIR,
    speed_default: int = DEFAULT_SPEED,
    choose: bool = True,
    big: bool = False,
    nav: Callable[[], None] | None = None,
    chapter: Any = None,
) -> None:
    """Two cities stepped together, with Play, Pause, Step and Reset.

    Args:
        scenarios: The pair to start with (pole against equator by default).
        speed_default: Days per second.
        choose: Whether the viewer may pick the two scenarios and the seed.
        big: The tour's layout (the chapter's text above smaller maps).
        nav: Renders the tour's chapter buttons at the start of the bar.
        chapter: The tour chapter shown above the maps, if any.
    """
    from .components import SeedBox  # here: the page's module imports the views lazily

    stage = solara.use_memo(
        lambda: Stage(lambda: Pair(scenarios, map_size=TOUR_MAP_PX if big else MAP_PX)),
        [tuple(scenarios)],
    )
    first = solara.use_memo(lambda: stage.current.frame(), [stage])
    frame = solara.use_reactive(first)
    solara.use_effect(lambda: frame.set(first), [first])  # a new pair: show its first frame
    speed = solara.use_reactive(speed_default)
    picked = solara.use_reactive(tuple(scenarios))
    seed = solara.use_reactive(stage.current.seed)
    seed_error = solara.use_reactive("")
    message = solara.use_reactive("")
    playing = use_player(stage, frame, speed, key=stage)

    def step() -> None:
        frame.set(stage.current.advance(1))

    def reset() -> None:
        playing.set(False)
        if seed_error.value:
            message.set("Not reset: the seed must be a whole number, 0 or more.")
            return
        try:
            pair = stage.load(
                lambda: Pair(
                    tuple(picked.value),
                    seed=check_seed(seed.value),
                    map_size=TOUR_MAP_PX if big else MAP_PX,
                )
            )
        except InputError as exc:
            message.set(f"Not reset: {exc.message}")
            return
        message.set("")
        frame.set(pair.frame())

    f = frame.value
    with solara.Column(classes=["lc-compare-view"], gap="6px"):
        with solara.Row(classes=["lc-bar"]):
            if nav is not None:
                nav()
            PlayButtons(playing, f.running, step, step_classes=["lc-compare-step"])
            solara.Button("Reset", icon_name="mdi-restart", on_click=reset)
            SpeedSelect(speed, style={"max-width": "190px"})
            if choose:
                names = scenario_names()
                labels = {words.preset(n): n for n in names}
                for i in range(2):
                    solara.Select(
                        label=f"City {i + 1} (on Reset)",
                        values=list(labels),
                        value=words.preset(picked.value[i]),
                        on_value=lambda t, i=i: picked.set(
                            tuple(labels[t] if j == i else picked.value[j] for j in range(2))
                        ),
                        style={"max-width": "200px"},
                    )
                SeedBox(seed, seed_error)
        if message.value:
            solara.Error(message.value, dense=True)
        if f.ended:
            solara.Success(f.ended, dense=True, classes=["lc-ended"])
        if chapter is not None:
            from .tour_view import ChapterText

            with solara.Row(style={"align-items": "flex-start"}, gap="12px"):
                with solara.Column(style={"width": "340px", "flex": "none"}, gap="4px"):
                    ChapterText(chapter, small=True)
                with solara.Column(style={"flex": "1"}):
                    CompareMaps(f, big=big)
        else:
            CompareMaps(f, big=big)

"""The Compare view: two scenarios side by side in lockstep on the same seed (Solara).

Two maps, each with its day counter and headline, over shared charts of both cities. The cities
belong to this browser session (a :class:`~.compare.Pair` kept in ``use_memo``).
"""

from __future__ import annotations

import solara

from lunarcity.errors import InputError
from lunarcity.scenario import check_seed, seed_problem

from .compare import DEFAULT_PAIR, CompareFrame, Pair
from .params import scenario_names
from .player import PlayButtons, SpeedSelect, Stage, use_player


@solara.component
def CompareMaps(frame: CompareFrame, big: bool = False) -> None:
    """Both cities: name, day counter, map and headline, with the shared charts below."""
    size = "1.6em" if big else "1.3em"
    with solara.Column(classes=["lc-compare"]):
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            for i, side in enumerate(frame.sides):
                with solara.Column(style={"width": "460px", "max-width": "100%"}):
                    solara.Text(
                        side.scenario,
                        style={"font-size": size, "font-weight": "bold"},
                        classes=["lc-compare-name"],
                    )
                    solara.Text(
                        side.day_text,
                        classes=["lc-compare-day", f"lc-compare-day-{i}"],
                        style={"font-size": size, "font-weight": "bold"},
                    )
                    solara.Image(side.map_png, width="100%", classes=["lc-compare-map"])
                    solara.Text(
                        f"{side.units_total:,} units, {side.industrial_mass_t:,.0f} t",
                        style={"font-size": "1.1em"},
                    )
                    solara.Text(
                        side.headline,
                        classes=["lc-compare-headline"],
                        style={"font-size": "1.1em", "font-weight": "bold"},
                    )
        with solara.Row(style={"flex-wrap": "wrap"}, gap="4px"):
            for name, png in frame.charts.items():
                solara.Image(png, classes=[f"lc-compare-chart-{name}"])


@solara.component
def CompareView(
    scenarios: tuple[str, str] = DEFAULT_PAIR,
    speed_default: int = 5,
    choose: bool = True,
    big: bool = False,
) -> None:
    """Two cities stepped together, with Play, Pause, Step and Reset.

    Args:
        scenarios: The pair to start with (pole against equator by default).
        speed_default: Days per frame.
        choose: Whether the viewer may pick the two scenarios and the seed.
        big: Larger type (the tour).
    """
    stage = solara.use_memo(lambda: Stage(lambda: Pair(scenarios)), [tuple(scenarios)])
    first = solara.use_memo(lambda: stage.current.frame(), [stage])
    frame = solara.use_reactive(first)
    solara.use_effect(lambda: frame.set(first), [first])  # a new pair: show its first frame
    speed = solara.use_reactive(speed_default)
    picked = solara.use_reactive(tuple(scenarios))
    seed = solara.use_reactive(stage.current.seed)
    message = solara.use_reactive("")
    playing = use_player(stage, frame, speed, key=stage)

    def step() -> None:
        frame.set(stage.current.advance(1))

    def reset() -> None:
        playing.set(False)
        try:
            pair = stage.load(lambda: Pair(tuple(picked.value), seed=check_seed(seed.value)))
        except InputError as exc:
            message.set(exc.render())
            return
        message.set("")
        frame.set(pair.frame())

    f = frame.value
    with solara.Column(classes=["lc-compare-view"]):
        with solara.Row(gap="4px", style={"flex-wrap": "wrap", "align-items": "center"}):
            PlayButtons(playing, f.running, step, step_classes=["lc-compare-step"])
            solara.Button("Reset", icon_name="mdi-restart", on_click=reset)
            SpeedSelect(speed, style={"max-width": "200px"})
            solara.Text(f"same seed: {f.seed}, same day, two scenarios", style={"color": "#555"})
        if choose:
            with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
                names = scenario_names()
                for i in range(2):
                    solara.Select(
                        label=f"City {i + 1} (applies on Reset)",
                        values=names,
                        value=picked.value[i],
                        on_value=lambda v, i=i: picked.set(
                            tuple(v if j == i else picked.value[j] for j in range(2))
                        ),
                        style={"max-width": "260px"},
                    )
                solara.InputInt("Seed", value=seed.value, on_value=lambda v: seed.set(int(v or 0)))
                if seed_problem(seed.value):
                    solara.Error(seed_problem(seed.value), dense=True, classes=["lc-seed"])
        if message.value:
            solara.Error(message.value, dense=True)
        CompareMaps(f, big=big)

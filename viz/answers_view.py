"""Explore's first screen, the answers: both questions in a line each, and the thesis chart.

The chart stands one click from the map (a toggle in the map's place, so neither needs a scroll).

The tour's thesis chapter uses the same toggle and opens on the chart.
"""

from __future__ import annotations

import solara

from .session import Frame

#: What the panel beside the text shows: the map, or the thesis chart (one click apart).
VIEWS = ["Map", "Moon or Earth chart"]


@solara.component
def ViewToggle(view: solara.Reactive[str]) -> None:
    """The map or the thesis chart in the same place: a toggle, so neither needs a scroll."""
    solara.ToggleButtonsSingle(
        value=view.value, values=VIEWS, on_value=view.set, dense=True, classes=["lc-view"]
    )


@solara.component
def ThesisBeside(frame: Frame) -> None:
    """The thesis chart where the map stands, with its sentence under it."""
    solara.Image(frame.charts["thesis"], width="100%", classes=["lc-thesis-beside"])
    if frame.thesis:
        solara.Text(frame.thesis, classes=["lc-thesis-beside-caption"])


@solara.component
def Answers(frame: Frame) -> None:
    """Both questions answered for this run, one line each (words from :func:`.words.answers`)."""
    city, moon = frame.answers
    with solara.Column(gap="0px", classes=["lc-answers"]):
        solara.Text(city, classes=["lc-answer-city"], style={"font-weight": "bold"})
        solara.Text(moon, classes=["lc-answer-moon"], style={"font-weight": "bold"})

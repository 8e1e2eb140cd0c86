"""Explore's inspector: the card of the machine picked on the map, and the newest machines.

A click on the map (or a button in the list of the newest) rings a machine on the next frames;
its card says what it is, its age, health, job, who built it and its output, in plain words.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara

from . import words
from .session import Frame, Session


@solara.component
def UnitCard(info: dict[str, Any] | None, note: str = "") -> None:
    """The inspected unit's card: what it is, its age, health, job, who built it, its output."""
    with solara.Column(classes=["lc-card", "lc-inspector"], gap="2px"):
        if info is None:
            solara.Text(
                note or "Click on the map to inspect the nearest machine.",
                style={"color": "#555"},
                classes=["lc-inspect-note"],
            )
            return
        solara.Text(
            f"{words.kind_one(info['kind'])} #{info['id']}",
            style={"font-weight": "bold", "font-size": "1.1em"},
        )
        rows = [
            ("where (cell)", info.get("pos")),
            ("age", f"{info.get('age_days')} days (built day {info.get('birth_day')})"),
            ("health", info.get("health")),
            ("doing", info.get("task")),
            (
                "built by",
                "landed from Earth"
                if info.get("builder") is None
                else f"machine #{info.get('builder')}",
            ),
            ("output", info.get("output")),
        ]
        solara.HTML(
            tag="table",
            unsafe_innerHTML="".join(
                f"<tr><td style='padding-right:10px;color:#555'>{k}</td>"
                f"<td>{html.escape(str(v))}</td></tr>"
                for k, v in rows
                if v is not None and v != ""
            ),
            classes=["lc-unit"],
        )


@solara.component
def NewestUnits(session: Session, frame: Frame, on_pick: Callable[[int], None]) -> None:
    """The newest units, as buttons: another way to choose one to inspect."""
    kind = solara.use_reactive("all")
    # The list shows plain names (the internal kind is what the table is asked for).
    names = {"all": "all", **{words.kind(k): k for k, _, n in frame.legend if n}}
    with solara.Column(gap="2px"):
        solara.Select(
            label="Newest machines of kind",
            values=list(names),
            value=kind.value if kind.value in names else "all",
            on_value=kind.set,
            dense=True,
            classes=["lc-newest-kind"],
        )
        chosen = names.get(kind.value, "all")
        table = session.unit_table(None if chosen == "all" else chosen, limit=12)
        with solara.Row(style={"flex-wrap": "wrap"}, gap="2px"):
            for row in table:
                solara.Button(
                    f"#{row['id']} {words.kind(row['kind'])}",
                    small=True,
                    text=True,
                    on_click=lambda r=row: on_pick(int(r["id"])),
                    classes=["lc-unit-row"],
                )

"""The exports' buttons that need more than a download: the GIF's progress, the CSV's guide.

Recording a GIF replays the run from day 0 (18 s for a long run), so the button says how far
it has got; the CSV comes with a guide to its columns (plain name, unit, meaning) from
:data:`.words.COLUMNS`, the data dictionary docs/COLUMNS.md is written from.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from . import words
from .session import Session


def columns_guide(session: Session) -> str:
    """The guide to the session's daily table: each column's plain name, unit and meaning."""
    with session.lock:
        names = session.model.daily().columns
    return words.columns_guide(names)


@solara.component
def RecordGif(record: Callable[..., bytes], filename: str) -> None:
    """The Record button, with the replay's progress in words and a bar while the GIF is made.

    Args:
        record: Makes the GIF; takes ``progress=(days done, days to do)``.
        filename: The download's name.
    """
    done = solara.use_reactive(-1)

    def make() -> bytes:
        shown = [-1]

        def progress(day: int, total: int) -> None:
            pct = int(100 * day / max(1, total))
            if pct >= shown[0] + 2:  # every 2 %: a message per day would flood the page
                shown[0] = pct
                done.set(pct)

        done.set(0)
        try:
            return record(progress=progress)
        finally:
            done.set(-1)

    data = solara.use_memo(lambda: make, [record])  # one identity: FileDownload keys on it
    with solara.Column(gap="0px", classes=["lc-record"]):
        solara.FileDownload(data, filename=filename, label="Record (GIF)", mime_type="image/gif")
        if done.value >= 0:
            solara.Text(f"Recording: {done.value} %", classes=["lc-record-progress"])
            solara.ProgressLinear(value=done.value)

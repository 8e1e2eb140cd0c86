"""The app's six time charts, redrawn every frame from the model's recorder.

Drawn with :mod:`.plot` (Pillow), a few milliseconds a chart at any city size: the series are
thinned to at most ``MAX_POINTS`` points, keeping every day of the last two lunar months so the
night shows in the power chart. The dashed line on every time axis is the target's horizon (ten
years in the brief).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lunarcity.constants import DAYS_PER_YEAR
from lunarcity.render import kind_colours

from .plot import Series, line_chart

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

MAX_POINTS = 700

#: Chart name -> title, in the order the app shows them.
CHARTS = {
    "units": "Units in service by kind",
    "mass": "Industrial mass (t)",
    "power": "Power: supply and demand (MW, daily mean)",
    "closure": "Closure (local share of hardware)",
    "imports": "Earth imports (t, cumulative)",
    "launches": "Satellites launched, compute in orbit",
}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _thin(n: int) -> np.ndarray:
    """Row indices to plot: every day of the last 60, evenly thinned before that."""
    if n <= MAX_POINTS:
        return np.arange(n)
    tail = 60
    head = np.linspace(0, n - tail - 1, MAX_POINTS - tail).astype(np.int64)
    return np.unique(np.concatenate([head, np.arange(n - tail, n)]))


class Charts:
    """The six time charts of one model.

    Args:
        model: The city whose recorder the charts read.
        width, height: Size of each chart in pixels.
    """

    def __init__(self, model: LunarCity, width: int = 420, height: int = 230) -> None:
        self.model = model
        self.width, self.height = width, height
        self.kinds = list(model.recorder.kinds)
        colours = kind_colours(list(model.agent_kinds))
        # White (the rail's map colour) does not show on a white chart.
        self.colours = {
            k: ("#555555" if c == (255, 255, 255) else _hex(c)) for k, c in colours.items()
        }
        self.horizon_years = model.recorder.horizon_day / DAYS_PER_YEAR

    def pngs(self, log_units: bool = False) -> dict[str, bytes]:
        """Every chart at the model's current day, as PNG bytes by name (see :data:`CHARTS`)."""
        rec = self.model.recorder
        n = rec.n
        idx = _thin(n)
        x = rec.i["day"][:n][idx] / DAYS_PER_YEAR
        xmax = max(self.horizon_years * 1.05, float(x[-1]) if len(x) else 0.0, 0.5)
        f, i = rec.f, rec.i
        common = {
            "xmax": xmax,
            "vline": self.horizon_years,
            "width": self.width,
            "height": self.height,
        }
        units = [
            Series("", self.colours.get(k, "#888888"), rec.by_kind[:n, j][idx].astype(float))
            for j, k in enumerate(self.kinds)
        ]
        return {
            "units": line_chart(
                CHARTS["units"] + (" (log)" if log_units else ""),
                x,
                units,
                log=log_units,
                legend=False,
                **common,
            ),
            "mass": line_chart(
                CHARTS["mass"],
                x,
                [Series("", "#d62728", f["industrial_mass_t"][:n][idx], width=2)],
                legend=False,
                **common,
            ),
            "power": line_chart(
                CHARTS["power"],
                x,
                [
                    Series("generated", "#1f77b4", f["generated_mwh"][:n][idx] / 24.0),
                    Series("demand", "#ff7f0e", f["demand_mwh"][:n][idx] / 24.0),
                    Series("served", "#2ca02c", f["served_mwh"][:n][idx] / 24.0, width=1),
                ],
                **common,
            ),
            "closure": line_chart(
                CHARTS["closure"],
                x,
                [
                    Series("flow (last 365 d)", "#2ca02c", f["closure"][:n][idx], width=2),
                    Series("stock", "#9467bd", f["stock_closure"][:n][idx]),
                ],
                ylim=(0.0, 1.02),
                **common,
            ),
            "imports": line_chart(
                CHARTS["imports"],
                x,
                [Series("", "#8c564b", f["earth_imported_t"][:n][idx], width=2)],
                legend=False,
                **common,
            ),
            "launches": line_chart(
                CHARTS["launches"],
                x,
                [
                    Series(
                        "satellites launched",
                        "#17becf",
                        i["satellites_launched"][:n][idx].astype(float),
                        width=2,
                    ),
                    Series(
                        "compute in orbit (MW, right)",
                        "#e377c2",
                        f["compute_in_orbit_kw"][:n][idx] / 1000.0,
                        right=True,
                    ),
                ],
                right_label="MW",
                **common,
            ),
        }

    def close(self) -> None:
        """Nothing to release (kept so a session can drop its charts the same way always)."""

"""The app's seven time charts, redrawn every frame from the model's recorder.

Drawn with :mod:`.plot` (Pillow), a few milliseconds a chart at any city size: the series are
thinned to at most ``MAX_POINTS`` points, keeping every day of the last two lunar months so the
night shows in the power chart. The dashed line on six of the time axes is the target's horizon
(ten years in the brief); on the thesis chart it is the break-even day, when there is one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from lunarcity.constants import DAYS_PER_YEAR, KW_PER_MW
from lunarcity.show.render import kind_colours
from lunarcity.space.earth_ledger import breakeven_day

from . import words
from .plot import Series, line_chart

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

MAX_POINTS = 700

#: Chart name -> title, in the order the app shows them (plain words; units in brackets).
CHARTS = {
    "units": "Machines working, by kind",
    "mass": "Mass of machines on the Moon (t)",
    "power": "Electricity: made, needed, not served (MW)",
    "closure": "Share of new hardware made on the Moon",
    "imports": "Sent from Earth so far (t)",
    "launches": "Satellites launched, computers in space",
    "thesis": "Earth-lifted kg per kW of computers delivered (log)",
}

#: The thesis chart's lines: (label, colour), the lunar route's cumulative and trailing-year
#: figures and the direct route's.
THESIS_LINES = {
    "lunar": ("from the Moon, all so far", "#d62728"),
    "marginal": ("from the Moon, the last year", "#ff9896"),
    "direct": ("launched from Earth", "#1f77b4"),
}


@dataclass(frozen=True)
class ThesisData:
    """What the thesis chart draws: Earth-lifted kg per kW delivered by each route, by day.

    Attributes:
        day: Day of each row.
        lunar: The lunar route's cumulative kg per kW (all Earth-lifted mass since day 0, the
            seed included, over compute delivered); NaN while nothing has been delivered.
        marginal: The Earth kg the lunar route lifted over the trailing year per kW delivered
            in it; NaN while that year delivered nothing.
        direct: The direct route's kg per kW (Earth-built satellites and their stages);
            NaN while nothing has been delivered.
        breakeven_day: The first day the lunar figure is at or below the direct one, or None.
    """

    day: np.ndarray
    lunar: np.ndarray
    marginal: np.ndarray
    direct: np.ndarray
    breakeven_day: int | None

    @property
    def delivered(self) -> bool:
        """Whether any compute has been delivered (a per-kW figure exists)."""
        return bool(np.isfinite(self.lunar).any())


def thesis_data(ledger: pl.DataFrame) -> ThesisData:
    """The thesis chart's series from a run's Earth ledger (lunarcity/space/earth_ledger.py).

    Args:
        ledger: Daily rows with ``day``, ``earth_kg_per_kw``, ``earth_kg_per_kw_marginal`` and
            ``direct_earth_kg_per_kw`` (the model's daily table, or ``recorder.ledger()``).
    """

    def column(name: str) -> np.ndarray:
        return ledger[name].cast(pl.Float64).fill_null(math.nan).to_numpy()

    return ThesisData(
        day=ledger["day"].to_numpy(),
        lunar=column("earth_kg_per_kw"),
        marginal=column("earth_kg_per_kw_marginal"),
        direct=column("direct_earth_kg_per_kw"),
        breakeven_day=breakeven_day(ledger),
    )


def thesis_png(
    data: ThesisData,
    *,
    running: bool,
    xmax: float | None = None,
    idx: np.ndarray | None = None,
    width: int = 440,
    height: int = 250,
) -> bytes:
    """The thesis chart: both routes' kg per kW on a log axis, the break-even day marked.

    Without a break-even, the chart says so in words at its top left: "not yet" while the run
    goes on, "never in this run" once it has ended.

    Args:
        data: The series (:func:`thesis_data`).
        running: Whether the run goes on.
        xmax: Right end of the time axis in years (default: the run so far and a bit more).
        idx: Rows to draw (default: all).
        width: Width in pixels.
        height: Height in pixels.
    """
    idx = np.arange(len(data.day)) if idx is None else idx
    x = data.day[idx] / DAYS_PER_YEAR
    if xmax is None:
        xmax = time_axis(float(x[-1]) if len(x) else 0.0, 0.0)
    series = [
        Series(THESIS_LINES[key][0], THESIS_LINES[key][1], values[idx], width=w, dashed=dashed)
        for key, values, w, dashed in (
            ("lunar", data.lunar, 2.5, False),
            ("marginal", data.marginal, 1.5, True),
            ("direct", data.direct, 2.5, False),
        )
    ]
    finite = np.concatenate([s.y[np.isfinite(s.y) & (s.y > 0)] for s in series])
    # Whole decades from the lowest figure to the highest: the routes differ by orders of
    # magnitude, and a log axis from 1 kg would leave the chart's lower half empty.
    lo = 10.0 ** math.floor(math.log10(finite.min())) if len(finite) else 1.0
    hi = max(float(finite.max()) * 1.6, lo * 10.0) if len(finite) else 10.0
    day = data.breakeven_day
    if day is not None:
        mark, label, note = day / DAYS_PER_YEAR, f"break-even: day {day:,}", ""
    else:
        mark, label = None, ""
        when = "not yet" if running else "never in this run"
        note = f"break-even: {when}" if data.delivered else "nothing delivered yet"
    return line_chart(
        CHARTS["thesis"],
        x,
        series,
        xmax=xmax,
        vline=mark,
        vline_label=label,
        note=note,
        log=True,
        ylim=(lo, hi),
        width=width,
        height=height,
    )


def time_axis(day_years: float, horizon_years: float) -> float:
    """The right end of the time axis: the run so far and a bit more, never the whole horizon.

    A new run fills the chart instead of being a sliver on the left; the horizon's dashed line
    appears once the run nears it (an arrow at the edge says where it is until then).
    """
    return max(0.25, day_years * 1.15)


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
    """The seven time charts of one model.

    Args:
        model: The city whose recorder the charts read.
        width, height: Size of each chart in pixels.
    """

    def __init__(self, model: LunarCity, width: int = 440, height: int = 250) -> None:
        self.model = model
        self.width, self.height = width, height
        self.kinds = list(model.recorder.kinds)
        colours = kind_colours(list(model.agent_kinds))
        # White (the rail's map colour) does not show on a white chart.
        self.colours = {
            k: ("#555555" if c == (255, 255, 255) else _hex(c)) for k, c in colours.items()
        }
        self.horizon_years = model.recorder.horizon_day / DAYS_PER_YEAR
        self.horizon_label = f"{model.params.target.horizon_years:g}-year target"

    def pngs(self, log_units: bool = False) -> dict[str, bytes]:
        """Every chart at the model's current day, as PNG bytes by name (see :data:`CHARTS`)."""
        rec = self.model.recorder
        n = rec.n
        idx = _thin(n)
        x = rec.i["day"][:n][idx] / DAYS_PER_YEAR
        xmax = time_axis(float(x[-1]) if len(x) else 0.0, self.horizon_years)
        f, i = rec.f, rec.i
        common = {
            "xmax": xmax,
            "vline": self.horizon_years,
            "vline_label": self.horizon_label,
            "width": self.width,
            "height": self.height,
        }
        units = [
            Series(
                words.kind(k),
                self.colours.get(k, "#888888"),
                rec.by_kind[:n, j][idx].astype(float),
                width=2,
            )
            for j, k in enumerate(self.kinds)
            if n and rec.by_kind[n - 1, j] > 0  # the legend lists the kinds at work now
        ]
        return {
            "units": line_chart(
                CHARTS["units"] + (" (log)" if log_units else ""),
                x,
                units,
                log=log_units,
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
                    Series(
                        "not served",
                        "#d62728",
                        f["demand_mwh"][:n][idx] / 24.0,
                        base=f["served_mwh"][:n][idx] / 24.0,
                    ),
                    # Made drawn wide and needed thin on top: where they agree both still show.
                    Series("made", "#1f77b4", f["generated_mwh"][:n][idx] / 24.0, width=4),
                    Series("needed", "#ff7f0e", f["demand_mwh"][:n][idx] / 24.0, width=1.5),
                ],
                **common,
            ),
            "closure": line_chart(
                CHARTS["closure"],
                x,
                [
                    Series("made in the last year", "#2ca02c", f["closure"][:n][idx], width=2),
                    Series(
                        "all machines", "#9467bd", f["stock_closure"][:n][idx], width=2, dashed=True
                    ),
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
                        "satellites (left)",
                        "#17becf",
                        i["satellites_launched"][:n][idx].astype(float),
                        width=2,
                    ),
                    Series(
                        "computers in space (MW, right)",
                        "#e377c2",
                        f["compute_in_orbit_kw"][:n][idx] / KW_PER_MW,
                        right=True,
                    ),
                ],
                right_label="MW",
                **common,
            ),
            "thesis": thesis_png(
                thesis_data(rec.ledger()),
                running=bool(self.model.running),
                xmax=xmax,
                idx=idx,
                width=self.width,
                height=self.height,
            ),
        }

    def close(self) -> None:
        """Nothing to release (kept so a session can drop its charts the same way always)."""

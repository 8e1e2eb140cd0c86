"""Each preset against every figure of its study, over the study's whole horizon.

A preset is judged on its study's trajectory, not one point: AASM80's factory at calendar years
2, 4, 10 and 20; M13's minimum case at 20 years with what it landed; LW95's doubling over ten
years; the ten-year city with what Earth landed and with the self-sufficiency experiment beside
it. :func:`preset_table` runs them (seed 1) and writes the Markdown table that docs/MODEL.md
carries between its ``presets`` markers; ``python docs/generate.py`` rewrites that section and a
test fails when the committed text differs from what the code now gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from lunarcity.constants import DAYS_PER_YEAR, T_PER_KT
from lunarcity.results.target import part_spans
from lunarcity.runner import run


@dataclass(frozen=True)
class Figure:
    """One published figure and the model's value for it.

    Attributes:
        preset: The preset that represents the study.
        figure: What the study reports, with its source key.
        study: The study's value, as printed.
        model: The model's value, as printed.
        ratio: model / study where both are numbers, else None.
    """

    preset: str
    figure: str
    study: str
    model: str
    ratio: float | None


def _at(daily: pl.DataFrame, column: str, year: float) -> float:
    day = min(int(round(year * DAYS_PER_YEAR)), daily.height - 1)
    return float(daily[column][day])


def _t(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f} t"


def _ratio(model: float | None, study: float) -> float | None:
    return None if model is None or study == 0 else model / study


def _not_met(s: dict[str, Any]) -> str:
    """'not met', with when each part held if every part held at some time but never together."""
    block = s["target"]
    if all(p["first_day"] is not None for p in block["parts"].values()):
        return f"not met: never all at once ({part_spans(block)})"
    return "not met"


def _ten_year_city() -> list[Figure]:
    p = "ten_year_city"
    res = run(p, seed=1, years=10)
    s = res.summary
    out = [
        Figure(
            p,
            "SX26: a self-growing city in under 10 years (target parts ours)",
            "< 10 years",
            f"year {s['years_to_target']:.1f}" if s["target_met"] else _not_met(s),
            _ratio(s["years_to_target"], 10.0) if s["target_met"] else None,
        ),
        Figure(
            p,
            "M13 fast case: assets per tonne landed (40,000 t from 41 t)",
            "~1,000",
            f"{s['assets_per_tonne_landed']:.1f} at year 10 "
            f"({s['industrial_mass_t']:,.0f} t from {s['earth_imported_t']:,.0f} t landed)",
            _ratio(s["assets_per_tonne_landed"], 40_000 / 41),
        ),
    ]
    ended = run(p, seed=1, sets=("earth.until_years=4",)).summary
    stop = ended["self_sufficiency"]
    after = stop["doubling_time_years_after_run_out"]
    if stop["kept_growing"]:
        growth = f"kept growing over its last year (doubling every {after:.1f} years)"
    elif stop["kept_growing"] is None:
        growth = "the run ends too soon after to measure growth over a year"
    else:
        growth = f"growth stopped on day {stop['growth_stopped_day']:,}"
    ran_out = (
        f"Earth-only stock ran out by day {stop['last_ran_out_day']:,}"
        if stop["last_ran_out_day"] is not None
        else "Earth-only stock still held at the end"
    )
    out.append(
        Figure(
            p,
            "Experiment: Earth stops at year 4 (`--set earth.until_years=4`); keeps growing?",
            "self-growing",
            f"{_t(stop['industrial_mass_t_at_stop'])} at year 4, "
            f"{_t(stop['industrial_mass_t_at_end'])} at year "
            f"{ended['days_simulated'] / DAYS_PER_YEAR:.0f}; {ran_out}; {growth}",
            None,
        )
    )
    return out


def _aasm1980() -> list[Figure]:
    p = "aasm1980_lmf"
    res = run(p, seed=1, years=20)
    d, s = res.daily, res.summary
    out = []
    # AASM80 tab 5.2: N = 2^(T-1) seeds of 100 t in working year T, two calendar years each.
    for year in (2, 4, 10, 20):
        working = year // 2
        study = 100.0 * 2 ** (working - 1)
        model = _at(d, "industrial_mass_t", year)
        out.append(
            Figure(
                p,
                f"AASM80 tab 5.2: mass at calendar year {year} (working year {working})",
                _t(study),
                _t(model),
                _ratio(model, study),
            )
        )
    # The study's law doubles every working year, two calendar years: the model's doubling
    # time over calendar years 10-20, away from the seed's start-up.
    m10, m20 = _at(d, "industrial_mass_t", 10), _at(d, "industrial_mass_t", 20)
    doubling = 10.0 / math.log2(m20 / m10) if m20 > m10 > 0 else None
    out.append(
        Figure(
            p,
            "AASM80 tab 5.2: doubling time, calendar years 10-20",
            "2 years",
            "no growth" if doubling is None else f"{doubling:.2f} years",
            _ratio(doubling, 2.0),
        )
    )
    seed_t = float(d["earth_imported_t"][0])
    made = s["industrial_mass_t"] - float(d["industrial_mass_t"][0])
    share = (s["earth_imported_t"] - seed_t) / made if made > 0 else None
    out.append(
        Figure(
            p,
            "AASM80 5.3.6-7: vitamins landed, share of the mass made",
            "4-10 %",
            "-" if share is None else f"{100 * share:.1f} %",
            _ratio(share, 0.07),
        )
    )
    return out


def _metzger2013() -> list[Figure]:
    p = "metzger2013"
    s = run(p, seed=1, years=20).summary
    return [
        Figure(
            p,
            "M13 minimum case: assets at ~20 years",
            "156 t",
            _t(s["industrial_mass_t"]),
            _ratio(s["industrial_mass_t"], 156.0),
        ),
        Figure(
            p,
            "M13 minimum case: landed in all over ~20 years, seed included",
            "12 t",
            _t(s["earth_imported_t"]),
            _ratio(s["earth_imported_t"], 12.0),
        ),
        Figure(
            p,
            "M13 minimum case: assets per tonne landed",
            "13",
            f"{s['assets_per_tonne_landed']:.1f}",
            _ratio(s["assets_per_tonne_landed"], 156.0 / 12.0),
        ),
    ]


def _doubling_rows(p: str, daily: pl.DataFrame, label: str) -> list[Figure]:
    """LW95's two figures (best trailing-year doubling, growth over ten years) for one run."""
    mass = daily["industrial_mass_t"].to_list()
    growth = mass[-1] / mass[0] if mass[0] > 0 else None
    doubling = daily["doubling_time_years"].to_list()
    best = min((x for x in doubling[366:] if math.isfinite(x)), default=None)
    return [
        Figure(
            p,
            f"LW95: doubling time (best trailing year, years 1-10){label}",
            "~0.5 years",
            "no doubling" if best is None else f"{best:.2f} years",
            _ratio(best, 0.5),
        ),
        Figure(
            p,
            f"LW95: growth over ten years at a 6-month doubling{label}",
            "x 10^6",
            "-" if growth is None else f"x {growth:,.1f}",
            _ratio(growth, 2.0**20),
        ),
    ]


#: LW95's auxons land nothing; under our chemistry aluminium needs Earth-made salt and anodes,
#: so the same auxons are also run with landers bringing only those (the doubling they reach
#: when the one thing they cannot make is supplied).
AUXON_SUPPLIED = ("earth.imports=true", "earth.vitamins_only=true")


def _auxon_lw95() -> list[Figure]:
    p = "auxon_lw95"
    rows = _doubling_rows(p, run(p, seed=1, years=10).daily, " (as LW95: nothing landed)")
    supplied = run(p, seed=1, years=10, sets=AUXON_SUPPLIED)
    landed = supplied.summary["earth_imported_t"] - float(supplied.daily["earth_imported_t"][0])
    label = (
        " (experiment: `--set " + " --set ".join(AUXON_SUPPLIED) + "`, "
        f"{landed:,.0f} t of salt and anodes landed)"
    )
    return rows + _doubling_rows(p, supplied.daily, label)


def figures() -> list[Figure]:
    """Every preset's figures against its study (runs every preset; about a minute)."""
    return [*_ten_year_city(), *_aasm1980(), *_metzger2013(), *_auxon_lw95()]


def preset_table(rows: list[Figure] | None = None) -> str:
    """The Markdown table of :func:`figures`."""
    rows = figures() if rows is None else rows
    lines = [
        "| preset | the study's figure | study | model (seed 1) | model / study |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.3g}"
        lines.append(f"| `{r.preset}` | {r.figure} | {r.study} | {r.model} | {ratio} |")
    return "\n".join(lines) + "\n"


BEGIN, END = (
    "<!-- presets:begin (generated by docs/generate.py; do not edit) -->",
    "<!-- presets:end -->",
)


def markers(name: str) -> tuple[str, str]:
    """The begin and end markers of the generated section ``name``."""
    return (
        f"<!-- {name}:begin (generated by docs/generate.py; do not edit) -->",
        f"<!-- {name}:end -->",
    )


def replace_section(text: str, table: str, name: str = "presets") -> str:
    """``text`` with the part between the markers of section ``name`` replaced by ``table``.

    Raises:
        ValueError: the markers are missing.
    """
    begin, end = markers(name)
    a, b = text.find(begin), text.find(end)
    if a < 0 or b < a:
        raise ValueError(f"markers not found: {begin} ... {end}")
    return text[: a + len(begin)] + "\n" + table + text[b:]


#: The switches that are off by default, each as the overrides that turn it on (seed 1).
SWITCHES: dict[str, dict[str, Any]] = {
    "as shipped": {},
    "learning, progress ratio 0.8": {"learning__progress_ratio": 0.8},
    "learning, progress ratio 0.9": {"learning__progress_ratio": 0.9},
    "generations on": {"generations__enabled": True},
}


def switches_table(preset: str = "ten_year_city") -> str:
    """The Markdown table of ``preset`` with each off-by-default switch turned on (seed 1)."""
    lines = [
        "| setting | industrial mass, year 1 | year 10 | target met | days power-bound |",
        "|---|---|---|---|---|",
    ]
    for label, overrides in SWITCHES.items():
        result = run(preset, seed=1, **overrides)
        daily = result.daily
        year1, year10 = _at(daily, "industrial_mass_t", 1), _at(daily, "industrial_mass_t", 10)
        day = result.summary.get("target_day")
        met = "no" if day is None else f"year {day / DAYS_PER_YEAR:.2f}"
        power = int((daily["bottleneck"] == "power").sum())
        lines.append(
            f"| {label} | {year1 / T_PER_KT:,.1f} kt | {year10 / T_PER_KT:,.1f} kt | {met} | {power:,} |"
        )
    return "\n".join(lines) + "\n"


def as_dict(rows: list[Figure]) -> list[dict[str, Any]]:
    """The figures as plain dicts (for JSON)."""
    return [r.__dict__ for r in rows]

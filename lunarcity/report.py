"""The run's words: the headline and the summary's lines, beside the summary they describe.

The command line, the app, the recordings and the notebooks all say the same thing about a run
(complete on day N or not, and what held it back); it is written once, here, from the summary
dict of :meth:`lunarcity.metrics.Recorder.summary`, so every front end reads the model's layer
rather than one another.
"""

from __future__ import annotations

from typing import Any

from lunarcity.constants import DAYS_PER_YEAR


def headline(s: dict[str, Any]) -> str:
    """One line: complete on day N (year Y), or not, and what held it back.

    Args:
        s: A run's summary (:meth:`lunarcity.model.LunarCity.summary`).
    """
    horizon = s["horizon_years"]
    if s["target_met"]:
        return (
            f"City complete on day {s['target_day']} (year {s['years_to_target']:.1f}), "
            f"within {horizon:g} years."
        )
    years = s["days_simulated"] / DAYS_PER_YEAR
    if years < horizon - 1e-9:
        return (
            f"Not complete after {years:.1f} years (horizon {horizon:g}): "
            f"held back by {s['bottleneck']}."
        )
    return f"Not complete in {horizon:g} years: held back by {s['bottleneck']}."


def earth_line(s: dict[str, Any]) -> str:
    """The line under the headline: how much Earth landed, and what followed when it stopped.

    An Earth-fed city is never called self-growing: the line says how much was landed (and the
    assets per tonne landed) and, when the scenario stops the landers
    (``earth.until_years``), whether the city kept growing once its Earth-only stocks ran out.

    Args:
        s: A run's summary (:meth:`lunarcity.model.LunarCity.summary`).
    """
    line = f"Landed from Earth: {s['earth_imported_t']:,.0f} t" + (
        f" ({s['assets_per_tonne_landed']:.1f} t of assets per tonne landed)."
        if s.get("assets_per_tonne_landed") is not None
        else "."
    )
    ss = s.get("self_sufficiency")
    if not ss and s["earth_imported_t"] <= 0:
        # Nothing landed (imports off, or no lander came): the city had only its seed.
        return line + " No lander brought anything: the city had only its seed."
    if not ss:
        return line + " Earth supplied it throughout: this is an Earth-fed city."
    stop = f"Earth stopped at year {ss['until_years']:g}"
    if ss["ran_out_day"] is None:
        return line + f" {stop}; its Earth-only stocks had not run out by the end."
    if ss["kept_growing_after_run_out"]:
        return line + (
            f" {stop}; Earth-only stocks ran out on day {ss['ran_out_day']} and the city kept "
            f"growing (doubling every {ss['doubling_time_years_after_run_out']:.1f} years)."
        )
    return (
        line + f" {stop}; Earth-only stocks ran out on day {ss['ran_out_day']} and growth stopped."
    )


def day_and_year(day: int | None) -> str:
    """A day as people read it, ``"1234 (year 3.4)"``, or ``"-"`` when it never came."""
    return "-" if day is None else f"{day} (year {day / DAYS_PER_YEAR:.1f})"


def target_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    """(part, the day it was met) for each part of the target, in the scenario's order."""
    return [(name, day_and_year(day)) for name, day in s["target_parts"].items()]


def end_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    """(measure, value) lines describing the city at the end of the run."""
    rows = [(f"units: {kind}", f"{n:,}") for kind, n in s["units"].items() if n]
    rows += [
        ("industrial mass", f"{s['industrial_mass_t']:,.0f} t"),
        ("power installed", f"{s['power_mw']:,.1f} MW"),
        ("closure (flow, last 365 d)", f"{s['closure']:.3f}"),
        ("stock closure", f"{s['stock_closure']:.3f}"),
        ("Earth mass imported", f"{s['earth_imported_t']:,.0f} t"),
        ("mass launched", f"{s['launched_t']:,.0f} t"),
        ("satellites launched", f"{s['satellites_launched']:,}"),
        ("compute in orbit", f"{s['compute_in_orbit_kw'] / 1000:,.1f} MW"),
        ("rail / needed", f"{s['rail_length_m']:,.0f} / {s['track_needed_m']:,.0f} m"),
        ("bound most days by", s["bottleneck"]),
        ("assets per tonne landed", f"{s.get('assets_per_tonne_landed') or 0:,.1f}"),
        ("regolith mined", f"{s.get('regolith_mined_t', 0):,.0f} t"),
        (
            "oxygen made / vented",
            f"{s.get('oxygen_made_t', 0):,.0f} / {s.get('oxygen_vented_t', 0):,.0f} t",
        ),
        ("mass ledger error", f"{s['mass_balance_rel_error']:.1e}"),
        ("element ledger error", f"{s.get('element_balance_rel_error', 0):.1e}"),
        ("energy ledger error", f"{s['energy_balance_rel_error']:.1e}"),
    ]
    if s.get("satellite_cap_per_year_from_chips"):
        rows.append(
            ("satellite cap from chips", f"{s['satellite_cap_per_year_from_chips']:,.0f} /yr")
        )
    return rows


def thesis_line(s: dict[str, Any]) -> str:
    """One line on the thesis: Earth mass lifted per kW delivered, both routes, the break-even.

    Empty when the summary has no ``thesis`` block.
    """
    t = s.get("thesis")
    if not t:
        return ""
    where = t["destination"]
    if not t["compute_delivered_kw"]:
        return (
            f"Thesis ({where}): no compute delivered yet; Earth has lifted "
            f"{t['earth_lifted_t']:,.0f} t to LEO for the lunar route."
        )
    day = t["breakeven_day"]
    when = (
        f"break-even on day {day_and_year(day)}" if day is not None else "no break-even in the run"
    )
    return (
        f"Thesis ({where}): Earth lifted {t['earth_kg_per_kw']:,.0f} kg per kW delivered by the "
        f"lunar route (marginal {t['earth_kg_per_kw_marginal']:,.0f}) against "
        f"{t['direct_earth_kg_per_kw']:,.0f} launching from Earth; {when}."
    )

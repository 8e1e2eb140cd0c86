"""The run's words: the headline and the summary's lines, beside the summary they describe.

The command line, the app, the recordings and the notebooks all say the same thing about a run
(complete on day N or not, and what held it back); it is written once, here, from the summary
dict of :meth:`lunarcity.results.metrics.Recorder.summary`, so every front end reads the model's layer
rather than one another.
"""

from __future__ import annotations

import math
from typing import Any

from lunarcity.constants import DAYS_PER_YEAR, KG_PER_T, KW_PER_MW
from lunarcity.results.target import part_spans, state_words
from lunarcity.space.margin import verdict_clause


def headline(s: dict[str, Any]) -> str:
    """One line: complete on day N (year Y), or not, and why.

    Complete means every part held on the same day (lunarcity/results/target.py). When the parts held,
    but at different times, the line says when each held instead of naming a bottleneck:
    "never complete: closure held in years 4.3-5.1, launches from year 6.2". A run a rule
    stopped before its horizon (the summary's ``stopped_by``) says so at the end.

    Args:
        s: A run's summary (:meth:`lunarcity.model.LunarCity.summary`).
    """
    line = _outcome(s)
    if s.get("stopped_by") is None:
        return line
    return (
        f"{line} Stopped on day {s['days_simulated']:,}: {s['units_total']:,} units in service, "
        f"past {s['stopped_by']}."
    )


def _outcome(s: dict[str, Any]) -> str:
    """The headline's verdict: complete, or not and why (see :func:`headline`)."""
    horizon = s["horizon_years"]
    block = s.get("target")
    if s["target_met"]:
        line = (
            f"City complete on day {s['target_day']:,} (year {s['years_to_target']:.1f}), "
            f"within {horizon:g} years."
        )
        if block and not block["all_hold_at_end"]:
            line += (
                f" All parts held together on {block['days_all_held']:,} days; not at the end: "
                f"{part_spans(block)}."
            )
        return line
    years = s["days_simulated"] / DAYS_PER_YEAR
    if block is not None and not block["parts"]:  # a scenario that sets no target (the default)
        return (
            f"No target set (target.parts is empty): nothing to complete; ran {years:.1f} years, "
            f"held back by {s['bottleneck']}."
        )
    early = s["days_simulated"] < round(horizon * DAYS_PER_YEAR)  # the recorder's horizon day
    when = f"after {years:.1f} years (horizon {horizon:g})" if early else f"in {horizon:g} years"
    if (
        block
        and block["parts"]
        and all(p["first_day"] is not None for p in block["parts"].values())
    ):
        first = block["first_day_all_held"]
        if first is not None:  # together, but after the horizon or not for long enough
            return (
                f"Not complete {when}: all parts first held together on day {first:,} "
                f"(year {first / DAYS_PER_YEAR:.1f}), "
                + (
                    f"not for {block['sustain_days']:,} days running."
                    if first <= horizon * DAYS_PER_YEAR
                    else "after the horizon."
                )
            )
        lead = "Not complete yet" if early else "Never complete"
        return f"{lead} {when}: {part_spans(block)}."
    return f"Not complete {when}: held back by {s['bottleneck']}."


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
    if not ss and not s.get("landers_arrived", 1):  # the seed, then no lander (imports off)
        return line + " Only its seed came from Earth: no lander arrived after it."
    if not ss:
        return line + " Earth supplied it throughout: this is an Earth-fed city."
    stop = f"Earth stopped at year {ss['until_years']:g}"
    if ss["last_ran_out_day"] is not None:
        stop += f"; its Earth-only stocks ran out by day {ss['last_ran_out_day']:,}"
    if ss["earth_only_kg_at_end"]:
        still = ", ".join(
            f"{k.replace('_', ' ')} {v / KG_PER_T:,.0f} t"
            for k, v in ss["earth_only_kg_at_end"].items()
        )
        stop += f" (still held at the end: {still})"
    if ss["kept_growing"] is None:
        return line + f" {stop}; the run ends too soon after to measure growth over a year."
    if ss["kept_growing"]:
        return line + (
            f" {stop}, and the city kept growing over its last year: "
            f"{ss['growth_after_run_out_t_per_year']:,.0f} t/yr "
            f"(doubling every {ss['doubling_time_years_after_run_out']:.1f} years)."
        )
    stopped = ss["growth_stopped_day"]
    if stopped is None:  # the last day the mass rose: none, it never did
        return line + f" {stop}; its industrial mass never rose."
    return line + f" {stop}; growth stopped on day {stopped:,}: it did not grow over its last year."


def day_and_year(day: int | None) -> str:
    """A day as people read it, ``"1234 (year 3.4)"``, or ``"-"`` when it never came."""
    return "-" if day is None else f"{day} (year {day / DAYS_PER_YEAR:.1f})"


def target_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    """(part, its value against its goal and its state at the end), in the scenario's order.

    The state is one of lunarcity.results.target.PartState: holding now, held before (from day X to
    day Y) but not now, or not yet; never "met" beside a value below the goal.
    """
    rows = []
    for name, p in s["target"]["parts"].items():
        side = ">=" if p["goal_is_floor"] else "<="
        value = f"{_figure(p['value_at_end'])} ({side} {_figure(p['goal'])})"
        rows.append((name, f"{value}: {state_words(p)}"))
    return rows


def _figure(x: float | None) -> str:
    # An infinite value (a doubling time while nothing grows) becomes null on its trip through
    # JSON: both read "-", so a summary printed in the process and from its JSON say the same.
    if x is None or not math.isfinite(x):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


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
        ("compute in orbit", f"{s['compute_in_orbit_kw'] / KW_PER_MW:,.1f} MW"),
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
    verdict = verdict_clause(t)
    return (
        f"Thesis ({where}): Earth lifted {t['earth_kg_per_kw']:,.0f} kg per kW delivered by the "
        f"lunar route (one more satellite {t['marginal_steady']:,.0f}) against "
        f"{t['direct_earth_kg_per_kw']:,.0f} launching from Earth; over the run it {verdict}; "
        f"{t['margin_verdict']}."
    )

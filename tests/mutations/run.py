"""Break the model on purpose and check that the tests notice (mutation testing by hand).

Each mutation below is a text substitution in one file of a copy of the checkout (the package,
data/, models/, viz/ and tests/); the tests named for it are run against the copy
(``PYTHONPATH`` points at it) and one of them must fail **on an assertion**: a test's own
``assert`` (or ``pytest.raises`` / ``pytest.fail``) failing in a test file, read from pytest's
JUnit XML. A test that errors instead (an import, collection or fixture error, or an exception
from the mutated code) proves nothing about the physics it names, so it does not count. A pattern
that is no longer found is an error, not a pass: code moves, and a mutation that silently applies
nowhere proves nothing.

Usage::

    python tests/mutations/run.py            # every mutation; a table of caught / missed
    python tests/mutations/run.py -k launch  # those whose name contains "launch"
    python tests/mutations/run.py --check    # only that every pattern still matches (fast)

Exit status: 0 when every mutation is caught that way, 1 when one is missed (its named tests
pass, or fail only by errors), 2 when a pattern is not found or the unmutated tests do not all
run and pass (the table would mean nothing).

It is not part of the test suite (it takes a few minutes); run it after changing a submodel or
its tests, and update a pattern here when the code it names moves.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SUB = "tests/test_submodels.py"


@dataclass(frozen=True)
class Mutation:
    """One deliberate bug.

    Attributes:
        name: Short name (``-k`` matches it).
        what: What the bug does, for the table.
        file: File to change, relative to the checkout.
        edits: (regex, replacement) pairs; each regex must match at least once.
        tests: pytest node ids (or files) that must catch it.
    """

    name: str
    what: str
    file: str
    edits: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]


# -- the mutations: one row each; keep the patterns here, in one table ---------------------------
MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "launch_energy_doubled",
        "the /2 dropped from 1/2 m v^2 (launch energy doubled)",
        "lunarcity/stages/launch.py",
        ((r"\* v \* v / 2\.0 / md\.efficiency", "* v * v / md.efficiency"),),
        (
            f"{SUB}::test_launch_energy_is_half_m_v_squared_over_efficiency",
            "tests/test_app_teaching.py::test_mass_driver_figures_follow_the_formulas",
        ),
    ),
    Mutation(
        "marginal_without_the_kick_stage",
        "one more satellite's Earth-made kg leave its kick stage out of the economy's demand",
        "lunarcity/space/margin.py",
        ((r'if kick_kg > 0 and "kick_stage" in econ\.catalog\.items:', "if False:"),),
        (
            "tests/test_margin.py::test_heliocentric_steady_marginal_by_hand",
            "tests/test_margin.py::test_a_slow_mass_driver_leaves_the_shortfall_to_the_kick_stage",
        ),
    ),
    Mutation(
        "salt_limit_without_the_salt",
        "the salt make-up limit computed as if the chain used no calcium chloride",
        "lunarcity/space/margin.py",
        ((r"salt_kg = req\.imports\.get\(SALT_ITEM, 0\.0\)", "salt_kg = 0.0"),),
        ("tests/test_margin.py::test_heliocentric_steady_marginal_by_hand",),
    ),
    Mutation(
        "marginal_over_the_whole_run",
        "the marginal series reads the whole run, not the trailing year",
        "lunarcity/space/earth_ledger.py",
        (
            (
                r'start = np\.searchsorted\(day, day - DAYS_PER_YEAR, side="left"\)',
                "start = np.zeros(day.shape, dtype=int)",
            ),
        ),
        ("tests/test_earth_ledger.py::test_the_marginal_reads_the_trailing_year_only",),
    ),
    Mutation(
        "landers_every_11_days_in_preset",
        "ten_year_city's landers every 11 days instead of 10",
        "models/ten_year_city.yaml",
        ((r"lander_interval_days: 10\b", "lander_interval_days: 11"),),
        (f"{SUB}::test_landers_come_every_10_days_from_day_10_with_100_t_each",),
    ),
    Mutation(
        "landers_every_11_days_in_code",
        "the lander schedule one day longer than the scenario's interval",
        "lunarcity/stages/landers.py",
        (
            (
                r"first, interval = e\.first_lander_day, e\.lander_interval_days\b",
                "first, interval = e.first_lander_day, e.lander_interval_days + 1",
            ),
        ),
        (
            f"{SUB}::test_landers_come_every_10_days_from_day_10_with_100_t_each",
            f"{SUB}::test_lander_interval_and_payload_overrides_set_the_schedule",
        ),
    ),
    Mutation(
        "lander_payload_fixed",
        "every lander carries 100 t whatever the scenario says",
        "lunarcity/stages/landers.py",
        ((r"payload = e\.lander_payload_t \* KG_PER_T", "payload = 100.0 * 1000.0"),),
        (f"{SUB}::test_lander_interval_and_payload_overrides_set_the_schedule",),
    ),
    Mutation(
        "landers_never_lost",
        "lander failure probability ignored",
        "lunarcity/stages/landers.py",
        (
            (
                r"city\.rng\.random\(\) < e\.lander_failure_prob",
                "city.rng.random() < 0.0",
            ),
        ),
        (f"{SUB}::test_lost_landers_are_a_binomial_share_of_those_sent",),
    ),
    Mutation(
        "electrolysis_reduces_10pc_more_silicon",
        "reduction takes 10 % more silicon than its fraction says (more O2 and alloy per tonne)",
        "lunarcity/world/chemistry.py",
        (
            (
                r"kg = feed\.get\(element, 0\.0\) \* f\n",
                'kg = feed.get(element, 0.0) * f * (1.1 if element == "Si" else 1.0)\n',
            ),
        ),
        (
            f"{SUB}::test_electrolysis_recovers_each_element_by_hand",
            "tests/test_data.py::test_electrolysis_worked_by_hand_against_gz23",
        ),
    ),
    Mutation(
        "salt_reduction_takes_calcium_too",
        "recipes.yaml reduces the slag's CaO into the Al-Si alloy too (more alloy per t of slag)",
        "data/recipes.yaml",
        (
            (
                r"(\n(\s+)Ti: \{item: aluminium, fraction: 0\.9\})",
                r"\1\n\2Ca: {item: aluminium, fraction: 0.9}",
            ),
        ),
        (
            "tests/test_economy.py::test_bom_closure_of_known_units",
            "tests/test_data.py::test_aluminium_only_from_salt_reduction_with_earth_consumables",
        ),
    ),
    Mutation(
        "storage_round_trip_ignored_in_model",
        "the city's banks store all they charge (round trip 1, energy ledger still balanced)",
        "lunarcity/stages/contributions.py",
        ((r"rte = spec\.round_trip_efficiency", "rte = 1.0"),),
        (f"{SUB}::test_city_storage_loses_half_of_what_it_charges",),
    ),
    Mutation(
        "storage_round_trip_ignored_in_dispatch",
        "dispatch stores all it charges and books no loss (ledger still balanced)",
        "lunarcity/stages/power.py",
        (
            (r"\+ charged \* round_trip\b", "+ charged"),
            (
                r"losses=math\.fsum\(\[c \* \(1\.0 - round_trip\) for c in charged_by\]\) \+ lost",
                "losses=lost",
            ),
        ),
        (
            f"{SUB}::test_dispatch_charging_100_kwh_at_50_percent_stores_50",
            f"{SUB}::test_city_storage_loses_half_of_what_it_charges",
        ),
    ),
    Mutation(
        "dispatch_priority_reversed",
        "loads served lowest priority first",
        "lunarcity/stages/power.py",
        (
            (
                r"for load, day_want, share in loads:",
                "for load, day_want, share in reversed(loads):",
            ),
        ),
        (f"{SUB}::test_dispatch_a_night_is_drawn_down_by_priority",),
    ),
    Mutation(
        "gif_frames_without_map",
        "recorded frames drawn without the map (headline band only)",
        "lunarcity/show/recording.py",
        (
            (
                r"image\.paste\(Image\.fromarray\(np\.ascontiguousarray\(rgb\)\), \(0, band\)\)",
                "pass",
            ),
        ),
        (
            "tests/test_record.py::test_frames_show_the_map_and_it_changes_as_the_city_grows",
            "tests/test_app_teaching.py::test_record_gives_a_gif_of_the_run_so_far",
        ),
    ),
    Mutation(
        "track_length_doubled",
        "track length v^2 / a instead of v^2 / 2a",
        "lunarcity/stages/launch.py",
        (
            (
                r"return v \* v / \(2\.0 \* max_accel_g \* G0\)",
                "return v * v / (max_accel_g * G0)",
            ),
        ),
        (f"{SUB}::test_track_length_is_v_squared_over_2a",),
    ),
    Mutation(
        "failure_rate_halved",
        "units fail half as often as their failures_per_year",
        "lunarcity/stages/wear.py",
        ((r"failures_per_year / DAYS_PER_YEAR", "failures_per_year / (2 * DAYS_PER_YEAR)"),),
        (f"{SUB}::test_failure_counts_lie_in_the_binomial_interval",),
    ),
    Mutation(
        "repairs_never_finish",
        "broken units are never mended",
        "lunarcity/stages/wear.py",
        ((r"if n > 0:(.*)\n(\s+)fixed = ", r"if False:\1\n\2fixed = "),),
        (f"{SUB}::test_broken_units_are_repaired_the_next_day_when_labour_allows",),
    ),
    Mutation(
        "renewal_margin_ignored",
        "replacements start only one robot's build time ahead of the end of life",
        "lunarcity/stages/renewal.py",
        ((r"\+ margin_years \* DAYS_PER_YEAR", "+ 0.0 * margin_years"),),
        ("tests/test_renewal.py::test_horizon_is_one_robots_build_time_plus_the_margin",),
    ),
    Mutation(
        "renewal_holds_no_parts",
        "a kind owed replacements lets smaller jobs take the parts it waits for",
        "lunarcity/stages/jobs.py",
        (
            (
                r"holders = \{relief, behind, \*\(k for k in renew",
                "holders = {relief, behind, *(k for k in ()",
            ),
        ),
        (
            "tests/test_renewal.py::test_a_cohort_near_its_end_of_life_is_replaced_first_and_holds_its_parts",
        ),
    ),
    Mutation(
        "renewal_forgets_its_cover",
        "a replacement started covers no unit, so the same units are replaced again and again",
        "lunarcity/stages/jobs.py",
        ((r"book\.renewing\[k\] \+= n_ok", "book.renewing[k] += 0"),),
        (
            "tests/test_renewal.py::test_a_cohort_near_its_end_of_life_is_replaced_first_and_holds_its_parts",
        ),
    ),
    Mutation(
        "keep_busy_skipped_once_one_kind_ran_dry",
        "labour idles beside parts in stock once any kind's parts ran out that day",
        "lunarcity/stages/jobs.py",
        (
            (
                r"and not all\(\[dry\.get\(k\) == building",
                "and not any([dry.get(k) == building",
            ),
        ),
        (
            "tests/test_stages.py::test_labour_is_kept_busy_by_a_kind_with_parts_when_the_kinds_tried_first_ran_dry",
        ),
    ),
    Mutation(
        "ore_haul_distance_ignored",
        "hauling ore from the mine costs no labour",
        "lunarcity/stages/labour.py",
        (
            (
                r"per_kg \+= d_mine / KG_PER_T / robot\.haul_tkm_per_day",
                "per_kg += 0.0",
            ),
        ),
        (f"{SUB}::test_mining_and_hauling_labour_per_kg_follow_distance",),
    ),
    Mutation(
        "parts_haul_ignored",
        "hauling parts from the fabs to the build sites costs no labour",
        "lunarcity/stages/labour.py",
        (
            (
                r"per_day = kg_per_assembly_day / KG_PER_T \* d_site",
                "per_day = 0.0 * d_site",
            ),
        ),
        (f"{SUB}::test_mining_and_hauling_labour_per_kg_follow_distance",),
    ),
    Mutation(
        "learning_counts_from_zero",
        "Wright's law counts the n-th unit as the (n+1)-th (every unit one doubling cheaper)",
        "lunarcity/stages/learning.py",
        ((r"n = np\.arange\(n0 \+ 1, n0 \+ count \+ 1", "n = np.arange(n0 + 2, n0 + count + 2"),),
        (
            f"{SUB}::test_wright_law_unit_and_cumulative_forms_by_hand",
            f"{SUB}::test_build_jobs_take_the_wright_law_labour_of_their_count",
        ),
    ),
    Mutation(
        "generation_mass_factor_ignored",
        "a unit of a heavier generation takes its kind's usual bill and weighs as usual",
        "lunarcity/stages/generations.py",
        ((r"return self\.mass_factor\[min\(self\.building, self\.last\)\]", "return 1.0"),),
        (
            f"{SUB}::test_a_generation_2_robot_is_heavier_and_takes_earth_made_electronics",
            f"{SUB}::test_generation_counter_advances_when_the_fleet_has_copied_itself",
        ),
    ),
    Mutation(
        "generation_earth_share_ignored",
        "a generation's electronics need no Earth-made share",
        "lunarcity/stages/generations.py",
        (
            (
                r"return part_kg \* self\.earth_share\[min\(self\.building, self\.last\)\]",
                "return 0.0",
            ),
        ),
        (
            f"{SUB}::test_a_generation_2_robot_is_heavier_and_takes_earth_made_electronics",
            f"{SUB}::test_a_generation_3_robot_takes_a_tenth_of_its_electronics_from_earth",
        ),
    ),
    Mutation(
        "duty_fraction_ignored",
        "robots work the whole day (duty 0.9 ignored)",
        "lunarcity/stages/contributions.py",
        (
            (
                r"return spec\.duty_fraction \* city\.fleet\.health_total\(city\.robot_kind\)",
                "return city.fleet.health_total(city.robot_kind)",
            ),
        ),
        (f"{SUB}::test_labour_is_0_9_robot_days_per_robot",),
    ),
    Mutation(
        "assembly_labour_halved",
        "assembly takes 150 s per kg instead of 300",
        "lunarcity/world/catalog.py",
        (
            (
                r"return spec\.mass_kg \* per_kg / 86400\.0",
                "return spec.mass_kg * per_kg / 172800.0",
            ),
        ),
        (
            f"{SUB}::test_assembly_labour_is_300_seconds_per_kg",
            f"{SUB}::test_assembly_labour_spent_pays_300_seconds_per_kg_built",
        ),
    ),
    Mutation(
        "scrap_not_recycled",
        "scrapped units wholly wasted (recycle_fraction ignored)",
        "lunarcity/stages/wear.py",
        (
            (
                r'fraction = spec\.recycle_fraction if "scrap" in city\.index else 0\.0',
                "fraction = 0.0",
            ),
        ),
        (f"{SUB}::test_units_are_scrapped_at_end_of_life_and_half_their_mass_recycled",),
    ),
    Mutation(
        "recipe_outputs_all_local",
        "a recipe's outputs never carry its inputs' imported share (closure overstated)",
        "lunarcity/city/stocks.py",
        ((r"stock_imp\[i\] \+= out \* \(imp_in / total_out\)", "pass"),),
        ("tests/test_stocks.py::test_a_recipe_carries_its_inputs_imported_share_into_its_outputs",),
    ),
    Mutation(
        "landing_not_imported",
        "a landed kilogram enters stock but not the imported stock",
        "lunarcity/city/stocks.py",
        ((r"(def land\(.*\n(?:.*\n)*?)        self\.stock_imp\[i\] \+= kg\n", r"\1"),),
        ("tests/test_stocks.py::test_a_landed_kilogram_enters_all_four_records",),
    ),
    Mutation(
        "take_more_than_stock",
        "a job may take more parts than the stock holds (the refusal dropped)",
        "lunarcity/city/stocks.py",
        ((r"if kg - held > ROUNDING \* \(kg if kg > 1\.0 else 1\.0\):", "if False:"),),
        (
            "tests/test_stocks.py::"
            "test_taking_parts_moves_the_imported_share_and_refuses_more_than_the_stock",
        ),
    ),
    Mutation(
        "scrap_a_day_late",
        "units scrapped a day after the end of their life",
        "lunarcity/stages/wear.py",
        (
            (
                r"cohort = math\.floor\(city\.day - life\)",
                "cohort = math.floor(city.day - life - 1)",
            ),
        ),
        (f"{SUB}::test_units_are_scrapped_at_end_of_life_and_half_their_mass_recycled",),
    ),
    Mutation(
        "polar_seasons_ignored",
        "the polar crest lit 85 % all year (no seasons)",
        "lunarcity/city/site.py",
        (
            (
                r"sun\.crest_lit_seasonal_amplitude \* math\.cos\(",
                "0.0 * sun.crest_lit_seasonal_amplitude * math.cos(",
            ),
        ),
        (f"{SUB}::test_polar_crest_is_lit_70_percent_in_winter_and_nearly_always_in_summer",),
    ),
    Mutation(
        "equator_night_halved",
        "the equatorial night a quarter of the month instead of half",
        "lunarcity/city/site.py",
        (
            (
                r"w: np\.ndarray \| np\.float32 = np\.float32\(\(1\.0 - sun\.day_fraction\) / 2\.0\)",
                "w: np.ndarray | np.float32 = np.float32((1.0 - sun.day_fraction) / 4.0)",
            ),
        ),
        (
            f"{SUB}::test_equator_is_lit_half_of_each_month_in_a_14_77_day_day",
            f"{SUB}::test_the_model_lights_its_cells_by_the_sites_sunlight",
        ),
    ),
    # -- issue 30: holes the hand-worked tests close (the named test is the one that closes it)
    Mutation(
        "radiators_t_cubed",
        "radiators reject 2 e sigma (T^3 - T_sink^3): a 20 W/kg satellite falls to 0.19",
        "lunarcity/space/satellite.py",
        ((r"temperature_k\*\*4 - sink_k\*\*4", "temperature_k**3 - sink_k**3"),),
        ("tests/test_satellite.py::test_no_satellite_violates_its_heat_budget",),
    ),
    Mutation(
        "payload_to_leo_swapped_with_landed",
        "the Earth ledger takes the payload to LEO for the payload landed and back",
        "lunarcity/space/earth_ledger.py",
        (
            (
                r'(def earth_ledger\([^)]*\)[^:]*:\n\s+"""[\s\S]*?"""\n)',
                r"\1    side = EarthSide(side.tankers_per_landing, side.payload_landed_t, "
                r"side.payload_to_leo_t, side.seed_t)\n",
            ),
        ),
        (
            "tests/test_earth_ledger.py::test_ledger_by_hand_with_payload_to_leo_unlike_payload_landed",
        ),
    ),
    Mutation(
        "element_ledger_error_scaled",
        "the element ledger reports a millionth of its gap (a leak looks closed)",
        "lunarcity/city/element_ledger.py",
        ((r"(def rel_error\([\s\S]*?return )", r"\g<1>1e-6 * "),),
        ("tests/test_ledger_leaks.py::test_a_known_oxygen_leak_is_the_element_ledgers_error",),
    ),
    Mutation(
        "element_ledger_not_checked",
        "check_ledgers checks mass and energy only (a run with an open element ledger passes)",
        "lunarcity/runner.py",
        ((r'\n\s*"element_balance_rel_error": "element",', ""),),
        (
            "tests/test_ledger_leaks.py::test_check_ledgers_refuses_an_element_ledger_that_does_not_close",
        ),
    ),
    Mutation(
        "oxygen_never_vented",
        "oxygen beyond the plants' tanks is kept (the tanks never fill)",
        "lunarcity/stages/recipes.py",
        ((r'(def vent_oxygen\([^)]*\)[^:]*:\n\s+"""[\s\S]*?"""\n)', r"\1    return 0.0\n"),),
        (
            "tests/test_ledger_leaks.py::test_a_days_oxygen_beyond_the_tanks_is_vented",
            "tests/test_ledger_leaks.py::test_oxygen_over_the_tanks_by_a_known_amount_is_vented_by_that_amount",
        ),
    ),
    Mutation(
        "direct_route_given_lunar_figures",
        "the direct route's Earth-built satellite sized with the lunar figure set",
        "lunarcity/space/thesis.py",
        (
            (
                r'sc\.earth\.apply\(sats\.figure_sets\["earth"\]\)',
                'sc.earth.apply(sats.figure_sets["lunar"])',
            ),
        ),
        (
            "tests/test_thesis_plan.py::test_direct_route_flies_the_earth_built_satellite_and_its_transfer_stage",
        ),
    ),
    Mutation(
        "kick_stage_ignores_slow_launch",
        "a launch slower than the destination needs leaves the kick stage as at full speed",
        "lunarcity/space/thesis.py",
        ((r"max\(0\.0, need - launch\)", "0.0"),),
        ("tests/test_thesis_plan.py::test_a_slow_launch_leaves_the_shortfall_to_the_kick_stage",),
    ),
    # -- issue 30: the narrowed bands catch what the wide ones let through
    Mutation(
        "lander_loss_p_to_the_1_3",
        "landers lost with p^1.3 (0.41 at 0.5; never and always unchanged)",
        "lunarcity/stages/landers.py",
        (
            (
                r"city\.rng\.random\(\) < e\.lander_failure_prob",
                "city.rng.random() < e.lander_failure_prob ** 1.3",
            ),
        ),
        (f"{SUB}::test_lost_landers_over_thirty_seeds_are_half_of_those_sent",),
    ),
    Mutation(
        "failure_rate_a_tenth_low",
        "units fail 10 % less often than their failures_per_year",
        "lunarcity/stages/wear.py",
        ((r"failures_per_year / DAYS_PER_YEAR", "failures_per_year * 0.9 / DAYS_PER_YEAR"),),
        (f"{SUB}::test_failures_over_thirty_seeds_follow_the_rate",),
    ),
    Mutation(
        "target_latches_parts",
        "the city complete when every part has held once, not all on the same day",
        "lunarcity/results/target.py",
        ((r"every &= ok", "every &= status.first_day is not None"),),
        (
            "tests/test_target.py::test_parts_that_hold_at_different_times_do_not_complete_the_city",
            "tests/test_target.py::test_the_day_met_is_a_day_every_part_holds",
        ),
    ),
    Mutation(
        "target_sustain_ignored",
        "sustain_days ignored: complete on the first day all hold",
        "lunarcity/results/target.py",
        ((r"self\.run_all >= self\.sustain_days", "self.run_all >= 1"),),
        ("tests/test_target.py::test_sustain_days_asks_for_a_run_of_days_together",),
    ),
    Mutation(
        "self_growth_from_the_run_out",
        "growth measured from the run-out day to the end instead of over the last year",
        "lunarcity/results/self_growth.py",
        ((r"end - WINDOW_DAYS, side", "from_day, side"),),
        (
            "tests/test_self_sufficiency.py::test_earth_stops_and_the_summary_says_what_followed",
            "tests/test_self_sufficiency.py::test_a_city_that_spends_its_stocks_stopped_growing",
        ),
    ),
    Mutation(
        "stalled_builds_read_power",
        "days no build can start for want of a spent import read power again",
        "lunarcity/stages/bottleneck.py",
        ((r"if stalled and robots > 0:", "if False and robots > 0:"),),
        ("tests/test_self_sufficiency.py::test_the_frozen_city_is_bound_by_what_stops_its_builds",),
    ),
)

#: What is copied: everything the tests read.
COPIED = ("lunarcity", "data", "models", "viz", "tests", "docs", "pyproject.toml", "README.md")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "mutations")


class PatternMissing(Exception):
    """A mutation's pattern is no longer in its file."""


def make_copy(dest: Path) -> None:
    """Copy what the tests need into ``dest``."""
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=IGNORED)
        elif src.exists():
            shutil.copy2(src, dest / name)


def apply(mutation: Mutation, root: Path) -> None:
    """Apply ``mutation`` to the copy at ``root``; raise PatternMissing when a regex matches nowhere."""
    path = root / mutation.file
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in mutation.edits:
        text, n = re.subn(pattern, replacement, text)
        if n == 0:
            raise PatternMissing(f"{mutation.name}: /{pattern}/ not found in {mutation.file}")
    path.write_text(text, encoding="utf-8")


def stale_patterns() -> list[str]:
    """Mutations whose patterns no longer match the checkout, one line each (fast: no tests)."""
    stale = []
    for mutation in MUTATIONS:
        text = (REPO / mutation.file).read_text(encoding="utf-8")
        stale += [
            f"{mutation.name}: /{pattern}/ not found in {mutation.file}"
            for pattern, _ in mutation.edits
            if not re.search(pattern, text)
        ]
    return stale


#: Exceptions that mean a test's own check failed: ``assert`` and pytest's ``raises``/``fail``.
ASSERTION_TYPES = ("AssertionError", "Failed")


@dataclass(frozen=True)
class Outcome:
    """What pytest said of one run's named tests.

    Attributes:
        passed: Test ids that ran and passed.
        asserted: Test ids that failed on an assertion raised in a test file.
        errored: ``id: why`` for every named test that failed otherwise (an exception from the
            code, a fixture or setup error, a skip) or did not run at all (collection error,
            renamed test).
        seconds: Wall time of the run.
    """

    passed: tuple[str, ...]
    asserted: tuple[str, ...]
    errored: tuple[str, ...]
    seconds: float

    @property
    def clean(self) -> bool:
        """Every named test ran and passed."""
        return bool(self.passed) and not self.asserted and not self.errored


def _case_id(case: ET.Element) -> tuple[str, str]:
    """A JUnit test case's (file, name) as pytest's node id writes them."""
    classname, name = case.get("classname", ""), case.get("name", "")
    return classname.replace(".", "/") + ".py", name


def _named(node: str, file: str, name: str) -> bool:
    """Whether the case (``file``, ``name``) is the test ``node`` names (a file: any test in it)."""
    path, _, func = node.partition("::")
    return file == path and (not func or name.split("[")[0] == func)


def _verdict(case: ET.Element) -> tuple[str, str]:
    """(``passed`` | ``asserted`` | ``errored``, why) for one JUnit test case."""
    for child in case:
        if child.tag == "failure":
            # pytest ends the failure's text with the crash's place and type: "path:line: Type".
            last = (child.text or "").rstrip().splitlines()[-1:] or [""]
            where, _, kind = last[0].rpartition(": ")
            in_test = where.replace("\\", "/").startswith("tests/")
            if kind in ASSERTION_TYPES and in_test:
                return "asserted", kind
            return "errored", f"{kind or 'failure'} at {where or '?'}"
        if child.tag in ("error", "skipped"):
            return "errored", f"{child.tag}: {child.get('message', '')[:80]}"
    return "passed", ""


def run_tests(root: Path, tests: tuple[str, ...]) -> Outcome:
    """Run ``tests`` in the copy at ``root`` and sort each named test by how it ended."""
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    report = root / "junit.xml"
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            f"--junitxml={report}", *tests,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    cases = ET.parse(report).getroot().iter("testcase") if report.exists() else iter(())
    passed, asserted, errored = [], [], []
    seen: set[str] = set()
    for case in cases:
        file, name = _case_id(case)
        nodes = [n for n in tests if _named(n, file, name)]
        if not nodes:
            continue
        seen.update(nodes)
        verdict, why = _verdict(case)
        node = f"{file}::{name}"
        {"passed": passed, "asserted": asserted}.get(verdict, errored).append(
            node if verdict != "errored" else f"{node}: {why}"
        )
    errored += [
        f"{n}: did not run (pytest exit {proc.returncode}: {proc.stdout.strip()[-200:]})"
        for n in tests
        if n not in seen
    ]
    return Outcome(tuple(passed), tuple(asserted), tuple(errored), seconds)


def main(argv: list[str] | None = None) -> int:
    """Run the mutations; print a table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only mutations whose name contains this")
    parser.add_argument(
        "--check", action="store_true", help="only check that every pattern still matches"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_patterns()
        print("\n".join(stale) or f"all {len(MUTATIONS)} mutations apply", file=sys.stderr)
        return 2 if stale else 0
    chosen = [m for m in MUTATIONS if args.k in m.name]
    if not chosen:
        print(f"no mutation name contains {args.k!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lunarcity-mutations-") as tmp:
        tmp_path = Path(tmp)
        clean = tmp_path / "clean"
        make_copy(clean)
        # The tests must run and pass unmutated, or "caught" means nothing.
        every_test = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
        base = run_tests(clean, every_test)
        if not base.clean:
            print(
                f"the unmutated tests do not all pass ({base.seconds:.0f} s): "
                f"{list(base.asserted + base.errored)}",
                file=sys.stderr,
            )
            return 2
        (clean / "junit.xml").unlink()
        print(f"unmutated: {len(every_test)} test ids pass ({base.seconds:.0f} s)", file=sys.stderr)
        rows = []
        for i, mutation in enumerate(chosen):
            root = tmp_path / f"m{i}"
            shutil.copytree(clean, root)
            try:
                apply(mutation, root)
            except PatternMissing as exc:
                print(f"error: {exc}; update MUTATIONS in {__file__}", file=sys.stderr)
                return 2
            out = run_tests(root, mutation.tests)
            shutil.rmtree(root)
            rows.append((mutation, out))
            status = "caught" if out.asserted else "MISSED"
            print(f"{mutation.name}: {status} ({out.seconds:.0f} s)", file=sys.stderr)
            for why in out.errored:
                print(f"  error, not counted: {why}", file=sys.stderr)
    total = time.perf_counter() - started
    print("| mutation | what it breaks | caught? | failing tests (assertion) | s |")
    print("|---|---|---|---|---|")
    for mutation, out in rows:
        names = ", ".join(f.split("::")[-1] for f in out.asserted) or "-"
        if out.asserted:
            verdict = "caught"
        elif out.errored:
            verdict = "**missed** (errors only)"
        else:
            verdict = "**missed**"
        print(f"| {mutation.name} | {mutation.what} | {verdict} | {names} | {out.seconds:.0f} |")
    missed = [m.name for m, out in rows if not out.asserted]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} caught by an assertion in {total:.0f} s")
    if missed:
        print(f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The app's one vocabulary and its first screen's answers, without a browser.

Both questions' one-line answers against a real run's numbers; the data dictionary (docs and the
CSV's guide) against the daily table; text drawn into pictures at 12 px or more at 1366 px wide
with no internal names in its labels; the player's days per redraw; and the small controls'
bugs (whole tanker flights, lander controls in a preset with no landers, a preset switch that
sets edits aside). The browser's view of the same is in test_app_browser.py.
"""

from __future__ import annotations

import csv
import importlib
import io
import math
import re
import threading

import pytest
from conftest import load_docs_script

from lunarcity.app import viz
from lunarcity.model import LunarCity
from lunarcity.runner import run

viz()  # registers lunarcity.viz from the checkout (or finds it in a wheel)
words = importlib.import_module("lunarcity.viz.words")
params = importlib.import_module("lunarcity.viz.params")
player = importlib.import_module("lunarcity.viz.player")
plot = importlib.import_module("lunarcity.viz.plot")
charts = importlib.import_module("lunarcity.viz.charts")
materials = importlib.import_module("lunarcity.viz.materials")
components = importlib.import_module("lunarcity.viz.components")
compare_view = importlib.import_module("lunarcity.viz.compare_view")
tour = importlib.import_module("lunarcity.viz.tour")
tour_view = importlib.import_module("lunarcity.viz.tour_view")

SCREEN_PX = 1366


@pytest.fixture(scope="module")
def ten_years():
    """The default city run to its end (seed 1): the summary and the daily table."""
    return run("ten_year_city", seed=1)


def _numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


# -- the two answers ------------------------------------------------------------------------------
def test_moon_or_earth_line_gives_the_runs_own_figures(ten_years) -> None:
    s, daily = ten_years.summary, ten_years.daily
    line = words.moon_or_earth(s["thesis"], running=False)
    # The figures are the daily table's last row, rounded to whole kg per kW.
    lunar = round(float(daily["earth_kg_per_kw"][-1]))
    direct = round(float(daily["direct_earth_kg_per_kw"][-1]))
    assert line.startswith(
        f"Moon or Earth: Earth lifted {lunar:,} kg per kW by the Moon route, {direct:,} direct; "
    ), line
    # The route breaks even nowhere in the default run (README's answer): the run has ended.
    assert s["thesis"]["breakeven_day"] is None
    assert line.endswith("break-even: not in this run")
    assert words.moon_or_earth(s["thesis"], running=True).endswith("break-even: not yet")


def test_city_line_counts_the_target_parts_holding_on_the_last_day(ten_years) -> None:
    s, daily = ten_years.summary, ten_years.daily
    # Each part holds on the last day when its metric's last value meets its goal (the scenario's
    # parts, read against the daily table, not the summary's own states).
    holding = 0
    for part in ten_years.model.params.target.parts.values():
        last = float(daily[part.metric][-1])
        holding += last >= part.at_least if part.at_least is not None else last <= part.at_most
    line = words.city_answer(s)
    if s["target_met"]:
        day = int(s["target_day"])
        yes = f"A city in 10 years: yes, complete on day {day:,} (year {day / 365.25:.1f})"
        # Complete on that day, but a part no longer holding is said beside it (seed 1: the
        # launches stopped holding in year 6.3, so 4 of 5 hold at the end).
        assert line == (
            yes if holding == 5 else f"{yes}; {holding} of 5 target parts holding today"
        )
    else:
        assert line == (
            f"A city in 10 years: no, {holding} of 5 target parts holding when the time was up"
        )


def test_city_line_after_the_horizon_says_the_day_it_counts() -> None:
    """Past its horizon (the app's 'Years to run' reaches 100), the count is today's, said so.

    Run six years against a three-year horizon (seed 1: every part first holds together in year
    5.05): on the horizon's day the line counts the parts holding then, 'when the time was up';
    at the end it counts the parts holding at the end, and names that year instead.
    """
    m = LunarCity("ten_year_city", seed=1, run__years=6, target__horizon_years=3)

    def holding() -> int:
        return sum(bool(p["holds_at_end"]) for p in m.summary()["target"]["parts"].values())

    while m.day < m.recorder.horizon_day:
        m.step()
    line = words.city_answer(m.summary())
    assert (
        line == f"A city in 3 years: no, {holding()} of 5 target parts holding when the time was up"
    )
    while m.running:
        m.step()
    assert holding() == 5  # all hold at the end, three years after the time was up
    assert words.city_answer(m.summary()) == (
        "A city in 3 years: no; 5 of 5 target parts holding in year 6.0, past the horizon"
    )


def test_day_zero_answers_say_nothing_is_delivered_yet() -> None:
    m = LunarCity("ten_year_city", seed=1)
    city, moon = words.answers(m.summary(), running=True)
    assert city == "A city in 10 years: not yet, 0 of 5 target parts holding after 0.0 years"
    # The seed alone: 16 launches of 100 t each lifted for it (1,600 t) before day 1.
    lifted = m.summary()["thesis"]["earth_lifted_t"]
    assert moon == (
        f"Moon or Earth: no computers in space, none delivered yet; Earth has lifted "
        f"{lifted:,.0f} t for this city so far"
    )


def test_the_auxons_doubling_time_has_a_unit_and_words_for_never() -> None:
    assert words.amount("doubling_time_years", math.inf, 0.5) == "not growing (goal: 0.5 years)"
    assert words.amount("doubling_time_years", 0.42, 0.5) == "0.42 years of 0.5 years"
    assert words.amount("industrial_mass_t", 843.2, 40000) == "843 t of 40,000 t"


# -- the data dictionary ----------------------------------------------------------------------------
def test_every_daily_column_has_a_plain_name_unit_and_meaning(ten_years) -> None:
    names = list(ten_years.daily.columns)
    for name in names:
        shown, unit, meaning = words.column(name)
        assert shown and unit and meaning, name
        assert "_" not in shown, (name, shown)
    assert set(words.COLUMNS) <= set(names), set(words.COLUMNS) - set(names)  # none stale
    rows = list(csv.reader(io.StringIO(words.columns_guide(names))))
    assert rows[0] == ["column", "plain name", "unit", "meaning"]
    assert [r[0] for r in rows[1:]] == names


def test_the_docs_data_dictionary_is_fresh() -> None:
    assert load_docs_script("columns").main(["--check"]) == 0, "run python docs/columns.py"


# -- text drawn into pictures -----------------------------------------------------------------------
def test_text_in_pictures_is_at_least_12_px_as_shown_at_1366() -> None:
    from lunarcity.show.recording import font_px
    from lunarcity.show.render import MIN_TEXT_PX

    chart_px = 440  # Charts' and Pair.charts' natural width
    # Explore's grid: columns of at least 400 px (the CSS's minmax), so a chart is shown at
    # 400/440 of its size or more: 14 px x 0.91 = 12.7 px.
    grid = int(re.search(r"minmax\((\d+)px", components.CSS).group(1))
    assert plot.FONT_PX * grid / chart_px >= 12
    # Compare: the page's 10 px padding each side, two maps and their 12 px gaps, then the
    # charts' column: 1366 - 20 - 2 x 380 - 3 x 12 = 550 px.
    compare = SCREEN_PX - 20 - 2 * compare_view.MAP_PX - 3 * 12
    assert plot.FONT_PX * min(1.0, compare / chart_px) >= 12
    # The tour's Compare chapter: the 340 px text column and two smaller maps beside them:
    # 1366 - 20 - 340 - 12 - 2 x 270 - 3 x 12 = 418 px.
    tour_compare = SCREEN_PX - 20 - 340 - 12 - 2 * compare_view.TOUR_MAP_PX - 3 * 12
    assert plot.FONT_PX * tour_compare / chart_px >= 12
    # The thesis chart where the map stands: the map's own width, wider than the chart.
    assert min(components.MAP_PX, tour_view.TOUR_MAP_PX) >= chart_px
    # The materials graph: 12 px labels at its own size, narrower than the screen (never
    # shrunk); its figure's points are worked back to pixels at its dpi.
    assert materials.LABEL_PX >= 12 and materials.LAYER_PX >= 12
    assert materials.FIG_IN[0] * 80 <= SCREEN_PX - 40
    # Maps (app, tour, Compare, PNG export) and the GIF's band: 12 px at least, at every size.
    assert MIN_TEXT_PX >= 12
    assert all(font_px(size) >= 12 for size in (64, 128, 270, 360, 600, 1080))


#: Field names (snake_case) and bottleneck codes ('material:...') are internal too.
CODES = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|material:")


def _internal(text: str) -> list[str]:
    low = text.lower()
    kinds = [n for n in words.internal_names() if re.search(rf"\b{re.escape(n)}s?\b", low)]
    return kinds + CODES.findall(text)


def test_labels_drawn_into_pictures_use_plain_names(ten_years) -> None:
    from lunarcity.show.recording import headline_lines

    m = ten_years.model
    labels = [*charts.CHARTS.values(), *(label for label, _ in charts.THESIS_LINES.values())]
    labels += [words.kind(k) for k in m.agent_kinds] + [words.kind_one(k) for k in m.agent_kinds]
    labels += [words.item(node) for node in materials.folded_graph(m)]
    labels += list(materials.LAYER_NAMES)
    labels += headline_lines(m) + headline_lines(m, final=ten_years.summary)
    labels += [words.preset(name) for name in params.scenario_names()]
    labels += [words.column(c)[0] for c in ten_years.daily.columns]
    for text in labels:
        assert not _internal(text), (text, _internal(text))
    # The words the check looks for are the files' own: it would catch the old labels.
    assert _internal("regolith plant") and _internal("storage_banks")


def test_tour_texts_point_at_what_is_on_screen(ten_years) -> None:
    for chapter in tour.chapters():
        for text in (chapter.title, chapter.text, *chapter.watch):
            assert not _internal(text), (chapter.id, text)
            assert "legend" not in text.lower(), (chapter.id, text)  # not on the tour's screen
    lines = tour.mass_driver_facts(ten_years.model) + tour.thesis_facts(ten_years.model)
    for line in lines:
        assert "heliocentric" not in line, line
        assert not re.search(r"\d\.\d{3,} kg", line), line  # '30.416 kg kick stage'


# -- motion ----------------------------------------------------------------------------------------
def test_play_moves_at_most_three_days_per_redraw_at_the_default_speed() -> None:
    session = importlib.import_module("lunarcity.viz.session").Session(map_size=200)
    cancel = threading.Event()
    shown: list[int] = []
    timer = threading.Timer(1.5, cancel.set)
    timer.start()
    player.play(
        session.advance, lambda f: shown.append(f.day), lambda: player.DEFAULT_SPEED, cancel
    )
    timer.cancel()
    steps = [b - a for a, b in zip([0, *shown], shown, strict=False)]
    assert player.max_days_per_frame(player.DEFAULT_SPEED) == 3  # 30 days/s x 0.1 s
    assert len(shown) >= 4 and max(steps) <= 3, steps


# -- the controls' small bugs ------------------------------------------------------------------------
def test_a_whole_number_control_refuses_a_fraction() -> None:
    # The tanker count is no longer a slider (issue 22: it follows from the tanker's payload to
    # LEO); a control for a count of launches, as a scenario may still state it, is whole.
    tankers = params.Param(
        "earth.tankers_per_landing", (0, 10, 20, 30), integer=True, unit_name="launches"
    )
    value, why = params.parse(tankers, "2.5")
    assert value is None
    assert why.startswith("2.5 launches is not allowed: a whole number"), why
    assert params.parse(tankers, "3") == (3.0, "")
    assert all(p.path != "earth.tankers_per_landing" for p in params.PARAMS)


def test_a_preset_that_lands_nothing_disables_the_lander_controls() -> None:
    import ipyvuetify as v
    import solara

    assert params.not_applicable("ten_year_city") == {}
    unused = params.not_applicable("auxon_lw95")
    assert set(unused) == set(params.LANDER_PATHS)
    values = params.current_values("auxon_lw95")
    _, rc = solara.render(
        components.ParamControls(values, {}, lambda path, value: None, "auxon_lw95"),
        handle_error=False,
    )
    sliders = rc.find(v.Slider).widgets
    off = [s for s in sliders if s.disabled]
    assert len(off) == 4 and len(sliders) > 4  # the four lander controls, and only they
    texts = [w.children[0] for w in rc.find(v.Html).widgets if w.children]
    assert sum("gets nothing from Earth" in str(t) for t in texts) == 4


def test_switching_preset_says_which_edits_it_set_aside() -> None:
    values = params.current_values("ten_year_city")
    assert params.preset_switch_note("ten_year_city", values, "equator_site") == (
        "Press Reset to run this preset."
    )
    values["earth.lander_payload_t"] = 42.0
    note = params.preset_switch_note("ten_year_city", values, "equator_site")
    assert "Your changes (payload per lander) were set aside" in note


def test_the_tour_says_what_it_applied_in_words() -> None:
    text = params.changes_text(
        {"earth.lander_payload_t": 42.0, "planner.policy": "fixed_mix", "run.years": 3.0}
    )
    assert text == (
        "payload per lander 42 t, how the city chooses what to build: Always the same mix, "
        "years to run 3 years"
    )
    assert params.changes_text({}) == "none"


def test_city_line_says_so_when_a_part_stopped_holding_after_completion() -> None:
    # Complete on day 1,807 (1,807 / 365.25 = year 4.95, shown 4.9), one of two parts holding on
    # the last day: "yes" alone would stand beside a part short of its goal.
    summary = {
        "horizon_years": 10,
        "days_simulated": 3652,
        "target_met": True,
        "target_day": 1807,
        "target": {"parts": {"a": {"holds_at_end": True}, "b": {"holds_at_end": False}}},
    }
    assert words.city_answer(summary) == (
        "A city in 10 years: yes, complete on day 1,807 (year 4.9); 1 of 2 target parts holding today"
    )
    summary["target"]["parts"]["b"]["holds_at_end"] = True
    assert words.city_answer(summary) == "A city in 10 years: yes, complete on day 1,807 (year 4.9)"

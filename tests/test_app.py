"""The app without a browser: the map renderer, a session's city, the sliders, the page in solara.render.

The real-browser tests are in test_app_browser.py.
"""

from __future__ import annotations

import importlib
import io
import sys

import numpy as np
import polars as pl
import pytest
from PIL import Image

from lunarcity.app import viz
from lunarcity.errors import InputError
from lunarcity.model import LunarCity
from lunarcity.results.target import PartState
from lunarcity.show.render import (
    KIND_COLOURS,
    Extent,
    cell_at,
    city_extent,
    map_png,
    nearest_unit,
    render_map,
    units_near,
)

viz()  # registers lunarcity.viz from the checkout (or finds it in a wheel)
session_mod = importlib.import_module("lunarcity.viz.session")
params_mod = importlib.import_module("lunarcity.viz.params")
plot_mod = importlib.import_module("lunarcity.viz.plot")


@pytest.fixture(scope="module")
def grown() -> LunarCity:
    """A city a year and a half old: every early kind on the map, the rail not yet begun."""
    m = LunarCity("ten_year_city", seed=3, run__years=2)
    for _ in range(540):
        m.step()
    return m


# -- the map --------------------------------------------------------------------------------------
def test_map_is_an_rgb_square_of_the_asked_size(grown: LunarCity) -> None:
    rgb = render_map(grown, size=300)
    assert rgb.shape == (300, 300, 3) and rgb.dtype == np.uint8


def test_every_kind_in_service_shows_in_its_own_colour(grown: LunarCity) -> None:
    ext = city_extent(grown)
    # One pixel per cell, no overlays: a cell's colour is the colour of its most numerous kind.
    rgb = render_map(grown, size=ext.side, extent=ext, recent_days=0, scale_bar=False)
    colours = {tuple(c) for c in rgb.reshape(-1, 3).tolist()}
    for kind in grown.agent_kinds:
        t = grown.fleet.tables[kind]
        if kind == "rail_segment" or not t.n:
            continue
        # The kind is on the map wherever it is the most numerous kind in a cell: check one.
        assert KIND_COLOURS[kind] in colours or t.n < 3, kind


def test_map_frames_the_city_not_the_whole_site() -> None:
    m = LunarCity("ten_year_city", seed=1)
    ext = city_extent(m)
    assert ext.side == 32  # a new city: the smallest frame, not the 3 km track it will build
    assert ext.x0 <= m.site.centre[0] < ext.x1 and ext.y0 <= m.site.centre[1] < ext.y1


def test_the_frame_follows_the_city_not_its_outliers() -> None:
    """One unit far off does not stretch the frame; a hundred there (the city spreading) do."""
    m = LunarCity("ten_year_city", seed=1, run__years=1)
    while sum(m.fleet.tables[k].n for k in m.agent_kinds) < 200:
        m.step()
    core = city_extent(m)
    t = m.fleet.tables["robot"]
    far_x = min(m.site.width - 1, core.x1 + 40)
    t["x"][0] = far_x  # one robot wanders 40 cells past the city's edge
    # The frame keeps its size and leaves the robot out. (It may slide a cell or two: units
    # sitting exactly at the 1 % cut join the core when one unit passes them.)
    moved = city_extent(m)
    assert moved.side == core.side and not moved.x0 <= far_x < moved.x1
    assert abs(moved.x0 - core.x0) <= 4 and moved.y0 == core.y0
    units = sum(m.fleet.tables[k].n for k in m.agent_kinds)
    t["x"][: max(2, units // 10)] = far_x  # a tenth of the city there: part of the city now
    assert city_extent(m).x1 > far_x


def test_a_click_finds_the_nearest_unit_within_a_few_cells() -> None:
    m = LunarCity("ten_year_city", seed=1, run__years=1)
    t = m.fleet.tables["robot"]
    x, y = int(t["x"][0]), int(t["y"][0])
    # Worked by hand: every unit's squared distance from a cell 3 to the left of robot 0, the
    # least wins (ties: newest, then lowest id).
    cx, cy = x - 3, y
    best = min(
        (
            (int(tb["x"][r]) - cx) ** 2 + (int(tb["y"][r]) - cy) ** 2,
            -int(tb["born"][r]),
            int(tb["id"][r]),
        )
        for k in m.agent_kinds
        for tb in [m.fleet.tables[k]]
        for r in range(tb.n)
    )
    assert best[0] <= 9
    assert nearest_unit(m, cx, cy, radius=4) == best[2]
    assert nearest_unit(m, 0, 0, radius=4) is None  # the site's corner: nothing near


def test_overlays_change_the_image_and_png_decodes(grown: LunarCity) -> None:
    plain = render_map(grown, size=400, scale_bar=False)
    film = render_map(grown, size=400, headline="A headline", day_label=True, legend=True)
    assert (plain != film).any()
    png = map_png(grown, size=200, day_label=True)
    assert Image.open(io.BytesIO(png)).size == (200, 200)


def test_click_maps_to_a_cell_and_finds_units_there(grown: LunarCity) -> None:
    ext = Extent(10, 20, 60, 70)
    assert cell_at(ext, 0.0, 0.0) == (10, 20)
    assert cell_at(ext, 0.999, 0.5) == (59, 45)
    assert cell_at(ext, 1.5, -1.0) == (59, 20)  # clamped to the image
    t = grown.fleet.tables["robot"]
    x, y = int(t["x"][0]), int(t["y"][0])
    ids = units_near(grown, x, y)
    assert int(t["id"][0]) in ids


def test_the_rail_line_lengthens_on_the_map() -> None:
    m = LunarCity("ten_year_city", seed=1, run__years=5)
    white = np.array(KIND_COLOURS["rail_segment"])
    ext = Extent(0, 0, m.site.width, m.site.height)  # the whole site: the track's corridor in view

    def rail_pixels() -> int:
        rgb = render_map(m, size=ext.side, extent=ext, recent_days=0, scale_bar=False)
        return int((rgb == white).all(axis=2).sum())

    before = rail_pixels()
    while m.running and m.recorder.last("rail_length_m") <= 0:
        m.step()
    assert m.recorder.last("rail_length_m") > 0, "no rail within five years"
    assert rail_pixels() > before


# -- a session ------------------------------------------------------------------------------------
def test_session_step_advances_exactly_the_days_asked() -> None:
    s = session_mod.Session(overrides={"run.years": 1})
    assert s.frame().day == 0
    assert s.advance(1).day == 1
    frame = s.advance(5)
    assert frame.day == 6 and frame.day_text.startswith("Day 6 ")
    assert frame.held_back[0].startswith("Most days so far: ")
    assert frame.held_back[1].startswith("Today: ")
    assert set(frame.charts) == {
        "units",
        "mass",
        "power",
        "closure",
        "imports",
        "launches",
        "thesis",
    }
    for png in [frame.map_png, frame.materials_png, *frame.charts.values()]:
        assert png.startswith(b"\x89PNG")
    assert [r.name for r in frame.targets] == list(s.model.params.target.parts)
    assert frame.headline.startswith("Day 6: not complete yet")


def test_two_sessions_do_not_share_a_city() -> None:
    a = session_mod.Session(overrides={"run.years": 1})
    b = session_mod.Session(overrides={"run.years": 1})
    a.step(10)
    assert a.model is not b.model and a.model.day == 10 and b.model.day == 0


def test_reset_applies_parameters_and_refuses_bad_ones_without_losing_the_city() -> None:
    s = session_mod.Session(overrides={"run.years": 1})
    s.step(3)
    s.reset("equator_site", 7, {"earth.lander_interval_days": 20, "run.years": 1})
    assert s.model.day == 0 and s.seed == 7
    assert s.model.params.earth.lander_interval_days == 20
    assert s.model.params.site.name == "equator"
    s.step(2)
    with pytest.raises(InputError):
        s.reset("ten_year_city", 1, {"earth.lander_payload_t": 0})
    assert s.model.day == 2 and s.scenario == "equator_site"  # the running city is kept


def test_target_panel_reports_holding_parts_and_the_headline_when_complete() -> None:
    # A target the city meets within two years: every part holds on the day it is complete
    # (lunarcity/results/target.py), and the panel says so part by part.
    easy = {
        "run.years": 2,
        "target.parts.industrial_mass.at_least": 500.0,
        "target.parts.power.at_least": 1.0,
        "target.parts.closure.at_least": 0.3,
        "target.parts.mass_driver.at_least": 0.0,
        "target.parts.launches.at_least": 0.0,
    }
    s = session_mod.Session(overrides=easy)
    while s.model.running and not s.model.recorder.target_met:
        s.step(1)
    assert s.model.recorder.target_met
    frame = s.frame()
    assert frame.headline.startswith("The city is complete: it took ")
    assert all(r.state is PartState.HOLDING and r.fraction == 1.0 for r in frame.targets)
    assert all(r.projection.startswith("holding now (since day") for r in frame.targets)


def test_inspector_describes_a_unit_and_lists_the_newest() -> None:
    s = session_mod.Session(overrides={"run.years": 1})
    s.step(60)
    s.frame()
    cell, ids = s.units_at(0.5, 0.5)
    assert ids, f"no unit near the middle of the map (cell {cell})"
    info = s.describe(ids[0])
    assert info is not None
    for key in ("kind", "age_days", "health", "task", "builder", "output"):
        assert key in info
    table = s.unit_table("robot", limit=5)
    assert len(table) == 5 and all(r["kind"] == "robot" for r in table)
    # Newest first: birth days never increase down the list, ties by id; the first is the
    # newest robot and none left out is newer than the last shown.
    born = s.model.fleet.tables["robot"]["born"]
    keys = [(-r["born"], r["id"]) for r in table]
    assert keys == sorted(keys)
    assert table[0]["born"] == int(born.max())
    assert int(np.sort(born)[-5]) == table[-1]["born"]
    every = s.unit_table(limit=8)  # all kinds together, still newest first
    assert [r["born"] for r in every] == sorted((r["born"] for r in every), reverse=True)
    newest = max(
        int(s.model.fleet.tables[k]["born"].max())
        for k in s.model.agent_kinds
        if s.model.fleet.tables[k].n
    )
    assert every[0]["born"] == newest
    assert s.describe(10**9) is None


def test_export_gives_the_daily_table_and_a_picture() -> None:
    s = session_mod.Session(overrides={"run.years": 1})
    s.step(20)
    table = pl.read_parquet(io.BytesIO(s.daily_bytes("parquet")))
    assert table.height == 21 and "industrial_mass_t" in table.columns
    csv = pl.read_csv(io.BytesIO(s.daily_bytes("csv")))
    assert csv.height == 21
    sheet = Image.open(io.BytesIO(s.snapshot_png()))
    assert sheet.size[0] > sheet.size[1] >= 600


# -- sliders ---------------------------------------------------------------------------------------
def test_every_slider_has_a_label_from_the_schema() -> None:
    for p in params_mod.PARAMS:
        assert p.description, p.path
        assert p.label
        if p.choices and p.choices_from is None:
            assert set(p.choices) == set(params_mod.choices_of(p.path))
    interval = next(p for p in params_mod.PARAMS if p.path == "earth.lander_interval_days")
    assert interval.label == "Days between landers"
    payload = next(p for p in params_mod.PARAMS if p.path == "earth.lander_payload_t")
    assert payload.unit == "t"


def test_the_destination_select_offers_what_the_data_list_in_words() -> None:
    import yaml

    from lunarcity.resources import data_dir

    raw = yaml.safe_load((data_dir() / "destinations.yaml").read_text(encoding="utf-8"))
    dest = next(p for p in params_mod.PARAMS if p.path == "satellite.destination")
    # Read from the data (a destination added there is offered), in the file's order.
    assert dest.choices == tuple(raw["destinations"])
    labels = [params_mod.choice_label(dest, c) for c in dest.choices]
    # Each shown as its description's first clause: no internal key, no two alike.
    for name, label in zip(dest.choices, labels, strict=True):
        assert raw["destinations"][name]["description"].startswith(label)
        assert "_" not in label
    assert len(set(labels)) == len(labels)
    for name, values in params_mod.preset_values().items():
        assert values["satellite.destination"] in dest.choices, name
    assert params_mod.check("ten_year_city", {"satellite.destination": "geo"}) == {}
    refused = params_mod.check("ten_year_city", {"satellite.destination": "mars"})
    assert "unknown destination 'mars'" in refused["satellite.destination"]
    # Chosen, it makes a new city that flies there: the launch speed is the data's for GEO.
    s = session_mod.Session(overrides={"satellite.destination": "geo", "run.years": 1})
    assert s.model.thesis.destination == "geo"
    assert s.model.thesis.launch_km_s == raw["destinations"]["geo"]["from_moon"]["launch_km_s"]
    assert "geostationary orbit" in s.frame().thesis


def test_a_value_the_schema_refuses_gets_a_message_not_a_crash() -> None:
    assert params_mod.check("ten_year_city", {"earth.lander_interval_days": 7}) == {}
    errors = params_mod.check("ten_year_city", {"earth.lander_payload_t": 0})
    assert set(errors) == {"earth.lander_payload_t"}
    # In words: the friendly name and the limit, never the internal name, a path or pydantic.
    assert errors["earth.lander_payload_t"] == (
        "Not allowed: payload per lander must be between 0.01 and 1000 t."
    )


def _schema_limits(path: str) -> dict[str, float]:
    """A field's limits as the scenario's JSON schema states them (independent of params.py)."""
    from lunarcity.world.scenario import Scenario

    schema = Scenario.model_json_schema()
    node = schema
    for part in path.split("."):
        node = node["properties"][part]
        ref = node.get("$ref") or next((a["$ref"] for a in node.get("allOf", [])), None)
        if ref:
            node = schema["$defs"][ref.split("/")[-1]]
    keys = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
    return {k: float(node[k]) for k in keys if k in node}


def test_every_slider_range_lies_within_the_schema_and_holds_every_preset() -> None:
    presets = {name: params_mod.current_values(name) for name in params_mod.scenario_names()}
    for p in params_mod.PARAMS:
        if p.choices:
            continue
        stops = params_mod.slider_values(p)
        limits = _schema_limits(p.path)
        assert limits, p.path  # every steerable number has a limit in the schema
        if "minimum" in limits:
            assert stops[0] == limits["minimum"], p.path  # a closed end is offered
        if "exclusiveMinimum" in limits:
            assert stops[0] > limits["exclusiveMinimum"], p.path  # e.g. no 0 t payload, no 0 g
        if "maximum" in limits:
            assert stops[-1] == limits["maximum"], p.path
        if "exclusiveMaximum" in limits:
            assert stops[-1] < limits["exclusiveMaximum"], p.path
        for name, values in presets.items():
            # Loading a preset puts the knob exactly on its value: nothing is clamped.
            value = float(values[p.path])
            assert stops[params_mod.nearest_stop(p, value)] == value, (name, p.path)
            assert params_mod.off_slider(p, value) == "", (name, p.path)


def test_metzger2013_keeps_a_year_between_landers() -> None:
    interval = next(p for p in params_mod.PARAMS if p.path == "earth.lander_interval_days")
    assert params_mod.current_values("metzger2013")[interval.path] == 365
    assert 365.0 in params_mod.slider_values(interval)
    auxon = next(p for p in params_mod.PARAMS if p.path == "planner.produce_after_years")
    assert 100.0 in params_mod.slider_values(auxon)


def test_a_typed_value_outside_the_slider_is_kept_and_said_so() -> None:
    interval = next(p for p in params_mod.PARAMS if p.path == "earth.lander_interval_days")
    value, why = params_mod.parse(interval, "1000")
    assert value == 1000.0 and why == ""
    assert params_mod.off_slider(interval, 1000.0) == (
        "1000 days is between the slider's marks (730 and 73050 days); kept as typed"
    )
    share = next(p for p in params_mod.PARAMS if p.path == "planner.produce_share")
    assert params_mod.off_slider(share, 0.33).endswith("(0.3 and 0.35); kept as typed")
    assert params_mod.off_slider(share, 0.35) == ""
    assert params_mod.parse(interval, "-3") == (
        None,
        "-3 days is not allowed: between 1 and 73050 days.",
    )
    assert params_mod.parse(interval, "ten")[0] is None


@pytest.mark.parametrize("text", ["-1", "abc", "1.5", "", " "])
def test_the_seed_box_refuses_anything_but_a_whole_number_from_0(text: str) -> None:
    seed, why = params_mod.parse_seed(text)
    assert seed is None
    assert why.endswith(": the seed must be a whole number, 0 or more (for example 1).")
    assert "Traceback" not in why and "pydantic" not in why


def test_the_seed_box_takes_whole_numbers_from_0() -> None:
    assert params_mod.parse_seed("0") == (0, "")
    assert params_mod.parse_seed(" 42 ") == (42, "")


def test_the_player_keeps_to_its_speed_in_days_per_second() -> None:
    player = importlib.import_module("lunarcity.viz.player")
    now = [0.0]
    pacer = player.Pacer(30, clock=lambda: now[0])
    assert pacer.due() == 0
    now[0] = 0.1  # a frame later: 30 days/s x 0.1 s = 3 days due
    assert pacer.due() == 3
    pacer.advanced(3)
    now[0] = 0.3  # 9 due by 0.3 s, 3 shown: 6 behind, but a redraw moves at most 3
    assert pacer.due() == 3
    pacer.advanced(3)
    now[0] = 10.0  # a very slow frame: still 3 days, and the debt beyond 0.5 s is forgotten
    assert pacer.due() == 3
    pacer.advanced(3)
    assert pacer.start == pytest.approx(10.0 - (6 + 15) / 30)  # 15 days = half a second
    assert player.Pacer(120, clock=lambda: now[0]).most == 12
    # Ten years at the default speed take about two minutes.
    assert 100 <= 3652.5 / player.DEFAULT_SPEED <= 140


def test_scenario_picker_lists_every_preset() -> None:
    from lunarcity.resources import models_dir

    assert set(params_mod.scenario_names()) == {p.stem for p in models_dir().glob("*.yaml")}


def test_every_preset_in_the_picker_has_a_plain_name() -> None:
    # The picker and the Compare view show words.preset(name): a preset without a plain name
    # appeared as its file name ('ten year city fixed shares'), unlike the others.
    words = importlib.import_module("lunarcity.viz.words")
    for name in params_mod.scenario_names():
        assert name in words.PRESETS, name
    assert len(set(words.PRESETS.values())) == len(words.PRESETS)  # told apart in the picker


# -- the chart painter -----------------------------------------------------------------------------
def test_chart_ticks_are_round_numbers() -> None:
    assert plot_mod.nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert plot_mod.log_ticks(0.8, 2000) == [1, 10, 100, 1000]
    assert plot_mod.compact(12_345) == "12.3k" and plot_mod.compact(0) == "0"


# -- the thesis chart ------------------------------------------------------------------------------
def _hand_ledger() -> pl.DataFrame:
    """Five days of a tiny city, its Earth ledger worked by hand in the test below."""
    from lunarcity.space.earth_ledger import EarthSide, RouteFigures, earth_ledger

    side = EarthSide(tankers_per_landing=1, payload_to_leo_t=100, payload_landed_t=100, seed_t=100)
    route = RouteFigures(lunar_earth_kg_per_kw=10.0, direct_kg_per_kw=500.0)
    daily = pl.DataFrame(
        {
            "day": [0, 1, 2, 3, 4],
            "landers_dispatched": [0, 1, 1, 1, 1],
            "compute_delivered_kw": [0.0, 0.0, 100.0, 1000.0, 4000.0],
            "earth_imported_t": [100.0, 200.0, 200.0, 200.0, 200.0],
        }
    )
    return earth_ledger(daily, side, route)


def test_thesis_chart_data_worked_by_hand() -> None:
    charts_mod = importlib.import_module("lunarcity.viz.charts")
    data = charts_mod.thesis_data(_hand_ledger())
    # The 100 t seed is one landing of 100 t; each landing is 1 tanker + 1 lander = 2 launches
    # of 100 t to LEO. Landings so far: 1, 2, 2, 2, 2 -> lifted 200, 400, 400, 400, 400 t.
    # Lunar kg per kW: none until day 2; then 400,000 kg / 100 kW = 4,000; / 1,000 = 400;
    # / 4,000 = 100. Direct: 500 kg/kW once anything is delivered. Marginal: the trailing
    # year's (here all of the run's) 100 t landed after day 0 x 2 t lifted per t landed over
    # the kW delivered: none on days 0-1; 200,000 kg / 100 kW = 2,000, / 1,000 = 200, / 4,000 = 50.
    assert np.isnan(data.lunar[:2]).all() and np.isnan(data.direct[:2]).all()
    assert data.lunar[2:].tolist() == pytest.approx([4000.0, 400.0, 100.0])
    assert data.direct[2:].tolist() == pytest.approx([500.0] * 3)
    assert np.isnan(data.marginal[:2]).all()
    assert data.marginal[2:].tolist() == pytest.approx([2000.0, 200.0, 50.0])
    # Break-even: the first day the lunar figure is at or below 500: 4,000 no, 400 yes -> day 3.
    assert data.breakeven_day == 3 and data.delivered
    # Cut before day 3: no break-even yet; before day 2: nothing delivered.
    assert charts_mod.thesis_data(_hand_ledger().head(3)).breakeven_day is None
    assert not charts_mod.thesis_data(_hand_ledger().head(2)).delivered


def test_thesis_chart_marks_the_break_even_day() -> None:
    charts_mod = importlib.import_module("lunarcity.viz.charts")

    def column_darkness(ledger: pl.DataFrame) -> np.ndarray:
        png = charts_mod.thesis_png(
            charts_mod.thesis_data(ledger), running=False, xmax=4 / charts_mod.DAYS_PER_YEAR
        )
        rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
        # The plot box spans x 52..426 px (plot.py's margins at 440 px wide); day 3 of 4 is at
        # 52 + 374 x 3/4 = 332.5 px. The marker is a dashed grey line from top to bottom (the
        # grid's light grey, 230, is left out). Rows inside the plot: below the title and the
        # two legend rows (26 + 2 x 19 = 64 px), above the axis labels (250 - 36 = 214 px).
        grey = (rgb.std(axis=2) < 6) & (rgb.max(axis=2) < 200)
        return grey[70:210, 331:335].any(axis=1)

    marked = column_darkness(_hand_ledger())
    unmarked = column_darkness(_hand_ledger().head(3))
    assert marked.sum() > 40 and unmarked.sum() < 5


def test_thesis_words_say_never_once_the_run_has_ended() -> None:
    words = importlib.import_module("lunarcity.viz.words")
    assert words.breakeven(None, running=True) == "not yet"
    assert words.breakeven(None, running=False) == "never in this run"
    assert words.breakeven(1461, running=False) == "day 1,461 (year 4.0)"
    block = {
        "destination": "heliocentric",
        "compute_delivered_kw": 1000.0,
        "earth_lifted_t": 400.0,
        "earth_kg_per_kw": 400.0,
        "earth_kg_per_kw_marginal": 20.0,
        "marginal_steady": 88.0,
        "max_lifted_per_landed": 15.5,
        "lifted_per_landed": 16.0,
        "direct_earth_kg_per_kw": 100.0,
        "breakeven_day": None,
    }
    text = words.thesis(block, running=False)
    # The destination in the data's words (its description's first clause), not its key.
    assert "an orbit about the Sun near 1 AU" in text and "heliocentric" not in text
    assert "400 kg" in text and "100 kg" in text and "4.0 times as much" in text
    assert "88 kg per kW" in text and "fewer than 15.5 t" in text and "lifts 16" in text
    assert text.endswith("Break-even: never in this run.")


# -- the page --------------------------------------------------------------------------------------
def _page():
    import ipyvuetify as v
    import solara

    page = viz().Page
    box, rc = solara.render(page(), handle_error=False)

    def day() -> str:
        found = [w for w in rc.find(v.Html).widgets if "lc-day" in (w.class_ or "")]
        assert found, "no day counter"
        return found[0].children[0]

    def button(label: str):
        for b in rc.find(v.Btn).widgets:
            if label in [c for c in b.children if isinstance(c, str)]:
                return b
        raise AssertionError(f"no button {label!r}")

    return rc, day, button


def test_page_renders_and_step_moves_the_day_by_one() -> None:
    rc, day, button = _page()
    assert day().startswith("Day 0 ")
    button("Step").click()
    assert day().startswith("Day 1 ")
    button("Step").click()
    assert day().startswith("Day 2 ")
    button("Reset").click()
    assert day().startswith("Day 0 ")
    rc.close()


def test_each_rendered_page_has_its_own_city() -> None:
    rc1, day1, button1 = _page()
    rc2, day2, _ = _page()
    button1("Step").click()
    assert day1().startswith("Day 1 ") and day2().startswith("Day 0 ")
    rc1.close()
    rc2.close()


def test_the_page_imports_the_same_way_as_solara_runs_it() -> None:
    from lunarcity.resources import viz_dir

    assert (viz_dir() / "app.py").is_file()
    assert sys.modules["lunarcity.viz"].__path__[0] == str(viz_dir())
    from lunarcity.app import Page

    assert Page is viz().Page


def test_app_command_runs_solara_on_the_app_file() -> None:
    from lunarcity.commands.app import solara_command

    cmd = solara_command("127.0.0.1", 9999)
    assert cmd[0] == sys.executable and cmd[cmd.index("-m") + 1] == "solara"
    assert cmd[cmd.index("run") + 1].endswith("app.py")
    assert cmd[cmd.index("--port") + 1] == "9999"


def test_a_long_headline_wraps_on_the_exported_picture(grown: LunarCity) -> None:
    """Every word of the headline is drawn: a long one takes more lines, never runs off."""
    from PIL import ImageDraw

    from lunarcity.show.render import _font, wrap

    text = "Ten-year city (pole). The city is complete: it took 4.6 years (day 1,670), " * 2
    text = text.strip()
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = _font(600 // 34)
    lines = wrap(draw, text, font, 600 - 16)
    assert len(lines) >= 2 and " ".join(lines) == text
    assert all(draw.textlength(line, font=font) <= 600 - 16 for line in lines)
    one = render_map(grown, size=600, headline="Short.", scale_bar=False)
    two = render_map(grown, size=600, headline=text, scale_bar=False)
    # The dark band reaches further down with more lines (column 2 is band, never text).
    assert (two[:, 2] != one[:, 2]).any()

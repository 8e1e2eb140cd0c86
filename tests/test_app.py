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
from lunarcity.render import (
    KIND_COLOURS,
    Extent,
    cell_at,
    city_extent,
    map_png,
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
    assert ext.side < m.site.width  # a new city sits in the middle of the site
    assert ext.x0 <= m.site.centre[0] < ext.x1 and ext.y0 <= m.site.centre[1] < ext.y1
    corridor = m.site.rail_cells
    assert ext.x0 <= corridor[:, 0].min() and corridor[:, 0].max() < ext.x1


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
    ext = city_extent(m)

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
    assert set(frame.charts) == {"units", "mass", "power", "closure", "imports", "launches"}
    for png in [frame.map_png, frame.materials_png, *frame.charts.values()]:
        assert png.startswith(b"\x89PNG")
    assert [r.name for r in frame.targets] == list(s.model.params.target.parts)
    assert frame.headline.startswith("Not complete after")


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


def test_target_panel_reports_met_days_and_the_headline_when_complete() -> None:
    # The ten-year city meets its target in year 5.6 (docs/MODEL.md's generated table).
    s = session_mod.Session(overrides={"run.years": 7})
    while s.model.running and not s.model.recorder.target_met:
        s.step(30)
    frame = s.frame()
    assert frame.headline.startswith("City complete on day")
    assert all(r.met_day is not None and r.fraction == 1.0 for r in frame.targets)
    assert all(r.projection.startswith("met on day") for r in frame.targets)


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
        if p.choices:
            assert set(p.choices) == set(params_mod.choices_of(p.path))
    interval = next(p for p in params_mod.PARAMS if p.path == "earth.lander_interval_days")
    assert interval.label == "Days between landers"
    payload = next(p for p in params_mod.PARAMS if p.path == "earth.lander_payload_t")
    assert payload.unit == "t"


def test_a_value_the_schema_refuses_gets_a_message_not_a_crash() -> None:
    assert params_mod.check("ten_year_city", {"earth.lander_interval_days": 7}) == {}
    errors = params_mod.check("ten_year_city", {"earth.lander_payload_t": 0})
    assert set(errors) == {"earth.lander_payload_t"}
    assert "lander_payload_t" in errors["earth.lander_payload_t"]


def test_scenario_picker_lists_every_preset() -> None:
    from lunarcity.resources import models_dir

    assert set(params_mod.scenario_names()) == {p.stem for p in models_dir().glob("*.yaml")}


# -- the chart painter -----------------------------------------------------------------------------
def test_chart_ticks_are_round_numbers() -> None:
    assert plot_mod.nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert plot_mod.log_ticks(0.8, 2000) == [1, 10, 100, 1000]
    assert plot_mod.compact(12_345) == "12.3k" and plot_mod.compact(0) == "0"


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

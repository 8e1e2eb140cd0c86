"""The live app in a real browser: Debian's Chromium driven by playwright, against `lunarcity app`.

At 1366x768 (a common projector): the day, headline, map and target fit without scrolling in
Explore and Tour, no internal name shows, the charts carry legends, presets keep their values
through Reset, the seed box refuses in words, the default speed is the configured one, and a
click on the map shows the nearest unit's card beside it.

The server runs as a subprocess (its own process group, stopped by PID at the end). Without
Chromium these tests skip, unless CI is set, where they fail: CI installs Chromium (.ci/run).
The page must load with no request leaving this machine and no error in the browser console or
the server log.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshot.png"
WIDTH, HEIGHT = 1366, 768
#: snake_case words: internal names (fields, presets, metrics, kinds) must not show on the page.
INTERNAL = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|material:")
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium); CI unset")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI is set but the playwright package is missing")
        pytest.skip("the playwright package is not installed")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`lunarcity app` on a free port; yields (url, log file)."""
    _chromium()
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "LUNARCITY_DEBUG"}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lunarcity.cli", "app", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=log.parent,
            start_new_session=True,  # its own process group, so the server's children stop too
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"the app server exited:\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"the app server did not answer in 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url, log
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


class Browser:
    """One page of the app, with what it logged and requested."""

    def __init__(self, url: str, share: Browser | None = None) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = None if share is not None else sync_playwright().start()
        self.browser = (
            share.browser
            if share is not None
            else self._pw.chromium.launch(
                executable_path=_chromium(),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                ],
            )
        )
        self.context = self.browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on(
            "request",
            lambda r: None if r.url.startswith(LOCAL) else self.external.append(r.url),
        )
        started = time.monotonic()
        self.page.goto(url)
        self.page.locator(".lc-day").first.wait_for(timeout=60_000)
        self.page.locator("img.lunarcity-map").first.wait_for(timeout=60_000)
        self.load_s = time.monotonic() - started

    def day(self) -> int:
        text = self.page.locator(".lc-day").first.inner_text()
        found = re.match(r"Day ([\d,]+) ", text)
        assert found, text
        return int(found.group(1).replace(",", ""))

    def wait_day(self, test, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            d = self.day()
            if test(d):
                return d
            time.sleep(0.1)
        raise AssertionError(f"day stayed at {self.day()}")

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def drawer(self, open_: bool = True) -> None:
        """Open (or close) the Assumptions panel."""
        is_open = self.page.locator(".lc-drawer").count() > 0
        if is_open != open_:
            self.button("Assumptions").click()
            state = "visible" if open_ else "detached"
            self.page.locator(".lc-drawer").first.wait_for(state=state, timeout=10_000)

    def number(self, path: str):
        """The number box of a parameter (by dotted path)."""
        cls = ".lc-param-" + path.replace(".", "-")
        return self.page.locator(f"{cls} .lc-number input").first

    def choose_preset(self, label: str) -> None:
        self.page.locator(".lc-scenario").first.click()
        self.page.locator(".v-menu__content .v-list-item", has_text=label).first.click()

    def close(self) -> None:
        self.context.close()
        if self._pw is not None:  # its own browser, not one shared with another page
            self.browser.close()
            self._pw.stop()


@pytest.fixture(scope="module")
def app(server: tuple[str, Path]) -> Iterator[Browser]:
    b = Browser(server[0])
    yield b
    b.close()


def test_page_loads_with_map_and_charts(app: Browser, tmp_path: Path) -> None:
    page = app.page
    assert app.day() == 0
    src = page.locator("img.lunarcity-map").first.get_attribute("src")
    assert src and src.startswith("data:image/png;base64,")
    for name in ("units", "mass", "power", "closure", "imports", "launches", "thesis"):
        chart = page.locator(f"img.lc-chart-{name}").first
        chart.wait_for(timeout=10_000)
        assert chart.evaluate("e => e.naturalWidth") > 100, name
    # The thesis chart's caption, in words: nothing delivered on day 0, and where they would go.
    caption = page.locator(".lc-thesis").first.inner_text()
    assert caption.startswith("No computers delivered to an orbit about the Sun"), caption
    assert page.locator("img.lc-materials").count() == 1
    assert page.locator(".lc-headline").first.inner_text().startswith("Day 0: ")
    assert page.title() == "LunarCity: a city on the Moon"
    assert "runs on Solara" not in page.locator("body").inner_text()
    print(f"page load: {app.load_s:.2f} s")


def _bottom(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def test_explore_fits_one_screen(app: Browser) -> None:
    """Day, headline, what held it back, map and every target bar above the fold, no scroll."""
    page = app.page
    assert page.evaluate("window.scrollY") == 0
    for selector in (".lc-day", ".lc-headline", ".lc-held", "img.lunarcity-map", ".lc-targets"):
        assert _bottom(page, selector) <= HEIGHT, selector
    # The control bar is one row: Play and the Assumptions button on the same line.
    play = page.get_by_role("button", name="Play", exact=True).first.bounding_box()
    more = app.button("Assumptions").bounding_box()
    assert play and more and abs(play["y"] - more["y"]) < 20
    # The charts use the width: three to a row at 1366 px.
    tops = [
        page.locator(f"img.lc-chart-{n}").first.bounding_box()["y"]
        for n in ("units", "mass", "power")
    ]
    assert max(tops) - min(tops) < 2


def test_no_internal_names_in_the_visible_text(app: Browser) -> None:
    app.button("Step").click()
    app.wait_day(lambda d: d >= 1)
    text = app.page.locator("body").inner_text()
    assert not INTERNAL.findall(text), INTERNAL.findall(text)
    app.drawer(True)
    text = app.page.locator(".lc-drawer").first.inner_text()
    assert not INTERNAL.findall(text), INTERNAL.findall(text)
    app.drawer(False)


def test_every_chart_with_several_lines_has_a_legend(app: Browser) -> None:
    """The charts are pictures: each multi-series chart's legend row holds each line's colour."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    expected = {  # chart -> colours of its series (viz/charts.py), each must show in the legend
        "power": ["#1f77b4", "#ff7f0e"],
        "closure": ["#2ca02c", "#9467bd"],
        "launches": ["#17becf", "#e377c2"],
        "units": ["#ffd60a"],  # robots, at work from day 0
        "thesis": ["#d62728"],  # from the Moon, all so far (the first of its two legend rows)
    }
    for name, colours in expected.items():
        # The picture the browser shows (a blob: URL), read back as base64.
        data = app.page.locator(f"img.lc-chart-{name}").first.evaluate(
            """async e => {
                const b = new Uint8Array(await (await fetch(e.src)).arrayBuffer());
                let s = ""; for (const c of b) s += String.fromCharCode(c);
                return btoa(s);
            }"""
        )
        rgb = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))))[..., :3]
        band = rgb[20:44]  # the legend's first row, under the 16 px title
        for colour in colours:
            want = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
            near = (np.abs(band.astype(int) - want).sum(axis=2) < 40).sum()
            assert near >= 10, (name, colour)
        width = app.page.locator(f"img.lc-chart-{name}").first.bounding_box()["width"]
        natural = app.page.locator(f"img.lc-chart-{name}").first.evaluate("e => e.naturalWidth")
        # Drawn with 14 px text at its natural size, shown at no less than 90 % of it.
        assert width >= 0.9 * natural, name


def test_default_speed_is_the_configured_one(app: Browser) -> None:
    import importlib

    from lunarcity.app import viz

    viz()
    player = importlib.import_module("lunarcity.viz.player")
    shown = app.page.locator(".lc-speed").first.inner_text()
    assert player.speed_text(player.DEFAULT_SPEED) in shown
    assert "days/s" in shown and "10 years in 2 min" in shown


def test_step_moves_the_day_by_exactly_one(app: Browser) -> None:
    before = app.day()
    app.button("Step").click()
    after = app.wait_day(lambda d: d != before)
    time.sleep(0.5)
    assert after == before + 1 and app.day() == before + 1


def test_play_then_pause_moves_it_by_more(app: Browser) -> None:
    before = app.day()
    app.button("Play").click()
    app.wait_day(lambda d: d >= before + 3)
    app.button("Pause").click()
    time.sleep(1.0)
    paused = app.day()
    assert paused >= before + 3
    time.sleep(1.0)
    assert app.day() == paused, "the day moved after Pause"


def test_clicking_the_map_inspects_the_nearest_unit_beside_the_map(app: Browser) -> None:
    page = app.page
    image = page.locator("img.lunarcity-map").first
    box = image.bounding_box()
    assert box is not None
    # A few pixels off the centre (the founding cells): the nearest unit within a few cells.
    page.mouse.click(box["x"] + box["width"] / 2 + 7, box["y"] + box["height"] / 2 + 5)
    card = page.locator(".lc-unit").first
    card.wait_for(timeout=10_000)
    text = card.inner_text()
    for key in ("age", "health", "doing", "built by"):
        assert key in text
    # Beside the map, on the same screen.
    card_box = page.locator(".lc-inspector").first.bounding_box()
    assert card_box is not None
    assert card_box["x"] >= box["x"] + box["width"] and card_box["y"] < HEIGHT
    assert card_box["y"] + card_box["height"] <= HEIGHT
    # ... and the map rings it (the ring's magenta is on the map now).
    import base64
    import io

    import numpy as np
    from PIL import Image

    src = image.get_attribute("src")
    rgb = np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))))[..., :3]
    assert ((rgb == (255, 40, 200)).all(axis=2)).sum() > 20
    # ... and picking one from the table of newest units.
    row = page.locator(".lc-unit-row").first
    uid = re.match(r"#(\d+)", row.inner_text().strip())
    assert uid
    row.click()
    page.wait_for_function(
        f"() => document.querySelector('.lc-inspector').innerText.includes('#{uid.group(1)}')",
        timeout=10_000,
    )


def test_export_writes_the_daily_table(app: Browser, tmp_path: Path) -> None:
    app.drawer(True)
    with app.page.expect_download(timeout=30_000) as info:
        app.button("Daily table (CSV)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("day,") and len(lines) == app.day() + 2
    with app.page.expect_download(timeout=30_000) as info:
        app.button("Map and charts (PNG)").click()
    png = tmp_path / "snapshot.png"
    info.value.save_as(png)
    assert png.read_bytes().startswith(b"\x89PNG")
    app.drawer(False)


def test_a_refused_value_gets_a_message_in_words_not_a_crash(app: Browser) -> None:
    page = app.page
    app.drawer(True)
    box = app.number("earth.lander_payload_t")
    box.fill("0")
    box.press("Enter")
    error = page.locator(".lc-param-earth-lander_payload_t .lc-param-error").first
    error.wait_for(timeout=10_000)
    assert error.inner_text().strip() == "0 t is not allowed: between 0.01 and 1000 t."
    before = app.day()
    app.button("Reset").click()  # refused while a refusal stands: the city runs on
    page.locator(".lc-message", has_text="Not reset").first.wait_for(timeout=10_000)
    assert app.day() == before
    box.fill("100")
    box.press("Enter")
    error.wait_for(state="detached", timeout=10_000)
    # A value the schema takes but beyond the slider: kept, and said so.
    interval = app.number("earth.lander_interval_days")
    interval.fill("1000")
    interval.press("Enter")
    note = page.locator(".lc-param-earth-lander_interval_days .lc-off-slider").first
    note.wait_for(timeout=10_000)
    assert "kept as typed" in note.inner_text()
    interval.fill("10")
    interval.press("Enter")
    note.wait_for(state="detached", timeout=10_000)
    app.drawer(False)


@pytest.mark.parametrize("text", ["-1", "abc", "1.5", ""])
def test_the_seed_box_refuses_in_words(app: Browser, text: str) -> None:
    page = app.page
    seed = page.locator(".lc-seed input").first
    seed.fill(text)
    seed.press("Enter")
    error = page.locator(".lc-seed-error").first
    error.wait_for(timeout=10_000)  # beside the box
    assert (
        error.inner_text()
        .strip()
        .endswith("the seed must be a whole number, 0 or more (for example 1).")
    )
    before = app.day()
    app.button("Reset").click()
    page.locator(".lc-message", has_text="Not reset").first.wait_for(timeout=10_000)
    assert app.day() == before  # the city runs on, no traceback
    assert "Traceback" not in page.locator("body").inner_text()
    seed.fill("1")
    seed.press("Enter")
    error.wait_for(state="detached", timeout=10_000)


def test_a_preset_keeps_its_values_through_reset(app: Browser) -> None:
    """metzger2013 lands every 365 days and auxon_lw95 produces after 100 years: not clamped."""
    page = app.page
    for label, path, value in (
        ("Metzger 2013: small start", "earth.lander_interval_days", "365"),
        ("Self-copying robots (1995)", "planner.produce_after_years", "100"),
    ):
        app.choose_preset(label)
        app.drawer(True)
        assert app.number(path).input_value() == value
        app.button("Reset").click()
        page.wait_for_function(
            f"() => document.querySelector('.lc-running').innerText.startsWith({label!r})",
            timeout=30_000,
        )
        # Nothing changed by the controls: the run is the preset's own.
        assert "changed" not in page.locator(".lc-running").first.inner_text()
        assert app.number(path).input_value() == value
        assert page.locator(".lc-off-slider").count() == 0
        app.drawer(False)
        assert app.day() == 0
    app.choose_preset("Ten-year city (pole)")
    app.button("Reset").click()
    page.wait_for_function(
        "() => document.querySelector('.lc-running').innerText.startsWith('Ten-year city')",
        timeout=30_000,
    )


def test_a_slider_takes_effect_on_reset(app: Browser) -> None:
    page = app.page
    app.choose_preset("Ten-year city (equator)")
    app.drawer(True)
    thumb = page.locator(".lc-param-earth-lander_interval_days .v-slider__thumb-container").first
    thumb.focus()
    page.keyboard.press("ArrowRight")  # the next stop after 10 days
    page.wait_for_function(
        "() => document.querySelector('.lc-param-earth-lander_interval_days .lc-number input')"
        ".value === '14'",
        timeout=10_000,
    )
    app.button("Reset").click()
    running = page.locator(".lc-running").first
    page.wait_for_function(
        "() => document.querySelector('.lc-running').innerText.startsWith('Ten-year city (equator)')",
        timeout=20_000,
    )
    assert "changed: days between landers" in running.inner_text()
    assert app.day() == 0
    app.drawer(False)


def test_the_destination_select_makes_a_city_that_flies_there(app: Browser) -> None:
    """Where the satellites go: a select of the data's destinations, applied on Reset."""
    page = app.page
    app.choose_preset("Ten-year city (pole)")
    app.drawer(True)
    select = page.locator(".lc-param-satellite-destination .v-select").first
    assert "An orbit about the Sun near 1 AU" in select.inner_text()  # the preset's own
    select.click()
    page.locator(".v-menu__content .v-list-item", has_text="Geostationary orbit").first.click()
    app.button("Reset").click()
    page.wait_for_function(
        "() => document.querySelector('.lc-running').innerText.includes('where the satellites go')",
        timeout=30_000,
    )
    assert app.day() == 0
    # The new city's own thesis block names its destination (the caption is drawn from it).
    page.wait_for_function(
        "() => document.querySelector('.lc-thesis').innerText.includes('geostationary orbit')",
        timeout=10_000,
    )
    assert "Geostationary orbit" in select.inner_text()
    # Back to the preset's own destination (the tests after run the preset as it is).
    select.click()
    page.locator(
        ".v-menu__content .v-list-item", has_text="An orbit about the Sun near 1 AU"
    ).first.click()
    app.button("Reset").click()
    page.wait_for_function(
        "() => !document.querySelector('.lc-running').innerText.includes('changed')",
        timeout=30_000,
    )
    # Each widget updates on its own message: wait for the caption too, not just the line above.
    page.wait_for_function(
        "() => document.querySelector('.lc-thesis').innerText.includes('an orbit about the Sun')",
        timeout=10_000,
    )
    app.drawer(False)


def test_the_end_of_a_run_says_so(app: Browser, server: tuple[str, Path]) -> None:
    b = Browser(server[0], share=app)  # a session of its own
    try:
        page = b.page
        b.choose_preset("NASA 1980 seed factory")
        b.drawer(True)
        years = b.number("run.years")
        years.fill("0.05")  # 18 days
        years.press("Enter")
        b.button("Reset").click()
        page.wait_for_function(
            "() => document.querySelector('.lc-running').innerText.startsWith('NASA')",
            timeout=20_000,
        )
        b.drawer(False)
        b.button("Play").click()
        ended = page.locator(".lc-ended").first
        ended.wait_for(timeout=30_000)
        assert "The run has ended" in ended.inner_text() and "Reset" in ended.inner_text()
        assert _bottom(page, ".lc-ended") <= HEIGHT
        assert b.errors == [], b.errors
    finally:
        b.close()


def test_tour_next_key_and_compare_in_lockstep(app: Browser, server: tuple[str, Path]) -> None:
    """A presenter's next key turns the tour's chapter; Compare steps both cities together."""
    import yaml

    chapters = yaml.safe_load((REPO / "viz" / "tour.yaml").read_text(encoding="utf-8"))
    titles = [c["title"] for c in chapters["chapters"]]
    # A page of its own (a session of its own): the other tests' city is not disturbed.
    context = app.browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    errors: list[str] = []
    external: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else external.append(r.url))
    try:
        page.goto(server[0])
        page.get_by_role("button", name="Tour", exact=True).click(timeout=60_000)
        title = page.locator(".lc-tour-title").first
        title.wait_for(timeout=60_000)
        assert title.inner_text() == titles[0]
        page.locator("img.lc-tour-map").first.wait_for(timeout=30_000)
        # One screen: the chapter, the day, the headline, the map and the target, no scroll.
        for selector in (
            ".lc-tour-title",
            ".lc-tour-day",
            ".lc-headline",
            "img.lc-tour-map",
            ".lc-targets",
        ):
            assert _bottom(page, selector) <= HEIGHT, selector
        assert not INTERNAL.findall(page.locator("body").inner_text())
        page.keyboard.press("ArrowRight")  # what a presenter's clicker sends (or PageDown)
        page.locator(".lc-tour-title", has_text=titles[1]).first.wait_for(timeout=30_000)
        page.locator(".lc-compare-day").nth(1).wait_for(timeout=30_000)  # two sites side by side

        page.get_by_role("button", name="Compare", exact=True).click()
        page.locator(".lc-tour-title").first.wait_for(state="detached", timeout=30_000)
        step = page.locator(".lc-compare-step").first
        step.wait_for(timeout=30_000)
        days = page.locator(".lc-compare-day")

        def both() -> list[int]:
            return [
                int(re.match(r"Day ([\d,]+) ", t).group(1).replace(",", ""))
                for t in days.all_inner_texts()
            ]

        before = both()
        assert len(before) == 2 and before[0] == before[1]
        step.click()
        deadline = time.monotonic() + 30
        while both() != [before[0] + 1] * 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert both() == [before[0] + 1] * 2
        assert not INTERNAL.findall(page.locator("body").inner_text())
        assert errors == [], errors
        assert external == [], external
    finally:
        context.close()


#: Visible DOM text under 12 px: [text, px, class] for every text node a reader could see.
SMALL_TEXT_JS = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walk.nextNode())) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || ['STYLE', 'SCRIPT', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < 12) out.push([text.slice(0, 60), px, String(el.className).slice(0, 60)]);
  }
  return out;
}"""
#: Solara's busy bar (shown after 300 ms of server work on an action), with its badge.
BUSY_JS = """() => {
  const bar = document.querySelector('.v-application--wrap > .v-progress-linear');
  return bar !== null && getComputedStyle(bar).visibility === 'visible'
    && getComputedStyle(bar, '::after').content.includes('Working');
}"""


def _plain_words():
    import importlib

    from lunarcity.app import viz

    viz()
    return importlib.import_module("lunarcity.viz.words")


def _internal_names(text: str) -> list[str]:
    """Internal unit-kind names ('regolith_plant', 'storage bank', ...) in a visible text."""
    low = text.lower()
    return [n for n in _plain_words().internal_names() if re.search(rf"\b{re.escape(n)}s?\b", low)]


def test_first_screen_answers_both_questions(app: Browser) -> None:
    """Map, day, headline, target rows and both one-line answers above the fold; the thesis
    chart one click away, where the map stands."""
    page = app.page
    # The top of the page, as it opens (an earlier test clicked a button further down).
    page.evaluate(
        "() => { for (const e of [document.scrollingElement, ...document.querySelectorAll('*')])"
        " if (e && e.scrollTop) e.scrollTop = 0; }"
    )
    for selector in (
        "img.lunarcity-map",
        ".lc-day",
        ".lc-headline",
        ".lc-targets",
        ".lc-answer-city",
        ".lc-answer-moon",
    ):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["y"] >= 0, selector
        assert box["y"] + box["height"] <= HEIGHT, selector
    assert page.locator(".lc-target-row").count() == 5
    assert page.locator(".lc-answer-moon").first.inner_text().startswith("Moon or Earth: ")
    assert page.locator(".lc-answer-city").first.inner_text().startswith("A city in 10 years: ")
    page.get_by_role("button", name="Moon or Earth chart", exact=True).click()
    chart = page.locator("img.lc-thesis-beside").first
    chart.wait_for(timeout=10_000)
    box = chart.bounding_box()
    answers = page.locator(".lc-answers").first.bounding_box()
    assert box and answers and box["x"] + box["width"] <= answers["x"]  # beside the text
    assert box["y"] + box["height"] <= HEIGHT
    page.get_by_role("button", name="Map", exact=True).click()
    page.locator("img.lunarcity-map").first.wait_for(timeout=10_000)


#: Each target row as drawn: its text, and the bar's colour classes.
TARGET_ROWS_JS = """() => [...document.querySelectorAll('.lc-target-row')].map(r => {
  const bar = r.querySelector('.v-progress-linear__determinate');
  return [r.innerText.trim(), bar ? String(bar.className) : ''];
})"""
#: A row: "<label>: <value> — <state words>".
ROW = re.compile(r"^(?P<label>[^:]+): (?P<value>.+?) — (?P<state>.+)$", re.S)
#: A value against its goal: "244,338 t of 40,000 t", "97% of 90%".
AMOUNT = re.compile(r"^(?P<value>[\d,.]+)\s*(?P<unit>%|[^\d\s]\S*)? of (?P<goal>[\d,.]+)")


def _figure(text: str, unit: str | None) -> float:
    return float(text.replace(",", "")) / (100.0 if unit == "%" else 1.0)


def test_ten_years_on_no_target_row_reads_held_below_its_goal(
    server: tuple[str, Path], app: Browser
) -> None:
    """The default city run to its tenth year ("To the end"): the first screen still shows the
    map, the day, the headline, the target rows and the Moon-or-Earth line; every row's state
    is one of the three (holding now, held before ... but not now, not yet), and no row shows
    holding (in words or a green bar) while its value is short of its goal."""
    from lunarcity.world.scenario import resolve_scenario

    words = _plain_words()
    session = importlib.import_module("lunarcity.viz.session")
    parts = resolve_scenario(session.DEFAULT_SCENARIO).target.parts
    floors = {words.metric(p.metric): p.at_least is not None for p in parts.values()}
    b = Browser(server[0], share=app)  # a session of its own, on the default city at day 0
    try:
        page = b.page
        assert b.day() == 0
        started = time.monotonic()
        b.button("To the end").click()
        page.locator(".lc-ended").first.wait_for(timeout=90_000)
        # Each widget updates on its own message: wait until the rows stop changing.
        rows = page.evaluate(TARGET_ROWS_JS)
        while True:
            time.sleep(0.5)
            again = page.evaluate(TARGET_ROWS_JS)
            if again == rows:
                break
            rows = again
        print(f"to the end: {time.monotonic() - started:.1f} s")
        assert b.day() == round(10 * 365.25)  # day 3,652: the ten-year run's last day
        for selector in (
            "img.lunarcity-map",
            ".lc-day",
            ".lc-headline",
            ".lc-targets",
            ".lc-answer-moon",
        ):
            box = page.locator(selector).first.bounding_box()
            assert box is not None and box["y"] >= 0, selector
            assert box["y"] + box["height"] <= HEIGHT, selector
        assert len(rows) == len(parts)
        holding = 0
        for text, bar in rows:
            found = ROW.match(" ".join(text.split()))
            assert found, text
            label, value, state = found["label"], found["value"], found["state"]
            assert label in floors, (label, list(floors))
            assert (
                state.startswith("holding now")
                or (state.startswith("held before") and state.endswith("but not now"))
                or state.startswith("not yet")
            ), text
            shown = state.startswith("holding now") or "success" in bar
            if value in ("operating", "not operating"):  # the mass driver: yes or no
                short = value == "not operating"
            elif value.startswith("not growing"):  # an infinite doubling time
                short = floors[label] is False
            else:
                amount = AMOUNT.match(value)
                assert amount, text
                figure = _figure(amount["value"], amount["unit"])
                goal = _figure(amount["goal"], amount["unit"])
                short = figure < goal if floors[label] else figure > goal
            assert not (shown and short), f"shown as holding, short of its goal: {text}"
            # ... and the words and the bar agree with each other.
            assert state.startswith("holding now") == ("success" in bar), (text, bar)
            holding += state.startswith("holding now")
        headline = page.locator(".lc-headline").first.inner_text()
        if holding < len(rows):  # a part not holding today: "complete" is said with a "but"
            assert "complete:" not in headline or "Not every part holds today" in headline, headline
        assert b.errors == [], b.errors
    finally:
        b.close()


def test_preset_menu_opens_above_the_open_drawer(app: Browser) -> None:
    """With Assumptions open, any preset in the menu can be chosen (not only the first), and an
    edit the switch sets aside is named."""
    page = app.page
    app.drawer(True)
    box = app.number("earth.lander_payload_t")
    box.fill("42")
    box.press("Enter")
    page.locator(".lc-message", has_text="Reset to apply").first.wait_for(timeout=10_000)
    app.choose_preset("Ten-year city (equator)")  # the menu's third item, over the drawer
    select = page.locator(".lc-scenario").first
    page.wait_for_function(
        "() => document.querySelector('.lc-scenario').innerText.includes('equator')",
        timeout=10_000,
    )
    # Each widget updates on its own message: wait for the note, not just the select.
    note = page.locator(".lc-message", has_text="set aside").first
    note.wait_for(timeout=10_000)
    assert "Your changes (payload per lander) were set aside" in note.inner_text()
    assert "equator" in select.inner_text()
    app.choose_preset("Ten-year city (pole)")
    app.drawer(False)


def test_every_view_has_12_px_text_and_plain_names(server: tuple[str, Path], app: Browser) -> None:
    """Explore (and its drawer and materials view), every tour chapter and Compare: no visible
    DOM text under 12 px, no internal unit name; a slow chapter change shows the busy badge,
    and a GIF recording its progress."""
    b = Browser(server[0], share=app)  # a session of its own
    try:
        page = b.page
        # The check itself finds small text: a 10 px line put on the page is reported.
        page.evaluate(
            "() => { const d = document.createElement('div'); d.id = 'lc-probe';"
            " d.style.fontSize = '10px'; d.textContent = 'probe'; document.body.append(d); }"
        )
        assert ["probe", 10, ""] in page.evaluate(SMALL_TEXT_JS)
        page.evaluate("() => document.getElementById('lc-probe').remove()")

        def check(view: str) -> None:
            small = page.evaluate(SMALL_TEXT_JS)
            assert small == [], (view, small)
            found = _internal_names(page.locator("body").inner_text())
            assert found == [], (view, found)

        b.button("Play").click()
        b.wait_day(lambda d: d >= 30, timeout=30)
        b.button("Pause").click()
        page.locator("img.lc-materials").first.scroll_into_view_if_needed()
        check("Explore")
        page.locator(".lc-newest-kind").first.click()  # its list: kinds by their plain names
        page.locator(".v-menu__content .v-list-item", has_text="soil refineries").first.wait_for(
            timeout=10_000
        )
        check("Newest machines' list")
        page.keyboard.press("Escape")
        b.drawer(True)
        check("Assumptions")
        # The CSV's sidecar: a line for each of its columns, with plain name, unit and meaning.
        with page.expect_download(timeout=30_000) as info:
            b.button("Column guide (CSV)").click()
        guide = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
        assert guide[0] == "column,plain name,unit,meaning"
        assert guide[1].startswith("day,Day,day,") and len(guide) > 50
        # Record shows its progress while the run is replayed.
        with page.expect_download(timeout=60_000):
            b.button("Record (GIF)").click()
            page.locator(".lc-record-progress").first.wait_for(timeout=20_000)
            assert "Recording: " in page.locator(".lc-record-progress").first.inner_text()
        b.drawer(False)
        page.evaluate("window.scrollTo(0, 0)")
        page.get_by_role("button", name="Tour", exact=True).click()
        title = page.locator(".lc-tour-title").first
        title.wait_for(timeout=60_000)
        count = int(re.search(r"of (\d+)", page.locator(".lc-tour-count").inner_text()).group(1))
        busy_seen = False
        for i in range(1, count + 1):
            page.locator(".lc-tour-title", has_text=f"{i}. ").first.wait_for(timeout=30_000)
            page.wait_for_function(f"() => !({BUSY_JS})()", timeout=30_000)
            check(f"Tour chapter {i}")
            if "Moon or from Earth" in title.inner_text():
                # The thesis chapter opens on its chart, on the first screen.
                chart = page.locator("img.lc-thesis-beside").first
                chart.wait_for(timeout=10_000)
                box = chart.bounding_box()
                assert box and box["y"] + box["height"] <= HEIGHT
            if i < count:
                page.keyboard.press("ArrowRight")
                if i == 5:  # chapter 6 steps its city 5.8 years on opening: over 300 ms
                    try:
                        page.wait_for_function(BUSY_JS, timeout=5_000, polling=50)
                        busy_seen = True
                    except Exception:  # noqa: BLE001 - said in the assertion below
                        busy_seen = False
        assert busy_seen, "no busy badge while the thesis chapter loaded"
        page.get_by_role("button", name="Compare", exact=True).click()
        page.locator(".lc-compare-step").first.wait_for(timeout=30_000)
        check("Compare")
        assert b.errors == [], b.errors
    finally:
        b.close()


def test_no_errors_and_nothing_fetched_from_outside(app: Browser, server: tuple[str, Path]) -> None:
    assert app.errors == [], app.errors
    assert app.external == [], app.external
    log = server[1].read_text()
    for bad in ("Traceback", "Error", "Could not load URL", "Warning"):
        assert bad not in log, log[-3000:]

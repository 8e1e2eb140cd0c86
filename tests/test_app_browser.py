"""The live app in a real browser: Debian's Chromium driven by playwright, against `lunarcity app`.

The server runs as a subprocess (its own process group, stopped by PID at the end). Without
Chromium these tests skip, unless CI is set, where they fail: CI installs Chromium (.ci/run).
The page must load with no request leaving this machine and no error in the browser console or
the server log.
"""

from __future__ import annotations

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

    def __init__(self, url: str) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(
            executable_path=_chromium(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        self.context = self.browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
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
        found = re.match(r"Day (\d+) ", text)
        assert found, text
        return int(found.group(1))

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

    def close(self) -> None:
        self.context.close()
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
    for name in ("units", "mass", "power", "closure", "imports", "launches"):
        chart = page.locator(f"img.lc-chart-{name}").first
        chart.wait_for(timeout=10_000)
        assert chart.evaluate("e => e.naturalWidth") > 100, name
    assert page.locator("img.lc-materials").count() == 1
    assert "Not complete after" in page.locator(".lc-headline").first.inner_text()
    print(f"page load: {app.load_s:.2f} s")

    shot = tmp_path / "screenshot.png"
    page.screenshot(path=str(shot))
    small = _small_png(shot)
    assert small.stat().st_size < 300_000
    if os.environ.get("LUNARCITY_UPDATE_SCREENSHOT") or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(small, SCREENSHOT)


def _small_png(path: Path) -> Path:
    """The screenshot in 256 colours: a few hundred KB becomes well under 300 KB."""
    from PIL import Image

    out = path.with_name("screenshot_small.png")
    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    return out


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


def test_clicking_the_map_inspects_a_unit(app: Browser) -> None:
    page = app.page
    page.locator("img.lunarcity-map").first.click()  # the centre: the city's first units
    inspector = page.locator(".lc-unit").first
    inspector.wait_for(timeout=10_000)
    text = inspector.inner_text()
    for key in ("kind", "age days", "health", "task", "builder", "output"):
        assert key in text
    # ... and picking one from the table of newest units.
    row = page.locator(".lc-unit-row").first
    uid = re.match(r"#(\d+)", row.inner_text().strip())
    assert uid
    row.click()
    page.wait_for_function(
        f"() => document.querySelector('.lc-unit').innerText.includes('{uid.group(1)}')",
        timeout=10_000,
    )


def test_export_writes_the_daily_table(app: Browser, tmp_path: Path) -> None:
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


def test_a_refused_value_gets_a_message_not_a_crash(app: Browser) -> None:
    page = app.page
    thumb = page.locator(".lc-param-earth-lander_payload_t .v-slider__thumb-container").first
    thumb.focus()
    page.keyboard.press("Home")  # 0 t: the schema wants a positive payload
    error = page.locator(".lc-param-earth-lander_payload_t .lc-param-error").first
    error.wait_for(timeout=10_000)
    assert "lander_payload_t" in error.inner_text()
    before = app.day()
    app.button("Reset").click()
    page.locator(".lc-message", has_text="Not reset").first.wait_for(timeout=10_000)
    assert app.day() == before  # the city runs on
    thumb.focus()
    page.keyboard.press("End")
    error.wait_for(state="detached", timeout=10_000)


def test_scenario_and_slider_take_effect_on_reset(app: Browser) -> None:
    page = app.page
    page.locator(".lc-scenario").first.click()
    page.locator(".v-menu__content .v-list-item", has_text="equator_site").first.click()
    thumb = page.locator(".lc-param-earth-lander_interval_days .v-slider__thumb-container").first
    label = page.locator(".lc-param-earth-lander_interval_days").first
    thumb.focus()
    start = int(re.search(r": (\d+)", label.inner_text()).group(1))
    page.keyboard.press("ArrowRight")
    page.locator(".lc-param-earth-lander_interval_days", has_text=f": {start + 1}").first.wait_for(
        timeout=10_000
    )
    app.button("Reset").click()
    running = page.locator(".lc-running").first
    page.wait_for_function(
        "() => document.querySelector('.lc-running').innerText.startsWith('equator_site')",
        timeout=20_000,
    )
    assert f"earth.lander_interval_days={start + 1}" in running.inner_text()
    assert app.day() == 0


def test_tour_next_key_and_compare_in_lockstep(app: Browser, server: tuple[str, Path]) -> None:
    """A presenter's next key turns the tour's chapter; Compare steps both cities together."""
    import yaml

    chapters = yaml.safe_load((REPO / "viz" / "tour.yaml").read_text(encoding="utf-8"))
    titles = [c["title"] for c in chapters["chapters"]]
    # A page of its own (a session of its own): the other tests' city is not disturbed.
    context = app.browser.new_context(viewport={"width": 1400, "height": 1000})
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
        page.keyboard.press("ArrowRight")  # what a presenter's clicker sends (or PageDown)
        page.locator(".lc-tour-title", has_text=titles[1]).first.wait_for(timeout=30_000)
        page.locator(".lc-compare-day").nth(1).wait_for(timeout=30_000)  # two sites side by side

        page.get_by_role("button", name="Compare", exact=True).click()
        page.locator(".lc-tour-title").first.wait_for(state="detached", timeout=30_000)
        step = page.locator(".lc-compare-step").first
        step.wait_for(timeout=30_000)
        days = page.locator(".lc-compare-day")

        def both() -> list[int]:
            return [int(re.match(r"Day (\d+) ", t).group(1)) for t in days.all_inner_texts()]

        before = both()
        assert len(before) == 2 and before[0] == before[1]
        step.click()
        deadline = time.monotonic() + 30
        while both() != [before[0] + 1] * 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert both() == [before[0] + 1] * 2
        assert errors == [], errors
        assert external == [], external
    finally:
        context.close()


def test_no_errors_and_nothing_fetched_from_outside(app: Browser, server: tuple[str, Path]) -> None:
    assert app.errors == [], app.errors
    assert app.external == [], app.external
    log = server[1].read_text()
    for bad in ("Traceback", "Error", "Could not load URL", "Warning"):
        assert bad not in log, log[-3000:]

"""Screenshots of the app's three modes at 1366x768 (a common projector), for docs/ and README.

Starts ``lunarcity app`` on a free port, drives Debian's Chromium with playwright, and writes:

- ``docs/app_explore.png``: Explore after playing the ten-year city to about year 5, a unit
  inspected (README's picture, ``docs/screenshot.png``, is the same view);
- ``docs/app_tour.png``: the tour's first chapter, played a little;
- ``docs/app_compare.png``: Compare, pole against equator, played a little.

    python docs/screenshots.py [--out docs]

Each picture is saved in 256 colours (a few hundred KB at most). Needs Chromium
(``apt-get install chromium``) and the ``playwright`` package.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WIDTH, HEIGHT = 1366, 768
DOCS = Path(__file__).resolve().parent


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def app_server(log: Path) -> Iterator[str]:
    """``lunarcity app`` on a free port in its own process group; yields its URL."""
    port = free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lunarcity.cli", "app", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
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
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app server did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def small_png(src: Path, dst: Path) -> None:
    """``src`` in 256 colours at ``dst``."""
    from PIL import Image

    image = Image.open(src).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(dst, optimize=True)


def day_of(page) -> int:
    """The Explore view's day counter."""
    text = page.locator(".lc-day").first.inner_text()
    return int(text.split()[1].replace(",", ""))


def play_until(page, test, timeout: float = 300.0) -> None:
    """Press Play, wait until ``test(day)`` holds, press Pause."""
    page.get_by_role("button", name="Play", exact=True).first.click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not test(day_of(page)):
        time.sleep(0.5)
    page.get_by_role("button", name="Pause", exact=True).first.click()
    time.sleep(1.0)


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; 0 when done, 2 without Chromium."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="folder to write to")
    parser.add_argument("--years", type=float, default=5.0, help="Explore plays to this year")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = args.out / ".screenshot.tmp.png"
    with app_server(args.out / ".screenshots-server.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(url)
            page.locator(".lc-day").first.wait_for(timeout=60_000)
            play_until(page, lambda d: d >= args.years * 365.25)
            box = page.locator("img.lunarcity-map").first.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.locator(".lc-unit").first.wait_for(timeout=20_000)
            time.sleep(1.0)
            page.screenshot(path=str(tmp))
            small_png(tmp, args.out / "app_explore.png")
            shutil.copyfile(args.out / "app_explore.png", args.out / "screenshot.png")

            for mode, name, ready in (
                ("Tour", "app_tour.png", "img.lc-tour-map"),
                ("Compare", "app_compare.png", ".lc-compare-step"),
            ):
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                page.goto(url)
                page.locator(".lc-day").first.wait_for(timeout=60_000)
                page.get_by_role("button", name=mode, exact=True).click()
                page.locator(ready).first.wait_for(timeout=60_000)
                page.get_by_role("button", name="Play", exact=True).first.click()
                time.sleep(25)
                page.get_by_role("button", name="Pause", exact=True).first.click()
                time.sleep(1.5)
                page.screenshot(path=str(tmp))
                small_png(tmp, args.out / name)
        finally:
            browser.close()
            tmp.unlink(missing_ok=True)
            (args.out / ".screenshots-server.log").unlink(missing_ok=True)
    for name in ("app_explore.png", "app_tour.png", "app_compare.png", "screenshot.png"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

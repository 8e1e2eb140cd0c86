"""``lunarcity record``: a run's map as an animated GIF, frame by frame, with bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lunarcity.errors import InputError
from lunarcity.show.recording import (
    BAND,
    HOLD_LAST_S,
    frame_days,
    frame_shape,
    mp4_available,
    record,
)
from lunarcity.show.render import KIND_COLOURS

#: 60 days exactly (run.years is in years of 365.25 days).
SIXTY_DAYS = repr(60 / 365.25)


def gif_frames(path: Path) -> tuple[int, tuple[int, int], list[int]]:
    """Frames, size and per-frame durations (ms) of a GIF."""
    with Image.open(path) as im:
        durations = []
        for i in range(im.n_frames):
            im.seek(i)
            durations.append(int(im.info.get("duration", 0)))
        return im.n_frames, im.size, durations


def test_record_cli_writes_one_frame_per_interval(cli, tmp_path: Path) -> None:
    out = tmp_path / "city.gif"
    result = cli(
        "record", "ten_year_city", "--out", out, "--years", SIXTY_DAYS, "--every", "10",
        "--size", "160", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # Days 0, 10, ..., 60: seven frames.
    assert report["frames"] == 7
    assert report["summary"]["days_simulated"] == 60
    n, size, durations = gif_frames(out)
    assert n == 7
    assert size == frame_shape(160) == (report["width"], report["height"])
    assert size[0] == 160 and size[1] > 160  # the square map under the headline band
    # The last frame, with the run's headline, is held longer than the others.
    assert durations[-1] > durations[0] > 0
    assert not list(tmp_path.glob(".*tmp*")), "the temporary file was left behind"


def _map_region(frame: Image.Image, size: int) -> np.ndarray:
    """The square map under the headline band, as an (size, size, 3) array."""
    band = frame_shape(size)[1] - size
    return np.asarray(frame.crop((0, band, size, band + size)).convert("RGB"))


def test_frames_show_the_map_and_it_changes_as_the_city_grows(tmp_path: Path) -> None:
    rec = record("ten_year_city", tmp_path / "a.gif", years=60 / 365.25, every=25, size=128)
    assert rec.frames == len(frame_days(60, 25)) == 4  # days 0, 25, 50 and the last, 60
    with Image.open(rec.path) as im:
        first = im.convert("RGB").copy()
        im.seek(im.n_frames - 1)
        last = im.convert("RGB").copy()
    assert first.size == last.size == frame_shape(128)
    a, b = _map_region(first, 128), _map_region(last, 128)
    # The map is drawn under the band: terrain, units and the legend, not the band's colour.
    for region in (a, b):
        colours = np.unique(region.reshape(-1, 3), axis=0)
        assert len(colours) >= 8, "the map region is (nearly) one colour: no map drawn"
        assert (region != np.array(BAND, dtype=np.uint8)).any(axis=2).mean() > 0.5
    # The robots' yellow (KIND_COLOURS["robot"]) stands on the map, give or take the palette.
    robot = np.array(KIND_COLOURS["robot"], dtype=int)
    assert (np.abs(b.astype(int) - robot).sum(axis=2) <= 24).any(), "no robot drawn"
    # Sixty days later the city has grown and the window zoomed out: the map differs in
    # a visible share of its pixels, not just the day counter in the band.
    changed = (a != b).any(axis=2).mean()
    assert changed > 0.05, f"only {changed:.1%} of the map changed"


@pytest.mark.parametrize("name", ["city.png", "city", "city.gif.txt"])
def test_bad_suffix_is_exit_2(cli, tmp_path: Path, name: str) -> None:
    result = cli("record", "ten_year_city", "--out", tmp_path / name)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert ".gif" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(
    "option", [("--every", "0"), ("--fps", "0"), ("--size", "10"), ("--years", "0.0001")]
)
def test_bad_options_are_exit_2(cli, tmp_path: Path, option: tuple[str, str]) -> None:
    result = cli("record", "ten_year_city", "--out", tmp_path / "c.gif", *option)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert option[0] in result.stderr


@pytest.mark.parametrize(
    ("keywords", "named"),
    [
        ({"every": 0}, "every must be at least 1 day (got 0)"),
        ({"fps": 0}, "fps must be above 0"),
        ({"size": 10}, "size must be between"),
        # 200 years is 73,050 days: a frame a day is 73,051 frames, over the 14,400 a recording
        # holds; the least interval that fits is ceil(73,050 / 14,398) = 6 days.
        ({"years": 200, "every": 1}, "(valid: every=6 or more, or fewer years)"),
    ],
)
def test_bad_keywords_from_python_are_named_as_keywords(
    tmp_path: Path, keywords: dict, named: str
) -> None:
    # record() from Python names its keywords, not command-line flags nobody typed.
    with pytest.raises(InputError) as err:
        record("ten_year_city", tmp_path / "c.gif", **keywords)
    assert named in str(err.value)
    assert "--" not in str(err.value)
    with pytest.raises(InputError, match=r"^out: cannot record to 'c\.png'"):
        record("ten_year_city", tmp_path / "c.png")


def test_bad_scenario_is_exit_2(cli, tmp_path: Path) -> None:
    result = cli("record", "no_such_city", "--out", tmp_path / "c.gif")
    assert result.returncode == 2
    assert "no preset or file" in result.stderr


@pytest.mark.skipif(mp4_available(), reason="imageio-ffmpeg is installed here")
def test_mp4_without_ffmpeg_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="imageio-ffmpeg"):
        record("ten_year_city", tmp_path / "c.mp4", years=0.05)


@pytest.mark.skipif(not mp4_available(), reason="imageio-ffmpeg is not installed")
def test_mp4(tmp_path: Path) -> None:
    import imageio.v2 as imageio

    rec = record("ten_year_city", tmp_path / "c.mp4", years=30 / 365.25, every=10, size=128)
    assert rec.format == "mp4" and rec.path.stat().st_size > 0
    assert rec.frames == 4  # days 0, 10, 20 and 30
    # Decoded: the frames plus the last one held (HOLD_LAST_S at rec.fps), of the frame's size,
    # each showing a map (many colours under the band; video compression blurs exact colours).
    with imageio.get_reader(rec.path, format="FFMPEG") as reader:
        frames = [np.asarray(f) for f in reader]
    assert len(frames) == 3 + max(1, round(HOLD_LAST_S * rec.fps))
    assert frames[0].shape == (frame_shape(128)[1], 128, 3)
    for frame in (frames[0], frames[-1]):
        assert len(np.unique(_map_region(Image.fromarray(frame), 128).reshape(-1, 3), axis=0)) > 50

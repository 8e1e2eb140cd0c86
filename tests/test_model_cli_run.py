"""``lunarcity run`` says whether the ten-year city is met, when, and what held it back.

Each case runs the command as a user would (a subprocess) and checks the headline against the
same run's ``--json`` summary; ``--out x.csv`` writes the daily table as CSV.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import polars as pl

import lunarcity

#: What can bind a day (lunarcity/stages/bottleneck.py).
CONSTRAINT = r"(power|labour|imports|launch|none|material:[a-z_]+)"
#: A target any city meets within weeks: the seed (~93 t) grows past 150 t.
EASY_TARGET = "target.parts={mass: {metric: industrial_mass_t, at_least: 150, why: test}}"


Cli = Callable[..., subprocess.CompletedProcess[str]]


def _headline_and_summary(cli: Cli, *args: str) -> tuple[str, dict]:
    text = cli("run", *args)
    assert text.returncode == 0, text.stderr
    js = cli("run", *args, "--json")
    assert js.returncode == 0, js.stderr
    lines = [line.strip() for line in text.stdout.splitlines() if line.strip()]
    # The scenario line, then the headline.
    assert lines[0].startswith("ten_year_city (seed ")
    return lines[1], json.loads(js.stdout)


def test_headline_of_a_city_not_yet_complete_names_the_bottleneck(cli: Cli) -> None:
    headline, s = _headline_and_summary(cli, "--years", "0.5", "--seed", "2")
    m = re.fullmatch(
        rf"Not complete after 0\.5 years \(horizon 10\): held back by {CONSTRAINT}\.", headline
    )
    assert m, headline
    assert not s["target_met"] and s["target_day"] is None
    assert m.group(1) == s["bottleneck"]
    assert s["bottleneck_days"][s["bottleneck"]] == max(s["bottleneck_days"].values())


def test_headline_when_the_horizon_passes_without_the_city(cli: Cli) -> None:
    headline, s = _headline_and_summary(cli, "--years", "0.3", "--set", "target.horizon_years=0.3")
    m = re.fullmatch(rf"Not complete in 0\.3 years: held back by {CONSTRAINT}\.", headline)
    assert m, headline
    assert m.group(1) == s["bottleneck"]


def test_headline_of_a_complete_city_says_when(cli: Cli) -> None:
    headline, s = _headline_and_summary(cli, "--years", "0.5", "--set", EASY_TARGET)
    m = re.fullmatch(
        r"City complete on day ([\d,]+) \(year (\d+\.\d)\), within 10 years\.", headline
    )
    assert m, headline
    assert s["target_met"] is True
    assert m.group(1) == f"{s['target_day']:,}" and s["target_day"] == s["target_parts"]["mass"]
    assert float(m.group(2)) == round(s["target_day"] / 365.25, 1)


def test_out_csv_writes_the_daily_table(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    proc = cli("run", "--years", "0.2", "--seed", "4", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "Not complete after" in proc.stdout  # the summary still goes to stdout
    assert str(out) in proc.stderr  # and the message to stderr
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("day,")
    table = pl.read_csv(out)
    here = lunarcity.run("ten_year_city", seed=4, years=0.2).daily
    assert table.columns == here.columns
    assert table.height == here.height == 74
    assert table["day"].to_list() == list(range(74))
    assert table["bottleneck"].to_list() == here["bottleneck"].to_list()
    for col in ("industrial_mass_t", "units_total", "mass_balance_rel_error"):
        assert (table[col] - here[col]).abs().max() <= 1e-9 * max(1.0, here[col].abs().max())


def test_out_with_another_suffix_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    proc = cli("run", "--years", "0.05", "--out", tmp_path / "x.txt")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.txt").exists()


def test_the_line_under_the_headline_says_what_earth_landed(cli: Cli) -> None:
    text = cli("run", "--years", "0.3")
    lines = [line.strip() for line in text.stdout.splitlines() if line.strip()]
    s = json.loads(cli("run", "--years", "0.3", "--json").stdout)
    landed = f"{s['earth_imported_t']:,.0f} t"
    assert lines[2].startswith(f"Landed from Earth: {landed}")
    assert "Earth-fed" in " ".join(lines[2:4]) and "self-growing" not in text.stdout


def test_when_earth_stops_the_line_says_what_followed(cli: Cli) -> None:
    args = ("--years", "0.3", "--set", "earth.until_years=0.2")
    text = cli("run", *args)
    s = json.loads(cli("run", *args, "--json").stdout)
    ss = s["self_sufficiency"]
    assert s["days_simulated"] == round(5.2 * 365.25)  # at least Y + 5 years
    said = " ".join(line.strip() for line in text.stdout.splitlines()[2:5])
    assert "Earth stopped at year 0.2" in said
    if ss["last_ran_out_day"] is not None:
        assert f"ran out by day {ss['last_ran_out_day']:,}" in said
    assert ("kept growing" in said) == bool(ss["kept_growing"])
    if ss["kept_growing"] is False:
        assert f"growth stopped on day {ss['growth_stopped_day']:,}" in said

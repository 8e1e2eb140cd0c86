"""The README's commands keep working, and CI runs the test command the README gives."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
PREFIX = ".venv/bin/lunarcity"
#: Commands that start a long job or a server: the README shows them, other tests cover them.
NOT_RUN_HERE = {"app"}  # the app serves until stopped: its own tests cover it


def bash_blocks(markdown: str) -> list[str]:
    """The bodies of the ```bash fenced blocks."""
    return re.findall(r"^```(?:bash|sh|shell)\n(.*?)^```", markdown, flags=re.S | re.M)


def readme_commands() -> list[str]:
    """Lines of the README's bash blocks that run the ``lunarcity`` console script."""
    return [
        line.strip()
        for block in bash_blocks(README)
        for line in block.splitlines()
        if line.strip().startswith(PREFIX)
    ]


def _bin_dir() -> Path:
    # The console scripts installed beside the test interpreter (a venv's bin/).
    return Path(sys.executable).parent


def _console_script() -> list[str]:
    script = _bin_dir() / "lunarcity"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "lunarcity.cli"]


@cache
def available_commands() -> frozenset[str]:
    result = subprocess.run(
        [*_console_script(), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # argparse lists subcommands as "    name    help" lines after "positional arguments".
    return frozenset(re.findall(r"^    (\w+)\b", result.stdout, flags=re.M))


def subcommand(line: str) -> str:
    words = shlex.split(line, comments=True)
    return words[1] if len(words) > 1 else ""


def test_readme_has_economy_commands() -> None:
    commands = readme_commands()
    assert commands, "no .venv/bin/lunarcity lines in README.md's bash blocks"
    assert {subcommand(c) for c in commands} >= {"scenarios", "validate", "graph", "schema"}


@pytest.mark.parametrize(
    "line", readme_commands(), ids=lambda line: " ".join(shlex.split(line, comments=True)[1:])
)
def test_readme_command_works(line: str, tmp_path: Path) -> None:
    name = subcommand(line)
    if name in NOT_RUN_HERE:
        pytest.skip(f"lunarcity {name} is covered by its own tests")
    # Every command the README shows must exist: a removed command fails here, never skips.
    if name not in available_commands():
        pytest.fail(f"README.md uses 'lunarcity {name}', which the command line does not have")
    # Relative paths in the README are relative to the checkout; outputs go to tmp_path.
    for folder in ("data", "models", "viz"):
        if (REPO / folder).exists():
            (tmp_path / folder).symlink_to(REPO / folder)
    script = " ".join(shlex.quote(p) for p in _console_script())
    # Replace each README path once: the console script itself may live in a .venv/bin/.
    command = re.sub(
        r"(?<![\w/])\.venv/bin/(\S+)",
        lambda m: script if m.group(1) == "lunarcity" else f"{_bin_dir()}/{m.group(1)}",
        line,
    )
    env = {k: v for k, v in os.environ.items() if k != "LUNARCITY_DEBUG"}
    env.update({"NO_COLOR": "1", "TERM": "dumb"})
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    redirect = re.search(r">\s*(\S+)", line.split("#")[0])
    output = (tmp_path / redirect.group(1)).read_text() if redirect else result.stdout
    assert output.strip(), f"{line}: no output"
    if "--json" in shlex.split(line, comments=True) or (
        redirect and redirect.group(1).endswith(".json")
    ):
        assert isinstance(json.loads(output), dict)


def test_ci_runs_the_readme_test_command() -> None:
    readme_test = [
        line.strip()
        for block in bash_blocks(README)
        for line in block.splitlines()
        if re.search(r"-m pytest\b", line)
    ]
    assert readme_test, "README.md gives no test command"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in ci.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    # CI activates a venv, so the README's ".venv/bin/python -m pytest" is its "python -m pytest".
    expected = readme_test[0].replace(".venv/bin/", "")
    assert expected in commands, f"{expected!r} not in .ci/run"
    assert commands.count(expected) == 2, "CI runs the tests on the oldest and the newest Python"
    assert any(re.search(r"pip install .*-e \"?\.\[dev\]\"?", c) for c in commands)
    assert any(c.startswith("setup_venv python3 .venv") for c in commands)
    assert any(c.startswith('setup_venv "$NEWEST"') for c in commands)
    assert commands.index(expected) < len(commands) - 1
    assert commands[-1] == expected, "the tests must be CI's last step"


def test_readme_quick_subset_names_declared_markers() -> None:
    # The README's quick first check deselects by marker: a marker no test declares would
    # deselect nothing and the "quick" run would be the whole suite.
    quick = [
        line
        for block in bash_blocks(README)
        for line in block.splitlines()
        if re.search(r"-m pytest -m ", line)
    ]
    assert quick, "README.md gives no quick subset of the tests"
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {m.split(":")[0] for m in config["tool"]["pytest"]["ini_options"]["markers"]}
    for line in quick:
        expression = shlex.split(line)[-1]
        named = set(re.findall(r"\w+", expression)) - {"not", "and", "or"}
        assert named and named <= declared, (line, declared)
        used = {
            name
            for name in named
            if any(
                f"mark.{name}" in path.read_text(encoding="utf-8")
                for path in (REPO / "tests").glob("test_*.py")
            )
        }
        assert used == named, f"no test is marked {named - used}"


def test_the_smoke_sweeps_thinnest_supply_is_the_specs() -> None:
    """The README names the smoke sweep's fewest, lightest landers by the spec's own values.

    The sentence said 'every 14 days, 50 t' after the spec had moved to 60 days and 10 t: a reader
    looking for that corner of the map found no such point.
    """
    import yaml

    spec = yaml.safe_load((REPO / "models/sweeps/smoke.yaml").read_text(encoding="utf-8"))
    interval = spec["parameters"]["earth.lander_interval_days"]["values"]
    payload = spec["parameters"]["earth.lander_payload_t"]
    found = re.search(r"fewest, lightest landers \(every (\d+) days, (\d+) t\)", README)
    assert found, "the README's smoke sweep sentence"
    assert (int(found[1]), int(found[2])) == (max(interval), payload["low"]), found[0]

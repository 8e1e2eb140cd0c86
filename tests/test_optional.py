"""Optional dependencies and --quiet: a missing extra is one line naming it, exit 2.

A missing package is made missing for real in this process: ``sys.modules[name] = None`` is what
Python itself uses to make an import fail, so the code under test takes the path a user without
the extra takes. tests/test_wheel.py checks the same in an install that truly lacks them.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest

from lunarcity.cli import main
from lunarcity.errors import InputError
from lunarcity.optional import OPTIONAL, available, install_command, require

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SHORT = "run.years=0.05"  # 18 days: a run of a second or less


def lc(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def names_extra(err: str, extra: str) -> None:
    """stderr is exactly one error line telling the user to install ``extra``."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("lunarcity: error: "), err
    assert f'pip install "lunarcity[{extra}]"' in lines[0], err
    assert "internal error" not in err and "Traceback" not in err


def _requirement_name(req: str) -> str:
    return re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0].lower().replace("_", "-")


def test_each_optional_package_is_in_the_extra_it_names() -> None:
    extras = PYPROJECT["optional-dependencies"]
    for module, need in OPTIONAL.items():
        assert need.extra in extras, f"{module}: pyproject.toml has no extra '{need.extra}'"
        held = {_requirement_name(r) for r in extras[need.extra]}
        # dask[distributed] installs distributed: the extra's requirement names its parent.
        assert need.package.lower() in held or (need.package == "distributed" and "dask" in held), (
            need,
            extras[need.extra],
        )
        base = {_requirement_name(r) for r in PYPROJECT["dependencies"]}
        assert need.package.lower() not in base, f"{need.package} is in the base install"


def test_the_dev_extra_holds_every_optional_package_so_ci_runs_their_tests() -> None:
    # .ci/run installs ".[dev]" on each Python: a package only its own extra named (EMA
    # Workbench before issue 22 was closed) left the tests that need it skipping in CI.
    dev = {_requirement_name(r) for r in PYPROJECT["optional-dependencies"]["dev"]}
    for module, need in OPTIONAL.items():
        parent = "dask" if need.package == "distributed" else need.package.lower()
        assert parent in dev, f"{module}: the dev extra lacks {need.package}"


def test_sensitivity_analysis_is_in_the_base_install() -> None:
    # The README's main examples (studies, Morris and Saltelli sweeps, `lunarcity sensitivity`,
    # notebook 2) need SALib: the README says it is a base dependency.
    assert "salib" in {_requirement_name(r) for r in PYPROJECT["dependencies"]}


def test_require_names_the_extra_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    assert not available("imageio_ffmpeg")
    with pytest.raises(InputError) as caught:
        require("imageio_ffmpeg", field="--out")
    text = caught.value.render()
    assert text.startswith("--out: recording MP4 needs imageio-ffmpeg")
    assert install_command("video") == 'pip install "lunarcity[video]"'
    assert install_command("video") in text and "\n" not in text
    for module in OPTIONAL:  # an installed one (the dev extra has them all) passes silently
        if available(module):
            require(module, field="--x")


def test_sweep_on_dask_without_it_names_the_extra_before_any_work(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    out = tmp_path / "s"
    code, stdout, err = lc(capsys, "sweep", "smoke", "--backend", "dask", "--out", out)
    assert code == 2 and stdout == ""
    names_extra(err, "dask")
    assert "--backend" in err
    assert not out.exists(), "the folder was made before the check"
    code, _, err = lc(capsys, "sweep", "smoke", "--scheduler", "tcp://127.0.0.1:1", "--out", out)
    assert code == 2
    names_extra(err, "dask")
    assert "--scheduler" in err and not out.exists()


def test_study_on_a_scheduler_without_dask_names_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    out = tmp_path / "study"
    code, _, err = lc(
        capsys, "study", "smoke_study", "--scheduler", "tcp://1.2.3.4:8786", "--out", out
    )
    assert code == 2
    names_extra(err, "dask")
    assert not out.exists()


def test_mp4_without_ffmpeg_names_the_video_extra_before_the_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    code, stdout, err = lc(capsys, "record", "--set", SHORT, "--out", tmp_path / "c.mp4")
    assert code == 2 and stdout == ""
    names_extra(err, "video")
    assert "record a .gif" in err
    assert not (tmp_path / "c.mp4").exists()


def test_study_answer_outside_a_checkout_is_one_line(tmp_path: Path) -> None:
    from lunarcity.study.answer import write_answer

    # An installed wheel: the package's folder has no README.md or docs/results/ beside it.
    with pytest.raises(InputError) as caught:
        write_answer(tmp_path)
    text = caught.value.render()
    assert text.startswith("--answer: rewrites a checkout's README.md")
    assert str(tmp_path / "README.md") in text and "git clone" in text


def test_run_quiet_prints_only_the_headline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "daily.csv"
    code, stdout, err = lc(capsys, "run", "--set", SHORT, "--out", out, "--quiet")
    assert code == 0 and err == ""
    assert out.is_file()
    lines = stdout.strip().splitlines()
    assert len(lines) == 1, stdout
    # The same headline the full output opens with (its second line, under the title).
    code, full, _ = lc(capsys, "run", "--set", SHORT)
    assert full.splitlines()[1] == lines[0]
    assert len(full.splitlines()) > 5  # the full output has its tables
    # With --json: the JSON object and nothing else, on either stream.
    code, stdout, err = lc(capsys, "run", "--set", SHORT, "--out", out, "--quiet", "--json")
    assert code == 0 and err == ""
    assert json.loads(stdout)["days_simulated"] == 18


def test_record_quiet_prints_only_the_headline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gif = tmp_path / "c.gif"
    code, stdout, err = lc(
        capsys, "record", "--set", SHORT, "--every", "9", "--size", "96", "--out", gif, "--quiet"
    )
    assert code == 0 and err == "" and gif.is_file()
    assert len(stdout.strip().splitlines()) == 1
    code, stdout, err = lc(capsys, "record", "--set", SHORT, "--every", "9", "--size", "96",
                           "--out", gif, "--quiet", "--json")  # fmt: skip
    assert code == 0 and err == "" and json.loads(stdout)["frames"] == 3

"""The wheel: one package, ``lunarcity``, carrying data/, models/ and viz/, working from anywhere.

A wheel is built from the checkout and installed into a fresh virtual environment outside it; the
commands then run with the working directory outside the checkout too, so nothing can be found by
accident through the source tree. Add commands to :data:`COMMANDS` as later issues need them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class WheelCommand:
    """A ``lunarcity`` command to run from the installed wheel.

    Attributes:
        args: The arguments after ``lunarcity``.
        json: Whether stdout must be exactly one JSON object.
        expect: Strings stdout must contain.
        creates: Files (relative to the working folder) the command must write, with the bytes
            each must start with.
    """

    args: tuple[str, ...]
    json: bool = False
    expect: tuple[str, ...] = ()
    creates: tuple[tuple[str, bytes], ...] = ()


COMMANDS = [
    WheelCommand(("graph", "--json"), json=True, expect=('"ai_satellite"', '"bom_closure"')),
    WheelCommand(("validate",), expect=("ten_year_city.yaml: ok", "data: ok")),
    WheelCommand(("scenarios",), expect=("ten_year_city",)),
    WheelCommand(("graph", "--rate", "ai_satellite=1000/yr", "--json"), json=True),
    WheelCommand(("schema",), json=True, expect=('"LunarCity scenario"',)),
    WheelCommand(("app", "--help"), expect=("--port",)),
    WheelCommand(("run", "--years", "1", "--json"), json=True, expect=('"target_met"',)),
    WheelCommand(
        ("record", "ten_year_city", "--years", "0.1", "--every", "10", "--out", "rec/x.gif"),
        creates=(("rec/x.gif", b"GIF8"),),
    ),
]


def _clean_env(venv_dir: Path) -> dict[str, str]:
    # Nothing of the checkout or the test run's environment may leak into the installed one.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.update({"NO_COLOR": "1", "TERM": "dumb", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return env


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def lunarcity(self) -> Path:
        return self.venv / "bin" / "lunarcity"

    def run(self, *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args],
            cwd=self.workdir,
            env=_clean_env(self.venv),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 0, (
        f"{what} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A wheel built from the checkout, installed in a new venv; a working folder beside it."""
    root = tmp_path_factory.mktemp("wheel")
    assert REPO not in root.parents, "the test needs a temporary folder outside the checkout"
    dist = root / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    _check(build, "python -m build --wheel")
    (wheel,) = dist.glob("lunarcity-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    workdir = root / "elsewhere"
    workdir.mkdir()
    inst = Installed(wheel=wheel, venv=env_dir, workdir=workdir)
    _check(inst.run(inst.python, "-m", "pip", "install", "-q", str(wheel), timeout=900), "pip")
    return inst


def test_force_included_folders_are_in_git() -> None:
    # hatchling fails on a missing force-include; git keeps no empty folders, so a folder that
    # exists only in a developer's tree breaks the wheel on a fresh clone (CI).
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    forced = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert set(forced) >= {"data", "models", "viz"}
    assert all(target == f"lunarcity/{src}" for src, target in forced.items())
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    for folder in forced:
        tracked = subprocess.run(
            ["git", "ls-files", "--", folder], cwd=REPO, capture_output=True, text=True
        ).stdout.split()
        assert tracked, f"{folder}/ has no file in git: a fresh clone cannot build the wheel"


@pytest.mark.slow
def test_wheel_holds_one_package_with_its_folders(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"lunarcity"}
    for folder in ("data", "models", "viz"):
        local = sorted(
            p.relative_to(REPO).as_posix()
            for p in (REPO / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
        missing = [p for p in local if f"lunarcity/{p}" not in names]
        assert not missing, f"not in the wheel: {missing}"
    assert "lunarcity/data/recipes.yaml" in names
    assert "lunarcity/models/ten_year_city.yaml" in names


@pytest.mark.slow
def test_installed_package_reads_its_own_folders(installed: Installed) -> None:
    code = (
        "import json, lunarcity, lunarcity.resources as r;"
        "print(json.dumps([lunarcity.__file__, str(r.data_dir()), str(r.models_dir())]))"
    )
    result = installed.run(installed.python, "-c", code)
    _check(result, "import lunarcity")
    files = [Path(p).resolve() for p in json.loads(result.stdout)]
    venv_dir = installed.venv.resolve()
    for path in files:
        assert venv_dir in path.parents, f"{path} is not inside the installed package"
    assert files[1].name == "data" and files[1].parent.name == "lunarcity"


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c.args))
def test_command_from_wheel(installed: Installed, command: WheelCommand) -> None:
    result = installed.run(installed.lunarcity, *command.args)
    _check(result, f"lunarcity {' '.join(command.args)}")
    assert "Traceback" not in result.stderr
    if command.json:
        assert isinstance(json.loads(result.stdout), dict)
    for text in command.expect:
        assert text in result.stdout
    # The checkout must not be what the command read.
    assert str(REPO) not in result.stdout
    for name, magic in command.creates:
        path = installed.workdir / name
        assert path.is_file(), f"lunarcity {' '.join(command.args)} did not write {name}"
        assert path.read_bytes().startswith(magic), name


@pytest.mark.slow
def test_app_page_imports_from_the_wheel(installed: Installed) -> None:
    # The page and the app file Solara serves come from the installed package, not the checkout.
    code = (
        "import json, lunarcity.app as a, lunarcity.resources as r;"
        "v = a.viz(); import lunarcity.viz.session as s; a.Page;"
        "import lunarcity.viz.tour as t; assert len(t.chapters()) >= 6;"  # the tour's texts
        "print(json.dumps([v.__file__, str(r.viz_dir() / 'app.py'), s.__file__, str(t.TOUR_FILE)]))"
    )
    result = installed.run(installed.python, "-c", code)
    _check(result, "from lunarcity.app import Page")
    venv_dir = installed.venv.resolve()
    for path in json.loads(result.stdout):
        assert venv_dir in Path(path).resolve().parents, path
        assert Path(path).is_file()

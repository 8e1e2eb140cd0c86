"""The wheel: one package, ``lunarcity``, carrying data/, models/ and viz/, working from anywhere.

A wheel is built from the checkout and installed into a fresh virtual environment outside it, with
only the base dependencies (no extra), as most users install it; the commands then run with the
working directory outside the checkout too, so nothing can be found by accident through the
source tree. Every ``lunarcity`` command the README shows runs there and must work, or say in one
line which extra to install (lunarcity/optional.py), never "internal error"; so must each
notebook's imports. Add commands to :data:`COMMANDS` as later issues need them.

The install takes a minute or two (pip's cache helps), so the tests are marked slow and CI runs
them on one Python only (.ci/run sets ``LUNARCITY_SKIP_WHEEL_TESTS`` for the other).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from lunarcity.optional import OPTIONAL

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
#: Set by .ci/run on the Python that does not run the wheel tests (they take minutes).
SKIP_ENV = "LUNARCITY_SKIP_WHEEL_TESTS"


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


#: Commands that say what is missing: each must exit 2 with one line naming the extra.
NEEDS_EXTRA = [
    (("sweep", "smoke", "--backend", "dask", "--out", "dask_out"), "dask"),
    (("record", "--years", "0.05", "--out", "city.mp4"), "video"),
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
    if os.environ.get(SKIP_ENV):
        pytest.skip(f"{SKIP_ENV} is set: CI runs the wheel tests on its other Python")
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


# -- The README, the notebooks and the optional packages, from the wheel -------------------------

#: README commands that run for hours (the full studies): started, watched for WATCH_S seconds
#: for an error, then stopped. Their checks (options, spec, optional packages) come before any run.
STARTED_ONLY = ("ten_year_city_study", "lunar_route_study")
WATCH_S = 15
#: README commands that need a checkout and say so in one line (exit 2), with these words.
CHECKOUT_ONLY = {"study --answer": "git clone"}
#: Served until stopped: `app --help` in COMMANDS covers it.
NOT_RUN = ("lunarcity app",)


def readme_lines() -> list[str]:
    """The README's ``lunarcity`` command lines (bash and console blocks), in order."""
    lines = []
    for block in re.findall(r"^```(?:bash|console)\n(.*?)^```", README, flags=re.S | re.M):
        for line in block.splitlines():
            line = line.strip().replace(".venv/bin/lunarcity", "lunarcity")
            if line.startswith("lunarcity ") and not line.startswith(NOT_RUN):
                lines.append(line)
    return lines


def _small_feasibility(workdir: Path) -> Path:
    """The shipped ten_year_feasibility spec, shrunk from 832 ten-year runs to 26 short ones.

    Its README line runs for minutes; the same spec at N = 2 and 0.1 years takes seconds and
    still uses everything it needs (the Saltelli design, Sobol indices, the plots).
    """
    spec = yaml.safe_load((REPO / "models/sweeps/ten_year_feasibility.yaml").read_text())
    spec["years"] = 0.1
    spec["design"]["samples"] = 2
    path = workdir / "feasibility_small.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _readme_scenarios(workdir: Path) -> None:
    """The README's example scenario files (``# scenario: NAME.yaml`` blocks), written out."""
    for block in re.findall(r"^```ya?ml\n(.*?)^```", README, flags=re.S | re.M):
        if m := re.match(r"#\s*scenario:\s*(\S+\.yaml)\s*\n", block):
            (workdir / m.group(1)).write_text(block, encoding="utf-8")


def _watch(installed: Installed, command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` for at most WATCH_S seconds; a run still going then is stopped (rc None)."""
    proc = subprocess.Popen(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=installed.workdir,
        env=_clean_env(installed.venv),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: stopping it stops its workers too
    )
    try:
        out, err = proc.communicate(timeout=WATCH_S)
        return subprocess.CompletedProcess(command, proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        return subprocess.CompletedProcess(command, None, out, err)  # type: ignore[arg-type]


def _problem(command: str, result: subprocess.CompletedProcess[str]) -> str | None:
    """What is wrong with a README command's result, or None: it worked or said what it needs."""
    err = result.stderr
    if "internal error" in err or "Traceback" in err:
        return f"{command}: crashed\n{err[-1500:]}"
    checkout = next((w for c, w in CHECKOUT_ONLY.items() if c in command), None)
    if result.returncode is None:  # still running when stopped: no error line before that
        errors = [line for line in err.splitlines() if line.startswith("lunarcity: error")]
        return f"{command}: {errors}" if errors else None
    if result.returncode == 0 and checkout is None:
        return None
    lines = err.strip().splitlines()
    one_line = (
        result.returncode == 2 and len(lines) == 1 and lines[0].startswith("lunarcity: error")
    )
    if one_line and checkout is not None and checkout in lines[0]:
        return None
    if one_line and 'pip install "lunarcity[' in lines[0]:
        return None
    return f"{command}: exit {result.returncode}\n{result.stdout[-800:]}\n{err[-1500:]}"


@pytest.mark.slow
def test_every_readme_command_works_from_the_wheel(installed: Installed) -> None:
    lines = readme_lines()
    assert len(lines) >= 20 and any("study smoke_study" in line for line in lines), lines
    _readme_scenarios(installed.workdir)
    small = _small_feasibility(installed.workdir)
    problems, took = [], {}
    for line in lines:
        # The long sweep: the same spec, shrunk (its outputs feed the next two lines).
        command = re.sub(r"(?<=sweep )\S*ten_year_feasibility(\.yaml)?\b", str(small), line)
        start = time.perf_counter()
        if any(name in command for name in STARTED_ONLY):
            result = _watch(installed, command)
        else:
            result = installed.run("bash", "-o", "pipefail", "-c", command, timeout=600)
        took[line] = round(time.perf_counter() - start, 1)
        if problem := _problem(line, result):
            problems.append(problem)
    print(json.dumps(took, indent=1))  # seconds per README line (pytest -s shows them)
    assert not problems, "\n\n".join(problems)
    # What the lines were meant to write, written outside the checkout.
    work = installed.workdir
    assert (work / "out/smoke/results.parquet").is_file()
    assert (work / "out/feasibility/sensitivity.parquet").is_file()
    assert (work / "out/smoke_study/report.md").is_file()
    assert json.loads((work / "summary.json").read_text())["scenario"] == "ten_year_city"


@pytest.mark.slow
@pytest.mark.parametrize(("args", "extra"), NEEDS_EXTRA, ids=lambda a: " ".join(a[:2]))
def test_missing_extra_is_one_line_naming_it(installed: Installed, args, extra: str) -> None:
    result = installed.run(installed.lunarcity, *args)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("lunarcity: error: ") and f'pip install "lunarcity[{extra}]"' in line
    assert result.stdout == ""


def _notebook_imports(path: Path) -> list[str]:
    """Every import statement in a notebook's code cells, as source lines."""
    book = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in book["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join(line for line in source.splitlines() if not line.startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append(ast.unparse(node))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((REPO / "docs").glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_imports_from_the_wheel(installed: Installed, path: Path) -> None:
    imports = _notebook_imports(path)
    assert any("lunarcity" in line for line in imports), imports
    result = installed.run(installed.python, "-c", "\n".join(imports))
    _check(result, f"{path.name}'s imports")


#: Run in the installed venv: the third-party modules the installed package imports anywhere
#: (also inside functions, where optional ones are imported), and which of them are missing.
_SCAN = """
import ast, importlib.util, json, pathlib, sys, lunarcity
root = pathlib.Path(lunarcity.__file__).parent
names = set()
for path in root.rglob("*.py"):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
names -= set(sys.stdlib_module_names) | {"lunarcity", "__future__"}
names |= set(sys.argv[1:])  # the optional ones, imported by name or looked for (imageio's plugin)
print(json.dumps({"all": sorted(names),
                  "missing": sorted(n for n in names if importlib.util.find_spec(n) is None)}))
"""


@pytest.mark.slow
def test_every_module_the_package_imports_is_installed_or_an_extra(installed: Installed) -> None:
    result = installed.run(installed.python, "-c", _SCAN, *OPTIONAL)
    _check(result, "the import scan")
    found = json.loads(result.stdout)
    assert {"numpy", "mesa", "SALib", "solara"} <= set(found["all"]), found
    # Anything else missing from the base install must be named by lunarcity/optional.py, so
    # the code that imports it says which extra to install.
    assert set(found["missing"]) <= set(OPTIONAL), found["missing"]
    # And the optional ones are truly left out of it (else the base install should say so).
    assert set(found["missing"]) == set(OPTIONAL), "an optional package is in the base install"

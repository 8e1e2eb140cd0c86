"""The developer docs drawn from the code: a test fails as soon as the two disagree.

- docs/DEVELOPING.md's module map names every module of the package and of the app (a module
  added later fails here by name, so whoever adds it writes its line): the top-level modules and
  those of the architecture's packages (``stages/``, ``world/``, ...) one line each, the other
  subpackages and the app one line each naming their modules.
- docs/MODEL.md's process overview (section 3) lists, step by step, the stages `LunarCity.step`
  calls, in the order it calls them (read from lunarcity/model.py with ``ast``).
- Both docs name every column of the units' tables; MODEL.md points to the one data dictionary
  of the daily table.
- ``DAYS_PER_YEAR`` is assigned in lunarcity/constants.py and nowhere else.

All read source text only (no run), so the file takes well under a second.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEVELOPING = REPO / "docs" / "DEVELOPING.md"
MODEL_MD = REPO / "docs" / "MODEL.md"
MODEL_PY = REPO / "lunarcity" / "model.py"

#: The packages whose modules one line of the map names: folder -> how that line heads it
#: (``- `sweeps/`: ...``, naming each of its modules). Every other module of lunarcity/ has a line
#: of its own: a top-level one headed by its file name (``- `model.py`: ...``), one in any other
#: subpackage (the architecture's packages) by its path under lunarcity/ (``- `stages/plan.py`:
#: ...``), and such a package has a line of its own too (``- `stages/`: ...``).
PACKAGES = {
    "lunarcity/commands": "commands/",
    "lunarcity/study": "study/",
    "lunarcity/sweeps": "sweeps/",
    "viz": "viz/",
}


def section(text: str, heading: str) -> str:
    """The body of the Markdown section whose heading line is ``heading`` (to the next heading)."""
    lines = text.splitlines()
    start = lines.index(heading)
    level = len(heading) - len(heading.lstrip("#"))
    body = []
    for line in lines[start + 1 :]:
        if re.match(rf"^#{{1,{level}}} ", line):
            break
        body.append(line)
    return "\n".join(body)


def bullets(text: str) -> list[str]:
    """The top-level ``- `` bullets of a Markdown section, each with its indented continuation."""
    items: list[str] = []
    open_item = False
    for line in text.splitlines():
        if line.startswith("- "):
            items.append(line)
            open_item = True
        elif open_item and line.startswith("  "):
            items[-1] += " " + line.strip()
        else:
            open_item = False
    return items


def head(bullet: str) -> list[str]:
    """The backticked names before a bullet's first ``:`` outside backticks (what it is about)."""
    names: list[str] = []
    rest = bullet[2:]
    while True:
        m = re.match(r"\s*(?:and\s+|,\s*)?`([^`]+)`", rest)
        if not m:
            return names
        names.append(m.group(1))
        rest = rest[m.end() :]


def module_map() -> list[str]:
    """DEVELOPING.md's module map, one string per bullet."""
    text = DEVELOPING.read_text(encoding="utf-8")
    return bullets(section(text, "### The modules, one line each"))


def modules(folder: str) -> list[str]:
    """File names of the modules in one subpackage folder (its ``__init__.py`` aside)."""
    names = sorted(p.name for p in (REPO / folder).glob("*.py"))
    names.remove("__init__.py")  # a subpackage's line is its __init__'s
    return names


def own_lines() -> list[str]:
    """The heads the map must have a line for: every module outside ``PACKAGES``, and the
    architecture's packages themselves (``model.py``, ``stages/``, ``stages/plan.py``, ...)."""
    root = REPO / "lunarcity"
    names = sorted(p.name for p in root.glob("*.py"))
    for package in sorted(p for p in root.iterdir() if (p / "__init__.py").exists()):
        if f"lunarcity/{package.name}" in PACKAGES:
            continue
        names.append(f"{package.name}/")
        names += [f"{package.name}/{m}" for m in modules(f"lunarcity/{package.name}")]
    return names


def test_the_module_map_names_every_module() -> None:
    lines = module_map()
    heads = [set(head(b)) for b in lines]
    named = set().union(*heads)
    missing = [f"lunarcity/{m} (add a line for `{m}`)" for m in own_lines() if m not in named]
    for folder, package in PACKAGES.items():
        line = next((b for b, h in zip(lines, heads, strict=True) if package in h), None)
        if line is None:
            missing.append(f"{folder}/ (add a line for `{package}` naming its modules)")
            continue
        said = set(re.findall(r"`([^`]+)`", line))
        missing += [
            f"{folder}/{m} (name `{m[:-3]}` in the `{package}` line)"
            for m in modules(folder)
            if m not in said and m[:-3] not in said
        ]
    assert missing == [], "docs/DEVELOPING.md's module map does not name: " + "; ".join(missing)


def test_the_module_map_names_no_module_that_is_gone() -> None:
    known = {*own_lines(), *PACKAGES.values()}
    gone = [
        name
        for b in module_map()
        for name in head(b)
        if (name.endswith((".py", "/"))) and name not in known
    ]
    assert gone == [], f"docs/DEVELOPING.md's module map names modules that are gone: {gone}"


# -- the day's stages ---------------------------------------------------------------------------
def step_stages() -> list[list[str]]:
    """The stage calls of ``LunarCity.step``, grouped by its numbered comments (``# 1. ...``).

    A stage is a call that takes the city (``self``) as its first argument, the convention
    DEVELOPING.md sets for a stage; it is named ``module.function``, a function imported by name
    being qualified by the module it comes from. Within a step, each is listed once, in the order
    it is first called.
    """
    source = MODEL_PY.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        alias.asname or alias.name: f"{node.module.rsplit('.', 1)[-1]}.{alias.name}"
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    step = next(
        f
        for cls in tree.body
        if isinstance(cls, ast.ClassDef) and cls.name == "LunarCity"
        for f in cls.body
        if isinstance(f, ast.FunctionDef) and f.name == "step"
    )
    lines = source.splitlines()
    starts = [
        (n, int(m.group(1)))
        for n in range(step.lineno, step.end_lineno + 1)
        if (m := re.match(r"\s*# (\d+)\. ", lines[n - 1]))
    ]
    assert [k for _, k in starts] == list(range(1, len(starts) + 1)), "step's comments: 1, 2, ..."
    calls = sorted(
        (
            node
            for node in ast.walk(step)
            if isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "self"
        ),
        key=lambda c: (c.lineno, c.col_offset),
    )
    stages: list[list[str]] = [[] for _ in starts]
    for call in calls:
        assert call.lineno > starts[0][0], (
            f"a stage called before step's '# 1.': line {call.lineno}"
        )
        k = max(i for i, (n, _) in enumerate(starts) if n < call.lineno)
        name = ast.unparse(call.func)
        name = imported.get(name, name).removeprefix("self.")
        if name not in stages[k]:
            stages[k].append(name)
    return stages


def overview_steps() -> list[tuple[str, list[str]]]:
    """MODEL.md section 3's numbered steps: (title, the stages named in brackets after it)."""
    text = section(MODEL_MD.read_text(encoding="utf-8"), "## 3. Process overview and scheduling")
    steps = []
    for n, m in enumerate(re.finditer(r"^(\d+)\. \*\*([^*]+)\*\*(?: \(([^)]*)\))?", text, re.M)):
        assert int(m.group(1)) == n + 1, f"MODEL.md section 3: step {m.group(1)} out of order"
        steps.append((m.group(2), re.findall(r"`([^`]+)`", m.group(3) or "")))
    return steps


def test_the_stage_list_is_read_from_step() -> None:
    # The reader itself, on the parts of step that this test relies on: the plan comes first,
    # the power stage is imported by name (qualified by its module) and the day ends with the
    # bottleneck. If step is rewritten so that these no longer hold, this says so first.
    stages = step_stages()
    assert stages[0][0] == "plan.todays_shares"
    assert any("power.supply" in s for s in stages)
    assert stages[-1][0] == "bottleneck.binding_constraint"


def test_model_md_process_overview_lists_the_stages_step_calls() -> None:
    code = step_stages()
    doc = overview_steps()
    assert len(doc) == len(code), (
        f"MODEL.md section 3 has {len(doc)} steps, LunarCity.step {len(code)} (its '# N.' comments)"
    )
    wrong = [
        f"step {n} ({title}): MODEL.md names {named}, step calls {calls}"
        for n, ((title, named), calls) in enumerate(zip(doc, code, strict=True), start=1)
        if named != calls
    ]
    assert wrong == [], "MODEL.md section 3 disagrees with LunarCity.step: " + "; ".join(wrong)


# -- columns --------------------------------------------------------------------------------------
def test_both_docs_name_every_column_of_the_units_tables() -> None:
    from lunarcity.city.fleet import UNIT_COLUMNS

    columns = ["id", *UNIT_COLUMNS]
    developing = DEVELOPING.read_text(encoding="utf-8")
    units = next(line for line in developing.splitlines() if line.startswith("- Units: "))
    assert [c for c in columns if f't["{c}"]' not in units] == [], "DEVELOPING.md's Units line"
    model = section(
        MODEL_MD.read_text(encoding="utf-8"), "## 2. Entities, state variables and scales"
    )
    assert [c for c in columns if f"`{c}`" not in model] == [], "MODEL.md section 2"


def test_model_md_points_to_the_daily_tables_data_dictionary() -> None:
    # The daily table's columns are documented once (viz/words.py COLUMNS, written out as
    # docs/COLUMNS.md; tests/test_app_words.py keeps it complete); the model description
    # points there rather than keeping a second list.
    model = section(
        MODEL_MD.read_text(encoding="utf-8"), "## 2. Entities, state variables and scales"
    )
    assert "(COLUMNS.md)" in model and "`COLUMNS`" in model
    assert (REPO / "docs" / "COLUMNS.md").exists()


# -- one definition of a constant -----------------------------------------------------------------
#: The folders of the repository that hold its Python.
CODE = ("lunarcity", "viz", "docs", "benchmarks", "tests")


def test_days_per_year_is_assigned_only_in_constants() -> None:
    # The project's own code (a venv inside the checkout, whatever its name, is not looked at).
    files = [p for folder in CODE for p in sorted((REPO / folder).rglob("*.py"))]
    assigned = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign | ast.AugAssign)
                else []
            )
            for target in targets:
                names = [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
                names += [n.attr for n in ast.walk(target) if isinstance(n, ast.Attribute)]
                if "DAYS_PER_YEAR" in names:
                    assigned.append(f"{path.relative_to(REPO)}:{node.lineno}")
    outside = [a for a in assigned if not a.startswith("lunarcity/constants.py:")]
    assert outside == [], f"DAYS_PER_YEAR assigned outside lunarcity/constants.py: {outside}"
    assert len(assigned) == 1, f"DAYS_PER_YEAR assigned more than once: {assigned}"


def test_tolerances_and_unit_conversions_are_named_once() -> None:
    """No bare 1e-9 and no multiplying or dividing by a bare 1000.0 outside constants.py.

    Issue 31: a tolerance or a unit conversion is defined once (``FLOAT_NOISE``,
    ``MIN_DIVISOR``, ``KG_PER_T``, ``KW_PER_MW``, ... in lunarcity/constants.py), so a reader
    sees what each number means and a change is made in one place.
    """
    found = []
    for path in sorted((REPO / "lunarcity").rglob("*.py")):
        if path.name == "constants.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value == 1e-9:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: 1e-9")
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
                for side in (node.left, node.right):
                    if isinstance(side, ast.Constant) and side.value == 1000.0:
                        found.append(f"{path.relative_to(REPO)}:{node.lineno}: 1000")
    assert not found, "name these in lunarcity/constants.py: " + ", ".join(found)

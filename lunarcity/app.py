"""The live app's page, importable the same way from a checkout and from an installed wheel.

In a wheel the app's folder travels inside the package as ``lunarcity/viz``; in a checkout it is
the top-level ``viz/`` folder beside the package. :func:`viz` returns it as the module
``lunarcity.viz`` in both cases, so the app's modules import one another the same way.

In Jupyter::

    from lunarcity.app import Page
    Page()

From a shell: ``lunarcity app`` (or ``solara run viz/app.py`` in a checkout).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from lunarcity.resources import viz_dir

__all__ = ["viz", "words"]  # and Page, loaded on first use (see __getattr__)


def viz() -> ModuleType:
    """The app's package, ``lunarcity.viz``, wherever its folder is."""
    name = "lunarcity.viz"
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)  # an installed wheel: a real subpackage
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
    folder = viz_dir()  # a checkout: the top-level viz/ folder, registered under the same name
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the app from {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    import lunarcity

    lunarcity.viz = module  # type: ignore[attr-defined]
    return module


def words() -> ModuleType:
    """The app's plain words (``viz/words.py``): the one place the plain names live.

    The map's legend and the recordings' text, drawn in the package, name things with them too.
    """
    viz()
    return importlib.import_module("lunarcity.viz.words")


def __getattr__(name: str) -> object:  # PEP 562: Solara loads only when the page is asked for
    if name in ("Page", "page"):
        return viz().Page
    raise AttributeError(f"module 'lunarcity.app' has no attribute {name!r}")

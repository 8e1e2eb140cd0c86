"""The LunarCity app (Solara): watch the city grow, steer it, teach with it.

In a wheel this folder is the subpackage ``lunarcity.viz``; in a checkout it is the top-level
``viz/`` folder, which :mod:`lunarcity.app` registers under the same name. Import the page
through :mod:`lunarcity.app` (``from lunarcity.app import Page``), which works in both.

- :mod:`.session`: one viewer's city and the frames drawn from it (no Solara needed).
- :mod:`.charts`, :mod:`.materials`, :mod:`.params`: the charts, the materials graph, the sliders.
- :mod:`.components`: the Solara components and ``Page``.
- ``app.py``: the file ``solara run`` serves.
"""

from __future__ import annotations

__all__ = ["Page", "page"]


def __getattr__(name: str) -> object:  # PEP 562: Solara is imported only when the page is wanted
    if name in ("Page", "page"):
        from .components import Page

        return Page
    raise AttributeError(f"module 'lunarcity.viz' has no attribute {name!r}")

"""The materials view: the economy graph in layers, soil -> materials -> parts -> machines.

Recipes are folded into edges (every input of a recipe points at each of its outputs). Nodes made
on the Moon are filled; nodes that come from Earth are hollow and red-rimmed; the item or unit
behind today's bottleneck is ringed in orange. The drawing only changes when the bottleneck does,
so the app caches it by bottleneck.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from . import words  # noqa: E402

if TYPE_CHECKING:
    from lunarcity.model import LunarCity

LAYER_NAMES = ("soil", "materials", "parts", "machines")
#: Text sizes in pixels as drawn (the app shows the picture at its own size, never smaller):
#: labels and legend at 12 px, the layer names at 14 px, at 1366 px wide.
LABEL_PX = 12
LAYER_PX = 14
#: Width and height of the picture in inches at ``dpi`` (80 dots an inch: 880 x 368 px).
FIG_IN = (11.0, 4.6)
LOCAL = "#2ca02c"
IMPORTED = "#d62728"
NEITHER = "#9e9e9e"  # e.g. scrap before any is recycled
HIGHLIGHT = "#ff9800"


def folded_graph(model: LunarCity) -> nx.DiGraph:
    """Items and units only: an edge input -> output for every recipe that links them."""
    g = model.econ.graph
    layers = model.econ.layers()
    out = nx.DiGraph()
    for node in layers:
        out.add_node(node, **g.nodes[node], layer=layers[node])
    for node, data in g.nodes(data=True):
        if data.get("type") != "recipe":
            continue
        ins = [p for p in g.predecessors(node) if p in layers]
        outs = [s for s in g.successors(node) if s in layers]
        for a in ins:
            for b in outs:
                if a != b:
                    out.add_edge(a, b)
    return out


def bottleneck_nodes(model: LunarCity, bottleneck: str, graph: nx.DiGraph) -> list[str]:
    """The graph nodes a bottleneck names: the short item, or the unit that would relieve it."""
    if bottleneck.startswith("material:"):
        item = bottleneck.split(":", 1)[1]
        return [item] if item in graph else []
    if bottleneck == "imports":
        return sorted(n for n, d in graph.nodes(data=True) if d.get("imported"))
    relief = getattr(model, "relief", {}) or {}
    unit = relief.get(bottleneck)
    if unit and unit in graph:
        return [unit]
    return []


def positions(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """X by layer, y spread evenly within the layer (alphabetical by plain name, for stability)."""
    pos: dict[str, tuple[float, float]] = {}
    by_layer: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        by_layer.setdefault(int(data["layer"]), []).append(node)
    for layer, nodes in by_layer.items():
        nodes.sort(key=words.item)  # by the name shown, so the list reads alphabetically
        ys = np.linspace(1, 0, len(nodes)) if len(nodes) > 1 else np.array([0.5])
        for node, y in zip(nodes, ys, strict=True):
            pos[node] = (float(layer), float(y))
    return pos


def materials_png(model: LunarCity, bottleneck: str | None = None, dpi: int = 80) -> bytes:
    """Draw the layered graph as PNG bytes, ringing the nodes behind ``bottleneck``."""
    return MaterialsView(model, dpi).png(bottleneck if bottleneck is not None else model.bottleneck)


class MaterialsView:
    """The graph drawn once with matplotlib; each bottleneck's rings are painted on a copy.

    A new bottleneck then costs a few milliseconds instead of a figure (~100 ms or more), so a
    frame whose bottleneck changed is no slower than the others.
    """

    def __init__(self, model: LunarCity, dpi: int = 80) -> None:
        self.model = model
        self.graph = folded_graph(model)
        pos = positions(self.graph)
        fig = Figure(figsize=FIG_IN, dpi=dpi)
        label_pt, layer_pt = (LABEL_PX * 72.0 / dpi, LAYER_PX * 72.0 / dpi)  # px -> points
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.02, 0.98, 0.86))
        ax.set_axis_off()
        for a, b in self.graph.edges():
            (x0, y0), (x1, y1) = pos[a], pos[b]
            ax.annotate(
                "",
                xy=(x1 - 0.06, y1),
                xytext=(x0 + 0.06, y0),
                arrowprops={"arrowstyle": "-|>", "color": "#b0b0b0", "lw": 0.5, "alpha": 0.7},
            )
        for node, data in self.graph.nodes(data=True):
            x, y = pos[node]
            if data.get("imported"):
                face, edge = "white", IMPORTED
            elif data.get("local") or data.get("kind") == "raw":
                face, edge = LOCAL, "#1b5e20"
            else:
                face, edge = NEITHER, "#616161"
            ax.scatter([x], [y], s=90, c=face, edgecolors=edge, linewidths=1.5, zorder=3)
            ax.text(x + 0.07, y, words.item(node), fontsize=label_pt, va="center", zorder=4)
        for layer, name in enumerate(LAYER_NAMES):
            ax.text(layer, 1.09, name, fontsize=layer_pt, ha="left", weight="bold")
        ax.set_xlim(-0.15, 3.75)
        ax.set_ylim(-0.12, 1.14)  # room under the lowest label for the legend
        ax.scatter([], [], s=60, c=LOCAL, edgecolors="#1b5e20", label="made on the Moon")
        ax.scatter([], [], s=60, c="white", edgecolors=IMPORTED, label="imported from Earth")
        ax.scatter([], [], s=60, facecolors="none", edgecolors=HIGHLIGHT, lw=2, label="short today")
        ax.legend(
            fontsize=label_pt, loc="lower left", frameon=False, ncol=3, bbox_to_anchor=(0.0, -0.06)
        )
        fig.canvas.draw()
        self.base = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
        height = self.base.shape[0]
        self.pixels = {
            node: (float(px), float(height - py))
            for node, (px, py) in zip(
                pos, ax.transData.transform(np.array(list(pos.values()))), strict=True
            )
        }
        self.ring = 12.0 * dpi / 80.0

    def png(self, bottleneck: str) -> bytes:
        """The graph with today's bottleneck written above it and its nodes ringed."""
        from PIL import Image, ImageDraw

        from lunarcity.show.render import _font, png_bytes

        image = Image.fromarray(self.base)
        draw = ImageDraw.Draw(image)
        short = words.short_of(bottleneck)
        text = f"Today: short of {short}" if short else "Today: nothing held the city back"
        draw.text((8, 4), text, font=_font(16), fill=(0, 0, 0))
        for node in bottleneck_nodes(self.model, bottleneck, self.graph):
            x, y = self.pixels[node]
            r = self.ring
            draw.ellipse((x - r, y - r, x + r, y + r), outline=HIGHLIGHT, width=3)
        return png_bytes(np.asarray(image))

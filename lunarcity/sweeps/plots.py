"""Pictures of a sweep: the feasibility map, outcome distributions, the sensitivity chart.

Figures are drawn with matplotlib's object API on an Agg canvas (no pyplot, no display, no global
backend switch), so plotting works headless and inside a notebook or app process alike.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lunarcity.constants import FLOAT_NOISE
from lunarcity.errors import InputError, did_you_mean, one_of
from lunarcity.sweeps.storage import read_info, read_results

#: A parameter with at most this many distinct values is shown value by value, else binned.
MAX_LEVELS = 12
BINS = 8
PLOTS = "plots"


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp)
    tmp.replace(path)
    return path


def axis_bins(
    values: pl.Series, log: bool = False, bins: int = BINS
) -> tuple[np.ndarray, list[str]]:
    """Each value's bin index and the bins' labels.

    Few distinct values (a grid axis, categories) are their own bins; many are cut into
    ``bins`` equal bins (in log space for a log-sampled parameter).
    """
    distinct = values.drop_nulls().unique().sort().to_list()
    if len(distinct) <= MAX_LEVELS or values.dtype in (pl.String, pl.Boolean):
        index = {v: i for i, v in enumerate(distinct)}
        labels = [f"{v:g}" if isinstance(v, float) else str(v) for v in distinct]
        return np.array([index.get(v, -1) for v in values.to_list()]), labels
    data = values.cast(pl.Float64).to_numpy()
    lo, hi = float(np.nanmin(data)), float(np.nanmax(data))
    if log and lo > 0:
        edges = np.logspace(math.log10(lo), math.log10(hi), bins + 1)
    else:
        edges = np.linspace(lo, hi, bins + 1)
    idx = np.clip(np.searchsorted(edges, data, side="right") - 1, 0, bins - 1)
    labels = [f"{(a + b) / 2:.3g}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return idx, labels


def _is_log(info: dict[str, Any], param: str) -> bool:
    spec = info.get("identity", {}).get("spec", {}).get("parameters", {}).get(param, {})
    return bool(isinstance(spec, dict) and spec.get("log"))


def check_parameter(info: dict[str, Any], name: str, option: str) -> str:
    """``name`` if it is one of the sweep's parameters.

    Raises:
        InputError: it is not, with a suggestion.
    """
    params = list(info.get("parameters", []))
    if name not in params:
        raise InputError(
            f"'{name}' is not a parameter of this sweep{did_you_mean(name, params)}",
            field=option,
            valid=one_of(params),
        )
    return name


def feasibility_map(
    results: pl.DataFrame,
    x: str,
    y: str | None,
    path: Path,
    *,
    info: dict[str, Any] | None = None,
    outcome: str = "met_within_horizon",
) -> Path:
    """A heatmap of the share of runs meeting the target over two parameters (bars for one).

    Args:
        results: The sweep's results.
        x: Parameter on the horizontal axis.
        y: Parameter on the vertical axis, or None for a bar chart over ``x``.
        path: The PNG to write.
        info: The sweep's info (for titles and log-sampled parameters).
        outcome: A boolean outcome whose share is mapped.

    Returns:
        The path written.
    """
    info = info or {}
    done = results.filter(pl.col("status") == "done") if "status" in results.columns else results
    met = done[outcome].cast(pl.Float64).to_numpy()
    # Bins per axis so that a cell holds a few runs on average, within 3..BINS.
    bins = int(min(BINS, max(3, round(math.sqrt(max(done.height, 1) / 3)))))
    xi, xlabels = axis_bins(done[x], _is_log(info, x), bins)
    title = f"Share of runs meeting the target within the horizon ({info.get('name', 'sweep')})"
    if y is None:
        fig = _figure(7, 4.5)
        ax = fig.add_subplot()
        shares = [
            np.nanmean(met[xi == i]) if (xi == i).any() else np.nan for i in range(len(xlabels))
        ]
        ax.bar(range(len(xlabels)), shares, color="tab:green")
        ax.set_xticks(range(len(xlabels)), xlabels, rotation=45, ha="right")
        ax.set_ylim(0, 1)
        ax.set_xlabel(x)
        ax.set_ylabel("share meeting the target")
        ax.set_title(title, fontsize=10)
        return _save(fig, path)
    yi, ylabels = axis_bins(done[y], _is_log(info, y), bins)
    share = np.full((len(ylabels), len(xlabels)), np.nan)
    count = np.zeros_like(share, dtype=int)
    for j in range(len(ylabels)):
        for i in range(len(xlabels)):
            cell = (xi == i) & (yi == j)
            count[j, i] = int(cell.sum())
            if cell.any():
                share[j, i] = float(np.nanmean(met[cell]))
    fig = _figure(max(6, 0.7 * len(xlabels) + 3), max(4.5, 0.45 * len(ylabels) + 2.5))
    ax = fig.add_subplot()
    from matplotlib import colormaps

    cmap = colormaps["RdYlGn"].copy()
    cmap.set_bad("lightgrey")
    image = ax.imshow(
        np.ma.masked_invalid(share), origin="lower", aspect="auto", cmap=cmap, vmin=0, vmax=1
    )
    if share.size <= 400:  # annotate when the numbers stay legible
        for j in range(len(ylabels)):
            for i in range(len(xlabels)):
                if count[j, i]:
                    ax.text(i, j, f"{share[j, i]:.0%}\nn={count[j, i]}", ha="center",
                            va="center", fontsize=7)  # fmt: skip
    ax.set_xticks(range(len(xlabels)), xlabels, rotation=45, ha="right")
    ax.set_yticks(range(len(ylabels)), ylabels)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="share meeting the target")
    return _save(fig, path)


def histogram_bins(data: np.ndarray) -> int:
    """How many bins a histogram of one outcome gets: one per value, between 5 and 30.

    One bin when the values are one value to float noise (every run's closure 0.97 but for the
    last digit): numpy cannot cut so small a range into equal bins and raises.
    """
    spread = float(np.ptp(data)) if data.size else 0.0
    if spread <= FLOAT_NOISE * max(1.0, float(np.abs(data).max(initial=0.0))):
        return 1
    return min(30, max(5, len(np.unique(data))))


def outcome_distributions(
    results: pl.DataFrame, path: Path, *, info: dict[str, Any] | None = None
) -> Path:
    """Histograms of each numeric outcome over the finished runs (one panel each)."""
    info = info or {}
    done = results.filter(pl.col("status") == "done") if "status" in results.columns else results
    names = [
        o
        for o in info.get("outcomes", [])
        if o in done.columns and done.schema[o] != pl.String and done[o].drop_nulls().len()
    ]
    cols = 3
    rows = max(1, math.ceil(len(names) / cols))
    fig = _figure(4 * cols, 2.8 * rows)
    fig.suptitle(f"Outcomes of {done.height} runs ({info.get('name', 'sweep')})")
    for k, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, k + 1)
        data = done[name].drop_nulls().cast(pl.Float64).to_numpy()
        if done.schema[name] == pl.Boolean:
            share = float(data.mean())
            ax.bar(["no", "yes"], [1 - share, share], color=["tab:red", "tab:green"])
            ax.set_ylim(0, 1)
            ax.set_ylabel("share of runs")
        else:
            bins = histogram_bins(data)
            ax.hist(data, bins=bins, color="tab:blue", alpha=0.8)
            ax.axvline(float(np.median(data)), color="black", lw=1, ls="--")
            ax.set_ylabel("runs")
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
    return _save(fig, path)


def sensitivity_chart(table: pl.DataFrame, path: Path, *, title: str = "Sensitivity") -> Path:
    """Horizontal bars of each parameter's importance (ST and S1, or scaled mu*) per outcome."""
    outcomes = table["outcome"].unique(maintain_order=True).to_list()
    cols = min(2, max(1, len(outcomes)))
    rows = max(1, math.ceil(len(outcomes) / cols))
    n_params = table["parameter"].n_unique() if table.height else 1
    fig = _figure(6 * cols, max(2.5, 0.35 * n_params + 1.5) * rows)
    fig.suptitle(title)
    for k, outcome in enumerate(outcomes):
        ax = fig.add_subplot(rows, cols, k + 1)
        part = table.filter(pl.col("outcome") == outcome).sort("rank", descending=True)
        pos = np.arange(part.height)
        if part["method"][0] == "sobol":
            ax.barh(pos + 0.2, part["ST"].fill_null(0), height=0.4, label="total (ST)")
            ax.barh(pos - 0.2, part["S1"].fill_null(0), height=0.4, label="first order (S1)")
            ax.set_xlabel("Sobol index")
            ax.legend(fontsize=7, loc="lower right")
        else:
            ax.barh(pos, part["importance"].fill_null(0), color="tab:purple")
            ax.set_xlabel("mu* / largest mu* (Morris)")
        ax.set_yticks(pos, part["parameter"].to_list(), fontsize=7)
        ax.set_title(outcome, fontsize=9)
    if not outcomes:
        fig.add_subplot().text(0.5, 0.5, "no outcome could be analysed", ha="center")
    return _save(fig, path)


def plot_sweep(directory: str | Path, x: str | None = None, y: str | None = None) -> list[Path]:
    """The feasibility map and the outcome distributions of a finished sweep.

    Args:
        directory: The sweep's output folder.
        x: Parameter on the map's horizontal axis (default: the first parameter).
        y: Parameter on its vertical axis (default: the second, if any).

    Returns:
        The PNG files written (under DIR/plots/).

    Raises:
        InputError: no finished sweep, or an unknown parameter.
    """
    root = Path(directory)
    if not root.is_dir():
        raise InputError("no such folder", file=str(root), valid="the --out folder of a sweep")
    info = read_info(root)
    results = read_results(root)
    params = list(info.get("parameters", []))
    x = check_parameter(info, x, "--x") if x else params[0]
    y = check_parameter(info, y, "--y") if y else next((p for p in params if p != x), None)
    if y == x:
        raise InputError("--x and --y name the same parameter", field="--y", valid=one_of(params))
    folder = root / PLOTS
    safe = "__".join(p.replace(".", "-") for p in (x, y) if p)
    return [
        feasibility_map(results, x, y, folder / f"feasibility_{safe}.png", info=info),
        outcome_distributions(results, folder / "outcomes.png", info=info),
    ]

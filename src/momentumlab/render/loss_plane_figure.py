"""The loss plane of a model experiment as a two-panel PNG: the plane with every run's path, and the
true training loss of every run against its step.

Left: the training loss on the plane's grid (log-spaced filled contours), each run's recorded
weights projected onto it (start ○, end ●), the centre (the best run's final weights) ★; the axis
labels give each direction's explained variance. The path is a projection: where a run is far
from the plane (its largest off-plane distance is in the legend) the colour under it is not its loss.
Middle: the loss at each run's own weights (``loss_plane.true_loss``), on log axes. With two
input features a third panel shows the best run's decision regions over the examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

import matplotlib
import numpy as np
from matplotlib.colors import LogNorm

from momentumlab.palette import RUN_COLORS
from momentumlab.render.style import new_figure, scaled_rc

Array = np.ndarray


def draw_decision_regions(ax: Any, classify: Callable[[Array], Array], data: Mapping[str, Array]) -> None:
    """The classes a model predicts over the plane of two input features, with the examples on top
    (training set: dots, test set: crosses), coloured by their true class."""
    x = np.concatenate([data["x_train"], data["x_test"]])
    (x0, y0), (x1, y1) = x.min(axis=0), x.max(axis=0)
    pad_x, pad_y = 0.08 * (x1 - x0 or 1.0), 0.08 * (y1 - y0 or 1.0)
    gx, gy = np.meshgrid(np.linspace(x0 - pad_x, x1 + pad_x, 160), np.linspace(y0 - pad_y, y1 + pad_y, 160))
    classes = int(max(data["y_train"].max(), data["y_test"].max())) + 1
    colours = [RUN_COLORS[k % len(RUN_COLORS)] for k in range(classes)]
    predicted = classify(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, predicted, levels=np.arange(classes + 1) - 0.5, colors=colours, alpha=0.22)
    for part, marker in (("train", "o"), ("test", "x")):
        points, truth = data[f"x_{part}"], data[f"y_{part}"]
        ax.scatter(points[:, 0], points[:, 1], c=[colours[int(k)] for k in truth], marker=marker, s=12,
                   linewidths=0.9 if marker == "x" else 0, label=f"{part} examples")
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    ax.legend(fontsize="small", loc="lower right", framealpha=0.85)


def render_loss_plane(arrays: Mapping[str, Array], runs: list[tuple[str, str]], labels: Mapping[str, str],
                      path: str | Path, title: str, width: int = 1280, height: int = 560,
                      classify: Callable[[Array], Array] | None = None, data: Mapping[str, Array] | None = None) -> None:
    """Write the figure from a ``model_run.save_result`` archive's ``arrays``.

    ``runs``: the (optimizer, backend) pairs to draw, in order; a TensorFlow twin of a numpy run
    is drawn dashed on top (they agree to rounding, so it hides the solid line only where they do).
    With two input features, ``classify`` (the best run's final model: inputs (N, 2) -> classes)
    and ``data`` (the data set's arrays) add a third panel: the decision regions.
    """
    regions = classify is not None and data is not None and data["x_train"].shape[1] == 2
    if regions:
        width = int(width * 1.45) // 2 * 2
    alphas, betas, grid = arrays["plane/alphas"], arrays["plane/betas"], arrays["plane/loss"]
    explained = arrays["plane/explained_variance"]
    with matplotlib.rc_context(scaled_rc(width, height)):
        figure = new_figure(width, height)
        figure.set_layout_engine("constrained", w_pad=0.06, wspace=0.06)  # the colour bar's label apart from the loss axis
        if regions:
            plane_ax, loss_ax, regions_ax = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 1.0, 0.9]})
            draw_decision_regions(regions_ax, classify, data)
            regions_ax.set_title("Decision regions of the best run")
            regions_ax.set_xlabel("feature 1")
            regions_ax.set_ylabel("feature 2")
        else:
            plane_ax, loss_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
        finite = grid[np.isfinite(grid) & (grid > 0)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            levels = np.geomspace(low, max(high, low * 1.0001), 25)
            shown = np.clip(np.nan_to_num(grid, nan=high, posinf=high), low, high)
            filled = plane_ax.contourf(alphas, betas, shown, levels=levels, norm=LogNorm(low, high), cmap="viridis")
            figure.colorbar(filled, ax=plane_ax, label="training loss on the plane", format="%.2g")
        colours = {}
        for optimizer, backend in runs:
            colour = colours.setdefault(optimizer, RUN_COLORS[len(colours) % len(RUN_COLORS)])
            key = f"{optimizer}-{backend}"
            coords = arrays[f"{key}/plane_coordinates"]
            style = "--" if backend == "tensorflow" else "-"
            off = float(arrays[f"{key}/off_plane_distance"].max())
            plane_ax.plot(coords[:, 0], coords[:, 1], style, color=colour, linewidth=1.6)
            plane_ax.plot(*coords[0], "o", color=colour, markerfacecolor="white", markersize=7)
            plane_ax.plot(*coords[-1], "o", color=colour, markersize=7)
            steps, loss = arrays[f"{key}/steps_recorded"], arrays[f"{key}/train_loss"]
            label = f"{labels.get(optimizer, optimizer)} ({backend}; off-plane ≤ {off:.2g})"
            loss_ax.plot(steps, loss, style, color=colour, label=label)
        plane_ax.plot(0.0, 0.0, "*", color="white", markeredgecolor="black", markersize=15)
        plane_ax.set_xlabel(f"direction 1 ({100 * explained[0]:.1f}% of the variance)")
        plane_ax.set_ylabel(f"direction 2 ({100 * explained[1]:.1f}%)")
        plane_ax.set_title("Paths on the loss plane (○ start, ★ best run's end)")
        loss_ax.set_yscale("log")
        loss_ax.set_xlabel("step")
        loss_ax.set_ylabel("training loss (at the run's own weights)")
        loss_ax.set_title("True training loss")
        loss_ax.legend(fontsize="small", frameon=False)
        figure.suptitle(title, fontweight="bold")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp.png")
        figure.savefig(tmp, dpi=figure.dpi, metadata={"Software": None})
        tmp.replace(path)

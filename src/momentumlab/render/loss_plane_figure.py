"""The loss plane of a model experiment as a two-panel PNG: the plane with every run's path, and the
true training loss of every run against its step.

Left: the training loss on the plane's grid (log-spaced filled contours), each run's recorded
weights projected onto it (start ○, end ●), the centre (the best run's final weights) ★; the axis
labels give each direction's explained variance. The path is a projection: where a run is far
from the plane (its largest off-plane distance is in the legend) the colour under it is not its loss.
Right: the loss at each run's own weights (``loss_plane.true_loss``), on log axes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import matplotlib
import numpy as np
from matplotlib.colors import LogNorm

from momentumlab.render.style import RUN_COLORS, new_figure, scaled_rc

Array = np.ndarray


def render_loss_plane(arrays: Mapping[str, Array], runs: list[tuple[str, str]], labels: Mapping[str, str],
                      path: str | Path, title: str, width: int = 1280, height: int = 560) -> None:
    """Write the figure from a ``model_run.save_result`` archive's ``arrays``.

    ``runs``: the (optimizer, backend) pairs to draw, in order; a TensorFlow twin of a numpy run
    is drawn dashed on top (they agree to rounding, so it hides the solid line only where they do).
    """
    alphas, betas, grid = arrays["plane/alphas"], arrays["plane/betas"], arrays["plane/loss"]
    explained = arrays["plane/explained_variance"]
    with matplotlib.rc_context(scaled_rc(width, height)):
        figure = new_figure(width, height)
        figure.set_layout_engine("constrained", w_pad=0.06, wspace=0.06)  # the colour bar's label apart from the loss axis
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

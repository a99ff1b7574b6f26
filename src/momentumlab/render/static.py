"""Still pictures for the report: the loss overlay of an experiment's runs, the bare contour
image the report's step scrubber draws paths on, and a model experiment's loss plane.
(The sweep heatmap has its own module, ``heatmap``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from momentumlab.files import atomic_path
from momentumlab.floors import PLAIN_LOSS, LossFloor
from momentumlab.landscape import Landscape, equal_aspect_window
from momentumlab.palette import CLASS_COLORS, optimizer_colors, run_styles
from momentumlab.runs import RunKey
from momentumlab.problems import Problem, Window
from momentumlab.render.style import (DPI, configure_loss_axes, draw_contour, draw_minima, draw_plane_loss, new_figure,
                                      scaled_rc)
from momentumlab.trajectory import Trajectory

Array = np.ndarray

# The report shows loss plots a third of the page wide on a desktop and the whole phone
# width (about 360 px) on a phone: a 4:3 canvas with large text stays legible at both.
LOSS_PLOT_SIZE = (640, 480)
LOSS_TEXT_SCALE = 1.9
CONTOUR_IMAGE_RESOLUTION = 300


def _fit_legend_and_title(figure: Figure, ax: Axes, title: str, backends_of: list[str]) -> None:
    """Legend below the axes, one column per backend (a run's twins side by side) if it fits,
    and the title shrunk (down to 80 %, then cut with an ellipsis) to the figure's width."""
    handles, labels = ax.get_legend_handles_labels()
    backends = list(dict.fromkeys(backends_of))
    columns = len(backends) if len(backends) > 1 else min(2, len(labels))
    if len(backends) > 1:  # matplotlib fills legends column by column
        order = sorted(range(len(labels)), key=lambda i: backends.index(backends_of[i]))
        handles, labels = [handles[i] for i in order], [labels[i] for i in order]
    renderer = figure.canvas.get_renderer()
    for ncols in (columns, 1):
        legend = figure.legend(handles, labels, loc="outside lower center", ncols=ncols, frameon=False,
                               handlelength=1.8, columnspacing=1.2)
        if ncols == 1 or legend.get_window_extent(renderer).width <= 0.98 * figure.bbox.width:
            break
        legend.remove()
    size = matplotlib.rcParams["axes.titlesize"]
    text = figure.suptitle(title, x=0.02, ha="left", fontsize=size, fontweight="bold")
    room = 0.96 * figure.bbox.width
    while text.get_window_extent(renderer).width > room and text.get_fontsize() > 0.8 * size:
        text.set_fontsize(text.get_fontsize() * 0.95)
    while text.get_window_extent(renderer).width > room and len(title) > 1:
        title = title[:-1]
        text.set_text(title.rstrip() + "…")


def loss_overlay_figure(runs: Mapping[RunKey, Trajectory], title: str, width: int = LOSS_PLOT_SIZE[0],
                        height: int = LOSS_PLOT_SIZE[1], view: LossFloor = PLAIN_LOSS,
                        colors: Mapping[str, str] | None = None) -> Figure:
    """Loss (f − f* above its floor where ``view`` knows f*) against step, one line per run, the legend below
    the axes (call inside its rc context)."""
    figure = new_figure(width, height)
    figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
    ax = figure.add_subplot()
    styles = run_styles(runs, colors)
    configure_loss_axes(ax, [view.shown(run.loss) for run in runs.values()], max(run.steps for run in runs.values()),
                        view.floor, view.label)
    for key, run in runs.items():
        style = styles[key]
        steps, loss = np.arange(len(run.loss)), view.shown(run.loss)
        ax.plot(steps, loss, color=style.color, linestyle=style.linestyle, linewidth=style.linewidth, label=key.display)
        if run.diverged:
            ax.plot(steps[-1:], loss[-1:], linestyle="none", marker="X", markersize=11, color=style.color,
                    markeredgecolor="white")
    _fit_legend_and_title(figure, ax, title, [key.backend for key in runs])
    return figure


def loss_overlay_png(runs: Mapping[RunKey, Trajectory], title: str, path: str | Path, width: int = LOSS_PLOT_SIZE[0],
                     height: int = LOSS_PLOT_SIZE[1], view: LossFloor = PLAIN_LOSS,
                     colors: Mapping[str, str] | None = None) -> None:
    """A static PNG of loss against step, one line per run (``colors``: optimizer name → colour), for the report."""
    if not runs:
        raise ValueError("loss_overlay_png needs at least one run")
    with matplotlib.rc_context(scaled_rc(width, height, LOSS_TEXT_SCALE)):
        figure = loss_overlay_figure(runs, title, width, height, view, colors)
        with atomic_path(path) as temp:
            figure.savefig(temp, dpi=DPI, format="png")


def contour_png(problem: Problem, path: str | Path, width: int, height: int, window: Window) -> dict[str, Any]:
    """Write the bare contour of ``problem`` over ``window`` (widened to the image's aspect, so the
    geometry is true) to ``path``; return its extent.

    The axes fill the whole image (no margins, ticks or labels), so pixel (u, v) of a
    ``width`` × ``height`` image maps exactly to parameters
    x = x0 + (u / width)(x1 − x0), y = y1 − (v / height)(y1 − y0).
    """
    window = equal_aspect_window(window, width, height)  # one unit of x spans as many pixels as one of y
    figure = new_figure(width, height)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    draw_contour(ax, Landscape.build(problem, window, CONTOUR_IMAGE_RESOLUTION))
    draw_minima(ax, problem, size=14.0 * min(width / 960.0, height / 540.0) ** 0.5)
    (x0, x1), (y0, y1) = window
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    with atomic_path(path) as temp:
        figure.savefig(temp, dpi=figure.dpi, format="png")
    return {"x": [float(x0), float(x1)], "y": [float(y0), float(y1)], "width": int(width), "height": int(height)}


def draw_decision_regions(ax: Axes, classify: Callable[[Array], Array], data: Mapping[str, Array]) -> None:
    """The classes a model predicts over the plane of two input features, with the examples on top
    (training set: dots, test set: crosses), coloured by their true class."""
    x = np.concatenate([data["x_train"], data["x_test"]])
    (x0, y0), (x1, y1) = x.min(axis=0), x.max(axis=0)
    pad_x, pad_y = 0.08 * (x1 - x0 or 1.0), 0.08 * (y1 - y0 or 1.0)
    gx, gy = np.meshgrid(np.linspace(x0 - pad_x, x1 + pad_x, 160), np.linspace(y0 - pad_y, y1 + pad_y, 160))
    classes = int(max(data["y_train"].max(), data["y_test"].max())) + 1
    colours = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(classes)]
    predicted = classify(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, predicted, levels=np.arange(classes + 1) - 0.5, colors=colours, alpha=0.22)
    for part, marker in (("train", "o"), ("test", "x")):
        points, truth = data[f"x_{part}"], data[f"y_{part}"]
        ax.scatter(points[:, 0], points[:, 1], c=[colours[int(k)] for k in truth], marker=marker, s=12,
                   linewidths=0.9 if marker == "x" else 0, label=f"{part} examples")
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    ax.legend(fontsize="small", loc="lower right", framealpha=0.85)


def render_loss_plane(arrays: Mapping[str, Array], runs: Sequence[RunKey], labels: Mapping[str, str],
                      path: str | Path, title: str, width: int = 1280, height: int = 560,
                      classify: Callable[[Array], Array] | None = None, data: Mapping[str, Array] | None = None,
                      best: RunKey | None = None) -> None:
    """Write a model experiment's loss-plane figure from a ``model.run.save_result`` archive's ``arrays``.

    Left: the training loss on the plane's grid (log-spaced filled contours), each run's recorded
    weights on seed 0 projected onto it (start ○, end ●), the centre (the mean of the runs' final
    weights, a point no run owns) +, and ★ on the end of ``best`` (the best run by the rule) when
    there is one; the axis labels give each direction's explained variance. The path is a
    projection: where a run is far from the plane (its largest off-plane distance is in the
    legend) the colour under it is not its loss.
    Middle: the train (—) and test (- -) loss at each run's own weights, the median over its
    seeds with a min–max band (``<run>/seeds/…``; seed 0 alone without them), ▼ at the lowest
    median test loss, on log axes. ``runs``: the runs to draw, in order; a TensorFlow twin of a
    numpy run is drawn dotted (train loss on seed 0: they agree to rounding where it hides).
    With two input features, ``classify`` (a final model: inputs (N, 2) -> classes) and ``data``
    (the data set's arrays) add a third panel: the decision regions.
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
            plane_ax, loss_ax, regions_ax = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.4, 1.0, 0.9]})
            draw_decision_regions(regions_ax, classify, data)
            shown = labels.get(best.optimizer, best.optimizer) if best else labels.get(runs[0].optimizer, runs[0].optimizer)
            regions_ax.set_title(f"Regions: {shown}, seed 0")
            regions_ax.set_xlabel("feature 1")
            regions_ax.set_ylabel("feature 2")
        else:
            plane_ax, loss_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1.0]})
        filled = draw_plane_loss(plane_ax, alphas, betas, grid)
        if filled is not None:
            figure.colorbar(filled, ax=plane_ax, label="training loss on the plane", format="%.2g")
        colours = optimizer_colors(runs)
        banded = any(len(arrays.get(f"{run.file_name}/seeds/train_loss", ())) > 1 for run in runs)
        for run in runs:
            optimizer, backend, key = run.optimizer, run.backend, run.file_name
            colour = colours[optimizer]
            coords = arrays[f"{key}/plane_coordinates"]
            twin = backend == "tensorflow"
            off = float(arrays[f"{key}/off_plane_distance"].max())
            plane_ax.plot(coords[:, 0], coords[:, 1], ":" if twin else "-", color=colour, linewidth=1.6)
            plane_ax.plot(*coords[0], "o", color=colour, markerfacecolor="white", markersize=7)
            plane_ax.plot(*coords[-1], "o", color=colour, markersize=7)
            if best is not None and run == best:
                plane_ax.plot(*coords[-1], "*", color="white", markeredgecolor="black", markersize=16, zorder=6)
            steps = arrays[f"{key}/steps_recorded"]
            name = labels.get(optimizer, optimizer)
            if twin:
                loss_ax.plot(steps, arrays[f"{key}/train_loss"], ":", color=colour,
                             label=f"{name} train, TensorFlow seed 0 (off-plane ≤ {off:.2g})")
                continue
            seeded = f"{key}/seeds/train_loss" in arrays
            train = arrays[f"{key}/seeds/train_loss"] if seeded else arrays[f"{key}/train_loss"][None]
            test = arrays[f"{key}/seeds/test_loss"] if seeded else arrays[f"{key}/test_loss"][None]
            count = len(train)
            for values, style, part in ((train, "-", "train"), (test, "--", "test")):
                median = np.median(values, axis=0)
                loss_ax.plot(steps, median, style, color=colour,
                             label=f"{name} {part}" + (f", median of {count} seeds" if count > 1 else "")
                             + (f" (off-plane ≤ {off:.2g})" if part == "train" else ""))
                if count > 1:
                    loss_ax.fill_between(steps, values.min(axis=0), values.max(axis=0), color=colour, alpha=0.15,
                                         linewidth=0)
            test_median = np.median(test, axis=0)
            if np.isfinite(test_median).any():
                lowest = int(np.nanargmin(np.where(np.isfinite(test_median), test_median, np.nan)))
                loss_ax.plot(steps[lowest], test_median[lowest], "v", color=colour, markeredgecolor="black",
                             markersize=10, zorder=5, linestyle="none",
                             label=f"{name}: lowest test loss at step {int(steps[lowest])}")
        plane_ax.plot(0.0, 0.0, "+", color="white", markeredgecolor="black", markersize=14, markeredgewidth=2.5)
        plane_ax.plot(0.0, 0.0, "+", color="black", markersize=12, markeredgewidth=1.2)
        plane_ax.set_xlabel(f"direction 1 ({100 * explained[0]:.1f}% of the variance)")
        plane_ax.set_ylabel(f"direction 2 ({100 * explained[1]:.1f}%)")
        plane_ax.set_aspect("equal", adjustable="box")  # orthonormal directions: true distances both ways
        plane_ax.set_title("Paths, seed 0:\n○ start, + mean end" + (", ★ best run" if best is not None else ", no best run"))
        loss_ax.set_yscale("log")
        loss_ax.set_xlabel("step")
        loss_ax.set_ylabel("loss at the run's own weights")
        loss_ax.set_title("Train (—) and test (- -) loss" + (", bands min–max over seeds" if banded else ""))
        loss_ax.legend(fontsize="small", frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
        figure.suptitle(title, fontweight="bold")
        with atomic_path(path) as temp:
            figure.savefig(temp, dpi=figure.dpi, metadata={"Software": None})

"""The public entry points: one run's animation, an experiment's race, a static loss plot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from momentumlab.problems import Problem
from momentumlab.render.axes import configure_loss_axes
from momentumlab.render.engine import rc_context, render_scene
from momentumlab.palette import RunKey, run_styles
from momentumlab.render.scenes import compare_scene, run_scene
from momentumlab.render.style import DPI, new_figure, scaled_rc
from momentumlab.trajectory import Trajectory

if TYPE_CHECKING:
    from momentumlab.config import Animation


def render_run(problem: Problem, trajectory: Trajectory, title: str, settings: "Animation",
               outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = True) -> None:
    """Animate one run in the seed's 2×2 panels into ``outputs`` (format → path) and ``poster``."""
    with rc_context(settings.width, settings.height):
        scene = run_scene(problem, trajectory, title, settings.width, settings.height)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def render_compare(problem: Problem, runs: Mapping[RunKey, Trajectory], title: str, settings: "Animation",
                   outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = True) -> None:
    """Animate every run of an experiment racing on one contour (an optimizer's
    numpy and TensorFlow runs share a colour and differ in line style)."""
    with rc_context(settings.width, settings.height):
        scene = compare_scene(problem, runs, title, settings.width, settings.height)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


# The report shows loss plots a third of the page wide on a desktop and the whole phone
# width (about 360 px) on a phone: a 4:3 canvas with large text stays legible at both.
LOSS_PLOT_SIZE = (640, 480)
LOSS_TEXT_SCALE = 1.9


def _fit_legend_and_title(figure: Figure, ax, title: str, backends_of: list[str]) -> None:
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
                        height: int = LOSS_PLOT_SIZE[1]) -> Figure:
    """Loss against step, one line per run, the legend below the axes (call inside its rc context)."""
    figure = new_figure(width, height)
    figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
    ax = figure.add_subplot()
    styles = run_styles(runs)
    configure_loss_axes(ax, [run.loss for run in runs.values()], max(run.steps for run in runs.values()))
    for key, run in runs.items():
        style = styles[key]
        steps = np.arange(len(run.loss))
        ax.plot(steps, run.loss, color=style.color, linestyle=style.linestyle, linewidth=style.linewidth, label=key.display)
        if run.diverged:
            ax.plot(steps[-1:], run.loss[-1:], linestyle="none", marker="X", markersize=11, color=style.color,
                    markeredgecolor="white")
    _fit_legend_and_title(figure, ax, title, [key.backend for key in runs])
    return figure


def loss_overlay_png(runs: Mapping[RunKey, Trajectory], title: str, path: str | Path, width: int = LOSS_PLOT_SIZE[0],
                     height: int = LOSS_PLOT_SIZE[1]) -> None:
    """A static PNG of loss against step, one line per run, for the report."""
    if not runs:
        raise ValueError("loss_overlay_png needs at least one run")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(scaled_rc(width, height, LOSS_TEXT_SCALE)):
        figure = loss_overlay_figure(runs, title, width, height)
        temp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
        try:
            figure.savefig(temp, dpi=DPI, format="png")
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)

"""The public entry points: one run's animation, an experiment's race, a static loss plot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import numpy as np

from momentumlab.problems import Problem
from momentumlab.render.axes import configure_loss_axes
from momentumlab.render.engine import rc_context, render_scene
from momentumlab.render.race import run_styles
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


def render_compare(problem: Problem, runs: Mapping[str, Trajectory], title: str, settings: "Animation",
                   outputs: Mapping[str, str | Path], poster: str | Path, progress: bool = True) -> None:
    """Animate every run of an experiment racing on one contour (labels ending in
    " · numpy" / " · tensorflow" share a colour and differ in line style)."""
    with rc_context(settings.width, settings.height):
        scene = compare_scene(problem, runs, title, settings.width, settings.height)
        render_scene(scene, settings, outputs, poster, progress, description=Path(poster).stem)


def loss_overlay_png(runs: Mapping[str, Trajectory], title: str, path: str | Path, width: int = 960,
                     height: int = 540) -> None:
    """A static PNG of loss against step, one line per run, for the report."""
    if not runs:
        raise ValueError("loss_overlay_png needs at least one run")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with rc_context(width, height):
        figure = new_figure(width, height)
        ax = figure.add_axes((0.09, 0.13, 0.62, 0.74))
        styles = run_styles(list(runs))
        configure_loss_axes(ax, [run.loss for run in runs.values()], max(run.steps for run in runs.values()))
        for label, run in runs.items():
            style = styles[label]
            steps = np.arange(len(run.loss))
            ax.plot(steps, run.loss, color=style.color, linestyle=style.linestyle, linewidth=style.linewidth,
                    label=label)
            if run.diverged:
                ax.plot(steps[-1:], run.loss[-1:], linestyle="none", marker="X", markersize=11,
                        color=style.color, markeredgecolor="white")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, borderaxespad=0.0)
        figure.suptitle(title, x=0.012, ha="left", fontsize=scaled_rc(width, height)["axes.titlesize"] * 1.2,
                        fontweight="bold")
        temp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
        try:
            figure.savefig(temp, dpi=DPI, format="png")
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)

"""Figures built from views: the 2×2 run figure and the compare (race) figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from momentumlab.problems import LinearRegression, Problem
from momentumlab.render.fasttext import GlyphText
from momentumlab.render.landscape import Landscape, plot_window
from momentumlab.render.paths import reached_divergence, visible_steps
from momentumlab.render.race import RaceContourView, RaceLossView, run_styles
from momentumlab.render.style import DIVERGED_COLOR, font_scale, new_figure
from momentumlab.render.views import ContourView, DistanceView, FitView, LossView, SurfaceView
from momentumlab.trajectory import Trajectory

SURFACE_RESOLUTION = 60
CONTOUR_RESOLUTION = 160


class View(Protocol):
    """A panel: drawn once, then asked each frame for the artists that moved."""

    projection: str | None

    def draw_static(self, ax: Axes) -> None: ...

    def update(self, step: int) -> list[Artist]: ...


class Header:
    """The figure's title (static) and a status line with the current step (moving)."""

    def __init__(self, title: str, runs: Sequence[Trajectory], show_loss: bool) -> None:
        self.title = title
        self.runs = runs
        self.show_loss = show_loss
        self.total = max(run.steps for run in runs)

    def draw_static(self, figure: Figure) -> None:
        """Title on the left, an empty status on the right of the top band."""
        scale = font_scale(figure)
        size = 16 * scale * min(1.0, 44 / max(len(self.title), 1))
        figure.text(0.012, 0.985, self.title, ha="left", va="top", fontsize=size, fontweight="bold")
        self.status = GlyphText(figure, 0.988, 0.975, size=14 * scale, ha="right")

    def update(self, step: int) -> list[Artist]:
        """``step k / T`` (and the loss for a single run)."""
        shown = max(visible_steps(run, step) for run in self.runs)
        text = f"step {shown:>{len(f'{self.total:,}')},} / {self.total:,}"
        if self.show_loss:
            run = self.runs[0]
            text += f"  loss {run.loss[visible_steps(run, step)]:.3g}"
        self.status.set_text(text)
        diverged = any(reached_divergence(run, step) for run in self.runs) and self.show_loss
        self.status.set_facecolor(DIVERGED_COLOR if diverged else "black")
        return [self.status]


@dataclass
class Scene:
    """A figure whose moving artists come from ``updaters`` (views and the header)."""

    figure: Figure
    updaters: list
    last_step: int

    def update(self, step: int) -> list[Artist]:
        """Every moving artist, positioned for ``step``."""
        return [artist for updater in self.updaters for artist in updater.update(step)]


def _place(figure: Figure, views: Sequence[View], grid) -> None:
    for view, cell in zip(views, grid):
        ax = figure.add_subplot(cell, projection=view.projection)
        if view.projection == "3d":
            # A 3-D axes draws well inside its box; let it use the margins around its cell.
            box = ax.get_position()
            ax.set_position((box.x0 - 0.06, box.y0 - 0.07, box.width + 0.08, box.height + 0.1))
        view.draw_static(ax)


def run_scene(problem: Problem, trajectory: Trajectory, title: str, width: int, height: int) -> Scene:
    """The seed's 2×2 figure: surface, contour, fit or distance, loss."""
    figure = new_figure(width, height)
    window = plot_window(problem, trajectory.params[:1])
    surface = Landscape.build(problem, window, SURFACE_RESOLUTION)
    contour = Landscape.build(problem, window, CONTOUR_RESOLUTION)
    third: View = FitView(problem, trajectory) if isinstance(problem, LinearRegression) else DistanceView(problem, trajectory)
    views: list[View] = [SurfaceView(surface, trajectory), ContourView(contour, trajectory), third, LossView(trajectory)]
    grid = figure.add_gridspec(2, 2, left=0.075, right=0.965, top=0.875, bottom=0.095, wspace=0.2, hspace=0.42)
    cells = [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]]
    _place(figure, views, cells)
    header = Header(title, [trajectory], show_loss=True)
    header.draw_static(figure)
    return Scene(figure=figure, updaters=[*views, header], last_step=len(trajectory.params) - 1)


def compare_scene(problem: Problem, runs: Mapping[str, Trajectory], title: str, width: int, height: int) -> Scene:
    """Every run racing on one contour, next to their loss curves, with a legend below."""
    if not runs:
        raise ValueError("render_compare needs at least one run")
    figure = new_figure(width, height)
    starts = np.array([run.params[0] for run in runs.values()])
    contour = Landscape.build(problem, plot_window(problem, starts), CONTOUR_RESOLUTION)
    styles = run_styles(list(runs))
    views: list[View] = [RaceContourView(contour, runs, styles), RaceLossView(runs, styles)]
    columns = min(len(runs), 4)
    rows = -(-len(runs) // columns)
    bottom = 0.11 + 0.055 * rows
    grid = figure.add_gridspec(1, 2, left=0.075, right=0.965, top=0.895, bottom=bottom, wspace=0.22,
                               width_ratios=[1.15, 1.0])
    _place(figure, views, [grid[0, 0], grid[0, 1]])
    handles = [
        Line2D([], [], color=s.color, linestyle=s.linestyle, linewidth=s.linewidth, marker="o",
               markersize=s.head_size * 0.8, markerfacecolor="none" if s.hollow else s.color,
               markeredgecolor=s.color if s.hollow else "white", markeredgewidth=1.6 if s.hollow else 1.0)
        for s in styles.values()
    ]
    figure.legend(handles, list(styles), loc="lower center", ncols=columns, frameon=False,
                  bbox_to_anchor=(0.5, 0.0), handlelength=2.6, columnspacing=1.6)
    header = Header(title, list(runs.values()), show_loss=False)
    header.draw_static(figure)
    last = max(len(run.params) for run in runs.values()) - 1
    return Scene(figure=figure, updaters=[*views, header], last_step=last)

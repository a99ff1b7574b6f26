"""Views of the compare animation: every run of an experiment racing on one contour."""

from __future__ import annotations

from typing import Mapping

import numpy as np
from matplotlib.axes import Axes

from momentumlab.render.axes import configure_loss_axes, draw_contour, draw_minima, draw_start
from momentumlab.render.landscape import Landscape
from momentumlab.palette import RunKey, RunStyle
from momentumlab.render.paths import PathArtists, head_look, line_look, reached_divergence, visible_steps
from momentumlab.render.sprites import Sprite, display_points
from momentumlab.trajectory import Trajectory

class RaceContourView:
    """All runs on one contour map, with a shared start and optimum markers."""

    projection = None
    shared = True

    def __init__(self, landscape: Landscape, runs: Mapping[RunKey, Trajectory], styles: Mapping[RunKey, RunStyle]) -> None:
        self.landscape = landscape
        self.runs = runs
        self.paths = [PathArtists(runs[key], styles[key]) for key in runs]

    def draw_static(self, ax: Axes) -> None:
        """Contours, every distinct start, the optimum."""
        draw_contour(ax, self.landscape)
        starts = np.unique(np.array([run.params[0] for run in self.runs.values()]), axis=0)
        for start in starts:
            draw_start(ax, start)
        draw_minima(ax, self.landscape.problem)

    def attach(self, ax: Axes) -> None:
        """One path's sprites per run."""
        for path in self.paths:
            path.attach(ax)

    def update(self, step: int) -> list[Sprite]:
        """Every path up to ``step`` (finished runs stay at their end)."""
        return [artist for path in self.paths for artist in path.update(step)]


class RaceLossView:
    """Loss against step for every run."""

    projection = None
    shared = True

    def __init__(self, runs: Mapping[RunKey, Trajectory], styles: Mapping[RunKey, RunStyle]) -> None:
        self.runs = runs
        self.styles = styles

    def draw_static(self, ax: Axes) -> None:
        """Shared axes sized to the longest run."""
        last = max(run.steps for run in self.runs.values())
        configure_loss_axes(ax, [run.loss for run in self.runs.values()], last)

    def attach(self, ax: Axes) -> None:
        """Each run's curve in display coordinates."""
        self.curves = []
        for key, run in self.runs.items():
            style = self.styles[key]
            points = display_points(ax, np.column_stack([np.arange(len(run.loss)), run.loss]))
            head = head_look(style, size_offset=-1.0, hollow_edge=1.8, solid_edge=1.0)
            self.curves.append((run, points, Sprite(line_look(style), ax.bbox), Sprite(head, ax.bbox)))

    def update(self, step: int) -> list[Sprite]:
        """Each loss curve up to ``step``."""
        sprites: list[Sprite] = []
        for run, points, line, head in self.curves:
            k = visible_steps(run, step)
            line.set_vertices(points[: k + 1])
            head.set_vertices(points[k : k + 1])
            head.set_marker("X" if reached_divergence(run, step) else "o")
            sprites += [line, head]
        return sprites

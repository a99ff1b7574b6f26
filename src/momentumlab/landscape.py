"""The loss surface on a grid for plotting: plot window, contour levels and the 3-D height
(numpy only; the pictures are drawn by ``momentumlab.render``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from momentumlab.problems import Problem, Window

Array = np.ndarray


def race_window(problem: Problem, runs: Iterable[Any]) -> Window:
    """The window of a race: ``problem.window`` widened to contain every start and every point of
    every run that did not diverge (a diverged run leaves it and is marked where it ended)."""
    runs = list(runs)
    points = [run.params[:1] for run in runs] + [run.params for run in runs if not run.diverged]
    return plot_window(problem, np.concatenate(points) if points else np.zeros((0, 2)))


def plot_window(problem: Problem, starts: Array) -> Window:
    """``problem.window``, widened (with a 5 % margin) to contain every start."""
    (x0, x1), (y0, y1) = problem.window
    starts = np.asarray(starts, dtype=float).reshape(-1, 2)
    starts = starts[np.all(np.isfinite(starts), axis=1)]
    if starts.size:
        sx0, sy0 = starts.min(axis=0)
        sx1, sy1 = starts.max(axis=0)
        if sx0 < x0 or sx1 > x1:
            pad = 0.05 * (max(x1, sx1) - min(x0, sx0))
            x0, x1 = min(x0, sx0 - pad), max(x1, sx1 + pad)
        if sy0 < y0 or sy1 > y1:
            pad = 0.05 * (max(y1, sy1) - min(y0, sy0))
            y0, y1 = min(y0, sy0 - pad), max(y1, sy1 + pad)
    return (float(x0), float(x1)), (float(y0), float(y1))


def equal_aspect_window(window: Window, width: float, height: float) -> Window:
    """``window`` widened about its centre along one axis so that, drawn into a ``width`` × ``height``
    pixel box, one unit of x and one unit of y span the same number of pixels (true geometry:
    a 30° valley shows at 30°, a gradient at right angles to the contours)."""
    (x0, x1), (y0, y1) = window
    span_x, span_y = x1 - x0, y1 - y0
    if width <= 0 or height <= 0 or span_x <= 0 or span_y <= 0:
        return window
    if span_x / span_y < width / height:
        half = 0.5 * span_y * width / height
        middle = 0.5 * (x0 + x1)
        return (middle - half, middle + half), (float(y0), float(y1))
    half = 0.5 * span_x * height / width
    middle = 0.5 * (y0 + y1)
    return (float(x0), float(x1)), (middle - half, middle + half)


@dataclass(frozen=True)
class Landscape:
    """Loss values on a regular grid over the plot window.

    Log-scaled problems are shown as height log₁₀ f (clipped at ``floor``), the rest
    as f itself, so narrow valleys stay visible in 3-D.
    """

    problem: Problem
    window: Window
    x: Array
    y: Array
    values: Array
    floor: float

    @classmethod
    def build(cls, problem: Problem, window: Window, resolution: int) -> "Landscape":
        """Evaluate the problem on a ``resolution`` × ``resolution`` grid."""
        (x0, x1), (y0, y1) = window
        x, y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
        values = np.asarray(problem.surface(np.stack([x, y], axis=-1)), dtype=float)
        positive = values[values > 0]
        top = float(positive.max()) if positive.size else 1.0
        floor = max(float(positive.min()) if positive.size else 1e-12, top * 1e-10)
        return cls(problem=problem, window=window, x=x, y=y, values=values, floor=floor)

    def fitted(self, width: float, height: float) -> "Landscape":
        """This landscape over :func:`equal_aspect_window` of its window for a ``width`` × ``height``
        pixel box, on a grid of the same resolution (itself when already equal)."""
        window = equal_aspect_window(self.window, width, height)
        if window == self.window:
            return self
        return Landscape.build(self.problem, window, len(self.x[0]) if np.ndim(self.x) == 2 else len(self.x))

    @property
    def log_scale(self) -> bool:
        """Whether levels and heights are logarithmic."""
        return bool(self.problem.log_scale) and bool(np.all(self.values >= 0))

    def height(self, values: Array) -> Array:
        """The 3-D height of loss ``values``."""
        values = np.asarray(values, dtype=float)
        if self.log_scale:
            return np.log10(np.maximum(values, self.floor))
        return values

    @property
    def height_label(self) -> str:
        """Axis label for the 3-D height."""
        return "log₁₀ loss" if self.log_scale else "loss"

    def levels(self, count: int = 18) -> Array:
        """Contour levels: log-spaced for log-scaled problems, else linear."""
        top = float(np.nanmax(self.values))
        if self.log_scale:
            return np.geomspace(self.floor, max(top, self.floor * 10), count)
        return np.linspace(float(np.nanmin(self.values)), top, count)

    def inside(self, points: Array) -> Array:
        """A mask of the rows of ``points`` (n, 2) inside the window."""
        (x0, x1), (y0, y1) = self.window
        points = np.asarray(points, dtype=float)
        return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)

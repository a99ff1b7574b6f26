"""The panels of a run animation, each a small class: ``draw_static(ax)`` + ``update(step)``.

``update`` receives the optimizer step a frame shows and returns the artists that move;
everything else is drawn once and blitted.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from momentumlab.problems import LinearRegression, Problem
from momentumlab.render.axes import configure_loss_axes, draw_contour, draw_minima, draw_start
from momentumlab.render.landscape import Landscape
from momentumlab.render.paths import PathArtists, PathStyle, reached_divergence, visible_steps
from momentumlab.render.style import DIVERGED_COLOR, FIT_COLOR, LANDSCAPE_CMAP, PATH_COLOR
from momentumlab.trajectory import Trajectory

Array = np.ndarray


class SurfaceView:
    """3-D loss surface (log height for log-scaled problems) with the path so far."""

    projection = "3d"

    def __init__(self, landscape: Landscape, trajectory: Trajectory) -> None:
        self.landscape = landscape
        self.trajectory = trajectory
        points = trajectory.params
        self.heights = landscape.height(trajectory.loss)
        # 3-D lines are not clipped to the axes box: hide the parts outside the window.
        self.points = np.where(landscape.inside(points)[:, None], points, np.nan)

    def draw_static(self, ax: Axes) -> None:
        """Surface, optimum and axis labels."""
        land = self.landscape
        z = land.height(land.values)
        ax.plot_surface(land.x, land.y, z, cmap=LANDSCAPE_CMAP, rstride=1, cstride=1, linewidth=0,
                        antialiased=False, alpha=0.85, zorder=1)
        for minimum in land.problem.minima:
            if land.inside(minimum[None])[0]:
                height = land.height(land.problem.value(minimum))
                ax.plot([minimum[0]], [minimum[1]], [height], linestyle="none", marker="*", markersize=13,
                        markerfacecolor="white", markeredgecolor="black")
        (x0, x1), (y0, y1) = land.window
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_zlim(float(np.nanmin(z)), float(np.nanmax(z)))
        ax.view_init(elev=32, azim=-125)
        ax.set_xlabel(land.problem.labels[0].split(" ")[0], labelpad=-7)
        ax.set_ylabel(land.problem.labels[1].split(" ")[0], labelpad=-7)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(3))
        ax.zaxis.set_major_locator(MaxNLocator(3))
        ax.set_zticklabels([])
        ax.tick_params(axis="both", which="major", pad=-4, labelsize="small")
        ax.set_box_aspect((1.0, 1.0, 0.6), zoom=1.25)
        ax.text2D(0.02, 0.98, f"height: {land.height_label}", transform=ax.transAxes, ha="left", va="top",
                  fontsize="small", color="#333333")
        (self.line,) = ax.plot([], [], [], color=PATH_COLOR, linewidth=2.2, zorder=10)
        (self.head,) = ax.plot([], [], [], linestyle="none", marker="o", markersize=7, color=PATH_COLOR,
                               markeredgecolor="white", zorder=11)

    def update(self, step: int) -> list[Artist]:
        """The path up to ``step`` lifted onto the surface."""
        k = visible_steps(self.trajectory, step)
        xs, ys, zs = self.points[: k + 1, 0], self.points[: k + 1, 1], self.heights[: k + 1]
        self.line.set_data_3d(xs, ys, zs)
        self.head.set_data_3d(xs[-1:], ys[-1:], zs[-1:])
        self.head.set_marker("X" if reached_divergence(self.trajectory, step) else "o")
        return [self.line, self.head]


class ContourView:
    """Contour map with the path so far, the start and the optimum."""

    projection = None

    def __init__(self, landscape: Landscape, trajectory: Trajectory) -> None:
        self.landscape = landscape
        self.trajectory = trajectory
        self.path = PathArtists(trajectory, PathStyle(color=PATH_COLOR, head_size=8.0))

    def draw_static(self, ax: Axes) -> None:
        """Contours, start and optimum markers."""
        draw_contour(ax, self.landscape)
        draw_start(ax, self.trajectory.params[0])
        draw_minima(ax, self.landscape.problem)
        self.path.draw_static(ax)
        self.note = ax.text(0.03, 0.95, "", transform=ax.transAxes, ha="left", va="top", color=DIVERGED_COLOR,
                            fontweight="bold", zorder=8,
                            bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": DIVERGED_COLOR})
        self.note.set_visible(False)

    def update(self, step: int) -> list[Artist]:
        """Path to ``step``; a red note once a diverged run reaches its end."""
        artists = self.path.update(step)
        diverged = reached_divergence(self.trajectory, step)
        if diverged:
            self.note.set_text(f"diverged at step {self.trajectory.diverged_at:,}")
        self.note.set_visible(diverged)
        return [*artists, self.note]


class FitView:
    """Linear regression: the data, the least-squares line and the current fit y = a·x + b."""

    projection = None

    def __init__(self, problem: LinearRegression, trajectory: Trajectory) -> None:
        self.problem = problem
        self.trajectory = trajectory

    def draw_static(self, ax: Axes) -> None:
        """Data points and the least-squares line."""
        x, y = self.problem.x, self.problem.y
        pad_x = 0.05 * (x.max() - x.min())
        pad_y = 0.12 * (y.max() - y.min())
        self.xs = np.array([x.min() - pad_x, x.max() + pad_x])
        ax.scatter(x, y, s=18, color="#555555", alpha=0.8, linewidths=0, label="data", zorder=2)
        slope, intercept = self.problem.optimum
        ax.plot(self.xs, slope * self.xs + intercept, color="black", linestyle=(0, (4, 3)), linewidth=1.5,
                label="least squares", zorder=3)
        (self.line,) = ax.plot([], [], color=FIT_COLOR, linewidth=2.6, label="current fit", zorder=4)
        ax.set_xlim(*self.xs)
        ax.set_ylim(y.min() - pad_y, y.max() + pad_y)
        ax.set_xlabel("x", labelpad=1)
        ax.set_ylabel("y", labelpad=1)
        ax.legend(loc="upper left", frameon=True, framealpha=0.9, handlelength=1.6, borderaxespad=0.3)

    def update(self, step: int) -> list[Artist]:
        """The line for the parameters at ``step``."""
        slope, intercept = self.trajectory.params[visible_steps(self.trajectory, step)]
        self.line.set_data(self.xs, slope * self.xs + intercept)
        return [self.line]


class DistanceView:
    """Distance to the nearest optimum on a log axis ("no minimum" when there is none)."""

    projection = None

    def __init__(self, problem: Problem, trajectory: Trajectory) -> None:
        self.trajectory = trajectory
        distance = trajectory.distance(problem)
        self.distance = None if distance is None else np.where(distance > 0, distance, np.nan)

    def draw_static(self, ax: Axes) -> None:
        """Log axes sized to the whole run."""
        ax.set_ylabel("distance to optimum", labelpad=1)
        if self.distance is None or not np.any(np.isfinite(self.distance)):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.text(0.5, 0.5, "no minimum", transform=ax.transAxes, ha="center", va="center", color="#444444",
                    fontsize="large")
            self.line = self.head = None
            return
        configure_loss_axes(ax, [self.distance], self.trajectory.steps)
        ax.set_ylabel("distance to optimum", labelpad=1)
        (self.line,) = ax.plot([], [], color=PATH_COLOR)
        (self.head,) = ax.plot([], [], linestyle="none", marker="o", markersize=8, color=PATH_COLOR,
                               markeredgecolor="white")

    def update(self, step: int) -> list[Artist]:
        """Distance curve up to ``step``."""
        if self.line is None:
            return []
        k = visible_steps(self.trajectory, step)
        steps = np.arange(k + 1)
        self.line.set_data(steps, self.distance[: k + 1])
        self.head.set_data(steps[-1:], self.distance[k : k + 1])
        return [self.line, self.head]


class LossView:
    """Loss against step (log axes, symlog when a loss is ≤ 0) with a moving marker."""

    projection = None

    def __init__(self, trajectory: Trajectory) -> None:
        self.trajectory = trajectory

    def draw_static(self, ax: Axes) -> None:
        """Axes sized to the whole run."""
        configure_loss_axes(ax, [self.trajectory.loss], self.trajectory.steps)
        (self.line,) = ax.plot([], [], color=PATH_COLOR)
        (self.head,) = ax.plot([], [], linestyle="none", marker="o", markersize=8, color=PATH_COLOR,
                               markeredgecolor="white")

    def update(self, step: int) -> list[Artist]:
        """Loss curve up to ``step``."""
        k = visible_steps(self.trajectory, step)
        steps = np.arange(k + 1)
        self.line.set_data(steps, self.trajectory.loss[: k + 1])
        self.head.set_data(steps[-1:], self.trajectory.loss[k : k + 1])
        self.head.set_marker("X" if reached_divergence(self.trajectory, step) else "o")
        return [self.line, self.head]

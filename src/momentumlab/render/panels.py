"""The panels of the animations, each a small class: ``draw_static(ax)``, ``attach(ax)`` and
``update(step)``. The last section is the run animation's stability strip.

``draw_static`` draws what never moves; for a ``shared`` panel that depends only on the
problem, the plot window and the start, so one drawing serves every run of an experiment.
``attach`` creates the moving artists on the finished axes, and ``update`` receives the
optimizer step a frame shows and returns what moved; everything else is blitted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Mapping, Protocol, Sequence

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.gridspec import SubplotSpec
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator, PercentFormatter, ScalarFormatter
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from mpl_toolkits.mplot3d import proj3d

from momentumlab.floors import PLAIN_LOSS, LossFloor, distance_floor
from momentumlab.landscape import Landscape
from momentumlab.sampling import record_at
from momentumlab.palette import (CLASS_COLORS, DIVERGED_COLOR, FIT_COLOR, LANDSCAPE_CMAP, PATH_COLOR, SCHEDULE_COLOR,
                                 RunStyle)
from momentumlab.problems import LinearRegression, Problem
from momentumlab.render.artists import GrowingCurve, Look, Trace, display_points
from momentumlab.render.style import (configure_loss_axes, draw_contour, draw_minima, draw_plane_loss, draw_start,
                                      font_scale)
from momentumlab.render.timeline import ArrowPair, Arrows
from momentumlab.trajectory import Trajectory

if TYPE_CHECKING:
    from momentumlab.model.frames import ModelRunView, PlaneView

Array = np.ndarray
MPLOT3D_LABEL_OFFSET, MPLOT3D_TICK_OFFSET = 21.0, 8.0  # points mplot3d adds to 3-D label and tick pads
MAX_SHOWN_POINTS = 2000


class Panel(Protocol):
    """A panel: static parts drawn once, moving artists attached per run, updated per frame."""

    projection: str | None
    shared: bool

    def draw_static(self, ax: Axes) -> None: ...

    def attach(self, ax: Axes) -> None: ...

    def update(self, step: int) -> list[Artist]: ...


def visible_steps(trajectory: Trajectory, step: int) -> int:
    """The index of the last recorded step shown at optimizer step ``step``."""
    return int(min(max(step, 0), len(trajectory.params) - 1))


def reached_divergence(trajectory: Trajectory, step: int) -> bool:
    """Whether a diverged run has been played up to its last valid step."""
    return trajectory.diverged and step >= len(trajectory.params) - 1


def line_look(style: RunStyle) -> Look:
    """A run's line."""
    return Look(color=style.color, linewidth=style.linewidth, dashes=style.dashes, halo=style.halo, alpha=style.alpha)


def head_look(style: RunStyle, size_offset: float = 0.0, hollow_edge: float = 2.0, solid_edge: float = 1.2) -> Look:
    """A run's moving head: filled with a white edge, or hollow with a thick coloured edge."""
    return Look(color=style.color, marker="o", markersize=style.head_size + size_offset,
                markerfacecolor="none" if style.hollow else style.color,
                markeredgecolor=style.color if style.hollow else "white",
                markeredgewidth=hollow_edge if style.hollow else solid_edge)


def dot_look(style: RunStyle) -> Look:
    """A dot on a path at each frame's step: far apart where the run is fast."""
    return Look(color=style.color, marker="o", markersize=max(2.5, style.head_size * 0.36),
                markerfacecolor=style.color, markeredgecolor="white", markeredgewidth=0.5)


def mark_look(style: RunStyle) -> Look:
    """◆ on a path where its schedule changes the rate."""
    return Look(color=SCHEDULE_COLOR, marker="D", markersize=7.5, markerfacecolor="white",
                markeredgecolor=SCHEDULE_COLOR, markeredgewidth=2.0)


def crossed(head: Look) -> Look:
    """``head`` as a cross: where a diverged run ended."""
    return replace(head, marker="X")


def single_run_looks(color: str = PATH_COLOR) -> tuple[Look, Look]:
    """The line (rc line width, scaled with the canvas) and head of a single run's curves, in its optimizer's colour."""
    return (Look(color=color, linewidth=float(matplotlib.rcParams["lines.linewidth"])),
            Look(color=color, marker="o", markersize=8, markeredgecolor="white"))


class SurfacePanel:
    """3-D loss surface (log height for log-scaled problems) with the path so far."""

    projection = "3d"
    shared = True

    def __init__(self, landscape: Landscape, trajectory: Trajectory, color: str = PATH_COLOR) -> None:
        self.landscape = landscape
        self.trajectory = trajectory
        self.color = color

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
        # mplot3d offsets labels by (labelpad + 21) and tick labels by (pad + 8) points whatever
        # the font size: scale those offsets with the fonts, or big canvases put labels on ticks
        scale = font_scale(ax.figure)
        labelpad = (-7 + MPLOT3D_LABEL_OFFSET) * scale - MPLOT3D_LABEL_OFFSET
        ax.set_xlabel(land.problem.labels[0].split(" ")[0], labelpad=labelpad)
        ax.set_ylabel(land.problem.labels[1].split(" ")[0], labelpad=labelpad)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(3))
        ax.zaxis.set_major_locator(MaxNLocator(3))
        ax.set_zticklabels([])
        tick_pad = (-4 + MPLOT3D_TICK_OFFSET) * scale - MPLOT3D_TICK_OFFSET
        ax.tick_params(axis="both", which="major", pad=tick_pad, labelsize="small")
        ax.set_box_aspect((1.0, 1.0, 0.6), zoom=1.1)
        ax.text2D(0.02, 0.98, f"height: {land.height_label}", transform=ax.transAxes, ha="left", va="top",
                  fontsize="small", color="#333333")

    def attach(self, ax: Axes) -> None:
        """Project the whole path once with the drawn axes' camera (``ax.M``)."""
        land = self.landscape
        points = self.trajectory.params
        # 3-D lines are not clipped to the axes box: hide the parts outside the window.
        points = np.where(land.inside(points)[:, None], points, np.nan)
        heights = land.height(self.trajectory.loss)
        xs, ys, _ = proj3d.proj_transform(points[:, 0], points[:, 1], heights, ax.M)
        head = Look(color=self.color, marker="o", markersize=7, markeredgecolor="white")
        self.curve = GrowingCurve(display_points(ax, np.column_stack([xs, ys])), Look(color=self.color, linewidth=2.2),
                                  head, ax.bbox, self.trajectory.diverged, crossed(head))

    def update(self, step: int) -> list[Artist]:
        """The path up to ``step`` lifted onto the surface."""
        return self.curve.update(step)


class ContourPanel:
    """Runs' paths on a contour map, with every distinct start and the optimum; with
    ``divergence_note``, a red note once a diverged run has played to its end."""

    projection = None
    shared = True

    def __init__(self, landscape: Landscape, runs: Sequence[Trajectory], styles: Sequence[RunStyle],
                 divergence_note: bool = False, dots: Array | None = None,
                 marks: Sequence[Sequence[int]] = (), arrows: Sequence["Arrows | None"] = ()) -> None:
        self.landscape = landscape
        self.runs = runs
        self.styles = styles
        self.divergence_note = divergence_note
        self.dots = dots  # the steps the frames show: a dot on each path there, so speed shows
        self.marks = marks  # per run, the steps of its schedule's changes: ◆ on its path
        self.arrows = arrows  # per run, its velocity and −η∇f arrows (or None)

    def draw_static(self, ax: Axes) -> None:
        """Contours over the window widened to the axes' pixel box (equal data aspect), start and optimum markers."""
        box = ax.get_position()
        figure_width, figure_height = ax.figure.canvas.get_width_height()
        self.landscape = self.landscape.fitted(box.width * figure_width, box.height * figure_height)
        draw_contour(ax, self.landscape)
        for start in np.unique(np.array([run.params[0] for run in self.runs]), axis=0):
            draw_start(ax, start)
        draw_minima(ax, self.landscape.problem)

    def attach(self, ax: Axes) -> None:
        """Each path's line, head and divergence cross, and the (hidden) note."""
        self.curves = []
        for index, (run, style) in enumerate(zip(self.runs, self.styles)):
            cross = Look(color=DIVERGED_COLOR, marker="X", markersize=style.head_size + 6, markeredgecolor="white",
                         markeredgewidth=1.0)
            dots = None if self.dots is None else (dot_look(style), self.dots)
            marks = (mark_look(style), self.marks[index]) if index < len(self.marks) else None
            self.curves.append(GrowingCurve(display_points(ax, run.params), line_look(style), head_look(style),
                                            ax.bbox, run.diverged, cross, dots=dots, marks=marks))
        self.arrow_pairs = [(run, ArrowPair(ax, run.params, arrows, style.color))
                            for run, style, arrows in zip(self.runs, self.styles, self.arrows) if arrows is not None]
        self.note = Text(0.03, 0.95, "", transform=ax.transAxes, ha="left", va="top", color=DIVERGED_COLOR,
                         fontweight="bold", zorder=8,
                         bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": DIVERGED_COLOR})
        self.note.set_figure(ax.figure)
        self.note.set_visible(False)

    def update(self, step: int) -> list[Artist]:
        """Every path up to ``step`` (finished runs stay at their end), then the note."""
        artists = [artist for curve in self.curves for artist in curve.update(step)]
        for run, pair in self.arrow_pairs:
            artists += pair.update(visible_steps(run, step), visible=not reached_divergence(run, step))
        if not self.divergence_note:
            return artists
        ended = [run for run in self.runs if reached_divergence(run, step)]
        if ended:
            self.note.set_text(f"diverged at step {ended[0].diverged_at:,}")
        self.note.set_visible(bool(ended))
        return [*artists, self.note]


def shown_points(count: int, limit: int = MAX_SHOWN_POINTS) -> Array:
    """Indices of at most ``limit`` evenly spread data points: a legible, fast scatter of any data size."""
    return np.unique(np.linspace(0, count - 1, min(count, limit)).astype(int))


class FitPanel:
    """Linear regression: the data, the least-squares line and the current fit y = a·x + b."""

    projection = None
    shared = True

    def __init__(self, problem: LinearRegression, trajectory: Trajectory) -> None:
        self.problem = problem
        self.trajectory = trajectory
        x = problem.x
        pad_x = 0.05 * (x.max() - x.min())
        self.xs = np.array([x.min() - pad_x, x.max() + pad_x])
        self.look = Look(color=FIT_COLOR, linewidth=2.6)

    def draw_static(self, ax: Axes) -> None:
        """Data points and the least-squares line."""
        x, y = self.problem.x, self.problem.y
        pad_y = 0.12 * (y.max() - y.min())
        shown = shown_points(len(x))
        label = "data" if len(shown) == len(x) else f"data ({len(shown):,} of {len(x):,})"
        data = ax.scatter(x[shown], y[shown], s=18, color="#555555", alpha=0.8, linewidths=0, label=label, zorder=2)
        slope, intercept = self.problem.optimum
        (least,) = ax.plot(self.xs, slope * self.xs + intercept, color="black", linestyle=(0, (4, 3)), linewidth=1.5,
                           label="least squares", zorder=3)
        ax.set_xlim(*self.xs)
        ax.set_ylim(y.min() - pad_y, y.max() + pad_y)
        ax.set_xlabel("x", labelpad=1)
        ax.set_ylabel("y", labelpad=1)
        ax.legend(handles=[data, least, self.look.legend_handle("current fit")], loc="upper left", frameon=True,
                  framealpha=0.9, handlelength=1.6, borderaxespad=0.3)

    def attach(self, ax: Axes) -> None:
        """Every frame's fitted line, in display coordinates."""
        slopes, intercepts = self.trajectory.params[:, 0], self.trajectory.params[:, 1]
        ends = slopes[:, None] * self.xs[None, :] + intercepts[:, None]
        self.lines = display_points(ax, np.stack([np.broadcast_to(self.xs, ends.shape), ends], axis=-1).reshape(-1, 2))
        self.line = Trace(self.look, ax.bbox)

    def update(self, step: int) -> list[Artist]:
        """The line for the parameters at ``step``."""
        k = visible_steps(self.trajectory, step)
        return self.line.show(self.lines[2 * k : 2 * k + 2])


class DistancePanel:
    """Distance to the nearest optimum on a log axis (symlog when it reaches 0; "no minimum"
    only when the problem has none)."""

    projection = None
    shared = False

    def __init__(self, problem: Problem, trajectory: Trajectory, color: str = PATH_COLOR, linear_steps: bool = False,
                 changes: Sequence[tuple[int, str]] = ()) -> None:
        self.trajectory = trajectory
        self.color = color
        self.linear_steps = linear_steps
        self.changes = changes
        distance = trajectory.distance(problem)
        self.floor = None if problem.optimum is None else distance_floor(problem.optimum)
        self.distance = None if distance is None else np.where(np.isfinite(distance), np.maximum(distance, self.floor), np.nan)
        self.has_curve = self.distance is not None and bool(np.any(np.isfinite(self.distance)))

    def draw_static(self, ax: Axes) -> None:
        """Log axes sized to the whole run."""
        ax.set_ylabel("distance to optimum", labelpad=1)
        if not self.has_curve:
            ax.set_xticks([])
            ax.set_yticks([])
            text = "no minimum" if self.distance is None else "no finite distance"
            ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#444444",
                    fontsize="large")
            return
        configure_loss_axes(ax, [self.distance], self.trajectory.steps, self.floor, "distance to optimum",
                            self.linear_steps, self.changes)

    def attach(self, ax: Axes) -> None:
        """The curve in display coordinates."""
        if self.has_curve:
            points = display_points(ax, np.column_stack([np.arange(len(self.distance)), self.distance]))
            self.growing = GrowingCurve(points, *single_run_looks(self.color), ax.bbox)

    def update(self, step: int) -> list[Artist]:
        """Distance curve up to ``step``."""
        return self.growing.update(step) if self.has_curve else []


class LossPanel:
    """Loss against step of one or more runs (log axes, symlog when a loss is ≤ 0), each curve
    with a moving head that turns into a cross where a diverged run ended."""

    projection = None

    def __init__(self, runs: Sequence[Trajectory], looks: Sequence[tuple[Look, Look]], shared: bool = False,
                 view: LossFloor = PLAIN_LOSS, linear_steps: bool = False,
                 changes: Sequence[tuple[int, str]] = ()) -> None:
        self.runs = runs
        self.looks = looks
        self.shared = shared
        self.view = view  # f − f* above its floor where f* is known
        self.linear_steps = linear_steps  # a linear step axis (linear frame spacing, or schedule changes to show)
        self.changes = changes  # (step, label) of every schedule change

    def draw_static(self, ax: Axes) -> None:
        """Axes sized to the longest run."""
        configure_loss_axes(ax, [self.view.shown(run.loss) for run in self.runs], max(run.steps for run in self.runs),
                            self.view.floor, self.view.label, self.linear_steps, self.changes)

    def attach(self, ax: Axes) -> None:
        """Each run's curve in display coordinates."""
        self.curves = [
            GrowingCurve(display_points(ax, np.column_stack([np.arange(len(run.loss)), self.view.shown(run.loss)])), line, head,
                         ax.bbox, run.diverged, crossed(head))
            for run, (line, head) in zip(self.runs, self.looks)
        ]

    def update(self, step: int) -> list[Artist]:
        """Each loss curve up to ``step``."""
        return [artist for curve in self.curves for artist in curve.update(step)]


class PlanePanel(ContourPanel):
    """Model runs on their experiment's loss plane: the training loss on the plane's grid, the
    centre + (the mean of the runs' final weights, a point no run owns), ★ on ``best_end`` (the
    best run's end, when a run is best by the rule), each run's projected path. The axis labels
    give each direction's explained variance; with ``off_plane`` (one run's distance from the
    plane per step) a note shows how far the weights are from the picture."""

    def __init__(self, plane: "PlaneView", runs: Sequence[Trajectory], styles: Sequence[RunStyle],
                 off_plane: Array | None = None, best_end: Array | None = None, dots: Array | None = None) -> None:
        super().__init__(None, runs, styles, divergence_note=off_plane is not None, dots=dots)  # type: ignore[arg-type]
        self.plane = plane
        self.off_plane = off_plane
        self.best_end = best_end

    def draw_static(self, ax: Axes) -> None:
        """Log-spaced filled contours of the plane's loss, the centre and the labels."""
        plane = self.plane
        draw_plane_loss(ax, plane.alphas, plane.betas, plane.loss)
        ax.plot(0.0, 0.0, "+", color="black", markersize=13, markeredgewidth=2.0, zorder=5)
        ax.text(0.03, 0.03, "+ mean of the final weights" + (", ★ best run's end" if self.best_end is not None else ""),
                transform=ax.transAxes, fontsize="small", color="#222222", zorder=6)
        if self.best_end is not None:
            ax.plot(*self.best_end, "*", color="white", markeredgecolor="black", markersize=26, zorder=5)  # points out past the heads
        ax.set_xlim(plane.alphas[0], plane.alphas[-1])
        ax.set_ylim(plane.betas[0], plane.betas[-1])
        ax.set_aspect("equal", adjustable="box")  # the directions are orthonormal: one unit spans as far each way
        explained = 100 * plane.explained_variance
        ax.set_xlabel(f"direction 1 ({explained[0]:.1f}% of the variance)", labelpad=1)
        ax.set_ylabel(f"direction 2 ({explained[1]:.1f}%)", labelpad=1)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))

    def update(self, step: int) -> list[Artist]:
        """Every path up to ``step``; for one run, its distance from the plane in the note."""
        artists = [artist for curve in self.curves for artist in curve.update(step)]
        if self.off_plane is None:
            return artists
        k = min(max(step, 0), len(self.off_plane) - 1)
        diverged = reached_divergence(self.runs[0], step)
        self.note.set_text(f"diverged at step {self.runs[0].diverged_at:,}" if diverged
                           else f"off the plane: {self.off_plane[k]:.2g}")
        self.note.set_color(DIVERGED_COLOR if diverged else "#222222")
        self.note.set_position((0.97, 0.05))
        self.note.set_horizontalalignment("right")
        self.note.set_verticalalignment("bottom")
        self.note.set_visible(True)
        return [*artists, self.note]


class SeriesPanel(LossPanel):
    """Growing curves of any per-step series: log (or symlog) axes, or linear within ``limits``;
    ``bands`` (per run: (low, high) per step, or None) are drawn whole behind the curves, ``marks``
    ((step, value, colour, text): ▼ with the text below left of it) on them."""

    def __init__(self, runs: Sequence[Trajectory], looks: Sequence[tuple[Look, Look]], ylabel: str,
                 limits: tuple[float, float] | None = None, shared: bool = False, percent: bool = False,
                 bands: Sequence[tuple[Array, Array] | None] = (),
                 marks: Sequence[tuple[float, float, str, str]] = ()) -> None:
        super().__init__(runs, looks, shared)
        self.marks = marks
        self.ylabel = ylabel
        self.limits = limits
        self.percent = percent
        self.bands = bands

    def draw_static(self, ax: Axes) -> None:
        """The axes, with the panel's label, and the bands."""
        super().draw_static(ax)
        for band, (line, _) in zip(self.bands, self.looks):
            if band is not None:
                ax.fill_between(np.arange(len(band[0])), band[0], band[1], color=line.color, alpha=0.18, linewidth=0,
                                zorder=1)
        for step, value, colour, text in self.marks:
            ax.plot([step], [value], linestyle="none", marker="v", markersize=11, markerfacecolor=colour,
                    markeredgecolor="black", zorder=4)
            ax.annotate(text, (step, value), textcoords="offset points", xytext=(-8, -12), ha="right", va="top",
                        fontsize="small", color="#222222", zorder=4)
        if self.limits is not None:
            ax.set_yscale("linear")
            ax.set_ylim(*self.limits)
            ax.yaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_formatter(PercentFormatter(1.0) if self.percent else ScalarFormatter())
        ax.set_ylabel(self.ylabel, labelpad=1)


def class_colors(classes: int) -> list[str]:
    """One colour per class (``palette.CLASS_COLORS``, in order)."""
    return [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(classes)]


class RegionsPanel:
    """The classes a run's model predicts over the input plane, as they change, under the
    examples (training ●, test ×) coloured by their true class."""

    projection = None
    shared = False

    def __init__(self, view: "ModelRunView", window: tuple[float, float, float, float], data: Mapping[str, Array]) -> None:
        self.view = view
        self.window = window
        self.data = data
        classes = int(max(data["y_train"].max(), data["y_test"].max())) + 1
        self.colors = class_colors(max(classes, int(view.regions.max()) + 1))
        tint = np.array([to_rgb(color) for color in self.colors])
        self.tints = (0.75 + 0.25 * tint) * 255  # each class colour lightened towards white

    def draw_static(self, ax: Axes) -> None:
        """Limits and labels."""
        x0, x1, y0, y1 = self.window
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("feature 1", labelpad=1)
        ax.set_ylabel("feature 2", labelpad=1)
        ax.set_title("Decision regions", fontsize="medium")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))

    def attach(self, ax: Axes) -> None:
        """The region image and the examples, drawn over it every frame."""
        self.image = AxesImage(ax, extent=self.window, origin="lower", interpolation="nearest", zorder=0)
        self.image.set_figure(ax.figure)
        self.image.set_transform(ax.transData)
        self.image.set_clip_path(ax.patch)
        self.examples = []
        for part, marker in (("train", "o"), ("test", "X")):
            for k, color in enumerate(self.colors):
                points = self.data[f"x_{part}"][self.data[f"y_{part}"] == k]
                if len(points):
                    look = Look(color=color, marker=marker, markersize=4.5 if marker == "o" else 5.5,
                                markeredgecolor="white" if marker == "o" else color, markeredgewidth=0.5)
                    self.examples.append((Trace(look, ax.bbox), display_points(ax, points)))

    def update(self, step: int) -> list[Artist]:
        """The regions of the record shown at ``step``, then the examples."""
        index = record_at(self.view.steps_recorded, step)
        self.image.set_data(self.tints[self.view.regions[index]].astype(np.uint8))
        return [self.image, *(artist for trace, points in self.examples for artist in trace.show(points))]


class ClassBarsPanel:
    """Test accuracy on each class as bars that change with the run (data with more than two features)."""

    projection = None
    shared = False

    def __init__(self, view: "ModelRunView") -> None:
        self.view = view
        self.classes = view.class_accuracy.shape[1]

    def draw_static(self, ax: Axes) -> None:
        """Class axis and a 0–100 % accuracy axis."""
        ax.set_xlim(-0.6, self.classes - 0.4)
        ax.set_ylim(0.0, 1.0)
        ax.set_xticks(range(self.classes), [str(k) for k in range(self.classes)])
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("class", labelpad=1)
        ax.set_ylabel("test accuracy", labelpad=1)

    def attach(self, ax: Axes) -> None:
        """One bar per class."""
        self.bars = []
        for k, color in enumerate(class_colors(self.classes)):
            bar = Rectangle((k - 0.35, 0.0), 0.7, 0.0, facecolor=color, edgecolor="white", transform=ax.transData)
            bar.set_figure(ax.figure)
            bar.set_clip_box(ax.bbox)
            self.bars.append(bar)

    def update(self, step: int) -> list[Artist]:
        """Bar heights at the record shown at ``step`` (an absent class stays empty)."""
        accuracy = self.view.class_accuracy[record_at(self.view.steps_recorded, step)]
        for bar, value in zip(self.bars, accuracy):
            bar.set_height(0.0 if not np.isfinite(value) else float(value))
        return list(self.bars)


# --- the stability strip ---------------------------------------------------------------------
# A run animation's stability strip: the ratio η_t·λmax(θ_t) / bound over the steps, with the
# bound (ratio 1) drawn across, and a ring on the path at every step whose ratio is above 1.
# :func:`stability_strip` builds the panel (None when there is nothing to show),
# :func:`split_for_strip` gives it the lower part of the figure's last cell. The rings are drawn
# on the contour panel's path, from the pixels that panel already computed: one marker line per frame.
# Canvases less than STRIP_MIN_HEIGHT pixels high show neither.

BEYOND_COLOR = DIVERGED_COLOR
MAX_RINGS = 500  # more steps above the bound are ringed at evenly spread steps among them
STRIP_SHARE = 0.32  # of the split cell's height
STRIP_MIN_HEIGHT = 360  # pixels: a smaller canvas has no room for the strip (nor the rings)


def beyond_steps(ratios: Array | None, limit: int = MAX_RINGS) -> Array:
    """The steps whose ratio is above 1 (at most ``limit`` of them, evenly spread)."""
    if ratios is None:
        return np.zeros(0, dtype=int)
    steps = np.flatnonzero(np.asarray(ratios) > 1.0)
    if steps.size > limit:
        steps = steps[np.unique(np.linspace(0, steps.size - 1, limit).astype(int))]
    return steps


def ratio_limits(ratios: Array) -> tuple[float, float]:
    """Log-axis limits holding 1 and every positive ratio (down to four decades below the top)."""
    positive = ratios[np.isfinite(ratios) & (ratios > 0)]
    high = max(float(positive.max()) if positive.size else 1.0, 1.0) * 1.6
    low = min(float(positive.min()) if positive.size else 1.0, 1.0) / 1.6
    return min(max(low, high * 1e-4), 1.0 / 1.6), high


def ratio_ticks(low: float, high: float) -> list[float]:
    """1, and the lowest decade below it and the highest above it that the axis holds (three at most)."""
    decades = [10.0**k for k in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
               if low <= 10.0**k <= high]
    below, above = [t for t in decades if t < 1.0], [t for t in decades if t > 1.0]
    return [*below[:1], 1.0, *above[-1:]]


def _ratio_label(value: float, _: float) -> str:
    return f"{value:g}×"


class StabilityStripPanel:
    """The ratio over the steps (log axis, the bound dashed at 1) with rings on ``path``'s first run
    where it is above 1; for a run without ratios, only ``note`` (why there is no bound)."""

    projection = None
    shared = False

    def __init__(self, trajectory: Trajectory, path: ContourPanel | None, note: str | None = None,
                 color: str = PATH_COLOR, linear_steps: bool = False, changes: Sequence[tuple[int, str]] = ()) -> None:
        self.trajectory = trajectory
        self.color = color
        self.linear_steps = linear_steps
        self.changes = changes
        self.ratios = trajectory.stability_ratio
        self.path = path
        self.note = note
        self.beyond = beyond_steps(self.ratios)

    def draw_static(self, ax: Axes) -> None:
        """The axes with the bound's line, or the note."""
        if self.ratios is None:
            ax.set_axis_off()
            ax.text(0.5, 0.5, f"stability ratio: {self.note}", transform=ax.transAxes, ha="center", va="center",
                    fontsize="small", color="#444444")
            return
        low, high = ratio_limits(self.ratios)
        configure_loss_axes(ax, [np.clip(self.ratios, low, high)], self.trajectory.steps,
                            linear_steps=self.linear_steps, changes=[(step, "") for step, _ in self.changes])
        ax.set_yscale("log")
        ax.set_ylim(low, high)
        ax.yaxis.set_major_locator(FixedLocator(ratio_ticks(low, high)))
        ax.yaxis.set_major_formatter(FuncFormatter(_ratio_label))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.tick_params(labelsize="small")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.axhline(1.0, color=BEYOND_COLOR, linestyle=(0, (4, 2)), linewidth=1.2, zorder=2)
        ax.set_title("η·λmax / stability bound (ring on the path: above 1)", loc="left", fontsize="small",
                     fontweight="normal", pad=2)

    def attach(self, ax: Axes) -> None:
        """The growing ratio curve, and the rings in the path's pixels."""
        self.curve = self.rings = None
        if self.ratios is None:
            return
        low, high = ratio_limits(self.ratios)
        shown = np.where(self.ratios > 0, np.clip(self.ratios, low, high), np.nan)
        points = display_points(ax, np.column_stack([np.arange(len(shown)), shown]))
        self.curve = GrowingCurve(points, Look(color=self.color, linewidth=1.4),
                                  Look(color=self.color, marker="o", markersize=4.5, markeredgecolor="white"), ax.bbox)
        if self.path is not None and self.path.curves and self.beyond.size:
            drawn = self.path.curves[0]
            self.ring_points = drawn.points[self.beyond]
            scale = font_scale(ax.figure)
            self.rings = Trace(Look(color=BEYOND_COLOR, marker="o", markersize=8.0 * scale, markerfacecolor="none",
                                    markeredgewidth=1.6 * scale), drawn.line.artists[-1].get_clip_box())

    def update(self, step: int) -> list[Artist]:
        """The ratio up to ``step``, and a ring at every step above the bound so far."""
        if self.curve is None:
            return []
        artists: list[Artist] = list(self.curve.update(step))
        if self.rings is not None:
            shown = int(np.searchsorted(self.beyond, visible_steps(self.trajectory, step), side="right"))
            artists += self.rings.show(self.ring_points[:shown])
        return artists


def stability_strip(trajectory: Trajectory, path: ContourPanel | None, note: str | None,
                    height: int, color: str = PATH_COLOR, linear_steps: bool = False,
                    changes: Sequence[tuple[int, str]] = ()) -> StabilityStripPanel | None:
    """The strip of a run with stability ratios, or with a ``note`` saying why it has none; None
    without either, or on a canvas less than ``STRIP_MIN_HEIGHT`` pixels high (no room for it).
    Its curve in the run's ``color``, its step axis as the loss panel's (``linear_steps``, ``changes``)."""
    if (trajectory.stability_ratio is None and note is None) or height < STRIP_MIN_HEIGHT:
        return None
    return StabilityStripPanel(trajectory, path, note, color, linear_steps, changes)


def split_for_strip(cells: Sequence[SubplotSpec], hspace: float = 0.9) -> list[SubplotSpec]:
    """``cells`` with the last one split: its panel on top, the strip (``STRIP_SHARE``) below."""
    split = cells[-1].subgridspec(2, 1, height_ratios=[1 - STRIP_SHARE, STRIP_SHARE], hspace=hspace)
    return [*cells[:-1], split[0], split[1]]

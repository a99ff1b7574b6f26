"""Time made visible: the step ribbon under every animation, schedule changes on time axes and
paths, dots at the frames' steps, and a momentum run's velocity and −η∇f arrows.

The ribbon is a thin step axis (linear in steps) with a tick at every step a frame shows, so
log-spaced frames show as ticks crowded at the start; the frame on screen fills the steps it
covers since the previous frame, and schedule changes are marked on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.gridspec import SubplotSpec
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import IdentityTransform

from momentumlab.palette import SCHEDULE_COLOR, darker
from momentumlab.problems import Problem
from momentumlab.render.style import step_label
from momentumlab.schedules import Schedule
from momentumlab.trajectory import Trajectory

Array = np.ndarray
RIBBON_HEIGHT = 0.035  # of the figure's height at 960×540 (scaled like the margins): the ribbon's bar
RIBBON_ROOM = 0.085  # bar, tick labels and the gap above it (scaled like the margins)
RIBBON_MAX_SHARE = 0.2  # the most of a figure's height the ribbon and its labels take
RIBBON_LABEL = "step ribbon"  # the ribbon's axes label (below the race legend, unlike every other axes)
ARROW_SHARE = 0.22  # the longer arrow of each frame spans this share of the shorter window side


Change = tuple[int, str]  # a step where the rate changes abruptly, and its label


def merged_changes(changes: Sequence[Sequence[Change]]) -> list[Change]:
    """Every run's schedule changes once each, by step."""
    return sorted({change for run in changes for change in run})


def ribbon_cell(figure: Figure, left: float, right: float, k: float) -> tuple[SubplotSpec, float]:
    """The ribbon's cell at the bottom of ``figure`` between ``left`` and ``right`` (figure fractions)
    and the figure fraction above which the rest of the figure may start (``k``: ``margin_scale``)."""
    k = min(k, RIBBON_MAX_SHARE / (0.05 + RIBBON_ROOM))  # a tiny canvas keeps most of its height for the panels
    bottom = 0.05 * k
    top = bottom + RIBBON_HEIGHT * k
    cell = figure.add_gridspec(1, 1, left=left, right=right, bottom=bottom, top=top)[0, 0]
    return cell, bottom + RIBBON_ROOM * k


class StepRibbon:
    """The step ribbon: a tick at every step a frame shows, the steps the current frame covers
    filled dark and those before it light, schedule changes as labelled lines."""

    projection = None
    shared = False

    def __init__(self, frames: Array, changes: Sequence[Change] = (), spacing: str = "log",
                 color: str = "#333333") -> None:
        self.frames = np.asarray(frames, dtype=np.int64)
        self.last = int(self.frames[-1]) if len(self.frames) else 0
        self.changes = list(changes)
        self.spacing = spacing
        self.color = color

    def draw_static(self, ax: Axes) -> None:
        """The bar, the frames' ticks, the changes and a linear step axis."""
        right = max(self.last, 1)
        ax.set_label(RIBBON_LABEL)
        ax.set_xlim(0, right)
        ax.set_ylim(0.0, 1.0)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.add_patch(Rectangle((0, 0.0), right, 1.0, facecolor="white", edgecolor="#9A9A9A", linewidth=0.8, zorder=0))
        ax.vlines(self.frames, 0.0, 1.0, color="#8A8A8A", linewidth=0.5, zorder=1)
        for step, text in self.changes:
            ax.vlines([step], -0.35, 1.35, color=SCHEDULE_COLOR, linewidth=2.0, zorder=4, clip_on=False)
            ax.text(step, 1.0, f" {text}", color=SCHEDULE_COLOR, fontsize="small", fontweight="bold", ha="left",
                    va="bottom", zorder=4, clip_on=False)
        ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(step_label))
        ax.tick_params(axis="x", labelsize="small", length=3, pad=1)
        label = "a tick per frame: log-spaced steps" if self.spacing == "log" else "a tick per frame: evenly spaced steps"
        ax.text(1.0, 1.08, label, transform=ax.transAxes, ha="right", va="bottom", fontsize="small", color="#444444")

    def attach(self, ax: Axes) -> None:
        """The two moving fills."""
        self.done = Rectangle((0, 0.0), 0.0, 1.0, facecolor=self.color, alpha=0.22, edgecolor="none",
                              transform=ax.transData)
        self.current = Rectangle((0, 0.0), 0.0, 1.0, facecolor=self.color, edgecolor="none", transform=ax.transData)
        self.pixel = max(self.last, 1) / max(ax.bbox.width, 1.0)  # one pixel in steps
        for patch in (self.done, self.current):
            patch.set_figure(ax.figure)
            patch.set_clip_box(ax.bbox)

    def covered(self, step: int) -> tuple[int, int]:
        """The steps (first, last) the frame showing ``step`` covers: after the previous frame's step, up to it."""
        index = int(np.searchsorted(self.frames, step, side="left"))
        previous = int(self.frames[index - 1]) if index > 0 else 0
        return (previous + 1 if index > 0 else 0), int(step)

    def update(self, step: int) -> list[Artist]:
        """Fill up to ``step``; the current frame's steps dark (at least two pixels wide)."""
        first, last = self.covered(step)
        self.done.set_width(first)
        self.current.set_x(min(first, last))
        self.current.set_width(max(last - first + 1, 2 * self.pixel))
        return [self.done, self.current]


@dataclass(frozen=True)
class Arrows:
    """One run's arrows per step: the last step θₖ − θₖ₋₁ (its velocity) and the gradient step
    −ηₖ∇f(θₖ), scaled frame by frame so the longer of the two spans ``length`` (data units): their
    directions and the ratio of their sizes are true, their common scale is not."""

    velocity: Array
    gradient_step: Array
    length: float


def momentum_arrows(problem: Problem, trajectory: Trajectory, lr: float, schedule: Schedule,
                    window: tuple[tuple[float, float], tuple[float, float]]) -> Arrows:
    """The velocity and −η∇f arrows of ``trajectory`` at every step, the longer one of each frame
    spanning ``ARROW_SHARE`` of ``window``'s shorter side."""
    params = trajectory.params
    velocity = np.zeros_like(params)
    velocity[1:] = params[1:] - params[:-1]
    rates = lr * schedule.factors(len(params))
    gradient_step = -rates[:, None] * problem.gradient(params)
    (x0, x1), (y0, y1) = window
    return Arrows(velocity, gradient_step, ARROW_SHARE * min(x1 - x0, y1 - y0))


class ArrowPair:
    """The two arrows at a run's current point, in display pixels: each a line and a filled
    triangular head placed by hand (``FancyArrowPatch`` costs ~3 ms a frame, these a tenth)."""

    def __init__(self, ax: Axes, params: Array, arrows: Arrows, color: str) -> None:
        longer = np.maximum(np.linalg.norm(arrows.velocity, axis=1), np.linalg.norm(arrows.gradient_step, axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(longer > 0, arrows.length / longer, np.nan)[:, None]
        self.start = ax.transData.transform(params)
        self.tips = [ax.transData.transform(params + scale * vector) for vector in (arrows.velocity, arrows.gradient_step)]
        self.head = 9.0 * ax.figure.dpi / 72.0  # the head's length in pixels
        self.parts = []
        for tint in (darker(color, 0.25), "#111111"):
            shaft = Line2D([], [], color=tint, linewidth=2.2, solid_capstyle="butt", transform=IdentityTransform())
            head = Polygon(np.zeros((3, 2)), closed=True, facecolor=tint, edgecolor="none", transform=IdentityTransform())
            for artist in (shaft, head):
                artist.set_figure(ax.figure)
                artist.set_clip_box(ax.bbox)
                artist.set_zorder(7)
            self.parts.append((shaft, head))

    def update(self, k: int, visible: bool = True) -> list[Artist]:
        """Both arrows at step ``k`` (hidden when ``visible`` is false, the values are not finite or an
        arrow is under two pixels long)."""
        artists: list[Artist] = []
        for (shaft, head), tips in zip(self.parts, self.tips):
            a, b = self.start[k], tips[k]
            length = float(np.hypot(*(b - a))) if np.all(np.isfinite(a)) and np.all(np.isfinite(b)) else 0.0
            shown = visible and length > 2.0
            if shown:
                along = (b - a) / length
                across = np.array([-along[1], along[0]])
                size = min(self.head, 0.6 * length)
                base = b - along * size
                shaft.set_data([a[0], base[0]], [a[1], base[1]])
                head.set_xy(np.array([b, base + across * size * 0.45, base - across * size * 0.45]))
            shaft.set_visible(shown)
            head.set_visible(shown)
            artists += [shaft, head]
        return artists


def arrow_legend() -> str:
    """The arrows' key."""
    return "arrows, sized per frame: velocity (colour), −η∇f (black)"

"""A run animation's stability strip: the ratio η_t·λmax(θ_t) / bound over the steps, with the
bound (ratio 1) drawn across, and a ring on the path at every step whose ratio is above 1.

One self-contained panel plus two small helpers for the layout: :func:`stability_strip` builds
the panel (None when there is nothing to show), :func:`split_for_strip` gives it the lower part
of the figure's last cell. The rings are drawn on the contour panel's path, from the pixels that
panel already computed, so they cost one marker line per frame.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.gridspec import SubplotSpec
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from momentumlab.palette import DIVERGED_COLOR, PATH_COLOR
from momentumlab.render.artists import GrowingCurve, Look, Trace, display_points
from momentumlab.render.panels import ContourPanel, visible_steps
from momentumlab.render.style import configure_loss_axes
from momentumlab.trajectory import Trajectory

Array = np.ndarray
BEYOND_COLOR = DIVERGED_COLOR
MAX_RINGS = 500  # more steps above the bound are ringed at evenly spread steps among them
STRIP_SHARE = 0.32  # of the split cell's height


def beyond_steps(ratios: Array | None, limit: int = MAX_RINGS) -> Array:
    """The steps whose ratio is above 1 (at most ``limit`` of them, evenly spread)."""
    if ratios is None:
        return np.zeros(0, dtype=int)
    steps = np.flatnonzero(np.asarray(ratios) > 1.0)
    if steps.size > limit:
        steps = steps[np.unique(np.linspace(0, steps.size - 1, limit).astype(int))]
    return steps


def ratio_limits(ratios: Array) -> tuple[float, float]:
    """Log-axis limits holding every positive ratio and 1 (at most four decades below the top)."""
    positive = ratios[np.isfinite(ratios) & (ratios > 0)]
    high = max(float(positive.max()) if positive.size else 1.0, 1.0) * 1.6
    low = min(float(positive.min()) if positive.size else 1.0, 1.0) / 1.6
    return max(low, high * 1e-4), high


def _ratio_label(value: float, _: float) -> str:
    return f"{value:g}×"


class StabilityStripPanel:
    """The ratio over the steps (log axis, the bound dashed at 1) with rings on ``path``'s first run
    where it is above 1; for a run without ratios, only ``note`` (why there is no bound)."""

    projection = None
    shared = False

    def __init__(self, trajectory: Trajectory, path: ContourPanel | None, note: str | None = None) -> None:
        self.trajectory = trajectory
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
        configure_loss_axes(ax, [np.clip(self.ratios, low, high)], self.trajectory.steps)
        ax.set_yscale("log")
        ax.set_ylim(low, high)
        ticks = [1.0] + [t for t in (10.0 ** np.arange(-4, 5)) if low < t < high and t != 1.0]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
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
        self.curve = GrowingCurve(points, Look(color=PATH_COLOR, linewidth=1.4),
                                  Look(color=PATH_COLOR, marker="o", markersize=4.5, markeredgecolor="white"), ax.bbox)
        if self.path is not None and self.path.curves and self.beyond.size:
            drawn = self.path.curves[0]
            self.ring_points = drawn.points[self.beyond]
            self.rings = Trace(Look(color=BEYOND_COLOR, marker="o", markersize=8.0, markerfacecolor="none",
                                    markeredgewidth=1.6), drawn.line.artists[-1].get_clip_box())

    def update(self, step: int) -> list[Artist]:
        """The ratio up to ``step``, and a ring at every step above the bound so far."""
        if self.curve is None:
            return []
        artists: list[Artist] = list(self.curve.update(step))
        if self.rings is not None:
            shown = int(np.searchsorted(self.beyond, visible_steps(self.trajectory, step), side="right"))
            artists += self.rings.show(self.ring_points[:shown])
        return artists


def stability_strip(trajectory: Trajectory, path: ContourPanel | None, note: str | None) -> StabilityStripPanel | None:
    """The strip of a run with stability ratios, or with a ``note`` saying why it has none; else None."""
    if trajectory.stability_ratio is None and note is None:
        return None
    return StabilityStripPanel(trajectory, path, note)


def split_for_strip(cells: Sequence[SubplotSpec], hspace: float = 0.9) -> list[SubplotSpec]:
    """``cells`` with the last one split: its panel on top, the strip (``STRIP_SHARE``) below."""
    split = cells[-1].subgridspec(2, 1, height_ratios=[1 - STRIP_SHARE, STRIP_SHARE], hspace=hspace)
    return [*cells[:-1], split[0], split[1]]

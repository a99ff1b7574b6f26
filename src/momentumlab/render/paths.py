"""One trajectory drawn as a growing path: line, moving head and a divergence cross."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from momentumlab.render.sprites import Look, Sprite, display_points
from momentumlab.palette import DIVERGED_COLOR, RunStyle
from momentumlab.trajectory import Trajectory

Array = np.ndarray


def line_look(style: RunStyle) -> Look:
    """A run's line."""
    return Look(color=style.color, linewidth=style.linewidth, dashes=style.dashes, halo=style.halo)


def head_look(style: RunStyle, size_offset: float = 0.0, hollow_edge: float = 2.0, solid_edge: float = 1.2) -> Look:
    """A run's moving head: filled with a white edge, or hollow with a thick coloured edge."""
    return Look(color=style.color, marker="o", markersize=style.head_size + size_offset,
                markerfacecolor="none" if style.hollow else style.color,
                markeredgecolor=style.color if style.hollow else "white",
                markeredgewidth=hollow_edge if style.hollow else solid_edge)


def visible_steps(trajectory: Trajectory, step: int) -> int:
    """The index of the last recorded step shown at optimizer step ``step``."""
    return int(min(max(step, 0), len(trajectory.params) - 1))


def reached_divergence(trajectory: Trajectory, step: int) -> bool:
    """Whether a diverged run has been played up to its last valid step."""
    return trajectory.diverged and step >= len(trajectory.params) - 1


class PathArtists:
    """Line + head marker + (for diverged runs) a cross at the last valid point, on 2-D axes."""

    def __init__(self, trajectory: Trajectory, style: RunStyle) -> None:
        self.trajectory = trajectory
        self.style = style

    def attach(self, ax: Axes) -> None:
        """Create this run's sprites on ``ax`` (whose layout is final)."""
        clip = ax.bbox
        self.line = Sprite(line_look(self.style), clip)
        self.head = Sprite(head_look(self.style), clip)
        cross = Look(color=DIVERGED_COLOR, marker="X", markersize=self.style.head_size + 6, markeredgecolor="white",
                     markeredgewidth=1.0)
        self.cross = Sprite(cross, clip)
        self.points = display_points(ax, self.trajectory.params)

    def update(self, step: int) -> list[Sprite]:
        """Show the path up to ``step``."""
        k = visible_steps(self.trajectory, step)
        self.line.set_vertices(self.points[: k + 1])
        self.head.set_vertices(self.points[k : k + 1])
        diverged = reached_divergence(self.trajectory, step)
        self.cross.set_vertices(self.points[k : k + 1])
        self.cross.set_visible(diverged)
        self.head.set_visible(not diverged)
        return [self.line, self.head, self.cross]

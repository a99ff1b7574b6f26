"""One trajectory drawn as a growing path: line, moving head and a divergence cross."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from momentumlab.render.style import DIVERGED_COLOR
from momentumlab.trajectory import Trajectory

Array = np.ndarray


@dataclass(frozen=True)
class PathStyle:
    """How one run looks: numpy runs solid and filled, TensorFlow runs dashed and hollow."""

    color: str
    linestyle: str = "-"
    linewidth: float = 2.2
    head_size: float = 9.0
    hollow: bool = False
    label: str | None = None


def visible_steps(trajectory: Trajectory, step: int) -> int:
    """The index of the last recorded step shown at optimizer step ``step``."""
    return int(min(max(step, 0), len(trajectory.params) - 1))


def reached_divergence(trajectory: Trajectory, step: int) -> bool:
    """Whether a diverged run has been played up to its last valid step."""
    return trajectory.diverged and step >= len(trajectory.params) - 1


class PathArtists:
    """Line + head marker + (for diverged runs) a cross at the last valid point, on 2-D axes."""

    def __init__(self, trajectory: Trajectory, style: PathStyle) -> None:
        self.trajectory = trajectory
        self.style = style
        self.line: Artist | None = None

    def draw_static(self, ax: Axes) -> None:
        """Create the (initially empty) artists."""
        style = self.style
        (self.line,) = ax.plot([], [], color=style.color, linestyle=style.linestyle, linewidth=style.linewidth,
                               label=style.label, zorder=4)
        face = "none" if style.hollow else style.color
        (self.head,) = ax.plot([], [], linestyle="none", marker="o", markersize=style.head_size,
                               markerfacecolor=face, markeredgecolor=style.color if style.hollow else "white",
                               markeredgewidth=2.0 if style.hollow else 1.2, zorder=6)
        (self.cross,) = ax.plot([], [], linestyle="none", marker="X", markersize=style.head_size + 6,
                                color=DIVERGED_COLOR, markeredgecolor="white", markeredgewidth=1.0, zorder=7)
        self.cross.set_visible(False)

    def update(self, step: int) -> list[Artist]:
        """Show the path up to ``step``."""
        k = visible_steps(self.trajectory, step)
        points = self.trajectory.params[: k + 1]
        self.line.set_data(points[:, 0], points[:, 1])
        self.head.set_data(points[-1:, 0], points[-1:, 1])
        diverged = reached_divergence(self.trajectory, step)
        self.cross.set_data(points[-1:, 0], points[-1:, 1])
        self.cross.set_visible(diverged)
        self.head.set_visible(not diverged)
        return [self.line, self.head, self.cross]

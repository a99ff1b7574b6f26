"""Moving lines and markers drawn straight onto the Agg renderer from display coordinates.

A ``Line2D`` re-validates, re-transforms (log scales, 3-D projection) and re-caches its
whole path on every draw, about 1 ms per artist per frame. A path only grows, so its
display coordinates are computed once per run and each frame draws a prefix of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import matplotlib
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox, IdentityTransform

Array = np.ndarray
_IDENTITY = IdentityTransform()


@lru_cache(maxsize=None)
def _marker_style(marker: str) -> MarkerStyle:
    return MarkerStyle(marker)


@dataclass(frozen=True)
class Look:
    """How a moving line or marker is drawn (sizes in points, as for ``Line2D``)."""

    color: str
    linewidth: float = 0.0
    dashes: tuple[float, ...] | None = None
    marker: str | None = None
    markersize: float = 0.0
    markerfacecolor: str | None = None
    markeredgecolor: str | None = None
    markeredgewidth: float = 1.0
    halo: float = 0.0  # width (points) of a white outline under the line, so it shows over another

    def legend_handle(self, label: str) -> Line2D:
        """A ``Line2D`` proxy with this look, for legends."""
        linestyle = "none" if self.linewidth == 0 else ((0, self.dashes) if self.dashes else "-")
        return Line2D([], [], color=self.color, linewidth=self.linewidth or None, linestyle=linestyle,
                      marker=self.marker, markersize=self.markersize, label=label,
                      markerfacecolor=self.markerfacecolor or self.color,
                      markeredgecolor=self.markeredgecolor or self.color, markeredgewidth=self.markeredgewidth)


class Sprite:
    """A polyline and/or a marker at its last vertex, clipped to ``clip`` (display pixels)."""

    def __init__(self, look: Look, clip: Bbox | None) -> None:
        self.look = look
        self.clip = clip
        self.vertices = np.zeros((0, 2))
        self.visible = True
        self.set_marker(look.marker)
        dashed = look.dashes is not None
        self.capstyle = matplotlib.rcParams["lines.dash_capstyle" if dashed else "lines.solid_capstyle"]
        self.joinstyle = matplotlib.rcParams["lines.dash_joinstyle" if dashed else "lines.solid_joinstyle"]
        scale = look.linewidth if matplotlib.rcParams["lines.scale_dashes"] else 1.0
        self.dash_pattern = (0.0, [d * scale for d in look.dashes]) if dashed else (0.0, None)
        self.line_rgba = to_rgba(look.color)
        face = look.markerfacecolor or look.color
        self.face_rgba = None if face == "none" else to_rgba(face)
        self.edge_rgba = to_rgba(look.markeredgecolor or look.color)

    def set_marker(self, marker: str | None) -> None:
        """Switch the head marker (e.g. "o" to "X" once a run diverged)."""
        self.marker = None if marker is None else _marker_style(marker)

    def set_vertices(self, vertices: Array) -> None:
        """Display-space (n, 2) vertices; NaN rows break the line, as for ``Line2D``."""
        self.vertices = vertices

    def set_visible(self, visible: bool) -> None:
        """Show or hide the sprite."""
        self.visible = visible

    def _gc(self, renderer):
        gc = renderer.new_gc()
        if self.clip is not None:
            gc.set_clip_rectangle(self.clip)
        gc.set_antialiased(True)
        return gc

    def draw(self, renderer) -> None:
        """Rasterise the line, then the marker on the last vertex."""
        if not self.visible or len(self.vertices) == 0:
            return
        look = self.look
        if look.halo > 0 and look.linewidth > 0 and len(self.vertices) > 1:
            gc = self._gc(renderer)
            gc.set_linewidth(look.linewidth + 2 * look.halo)
            gc.set_joinstyle("round")
            gc.set_capstyle("round")
            gc.set_foreground((1.0, 1.0, 1.0, 0.9), isRGBA=True)
            renderer.draw_path(gc, Path(self.vertices), _IDENTITY)
            gc.restore()
        if look.linewidth > 0 and len(self.vertices) > 1:
            gc = self._gc(renderer)
            gc.set_linewidth(look.linewidth)
            gc.set_joinstyle(self.joinstyle)
            gc.set_capstyle(self.capstyle)
            gc.set_foreground(self.line_rgba, isRGBA=True)
            gc.set_dashes(*self.dash_pattern)
            renderer.draw_path(gc, Path(self.vertices), _IDENTITY)
            gc.restore()
        head = self.vertices[-1:]
        if self.marker is not None and look.markersize > 0 and np.all(np.isfinite(head)):
            gc = self._gc(renderer)
            gc.set_linewidth(look.markeredgewidth)
            gc.set_foreground(self.edge_rgba, isRGBA=True)
            gc.set_joinstyle(self.marker.get_joinstyle())
            gc.set_capstyle(self.marker.get_capstyle())
            size = renderer.points_to_pixels(look.markersize)
            snap = self.marker.get_snap_threshold()
            gc.set_snap(size >= snap if snap is not None else None)
            transform = self.marker.get_transform() + Affine2D().scale(size)
            renderer.draw_markers(gc, self.marker.get_path(), transform, Path(head), _IDENTITY, self.face_rgba)
            gc.restore()


def display_points(ax, points: Array) -> Array:
    """Data (n, 2) → display pixels through ``ax.transData`` (log/symlog scales included)."""
    return ax.transData.transform(np.asarray(points, dtype=float))

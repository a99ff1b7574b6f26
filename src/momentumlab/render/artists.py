"""The artists that move: curves that grow with the step, and a status line cheap enough to
redraw every frame.

A curve only grows, so its points are transformed to display pixels once, when its axes are
laid out (``display_points``); each frame shows a prefix of them through ``Line2D``s in pixel
coordinates, and nothing is re-transformed (log scales, 3-D projection) per frame.

Text is the exception to "use matplotlib's own artist": a ``Text`` is laid out and rasterised
from scratch on every draw, more than everything else in a frame costs (``benchmarks/render.py``
prints both), so the status line is a ``GlyphText``: glyph outlines built once per character
and concatenated into one filled path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, Bbox, IdentityTransform

Array = np.ndarray
HALO_COLOR = (1.0, 1.0, 1.0, 0.9)


def display_points(ax: Axes, points: Array) -> Array:
    """Data (n, 2) → display pixels through ``ax.transData`` (log/symlog scales included)."""
    return ax.transData.transform(np.asarray(points, dtype=float))


@dataclass(frozen=True)
class Look:
    """How a moving line or marker is drawn (sizes in points, as for ``Line2D``).

    A look is a line (``linewidth`` > 0, no marker) or a marker on each vertex it is shown at.
    """

    color: str
    linewidth: float = 0.0
    dashes: tuple[float, ...] | None = None
    marker: str | None = None
    markersize: float = 0.0
    markerfacecolor: str | None = None
    markeredgecolor: str | None = None
    markeredgewidth: float = 1.0
    halo: float = 0.0  # width (points) of a white outline under the line, so it shows over another
    alpha: float = 1.0  # the line's opacity

    @property
    def linestyle(self) -> Any:
        """The ``Line2D`` line style: none for a marker, dashed or solid for a line."""
        return "none" if self.linewidth == 0 else ((0, self.dashes) if self.dashes else "-")

    def line(self) -> Line2D:
        """An empty ``Line2D`` with this look, in data coordinates until told otherwise."""
        return Line2D([], [], color=self.color, linewidth=self.linewidth or None, linestyle=self.linestyle,
                      marker=self.marker, markersize=self.markersize,
                      markerfacecolor=self.markerfacecolor or self.color,
                      markeredgecolor=self.markeredgecolor or self.color, markeredgewidth=self.markeredgewidth,
                      alpha=None if self.alpha == 1.0 else self.alpha)

    def legend_handle(self, label: str) -> Line2D:
        """A ``Line2D`` proxy with this look, for legends."""
        handle = self.line()
        handle.set_label(label)
        return handle


class Trace:
    """One look shown through display-pixel vertices, clipped to ``clip`` (a halo under a haloed line)."""

    def __init__(self, look: Look, clip: Bbox) -> None:
        self.artists = [look.line()]
        if look.halo > 0 and look.linewidth > 0:
            self.artists.insert(0, Line2D([], [], color=HALO_COLOR, linewidth=look.linewidth + 2 * look.halo,
                                          solid_joinstyle="round", solid_capstyle="round"))
        for artist in self.artists:
            artist.set_transform(IdentityTransform())
            artist.set_clip_box(clip)

    def show(self, vertices: Array, visible: bool = True) -> list[Line2D]:
        """Place the look on ``vertices`` (n, 2) (NaN rows break a line); return its artists."""
        for artist in self.artists:
            artist.set_data(vertices[:, 0], vertices[:, 1])
            artist.set_visible(visible)
        return self.artists


class GrowingCurve:
    """A series drawn up to the shown step: the line so far and a head on its last point.

    ``points`` (display pixels) has one row per step from 0; later steps show the last row.
    A ``diverged`` series that has played to its end shows ``diverged_head`` (when given)
    instead of its head.
    """

    def __init__(self, points: Array, line: Look, head: Look, clip: Bbox, diverged: bool = False,
                 diverged_head: Look | None = None, dots: tuple[Look, Array] | None = None,
                 marks: tuple[Look, Array] | None = None) -> None:
        self.points = points
        self.diverged = diverged
        self.line = Trace(line, clip)
        self.head = Trace(head, clip)
        self.diverged_head = None if diverged_head is None else Trace(diverged_head, clip)
        # (look, steps): markers on the points of those steps once reached (frames' steps; schedule changes)
        self.extras = []
        for extra in (dots, marks):
            if extra is not None:
                steps = np.asarray(extra[1], dtype=np.int64)
                self.extras.append((Trace(extra[0], clip), steps[(steps >= 0) & (steps < len(points))]))

    def update(self, step: int) -> list[Line2D]:
        """The artists showing the series up to ``step``, in drawing order."""
        last = len(self.points) - 1
        k = min(max(step, 0), last)
        ended = self.diverged and step >= last
        artists = self.line.show(self.points[: k + 1])
        for trace, steps in self.extras:
            artists = artists + trace.show(self.points[steps[steps <= k]])
        if self.diverged_head is None:
            return artists + self.head.show(self.points[k : k + 1])
        return (artists + self.head.show(self.points[k : k + 1], visible=not ended)
                + self.diverged_head.show(self.points[k : k + 1], visible=ended))


MONOSPACE = FontProperties(family="DejaVu Sans Mono")


@lru_cache(maxsize=None)
def _glyph(char: str, size: float) -> Path:
    return TextPath((0.0, 0.0), char, size=size, prop=MONOSPACE)


@lru_cache(maxsize=None)
def _advance(size: float) -> float:
    one = _glyph("0", size).vertices[:, 0].max()
    two = TextPath((0.0, 0.0), "00", size=size, prop=MONOSPACE).vertices[:, 0].max()
    return float(two - one)


class GlyphText(PathPatch):
    """One line of monospace text anchored at figure fraction (x, y), ``ha`` left or right,
    top-aligned: each character's outline is a ``TextPath`` built once, a new string only the
    concatenation of shifted outlines (every advance is the same), filled as one path."""

    def __init__(self, figure: Figure, x: float, y: float, size: float, ha: str = "left",
                 color: str = "black") -> None:
        super().__init__(Path(np.zeros((1, 2))), facecolor=color, edgecolor="none", linewidth=0)
        self.figure_ = figure
        self.anchor = (x, y)
        self.size = float(size)
        self.ha = ha
        self.text = ""
        self.cap = float(_glyph("0", self.size).vertices[:, 1].max())
        self.set_transform(Affine2D())
        # Drawn only by the blitter (``artist.draw``), never by a full figure draw.
        self.set_figure(figure)

    def width_for(self, characters: int) -> float:
        """The width in pixels of a string of ``characters`` characters."""
        return characters * _advance(self.size) * self.figure_.dpi / 72.0

    def set_text(self, text: str) -> None:
        """Replace the string (only the glyph outlines are concatenated; nothing is laid out)."""
        self.text = text
        advance = _advance(self.size)
        vertices, codes = [], []
        for index, char in enumerate(text):
            if char == " ":
                continue
            glyph = _glyph(char, self.size)
            if len(glyph.vertices) == 0:
                continue
            vertices.append(glyph.vertices + (index * advance, 0.0))
            codes.append(glyph.codes)
        if vertices:
            self.set_path(Path(np.concatenate(vertices), np.concatenate(codes)))
        else:
            self.set_path(Path(np.zeros((1, 2))))
        width = len(text) * advance
        points_to_pixels = self.figure_.dpi / 72.0
        fig_w, fig_h = self.figure_.bbox.width, self.figure_.bbox.height
        left = self.anchor[0] * fig_w - (width * points_to_pixels if self.ha == "right" else 0.0)
        baseline = self.anchor[1] * fig_h - self.cap * points_to_pixels
        self.set_transform(Affine2D().scale(points_to_pixels).translate(round(left), round(baseline)))

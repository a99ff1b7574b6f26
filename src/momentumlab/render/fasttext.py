"""A one-line text artist cheap enough to redraw every frame.

Matplotlib lays out and rasterises a ``Text`` from scratch on every draw (about 10 ms
for a status line, more than everything else in a frame). Here each character's outline
is built once as a ``TextPath``; a new string is the concatenation of shifted glyph
outlines (a monospace font, so every advance is the same), filled as one path.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

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
    """Filled glyph outlines anchored at figure fraction (x, y): ``ha`` left/right, top-aligned."""

    def __init__(self, figure, x: float, y: float, size: float, ha: str = "left", color: str = "black") -> None:
        super().__init__(Path(np.zeros((1, 2))), facecolor=color, edgecolor="none", linewidth=0)
        self.figure_ = figure
        self.anchor = (x, y)
        self.size = float(size)
        self.ha = ha
        self.text = ""
        self.cap = float(_glyph("0", self.size).vertices[:, 1].max())
        self.set_transform(Affine2D())
        # Drawn only by the blitter (``figure.draw_artist``), never by a full figure draw.
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

"""A bare contour image of a problem, for the report's step scrubber to draw paths on.

The axes fill the whole image (no margins, ticks or labels), so pixel (u, v) of a
``width`` × ``height`` image maps exactly to parameters
x = x0 + (u / width)(x1 − x0), y = y1 − (v / height)(y1 − y0).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from momentumlab.problems import Problem, Window
from momentumlab.render.axes import draw_contour, draw_minima
from momentumlab.render.landscape import Landscape
from momentumlab.render.style import new_figure

RESOLUTION = 300


def contour_png(problem: Problem, path: str | Path, width: int, height: int, window: Window) -> dict[str, Any]:
    """Write the contour of ``problem`` over ``window`` to ``path``; return its extent."""
    figure = new_figure(width, height)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    draw_contour(ax, Landscape.build(problem, window, RESOLUTION))
    draw_minima(ax, problem, size=14.0 * min(width / 960.0, height / 540.0) ** 0.5)
    (x0, x1), (y0, y1) = window
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}.png")
    figure.savefig(tmp, dpi=figure.dpi, format="png")
    os.replace(tmp, path)
    return {"x": [float(x0), float(x1)], "y": [float(y0), float(y1)], "width": int(width), "height": int(height)}

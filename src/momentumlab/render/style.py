"""Slide-ready look for matplotlib: projector-sized fonts, fixed 16:9 layouts (colours: ``palette``)."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from momentumlab.palette import RUN_COLORS  # noqa: E402

DPI = 100

# Sizes in points at 100 dpi on a 960×540 canvas: a projected slide shows 12 pt as
# roughly the size of body text.
BASE_RC: dict[str, Any] = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 12,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 1.0,
    "lines.linewidth": 2.2,
    "lines.solid_capstyle": "round",
    "axes.prop_cycle": matplotlib.cycler(color=RUN_COLORS),
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "path.simplify": True,
}


def scaled_rc(width: int, height: int, text_scale: float = 1.0) -> dict[str, Any]:
    """The rc settings with fonts scaled to the canvas (960×540 is 1.0), times ``text_scale``."""
    scale = min(width / 960.0, height / 540.0)
    scale = max(scale, 0.55)
    rc = dict(BASE_RC)
    for key in ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize"):
        rc[key] = BASE_RC[key] * scale * text_scale
    rc["lines.linewidth"] = BASE_RC["lines.linewidth"] * max(scale, 0.7)
    return rc


def new_figure(width: int, height: int) -> Figure:
    """A figure whose Agg canvas is exactly ``width`` × ``height`` pixels."""
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def font_scale(figure: Figure) -> float:
    """How much the fonts were scaled for this figure (1.0 at 960×540)."""
    width, height = figure.canvas.get_width_height()
    return max(min(width / 960.0, height / 540.0), 0.55)


def margin_scale(figure: Figure) -> float:
    """How much larger text is relative to the canvas than at 960×540 (1.0 there and above).

    Fonts stop shrinking at 55 %, so on a small canvas the margins that hold tick labels,
    axis labels and legends (figure fractions tuned at 960×540) must grow by this factor.
    """
    width, height = figure.canvas.get_width_height()
    return font_scale(figure) / min(width / 960.0, height / 540.0)

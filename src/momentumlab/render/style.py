"""The look of every picture: slide-ready rc settings, a canvas of exact pixel size, and the
axes every figure shares (loss landscape contours, start and optimum markers, loss against
step with plain-Unicode tick labels). Colours come from ``momentumlab.palette``.
"""

from __future__ import annotations

from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import LogNorm, Normalize  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullLocator  # noqa: E402

from momentumlab.landscape import Landscape  # noqa: E402
from momentumlab.palette import LANDSCAPE_CMAP, RUN_COLORS, SCHEDULE_COLOR  # noqa: E402
from momentumlab.problems import Problem  # noqa: E402
from momentumlab.scales import loss_scale  # noqa: E402

Array = np.ndarray
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


def rc_context(width: int, height: int) -> Any:
    """Matplotlib settings for one ``width`` × ``height`` picture (a context manager)."""
    return matplotlib.rc_context(scaled_rc(width, height))


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


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(value: float, _position: int = 0) -> str:
    """``10⁻³``-style tick labels in plain Unicode: mathtext costs ~0.3 s per figure."""
    if value == 0 or not np.isfinite(value):
        return "0"
    exponent = np.log10(abs(value))
    sign = "−" if value < 0 else ""
    if abs(exponent - round(exponent)) < 1e-9:
        return f"{sign}10{str(int(round(exponent))).translate(_SUPERSCRIPT)}"
    return f"{value:g}".replace("-", "−")


def step_label(value: float, _position: int = 0) -> str:
    """Step tick labels: plain integers up to 9999, powers of ten beyond."""
    return f"{int(round(value))}" if abs(value) < 1e4 else power_label(value)


def draw_contour(ax: Axes, landscape: Landscape) -> None:
    """Filled, lightened contours of the loss, levels log-spaced when the problem is."""
    levels = landscape.levels()
    norm = LogNorm(levels[0], levels[-1]) if landscape.log_scale else Normalize(levels[0], levels[-1])
    values = np.clip(landscape.values, levels[0], levels[-1])
    ax.contourf(landscape.x, landscape.y, values, levels=levels, norm=norm, cmap=LANDSCAPE_CMAP, alpha=0.45,
                extend="neither", zorder=1)
    ax.contour(landscape.x, landscape.y, values, levels=levels, norm=norm, colors="white", linewidths=0.6,
               alpha=0.8, zorder=2)
    (x0, x1), (y0, y1) = landscape.window
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(landscape.problem.labels[0], labelpad=1)
    ax.set_ylabel(landscape.problem.labels[1], labelpad=1)
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.yaxis.set_major_locator(MaxNLocator(5))


PLANE_LEVELS = 16


def draw_plane_loss(ax: Axes, alphas: Array, betas: Array, loss: Array) -> Any:
    """A model's training loss on its loss plane: log-spaced filled contours in the landscape colour
    map, lightened as the 2-D problems' contours are, with white level lines (the race, the run
    animations and the still share it); returns the filled contours (None when no loss is finite)."""
    finite = loss[np.isfinite(loss) & (loss > 0)]
    if not finite.size:
        return None
    low, high = float(finite.min()), float(finite.max())
    levels = np.geomspace(low, max(high, low * 1.0001), PLANE_LEVELS)
    shown = np.clip(np.nan_to_num(loss, nan=high, posinf=high), low, high)
    filled = ax.contourf(alphas, betas, shown, levels=levels, norm=LogNorm(low, high), cmap=LANDSCAPE_CMAP, alpha=0.55,
                         zorder=1)
    ax.contour(alphas, betas, shown, levels=levels, norm=LogNorm(low, high), colors="white", linewidths=0.6, alpha=0.8,
               zorder=2)
    return filled


def draw_minima(ax: Axes, problem: Problem, size: float = 16.0) -> None:
    """A star on every global minimum (nothing for problems without one)."""
    for index, minimum in enumerate(problem.minima):
        ax.plot([minimum[0]], [minimum[1]], linestyle="none", marker="*", markersize=size, markerfacecolor="white",
                markeredgecolor="black", markeredgewidth=1.2, zorder=5, label="optimum" if index == 0 else None)


def draw_start(ax: Axes, start: Array, size: float = 9.0) -> None:
    """A hollow black circle at the start."""
    ax.plot([start[0]], [start[1]], linestyle="none", marker="o", markersize=size, markerfacecolor="white",
            markeredgecolor="black", markeredgewidth=1.6, zorder=5, label="start")


def _symlog_ticks(low: float, high: float, linthresh: float, most: int = 7) -> list[float]:
    """0 and signed powers of ten beyond ``linthresh``, thinned to at most ``most`` ticks."""
    ticks = [0.0]
    for sign, bound in ((1.0, high), (-1.0, -low)):
        power = linthresh
        while power <= bound:
            ticks.append(sign * power)
            power *= 10.0
    ticks.sort()
    stride = 1
    while len(ticks[::stride]) > most:
        stride += 1
    zero = ticks.index(0.0)
    return [tick for index, tick in enumerate(ticks) if (index - zero) % stride == 0]


def configure_loss_axes(ax: Axes, losses: Sequence[Array], last_step: int, floor: float | None = None,
                        label: str = "loss", linear_steps: bool = False,
                        changes: Sequence[tuple[int, str]] = ()) -> None:
    """Loss against step: symlog step axis (so step 0 fits; linear with ``linear_steps``), log or
    symlog loss axis, never below ``floor``; each schedule change (step, label) a labelled line."""
    right = max(last_step, 1) * (1.02 if linear_steps else 1.05)
    if linear_steps:
        ax.set_xlim(0, right)
        ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    else:
        ax.set_xscale("symlog", linthresh=1.0, linscale=0.4)
        ax.set_xlim(0, right)
        ticks = [0.0] + [10.0**k for k in range(0, 12) if 10.0**k <= right]
        if last_step < 10:
            ticks.append(float(max(last_step, 1)))
        ax.xaxis.set_major_locator(FixedLocator(sorted(set(ticks))))
    for step, text in changes:
        ax.axvline(step, color=SCHEDULE_COLOR, linewidth=1.4, linestyle=(0, (4, 2)), zorder=1.5)
        ax.text(step, 1.0, f" {text}", transform=ax.get_xaxis_transform(), color=SCHEDULE_COLOR, ha="left",
                va="top", fontsize="small", fontweight="bold", zorder=1.5)
    ax.xaxis.set_major_formatter(FuncFormatter(step_label))
    ax.xaxis.set_minor_locator(NullLocator())
    scale, kwargs = loss_scale(losses)
    ax.set_yscale(scale, **kwargs)
    ax.yaxis.set_minor_locator(NullLocator())
    finite = np.concatenate([np.asarray(loss, float)[np.isfinite(loss)] for loss in losses] or [np.zeros(0)])
    if scale == "log":
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.1, 10.0)
        if high <= low * 1.0001:
            low, high = low / 2.0, high * 2.0
        span = np.log10(high / low)
        bottom = low / 10 ** (0.06 * span)
        ax.set_ylim(bottom if floor is None else max(bottom, floor), high * 10 ** (0.06 * span))
        few_decades = span < 2.0
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if few_decades else (1.0,), numticks=6))
        ax.yaxis.set_major_formatter(FuncFormatter(power_label))
    else:
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        if scale == "symlog":
            # symlog compresses large values, so pad by a factor rather than a fraction of the range
            threshold = kwargs["linthresh"]
            ax.set_ylim(low * 2.0 if low < -threshold else low - threshold, high * 2.0 if high > threshold else high + threshold)
            ax.yaxis.set_major_locator(FixedLocator(_symlog_ticks(low, high, threshold)))
        else:
            pad = 0.05 * max(abs(low), abs(high), 1e-12)
            ax.set_ylim(low - pad, high + pad)
        ax.yaxis.set_major_formatter(FuncFormatter(power_label))
    ax.set_xlabel("step", labelpad=1)
    ax.set_ylabel(label, labelpad=1)
    ax.grid(True, which="major", alpha=0.3, linewidth=0.8)

"""Sweep heatmaps: outcome over (learning rate, momentum), diverged cells hatched grey.

One PNG, two panels side by side. With an optimum: final distance to it (log colour
scale) and steps to tolerance. Without one (the saddle): final loss and the step at
which the run left the problem's box (its escape). Markers show the best pair, the
configured optimizers and any theory points; every special colour has a legend entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any, Sequence

import matplotlib
import numpy as np
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter, NullLocator

from momentumlab.verdicts import momentum_name
from momentumlab.files import atomic_path
from momentumlab.floors import colour_range
from momentumlab.palette import OKABE_ITO, REGION_COLORS, REGION_DASHES, REGION_HALO, THEORY_COLOR
from momentumlab.render.style import new_figure, scaled_rc
from momentumlab.sweep import SweepResult
from momentumlab.theory import POLYAK_OPTIMUM
from momentumlab.wording import counted

if TYPE_CHECKING:
    from momentumlab.model.sweep import ModelSweepResult
    from momentumlab.regions import Curve

Array = np.ndarray
DIVERGED_FACE = "#9E9E9E"
DIVERGED_HATCH = "#4D4D4D"
UNREACHED_FACE = "#EBEBEB"
MARKER_COLORS = (OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["purple"], OKABE_ITO["yellow"])
CONFIGURED_SHAPES = ("o", "s", "D", "h")


@dataclass(frozen=True)
class Point:
    """A labelled (lr, momentum) marker."""

    label: str
    lr: float
    momentum: float
    marker: Any
    color: str
    size: float = 11.0
    hollow: bool = False  # an outline in ``color`` with a white halo, drawn under the filled marks

    def style(self, scale: float = 1.0) -> dict[str, Any]:
        """Line2D keywords of the marker (``scale`` times its size): filled with a black edge, or a haloed outline."""
        if self.hollow:
            return {"marker": self.marker, "markersize": self.size * scale, "markerfacecolor": "none",
                    "markeredgecolor": self.color, "markeredgewidth": 2.4,
                    "path_effects": [patheffects.Stroke(linewidth=5.0, foreground="white"), patheffects.Normal()]}
        return {"marker": self.marker, "markersize": self.size * scale, "markerfacecolor": self.color,
                "markeredgecolor": "black", "markeredgewidth": 1.3}


@dataclass(frozen=True)
class Panel:
    """One heatmap: values, which cells are blank and how the colours map."""

    title: str
    values: Array  # (Q, P); NaN where blank
    colorbar_label: str
    log_scale: bool
    cmap: str
    blank_label: str | None = None  # legend text of non-diverged blank cells
    counts: bool = False  # integer values (steps): plain tick labels at 1, 2, 5 × 10^k
    zero_label: str | None = None  # legend text of exact zeros on a log scale (drawn in the lowest colour)
    floor: float | None = None  # a log scale's lowest colour: values at or below it are rounding ("≤ floor")

    def zeros(self) -> Array:
        """Cells whose value is exactly 0 (or below), which a log colour scale cannot place."""
        return self.log_scale & np.isfinite(self.values) & (np.nan_to_num(self.values, nan=1.0) <= 0)


def _edges(centres: Array, log: bool) -> Array:
    """Cell edges half-way between centres (in log space for a log axis)."""
    values = np.log(centres) if log else np.asarray(centres, dtype=float)
    if len(values) == 1:
        mids = np.array([values[0] - 0.5, values[0] + 0.5])
    else:
        inner = (values[1:] + values[:-1]) / 2.0
        mids = np.concatenate([[2 * values[0] - inner[0]], inner, [2 * values[-1] - inner[-1]]])
    return np.exp(mids) if log else mids


def panels_for(result: SweepResult, floor: float | None = None) -> tuple[Panel, Panel]:
    """The two panels that suit the result's problem; ``floor``: the distance floor of its optimum
    (``floors.distance_floor``), the distance colour scale's lowest colour."""
    diverged = result.diverged
    steps_run = counted(result.steps, "step")
    if result.has_optimum:
        steps = np.where(result.settled_at >= 0, result.settled_at, np.nan).astype(float)
        steps[diverged] = np.nan
        return (
            Panel("Final distance to the optimum", result.final_distance, f"‖θ − θ*‖ after {steps_run}",
                  log_scale=True, cmap="viridis", zero_label="distance exactly 0 (lowest colour)", floor=floor),
            Panel(f"Settled within {result.tolerance:g} of the optimum at step", steps, "steps (log scale)", log_scale=True,
                  cmap="cividis", blank_label=f"not settled within {result.tolerance:g} in {steps_run}", counts=True,
                  zero_label="within tolerance from the start: step 0 (lowest colour)"),
        )
    loss = np.where(diverged, np.nan, result.final_loss)
    escape = np.where(diverged, result.diverged_at, np.nan).astype(float)
    return (
        Panel("Final loss (no minimum)", loss, f"loss after {steps_run}", log_scale=False, cmap="viridis"),
        Panel("Step at which the run left the box", escape, "step (log scale)", log_scale=True, cmap="cividis",
              blank_label=f"stayed in the box for {steps_run}", counts=True),
    )


def model_panels(result: "ModelSweepResult") -> tuple[Panel, Panel]:
    """A model sweep's two panels: final training loss and final test accuracy (blank: diverged)."""
    steps_run = counted(result.steps, "step")
    loss = np.where(result.diverged, np.nan, result.final_train_loss)
    accuracy = np.where(result.diverged, np.nan, result.final_test_accuracy)
    return (
        Panel("Final training loss", loss, f"training loss after {steps_run}", log_scale=True, cmap="viridis",
              zero_label="loss exactly 0 (lowest colour)"),
        Panel("Final test accuracy", accuracy, "test accuracy (fraction correct)", log_scale=False, cmap="cividis_r"),
    )


def model_best_point(result: "ModelSweepResult") -> Point | None:
    """The sweep's best cell by the best-run rule (white star)."""
    if result.best is None:
        return None
    q, p = result.best
    return Point(f"best by the rule (η = {distinct(result.lr, p)}, μ = {distinct(result.momentum, q)})", float(result.lr[p]),
                 float(result.momentum[q]), "*", "white", 16.0)


def _norm(values: Array, log: bool, floor: float | None = None) -> tuple[Normalize, str, bool]:
    """The colour scale, its colour bar's extension and whether values were clipped to its lowest colour:
    on a log scale (``floors.colour_range``) values ≤ 0, below ``floor`` or 16 decades under the top are."""
    finite = values[np.isfinite(values)]
    if not log:
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        return Normalize(low, high if high > low else low + 1.0), "neither", False
    scale = colour_range(values, floor)
    return LogNorm(scale.low, scale.high), "min" if scale.clipped else "neither", scale.clipped


BAR_TICKS = 6  # at most this many labelled decades on a log colour bar


def bar_decades(low: float, high: float, most: int = BAR_TICKS) -> list[float]:
    """Powers of ten strictly above ``low`` up to ``high``, every k-th so that at most ``most`` - 1 remain and
    the lowest sits at least one step above ``low`` (whose own tick is labelled apart)."""
    first, last = int(np.floor(np.log10(low))) + 1, int(np.floor(np.log10(high) + 1e-9))
    if last < first:
        return []
    every = max(1, int(np.ceil((last - first + 1) / max(most - 1, 1))))
    exponents = list(range(last, first - 1, -every))[::-1]  # counted down from the top decade
    if exponents and exponents[0] - np.log10(low) < 0.6 * every:
        exponents = exponents[1:]  # too close to the bottom label
    return [10.0 ** e for e in exponents]


MIN_BAR_LABELS = 3  # a log colour bar names at least this many values, whatever its range


def few_ticks(low: float, high: float, least: int = MIN_BAR_LABELS) -> list[float]:
    """At least ``least`` round values in [``low``, ``high``] (0 < low < high) for a log colour bar whose
    powers of ten are too few: 1-2-5 steps, else evenly spaced round values, else ``least`` geometric steps."""
    inside = lambda values: [float(v) for v in values if low * (1 - 1e-9) <= v <= high * (1 + 1e-9)]  # noqa: E731
    for ticks in (inside(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=99).tick_values(low, high)),
                  inside(MaxNLocator(nbins=least + 1).tick_values(low, high))):
        if len(ticks) >= least:
            return ticks
    return [float(v) for v in np.geomspace(low, high, least)]


def count_label(value: float, digits: int = 3) -> str:
    """A step count's tick label: a whole number as such ("1200", not "1.2e+03"), else ``digits`` significant digits."""
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 * max(1.0, value) else f"{value:.{digits}g}"


def _at_least_three_labels(bar: Any, norm: Any, clipped: bool, label: Any) -> None:
    """Replace a log colour bar's labelled ticks with :func:`few_ticks` when fewer than ``MIN_BAR_LABELS`` show
    (a lowest colour that holds everything at or below the floor keeps its "≤" label). ``label(value, digits)``
    is shown with the fewest digits, from 3, that tell the ticks apart."""
    axis = bar.ax.yaxis
    shown = [t for t in axis.get_majorticklocs() if norm.vmin * (1 - 1e-9) <= t <= norm.vmax * (1 + 1e-9)]
    labels = [text for text in axis.get_major_formatter().format_ticks(shown) if text] if shown else []
    if len(labels) >= MIN_BAR_LABELS:
        return
    ticks = few_ticks(norm.vmin, norm.vmax)
    texts = next((texts for digits in range(3, 13) if len(set(texts := [label(t, digits) for t in ticks])) == len(ticks)),
                 [label(t, 17) for t in ticks])
    if clipped:
        texts[0] = f"≤ {texts[0]}"
    bar.set_ticks(ticks, labels=texts)
    axis.set_minor_locator(NullLocator())


def momentum_axis_label(method: str) -> str:
    """The second axis of a sweep of ``method``: its momentum-like hyperparameter's label in the registry."""
    from momentumlab.optim import method_spec

    return method_spec(method).axis_label


def draw_line_panel(ax: Axes, result: SweepResult, panel: Panel) -> None:
    """A sweep over lr alone (sgd, adagrad): the outcome against η, diverged rates marked ×."""
    values = np.asarray(panel.values, dtype=float)[0]
    diverged = result.diverged[0]
    shown = np.isfinite(values) & ~diverged & ((values > 0) | (not panel.log_scale))
    ax.plot(result.lr[shown], values[shown], marker="o", markersize=4, color=OKABE_ITO["blue"], zorder=3)
    if diverged.any():
        for lr in result.lr[diverged]:
            ax.axvspan(lr / 1.15, lr * 1.15, color=DIVERGED_FACE, zorder=0, linewidth=0)
    ax.set_xscale("log")
    if result.lr[0] < result.lr[-1]:
        ax.set_xlim(result.lr[0] / 1.3, result.lr[-1] * 1.3)
    if panel.log_scale and shown.any():
        ax.set_yscale("log")
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(panel.colorbar_label)
    ax.set_title(panel.title)


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(value: float, _position: object = None, digits: int = 3) -> str:
    """A log-axis tick label in plain text ("10⁻³", or "0.002" between powers): no mathtext to parse."""
    if value <= 0 or not np.isfinite(value):
        return ""
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) < 1e-9:
        return f"10{str(int(round(exponent))).translate(_SUPERSCRIPTS)}"
    return f"{value:.{digits}g}"


def _plain_log_ticks(axis: Any, decades: float) -> None:
    """Major ticks as powers of ten; minor ticks labelled only when the axis spans less than a decade,
    with as many digits as tell them apart."""
    digits = int(min(12, 3 + max(0.0, np.ceil(-np.log10(max(decades, 1e-12) * np.log(10.0))))))
    label = FuncFormatter(lambda value, position: power_label(value, position, digits))
    axis.set_major_formatter(label)
    axis.set_minor_formatter(label if decades < 1.0 else NullFormatter())


def draw_panel(ax: Axes, figure: Figure, result: SweepResult, panel: Panel) -> Any:
    """Hatched grey background (diverged), blank cells, coloured cells and a colour bar (returned)."""
    if result.momentum.size == 1:
        draw_line_panel(ax, result, panel)
        return None  # no colour bar
    # A momentum lies in [0, 1): the outer cells stop there rather than half a step beyond (−0.25 … 1.25 on a 2 × 2 grid).
    x_edges, y_edges = _edges(result.lr, log=True), np.clip(_edges(result.momentum, log=False), 0.0, 1.0)
    ax.add_patch(Rectangle((x_edges[0], y_edges[0]), x_edges[-1] - x_edges[0], y_edges[-1] - y_edges[0],
                           facecolor=DIVERGED_FACE, edgecolor=DIVERGED_HATCH, hatch="///", linewidth=0, zorder=0))
    blank = ~result.diverged & ~np.isfinite(panel.values)
    if blank.any():
        ax.pcolormesh(x_edges, y_edges, np.ma.masked_where(~blank, np.zeros(blank.shape)),
                      cmap=ListedColormap([UNREACHED_FACE]), vmin=0, vmax=1, zorder=1)
    norm, extend, clipped = _norm(panel.values, panel.log_scale, panel.floor)
    values = np.ma.masked_invalid(panel.values)
    if panel.log_scale:
        # a log scale has no place for 0 (a run that started at the optimum): give it the lowest colour
        values = np.ma.where(values <= 0, norm.vmin, values)
    mesh = ax.pcolormesh(x_edges, y_edges, values, cmap=panel.cmap, norm=norm, zorder=2, rasterized=True)
    bar = figure.colorbar(mesh, ax=ax, extend=extend, pad=0.02, fraction=0.06)
    bar.set_label(panel.colorbar_label)
    all_zero = panel.zeros().any() and not (np.nan_to_num(panel.values) > 0).any()
    if all_zero:
        bar.set_ticks([norm.vmin], labels=["0"])  # every value is 0: a range of powers of ten would mean nothing
        bar.ax.yaxis.set_minor_locator(NullLocator())
    elif panel.counts and panel.log_scale:
        bar.ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        bar.ax.yaxis.set_minor_formatter(NullFormatter())
    elif panel.log_scale:
        decades = float(np.log10(norm.vmax / norm.vmin))
        _plain_log_ticks(bar.ax.yaxis, decades)
        if decades < 1.0:  # values this close: name the two ends, not a crowd of long labels
            bar.set_ticks([norm.vmin, norm.vmax])
            bar.ax.yaxis.set_minor_locator(NullLocator())
        elif clipped:  # the lowest colour holds everything at or below the floor: say so, and a few decades above
            ticks = [norm.vmin] + bar_decades(norm.vmin, norm.vmax)
            plain = bar.ax.yaxis.get_major_formatter()
            bar.set_ticks(ticks, labels=[f"≤ {power_label(norm.vmin)}"] + [plain(t) for t in ticks[1:]])
            bar.ax.yaxis.set_minor_locator(NullLocator())
    if panel.log_scale and not all_zero:
        _at_least_three_labels(bar, norm, clipped, count_label if panel.counts
                               else (lambda v, digits: power_label(v, None, digits)))
    ax.set_xscale("log")
    ax.set_xlim(x_edges[0], x_edges[-1])
    ax.set_ylim(y_edges[0], y_edges[-1])
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
    _plain_log_ticks(ax.xaxis, np.log10(x_edges[-1] / x_edges[0]))
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(momentum_axis_label(result.method))
    ax.set_title(panel.title)
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    return bar


def draw_points(ax: Axes, points: Sequence[Point]) -> None:
    """Markers with a black edge, legible on every colour of viridis and cividis. The hollow ones (theory points:
    an open-centred crosshair larger than the star, a triangle outline) go under the filled ones, so that the
    best pair's star on or beside Polyak's point stays whole and the crosshair's arms still show around it."""
    for point in points:
        ax.plot([point.lr], [point.momentum], linestyle="none", zorder=5 if point.hollow else 6, clip_on=False,
                **point.style())


REGION_WIDTH = 2.0  # points; the black halo adds 1.5 on each side


def _region_style(curve: "Curve") -> dict[str, Any]:
    """Line keywords of one region curve: colour by where, dashes by kind, a black halo under it."""
    dashes = REGION_DASHES.get(curve.kind)
    style: dict[str, Any] = {"color": REGION_COLORS.get(curve.where, "#FFFFFF"), "linewidth": REGION_WIDTH,
                             "path_effects": [patheffects.Stroke(linewidth=REGION_WIDTH + 3.0, foreground=REGION_HALO),
                                              patheffects.Normal()]}
    if dashes:
        style["dashes"] = dashes
        style["dash_capstyle"] = "round"
    return style


def draw_regions(ax: Axes, regions: Sequence["Curve"]) -> None:
    """Each region curve over the cells (under the markers), in the axes' limits."""
    for curve in regions:
        ax.plot(curve.points[:, 0], curve.points[:, 1], zorder=4, **_region_style(curve))


def region_handles(regions: Sequence["Curve"]) -> list[Line2D]:
    """One legend entry per region curve."""
    return [Line2D([], [], label=curve.label, **_region_style(curve)) for curve in regions]


def best_point(result: SweepResult) -> Point | None:
    """The star on the best pair, labelled with its numbers."""
    best = result.best()
    if best is None:
        return None
    lr, momentum = float(result.lr[best[1]]), float(result.momentum[best[0]])
    steps = int(result.settled_at[best])
    detail = f", settled at step {steps}" if result.has_optimum and steps >= 0 else ""
    name = "best in grid" if result.has_optimum else "lowest final loss in the box"
    symbol = momentum_name(result.method) or "μ"
    return Point(f"{name}: η = {distinct(result.lr, best[1])}, {symbol} = {distinct(result.momentum, best[0])}{detail}",
                 lr, momentum, "*", "white", size=17.0)


def distinct(axis: Array, index: int, least: int = 3) -> str:
    """``axis[index]`` with the fewest significant digits (at least ``least``, so μ 0.495 is "0.495", not the
    "0.49" of two decimals) that no other value of the axis shares."""
    value = float(axis[index])
    for digits in range(least, 18):
        text = f"{value:.{digits}g}"
        if all(f"{float(other):.{digits}g}" != text for k, other in enumerate(axis) if k != index):
            return text
    return repr(value)


def configured_points(configured: Sequence[tuple], symbol: str = "μ") -> list[Point]:
    """One marker shape and colour per configured optimizer: (label, lr, μ) or (label, lr, μ, colour),
    the colour its runs wear (``palette.optimizer_colors``), else one of ``MARKER_COLORS`` by position;
    ``symbol`` names the sweep's momentum axis (μ, β₁)."""
    return [
        Point(f"{entry[0]}: η = {entry[1]:.3g}, {symbol} = {entry[2]:.4g}", entry[1], entry[2],
              CONFIGURED_SHAPES[i % len(CONFIGURED_SHAPES)], entry[3] if len(entry) > 3 else MARKER_COLORS[i % len(MARKER_COLORS)])
        for i, entry in enumerate(configured)
    ]


# Four arms from 0.3 to 1 of the radius: a plus with an open centre, the point at its middle.
CROSSHAIR = Path([(x * r, y * r) for x, y in ((1, 0), (-1, 0), (0, 1), (0, -1)) for r in (0.3, 1.0)],
                 [Path.MOVETO, Path.LINETO] * 4)


def theory_points(theory: Sequence[tuple[str, float, float]]) -> list[Point]:
    """Theory-optimal pairs: a crosshair (larger than the star) and a triangle outline in ``palette.THEORY_COLOR``."""
    return [
        Point(f"{name}: η = {lr:.3g}, μ = {momentum:.4g}", lr, momentum, CROSSHAIR if name == POLYAK_OPTIMUM else "^",
              THEORY_COLOR, 24.0 if name == POLYAK_OPTIMUM else 14.0, hollow=True)
        for name, lr, momentum in theory
    ]


def _colorbar_label_width(bar: Any, renderer: Any) -> float:
    """The widest tick label of a colour bar (None: no bar), in pixels, measured from its strings (no draw)."""
    if bar is None:
        return 0.0
    axis = bar.ax.yaxis
    ticks = [value for value in axis.get_majorticklocs() if bar.vmin <= value <= bar.vmax]
    labels = axis.get_major_formatter().format_ticks(ticks) if ticks else []
    font = FontProperties(size=rcParams["ytick.labelsize"])
    return max((renderer.get_text_width_height_descent(text, font, ismath=False)[0] for text in labels if text),
               default=0.0)


def _fixed_layout(figure: Figure, legend: Any, bars: Sequence[Any]) -> None:
    """Margins from the font size, the legend's height and the colour bars' tick labels: a few
    text measurements, where a constrained layout measured every tick label twice (half of the
    heatmap's time)."""
    renderer = figure.canvas.get_renderer()
    width, height = figure.bbox.width, figure.bbox.height
    line = 1.6 * FontProperties(size=rcParams["axes.labelsize"]).get_size_in_points() * figure.dpi / 72.0 / height
    legend_top = (legend.get_window_extent(renderer).height + 0.005 * height) / height
    ticks = [_colorbar_label_width(bar, renderer) / width for bar in bars]
    right = 0.985 - ticks[-1] - 0.045
    panel = (right - 0.065) / 2.0
    figure.subplots_adjust(left=0.065, right=right, top=1.0 - 3.3 * line, bottom=legend_top + 2.6 * line,
                           wspace=(0.26 * panel + ticks[0] + 0.05) / panel)


def render_sweep_heatmap(
    result: SweepResult,
    path: str | FilePath,
    title: str,
    configured: Sequence[tuple] = (),
    theory: Sequence[tuple[str, float, float]] = (),
    width: int = 1280,
    height: int = 560,
    panels: tuple[Panel, Panel] | None = None,
    best: Point | None = None,
    regions: Sequence["Curve"] = (),
    floor: float | None = None,
) -> None:
    """Write the two-panel heatmap PNG of one sweep (``configured``/``theory``: (label, lr, μ);
    ``regions``: ``momentumlab.regions`` curves, drawn on both panels of a 2-D map; ``floor``: the distance
    floor, the lowest colour of the distance panel, labelled "≤ floor").

    Without ``panels``, a 2-D sweep's panels and best point (``panels_for``, ``best_point``); a
    model sweep passes ``model_panels`` and ``model_best_point`` (None: no best cell).
    """
    with matplotlib.rc_context(scaled_rc(width, height)):
        figure = new_figure(width, height)
        axes = figure.subplots(1, 2)
        if panels is None:
            panels, best = panels_for(result, floor), best_point(result)
        points = ([best] if best else []) + configured_points(configured, momentum_name(result.method) or "μ") + theory_points(theory)
        bars = []
        for ax, panel in zip(axes, panels):
            bars.append(draw_panel(ax, figure, result, panel))
            if result.momentum.size == 1:  # a line plot: rates as vertical marks
                for point in points:
                    ax.axvline(point.lr, color=point.color if point.color != "white" else "black", linestyle=":", zorder=4)
            else:
                draw_regions(ax, regions)
                draw_points(ax, points)
        handles: list[Patch | Line2D] = [
            Patch(facecolor=DIVERGED_FACE, edgecolor=DIVERGED_HATCH, hatch="///",
                  label="diverged" if result.has_optimum else getattr(result, "diverged_label", "left the box (diverged)")),
        ]
        blank_label = panels[1].blank_label
        if blank_label and (~result.diverged & ~np.isfinite(panels[1].values)).any():
            handles.append(Patch(facecolor=UNREACHED_FACE, edgecolor="#BBBBBB", label=blank_label))
        for panel in panels:
            if panel.zero_label and panel.zeros().any():
                lowest = matplotlib.colormaps[panel.cmap](0.0)
                handles.append(Patch(facecolor=lowest, edgecolor="#BBBBBB", label=panel.zero_label))
        handles += [
            Line2D([], [], linestyle="none", label=p.label, **p.style(0.85))
            for p in points
        ]
        if result.momentum.size > 1:
            handles += region_handles(regions)
        legend = figure.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005),
                               ncols=min(len(handles), 3 if max(len(h.get_label()) for h in handles) <= 48 else 2), frameon=False, handletextpad=0.4, columnspacing=1.4)
        figure.suptitle(title, fontweight="bold")
        _fixed_layout(figure, legend, bars)
        with atomic_path(path) as temp:
            figure.savefig(temp, dpi=figure.dpi, metadata={"Software": None})

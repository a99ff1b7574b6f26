"""Who a run is and how it looks, without matplotlib.

A run is identified by a :class:`~momentumlab.runs.RunKey`, never by its display text. Its colour
comes from its optimizer's METHOD (:data:`METHOD_COLORS`: sgd is always blue, momentum orange,
nesterov green...), so a method keeps its hue in every experiment; when two optimizers of one
experiment share a method, the first by name keeps the method's hue and each other takes the first
:data:`SPARE_COLORS` entry no optimizer of the experiment uses (:func:`optimizer_colors`). numpy is
drawn solid with a filled head, TensorFlow dashed, darker and hollow so it shows on top of its
numpy twin. The animations (races and per-run), the stills, the report's scrubber and explorer data
and the deck's pictures all take their colours from here; one colour map per kind of surface
(:data:`LANDSCAPE_CMAP` for every loss surface and plane, :data:`VIRIDIS` for heatmaps).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Collection, Iterable, Mapping, Sequence

from momentumlab.runs import RunKey

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
# colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
# Eight colours in order (yellow, faint on white, comes last): matplotlib's default colour cycle here.
RUN_COLORS = tuple(
    OKABE_ITO[name] for name in ("blue", "orange", "green", "purple", "sky_blue", "vermillion", "black", "yellow")
)
# Paul Tol's "muted" scheme adds hues for the methods beyond Okabe–Ito's seven legible colours.
TOL = {"wine": "#882255", "olive": "#999933", "teal": "#44AA99", "indigo": "#332288", "rose": "#CC6677"}
# One hue per method of the registry, the same in every experiment and output.
METHOD_COLORS = {
    "sgd": OKABE_ITO["blue"],
    "momentum": OKABE_ITO["orange"],
    "nesterov": OKABE_ITO["green"],
    "adam": OKABE_ITO["purple"],
    "rmsprop": OKABE_ITO["sky_blue"],
    "adagrad": OKABE_ITO["vermillion"],
    "nadam": TOL["indigo"],
    "adamw": TOL["rose"],
    "adamax": TOL["olive"],
    "lion": TOL["teal"],
}
# For a second optimizer of a method already in the experiment (and names no method owns): the
# first of these no optimizer of the experiment wears (never black: text, markers and the −η∇f
# arrows are black).
SPARE_COLORS = (TOL["wine"], TOL["teal"], TOL["olive"], TOL["indigo"], TOL["rose"], OKABE_ITO["vermillion"],
                OKABE_ITO["sky_blue"], OKABE_ITO["purple"])
# Polyak's heavy ball (a theory point, not a configured optimizer) in the sweep explorer: a deep
# violet that no method, spare or sweep cell wears.
THEORY_COLOR = "#7F3C8D"
# The classes of a data set (decision regions, class bars): hues away from sgd's blue and
# momentum's orange, so a class never reads as an optimizer of the common races.
CLASS_COLORS = ("#AA4499", TOL["teal"], TOL["indigo"], "#DDCC77", "#117733", TOL["wine"], "#88CCEE", TOL["olive"])
# The two eigen-modes of a quadratic's modes figure (slowest, stiffest): Tol's muted green and purple, hues no
# method or spare wears, so a mode never reads as an optimizer (sgd's blue and momentum's orange did).
MODE_COLORS = ("#117733", "#AA4499")
# Sweep cells the explorer plays or pins beside the configured runs: hues no common method wears.
CELL_COLORS = ("#777777", TOL["rose"], TOL["olive"], TOL["indigo"])
SCHEDULE_COLOR = "#D81B60"  # a learning-rate schedule's changes, on every time axis and path
PATH_COLOR = METHOD_COLORS["sgd"]  # a path whose optimizer is not known
FIT_COLOR = OKABE_ITO["blue"]
DIVERGED_COLOR = "#C0392B"
LANDSCAPE_CMAP = "viridis"
# matplotlib's viridis sampled at nine evenly spaced points: the deck's and the report's
# heatmaps interpolate between them, so they match the PNGs without importing matplotlib.
VIRIDIS = ("#440154", "#472D7B", "#3B528B", "#2C728E", "#21918C", "#28AE80", "#5EC962", "#ADDC30", "#FDE725")

# Regions on a sweep's (η, μ) map (``momentumlab.regions``): the curve's colour by whose Hessian
# gave it, its dashes (on/off, in line widths) by the regime it opens, all over a black halo.
REGION_COLORS = {"exact": "#FFFFFF", "minimum": "#FFFFFF", "start": OKABE_ITO["purple"]}
REGION_DASHES: Mapping[str, tuple[float, ...] | None] = {"unstable": None, "zigzag": (3.0, 2.0), "spiral": (0.8, 1.6)}
REGION_HALO = "#000000"

TENSORFLOW = "tensorflow"
TENSORFLOW_DASHES = (2.5, 1.8)


@dataclass(frozen=True)
class RunStyle:
    """How one run is drawn; the same values feed matplotlib, the report's canvas and the deck."""

    color: str
    linestyle: str | tuple = "-"
    linewidth: float = 2.2
    head_size: float = 9.0
    hollow: bool = False
    label: str | None = None
    halo: float = 0.0  # white outline (points) so the line shows over runs drawn before it
    alpha: float = 1.0  # opacity of the line: a diverged run's path is faint (``layered_styles``)

    @property
    def dashes(self) -> tuple[float, ...] | None:
        """The on/off dash lengths (in line widths), None for a solid line."""
        return None if self.linestyle == "-" else tuple(self.linestyle[1])


def optimizer_colors(keys: Iterable[RunKey]) -> dict[str, str]:
    """Optimizer name → colour for every optimizer among ``keys`` (one experiment's runs).

    Each optimizer takes its method's hue (a key without a method counts its name as its method);
    of several optimizers sharing a method, the first by name keeps the hue and the others take,
    in name order, the first :data:`SPARE_COLORS` entry not yet worn, so the result does not depend
    on the order of ``keys``.
    """
    methods = {}
    for key in keys:
        methods.setdefault(key.optimizer, key.method or key.optimizer)
    colors: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name in sorted(methods):
        method = methods[name]
        if method in METHOD_COLORS and method not in owners:
            owners[method] = name
            colors[name] = METHOD_COLORS[method]
    worn = set(colors.values())
    spares = [color for color in SPARE_COLORS if color not in worn]
    for name in sorted(methods):
        if name not in colors:
            colors[name] = spares.pop(0) if spares else RUN_COLORS[len(colors) % len(RUN_COLORS)]
    return colors


def darker(color: str, amount: float = 0.45) -> str:
    """``#rrggbb`` mixed with black by ``amount`` (a dashed twin drawn over a solid line)."""
    return "#" + "".join(f"{round(c / 255.0 * (1.0 - amount) * 255):02x}" for c in rgb(color))


def rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` as its (red, green, blue) bytes."""
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def viridis(fraction: float) -> str:
    """The viridis colour at ``fraction`` in [0, 1] (clipped), interpolated between :data:`VIRIDIS`."""
    position = min(max(fraction, 0.0), 1.0) * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    weight = position - low
    below, above = rgb(VIRIDIS[low]), rgb(VIRIDIS[low + 1])
    return "#" + "".join(f"{round(a + (b - a) * weight):02X}" for a, b in zip(below, above))


def run_styles(keys: Iterable[RunKey], colors: Mapping[str, str] | None = None) -> dict[RunKey, RunStyle]:
    """One colour per optimizer (``colors`` by optimizer name, else :func:`optimizer_colors` of
    ``keys``); TensorFlow runs dashed with hollow heads in a darker shade, so twins that overlap
    stay visible."""
    keys = list(keys)
    colors = optimizer_colors(keys) if colors is None else colors
    styles = {}
    for key in keys:
        color = colors[key.optimizer]
        if key.backend == TENSORFLOW:
            styles[key] = RunStyle(color=darker(color), linestyle=(0, TENSORFLOW_DASHES), linewidth=1.5,
                                   head_size=13.0, hollow=True, label=key.display)
        else:
            styles[key] = RunStyle(color=color, linewidth=2.8, head_size=8.0, label=key.display)
    return styles


def race_order(finals: Mapping[RunKey, tuple[bool, float]]) -> list[RunKey]:
    """Runs in drawing order, bottom to top, from ``(diverged, final loss)`` per run: diverged
    optimizers first, then from the lowest final loss to the highest (ranked by each optimizer's
    first run), so a slow run that shares its first steps with a fast one stays visible on top.
    Each optimizer's backends stay together (TensorFlow's dashed line over its numpy twin)."""
    groups: dict[str, list[RunKey]] = {}
    for key in finals:
        groups.setdefault(key.optimizer, []).append(key)

    def rank(optimizer: str) -> tuple[bool, float]:
        diverged, loss = finals[groups[optimizer][0]]
        return (not diverged, loss if loss == loss and abs(loss) != float("inf") else float("inf"))

    return [key for optimizer in sorted(groups, key=rank) for key in groups[optimizer]]


DIVERGED_WIDTH, DIVERGED_ALPHA = 0.35, 0.45  # a diverged run's line: this share of its width (under the 0.4 of the
# top layer), this opaque


def layered_styles(styles: Mapping[RunKey, RunStyle], order: Sequence[RunKey],
                   diverged: Collection[RunKey] = ()) -> dict[RunKey, RunStyle]:
    """``styles`` with each optimizer's solid line thinner and haloed the higher it is drawn; a ``diverged`` run
    thin and faint whatever its rank, so its zigzag out of the window never covers the runs and the contour."""
    optimizers = list(dict.fromkeys(key.optimizer for key in order if key not in diverged))
    layered = dict(styles)
    for key in order:
        style = styles[key]
        if key in diverged:
            layered[key] = replace(style, linewidth=style.linewidth * DIVERGED_WIDTH, alpha=DIVERGED_ALPHA, halo=0.0)
            continue
        rank = optimizers.index(key.optimizer)
        if style.hollow:
            continue
        if rank == 0:
            layered[key] = replace(style, linewidth=style.linewidth * 1.5)
            continue
        layered[key] = replace(style, linewidth=style.linewidth * (1.0 - 0.6 * rank / (len(optimizers) - 1)), halo=0.4)
    return layered


def diverged_runs(finals: Mapping[RunKey, tuple[bool, float]]) -> set[RunKey]:
    """The runs that diverged, from ``(diverged, final loss)`` per run (:func:`final_states`)."""
    return {key for key, (diverged, _) in finals.items() if diverged}


def final_states(runs: Mapping[RunKey, object]) -> dict[RunKey, tuple[bool, float]]:
    """``(diverged, final loss)`` of each run (anything with ``.diverged`` and a ``.loss`` array)."""
    return {key: (bool(run.diverged), float(run.loss[-1])) for key, run in runs.items()}

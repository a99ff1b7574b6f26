"""Who a run is and how it looks, without matplotlib.

A run is identified by a :class:`~momentumlab.runs.RunKey`, never by its display text. Its style
comes from the optimizer's position in the experiment: one Okabe–Ito colour per optimizer, numpy solid with a filled head, TensorFlow dashed, darker and
hollow so it shows on top of its numpy twin. The animations, the report and the deck all take
their colours from here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

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
# Eight optimizers get eight Okabe–Ito colours (yellow, faint on white, comes last).
RUN_COLORS = tuple(
    OKABE_ITO[name] for name in ("blue", "orange", "green", "purple", "sky_blue", "vermillion", "black", "yellow")
)
PATH_COLOR = OKABE_ITO["vermillion"]
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

    @property
    def dashes(self) -> tuple[float, ...] | None:
        """The on/off dash lengths (in line widths), None for a solid line."""
        return None if self.linestyle == "-" else tuple(self.linestyle[1])


def optimizer_color(index: int) -> str:
    """The colour of the ``index``-th optimizer of an experiment."""
    return RUN_COLORS[index % len(RUN_COLORS)]


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


def run_styles(keys: Iterable[RunKey]) -> dict[RunKey, RunStyle]:
    """One colour per optimizer in order of first appearance; TensorFlow runs dashed with
    hollow heads in a darker shade, so twins that overlap stay visible."""
    colors: dict[str, str] = {}
    styles = {}
    for key in keys:
        color = colors.setdefault(key.optimizer, optimizer_color(len(colors)))
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


def layered_styles(styles: Mapping[RunKey, RunStyle], order: Sequence[RunKey]) -> dict[RunKey, RunStyle]:
    """``styles`` with each optimizer's solid line thinner and haloed the higher it is drawn."""
    optimizers = list(dict.fromkeys(key.optimizer for key in order))
    layered = dict(styles)
    for key in order:
        style = styles[key]
        rank = optimizers.index(key.optimizer)
        if style.hollow:
            continue
        if rank == 0:
            layered[key] = replace(style, linewidth=style.linewidth * 1.5)
            continue
        layered[key] = replace(style, linewidth=style.linewidth * (1.0 - 0.6 * rank / (len(optimizers) - 1)), halo=0.4)
    return layered


def final_states(runs: Mapping[RunKey, object]) -> dict[RunKey, tuple[bool, float]]:
    """``(diverged, final loss)`` of each run (anything with ``.diverged`` and a ``.loss`` array)."""
    return {key: (bool(run.diverged), float(run.loss[-1])) for key, run in runs.items()}

"""Excess loss f − f* and the floors below which a loss or a distance is rounding, not the lesson.

Where a problem's minimum value f* is known (every 2-D problem with a minimum; linear regression at
its closed-form optimum) its losses are shown as f − f*; a problem without a minimum (the saddle)
keeps its plain loss. Log axes and printed numbers stop at a stated floor: 1e-12 · max(1, |f*|) for
losses, 1e-12 · max(1, ‖θ*‖) for distances. Values below it are drawn at the floor and printed as
"< 1e-12" (:func:`format_floored`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from momentumlab.problems import Problem

RELATIVE_FLOOR = 1e-12
BELOW_FLOOR = "< 1e-12"
FLOOR_NOTE = "values below 1e-12 (relative to max(1, |f*|) or max(1, ‖θ*‖)) are rounding and are drawn at that floor"


@dataclass(frozen=True)
class LossFloor:
    """How one problem's losses are shown: f − f* above its floor, or the plain loss (``f_star`` None)."""

    f_star: float | None

    @property
    def floor(self) -> float | None:
        """The lowest loss an axis shows: 1e-12 · max(1, |f*|) (None for a plain loss)."""
        return None if self.f_star is None else RELATIVE_FLOOR * max(1.0, abs(self.f_star))

    @property
    def label(self) -> str:
        """The loss axis' label."""
        return "loss" if self.f_star is None else "f − f*"

    def shown(self, loss: Any) -> np.ndarray:
        """``loss`` as drawn: f − f* raised to the floor (NaN stays NaN), or unchanged."""
        loss = np.asarray(loss, dtype=float)
        if self.f_star is None:
            return loss
        return np.maximum(loss - self.f_star, self.floor)  # NaN stays NaN


PLAIN_LOSS = LossFloor(None)


def minimum_value(problem: Problem) -> float | None:
    """f* at the problem's reference minimum, None without one."""
    optimum = problem.optimum
    return None if optimum is None else float(problem.value(np.asarray(optimum, dtype=float)))


def loss_floor(problem: Problem) -> LossFloor:
    """The problem's loss view (excess loss where f* is known)."""
    return LossFloor(minimum_value(problem))


def distance_floor(optimum: Any) -> float:
    """The lowest distance an axis or a table shows: 1e-12 · max(1, ‖θ*‖)."""
    return RELATIVE_FLOOR * max(1.0, float(np.linalg.norm(np.asarray(optimum, dtype=float))))


def excess_floor(f_star: float) -> float:
    """The loss floor for a known f*: 1e-12 · max(1, |f*|)."""
    return RELATIVE_FLOOR * max(1.0, abs(float(f_star)))


def floored_distances(distance: Any, optimum: Any) -> np.ndarray:
    """Distances raised to the distance floor of ``optimum`` (NaN stays NaN): what a log axis or colour scale shows."""
    return np.maximum(np.asarray(distance, dtype=float), distance_floor(optimum))


def below_floor(value: Any, floor: float | None) -> bool:
    """Whether a finite ``value`` lies below ``floor`` (and so is printed "< 1e-12")."""
    return floor is not None and value is not None and np.isfinite(float(value)) and abs(float(value)) < floor


DYNAMIC_RANGE = 1e-16  # a log colour scale spans at most 16 decades below its top (float64 resolution)


@dataclass(frozen=True)
class ColourRange:
    """A log colour scale's ends; ``clipped``: some value lies at or below ``low`` (drawn in the lowest colour,
    labelled "≤ low")."""

    low: float
    high: float
    clipped: bool

    @property
    def bottom_label(self) -> str:
        """The label of the scale's lowest colour: "≤ 1e-12" when values were clipped there, else the value."""
        return f"≤ {self.low:.3g}" if self.clipped else f"{self.low:.3g}"


def colour_range(values: Any, floor: float | None = None) -> ColourRange:
    """The log colour scale of ``values`` (NaN ignored): from the smallest positive value, but never below
    ``floor`` (a distance or loss floor; values below it are rounding) nor below top · ``DYNAMIC_RANGE``,
    up to the largest. Values at or below the bound, zeros included, take the lowest colour."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    positive = finite[finite > 0]
    high = float(positive.max()) if positive.size else 1.0
    bound = max(floor or 0.0, high * DYNAMIC_RANGE)
    low = max(float(positive.min()), bound) if positive.size else high / 10.0
    clipped = bool(finite.size) and bool((finite <= bound).any())
    return ColourRange(low, high if high > low else low * 10.0, clipped)  # one value: a decade above it

"""Linear stability of the SGD family's update rules on one quadratic mode, and along a run.

On a mode of curvature λ the gradient is λθ, so with h = η·λ each rule is a linear map of
its state (θ, v) (Keras' form, v in parameter units):

- gradient descent: θ ← (1 − h) θ; stable iff h < 2.
- heavy ball: [[1 − h, μ], [−h, μ]], characteristic polynomial z² − (1 + μ − h) z + μ;
  stable iff h < 2(1 + μ). Its roots are complex (the mode spirals) for
  (1 − √μ)² < h < (1 + √μ)², and one is negative (the mode zigzags step to step) above.
- Nesterov: [[1 − h(1 + μ), μ²], [−h, μ]], z² − (1 + μ)(1 − h) z + μ(1 − h);
  stable iff h < 2(1 + μ)/(1 + 2μ); spirals for ((1 − μ)/(1 + μ))² < h < 1, zigzags above 1.

The PyTorch form (b in gradient units) is the same map in other coordinates while η is
constant, so it has the same bounds. Adaptive methods rescale each coordinate's step by
their own accumulators: no single bound applies (``stability_bound`` returns None).

Along a run, the ratio η_t·λmax(∇²f(θ_t)) / bound at every recorded θ_t (every step the run
took, and its last point; η_t with the schedule) says where the local quadratic model of the
loss is beyond the method's stability bound: above 1 the step from θ_t overshoots its
steepest local mode (``run_ratios``; ``step_progressions`` writes the steps above 1 compactly).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from momentumlab.problems import Problem
from momentumlab.schedules import Schedule

Array = np.ndarray
BOUNDED_METHODS = ("sgd", "momentum", "nesterov")


def stability_bound(method: str, momentum: float = 0.0) -> float | None:
    """The largest stable η·λ of ``method`` at ``momentum`` (None where no bound applies)."""
    mu = float(momentum)
    if method == "sgd":
        return 2.0
    if method == "momentum":
        return 2.0 * (1.0 + mu)
    if method == "nesterov":
        return 2.0 * (1.0 + mu) / (1.0 + 2.0 * mu)
    return None


def mode_matrix(method: str, h: float, momentum: float = 0.0) -> Array:
    """The 2 × 2 map of (θ, v) one step takes on a mode with η·λ = ``h``."""
    mu = float(momentum)
    if method == "sgd":
        return np.array([[1.0 - h, 0.0], [0.0, 0.0]])
    if method == "momentum":
        return np.array([[1.0 - h, mu], [-h, mu]])
    if method == "nesterov":
        return np.array([[1.0 - h * (1.0 + mu), mu * mu], [-h, mu]])
    raise ValueError(f"no one-mode map for method {method!r}; known: {BOUNDED_METHODS}")


def spectral_radius(method: str, h: float, momentum: float = 0.0) -> float:
    """The largest |root| of the mode's map: below 1 the mode decays, above 1 it grows."""
    return float(np.max(np.abs(np.linalg.eigvals(mode_matrix(method, h, momentum)))))


def regime_edges(method: str, momentum: float = 0.0) -> dict[str, float]:
    """Where a mode starts to spiral, starts to zigzag and turns unstable, in η·λ."""
    mu = float(momentum)
    bound = stability_bound(method, mu)
    if bound is None:
        raise ValueError(f"no one-mode regimes for method {method!r}; known: {BOUNDED_METHODS}")
    if method == "sgd":
        return {"spiral": 1.0, "zigzag": 1.0, "unstable": bound}
    if method == "momentum":
        root = math.sqrt(mu)
        return {"spiral": (1.0 - root) ** 2, "zigzag": (1.0 + root) ** 2, "unstable": bound}
    return {"spiral": ((1.0 - mu) / (1.0 + mu)) ** 2, "zigzag": 1.0, "unstable": bound}


def regime(method: str, h: float, momentum: float = 0.0) -> str:
    """How a mode with η·λ = ``h`` moves: ``monotone``, ``spiral``, ``zigzag`` or ``unstable``."""
    edges = regime_edges(method, momentum)
    if h >= edges["unstable"]:
        return "unstable"
    if h > edges["zigzag"]:
        return "zigzag"
    if h > edges["spiral"]:
        return "spiral"
    return "monotone"


def mode_errors(method: str, h: float, momentum: float, steps: int) -> Array:
    """θ_t of one mode started at θ = 1, v = 0, for t = 0 … ``steps``, by powers of its exact map.

    Near critical damping the map is not diagonalisable and θ_t grows like t·ρ^(t−1) before it
    decays, which ρ^t alone does not show.
    """
    matrix = mode_matrix(method, h, momentum)
    state = np.array([1.0, 0.0])
    out = np.empty(steps + 1)
    for t in range(steps + 1):
        out[t] = state[0]
        state = matrix @ state
    return out


def largest_curvature(hessians: Array) -> Array:
    """The algebraic largest eigenvalue of each symmetric 2 × 2 matrix in (..., 2, 2)."""
    xx, xy, yy = hessians[..., 0, 0], hessians[..., 0, 1], hessians[..., 1, 1]
    return 0.5 * (xx + yy) + np.hypot(0.5 * (xx - yy), xy)


def stability_ratios(problem: Problem, params: Array, rates: Array, method: str, momentum: float = 0.0) -> Array | None:
    """η_t·λmax(∇²f(θ_t)) / bound at each recorded θ_t (T, 2) with its rate η_t (T,); None without a bound."""
    bound = stability_bound(method, momentum)
    if bound is None:
        return None
    curvature = largest_curvature(problem.hessian_at(np.asarray(params, dtype=float)))
    return np.asarray(rates, dtype=float) * curvature / bound


def spectral_radii(method: str, h: Array, momentum: Array) -> Array:
    """``spectral_radius`` of every (h, μ) pair, broadcast together (numpy ``eigvals`` of the stacked maps)."""
    h, mu = np.broadcast_arrays(np.asarray(h, dtype=float), np.asarray(momentum, dtype=float))
    if method == "sgd":
        return np.abs(1.0 - h)
    if method not in BOUNDED_METHODS:
        raise ValueError(f"no one-mode map for method {method!r}; known: {BOUNDED_METHODS}")
    maps = np.empty(h.shape + (2, 2))
    maps[..., 0, 0] = 1.0 - h * (1.0 + mu) if method == "nesterov" else 1.0 - h
    maps[..., 0, 1] = mu * mu if method == "nesterov" else mu
    maps[..., 1, 0] = -h
    maps[..., 1, 1] = mu
    return np.abs(np.linalg.eigvals(maps)).max(axis=-1)


# --- along a run ----------------------------------------------------------------------------

NO_BOUND_NOTE = "no single bound: adaptive per-coordinate rate"


def no_bound_note(method: str) -> str | None:
    """What to say instead of a ratio for ``method``: the note for an adaptive method, None where a bound applies."""
    return None if method in BOUNDED_METHODS else NO_BOUND_NOTE


def run_rates(lr: float, schedule: Schedule, count: int) -> Array:
    """η_t = lr · factor(t) for t = 0 … ``count`` − 1: the rate of the step taken from θ_t."""
    factors = np.ones(count) if schedule.is_constant else schedule.factors(count)
    return float(lr) * factors


def run_ratios(problem: Problem, params: Array, method: str, lr: float, momentum: float | None,
               schedule: Schedule) -> Array | None:
    """The stability ratio η_t·λmax(θ_t) / bound at every recorded θ_t of a run (None without a bound)."""
    if stability_bound(method, momentum or 0.0) is None:
        return None
    return stability_ratios(problem, params, run_rates(lr, schedule, len(params)), method, momentum or 0.0)


def step_progressions(steps: Sequence[int]) -> list[list[int]]:
    """Sorted, distinct steps as ``[first, last, stride]`` progressions (``range(first, last + 1, stride)``).

    Greedy from the first step: consecutive steps join one stride-1 progression; three or more
    steps an equal stride > 1 apart join one progression of that stride; any other step stands
    alone as ``[t, t, 1]``. So [0, 1, 3] is [[0, 1, 1], [3, 3, 1]] and 1, 3, …, 45 is [[1, 45, 2]].
    """
    steps = [int(t) for t in steps]
    out: list[list[int]] = []
    i = 0
    while i < len(steps):
        j = i
        stride = steps[i + 1] - steps[i] if i + 1 < len(steps) else 1
        if stride == 1 or (i + 2 < len(steps) and steps[i + 2] - steps[i + 1] == stride):
            while j + 1 < len(steps) and steps[j + 1] - steps[j] == stride:
                j += 1
        else:
            stride = 1
        out.append([steps[i], steps[j], stride])
        i = j + 1
    return out


def expand_progressions(progressions: Sequence[Sequence[int]]) -> list[int]:
    """The steps of ``step_progressions``' output, in order."""
    return [t for first, last, stride in progressions for t in range(first, last + 1, stride)]

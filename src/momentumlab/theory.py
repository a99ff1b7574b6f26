"""Convergence theory on a quadratic: Polyak's heavy ball versus gradient descent.

For f(θ) = ½ θᵀHθ with curvatures m ≤ λ ≤ L and κ = L/m (Polyak 1964; Goh, "Why
Momentum Really Works", Distill 2017):

- gradient descent at its best step η = 2/(L + m) contracts by (κ − 1)/(κ + 1) per step;
- heavy ball at η* = 4/(√L + √m)², μ* = ((√κ − 1)/(√κ + 1))² by √μ* = (√κ − 1)/(√κ + 1).

At Polyak's parameters each eigen-mode's 2×2 iteration matrix has a *repeated*
eigenvalue (both extreme curvatures sit exactly on the critical-damping boundary), so
the distance decays like (a + b·t)·r^t rather than r^t. The measured rate is therefore
fitted with a polynomial prefactor: log‖θ_t − θ*‖ ≈ c + k·log t + t·log r (least
squares, k free; k ≈ 0 for gradient descent, ≈ 1 for heavy ball).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from momentumlab.backends import run
from momentumlab.config import Experiment
from momentumlab.problems import Problem, Quadratic
from momentumlab.optim import SGD_FAMILY
from momentumlab.regions import constant_curvatures
from momentumlab.sampling import frames_for_steps

Array = np.ndarray

# Steady window of the fit, as fractions of the starting distance d₀: it opens once the
# run is 100× closer (the start-up transient is over) and closes at 10⁻¹² d₀, well
# above float64 rounding (~10⁻¹⁶ relative) for problems whose optimum is not at 0.
TRANSIENT_RATIO = 1e-2
FLOOR_RATIO = 1e-12
MIN_WINDOW = 20


def polyak_parameters(m: float, L: float) -> tuple[float, float]:
    """Heavy ball's optimal (η*, μ*) = (4/(√L + √m)², ((√κ − 1)/(√κ + 1))²)."""
    root_kappa = math.sqrt(L / m)
    return 4.0 / (math.sqrt(L) + math.sqrt(m)) ** 2, ((root_kappa - 1.0) / (root_kappa + 1.0)) ** 2


def heavy_ball_rate(m: float, L: float) -> float:
    """Predicted contraction per step at Polyak's parameters: (√κ − 1)/(√κ + 1)."""
    root_kappa = math.sqrt(L / m)
    return (root_kappa - 1.0) / (root_kappa + 1.0)


def gradient_descent_step(m: float, L: float) -> float:
    """Gradient descent's best constant step 2/(L + m)."""
    return 2.0 / (L + m)


def gradient_descent_rate(m: float, L: float) -> float:
    """Predicted contraction per step at the best step: (κ − 1)/(κ + 1)."""
    kappa = L / m
    return (kappa - 1.0) / (kappa + 1.0)


def fit_window(distance: Array) -> slice:
    """The steady part of a distance curve: from d ≤ 10⁻² d₀ to just before d ≤ 10⁻¹² d₀."""
    distance = np.asarray(distance, dtype=float)
    start = distance[0]
    opened = np.flatnonzero(distance <= TRANSIENT_RATIO * start)
    closed = np.flatnonzero(distance <= FLOOR_RATIO * start)
    first = int(opened[0]) if opened.size else len(distance)
    last = int(closed[0]) if closed.size else len(distance)
    if last - first < MIN_WINDOW:
        raise ValueError(f"only {max(last - first, 0)} steady steps to fit a rate (need {MIN_WINDOW}); run longer")
    return slice(max(first, 1), last)


def fit_rate(distance: Array) -> tuple[float, float, slice]:
    """(rate r, prefactor power k, window) from log d_t ≈ c + k·log t + t·log r."""
    window = fit_window(distance)
    t = np.arange(len(distance), dtype=float)[window]
    design = np.column_stack([np.ones_like(t), np.log(t), t])
    (_, power, log_rate), *_ = np.linalg.lstsq(design, np.log(np.asarray(distance, dtype=float)[window]), rcond=None)
    return float(math.exp(log_rate)), float(power), window


PATH_SAMPLES = 400  # every step of a short theory run: heavy ball zigzags across the valley step by step


def path_steps(steps: int) -> Array:
    """The steps of a run's compact path: half linear, half logarithmic, both ends included."""
    return frames_for_steps(int(steps), PATH_SAMPLES)


def steps_for_rate(rate: float) -> int:
    """Steps to fall 10⁻¹⁶ at ``rate``: past the fit window's floor even with a t·r^t prefactor."""
    if rate <= 0.0:
        return 1  # κ = 1: one step lands on the optimum
    if rate >= 1.0:
        return math.inf  # type: ignore[return-value]
    return max(100, int(math.ceil(math.log(1e-16) / math.log(rate))))


def step_budget(configured_steps: int) -> int:
    """The most iterations one fitted run may take: max(10 × the experiment's steps, 100 000)."""
    return max(10 * int(configured_steps), 100_000)


@dataclass(frozen=True)
class RateCheck:
    """Predicted against measured linear convergence rate of one method.

    ``measured_rate`` is None when no rate can be measured within the step budget;
    ``note`` then says why (e.g. κ = 1 converges in one step, or a huge κ needs more
    steps than the budget allows).
    """

    method: str
    lr: float
    momentum: float
    predicted_rate: float
    measured_rate: float | None
    prefactor_power: float | None
    steps: int
    window: tuple[int, int] | None
    note: str = ""
    path_steps: tuple[int, ...] = ()  # the run's compact path for the report's explorer (empty: not run)
    path: tuple[float, ...] = ()  # flat (x0, y0, x1, y1, ...) at path_steps, float32-rounded

    @property
    def log_ratio_error(self) -> float | None:
        """|log(measured)/log(predicted) − 1|: the relative error of the decay exponent (None if unmeasured)."""
        if self.measured_rate is None or not 0.0 < self.predicted_rate < 1.0 or not 0.0 < self.measured_rate < 1.0:
            return None
        return abs(math.log(self.measured_rate) / math.log(self.predicted_rate) - 1.0)


def check_rates(problem: Quadratic, start: tuple[float, float], budget: int = 100_000) -> list[RateCheck]:
    """Run heavy ball at Polyak's parameters and gradient descent at its best step (numpy).

    Each run takes at most ``budget`` steps; a rate that cannot be fitted within them is
    reported as unmeasured with the reason, never as a failure.
    """
    m, L = problem.eigenvalues
    polyak_lr, polyak_momentum = polyak_parameters(m, L)
    settings = [
        ("momentum", polyak_lr, polyak_momentum, heavy_ball_rate(m, L)),
        ("sgd", gradient_descent_step(m, L), 0.0, gradient_descent_rate(m, L)),
    ]
    checks = []
    at_optimum = float(np.linalg.norm(np.asarray(start, dtype=float))) == 0.0  # the quadratic's minimum is 0
    for method, lr, momentum, predicted in settings:
        if at_optimum:
            checks.append(RateCheck(method, lr, momentum, predicted, None, None, 0, None,
                                    "the run starts at the optimum: there is nothing to contract"))
            continue
        needed = steps_for_rate(predicted)
        opens = needed * math.log(TRANSIENT_RATIO) / math.log(1e-16)  # where the fit window opens
        if opens + MIN_WINDOW > budget:  # hopeless within the budget: do not spend it
            checks.append(RateCheck(method, lr, momentum, predicted, None, None, 0, None,
                                    f"needs about {needed:.3g} steps to show its rate; the budget is {budget:,}"))
            continue
        steps = int(min(needed, budget))
        trajectory = run("numpy", problem, method, lr, momentum, start, steps)
        sampled = path_steps(len(trajectory.params) - 1)
        compact = {"path_steps": tuple(int(t) for t in sampled),
                   "path": tuple(float(v) for v in trajectory.params[sampled].astype(np.float32).reshape(-1))}
        distance = trajectory.distance(problem)
        try:
            rate, power, window = fit_rate(distance)
        except ValueError:
            reason = (f"left the divergence box at step {trajectory.diverged_at} (transient growth)"
                      if trajectory.diverged else _unmeasured_reason(distance, needed, budget))
            checks.append(RateCheck(method, lr, momentum, predicted, None, None, steps, None, reason, **compact))
            continue
        checks.append(RateCheck(method, lr, momentum, predicted, rate, power, steps, (window.start, window.stop),
                                **compact))
    return checks


def theory_for(experiment: Experiment, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The theory rows of the methods the experiment races (heavy ball with plain momentum; gradient
    descent with an ``sgd`` run): a row for a run the experiment does not have answers no question it asks."""
    methods = {spec.method for spec in experiment.optimizers}
    return [row for row in rows if row["method"] in methods]


def _unmeasured_reason(distance: Array, needed: float, budget: int) -> str:
    """Why a distance curve has no steady window to fit."""
    reached = np.flatnonzero(distance <= FLOOR_RATIO * distance[0])
    if distance[0] == 0.0:
        return "the run starts at the optimum: there is nothing to contract"
    if reached.size and reached[0] < MIN_WINDOW:
        return f"converges in {int(reached[0])} step{'s' if reached[0] != 1 else ''}: no steady rate to fit"
    if needed > budget:
        return f"needs about {needed:.3g} steps to show its rate; the budget is {budget:,}"
    return f"fewer than {MIN_WINDOW} steady steps within {len(distance) - 1:,} steps"


POLYAK_OPTIMUM = "Polyak optimum"  # the labels of the theory points: each mark's shape follows its label
GD_BEST_STEP = "GD best step"


def theory_points(problem: Problem, method: str = "momentum") -> list[tuple[str, float, float]]:
    """(label, η, μ) of the theory-optimal pairs to mark on a ``method`` sweep: on a problem with a
    constant, positive definite Hessian (quadratic, linear regression), gradient descent's best step
    (μ = 0 is gradient descent for heavy ball and Nesterov alike) and, on a heavy-ball sweep, Polyak's
    optimum; none elsewhere, nor on an adaptive method's sweep."""
    curvatures = constant_curvatures(problem)
    if curvatures is None or curvatures[0] <= 0:
        return []
    m, L = curvatures
    if method not in SGD_FAMILY:  # an adaptive method at β₁ (or its momentum) = 0 is not gradient descent
        return []
    polyak = [(POLYAK_OPTIMUM, *polyak_parameters(m, L))] if method == "momentum" else []
    return polyak + [(GD_BEST_STEP, gradient_descent_step(m, L), 0.0)]


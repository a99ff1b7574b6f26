"""The seed project's own checks (Momentum-SGD write-up), kept as tests on both backends.

The seed's TensorFlow tests fit y = 10x + noise by mean-squared error, which is this project's loss,
and start, like the seed, from a slope in U(−1, 1) and a zero intercept. Its Rosenbrock demo runs
TF1's MomentumOptimizer from (−5, −5) with η = 1.5e-5, μ = 0.9 for 5000 steps.
"""

from __future__ import annotations

import numpy as np
import pytest

from momentumlab import backends
from momentumlab.datasets import make_line_data
from momentumlab.problems import make_problem


def textbook_least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept by the normal-equation formula the seed's tests use."""
    n = len(x)
    slope = (n * np.sum(x * y) - np.sum(x) * np.sum(y)) / (n * np.sum(x**2) - np.sum(x) ** 2)
    return slope, (np.sum(y) - slope * np.sum(x)) / n


@pytest.mark.parametrize("backend", backends.BACKENDS)
@pytest.mark.parametrize(
    "n_points, x_mean, x_std, lr, steps",
    [(50, 5.0, 5.0, 0.01, 500), (100, 10.0, 10.0, 0.001, 1000)],
    ids=["50-points", "100-points"],
)
def test_regression_ends_at_the_least_squares_line(
    backend: str, n_points: int, x_mean: float, x_std: float, lr: float, steps: int
) -> None:
    data = make_line_data(seed=0, n_points=n_points, x_mean=x_mean, x_std=x_std, slope=10.0, noise=5.0)
    problem = make_problem("linear_regression", {}, data)
    start = (np.random.default_rng(0).uniform(-1.0, 1.0), 0.0)
    trajectory = backends.run(backend, problem, "momentum", lr, 0.9, start, steps)
    slope, intercept = textbook_least_squares(data["x"], data["y"])
    assert not trajectory.diverged
    assert trajectory.final_params[0] == pytest.approx(slope, abs=1e-3)
    assert trajectory.final_params[1] == pytest.approx(intercept, abs=1e-3)


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_rosenbrock_from_minus_five_approaches_one_one(backend: str) -> None:
    problem = make_problem("rosenbrock", {"a": 1, "b": 100})
    start, lr, steps = (-5.0, -5.0), 1.5e-5, 5000
    momentum = backends.run(backend, problem, "momentum", lr, 0.9, start, steps)
    plain = backends.run("numpy", problem, "sgd", lr, 0.0, start, steps)
    distance = float(np.linalg.norm(momentum.final_params - [1.0, 1.0]))
    assert not momentum.diverged
    assert distance < 0.15
    assert distance < 0.25 * float(np.linalg.norm(plain.final_params - [1.0, 1.0]))

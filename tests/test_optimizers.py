"""The numpy optimizers: update rules, per-row hyperparameters, and how the frameworks' forms relate.

The last tests check the algebra of docs/numerics.md: TF1's ``MomentumOptimizer``, PyTorch's and
optax's ``sgd`` keep the velocity in gradient units (b ← μb + g, θ ← θ − ηb), Keras and this
project in parameter units (v ← μv − ηg, θ ← θ + v). With a constant η they are one trajectory
(v = −ηb); with a schedule they are not.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

from momentumlab.optim import METHODS, make_optimizer, map_state
from momentumlab.problems import make_problem

ROSENBROCK = make_problem("rosenbrock")


def test_update_rules_match_their_formulas() -> None:
    params, grad, state = np.array([[1.0, -2.0]]), np.array([[0.5, 4.0]]), np.array([[0.3, -0.1]])
    eta, mu = 0.1, 0.9
    new, _ = make_optimizer("sgd", eta, mu).step(params, grad, state)
    np.testing.assert_allclose(new, params - eta * grad)
    velocity = mu * state - eta * grad
    new, kept = make_optimizer("momentum", eta, mu).step(params, grad, state)
    np.testing.assert_allclose(kept, velocity)
    np.testing.assert_allclose(new, params + velocity)
    new, kept = make_optimizer("nesterov", eta, mu).step(params, grad, state)
    np.testing.assert_allclose(kept, velocity)
    np.testing.assert_allclose(new, params + mu * velocity - eta * grad)


@pytest.mark.parametrize("method", METHODS)
def test_step_into_is_step_in_place_bit_for_bit(method: str) -> None:
    rng = np.random.default_rng(0)
    params, grad, state = (np.asfortranarray(rng.normal(size=(64, 2))) for _ in range(3))
    optimizer = make_optimizer(method, rng.uniform(1e-3, 1, 64), rng.uniform(0, 0.99, 64))
    if isinstance(optimizer.init(params), tuple):  # accumulators stay positive
        state = map_state(lambda slot: slot + np.asfortranarray(rng.uniform(0, 1, slot.shape)), optimizer.init(params))
    expected_params, expected_state = optimizer.step(params, grad, state, 7)
    optimizer.step_into(params, grad, state, 7)
    assert np.array_equal(params, expected_params)
    if method != "sgd":
        map_state(lambda got, want: np.testing.assert_array_equal(got, want), state, expected_state)


@pytest.mark.parametrize("method", METHODS)
def test_rows_are_independent_runs_with_their_own_hyperparameters(method: str) -> None:
    rates, momenta = np.array([1e-4, 5e-4, 1e-3]), np.array([0.0, 0.5, 0.9])
    batch = make_optimizer(method, rates, momenta)
    params = np.tile([-1.5, 2.5], (3, 1))
    state = batch.init(params)
    singles = [(make_optimizer(method, r, m), params[i : i + 1].copy()) for i, (r, m) in enumerate(zip(rates, momenta))]
    single_states = [opt.init(p) for opt, p in singles]
    for t in range(50):
        params, state = batch.step(params, ROSENBROCK.gradient(params), state, t)
        for i, (opt, p) in enumerate(singles):
            new, single_states[i] = opt.step(p, ROSENBROCK.gradient(p), single_states[i], t)
            singles[i] = (opt, new)
    assert np.array_equal(params, np.vstack([p for _, p in singles]))


def test_adamax_and_lion_follow_their_keras_formulas() -> None:
    params, grad = np.array([[1.0, -2.0]]), np.array([[0.5, -4.0]])
    eta, beta_1 = 0.1, 0.8
    adamax = make_optimizer("adamax", eta, beta_1, beta_2=0.5, epsilon=1e-3)
    first, peak = np.array([[0.2, 0.1]]), np.array([[3.0, 1.0]])
    new, (kept_first, kept_peak) = adamax.step(params, grad, (first, peak), 2)
    expected_first = first + (grad - first) * (1 - beta_1)
    expected_peak = np.maximum(0.5 * peak, np.abs(grad))  # [1.5, 4.0]: the decayed max, then |g|
    np.testing.assert_allclose(kept_first, expected_first)
    np.testing.assert_array_equal(kept_peak, [[1.5, 4.0]])
    np.testing.assert_allclose(new, params - eta * expected_first / ((1 - beta_1**3) * (expected_peak + 1e-3)))
    lion = make_optimizer("lion", eta, beta_1, beta_2=0.5)
    momentum = np.array([[-2.0, 2.0]])
    new, (kept,) = lion.step(params, grad, (momentum,))
    np.testing.assert_array_equal(new, params - eta * np.array([[-1.0, 1.0]]))  # sign(0.8m + 0.2g) = (−, +)
    np.testing.assert_allclose(kept, 0.5 * momentum + 0.5 * grad)


def test_sgd_ignores_momentum_and_unknown_methods_fail() -> None:
    assert np.all(make_optimizer("sgd", 0.1, 0.9).momentum == 0.0)
    with pytest.raises(ValueError, match="unknown method"):
        make_optimizer("adabelief", 0.1)


Schedule = Callable[[int], float]


def ours(method: str, schedule: Schedule, mu: float, steps: int) -> np.ndarray:
    """This project's numpy optimizer, with η set afresh at every step."""
    theta = np.array([[-1.5, 2.5]])
    state = np.zeros_like(theta)
    for t in range(steps):
        theta, state = make_optimizer(method, schedule(t), mu).step(theta, ROSENBROCK.gradient(theta), state)
    return theta[0]


def gradient_units(nesterov: bool, schedule: Schedule, mu: float, steps: int) -> np.ndarray:
    """TF1 MomentumOptimizer = PyTorch SGD = optax sgd: b ← μb + g; θ ← θ − η(nesterov ? g + μb : b)."""
    theta = np.array([-1.5, 2.5])
    accumulator = np.zeros(2)
    for t in range(steps):
        grad = ROSENBROCK.gradient(theta)
        accumulator = mu * accumulator + grad
        theta = theta - schedule(t) * (grad + mu * accumulator if nesterov else accumulator)
    return theta


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_gradient_unit_velocity_is_the_same_trajectory_for_constant_eta(method: str) -> None:
    constant: Schedule = lambda t: 1e-3  # noqa: E731
    np.testing.assert_allclose(ours(method, constant, 0.9, 500), gradient_units(method == "nesterov", constant, 0.9, 500), atol=1e-10)


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_a_learning_rate_schedule_separates_the_two_forms(method: str) -> None:
    # Halve η at step 100: Keras' v still carries the old η, the gradient-unit forms rescale at once.
    halved: Schedule = lambda t: 1e-3 if t < 100 else 5e-4  # noqa: E731
    difference = ours(method, halved, 0.9, 200) - gradient_units(method == "nesterov", halved, 0.9, 200)
    assert np.abs(difference).max() > 1e-4

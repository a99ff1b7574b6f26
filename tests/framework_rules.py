"""How PyTorch and optax write the methods Keras 3 writes differently: numpy transcriptions.

Each function transcribes one framework's update rule (cited in docs/numerics.md, "How the
frameworks write each method") as a single run on a problem, so the tests can measure, on a
real trajectory, how far it moves from Keras' form (``momentumlab.optim``, which matches
Keras to rounding). Neither PyTorch nor optax is a dependency: these are the formulas, not calls.

- ``torch_adagrad``: ε (1e-10) outside the root, accumulator starting at 0 (torch/optim/adagrad.py)
- ``torch_rmsprop``: ε (1e-8) outside the root, momentum buffer in gradient units, η applied
  to it (torch/optim/rmsprop.py); ``centered`` takes √(s − c²) + ε
- ``optax_rmsprop``: ε inside the root like Keras, momentum as ``trace`` after
  ``scale_by_learning_rate`` (parameter units, like Keras) (optax/_src/transform.py, alias.py)
- ``torch_adam``: ε added to √v̂ after bias correction (torch/optim/adam.py; optax's
  ``scale_by_adam`` is the same formula)
- ``torch_nadam``: momentum cache β₁(1 − ½·0.96^(0.004·t)) (torch/optim/nadam.py)
- ``optax_nadam``: Adam with a Nesterov first moment and constant β₁ (``scale_by_adam(nesterov=True)``)
- ``torch_adam_l2``: PyTorch Adam's ``weight_decay``, an L2 term added to the gradient
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from momentumlab.problems import Problem
from momentumlab.schedules import CONSTANT, Schedule

Array = np.ndarray
Update = Callable[[Array, Array, dict[str, Any], int, float], Array]


def _drive(problem: Problem, start: Sequence[float], steps: int, lr: float, schedule: Schedule, update: Update) -> Array:
    """The (steps + 1, d) parameters of one run; ``update(θ, g, state, t, η_t)`` returns the new θ."""
    theta = np.asarray(start, dtype=np.float64).reshape(1, -1)
    history = [theta[0].copy()]
    state: dict[str, Any] = {}
    for t in range(steps):
        theta = update(theta, problem.gradient(theta), state, t + 1, lr * float(schedule.factor(t)))
        history.append(theta[0].copy())
    return np.array(history)


def torch_adagrad(problem: Problem, lr: float, start: Sequence[float], steps: int, *, eps: float = 1e-10,
                  initial_accumulator_value: float = 0.0, schedule: Schedule = CONSTANT) -> Array:
    """state_sum += g²; θ −= η g / (√state_sum + ε)."""
    def update(theta: Array, g: Array, state: dict, t: int, eta: float) -> Array:
        total = state.get("sum", np.full_like(theta, initial_accumulator_value)) + g * g
        state["sum"] = total
        return theta - eta * g / (np.sqrt(total) + eps)

    return _drive(problem, start, steps, lr, schedule, update)


def torch_rmsprop(problem: Problem, lr: float, start: Sequence[float], steps: int, *, alpha: float = 0.99,
                  eps: float = 1e-8, momentum: float = 0.0, centered: bool = False, schedule: Schedule = CONSTANT) -> Array:
    """s ← αs + (1−α)g²; avg = √(s [− c²]) + ε; b ← μb + g/avg; θ −= η b."""
    def update(theta: Array, g: Array, state: dict, t: int, eta: float) -> Array:
        s = alpha * state.get("s", 0.0) + (1 - alpha) * g * g
        state["s"] = s
        if centered:
            c = alpha * state.get("c", 0.0) + (1 - alpha) * g
            state["c"] = c
            avg = np.sqrt(s - c * c) + eps
        else:
            avg = np.sqrt(s) + eps
        if momentum > 0:
            state["b"] = momentum * state.get("b", 0.0) + g / avg
            return theta - eta * state["b"]
        return theta - eta * g / avg

    return _drive(problem, start, steps, lr, schedule, update)


def optax_rmsprop(problem: Problem, lr: float, start: Sequence[float], steps: int, *, decay: float = 0.9,
                  eps: float = 1e-8, momentum: float = 0.0, schedule: Schedule = CONSTANT) -> Array:
    """ν ← decay·ν + (1−decay)g²; u = η g / √(ν + ε); trace: b ← μb + u; θ −= b."""
    def update(theta: Array, g: Array, state: dict, t: int, eta: float) -> Array:
        nu = decay * state.get("nu", 0.0) + (1 - decay) * g * g
        state["nu"] = nu
        state["b"] = momentum * state.get("b", 0.0) + eta * g / np.sqrt(nu + eps)
        return theta - state["b"]

    return _drive(problem, start, steps, lr, schedule, update)


def _adam_moments(state: dict, g: Array, beta_1: float, beta_2: float) -> tuple[Array, Array]:
    """Adam's moving averages, as every framework writes them: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²."""
    m = beta_1 * state.get("m", 0.0) + (1 - beta_1) * g
    v = beta_2 * state.get("v", 0.0) + (1 - beta_2) * g * g
    state.update(m=m, v=v)
    return m, v


def torch_adam(problem: Problem, lr: float, start: Sequence[float], steps: int, *, beta_1: float = 0.9,
               beta_2: float = 0.999, eps: float = 1e-8, schedule: Schedule = CONSTANT) -> Array:
    """m, v as Adam; θ −= (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)."""
    def update(theta: Array, g: Array, state: dict, t: int, eta: float) -> Array:
        m, v = _adam_moments(state, g, beta_1, beta_2)
        denominator = np.sqrt(v) / np.sqrt(1 - beta_2**t) + eps
        return theta - (eta / (1 - beta_1**t)) * m / denominator

    return _drive(problem, start, steps, lr, schedule, update)


def torch_adam_l2(problem: Problem, lr: float, start: Sequence[float], steps: int, *, weight_decay: float,
                  beta_1: float = 0.9, beta_2: float = 0.999, eps: float = 1e-8) -> Array:
    """PyTorch ``Adam(weight_decay=wd)``: g ← g + wd·θ, then Adam (the decay passes through √v̂)."""
    class WithL2:
        def __init__(self, inner: Problem) -> None:
            self.inner = inner

        def gradient(self, theta: Array) -> Array:
            return self.inner.gradient(theta) + weight_decay * theta

    return torch_adam(WithL2(problem), lr, start, steps, beta_1=beta_1, beta_2=beta_2, eps=eps)  # type: ignore[arg-type]


def _nadam(problem: Problem, lr: float, start: Sequence[float], steps: int, beta_1: float,
           cache: Callable[[int], float], beta_2: float, eps: float, schedule: Schedule) -> Array:
    """Dozat's Nadam with momentum cache ``cache(t)`` in PyTorch's arrangement."""
    def update(theta: Array, g: Array, state: dict, t: int, eta: float) -> Array:
        mu, mu_next = cache(t), cache(t + 1)
        product = state.get("product", 1.0) * mu
        m, v = _adam_moments(state, g, beta_1, beta_2)
        state["product"] = product
        denominator = np.sqrt(v / (1 - beta_2**t)) + eps
        step = eta * (1 - mu) / (1 - product) * g / denominator + eta * mu_next / (1 - product * mu_next) * m / denominator
        return theta - step

    return _drive(problem, start, steps, lr, schedule, update)


def torch_nadam(problem: Problem, lr: float, start: Sequence[float], steps: int, *, beta_1: float = 0.9,
                beta_2: float = 0.999, eps: float = 1e-8, momentum_decay: float = 4e-3,
                schedule: Schedule = CONSTANT) -> Array:
    """PyTorch's NAdam: μ_t = β₁(1 − ½·0.96^(t·ψ)), ψ = 0.004."""
    def cache(t: int) -> float:
        return beta_1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))

    return _nadam(problem, lr, start, steps, beta_1, cache, beta_2, eps, schedule)


def keras_nadam_cache(problem: Problem, lr: float, start: Sequence[float], steps: int, *, decay: float = 0.96,
                      beta_1: float = 0.9, beta_2: float = 0.999, eps: float = 1e-7, schedule: Schedule = CONSTANT) -> Array:
    """Keras' momentum cache μ_t = β₁(1 − ½·decayᵗ) in PyTorch's arrangement (to isolate the cache)."""
    def cache(t: int) -> float:
        return beta_1 * (1.0 - 0.5 * decay**t)

    return _nadam(problem, lr, start, steps, beta_1, cache, beta_2, eps, schedule)


def optax_nadam(problem: Problem, lr: float, start: Sequence[float], steps: int, *, beta_1: float = 0.9,
                beta_2: float = 0.999, eps: float = 1e-8, schedule: Schedule = CONSTANT) -> Array:
    """optax ``nadam``: m̂ = β₁·m/(1−β₁^(t+1)) + (1−β₁)·g/(1−β₁ᵗ); θ −= η m̂/(√v̂ + ε); no cache schedule."""
    def update(theta: Array, g: Array, state: dict, t: int, eta: float) -> Array:
        m, v = _adam_moments(state, g, beta_1, beta_2)
        m_hat = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * g / (1 - beta_1**t)
        return theta - eta * m_hat / (np.sqrt(v / (1 - beta_2**t)) + eps)

    return _drive(problem, start, steps, lr, schedule, update)

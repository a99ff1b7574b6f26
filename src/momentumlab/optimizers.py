"""Gradient-descent optimizers as small pure transformations on batches.

Parameters have shape (B, d); learning rate η and momentum μ are per row (B,), so
one call advances B independent runs. The update rules follow Keras' ``SGD``
operation for operation, so numpy and TensorFlow trajectories agree to rounding:

- ``sgd``:       θ ← θ − η g
- ``momentum``:  v ← μ v − η g;  θ ← θ + v              (heavy ball, Polyak 1964)
- ``nesterov``:  v ← μ v − η g;  θ ← θ + μ v − η g      (Keras' Nesterov form)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

Array = np.ndarray
METHODS = ("sgd", "momentum", "nesterov")


@dataclass(frozen=True)
class Optimizer:
    """A method with per-row hyperparameters; ``init`` and ``step`` are pure."""

    learning_rate: Array  # (B, 1)
    momentum: Array  # (B, 1)
    method: ClassVar[str] = ""

    def init(self, params: Array) -> Array:
        """The initial state: a zero velocity shaped like ``params``."""
        return np.zeros_like(params)

    def step(self, params: Array, grad: Array, state: Array) -> tuple[Array, Array]:
        """One update; returns the new (params, state)."""
        raise NotImplementedError

    def step_into(self, params: Array, grad: Array, state: Array) -> None:
        """``step`` in place, bit for bit: updates ``params`` and ``state``, overwrites ``grad``.

        The batched driver's allocation-free path; hyperparameters shaped like
        ``params`` avoid a slow broadcast.
        """
        raise NotImplementedError


class SGD(Optimizer):
    """Plain gradient descent: θ ← θ − η g (the state is unused)."""

    method = "sgd"

    def step(self, params: Array, grad: Array, state: Array) -> tuple[Array, Array]:
        return params - grad * self.learning_rate, state

    def step_into(self, params: Array, grad: Array, state: Array) -> None:
        np.subtract(params, np.multiply(grad, self.learning_rate, out=grad), out=params)


class Momentum(Optimizer):
    """Heavy ball: v ← μ v − η g, θ ← θ + v."""

    method = "momentum"

    def step(self, params: Array, grad: Array, state: Array) -> tuple[Array, Array]:
        velocity = state * self.momentum - grad * self.learning_rate
        return params + velocity, velocity

    def step_into(self, params: Array, grad: Array, state: Array) -> None:
        np.multiply(grad, self.learning_rate, out=grad)
        np.subtract(np.multiply(state, self.momentum, out=state), grad, out=state)
        np.add(params, state, out=params)


class Nesterov(Optimizer):
    """Nesterov in Keras' form: v ← μ v − η g, θ ← θ + μ v − η g."""

    method = "nesterov"

    def step(self, params: Array, grad: Array, state: Array) -> tuple[Array, Array]:
        velocity = state * self.momentum - grad * self.learning_rate
        return params + (velocity * self.momentum - grad * self.learning_rate), velocity

    def step_into(self, params: Array, grad: Array, state: Array) -> None:
        np.multiply(grad, self.learning_rate, out=grad)
        np.subtract(np.multiply(state, self.momentum, out=state), grad, out=state)
        # p + (μv − ηg) = p − (ηg − μv) exactly: rounding is symmetric, so grad can hold the difference.
        np.subtract(params, np.subtract(grad, state * self.momentum, out=grad), out=params)


_TYPES: dict[str, type[Optimizer]] = {cls.method: cls for cls in (SGD, Momentum, Nesterov)}


def make_optimizer(method: str, learning_rate: float | Array, momentum: float | Array = 0.0) -> Optimizer:
    """An optimizer for ``method`` with scalar or per-row (B,) hyperparameters."""
    try:
        cls = _TYPES[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; known: {list(METHODS)}") from None
    lr = np.atleast_1d(np.asarray(learning_rate, dtype=np.float64))[:, None]
    mu = np.atleast_1d(np.asarray(momentum, dtype=np.float64))[:, None]
    if method == "sgd":
        mu = np.zeros_like(mu)
    return cls(learning_rate=lr, momentum=mu)

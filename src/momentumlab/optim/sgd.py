"""The SGD family in both momentum forms, and their Keras factories.

- ``sgd``:       θ ← θ − η g
- ``momentum``:  v ← μ v − η g;  θ ← θ + v              (heavy ball; ``momentum_form: keras``)
                 b ← μ b + g;    θ ← θ − η b            (``momentum_form: pytorch``)
- ``nesterov``:  v ← μ v − η g;  θ ← θ + μ v − η g      (Keras) / θ ← θ − η (g + μ b) (PyTorch)
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.optim.base import Array, Optimizer, State
from momentumlab.schedules import Schedule

MOMENTUM_FORMS = ("keras", "pytorch")


class SGD(Optimizer):
    """Plain gradient descent: θ ← θ − η g (the state is unused)."""

    method = "sgd"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        return params - grad * self.rate(t), state

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        np.subtract(params, np.multiply(grad, self.rate(t), out=grad), out=params)


class Momentum(Optimizer):
    """Heavy ball, Keras' form: v ← μ v − η g, θ ← θ + v."""

    method = "momentum"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        velocity = state * self.momentum - grad * self.rate(t)
        return params + velocity, velocity

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        np.multiply(grad, self.rate(t), out=grad)
        np.subtract(np.multiply(state, self.momentum, out=state), grad, out=state)
        np.add(params, state, out=params)


class Nesterov(Optimizer):
    """Nesterov in Keras' form: v ← μ v − η g, θ ← θ + μ v − η g."""

    method = "nesterov"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        lr = self.rate(t)
        velocity = state * self.momentum - grad * lr
        return params + (velocity * self.momentum - grad * lr), velocity

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        np.multiply(grad, self.rate(t), out=grad)
        np.subtract(np.multiply(state, self.momentum, out=state), grad, out=state)
        # p + (μv − ηg) = p − (ηg − μv) exactly: rounding is symmetric, so grad can hold the difference.
        np.subtract(params, np.subtract(grad, state * self.momentum, out=grad), out=params)


class MomentumGradientUnits(Optimizer):
    """Heavy ball as PyTorch, optax and TF1 write it: b ← μ b + g, θ ← θ − η b."""

    method = "momentum"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        buffer = state * self.momentum + grad
        return params - self.rate(t) * buffer, buffer


class NesterovGradientUnits(Optimizer):
    """Nesterov as PyTorch, optax and TF1 write it: b ← μ b + g, θ ← θ − η (g + μ b)."""

    method = "nesterov"

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        buffer = state * self.momentum + grad
        return params - self.rate(t) * (grad + self.momentum * buffer), buffer


def _form(options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The momentum form named in ``options`` (checked) and the options without it."""
    rest = dict(options)
    form = rest.pop("momentum_form", "keras")
    if form not in MOMENTUM_FORMS:
        raise ValueError(f"unknown momentum_form {form!r}; known: {list(MOMENTUM_FORMS)}")
    return form, rest


def _in_form(keras_form: type[Optimizer], pytorch_form: type[Optimizer]) -> Any:
    """A transform that builds ``keras_form`` or ``pytorch_form`` as ``momentum_form`` says."""

    def build(*, learning_rate: Array, momentum: Array, schedule: Schedule, options: Mapping[str, Any]) -> Optimizer:
        form, rest = _form(options)
        cls = pytorch_form if form == "pytorch" else keras_form
        return cls(learning_rate=learning_rate, momentum=momentum, schedule=schedule, options=rest)

    return build


heavy_ball = _in_form(Momentum, MomentumGradientUnits)
nesterov = _in_form(Nesterov, NesterovGradientUnits)


def _keras(nesterov: bool) -> Any:
    def build(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
        """``keras.optimizers.SGD``, or :class:`GradientUnitsMomentum` for ``momentum_form: pytorch``."""
        form, _ = _form(options)
        if form == "pytorch":  # not a Keras optimizer
            return GradientUnitsMomentum(learning_rate, momentum, nesterov=nesterov)
        import keras

        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=nesterov)

    return build


keras_sgd = _keras(nesterov=False)
keras_nesterov = _keras(nesterov=True)


class GradientUnitsMomentum:
    """Momentum as PyTorch, optax and TF1 write it, in plain TensorFlow ops.

    b ← μ b + g;  θ ← θ − η_t b  (Nesterov: θ ← θ − η_t (g + μ b)); η_t comes from the same
    Keras schedule object as the Keras form, read at the step count before the update.
    """

    def __init__(self, learning_rate: Any, momentum: np.float64, nesterov: bool) -> None:
        self.learning_rate, self.momentum, self.nesterov = learning_rate, momentum, nesterov
        self.buffer: Any = None
        self.iterations: Any = None

    def build(self, variables: list[Any]) -> None:
        """One gradient-unit buffer for the (single) variable, and a step counter."""
        import tensorflow as tf

        self.buffer = tf.Variable(tf.zeros_like(variables[0]), dtype=variables[0].dtype)
        self.iterations = tf.Variable(0, dtype=tf.int64)

    def apply_gradients(self, pairs: list[tuple[Any, Any]]) -> None:
        """One step on the (gradient, variable) pair."""
        import tensorflow as tf

        ((grad, variable),) = pairs
        rate = self.learning_rate
        rate = tf.cast(rate(self.iterations), tf.float64) if callable(rate) else tf.constant(rate, tf.float64)
        buffer = self.buffer.assign(self.buffer * self.momentum + grad)
        direction = grad + self.momentum * buffer if self.nesterov else buffer
        variable.assign_sub(rate * direction)
        self.iterations.assign_add(1)

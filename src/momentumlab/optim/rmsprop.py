"""RMSprop: s ← ρ s + (1 − ρ) g²  [centered: c ← ρ c + (1 − ρ) g, s − c²];
u ← μ u + η g / √(s + ε);  θ ← θ − u. And its Keras factory."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.optim.base import Array, Optimizer, State, keras_arguments


class RMSprop(Optimizer):
    """Keras' RMSprop: ε inside the root, momentum on the scaled step, optionally centered."""

    method = "rmsprop"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params), np.zeros_like(params), np.zeros_like(params))

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        velocity, buffer, average = state
        lr, rho, epsilon = self.rate(t), self.option("rho"), self.option("epsilon")
        velocity = rho * velocity + (1 - rho) * np.square(grad)
        if self.options.get("centered", False):
            average = rho * average + (1 - rho) * grad
            denominator = velocity - np.square(average) + epsilon
        else:
            denominator = velocity + epsilon
        increment = (lr * grad) / np.sqrt(denominator)
        # μ = 0 gives 0·u + increment = increment exactly: Keras' no-momentum branch.
        buffer = self.momentum * buffer + increment
        return self._decayed(params, lr) - buffer, (velocity, buffer, average)


def keras_rmsprop(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
    """``keras.optimizers.RMSprop`` with momentum μ."""
    import keras

    return keras.optimizers.RMSprop(**keras_arguments(learning_rate, options), momentum=momentum)

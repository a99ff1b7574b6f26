"""Adamax (Adam with the infinity norm): m ← m + (g − m)(1 − β₁); u ← max(β₂u, |g|);
θ ← θ − η·m / ((1 − β₁ᵗ)(u + ε)). And its Keras factory."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.optim.base import Array, Optimizer, State, keras_arguments


class Adamax(Optimizer):
    """Keras' Adamax: the first moment bias-corrected, the second an exponentially weighted max of |g|."""

    method = "adamax"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params), np.zeros_like(params))

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        first, peak = state
        lr, beta_1 = self.rate(t), self.momentum
        beta_1_power = beta_1 ** np.float64(t + 1)
        first = first + (grad - first) * (1 - beta_1)
        peak = np.maximum(self.option("beta_2") * peak, np.abs(grad))
        params = self._decayed(params, lr)
        return params - (lr * first) / ((1 - beta_1_power) * (peak + self.option("epsilon"))), (first, peak)


def keras_adamax(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
    """``keras.optimizers.Adamax`` with β₁ = ``momentum``."""
    import keras

    return keras.optimizers.Adamax(**keras_arguments(learning_rate, options), beta_1=momentum)

"""AdaGrad: a ← a + g²;  θ ← θ − η g / √(a + ε), and its Keras factory."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.optim.base import Array, Optimizer, State, keras_arguments


class Adagrad(Optimizer):
    """Keras' Adagrad: a ← a + g², θ ← θ − (η g) / √(a + ε); a starts at ``initial_accumulator_value``."""

    method = "adagrad"

    def init(self, params: Array) -> State:
        return (np.full_like(params, self.option("initial_accumulator_value")),)

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        lr = self.rate(t)
        accumulator = state[0] + np.square(grad)
        params = self._decayed(params, lr)
        return params - (lr * grad) / np.sqrt(accumulator + self.option("epsilon")), (accumulator,)


def keras_adagrad(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
    """``keras.optimizers.Adagrad`` (it has no momentum)."""
    import keras

    return keras.optimizers.Adagrad(**keras_arguments(learning_rate, options))

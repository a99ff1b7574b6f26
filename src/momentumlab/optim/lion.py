"""Lion (evolved sign momentum): θ ← θ − η·sign(β₁m + (1 − β₁)g); m ← β₂m + (1 − β₂)g.
And its Keras factory."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.optim.base import Array, Optimizer, State, keras_arguments


class Lion(Optimizer):
    """Keras' Lion: a step of size η in the sign of an interpolation, the momentum updated after it."""

    method = "lion"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params),)

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        (momentum,) = state
        lr, beta_1, beta_2 = self.rate(t), self.momentum, self.option("beta_2")
        params = self._decayed(params, lr)
        params = params - lr * np.sign(momentum * beta_1 + grad * (1.0 - beta_1))
        return params, (momentum * beta_2 + grad * (1.0 - beta_2),)


def keras_lion(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
    """``keras.optimizers.Lion`` with β₁ = ``momentum``.

    Keras' constructor refuses β₁ = 0 (SignSGD), which a sweep's first row asks for; its
    ``update_step`` reads ``beta_1`` when it runs, so β₁ is set after construction.
    """
    import keras

    optimizer = keras.optimizers.Lion(**keras_arguments(learning_rate, options), beta_1=np.float64(0.5))
    optimizer.beta_1 = momentum
    return optimizer

"""The Adam family (adam, adamw, nadam) and its Keras factories.

- ``adam``:   m ← m + (g − m)(1 − β₁); s ← s + (g² − s)(1 − β₂);
              θ ← θ − m·η√(1 − β₂ᵗ)/(1 − β₁ᵗ) / (√s + ε)
- ``nadam``:  Adam's moments with Dozat's momentum cache μₜ = β₁(1 − ½·0.96ᵗ)
- ``adamw``:  Adam with Keras' default decoupled weight decay (0.004)
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from momentumlab.optim.base import Array, Optimizer, State, keras_arguments

# Nadam's hard-coded momentum-cache decay: ``ops.cast(0.96, float64)`` in Keras' update_step goes
# through a float32 tensor (0.959999978...), while its u-product update uses ``ops.power(0.96, t)``
# with the Python float kept at float64. Nothing outside Keras can change either.
NADAM_DECAY_STEP = np.float64(np.float32(0.96))
NADAM_DECAY_PRODUCT = np.float64(0.96)


class Adam(Optimizer):
    """Keras' Adam: ε outside the root, bias correction folded into the step size α."""

    method = "adam"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params), np.zeros_like(params))

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        first, second = state
        lr, beta_1, beta_2 = self.rate(t), self.momentum, self.option("beta_2")
        local_step = np.float64(t + 1)
        alpha = lr * np.sqrt(1 - beta_2**local_step) / (1 - beta_1**local_step)
        first = first + (grad - first) * (1 - beta_1)
        second = second + (np.square(grad) - second) * (1 - beta_2)
        params = self._decayed(params, lr)
        return params - (first * alpha) / (np.sqrt(second) + self.option("epsilon")), (first, second)


class AdamW(Adam):
    """Adam with Keras' default weight decay (0.004), decoupled from the gradient."""

    method = "adamw"


class Nadam(Optimizer):
    """Keras' Nadam: Adam's moments, Nesterov look-ahead through Dozat's momentum cache."""

    method = "nadam"

    def init(self, params: Array) -> State:
        return (np.zeros_like(params), np.zeros_like(params), np.ones_like(params))

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        first, second, product = state
        lr, beta_1, beta_2 = self.rate(t), self.momentum, self.option("beta_2")
        local_step, next_step = np.float64(t + 1), np.float64(t + 2)
        product = product * beta_1 * (1.0 - 0.5 * NADAM_DECAY_PRODUCT**local_step)
        cache = beta_1 * (1.0 - 0.5 * NADAM_DECAY_STEP**local_step)
        next_cache = beta_1 * (1.0 - 0.5 * NADAM_DECAY_STEP**next_step)
        next_product = product * next_cache
        first = first + (grad - first) * (1 - beta_1)
        second = second + (np.square(grad) - second) * (1 - beta_2)
        first_hat = (next_cache * first) / (1 - next_product) + ((1 - cache) * grad) / (1 - product)
        second_hat = second / (1 - beta_2**local_step)
        params = self._decayed(params, lr)
        step = (first_hat * lr) / (np.sqrt(second_hat) + self.option("epsilon"))
        return params - step, (first, second, product)


def keras_adam(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
    """``keras.optimizers.Adam`` with β₁ = ``momentum``."""
    import keras

    return keras.optimizers.Adam(**keras_arguments(learning_rate, options), beta_1=momentum)


def keras_adamw(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
    """``keras.optimizers.AdamW`` with β₁ = ``momentum`` (a weight decay of 0 stays 0)."""
    import keras

    return keras.optimizers.AdamW(**keras_arguments(learning_rate, options, decay_always=True), beta_1=momentum)


def keras_nadam(learning_rate: Any, momentum: np.float64, options: Mapping[str, Any]) -> Any:
    """``keras.optimizers.Nadam`` with β₁ = ``momentum``."""
    import keras

    return keras.optimizers.Nadam(**keras_arguments(learning_rate, options), beta_1=momentum)

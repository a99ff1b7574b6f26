"""Gradient-descent optimizers as small transformations on batches, and the registry of methods.

Each method's facts live in one entry of :mod:`momentumlab.optim.registry`; its numpy transform and
Keras factory sit in one small module (``sgd``, ``adagrad``, ``rmsprop``, ``adam``,
``adamax``, ``lion``). The rules
follow Keras 3's ``update_step`` operation for operation (``keras/src/optimizers/*.py``), so numpy
and TensorFlow agree to rounding. Keras' ``weight_decay`` (any adaptive method here) shrinks
θ ← θ − θ·wd·η before the gradient step, decoupled from the loss: it moves a problem's minimum
towards 0.
"""

from momentumlab.optim.base import Optimizer, map_state
from momentumlab.optim.registry import (
    ADAPTIVE, ADAPTIVE_TUNING_LR, DEFAULTS, METHODS, MODEL_METHODS, MOMENTUM_KEY, REGISTRY, SGD_FAMILY, MethodSpec, make_optimizer, method_spec,
)

__all__ = [
    "ADAPTIVE", "ADAPTIVE_TUNING_LR", "DEFAULTS", "METHODS", "MODEL_METHODS", "MOMENTUM_KEY", "REGISTRY", "SGD_FAMILY", "MethodSpec", "Optimizer",
    "make_optimizer", "map_state", "method_spec",
]

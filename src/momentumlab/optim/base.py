"""The shared shape of every numpy transform: per-row η and momentum, pure ``step``, in-place ``step_into``.

Parameters have shape (B, d); the learning rate η and the method's momentum (μ, or β₁ for the
Adam family and Lion) are per row (B,), so one call advances B independent runs. ``step(params,
grad, state, t)`` takes ``t``, the number of steps already taken (Keras' ``iterations``), which the
schedule and the bias corrections read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Mapping

import numpy as np

from momentumlab.schedules import CONSTANT, Schedule

Array = np.ndarray
State = Any  # an array, or a tuple of arrays shaped like the parameters


def map_state(function: Callable[..., Any], *states: State) -> State:
    """``function`` applied slot by slot to one or more states of the same structure."""
    if isinstance(states[0], tuple):
        return tuple(function(*slots) for slots in zip(*states))
    return function(*states)


@dataclass(frozen=True)
class Optimizer:
    """A method with per-row η and momentum (μ or β₁); ``init`` and ``step`` are pure, ``step_into`` mutates."""

    learning_rate: Array  # (B, 1), or spread like the parameters
    momentum: Array  # (B, 1): μ, or β₁ for the Adam family
    schedule: Schedule = CONSTANT
    options: Mapping[str, Any] = field(default_factory=dict)  # the method's scalar hyperparameters
    method: ClassVar[str] = ""

    def rate(self, t: int) -> Array:
        """η at step ``t``: ``lr · factor(t)`` (the same array when the schedule is constant)."""
        return self.learning_rate if self.schedule.is_constant else self.learning_rate * self.schedule.factor(t)

    def option(self, name: str) -> Any:
        """A scalar hyperparameter as Keras sees it (an ``np.float64``, or a bool)."""
        return keras_value(self.options[name])

    def init(self, params: Array) -> State:
        """The initial state: a zero velocity shaped like ``params``."""
        return np.zeros_like(params)

    def step(self, params: Array, grad: Array, state: State, t: int = 0) -> tuple[Array, State]:
        """One update; returns the new (params, state)."""
        raise NotImplementedError

    def step_into(self, params: Array, grad: Array, state: State, t: int = 0) -> None:
        """``step`` in place, bit for bit: updates ``params`` and ``state``, may overwrite ``grad``."""
        new_params, new_state = self.step(params, grad, state, t)
        params[...] = new_params
        map_state(lambda old, new: old.__setitem__(Ellipsis, new), state, new_state)

    def _decayed(self, params: Array, lr: Array) -> Array:
        """Keras' decoupled weight decay, applied before the update: θ − θ·wd·η."""
        decay = self.options.get("weight_decay", 0.0)
        return params - params * np.float64(decay) * lr if decay else params


def keras_value(value: Any) -> Any:
    """A hyperparameter as Keras must get it: ``np.float64`` (a Python float goes through float32
    in ``ops.cast``), a bool or a string unchanged."""
    return value if isinstance(value, (bool, str)) else np.float64(value)


def keras_arguments(learning_rate: Any, options: Mapping[str, Any], decay_always: bool = False) -> dict[str, Any]:
    """Keyword arguments of a ``keras.optimizers`` class: η, its weight decay and the other options.

    Keras' "no weight decay" is None; ``decay_always`` passes 0 as 0 (AdamW's own default is 0.004).
    """
    settings = dict(options)
    decay = settings.pop("weight_decay", np.float64(0.0))
    return {"learning_rate": learning_rate, "weight_decay": decay if decay or decay_always else None, **settings}
